"""The new scenario file of `python -m sim fit`: the base extended, only the fitted values set.

The file `extends` the base and sets each fitted value with its `FITTED: <file>, <period>, n = …`
comment on its own line, so `sim.scenario.provenance` reads it as FITTED while every other value
keeps the SOURCED or ESTIMATE note of the base file that sets it. Paths follow `FittedValue`:
tables by key, the entries of id-merged arrays (procedures, staff, fields, pools) by id, whole
arrays (`demand.hourly_profile`) and tables of values (a distribution, `weekday_factors`) written
inline, replacing or merging into the parent's as the loader's merge rules say.

Figures are rounded for a reader (4 significant digits, shares to 4 decimals); the purpose shares,
which the loader wants summing to 1, are kept summing to 1 by giving the last fitted one the
rounding remainder. `write_scenario` never writes over a file and writes atomically: the text goes
to a temporary file next to `out`, is loaded and validated there, and only then takes its name.
"""

from __future__ import annotations

import math
import numbers
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import tomlkit
from tomlkit import items

from sim.fitting.estimates import ID_ARRAYS, note_key
from sim.fitting.results import FittedValue
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario, read_document
from sim.scenario.provenance import key_text
from sim.scenario.variants import BUNDLED_SCENARIOS, scenario_id

SIGNIFICANT = 4
"""Significant digits of a fitted figure: its interval is far wider than the fifth digit."""
SHARE_DECIMALS = 4
"""Decimals of a share (0.0731): a tenth of a per cent of a hundredth is below any data's precision."""
SHARE_KEYS = frozenset({"share", "probability", "missing_papers", "second_request"})
"""Keys holding a share (besides those ending in `_share`)."""
UNIT_SUMS: tuple[tuple[tuple[str, ...], str], ...] = ((("demand", "purposes"), "share"),)
"""(table, key) of shares the loader wants summing to 1 over the table's entries."""

TITLE = "{title} (fitted from {data})"
TITLE_VI = "{title} (theo dữ liệu {data})"
"""The Vietnamese title of a fitted scenario ("according to the data of ...")."""
DESCRIPTION = "{base} with the values fitted from {data}; everything else as in {base}."
DESCRIPTION_VI = (
    "Kịch bản {base} với các thông số ước lượng từ dữ liệu {data}; các thông số khác giữ như kịch bản {base}."
)


# --- values --------------------------------------------------------------------------------------


def _is_share(name: str) -> bool:
    return name in SHARE_KEYS or name.endswith("_share")


def rounded(x: float, name: str) -> float:
    """A fitted float as written: 4 decimals for a share (unless that makes it 0), else 4 significant."""
    if _is_share(name):
        r = round(x, SHARE_DECIMALS)
        if r != 0 or x == 0:
            return r + 0.0  # no "-0.0"
    return float(f"{x:.{SIGNIFICANT}g}") + 0.0


def _plain(value: Any, name: str, where: str, source: str) -> Any:
    """`value` as plain TOML-ready Python (numpy scalars made plain), floats rounded; refuses what
    TOML cannot hold or the loader would refuse unreadably (None, NaN, infinity)."""
    if isinstance(value, dict):
        return {str(k): _plain(v, str(k), f"{where}.{k}", source) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, name, where, source) for v in value]
    if isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            raise ScenarioError(source, where, f"the fitted value is not a finite number (got {x}); refit")
        return rounded(x, name)
    raise ScenarioError(
        source,
        where,
        f"a fitted value must be a number, text, true/false, or a list or table of those "
        f"(got {type(value).__name__})",
    )


def _entry(doc: Any, array: str, ident: str, where: str, source: str) -> dict[str, Any]:
    """The base document's entry `ident` of an id-merged array: a fit changes entries, never adds one."""
    entries = doc.get(array) if isinstance(doc, dict) else None
    ids = [e.get("id") for e in entries or [] if isinstance(e, dict)]
    if ident not in ids:
        raise ScenarioError(
            source,
            where,
            f"the base has no {array} entry with id {ident!r}; ids there: {', '.join(map(str, ids))}",
        )
    assert entries is not None
    return next(e for e in entries if isinstance(e, dict) and e.get("id") == ident)


# --- what the base has there: merged tables, ranges -----------------------------------------------

RANGE = "_range"
RANGE_REASON = (
    "the base's range for its estimate, {low:g} to {high:g}{widened}; the value itself is now fitted "
    "from the data (FITTED on its line)"
)


def _range_over(spec: Any, x: Any) -> dict[str, Any] | None:
    """A base range `X_range` redrawn for the fitted value `x`: the loader merges the base's range
    into this file, so it is given again here with a reason of this file's own (its low and high
    widened to take `x` in, so the file loads); None when it is not a range of a number."""
    if not (isinstance(spec, dict) and isinstance(x, int | float) and not isinstance(x, bool)):
        return None
    low, high = spec.get("low"), spec.get("high")
    if not all(isinstance(b, int | float) for b in (low, high)):
        return None
    assert isinstance(low, int | float) and isinstance(high, int | float)
    new_low, new_high = min(low, x), max(high, x)
    widened = f", widened to {new_low:g} to {new_high:g}" if (new_low, new_high) != (low, high) else ""
    return {
        "low": new_low,
        "high": new_high,
        "reason": RANGE_REASON.format(low=low, high=high, widened=widened),
    }


def _over_table(value: dict[str, Any], old: dict[str, Any], where: str, source: str) -> dict[str, Any]:
    """A fitted table as written over the base's table at the same key, which the loader merges it
    into key by key: the base's ranges inside it redrawn (`_range_over`); an exponential written as
    the gamma distribution with cv 1 (the same law) where the base's table has a cv; and a clear
    refusal where the base's table keeps keys the fitted one lacks (the merge would mix them)."""
    if value.get("dist") == "exponential" and "cv" in old and set(value) == {"dist", "mean"}:
        value = {"dist": "gamma", "mean": value["mean"], "cv": 1.0}
    out = dict(value)
    for k, spec in old.items():
        if k.endswith(RANGE) and k.removesuffix(RANGE) in value:
            redrawn = _range_over(spec, value[k.removesuffix(RANGE)])
            if redrawn is not None:
                out[k] = redrawn
    for k, v in value.items():
        if isinstance(v, dict) and isinstance(old.get(k), dict):
            out[k] = _over_table(v, old[k], f"{where}.{k}", source)
    stray = [k for k in old if k not in out and not k.endswith(RANGE)]
    if stray:
        raise ScenarioError(
            source,
            where,
            f"the fitted {value.get('dist', 'table')} cannot be written over the base's "
            f"{old.get('dist', 'table')}: a scenario that extends another merges a table into its "
            f"parent's key by key, so the base's {', '.join(stray)} would stay; keep the base's "
            "family for this value, or write the fitted scenario without `extends`",
        )
    return out


def _direct_ranges(base_doc: dict[str, Any], fitted: Sequence[str]) -> list[Any] | None:
    """The base's `[[estimate_ranges]]` without those on fitted values (they range an estimate the
    data replaced); None when none is on a fitted value (the base's are inherited unchanged)."""
    ranges = base_doc.get("estimate_ranges")
    if not isinstance(ranges, list):
        return None

    def on_fitted(r: Any) -> bool:
        key = str(r.get("key", "")) if isinstance(r, dict) else ""
        return any(key == f or key.startswith((f + ".", f + "[")) for f in fitted)

    kept = [r for r in ranges if not on_fitted(r)]
    return kept if len(kept) < len(ranges) else None


# --- the plan: what the file sets, as nested tables ------------------------------------------------


@dataclass(slots=True)
class _Table:
    """One table of the new file: values set here, sub-tables, and entries of id-merged arrays."""

    values: dict[str, tuple[Any, str]] = field(default_factory=dict)
    """Key -> (value, FITTED label)."""
    tables: dict[str, _Table] = field(default_factory=dict)
    entries: dict[str, dict[str, _Table]] = field(default_factory=dict)
    """Array name -> entry id -> the entry's fitted keys."""

    def taken(self, name: str) -> bool:
        return name in self.values or name in self.tables or name in self.entries


def _place(root: _Table, base_doc: dict[str, Any], v: FittedValue, value: Any, source: str) -> None:
    """Put one fitted value in the plan, checking its path against the base document."""
    where = key_text(note_key(v.path))
    if not v.path:
        raise ScenarioError(source, "", "a fitted value has an empty key path")
    node, doc, i = root, base_doc, 0
    while i < len(v.path) - 1:
        part = v.path[i]
        if part in ID_ARRAYS and isinstance(doc, dict) and isinstance(doc.get(part), list):
            ident = v.path[i + 1]
            doc = _entry(doc, part, ident, where, source)
            if part in node.values or part in node.tables:
                raise ScenarioError(source, where, "is fitted twice (inside a value fitted whole)")
            node = node.entries.setdefault(part, {}).setdefault(ident, _Table())
            i += 2
        else:
            if part in node.values or part in node.entries:
                raise ScenarioError(source, where, "is fitted twice (inside a value fitted whole)")
            node = node.tables.setdefault(part, _Table())
            doc = doc.get(part, {}) if isinstance(doc, dict) else {}
            i += 1
    if i >= len(v.path):
        raise ScenarioError(source, where, "a fitted value names a whole entry; name one of its keys")
    last = v.path[-1]
    if node.taken(last):
        raise ScenarioError(source, where, "is fitted twice; each key takes one fitted value")
    old = doc.get(last) if isinstance(doc, dict) else None
    if isinstance(value, dict) and isinstance(old, dict):
        value = _over_table(value, old, where, source)
    node.values[last] = (value, v.label)
    if isinstance(doc, dict) and last + RANGE in doc:
        redrawn = _range_over(doc[last + RANGE], value)
        if redrawn is not None:
            node.values[last + RANGE] = (redrawn, "")


def _keep_unit_sums(values: list[tuple[FittedValue, Any]], base_doc: dict[str, Any]) -> None:
    """Give the last fitted share of each `UNIT_SUMS` table the rounding remainder, so the shares
    (fitted and inherited) still sum to 1 exactly as the data's did."""
    for table, key in UNIT_SUMS:
        doc: Any = base_doc
        for part in table:
            doc = doc.get(part, {}) if isinstance(doc, dict) else {}
        if not isinstance(doc, dict):
            continue
        shares = {n: e.get(key) for n, e in doc.items() if isinstance(e, dict)}
        fitted = [
            i
            for i, (v, _) in enumerate(values)
            if len(v.path) == len(table) + 2 and v.path[: len(table)] == table and v.path[-1] == key
        ]
        if not fitted:
            continue
        for i in fitted:
            shares[values[i][0].path[len(table)]] = values[i][1]
        known = {n: float(x) for n, x in shares.items() if isinstance(x, int | float)}
        if len(known) < len(shares):
            continue  # a share that is no number: the loader says so
        last = fitted[-1]
        name = values[last][0].path[len(table)]
        rest = math.fsum(x for n, x in known.items() if n != name)
        fix = rounded(1.0 - rest, key)
        if abs(fix - values[last][1]) <= len(fitted) * 0.5 * 10.0**-SHARE_DECIMALS + 1e-12 and fix >= 0:
            values[last] = (values[last][0], fix)  # only a rounding remainder, never a fitter's error


# --- the text ------------------------------------------------------------------------------------


def _item(value: Any) -> items.Item:
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        for k, v in value.items():
            table.append(k, _item(v))
        return table
    if isinstance(value, list):
        array = tomlkit.array()
        for v in value:
            array.append(_item(v))
        if any(isinstance(v, dict | list) for v in value):
            array.multiline(True)
        return array
    return tomlkit.item(value)


def _labelled(value: Any, label: str) -> items.Item:
    item = _item(value)
    if label:
        item.comment(" ".join(label.split()))  # one line, whatever the method text holds
        item.trivia.comment_ws = "  "
    return item


def _fill(container: Any, plan: _Table, order: dict[str, int] | None = None) -> None:
    """Add a plan's values, then its tables and arrays (TOML puts a table's own keys first);
    with `order`, tables and arrays in that order (the base file's), else as fitted."""
    for name, (value, label) in plan.values.items():
        container.add(name, _labelled(value, label))
    parts: list[tuple[str, Any]] = [(n, _table(sub)) for n, sub in plan.tables.items()]
    for name, entries in plan.entries.items():
        array = tomlkit.aot()
        for ident, sub in entries.items():
            array.append(_table(sub, ident))
        parts.append((name, array))
    if order is not None:
        parts.sort(key=lambda part: order.get(part[0], len(order)))
    for name, item in parts:
        container.add(name, item)


def _table(plan: _Table, entry_id: str | None = None) -> items.Table:
    table = tomlkit.table(is_super_table=entry_id is None and not plan.values)
    if entry_id is not None:
        table.add("id", entry_id)
    _fill(table, plan)
    return table


def _posix(path: str) -> str:
    return PurePath(path).as_posix()


def extends_path(base: Path, out: Path) -> tuple[str, Path | None]:
    """(the `extends` text of a file at `out`, the `--scenario-root` its loading needs or None).

    The loader lets a file extend only files in its own folder (or below), under a scenario root,
    or in the bundled `scenarios/`: a base elsewhere needs its folder named as scenario root."""
    here, target = out.absolute().parent.resolve(), base.resolve()
    try:
        text = _posix(os.path.relpath(target, here))
    except ValueError:  # another drive (Windows): only an absolute path reaches it
        text = target.as_posix()
    inside = target.is_relative_to(here) or (
        BUNDLED_SCENARIOS.is_dir() and target.is_relative_to(BUNDLED_SCENARIOS)
    )
    return text, None if inside else base.parent


def _data_text(values: Sequence[FittedValue]) -> str:
    """ "tickets.csv, 2025-07-01–2025-08-25; register.csv, …": each input file with its period."""
    return "; ".join(dict.fromkeys(f"{v.file}, {v.period}" for v in values))


def _comment_lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()] if text.strip() else []


def scenario_text(  # noqa: PLR0913 - the writer's API: each option a keyword, as `sim fit` passes them
    base: Path,
    out: Path,
    values: Sequence[FittedValue],
    *,
    name: str | None = None,
    title: str = "",
    title_vi: str = "",
    header: str = "",
    scenario_root: Path | None = None,
) -> str:
    """The text of the new scenario file at `out`: `extends` the base, sets only `values`.

    `name` defaults to `out`'s stem made into an id; `title`/`title_vi` default to the base's
    titles saying "fitted from <file>, <period>"; `header` adds comment lines to the preamble.
    `scenario_root` is the root the base's own chain needs, if any (as `load_scenario` takes it)."""
    base, out = Path(base), Path(out)
    source = str(out)
    if not values:
        raise ScenarioError(source, "", "nothing was fitted, so there is no new scenario to write")
    base_doc = read_document(base, scenario_root)
    plain = [
        (v, _plain(v.value, v.path[-1] if v.path else "", key_text(note_key(v.path)), source)) for v in values
    ]
    _keep_unit_sums(plain, base_doc)
    plan = _Table()
    for v, value in plain:
        _place(plan, base_doc, v, value, source)

    extends, root = extends_path(base, out)
    root = root if root is not None else scenario_root
    info = base_doc.get("scenario", {})
    base_name = str(info.get("name") or scenario_id(base.stem))
    data = _data_text(values)
    title = title or TITLE.format(title=info.get("title") or base_name, data=data)
    title_vi = title_vi or TITLE_VI.format(
        title=info.get("title_vi") or info.get("title") or base_name, data=data
    )

    doc = tomlkit.document()
    preamble = [
        title,
        "",
        f"Written by `python -m sim fit`. It extends {base.name} and sets only the values fitted from",
        "the data, each labelled on its own line: FITTED: <file>, <period>, n = <observations>; <how>.",
        f"Every other value is as in {base.name} (or the files it extends) and keeps its label there.",
    ]
    if root is not None:
        preamble.append(f"{base.name} is outside this file's folder: load this file with")
        preamble.append(f"--scenario-root {_posix(str(root))}")
    lines = preamble + (["", *_comment_lines(header)] if header.strip() else [])
    for line in lines:
        doc.add(tomlkit.comment(line) if line else tomlkit.ws("#\n"))
    doc.add(tomlkit.nl())
    doc.add("extends", extends)
    direct = _direct_ranges(base_doc, [key_text(note_key(v.path)) for v in values])
    if direct is not None:  # an array without ids replaces the parent's: the base's, less the fitted
        doc.add("estimate_ranges", _item(direct))
    scenario = tomlkit.table()
    scenario.add("name", name or scenario_id(out.stem))
    scenario.add("title", title)
    scenario.add("title_vi", title_vi)
    scenario.add("description", DESCRIPTION.format(base=base_name, data=data))
    scenario.add("description_vi", DESCRIPTION_VI.format(base=base_name, data=data))
    doc.add("scenario", scenario)
    _fill(doc, plan, {k: i for i, k in enumerate(base_doc)})
    return doc.as_string()


# --- the file ------------------------------------------------------------------------------------


def write_scenario(base: Path, out: Path, values: Sequence[FittedValue], **kw: Any) -> Path:
    """Write `scenario_text` to `out` (never over an existing file), checked: the file is loaded and
    validated under a temporary name beside `out` and takes its name only if it loads."""
    out = Path(out)
    source = str(out)
    if out.exists() or out.is_symlink():
        raise ScenarioError(
            source, "", "already exists; the fit never writes over a file: choose a new --out name"
        )
    if not out.parent.is_dir():
        raise ScenarioError(
            source, "", f"the folder {out.parent} does not exist; create it or choose another --out"
        )
    text = scenario_text(base, out, values, **kw)
    _extends, root = extends_path(Path(base), out)
    root = root if root is not None else kw.get("scenario_root")
    try:
        temp = _checked_temp(text, out, root)
    except OSError as exc:
        raise ScenarioError(source, "", f"cannot be written: {exc.strerror or exc}") from None
    try:
        _link(temp, out)
    except OSError as exc:
        raise ScenarioError(source, "", f"cannot be written: {exc.strerror or exc}") from None
    finally:
        temp.unlink(missing_ok=True)
    return out


def _checked_temp(text: str, out: Path, root: Path | None) -> Path:
    """`text` in a temporary file beside `out`, loaded and validated (else removed and refused)."""
    source = str(out)
    fd, name = tempfile.mkstemp(prefix=f".{out.stem[:40]}.", suffix=".toml", dir=out.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        load_scenario(temp, root)
    except ScenarioError as exc:  # named after `out`, the file the user asked for
        temp.unlink(missing_ok=True)
        message = exc.message.replace(str(temp), source)
        if Path(exc.source) != temp:
            message += f" (that key's table comes from {Path(exc.source).name})"
        raise ScenarioError(source, exc.key, f"the fitted scenario does not load: {message}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _link(temp: Path, out: Path) -> None:
    """Give the checked file its name, atomically and never over a file made meanwhile."""
    try:
        os.link(temp, out)
    except FileExistsError:
        raise ScenarioError(str(out), "", "already exists; the fit never writes over a file") from None
    except OSError:  # a file system without hard links: rename, having looked first
        if out.exists():
            raise ScenarioError(str(out), "", "already exists; the fit never writes over a file") from None
        os.replace(temp, out)
