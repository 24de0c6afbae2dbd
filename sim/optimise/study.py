"""A study: the base scenario, the levers and every plan they make, the constraints and settings.

`load_study(path)` reads and checks a study file (`sim.optimise.schema`) and builds every plan —
one option per lever, the options' overlays merged onto the base document in lever order with
exactly the rules of `extends` (`sim.scenario.variants.merge`) — and validates each as a scenario,
so that a bad overlay is refused before anything runs, naming the lever and option (or, for a
combination, the plan's options). Plans are sorted by monthly cost (ties: the options' order in the
file) and named plan_01, plan_02, …
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from pydantic import ValidationError

from sim.optimise.costs import monthly_cost
from sim.optimise.procedure import Constraint, Dominance, Settings
from sim.optimise.schema import LeverSpec, OptionSpec, StressSpec, StudyFile
from sim.scenario.errors import ScenarioError
from sim.scenario.kpis import DEFAULT_MINIMUM_IMPORTANT_DIFFERENCE, kpi_direction
from sim.scenario.loader import parse_scenario, read_document, read_toml, validation_problem
from sim.scenario.schema import Scenario
from sim.scenario.variants import allowed_roots, merge

STUDY_KEYS = frozenset(StudyFile.model_fields)


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of a lever: its words, its monthly cost and the overlay that makes it."""

    id: str
    label: str
    label_vi: str
    description: str
    description_vi: str
    cost: float
    """VND per month (recurring costs plus one-off prices annuitised)."""
    overlay: Mapping[str, Any]

    def text(self, lang: str) -> str:
        """The label in `lang` (the English one when no Vietnamese was given)."""
        return self.label_vi or self.label if lang == "vi" else self.label


@dataclass(frozen=True, slots=True)
class Lever:
    id: str
    name: str
    name_vi: str
    monotone: bool
    options: tuple[Option, ...]

    def text(self, lang: str) -> str:
        return self.name_vi or self.name if lang == "vi" else self.name

    def option(self, option_id: str) -> Option:
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(f"lever {self.id!r} has no option {option_id!r}")


@dataclass(frozen=True, slots=True)
class Plan:
    """A candidate: one option per lever, its cost and the scenario it makes."""

    id: str
    choice: tuple[int, ...]
    """The index of the chosen option of each lever, in lever order."""
    cost: float
    scenario: Scenario


@dataclass(frozen=True, slots=True)
class Stress:
    """The heavier load the chosen plan is re-run under."""

    name: str
    title: str
    title_vi: str
    description: str
    description_vi: str
    demand_factor: float
    overlay: Mapping[str, Any]


@dataclass(frozen=True)
class Study:
    """Everything `optimise` needs, checked: frozen configuration, no results."""

    name: str
    title: str
    title_vi: str
    description: str
    description_vi: str
    source: str
    """The study file (or `<study>` for one built in Python)."""
    base_path: Path | None
    base: Scenario
    base_document: Mapping[str, Any]
    levers: tuple[Lever, ...]
    plans: tuple[Plan, ...]
    constraints: tuple[Constraint, ...]
    settings: Settings
    seed: int
    stress: Stress | None
    document: Mapping[str, Any]
    """The study file's content as read (for `study.toml` in the results folder)."""

    def choice_ids(self, plan: Plan) -> dict[str, str]:
        """lever id → option id of a plan."""
        return {lv.id: lv.options[k].id for lv, k in zip(self.levers, plan.choice, strict=True)}

    def plan_title(self, plan: Plan, lang: str = "en") -> str:
        """'6 staff, today's hours, 1 ticket machine' from the options' labels."""
        return ", ".join(lv.options[k].text(lang) for lv, k in zip(self.levers, plan.choice, strict=True))

    def plan_scenario(self, choice: Mapping[str, str]) -> Scenario:
        """The base with the named options applied in lever order (unnamed levers: the base)."""
        unknown = [k for k in choice if k not in {lv.id for lv in self.levers}]
        if unknown:
            raise KeyError(f"no lever {unknown[0]!r}")
        overlays = [(lv, lv.option(choice[lv.id])) for lv in self.levers if lv.id in choice]
        doc = _apply(self.base_document, overlays, self.source)
        return parse_scenario(doc, self.source)

    @property
    def dominance(self) -> Dominance | None:
        """Which plans have no more of every monotone lever's resource than which (None when no
        lever is monotone)."""
        return dominance(self.levers, self.plans)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """A plain, mutable deep copy of a frozen overlay (what `merge` takes)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return copy.deepcopy(value)


def _apply(base: Mapping[str, Any], overlays: Sequence[tuple[Lever, Option]], source: str) -> dict[str, Any]:
    doc = thaw(base)
    for lever, option in overlays:
        doc = merge(doc, thaw(option.overlay), source, f"lever {lever.id!r}, option {option.id!r}: overlay")
    return doc


# ----- loading ------------------------------------------------------------------------------------


def load_study(
    path: str | Path,
    scenario_root: str | Path | None = None,
    *,
    alpha: float | None = None,
    max_replications: int | None = None,
    seed: int | None = None,
) -> Study:
    """Read, check and expand a study file; the keywords override its [procedure] settings."""
    path = Path(path)
    source = str(path)
    data = read_toml(path, "a study file")
    if data and not STUDY_KEYS.intersection(data):
        raise ScenarioError(
            source,
            "",
            f"is TOML but not a study: it has none of the keys a study has ({', '.join(sorted(STUDY_KEYS))})",
        )
    overrides = {
        k: v
        for k, v in (("alpha", alpha), ("max_replications", max_replications), ("seed", seed))
        if v is not None
    }
    if overrides:
        data = {**data, "procedure": {**(data.get("procedure") or {}), **overrides}}
    spec = _validate(data, source)
    base_path = _base_path(path, spec.study.base, scenario_root)
    try:
        base_document = read_document(base_path, scenario_root)
        base = parse_scenario(copy.deepcopy(base_document), str(base_path))
    except ScenarioError as exc:
        if exc.source == str(base_path) or exc.key:
            raise
        raise ScenarioError(source, "study.base", f"{exc.source}: {exc.message}") from None
    return build_study(spec, base, base_document, source=source, base_path=base_path, document=data)


def _validate(data: dict[str, Any], source: str) -> StudyFile:
    try:
        return StudyFile.model_validate(data)
    except ValidationError as exc:
        key, message = validation_problem(exc)
        raise ScenarioError(source, key, message) from None
    except RecursionError:
        raise ScenarioError(source, "", "nests arrays or tables too deeply") from None


def _base_path(path: Path, base: str, scenario_root: str | Path | None) -> Path:
    """The base scenario file, inside the folders a study may read from: those a scenario may
    extend from, plus the folder above the study's own — studies usually sit in a `studies/`
    folder beside the centre's scenarios (`base = "../my_centre.toml"`)."""
    if "\0" in base:
        raise ScenarioError(str(path), "study.base", "is not a valid file name")
    target = (path.parent / base).resolve()
    above = path.absolute().parent.parent.resolve()
    roots = tuple(dict.fromkeys((*allowed_roots(path, scenario_root), above)))
    if not any(target.is_relative_to(root) for root in roots):
        raise ScenarioError(
            str(path),
            "study.base",
            f"the base scenario {base!r} is outside the folders a study may read from "
            f"({', '.join(map(str, roots))}); keep it beside the study (or below it) or name "
            "its folder with --scenario-root DIR",
        )
    if not target.is_file():
        raise ScenarioError(
            str(path), "study.base", f"base scenario {base!r} not found (looked for {target})"
        )
    return target


def build_study(
    spec: StudyFile,
    base: Scenario,
    base_document: Mapping[str, Any] | None = None,
    *,
    source: str = "<study>",
    base_path: Path | None = None,
    document: Mapping[str, Any] | None = None,
) -> Study:
    """A `Study` from a validated study file and its base (also for studies built in Python)."""
    base_doc = dict(base_document) if base_document is not None else base.model_dump(mode="python")
    rate = spec.objective.discount_rate
    levers = tuple(_lever(i, lv, rate, source) for i, lv in enumerate(spec.levers))
    for i, lever in enumerate(levers):  # each option alone on the base: the message names it
        for j, option in enumerate(lever.options):
            _parse_option(base_doc, lever, option, source, f"levers[{i}].options[{j}].overlay")
    constraints = _constraints(spec, base, source)
    settings = _settings(spec, base, source)
    plans = _plans(spec, levers, base_doc, source)
    return Study(
        name=spec.study.name,
        title=spec.study.title,
        title_vi=spec.study.title_vi,
        description=spec.study.description,
        description_vi=spec.study.description_vi,
        source=source,
        base_path=base_path,
        base=base,
        base_document=_freeze(base_doc),
        levers=levers,
        plans=plans,
        constraints=constraints,
        settings=settings,
        seed=base.run.seed if spec.procedure.seed is None else spec.procedure.seed,
        stress=_stress(spec.stress),
        document=_freeze(dict(document) if document is not None else spec.model_dump(mode="python")),
    )


def _lever(index: int, spec: LeverSpec, rate: float, source: str) -> Lever:
    options = []
    for j, o in enumerate(spec.options):
        try:
            cost = monthly_cost(o.cost_per_month, o.price, o.lifetime_years, rate)
        except ValueError as exc:
            raise ScenarioError(source, f"levers[{index}].options[{j}]", str(exc)) from None
        options.append(_option(o, cost))
    return Lever(spec.id, spec.name, spec.name_vi, spec.monotone, tuple(options))


def _option(o: OptionSpec, cost: float) -> Option:
    return Option(o.id, o.label, o.label_vi, o.description, o.description_vi, cost, _freeze(o.overlay))


def _parse_option(base: Mapping[str, Any], lever: Lever, option: Option, source: str, key: str) -> None:
    try:
        parse_scenario(_apply(base, [(lever, option)], source), source)
    except ScenarioError as exc:
        where = exc.key.split(": overlay", 1)[-1].lstrip(".") if ": overlay" in exc.key else exc.key
        raise ScenarioError(
            source,
            f"{key}.{where}" if where else key,
            f"lever {lever.id!r}, option {option.id!r} makes an invalid scenario: {exc.message}",
        ) from None


def _excluded(spec: StudyFile, levers: Sequence[Lever], choice: tuple[int, ...]) -> bool:
    ids = {lv.id: lv.options[k].id for lv, k in zip(levers, choice, strict=True)}
    return any(all(ids[lever] in rule[lever] for lever in rule if lever != "reason") for rule in spec.exclude)


def _plans(
    spec: StudyFile, levers: Sequence[Lever], base: Mapping[str, Any], source: str
) -> tuple[Plan, ...]:
    combos = [
        c
        for c in itertools.product(*(range(len(lv.options)) for lv in levers))
        if not _excluded(spec, levers, c)
    ]
    if not combos:
        raise ScenarioError(source, "exclude", "the exclude rules leave no plan to run")
    costs = {c: sum(lv.options[k].cost for lv, k in zip(levers, c, strict=True)) for c in combos}
    combos.sort(key=lambda c: (round(costs[c], 6), c))
    width = max(2, len(str(len(combos))))
    plans = []
    for n, combo in enumerate(combos, start=1):
        plan_id = f"plan_{n:0{width}d}"
        chosen = [(lv, lv.options[k]) for lv, k in zip(levers, combo, strict=True)]
        try:
            doc = _apply(base, chosen, source)
            info = doc.setdefault("scenario", {})
            info["name"] = plan_id
            info["title"] = ", ".join(o.label for _, o in chosen)
            info["title_vi"] = ", ".join(o.label_vi or o.label for _, o in chosen)
            scenario = parse_scenario(doc, source)
        except ScenarioError as exc:
            options = ", ".join(f"{lv.id} = {o.id!r}" for lv, o in chosen)
            raise ScenarioError(
                source, "levers", f"the plan {options} makes an invalid scenario: {exc.key}: {exc.message}"
            ) from None
        plans.append(Plan(plan_id, combo, costs[combo], scenario))
    return tuple(plans)


Op = Literal["<=", ">="]


def _constraints(spec: StudyFile, base: Scenario, source: str) -> tuple[Constraint, ...]:
    """The study's constraints, or the base scenario's [targets] rules when it sets none."""
    mids = base.targets.minimum_important_difference
    if spec.constraints:
        given = [
            (f"constraints[{i}]", c.kpi, c.op, c.value, c.tolerance) for i, c in enumerate(spec.constraints)
        ]
    else:
        given = [
            (f"(the base's targets.rules[{i}])", r.kpi, r.op, r.value, None)
            for i, r in enumerate(base.targets.rules)
        ]
    if not given:
        raise ScenarioError(
            source,
            "constraints",
            "the study sets no [[constraints]] and the base scenario has no [targets] rules; "
            'add e.g. [[constraints]] kpi = "wait_within_target", op = ">=", value = 0.9, tolerance = 0.01',
        )
    out = []
    for key, kpi, op, value, tolerance in given:
        eps = tolerance if tolerance is not None else mids.get(kpi, mids.get(kpi.split(".", 1)[0], 0.0))
        if not eps > 0:
            raise ScenarioError(
                source,
                f"{key}.tolerance",
                f"{kpi}: give the indifference tolerance ε (> 0, in the KPI's unit; the base sets no "
                "minimum important difference for it)",
            )
        norm: Op = ">=" if op in (">=", ">") else "<="
        out.append(Constraint(kpi, norm, float(value), float(eps)))
    return tuple(out)


def _settings(spec: StudyFile, base: Scenario, source: str) -> Settings:
    p, o = spec.procedure, spec.objective
    direction = kpi_direction(o.secondary)
    if direction == 0:
        raise ScenarioError(
            source,
            "objective.secondary",
            f"{o.secondary!r} has no better direction; choose a KPI such as wait_mean_min",
        )
    mids = base.targets.minimum_important_difference
    delta = o.tie_tolerance or mids.get(o.secondary) or DEFAULT_MINIMUM_IMPORTANT_DIFFERENCE.get(o.secondary)
    if not delta:
        raise ScenarioError(
            source, "objective.tie_tolerance", f"give the tie tolerance δ (> 0) for {o.secondary!r}"
        )
    return Settings(
        alpha=p.alpha,
        first_stage=p.first_stage,
        batch=p.batch,
        max_replications=p.max_replications,
        tie_kpi=o.secondary,
        tie_direction=direction,
        tie_tolerance=float(delta),
    )


def _stress(spec: StressSpec | None) -> Stress | None:
    if spec is None:
        return None
    return Stress(
        spec.name,
        spec.title,
        spec.title_vi,
        spec.description,
        spec.description_vi,
        spec.demand_factor,
        _freeze(spec.overlay),
    )


def stress_scenario(study: Study, plan: Plan) -> Scenario:
    """The plan under the study's stress: demand scaled by the factor, then the overlay."""
    if study.stress is None:
        raise ValueError("the study names no stress variant")
    s = study.stress
    doc = _apply(
        study.base_document,
        [(lv, lv.options[k]) for lv, k in zip(study.levers, plan.choice, strict=True)],
        study.source,
    )
    doc["demand"]["visits_per_day"] = doc["demand"]["visits_per_day"] * s.demand_factor
    online = doc.get("online")
    if isinstance(online, dict) and "dossiers_per_day" in online:
        online["dossiers_per_day"] = online["dossiers_per_day"] * s.demand_factor
    doc = merge(doc, thaw(s.overlay), study.source, "stress.overlay")
    info = doc.setdefault("scenario", {})
    info["name"] = f"{plan.id}_{s.name}"[:64]
    info["title"] = f"{study.plan_title(plan, 'en')} — {s.title or s.name}"
    info["title_vi"] = f"{study.plan_title(plan, 'vi')} — {s.title_vi or s.title or s.name}"
    try:
        return parse_scenario(doc, study.source)
    except ScenarioError as exc:
        raise ScenarioError(
            study.source, "stress", f"the stress variant makes an invalid scenario: {exc.key}: {exc.message}"
        ) from None


def dominance(levers: Sequence[Lever], plans: Sequence[Plan]) -> Dominance | None:
    """worse[i]: plans with no more of each monotone lever than plan i and the same other options."""
    monotone = [lv.monotone for lv in levers]
    if not any(monotone):
        return None
    worse: list[set[int]] = [set() for _ in plans]
    better: list[set[int]] = [set() for _ in plans]
    for i, a in enumerate(plans):
        for j, b in enumerate(plans):
            if i != j and all(
                (x >= y) if m else (x == y) for x, y, m in zip(a.choice, b.choice, monotone, strict=True)
            ):
                worse[i].add(j)
                better[j].add(i)
    return Dominance(tuple(map(frozenset, worse)), tuple(map(frozenset, better)))


__all__ = [
    "Lever",
    "Option",
    "Plan",
    "Stress",
    "Study",
    "build_study",
    "dominance",
    "load_study",
    "stress_scenario",
    "thaw",
]
