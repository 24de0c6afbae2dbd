"""Words of the reports, in Vietnamese ("vi") and English ("en"), and KPI values with their units.

Every sentence, heading and label is English text (the gettext msgid); the Vietnamese is in the
catalogue `sim/report/locale/vi/LC_MESSAGES/centre_sim.po`, which a translator edits with any `.po`
tool without touching Python. `translator(lang).gettext` is the `_` of the reports. KPI names and
explanations are the msgids `name` and `help` of the KPI registry (`sim.scenario.kpis.REGISTRY`);
`kpi_name` adds the field's, machine's or staff member's name to a dotted breakdown
(`wait_mean_min.land` → "Thời gian chờ trung bình (Đất đai – môi trường)").

Numbers and dates come from the one formatter `sim.report.format` (Babel), re-exported here under
their old names (`fmt_number`, `fmt_date`, ...): Vietnamese 1.700 and 2,5, English 1,700 and 2.5;
25/8/2025 and 25 Aug 2025; the minus sign (−); differences with a sign (+1,2). `fmt_kpi`,
`fmt_kpi_diff`, `fmt_ci` and `fmt_kpi_range` add the KPI's unit from the registry; the terminal
tables and the HTML report both print through them.

Figures draw their own text through `_` (`sim.report.figures`): nothing is rewritten after drawing.
"""

from __future__ import annotations

import functools
import gettext
import io
import string
from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from sim.report import format as fmt
from sim.report.format import MINUS, NBSP, sign_decimals
from sim.scenario.kpis import (
    BREAKDOWN_BY,
    N_,
    REGISTRY,
    SCORE_MAX,
    get_kpi,
    kpi_base,
    kpi_kind,
    kpi_unit,
)

if TYPE_CHECKING:
    from sim.scenario.schema import FieldSpec, Scenario, ScenarioInfo, StaffSpec

LANGS: tuple[str, ...] = ("vi", "en")
SOURCE_LANG = "en"
"""The language of the msgids (the source text); the others have a `.po` catalogue."""
DOMAIN = "centre_sim"
"""The gettext domain: `locale/<lang>/LC_MESSAGES/centre_sim.po`."""
"""Report languages; the first is the default."""


@functools.cache
def translator(lang: str) -> gettext.NullTranslations:
    """The gettext translations of `lang`: the Vietnamese catalogue
    (`sim/report/locale/vi/LC_MESSAGES/centre_sim.po`, read with Babel, so no compiled `.mo` ships)
    or, for English, the msgids themselves. `translator(lang).gettext` is the usual `_`."""
    if check_lang(lang) == SOURCE_LANG:
        return gettext.NullTranslations()
    po = resources.files("sim.report") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def check_lang(lang: str) -> str:
    """`lang` if it is a report language, else a ValueError naming the allowed ones."""
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; allowed: {', '.join(LANGS)}")
    return lang


def placeholders(text: str) -> set[str]:
    """The `{names}` a message expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ----- numbers, dates: `sim.report.format` (re-exported under their old names) -----------------

fmt_number = fmt.number
fmt_signed = fmt.signed
fmt_plain = fmt.plain
fmt_percent = fmt.percent
fmt_minutes = fmt.minutes
fmt_days = fmt.days
fmt_date = fmt.date
fmt_datetime = fmt.datetime
fmt_list = fmt.join
_missing = fmt.missing

_COUNT_WORDS: dict[str, tuple[str, str]] = {
    "visitors": (N_("visitor"), N_("visitors")),
    "dossiers": (N_("dossier"), N_("dossiers")),
    "slips": (N_("slip"), N_("slips")),
    "people": (N_("person"), N_("people")),
}
"""The word after a count, for exactly one and for any other number (CLDR has no such units)."""


def _count_word(unit: str, number: str, lang: str) -> str:
    one, other = _COUNT_WORDS[unit]
    word = one if _is_one(number) else other
    return translator(lang).gettext(word)


def fmt_count(x: float | None, lang: str, unit: str = "dossiers", decimals: int = 0) -> str:
    """1700 → "1.700 hồ sơ" (vi) / "1,700 dossiers" (en); unit: dossiers, visitors, slips, people."""
    if _missing(x):
        return fmt.MISSING
    number = fmt_number(x, lang, decimals)
    return f"{number}{NBSP}{_count_word(unit, number, lang)}"


# ----- KPIs --------------------------------------------------------------------------------------


def kpi_decimals(key: str, magnitude: float) -> int:
    """Decimals to show for a KPI value (or difference) of about `magnitude` in the KPI's unit
    (shares as fractions): waits 2,5 phút / 0,28 phút, 95,3%, 3,09 ngày, 1.700 hồ sơ / 12,5 hồ sơ."""
    kind = kpi_kind(key)
    m = abs(magnitude) if not _missing(magnitude) else 0.0
    if kind == "share":
        return 2 if 0 < 100 * m < 0.1 else 1
    if kind == "minutes":
        return 1 if m >= 1 or m == 0 else 2
    if kind in {"days", "score"}:
        return 2
    if kind == "count" or kpi_unit(key) == "people":
        return 0 if m >= 100 else 1
    return 2 if m < 10 else 1


def diff_decimals(key: str, values: Iterable[float]) -> int:
    """Decimals for a difference and its interval: the KPI's usual ones for their magnitude, plus
    as many as it takes (at most `MAX_SIGN_DECIMALS`) for no non-zero bound to print as 0."""
    values = [v for v in values if not _missing(v)]
    usual = kpi_decimals(key, max((abs(v) for v in values), default=0.0))
    return sign_decimals(values, usual, in_unit(key, 1.0))


def in_unit(key: str, x: float) -> float:
    """A KPI value in the unit it is read in: shares (0-1) as percent, the rest unchanged."""
    return 100 * x if kpi_kind(key) == "share" else x


def _number_in_unit(key: str, x: float, lang: str, decimals: int, signed: bool = False) -> str:
    return (fmt_signed if signed else fmt_number)(in_unit(key, x), lang, decimals)


def _is_one(number: str) -> bool:
    return number.lstrip("+" + MINUS) == "1"


def unit_label(key: str, lang: str, *, diff: bool, number: str = "", short: bool = False) -> str:
    """The word after a KPI value: "%", "phút", "ngày", "điểm", "hồ sơ"...; a difference of a
    share is in percentage points ("điểm phần trăm", `short`: "điểm %")."""
    _ = translator(lang).gettext
    unit = kpi_unit(key)
    if unit == "percent":
        if not diff:
            return "%"
        if short:
            return _("% points")
        return _("percentage point") if _is_one(number) else _("percentage points")
    words = {"minutes": N_("min"), "days": N_("days"), "points": N_("points")}
    if unit in words:
        return _(words[unit])
    return _count_word(unit, number, lang) if unit else ""


def attach_unit(number: str, unit: str) -> str:
    """ "95,3%", else the number and its unit joined by a no-break space: "2,5 phút"."""
    if not unit:
        return number
    return number + unit if unit == "%" else f"{number}{NBSP}{unit}"


def fmt_kpi(key: str, value: float | None, lang: str, decimals: int | None = None) -> str:
    """A KPI value with its unit: "2,5 phút", "95,3%", "3,09 ngày", "1.700 hồ sơ", "19,96/20 điểm"."""
    if _missing(value):
        return fmt.MISSING
    assert value is not None
    dec = kpi_decimals(key, value) if decimals is None else decimals
    number = _number_in_unit(key, value, lang, dec)
    out_of = SCORE_MAX.get(kpi_base(key))
    if out_of is not None:
        return (
            translator(lang).gettext("{value}/{max} points").format(value=number, max=fmt_plain(out_of, lang))
        )
    return attach_unit(number, unit_label(key, lang, diff=False, number=number))


def fmt_kpi_diff(
    key: str,
    value: float | None,
    lang: str,
    decimals: int | None = None,
    *,
    signed: bool = True,
    short: bool = False,
) -> str:
    """A difference of a KPI with its unit: "+1,2 phút", "−0,8 điểm phần trăm" (shares), "+12 hồ sơ".
    `signed=False` prints the magnitude ("giảm 1,2 phút"); `short` abbreviates percentage points."""
    if _missing(value):
        return fmt.MISSING
    assert value is not None
    dec = kpi_decimals(key, value) if decimals is None else decimals
    number = _number_in_unit(key, value if signed else abs(value), lang, dec, signed=signed)
    return attach_unit(number, unit_label(key, lang, diff=True, number=number, short=short))


def fmt_kpi_range(
    key: str,
    low: float | None,
    high: float | None,
    lang: str,
    *,
    diff: bool = False,
    signed: bool = False,
    decimals: int | None = None,
) -> str:
    """An interval in prose with the unit once: "0,8–1,6 phút", "từ −0,5 đến +0,7 điểm phần trăm"."""
    _ = translator(lang).gettext
    if _missing(low) or _missing(high):
        return _("none")
    assert low is not None and high is not None
    dec = kpi_decimals(key, max(abs(low), abs(high))) if decimals is None else decimals
    a = _number_in_unit(key, low, lang, dec, signed=signed)
    b = _number_in_unit(key, high, lang, dec, signed=signed)
    wide = (low < 0 < high) or a.startswith(MINUS) or b.startswith(MINUS)
    text = (_("{low} to {high}") if wide else _("{low}–{high}")).format(low=a, high=b)
    return attach_unit(text, unit_label(key, lang, diff=diff, number=b))


def fmt_ci(
    key: str,
    low: float | None,
    high: float | None,
    lang: str,
    decimals: int | None = None,
    *,
    signed: bool = False,
) -> str:
    """An interval for a table cell, without the unit: "[0,8; 1,6]" (vi) / "[0.8, 1.6]" (en)."""
    if _missing(low) or _missing(high):
        return fmt.MISSING
    assert low is not None and high is not None
    dec = kpi_decimals(key, max(abs(low), abs(high))) if decimals is None else decimals
    return (
        translator(lang)
        .gettext("[{low}, {high}]")
        .format(
            low=_number_in_unit(key, low, lang, dec, signed=signed),
            high=_number_in_unit(key, high, lang, dec, signed=signed),
        )
    )


def field_label(spec: FieldSpec, lang: str) -> str:
    """A field's name: `name_vi` in Vietnamese (else `name`), `name` in English (else the id)."""
    if lang == "vi":
        return spec.name_vi or spec.name or spec.id
    return spec.name or spec.name_vi or spec.id


def _info(scenario: Scenario | ScenarioInfo) -> ScenarioInfo:
    from sim.scenario.schema import ScenarioInfo

    return scenario if isinstance(scenario, ScenarioInfo) else scenario.scenario


def scenario_title(scenario: Scenario | ScenarioInfo, lang: str) -> str:
    """The scenario's title: `title_vi` in Vietnamese (else `title`), `title` in English (else
    `title_vi`), and the scenario's name when it has neither."""
    info = _info(scenario)
    if lang == "vi":
        return info.title_vi or info.title or info.name
    return info.title or info.title_vi or info.name


def scenario_description(scenario: Scenario | ScenarioInfo, lang: str) -> str:
    """The scenario's description: `description_vi` in Vietnamese (else `description`),
    `description` in English (else `description_vi`); "" when it has neither."""
    info = _info(scenario)
    if lang == "vi":
        return info.description_vi or info.description
    return info.description or info.description_vi


ROLE_NAMES: dict[str, str] = {
    "director": N_("Director"),
    "deputy_director": N_("Deputy director"),
    "specialist": N_("Specialist"),
    "civil_servant": N_("Civil servant"),
    "other": N_("Staff member"),
}
"""A staff role's name (English msgid)."""


def role_name(role: str, lang: str) -> str:
    """A staff role in `lang`: "director" -> "Giám đốc"; an unknown role is shown as it is."""
    return translator(lang).gettext(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def staff_labels(scenario: Scenario, lang: str) -> dict[str, str]:
    """Staff id → a readable label: the member's `name`, else the role ("Giám đốc"), with the first
    field's name when the role is shared ("Chuyên viên lĩnh vực chứng thực"), and the id if still
    ambiguous."""
    fields = {f.id: f for f in scenario.fields}
    roles = [m.role for m in scenario.staff]

    def label(member: StaffSpec) -> str:
        if member.name:
            return member.name
        role = role_name(member.role, lang)
        if roles.count(member.role) == 1:
            return role
        first = fields.get(member.fields[0])
        field = lower_first(field_label(first, lang)) if first else member.fields[0]
        return translator(lang).gettext("{role}, {field}").format(role=role, field=field)

    out = {m.id: label(m) for m in scenario.staff}
    seen = list(out.values())
    return {sid: (f"{text} – {sid}" if seen.count(text) > 1 else text) for sid, text in out.items()}


def kpi_name(key: str, lang: str, scenario: Scenario | None = None) -> str:
    """The KPI's name in `lang`; a dotted breakdown adds its field or staff member in brackets."""
    base, _, part = key.partition(".")
    kpi = get_kpi(base)
    gettext = translator(check_lang(lang)).gettext
    name = base if kpi is None else gettext(kpi.name)
    if base == "wait_within_target" and scenario is not None:  # the threshold, in minutes
        minutes = fmt_plain(scenario.targets.wait_threshold_min, lang)
        name = gettext("Share of people waiting at most {minutes} min").format(minutes=minutes)
    if not part:
        return name
    return f"{name} ({_part_label(base, part, lang, scenario)})"


def _part_label(base: str, part: str, lang: str, scenario: Scenario | None) -> str:
    """The field, ticket machine or staff member a breakdown is for."""
    if scenario is None:
        return part
    fields = {f.id: f for f in scenario.fields}
    if part in fields:
        return field_label(fields[part], lang)
    if BREAKDOWN_BY.get(base) == "machine" and part.isdigit():
        return translator(lang).gettext("machine {n}").format(n=part)
    return staff_labels(scenario, lang).get(part, part)


def kpi_help(key: str, lang: str) -> str:
    """The KPI's short explanation in `lang` ("" for an unknown key)."""
    kpi = get_kpi(key)
    return "" if kpi is None else translator(check_lang(lang)).gettext(kpi.help)


def lower_first(text: str) -> str:
    """Lower-case the first letter for use inside a sentence, unless the word is an acronym."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


NAMED_KPIS: tuple[str, ...] = tuple(REGISTRY)
"""Every KPI with a name: the registry's keys (headline KPIs and breakdown prefixes)."""
