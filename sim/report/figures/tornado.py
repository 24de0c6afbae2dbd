"""The tornado chart of a sensitivity sweep, and the words that name a ranged estimate.

Each bar runs from the decision at an estimate's low end to the decision at its high end (the
business case's NPV in million đồng), longest first; the central decision is the vertical line
the bars hang from, and the threshold (0: the option pays off) is marked, so a bar that crosses it
is an estimate that can flip the verdict on its own. Same conventions as `sim.report.figures.run`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from matplotlib.figure import Figure

from sim.experiment.sensitivity import Sensitivity
from sim.report.figures.run import new_figure
from sim.report.figures.text import Translate, english, localise_axes
from sim.report.param_labels import key_label

_MEAN = re.compile(r"\.mean$")
_ENTRY = re.compile(r"\[([A-Za-z0-9_\-]+)\]")
_POSITION = re.compile(r"\[(\d+)\]")


def estimate_label(key: str, gettext: Callable[[str], str]) -> str:
    """A readable name of a ranged estimate's key: 'Reception time at the counter (social_benefit),
    mean'. Entry ids are the scenario's own names; a key without a label is shown as it is."""
    mean = bool(_MEAN.search(key))
    base = _MEAN.sub("", key)
    label = key_label(base, gettext)
    if not label:
        parent = _POSITION.sub("", base.rsplit(".", 1)[0]) if "." in base else base
        label = key_label(parent, gettext)
        position = _POSITION.search(base)
        if label and position:
            label = gettext("{label}, block {n}").format(label=label, n=int(position.group(1)) + 1)
    if not label:
        return key
    entry = _ENTRY.search(base)
    if entry and not entry.group(1).isdigit():
        label = f"{label} ({entry.group(1)})"
    return gettext("{label}, mean").format(label=label) if mean else label


def tornado_figure(
    sensitivity: Sensitivity,
    *,
    _: Translate = english,
    locale: str = "en",
    scale: float = 1e6,
    value_label: str = "",
    bars: int = 10,
) -> Figure:
    """One horizontal bar per estimate (the longest `bars`), from its low-end to its high-end
    decision, over the central decision; the threshold dashed."""
    shown = sensitivity.bars[:bars]
    fig = new_figure(7.5, 0.42 * max(3, len(shown)) + 1.3)
    ax = fig.add_subplot()
    central = sensitivity.central / scale
    for row, bar in enumerate(reversed(shown)):
        lo, hi = bar.at_low / scale, bar.at_high / scale
        for end, colour in ((lo, "#C44E52"), (hi, "#1B7837")):
            ax.barh(row, end - central, left=central, color=colour, alpha=0.85, height=0.6)
        if bar.flips:
            ax.text(max(lo, hi, central), row, "  ◆", va="center", fontsize=8, color="#333333")
    ax.set_yticks(range(len(shown)), [estimate_label(b.key, _) for b in reversed(shown)], fontsize=8)
    ax.axvline(central, color="#333333", linewidth=1)
    ax.axvline(sensitivity.threshold / scale, color="#C44E52", linewidth=1, linestyle="--")
    ax.set_xlabel(value_label or _("net present value (million đồng)"))
    ax.set_title(_("Low end red, high end green; ◆ can flip the verdict"), fontsize=8, loc="left")
    ax.grid(axis="x", alpha=0.3)
    return localise_axes(fig, locale)


__all__ = ["estimate_label", "tornado_figure"]
