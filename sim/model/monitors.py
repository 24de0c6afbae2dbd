"""Streaming monitors: running sums and fixed-size histograms, folded every few days, and the
raw counter waits for exact percentiles.

Per visit the model only appends a few floats to today's lists; every few days those are folded
into bounded arrays with numpy and cleared. The waits themselves are kept as float arrays (a year
of a commune centre is about 15,000 of them, some 120 kB), so percentiles are exact rather than
read off the histogram's bins; the histogram stays for the distribution plot.
"""

from __future__ import annotations

import numpy as np

from sim.model.output import WAIT_BIN_MIN, WAIT_BINS

HOURS = 24


class WaitMonitor:
    """Counter waits (arrival to call) and queue time (ticket to leaving the queue)."""

    def __init__(self, n_fields: int) -> None:
        self.n_fields = n_fields
        self.hist = np.zeros((n_fields, WAIT_BINS + 1), dtype=np.int64)
        self.hour_sum = np.zeros(HOURS)
        self.hour_count = np.zeros(HOURS, dtype=np.int64)
        self.queue_area_hour = np.zeros(HOURS)
        self.field_sum = np.zeros(n_fields)
        self.field_count = np.zeros(n_fields, dtype=np.int64)
        self.total = 0.0
        self.count = 0
        self.max = 0.0
        self.within = 0
        self.queue_area = 0.0
        self._waits: list[np.ndarray] = []
        """Every counter wait so far, in folded chunks (with `_fields`, each wait's field as int8:
        a scenario has at most 100 fields)."""
        self._fields: list[np.ndarray] = []
        # today's raw values
        self.d_wait: list[float] = []
        self.d_arrival: list[float] = []
        self.d_field: list[int] = []
        self.d_q_in: list[float] = []
        self.d_q_out: list[float] = []

    def add_wait(self, wait: float, arrival: float, field: int) -> None:
        """A counter call: the wait and the visitor's arrival time (for the hour-of-day profile)."""
        self.d_wait.append(wait)
        self.d_arrival.append(arrival)
        self.d_field.append(field)

    def add_queue_time(self, start: float, end: float) -> None:
        """Time a visitor spent holding a number, from ticket to call, reneging or closing."""
        self.d_q_in.append(start)
        self.d_q_out.append(end)

    def reset(self) -> None:
        """Forget everything so far (the end of a warm-up); the raw lists are kept, only emptied,
        because the staff processes hold them."""
        for lst in (self.d_wait, self.d_arrival, self.d_field, self.d_q_in, self.d_q_out):
            lst.clear()
        for arr in (
            self.hist,
            self.hour_sum,
            self.hour_count,
            self.queue_area_hour,
            self.field_sum,
            self.field_count,
        ):
            arr[...] = 0
        self.total = self.max = self.queue_area = 0.0
        self.count = self.within = 0
        self._waits.clear()
        self._fields.clear()

    def quantile(self, q: float, field: int | None = None) -> float:
        """The q-quantile (0–1) of the counter waits folded so far, or of one field's (NaN if none)."""
        if len(self._waits) != 1:  # merge the chunks once, then read the one array
            self._waits = [np.concatenate(self._waits or [np.empty(0)])]
            self._fields = [np.concatenate(self._fields or [np.empty(0, dtype=np.int8)])]
        w = self._waits[0] if field is None else self._waits[0][self._fields[0] == field]
        return float(np.quantile(w, q)) if len(w) else float("nan")

    def fold(self, threshold: float) -> None:
        """Move today's values into the running arrays."""
        if self.d_wait:
            w = np.asarray(self.d_wait)
            f = np.asarray(self.d_field, dtype=np.int64)
            bins = np.minimum((w / WAIT_BIN_MIN).astype(np.int64), WAIT_BINS)
            flat = np.bincount(f * (WAIT_BINS + 1) + bins, minlength=self.hist.size)
            self.hist += flat.reshape(self.hist.shape)
            hours = ((np.asarray(self.d_arrival) % 1440.0) // 60).astype(np.int64)
            self.hour_sum += np.bincount(hours, weights=w, minlength=HOURS)
            self.hour_count += np.bincount(hours, minlength=HOURS)
            self.field_sum += np.bincount(f, weights=w, minlength=self.n_fields)
            self.field_count += np.bincount(f, minlength=self.n_fields)
            self.total += float(w.sum())
            self.count += len(w)
            self.max = max(self.max, float(w.max()))
            self._waits.append(w)
            self._fields.append(f.astype(np.int8))
            self.within += int((w <= threshold + 1e-9).sum())
            self.d_wait.clear()
            self.d_arrival.clear()
            self.d_field.clear()
        if self.d_q_in:
            q_in = np.asarray(self.d_q_in)
            a = q_in % 1440.0
            b = np.asarray(self.d_q_out) - (q_in - a)
            self.queue_area += float((b - a).sum())
            starts = np.arange(HOURS) * 60.0
            # Waiting that runs past midnight (queues held overnight) is folded onto the clock
            # hours of the following days, one day at a time.
            while a.size:
                overlap = np.minimum(b[:, None], starts + 60.0) - np.maximum(a[:, None], starts)
                self.queue_area_hour += np.clip(overlap, 0.0, None).sum(axis=0)
                more = b > 1440.0
                a = np.zeros(int(more.sum()))
                b = b[more] - 1440.0
            self.d_q_in.clear()
            self.d_q_out.clear()
