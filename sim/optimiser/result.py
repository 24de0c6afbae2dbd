"""The outcome of a study: every plan's state and estimates, the chosen plan, the stress re-run,
and a results folder written whole or not at all.

Layering as for `Results`: this module writes data files only (candidates.csv, study.toml,
meta.json, and the chosen plan's and the stress run's own results folders); plots and report.html
are plugged in from `sim.report` as `writers` (`sim.api.optimise` attaches them).
"""

from __future__ import annotations

import csv
import datetime as dt
import platform
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from sim.experiment.folders import save_with_writers
from sim.experiment.results import Results, Writer, csv_cell, library_versions, package_version, write_json
from sim.experiment.statistics import CONFIDENCE, KpiSummary, summarise_kpi
from sim.model.output import ReplicationOutput
from sim.optimiser.procedure import FEASIBLE, Outcome, PlanOutcome
from sim.optimiser.study import Plan, Study, thaw
from sim.scenario.schema import Scenario

OptimiseWriter = Callable[["OptimiseResult", Path], object]

CHOSEN_DIR = "chosen_plan"
STRESS_DIR = "stress"

COLUMNS_AFTER_LEVERS: tuple[str, ...] = (
    "cost_vnd_per_month",
    "plan_state",
    "kpi",
    "role",
    "op",
    "threshold",
    "tolerance",
    "mean",
    "ci_low",
    "ci_high",
    "state",
    "replications",
    "decided_at",
    "implied_by",
)
"""candidates.csv, after `candidate` and one column per lever: one row per plan and constraint
(role "constraint"), and one for the secondary KPI (role "objective", no threshold or state)."""


def _results(scenario: Scenario, seed: int, outputs: Sequence[ReplicationOutput], workers: int) -> Results:
    spec = scenario.run.model_copy(update={"replications": len(outputs), "seed": seed})
    return Results(
        scenario=scenario.model_copy(update={"run": spec}),
        seed=seed,
        outputs=list(outputs),
        workers=workers,
        wall_time_s=0.0,
    )


@dataclass(frozen=True)
class StressRun:
    """The chosen plan under the study's stress variant, checked against the same constraints."""

    scenario: Scenario
    outcome: Outcome
    outputs: tuple[ReplicationOutput, ...]

    @property
    def plan(self) -> PlanOutcome:
        return self.outcome.plans[0]

    @property
    def state(self) -> str:
        """feasible (still meets the targets), infeasible, or undecided at the cap."""
        return self.plan.state


@dataclass(frozen=True, eq=False)
class OptimiseResult:
    """A finished study. `save(folder)` writes a new results folder (never overwrites)."""

    study: Study
    outcome: Outcome
    outputs: Mapping[int, tuple[ReplicationOutput, ...]]
    """Every replication run, per plan index, in replication order."""
    stress: StressRun | None
    workers: int
    executor: str
    wall_time_s: float
    created: str = field(default_factory=lambda: dt.datetime.now().astimezone().isoformat(timespec="seconds"))
    writers: tuple[OptimiseWriter, ...] = ()
    results_writers: tuple[Writer, ...] = ()
    """Writers for the nested results folders (the chosen plan's, the stress run's): plots, report."""

    # ----- what the answer is ---------------------------------------------------------------------

    @property
    def chosen(self) -> Plan | None:
        """The cheapest plan that meets every constraint (None when the answer is not found)."""
        i = self.outcome.chosen
        return None if i is None else self.study.plans[i]

    @property
    def best_known(self) -> Plan | None:
        i = self.outcome.best_known
        return None if i is None else self.study.plans[i]

    def plan_results(self, index: int) -> Results:
        """One plan's replications as a `Results` (its folder, its plots)."""
        plan = self.study.plans[index]
        return _results(plan.scenario, self.study.seed, self.outputs.get(index, ()), self.workers)

    @cached_property
    def chosen_results(self) -> Results | None:
        i = self.outcome.chosen
        if i is None:
            return None
        return dataclasses_replace_writers(self.plan_results(i), self.results_writers)

    @cached_property
    def stress_results(self) -> Results | None:
        if self.stress is None:
            return None
        r = _results(self.stress.scenario, self.study.seed, self.stress.outputs, self.workers)
        return dataclasses_replace_writers(r, self.results_writers)

    def estimate(self, index: int, kpi: str, confidence: float = CONFIDENCE) -> KpiSummary:
        """Mean and Student-t interval of a KPI over every replication run for a plan."""
        values = self.outcome.plans[index].values.get(kpi)
        return summarise_kpi(kpi, [] if values is None else values, confidence)

    @property
    def spent(self) -> int:
        """Replications run in all, the stress re-run included."""
        return self.outcome.spent + (self.stress.outcome.spent if self.stress is not None else 0)

    @property
    def fixed_design(self) -> int:
        """Replications a fixed-n design needs for the same guarantee: every plan × the most any
        plan needed here."""
        return len(self.study.plans) * self.outcome.max_used

    # ----- the tidy table ---------------------------------------------------------------------------

    def columns(self) -> tuple[str, ...]:
        return ("candidate", *(lv.id for lv in self.study.levers), *COLUMNS_AFTER_LEVERS)

    def rows(self) -> list[list[Any]]:
        """candidates.csv's rows, plans in cost order."""
        study, out = self.study, []
        secondary = study.settings.tie_kpi
        for i, plan in enumerate(study.plans):
            po = self.outcome.plans[i]
            lead = [plan.id, *study.choice_ids(plan).values(), plan.cost, po.state]
            for c, co in zip(study.constraints, po.constraints, strict=True):
                s = self.estimate(i, c.kpi)
                out.append(
                    [
                        *lead,
                        c.kpi,
                        "constraint",
                        c.op,
                        c.threshold,
                        c.tolerance,
                        s["mean"],
                        s["ci_low"],
                        s["ci_high"],
                        co.state,
                        po.replications,
                        co.decided_at,
                        _plan_id(study, co.implied_by),
                    ]
                )
            if secondary is not None:
                s = self.estimate(i, secondary)
                out.append(
                    [
                        *lead,
                        secondary,
                        "objective",
                        "",
                        None,
                        None,
                        s["mean"],
                        s["ci_low"],
                        s["ci_high"],
                        "",
                        po.replications,
                        None,
                        None,
                    ]
                )
        return out

    def table(self) -> Any:
        """candidates.csv as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=list(self.columns()))

    # ----- the results folder -----------------------------------------------------------------------

    def meta(self) -> dict[str, Any]:
        o, st = self.outcome, self.study
        states: dict[str, int] = {}
        for p in o.plans:
            states[p.state] = states.get(p.state, 0) + 1
        return {
            "package": "centre-sim",
            "version": package_version(),
            "study": st.name,
            "study_file": st.source,
            "base_scenario": str(st.base_path) if st.base_path else st.base.name,
            "plans": len(st.plans),
            "levers": {lv.id: [opt.id for opt in lv.options] for lv in st.levers},
            "constraints": [
                {"kpi": c.kpi, "op": c.op, "threshold": c.threshold, "tolerance": c.tolerance}
                for c in st.constraints
            ],
            "seed": st.seed,
            "common_random_numbers": True,
            "alpha": st.settings.alpha,
            "first_stage": st.settings.first_stage,
            "batch": st.settings.batch,
            "max_replications": st.settings.max_replications,
            "error_per_decision": o.beta,
            "eta": o.eta,
            "h2": o.h2,
            "answer": o.answer,
            "chosen": _plan_id(st, o.chosen),
            "best_known": _plan_id(st, o.best_known),
            "blocking": [st.plans[i].id for i in o.blocking],
            "tie_break": None
            if o.tie is None
            else {
                "tied": [st.plans[i].id for i in o.tie.tied],
                "survivors": [st.plans[i].id for i in o.tie.survivors],
                "chosen": st.plans[o.tie.chosen].id,
                "replications": o.tie.replications,
                "alpha": o.tie.alpha,
            },
            "states": states,
            "replications_spent": o.spent,
            "replications_most_per_plan": o.max_used,
            "replications_fixed_design": self.fixed_design,
            "rounds": o.rounds,
            "stress": None
            if self.stress is None
            else {
                "name": self.stress.scenario.name,
                "state": self.stress.state,
                "replications": self.stress.plan.replications,
            },
            "workers": self.workers,
            "executor": self.executor,
            "wall_time_s": self.wall_time_s,
            "created": self.created,
            "command_line": list(sys.argv),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "libraries": library_versions(),
        }

    def save(self, folder: str | Path) -> Path:
        """Write a new results folder and return its path; refuse a folder that already exists."""

        return save_with_writers(folder, self, self.write_files, self.writers)

    def write_files(self, folder: Path) -> None:
        """candidates.csv, study.toml, meta.json and the nested results folders."""
        with (folder / "candidates.csv").open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(self.columns())
            for row in self.rows():
                out.writerow([csv_cell(v) for v in row])
        (folder / "study.toml").write_text(study_toml(self.study), encoding="utf-8")
        write_json(folder / "meta.json", self.meta())
        for name, results in ((CHOSEN_DIR, self.chosen_results), (STRESS_DIR, self.stress_results)):
            if results is not None:
                sub = folder / name
                sub.mkdir()
                results.write_files(sub)
                for writer in results.writers:
                    writer(results, sub)


def dataclasses_replace_writers(results: Results, writers: Sequence[Writer]) -> Results:
    import dataclasses

    return dataclasses.replace(results, writers=(*results.writers, *writers))


def _plan_id(study: Study, index: int | None) -> str | None:
    return None if index is None else study.plans[index].id


def study_toml(study: Study) -> str:
    """The study as run: the file's content with every [procedure] setting filled in."""
    doc = thaw(study.document)
    if study.base_path is not None:  # the folder moved: name the base by its full path
        doc.setdefault("study", {})["base"] = str(study.base_path)
    s = study.settings
    doc["procedure"] = {
        "alpha": s.alpha,
        "first_stage": s.first_stage,
        "batch": s.batch,
        "max_replications": s.max_replications,
        "seed": study.seed,
    }
    header = (
        f"# Study {study.name!r} as run by centre-sim {package_version()} (from {study.source}).\n"
        f"# Base scenario: {study.base_path or study.base.name} (outside the bundled scenarios/,\n"
        "# rerun this file with --scenario-root naming the base's folder).\n\n"
    )
    return header + tomli_w.dumps(_plain(doc))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def feasible_plans(result: OptimiseResult) -> list[int]:
    return [p.index for p in result.outcome.plans if p.state == FEASIBLE]


__all__ = ["CHOSEN_DIR", "STRESS_DIR", "OptimiseResult", "StressRun", "feasible_plans", "study_toml"]
