"""Streaming monitors: running sums and fixed-size histograms, folded once per day.

Per visit the model only appends a few floats to today's lists; at the end of each day those are
folded into bounded arrays with numpy and cleared, so memory stays flat in the window's length.
"""

from __future__ import annotations

import numpy as np

from sim.model.output import WAIT_BIN_MIN, WAIT_BINS

HOURS = 24


def percentile_from_histogram(counts: np.ndarray, q: float) -> float:
    """The q-quantile (0–1) of values binned by WAIT_BIN_MIN, interpolated within its bin."""
    total = counts.sum()
    if total == 0:
        return float("nan")
    cum = np.cumsum(counts)
    target = q * total
    i = int(np.searchsorted(cum, target, side="left"))
    before = cum[i - 1] if i > 0 else 0
    inside = counts[i]
    frac = (target - before) / inside if inside else 0.0
    return float((i + frac) * WAIT_BIN_MIN)


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
