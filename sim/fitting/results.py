"""What a fit finds: plain frozen records shared by the fitters, the scenario writer and the report.

Each fitter (`durations`, `patience`, `arrivals`, `shares`, `staff`, `register`) returns one of
these; `sim.fitting.fit` gathers them into a `FitResult`. Nothing here computes: the records hold
figures with their intervals and the data behind them, so the report can draw them and the writer
can label every value `FITTED: <file>, <period>, n = …`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import numpy as np

Interval = tuple[float, float]
"""A confidence interval (low, high); the level is `CONFIDENCE` unless a record says otherwise."""

CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class FittedValue:
    """One value the new scenario file overrides, with what its FITTED comment says.

    `path` is the scenario key path: tables by name, id-merged arrays (procedures, staff, fields,
    pools) by the entry's id, e.g. ("demand", "visits_per_day"),
    ("procedures", "land_intake", "service_min"), ("staff", "director", "counter_share"),
    ("demand", "hourly_profile") for a whole array, ("demand", "season_profiles", "winter").
    `value` is TOML-ready (float, str, list or dict of those).
    """

    path: tuple[str, ...]
    value: Any
    file: str
    """The input file the value was fitted from (its name as given)."""
    period: str
    """The data period, `2025-07-01–2025-08-25`."""
    n: int
    """Observations behind the value (tickets, days, dossiers)."""
    method: str = ""
    """How, in a few words: "lognormal by AIC of 4, interval-censored, KS p = 0.41"."""

    @property
    def file_name(self) -> str:
        """The input file's name without its folder: what labels and titles show."""
        return PurePath(self.file).name

    @property
    def label(self) -> str:
        """The comment the writer puts next to the value."""
        text = f"FITTED: {self.file_name}, {self.period}, n = {self.n:,}"
        return f"{text}; {self.method}" if self.method else text


@dataclass(frozen=True, slots=True)
class Candidate:
    """One family fitted by maximum likelihood to one set of durations."""

    family: str
    """"exponential", "gamma", "lognormal" or "weibull"."""
    mean: float
    cv: float
    log_likelihood: float
    aic: float
    gof_statistic: float = float("nan")
    """Goodness-of-fit statistic (Kolmogorov–Smirnov, or its censored analogue)."""
    gof_pvalue: float = float("nan")
    """Monte Carlo p-value with the parameters re-fitted to each sample (NaN when not computed)."""
    scipy_params: tuple[float, ...] = ()
    """The fitted scipy.stats parameters (shape..., loc, scale), for Q-Q plots and densities."""

    @property
    def table(self) -> dict[str, Any]:
        """The scenario's distribution table for this fit."""
        if self.family == "exponential":
            return {"dist": "exponential", "mean": self.mean}
        return {"dist": self.family, "mean": self.mean, "cv": self.cv}


@dataclass(frozen=True, slots=True)
class DurationFit:
    """Durations of one kind for one group (a procedure's counter times, a field's, patience)."""

    quantity: str
    """"service_min" or "patience_min"."""
    group: str
    """The procedure, purpose or field id the durations belong to ("" for patience)."""
    level: str
    """"procedure", "purpose", "field" or "all"."""
    n: int
    """Observations (exact + censored)."""
    n_interval: int
    """Observations known only to an interval (times rounded to the minute, absent when called)."""
    n_right: int
    """Right-censored observations (service cut at closing; patience of those who were called)."""
    candidates: tuple[Candidate, ...]
    """Every family tried, best AIC first."""
    chosen: dict[str, Any]
    """The distribution table written to the scenario (the best family, or an empirical table when
    no family passes the goodness-of-fit test)."""
    mean_ci: Interval
    """Interval of the mean under the chosen fit."""
    naive: Candidate | None = None
    """The best family fitted ignoring censoring (midpoints taken as exact, censored ones as if
    complete): shown next to the censored fit so the reader sees the bias avoided."""
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """The observed durations (interval midpoints; right-censored at their censoring time), for
    histograms and Q-Q plots."""
    censored: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """True where `values[i]` is right-censored."""
    survival: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    """Kaplan–Meier (time, survival, low, high) where right-censoring dominates (patience)."""

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def empirical(self) -> bool:
        return self.chosen.get("dist") == "empirical"


@dataclass(frozen=True, slots=True)
class Share:
    """A proportion estimated from counts, with its interval (Wilson)."""

    name: str
    successes: int
    total: int
    estimate: float
    ci: Interval


@dataclass(frozen=True, slots=True)
class ProfileSlot:
    """One 30-minute slot of the arrival profile."""

    start: str
    """"HH:MM"."""
    end: str
    rate_per_day: float
    """Mean tickets issued in this slot per working day of the season."""
    ci: Interval
    weight: float
    """Relative rate per minute as the scenario's `hourly_profile` holds it."""


@dataclass(frozen=True, slots=True)
class ArrivalFit:
    """Visits per working day, weekday factors and the hour-of-day profile."""

    tickets_per_day: float
    tickets_per_day_ci: Interval
    visits_per_day: float
    """Tickets per day scaled to all visits (some visits take no ticket), see `tickets_per_visit`."""
    visits_per_day_ci: Interval
    tickets_per_visit: float
    """Tickets per visit in the base scenario's model (ESTIMATE: look-ups and visits finished with
    the support team take no ticket)."""
    working_days: int
    weekday_factors: dict[str, float]
    weekday_ci: dict[str, Interval]
    profiles: dict[str, tuple[ProfileSlot, ...]]
    """Per season name of the base scenario ("" when the base has a single profile)."""
    weekday_profiles_differ_p: float
    """p-value of a chi-square test that the hour-of-day profile is the same on every weekday."""
    daily_counts: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Tickets on each working day of the data, in date order."""
    profile_seasons: dict[str, str] = field(default_factory=dict)
    """Profile key → the base's season it covers (the "" profile is a season's too when the base
    has seasons: the one its `hourly_profile` serves)."""


@dataclass(frozen=True, slots=True)
class StaffPresence:
    """One member of staff as the ticket log shows them (only where staff ids exist)."""

    staff_id: str
    days_present: int
    """Working days with at least one ticket served."""
    tickets: int
    counter_minutes: float
    """Minutes spent serving at the counter, summed over the data."""
    counter_share: float
    """Share of the opening hours of the days present spent serving (a lower bound of time at the
    counter: idle time at the counter is not seen)."""
    presence_share: float
    """Days present / working days in the data."""
    sessions_present: int = 0
    """Sessions (morning, afternoon) in which they served at least one ticket."""
    session_share: float = float("nan")
    """Sessions present / sessions of the working days in the data: what the scenario's
    `counter_share` means (the share of sessions a member sits at the counter)."""


@dataclass(frozen=True, slots=True)
class RegisterSummary:
    """What the dossier register says."""

    dossiers: int
    by_procedure: dict[str, int]
    by_channel: dict[str, int]
    procedure_shares: dict[str, Share]
    online_share: Share
    missing_papers: dict[str, Share]
    """Per procedure: share with at least one request for missing papers."""
    second_request: dict[str, Share]
    """Per procedure: share of those with a first request that had a second."""
    processing_days: dict[str, tuple[float, Interval, int]]
    """Per procedure: mean calendar days from reception to result, its interval and n."""
    on_time: Share
    """Early, on time or in progress within the due date, out of all received (the portal's
    definition, as the model's `on_time_rate` counts it)."""
    dossiers_per_day: float
    """Dossiers received per working day of the data."""


@dataclass(frozen=True, slots=True)
class KpiCheck:
    """One KPI computed directly from the data and from runs of the fitted scenario."""

    kpi: str
    data: float
    data_ci: Interval
    model: float
    model_ci: Interval

    @property
    def agree(self) -> bool:
        """The intervals overlap."""
        return self.data_ci[0] <= self.model_ci[1] and self.model_ci[0] <= self.data_ci[1]


@dataclass(frozen=True, slots=True)
class FitResult:
    """Everything `sim fit` found, and what it wrote."""

    tickets: Any
    """The `sim.logs.formats.Provenance` of the ticket log."""
    dossiers: Any | None
    """The register's `Provenance`, or None without a register."""
    arrivals: ArrivalFit
    durations: tuple[DurationFit, ...]
    """Service times (one per procedure, purpose or field fitted), then patience."""
    shares: tuple[Share, ...]
    """priority share, absent when called, walked out, sent back, not served at closing."""
    staff: tuple[StaffPresence, ...]
    register: RegisterSummary | None
    values: tuple[FittedValue, ...]
    """What the new scenario file overrides, in the order it writes them."""
    kept_estimates: tuple[str, ...]
    """Key paths of the base's ESTIMATE values the data could not replace."""
    checks: tuple[KpiCheck, ...] = ()
    """The validation step (empty when it was not run)."""
    notes: tuple[tuple[str, dict[str, Any]], ...] = ()
    """Sentences for the reader (a group too small to fit, too few weeks for weekday factors), each
    an English msgid with `{placeholders}` and their values, so the report can translate it."""
