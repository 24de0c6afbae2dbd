"""A hand-made `FitResult` for the fit report's tests: synthetic arrays with a known shape, so the
report can be tested while the fitters are written (and without running them).

`fit_result()` gives a full result (register, staff ids, patience, a validation that agrees);
its keyword arguments take each part away or make it awkward (an empirical service fit, a
disagreeing check, dropped rows, times to the minute).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
from scipy import stats

from sim.fitting.results import (
    ArrivalFit,
    Candidate,
    DurationFit,
    FitResult,
    FittedValue,
    KpiCheck,
    ProfileSlot,
    RegisterSummary,
    Share,
    StaffPresence,
)
from sim.logs.formats import DroppedRow, Provenance

PERIOD = "2025-07-01–2025-08-25"
TICKETS = Provenance("ve_2025.csv", dt.date(2025, 7, 1), dt.date(2025, 8, 25), 2_400)
DOSSIERS = Provenance("ho_so_2025.csv", dt.date(2025, 7, 1), dt.date(2025, 8, 25), 1_210, encoding="utf-16")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
_FAMILIES = {
    "exponential": stats.expon,
    "gamma": stats.gamma,
    "lognormal": stats.lognorm,
    "weibull": stats.weibull_min,
}


def _candidate(family: str, data: np.ndarray, p: float) -> Candidate:
    dist = _FAMILIES[family]
    params = dist.fit(data, floc=0)
    frozen = dist(*params)
    mean, sd = float(frozen.mean()), float(frozen.std())
    ll = float(np.sum(frozen.logpdf(data)))
    k = len(params) - 1
    return Candidate(family, mean, sd / mean, ll, 2 * k - 2 * ll, 0.05, p, tuple(float(x) for x in params))


def duration(
    quantity: str,
    group: str,
    level: str,
    *,
    seed: int,
    mean: float = 6.0,
    cut_share: float = 0.08,
    empirical: bool = False,
) -> DurationFit:
    """Lognormal durations, the longest `cut_share` right-censored below their true value."""
    rng = np.random.default_rng(seed)
    n, sigma = 300, 0.5
    true = rng.lognormal(np.log(mean) - sigma**2 / 2, sigma, n)
    censored = rng.random(n) < cut_share
    values = np.where(censored, true * rng.uniform(0.3, 0.9, n), true)
    exact = values[~censored]
    ps = {"lognormal": 0.41, "gamma": 0.12, "weibull": 0.03, "exponential": 0.0001}
    if empirical:
        ps = dict.fromkeys(ps, 0.001)
    candidates = sorted((_candidate(f, exact, p) for f, p in ps.items()), key=lambda c: c.aic)
    best = candidates[0]
    naive = dataclasses.replace(_candidate("lognormal", values, float("nan")), gof_pvalue=float("nan"))
    if empirical:
        chosen: dict = {
            "dist": "empirical",
            "values": [float(v) for v in np.quantile(exact, np.linspace(0, 1, 21))],
        }
    else:
        chosen = best.table
    return DurationFit(
        quantity,
        group,
        level,
        n,
        0,
        int(censored.sum()),
        tuple(candidates),
        chosen,
        (best.mean * 0.93, best.mean * 1.07),
        naive,
        values,
        censored,
    )


def patience(seed: int = 9, n: int = 400) -> DurationFit:
    """Waits of tickets: those who walked out are exact, those called are right-censored."""
    rng = np.random.default_rng(seed)
    willing = rng.exponential(45.0, n)
    waited = rng.exponential(20.0, n)
    called = waited < willing
    values = np.minimum(willing, waited)
    cand = _candidate("exponential", values[~called], 0.5)
    cand = dataclasses.replace(cand, mean=45.0, cv=1.0, scipy_params=(0.0, 45.0))
    naive = _candidate("exponential", values[~called], float("nan"))
    return DurationFit(
        "patience_min",
        "",
        "all",
        n,
        0,
        int(called.sum()),
        (cand,),
        cand.table,
        (40.0, 51.0),
        naive,
        values,
        called,
    )


def _profile(season: str, peak: float) -> tuple[ProfileSlot, ...]:
    slots = []
    for k in range(16):
        start = 7 * 60 + 30 * k
        if 11 * 60 + 30 <= start < 13 * 60 + 30:
            continue
        rate = peak * np.exp(-(((start - 540) / 90) ** 2)) + 1.0
        slots.append(
            ProfileSlot(
                f"{start // 60:02d}:{start % 60:02d}",
                f"{(start + 30) // 60:02d}:{(start + 30) % 60:02d}",
                float(rate),
                (float(rate * 0.85), float(rate * 1.15)),
                float(rate / 30),
            )
        )
    return tuple(slots)


def arrivals(*, p: float = 0.31) -> ArrivalFit:
    factors = dict(zip(WEEKDAYS, (1.25, 1.0, 0.95, 0.9, 0.9), strict=True))
    return ArrivalFit(
        tickets_per_day=60.0,
        tickets_per_day_ci=(57.2, 62.8),
        visits_per_day=64.5,
        visits_per_day_ci=(61.5, 67.5),
        tickets_per_visit=0.93,
        working_days=40,
        weekday_factors=factors,
        weekday_ci={d: (f - 0.08, f + 0.08) for d, f in factors.items()},
        profiles={"summer": _profile("summer", 9.0), "winter": _profile("winter", 7.0)},
        weekday_profiles_differ_p=p,
        daily_counts=np.full(40, 60.0),
    )


def register() -> RegisterSummary:
    def share(name: str, k: int, n: int) -> Share:
        lo, hi = stats.binomtest(k, n).proportion_ci(method="wilson")
        return Share(name, k, n, k / n, (float(lo), float(hi)))

    return RegisterSummary(
        dossiers=1_210,
        by_procedure={"land_intake": 310, "birth_registration": 900},
        by_channel={"counter": 1_000, "online": 210},
        procedure_shares={
            "land_intake": share("land_intake", 310, 1_210),
            "birth_registration": share("b", 900, 1_210),
        },
        online_share=share("online", 210, 1_210),
        missing_papers={"land_intake": share("m", 40, 310), "birth_registration": share("m", 20, 900)},
        second_request={"land_intake": share("s", 5, 40), "birth_registration": share("s", 1, 20)},
        processing_days={
            "land_intake": (9.4, (8.8, 10.0), 300),
            "birth_registration": (0.6, (0.5, 0.7), 890),
        },
        on_time=share("on_time", 1_150, 1_190),
        dossiers_per_day=30.25,
    )


@dataclasses.dataclass(frozen=True)
class Variant:
    """What to take away from the full result, or make awkward."""

    with_register: bool = True
    with_staff: bool = True
    with_patience: bool = True
    empirical: bool = False
    disagree: bool = False
    checks: bool = True
    dropped: int = 0
    minute: bool = False


def fit_result(**changes: Any) -> FitResult:
    """The full result, changed as `Variant(**changes)` says."""
    v = Variant(**changes)
    with_register, with_staff, with_patience = v.with_register, v.with_staff, v.with_patience
    empirical, disagree, checks, dropped, minute = v.empirical, v.disagree, v.checks, v.dropped, v.minute
    tickets = dataclasses.replace(
        TICKETS,
        dropped=tuple(DroppedRow(10 + 7 * k, "called_at", "called before issued_at") for k in range(dropped)),
        time_resolution="minute" if minute else "second",
    )
    durations = [
        duration("service_min", "land_intake", "procedure", seed=1, mean=14.0),
        duration("service_min", "birth_registration", "procedure", seed=2, mean=6.0, empirical=empirical),
        duration("service_min", "collect", "purpose", seed=3, mean=2.5, cut_share=0.0),
    ]
    if with_patience:
        durations.append(patience())
    shares = (
        Share("priority", 240, 2_400, 0.1, (0.089, 0.113)),
        Share("absent", 48, 2_400, 0.02, (0.015, 0.026)),
        Share("walked_out", 72, 2_400, 0.03, (0.024, 0.038)),
        Share("sent_back", 120, 2_400, 0.05, (0.042, 0.06)),
        Share("not_served", 12, 2_400, 0.005, (0.0029, 0.0087)),
    )
    staff = (
        StaffPresence("cb01", 40, 900, 5_400.0, 0.42, 1.0, 78, 0.975),
        StaffPresence("cb02", 35, 700, 4_100.0, 0.36, 0.875, 60, 0.75),
    )
    values = (
        FittedValue(("demand", "visits_per_day"), 64.5, "ve_2025.csv", PERIOD, 40, "mean of working days"),
        FittedValue(
            ("procedures", "land_intake", "service_min"), durations[0].chosen, "ve_2025.csv", PERIOD, 300
        ),
    )
    wait_model = (6.4, (5.9, 6.9)) if not disagree else (9.8, (9.1, 10.5))
    validation = (
        KpiCheck("wait_mean_min", 6.2, (5.6, 6.8), *wait_model),
        KpiCheck("on_time_rate", 0.966, (0.955, 0.975), 0.962, (0.950, 0.972)),
        KpiCheck("visitors_reneged", 72.0, (58.0, 86.0), 66.0, (55.0, 77.0)),
        KpiCheck("walked_out_share", 0.03, (0.024, 0.038), 0.028, (0.022, 0.035)),
    )
    return FitResult(
        tickets=tickets,
        dossiers=DOSSIERS if with_register else None,
        arrivals=arrivals(),
        durations=tuple(durations),
        shares=shares,
        staff=staff if with_staff else (),
        register=register() if with_register else None,
        values=values,
        kept_estimates=(
            "demand.balking.queue_length",
            "procedures[land_intake].work_min",
            "policies.lunch_rule",
        ),
        checks=validation if checks else (),
        notes=(
            (
                "Procedure {group}: {n} served tickets, fewer than {least}; the estimate stays.",
                {"group": "marriage_registration", "n": 12, "least": 30},
            ),
        ),
    )


SCENARIO_TEXT = """\
# Fitted from ve_2025.csv, 2025-07-01–2025-08-25
extends = "dao_xa_2025.toml"

[demand]
visits_per_day = 64.5  # FITTED: ve_2025.csv, 2025-07-01–2025-08-25, n = 40; mean of working days
"""
