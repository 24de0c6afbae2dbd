"""Command line: `python -m sim run SCENARIO.toml ...` and `python -m sim validate FILE...`.

A face, not a model: it parses flags, calls `sim.api.run`, prints the KPI table and names the
results folder. Bad input of any kind — a scenario file, a flag, an existing output folder — ends
with one line `error: ...` on stderr and exit status 2, before anything is written. Results folders
are never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from sim.scenario import ScenarioError, load_scenario

if TYPE_CHECKING:
    from sim.experiment.results import Results

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

RESULTS_ROOT = Path("results")


class UsageError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are one `error:` line (still exit status 2), like every other."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see '{self.prog} --help')\n")


def _int_flag(name: str, text: str | None, minimum: int) -> int | None:
    """Parse an integer flag ourselves so the message names the flag and the allowed values."""
    if text is None:
        return None
    kind = "a positive integer" if minimum == 1 else "a non-negative integer"
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{name}: must be {kind}, got {text}") from None
    if value < minimum:
        raise UsageError(f"{name}: must be {kind}, got {text}")
    return value


def default_folder(name: str, now: dt.datetime | None = None, root: Path = RESULTS_ROOT) -> Path:
    """`results/<name>-<YYYYmmdd-HHMMSS>`, with -2, -3, ... appended if that already exists."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = root / f"{name}-{stamp}"
    folder, k = base, 1
    while folder.exists():
        k += 1
        folder = base.with_name(f"{base.name}-{k}")
    return folder


def build_parser() -> argparse.ArgumentParser:
    from sim import __version__

    parser = _Parser(prog="python -m sim", description=(
        "Simulate a commune public administrative service centre (centre-sim)."))
    parser.add_argument("--version", action="version", version=f"centre-sim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = commands.add_parser(
        "run", help="run replications of a scenario and write a results folder",
        description="Run replications of a scenario, print the KPI table with 95% confidence "
        "intervals and target verdicts, and write a new results folder (scenario, metadata, "
        "summary.json, replications.csv, plots).")
    run.add_argument("scenario", metavar="SCENARIO.toml", help="scenario file")
    run.add_argument("--replications", metavar="N",
                     help="number of replications (default: the scenario's [run] replications)")
    run.add_argument("--seed", metavar="S",
                     help="base random seed, a non-negative integer (default: [run] seed)")
    run.add_argument("--workers", metavar="W",
                     help="worker processes (default: one per CPU; 1 runs in this process). "
                     "Results do not depend on it.")
    run.add_argument("--out", metavar="DIR", help="results folder to create; must not exist "
                     "(default: results/<scenario name>-<date>-<time>/)")
    run.add_argument("-q", "--quiet", action="store_true",
                     help="no progress bar and no table; print only the results folder")
    run.add_argument("--event-log", action="store_true",
                     help="also write event_log.csv, one row per visit (large)")

    validate = commands.add_parser(
        "validate", help="check scenario files without running them",
        description="Check scenario files; print 'ok: FILE' for each valid one and stop with "
        "exit status 2 at the first invalid one.")
    validate.add_argument("files", metavar="SCENARIO.toml", nargs="+", help="scenario files")
    return parser


def cmd_validate(args: argparse.Namespace) -> int:
    for path in args.files:
        load_scenario(path)
        print(f"ok: {path}", flush=True)
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    replications = _int_flag("--replications", args.replications, 1)
    seed = _int_flag("--seed", args.seed, 0)
    workers = _int_flag("--workers", args.workers, 1)
    if replications is not None and replications > 100_000:
        raise UsageError(f"--replications: must be at most 100000, got {replications}")
    out = Path(args.out) if args.out is not None else None
    if out is not None and out.exists():
        raise UsageError(f"--out: {out} already exists; results are never overwritten, "
                       "choose a new folder")
    scenario = load_scenario(args.scenario)

    from sim.api import run  # pandas, scipy and the model load only when a run is asked for

    results = run(scenario, replications=replications, seed=seed, workers=workers,
                  event_log=True if args.event_log else None,
                  progress=sys.stderr.isatty() and not args.quiet)
    folder = _save(results, out)
    if not args.quiet:
        from sim.report import format_table

        print(format_table(results))
        print()
        print(f"Results written to {folder}")
    else:
        print(folder)
    return EXIT_OK


def _save(results: Results, out: Path | None) -> Path:
    """Save into `out`, or the first free default folder (retrying if another run takes it)."""
    for _ in range(100):
        target = out if out is not None else default_folder(results.scenario.name)
        try:
            return results.save(target)
        except FileExistsError as exc:
            if out is not None:
                raise UsageError(f"--out: {exc}") from None
        except OSError as exc:
            raise UsageError(f"{target}: cannot write results: {exc.strerror or exc}") from None
    raise UsageError(f"could not find a free results folder name under {RESULTS_ROOT}/")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m sim` and the `centre-sim` script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if args.command == "validate":
            return cmd_validate(args)
        return cmd_run(args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted: nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_BAD_INPUT
