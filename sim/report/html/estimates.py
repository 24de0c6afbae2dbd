"""The estimates a run rests on (compactly: one row per entry), and how to reproduce the run."""

from __future__ import annotations

import datetime as dt
import platform
import re
from typing import TYPE_CHECKING, Any

from sim.experiment.results import package_version
from sim.experiment.statistics import CONFIDENCE
from sim.report.html.parameters import (
    NO_VALUE,
    Param,
    entry_name,
    named_key,
    param_rows,
    part_name,
    shown_value,
)
from sim.report.i18n import fmt_datetime
from sim.report.param_labels import key_label

if TYPE_CHECKING:
    from sim.report.html.page import Page

IDENTITY = {"", "name", "field", "fields", "role", "counter"}
"""Parts of an entry that say what it is, not how much: not estimates, left out of the table."""


def entry_and_item(key: str) -> tuple[str, str]:
    """`procedures[land_intake].work_min` → (`procedures[land_intake]`, `work_min`);
    `demand.purposes.submit.share` → (`demand.purposes`, `submit.share`); `demand.x` → (`demand`, `x`)."""
    m = re.match(r"^([a-z_.]+\[[^\]]+\])\.?(.*)$", key)
    if m:
        return m.group(1), m.group(2)
    parts = key.split(".")
    cut = 1 if len(parts) <= 2 else 2
    return ".".join(parts[:cut]), ".".join(parts[cut:])


def is_estimate(row: Param) -> bool:
    return row.kind == "ESTIMATE" and row.used


def estimate_entries(p: Page, rows: list[Param]) -> list[dict[str, Any]]:
    """ESTIMATE rows grouped by entry (`demand.purposes`, `procedures[land_intake]`), in order. The
    notes stay in the scenario file: they are its own (English) comments, and long."""
    entries: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry, item = entry_and_item(r.key)
        if is_estimate(r) and item.split(".")[-1] not in IDENTITY:
            group = entries.setdefault(entry, {"section": r.section, "entry": entry, "pairs": {}})
            group["pairs"][item] = shown_value(p, r)
    return list(entries.values())


def _key(entry: str, item: str) -> str:
    return f"{entry}.{item}" if item else entry


def _pairs(p: Page, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """An entry's values as "label = value" pairs, each with its key as the file writes it."""
    return [
        {"name": named_key(p, _key(entry["entry"], item), item), "value": value}
        for item, value in entry["pairs"].items()
    ]


def _row_name(p: Page, entry: str) -> dict[str, str]:
    """A list entry's readable name (staff member, procedure, ...) and its id."""
    ident = entry.partition("[")[2].rstrip("]")
    name = entry_name(p, p.base.scenario, entry) or key_label(entry, p.gettext)
    return {"label": name, "key": ident}


MATRIX_COLUMNS = 5
"""A list with more parameters than this is a row per entry with its values inline: columns of
Vietnamese labels would be too narrow to read on A4."""


def listing(p: Page, section: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The entries of one list (procedures, staff, ...) as one table: a row per entry, with a column
    per parameter when they are few (much shorter than a row per parameter), else inline."""
    columns = list(dict.fromkeys(item for e in entries for item in e["pairs"]))
    first = entries[0]["entry"]
    wide = len(columns) > MATRIX_COLUMNS
    listed = first.partition("[")[0]  # `staff`, `back_office.pools`
    return {
        "part": part_name(p, section),
        "name": named_key(p, listed + "[]", listed),
        "columns": [] if wide else [named_key(p, _key(first, c), c) for c in columns],
        "rows": [
            {
                "name": _row_name(p, e["entry"]),
                "pairs": _pairs(p, e) if wide else [],
                "cells": [] if wide else [e["pairs"].get(c, NO_VALUE) for c in columns],
            }
            for e in entries
        ],
    }


def split_lists(p: Page, entries: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(tables of the lists with 3 or more entries, the other entries with their values inline)."""
    by_section: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        if "[" in e["entry"]:
            by_section.setdefault(e["section"], []).append(e)
    lists = {s: es for s, es in by_section.items() if len(es) >= 3}
    flat = [_flat(p, e) for e in entries if e["section"] not in lists or "[" not in e["entry"]]
    return [listing(p, s, es) for s, es in lists.items()], flat


def _flat(p: Page, e: dict[str, Any]) -> dict[str, Any]:
    entry = e["entry"]
    name = _row_name(p, entry) if "[" in entry else named_key(p, entry)  # "Processing team econ_dept"
    return {"name": name, "pairs": _pairs(p, e)}


def estimates(p: Page) -> dict[str, Any]:
    _ = p.gettext
    path = p.sources.get(p.base.scenario.name)
    entries = estimate_entries(p, param_rows(p, p.base.scenario, path)) if path is not None else []
    lists, flat = split_lists(p, entries)
    intro = _(
        "The parameters below are estimates (no source was found); replace them with the centre's own "
        "data when available, for example ticket-machine logs. The results depend on them."
    )
    where = _(
        "Every parameter, with its source or the reason for its estimate, is in the scenario file ({file})."
    )
    return {
        "intro": intro,
        "compare": _(
            "Estimates of the base scenario; parameters changed in an alternative are listed under “The "
            "scenarios and what differs”."
        )
        if p.comparison is not None
        else "",
        "where": where.format(file=path.name if path is not None else "scenario.toml"),
        "lists": lists,
        "entries": flat,
        "none": ""
        if entries
        else _(
            "No list of estimated assumptions was found for this scenario; see the scenario file (lines "
            "marked ESTIMATE) and docs/assumptions.md."
        ),
    }


def _rule(p: Page) -> str:
    comp = p.comparison
    text = p.gettext("fixed: {replications} runs")
    if comp is None:
        return text.format(replications=p.base.n_replications)
    m = re.fullmatch(r"fixed: (\d+) replications?", comp.replication_rule.strip())
    return text.format(replications=int(m.group(1))) if m else comp.replication_rule


def _command(p: Page) -> str:
    if p.command:
        return p.command
    if p.comparison is not None:
        return p.gettext("not recorded")
    r = p.base
    command = f"python -m sim run scenario.toml --replications {r.n_replications} --seed {r.seed}"
    return p.gettext(
        "{command}   (the scenario as run is saved in the results folder as scenario.toml)"
    ).format(command=command)


def repro(p: Page) -> list[dict[str, Any]]:
    """(label, value) of everything needed to rerun the report's figures exactly."""
    _ = p.gettext
    meta = p.base.meta()
    libs = ", ".join(f"{k} {v}" for k, v in (meta.get("libraries") or {}).items() if v)
    try:
        created = fmt_datetime(dt.datetime.fromisoformat(p.base.created), p.lang)
    except ValueError:
        created = p.base.created
    items = [
        ("command", _("Command"), _command(p)),
        ("seed", _("Random seed"), str(p.base.seed)),
        ("replications", _("Simulation runs (replications)"), str(p.n_replications)),
        ("rule", _("How the number of runs was chosen"), _rule(p)),
        ("confidence", _("Confidence level"), p.pct(p.comparison.confidence if p.comparison else CONFIDENCE)),
        ("version", _("centre-sim version"), package_version()),
        ("python", _("Python and libraries"), f"Python {platform.python_version()}; {libs}"),
        ("created", _("Run at"), created),
    ]
    if p.comparison is not None:
        items.insert(1, ("scenarios", _("Scenarios"), ", ".join(r.scenario.name for r in p.runs)))
    return [{"id": i, "label": label, "value": value} for i, label, value in items]
