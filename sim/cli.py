"""Command line: `python -m sim run SCENARIO.toml ...`, `python -m sim compare BASE.toml ALT.toml
...`, `python -m sim optimise STUDY.toml ...`, `python -m sim business-case BASE.toml OPTION.toml
...`, `python -m sim validate FILE...` and
`python -m sim verify [--quick]`.

A face, not a model: it parses flags, calls `sim.api.run` or `sim.api.compare`, prints the KPI or
comparison table and names the results folder. Bad input of any kind — a scenario file, a flag,
an existing output folder — ends with one line `error: ...` on stderr and exit status 2, before
anything is written. Results folders are never overwritten.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, NoReturn

from sim.scenario import Scenario, ScenarioError
from sim.scenario import load_scenario as _load_scenario
from sim.scenario.warnings import scenario_warnings

EXIT_OK = 0
EXIT_FAILED = 1
"""`verify`: at least one case failed."""
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
"""128 + SIGTERM, as a shell reports a process ended by it."""
EXIT_WORKER_LOST = 1
"""A worker process died mid-run (killed, out of memory): nothing was written."""

SCHEDULER_TIMEOUT_S = 5.0
"""How long `--scheduler` waits for the scheduler, then for a first worker."""

RESULTS_ROOT = Path("results")


def load_scenario(path: str | Path, *args: Any) -> Scenario:
    """`sim.scenario.load_scenario`, then the scenario's warnings (inputs accepted but probably not
    meant) on stderr, one `warning: FILE: key: message` line each: every command that loads a
    file says them before doing anything else."""
    scenario = _load_scenario(path, *args)
    for warning in scenario_warnings(scenario):
        print(f"warning: {path}: {warning}", file=sys.stderr, flush=True)
    return scenario


class UsageError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so pools stop and temporary folders are removed."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """Turn SIGTERM into `Terminated` while the command runs (main thread only)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    from sim._version import __version__

    parser = _Parser(
        prog="python -m sim",
        description=("Simulate a commune public administrative service centre (centre-sim)."),
    )
    parser.add_argument("--version", action="version", version=f"centre-sim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = commands.add_parser(
        "run",
        help="run replications of a scenario and write a results folder",
        description="Run replications of a scenario, print the answer (target verdicts and the "
        "headline KPIs with 95% confidence intervals) and then the full KPI table, and write a new "
        "results folder (scenario.toml, meta.json, summary.json, replications.csv, plots/, "
        "report.html).",
    )
    run.add_argument("scenario", metavar="SCENARIO.toml", help="scenario file")
    run.add_argument(
        "--replications",
        metavar="N",
        help="number of replications (default: the scenario's [run] replications)",
    )
    run.add_argument(
        "--seed", metavar="S", help="base random seed, a non-negative integer (default: [run] seed)"
    )
    run.add_argument(
        "--workers",
        metavar="W",
        help="worker processes (default: one per CPU; 1 runs in this process). Results do not depend on it.",
    )
    run.add_argument(
        "--out",
        metavar="DIR",
        help="results folder to create; must not exist (default: results/<scenario name>-<date>-<time>/)",
    )
    run.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no table; print only the results folder",
    )
    run.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
        help="language of the printed answer and table and of report.html (default: vi, Vietnamese)",
    )
    _executor_flags(run)
    run.add_argument(
        "--event-log",
        action="store_true",
        help="also write event_log.csv, one row per visit of every replication (large), and the first "
        "replication's visits as a ticket log (ticket_log.csv) and its dossiers as a register "
        "(dossier_register.csv), in the formats of docs/data_formats.md: one simulated history of the "
        "centre, as a real export would be",
    )
    _scenario_root_flag(run)

    compare = commands.add_parser(
        "compare",
        help="compare alternatives with a base scenario (common random numbers)",
        description="Run every scenario with the same seeds (common random numbers), print each "
        "alternative's paired difference from the base for the key KPIs with Bonferroni-adjusted "
        "95% confidence intervals and a verdict that weighs the minimum important difference of "
        "[targets] (better / better, but too small to matter / no detectable difference / ...), "
        "each scenario's target verdicts, and write a new results folder (comparison.csv, "
        "meta.json, plots/, one folder per scenario, report.html).",
    )
    compare.add_argument("base", metavar="BASE.toml", help="the base scenario")
    compare.add_argument(
        "alternatives",
        metavar="ALT.toml",
        nargs="+",
        help="alternative scenarios (e.g. variants that `extends` the base)",
    )
    compare.add_argument(
        "--replications",
        metavar="N|auto",
        help="replications per scenario (default: the base's [run] replications), "
        "or 'auto': start at 10 and add 10 at a time until every key difference's "
        "adjusted half-width is within ±5%% of the base value or its absolute bound, "
        "at most 200",
    )
    compare.add_argument(
        "--seed", metavar="S", help="base random seed for every scenario (default: the base's [run] seed)"
    )
    compare.add_argument(
        "--workers", metavar="W", help="worker processes (default: one per CPU; 1 runs in this process)"
    )
    _executor_flags(compare)
    compare.add_argument(
        "--sensitivity",
        action="store_true",
        help="also move each ranged estimate of the base to its low and high end (common random "
        "numbers) and say whether the first key KPI's difference keeps its direction (a tornado chart)",
    )
    compare.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
        help="language of the printed answer and table and of report.html (default: vi)",
    )
    compare.add_argument(
        "--out",
        metavar="DIR",
        help="results folder to create; must not exist (default: results/compare-<base name>-<date>-<time>/)",
    )
    compare.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no table; print only the results folder",
    )
    _scenario_root_flag(compare)

    _optimise_parser(commands)
    _business_case_parser(commands)
    _fit_parser(commands)

    validate = commands.add_parser(
        "validate",
        help="check scenario files without running them",
        description="Check every scenario file given: print 'ok: FILE' on stdout for each valid "
        "one and one 'error: FILE: ...' line on stderr for each invalid one; exit status 0 when "
        "all are valid, 2 when any is not.",
    )
    validate.add_argument("files", metavar="SCENARIO.toml", nargs="+", help="scenario files")
    _scenario_root_flag(validate)

    verify = commands.add_parser(
        "verify",
        help="check the model against queueing theory",
        description="Run textbook reductions of the model (M/M/1, M/M/c, M/D/1, M/G/1, M/G/c, "
        "Little's law, non-homogeneous arrivals) and compare them with queueing theory. Prints, "
        "for each case, the analytic value, the simulated mean with its 95% confidence interval, "
        "the tolerance and PASS/FAIL; exit status 0 when every case passes, 1 otherwise.",
    )
    verify.add_argument(
        "--quick", action="store_true", help="shorter runs (a few seconds; what the tests run)"
    )
    verify.add_argument(
        "--replications", metavar="N", help="replications per case, at least 3 (default: 10 quick, 20 full)"
    )
    verify.add_argument("--seed", metavar="S", help="base random seed, a non-negative integer")
    verify.add_argument(
        "--workers",
        metavar="W",
        help="worker processes (default: 1 with --quick, else one per CPU). Results do not depend on it.",
    )
    return parser


def _optimise_parser(commands: Any) -> None:
    optimise = commands.add_parser(
        "optimise",
        help="find the cheapest plan (staff, hours, equipment) that meets the targets",
        description="Run every plan of a study (one option per lever) with common random numbers, "
        "add replications only to plans still undecided (a sequential feasibility check with "
        "tolerance ε per constraint, Bonferroni over plans × constraints), and name the cheapest "
        "plan that meets every constraint with probability at least 1 − α; then re-run it under "
        "the study's stress variant. Writes a new results folder (candidates.csv, study.toml, "
        "meta.json, plots/, report.html, the chosen plan's own folder).",
    )
    optimise.add_argument("study", metavar="STUDY.toml", help="study file (see docs/optimise.md)")
    optimise.add_argument(
        "--alpha",
        metavar="A",
        help="error budget: P(wrong answer) ≤ A, above 0 and at most 0.5 (default: the study's)",
    )
    optimise.add_argument(
        "--max-replications", metavar="N", help="cap on replications per plan (default: the study's, 200)"
    )
    optimise.add_argument(
        "--seed", metavar="S", help="base random seed for every plan (default: the study's or the base's)"
    )
    optimise.add_argument(
        "--workers", metavar="W", help="worker processes (default: one per CPU; 1 runs in this process)"
    )
    _executor_flags(optimise)
    optimise.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
        help="language of the printed answer and of report.html (default: vi)",
    )
    optimise.add_argument(
        "--out",
        metavar="DIR",
        help="results folder to create; must not exist (default: results/optimise-<study>-<date>-<time>/)",
    )
    optimise.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no table; print only the results folder",
    )
    _scenario_root_flag(optimise)


def _fit_parser(commands: Any) -> None:
    fit = commands.add_parser(
        "fit",
        help="fit the model's inputs from a centre's ticket log and dossier register",
        description="Read the queue-ticket system's export (one row per ticket) and, if given, the "
        "dossier register (one row per dossier), check them, and fit arrivals (visits per day, "
        "weekday factors, 30-minute profile), counter times per procedure or field (censored "
        "maximum likelihood, chosen by AIC, checked for fit), patience, shares, staff presence "
        "and the register's figures, with intervals. Writes a new scenario file that extends the "
        "base and overrides only what was fitted (each value labelled FITTED), runs it against "
        "the data, and writes a results folder (fit_report.html, fits.csv, checks.csv, ...). "
        "Formats: docs/data_formats.md.",
    )
    fit.add_argument("--tickets", metavar="LOG.csv", required=True, help="the ticket log")
    fit.add_argument("--dossiers", metavar="REGISTER.csv", help="the dossier register (optional)")
    fit.add_argument(
        "--mapping",
        metavar="MAP.toml",
        help="column mapping for a vendor's export (e.g. scenarios/mappings/lstd_autoticket.toml)",
    )
    fit.add_argument("--base", metavar="BASE.toml", required=True, help="the scenario the fit extends")
    fit.add_argument("--out", metavar="NEW.toml", required=True, help="the new scenario file; must not exist")
    fit.add_argument(
        "--report",
        metavar="DIR",
        help="results folder to create; must not exist (default: results/fit-<NEW name>-<date>-<time>/)",
    )
    fit.add_argument(
        "--drop-bad-rows",
        action="store_true",
        help="leave out rows that fail a check (say how many and why) instead of refusing the file",
    )
    fit.add_argument(
        "--replications",
        metavar="N",
        help="replications of the fitted scenario in the validation step (default: 10)",
    )
    fit.add_argument(
        "--no-validate", action="store_true", help="skip running the fitted scenario against the data"
    )
    fit.add_argument("--seed", metavar="S", help="random seed (default: the base's [run] seed)")
    fit.add_argument(
        "--workers", metavar="W", help="worker processes for the validation runs (default: one per CPU)"
    )
    _executor_flags(fit)
    fit.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
        help="language of the summary and the report (default: vi)",
    )
    fit.add_argument("-q", "--quiet", action="store_true", help="print only the results folder")
    _scenario_root_flag(fit)


def _business_case_parser(commands: Any) -> None:
    case = commands.add_parser(
        "business-case",
        help="what an option costs and returns in đồng, and the chance it pays off",
        description="Run the base and the option with common random numbers, turn the paired "
        "differences (citizens' waiting hours, wasted trips, staff overtime) into đồng a year, "
        "and draw every cost and value range and the simulation's own uncertainty in a Monte "
        "Carlo: net present value (mean and 90%% interval), the probability that it pays off, "
        "payback time and switching values. Writes a new results folder (case.csv, "
        "npv_draws.csv, costs.toml, meta.json, leader_page.html, report.html, comparison/).",
    )
    case.add_argument("base", metavar="BASE.toml", help="the centre as it is")
    case.add_argument("option", metavar="OPTION.toml", help="the centre with the purchase or the post")
    case.add_argument(
        "--costs",
        metavar="COSTS.toml",
        help="costs and values, with what the option buys in [costs.purchase] (default: the base's [costs])",
    )
    case.add_argument(
        "--years", metavar="Y", help="appraisal period in years, 1 to 30 (default: the costs file's)"
    )
    case.add_argument(
        "--replications",
        metavar="N|auto",
        help="replications of each scenario (default: the base's [run] replications), or 'auto'",
    )
    case.add_argument("--seed", metavar="S", help="base random seed (default: the base's [run] seed)")
    case.add_argument("--draws", metavar="N", help="Monte Carlo draws, 1000 to 1000000 (default: 10000)")
    case.add_argument(
        "--sensitivity",
        action="store_true",
        help="also move each ranged estimate of the base to its low and high end (common random "
        "numbers): a tornado chart, whether any estimate flips the verdict, and the estimates' "
        "uncertainty added to the Monte Carlo",
    )
    case.add_argument("--workers", metavar="W", help="worker processes (default: one per CPU)")
    _executor_flags(case)
    case.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
        help="language of the answer and the pages (default: vi)",
    )
    case.add_argument(
        "--out",
        metavar="DIR",
        help="results folder to create; must not exist (default: results/case-<option>-<date>-<time>/)",
    )
    case.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar and no table; print only the results folder",
    )
    _scenario_root_flag(case)


def _replications_or_auto(text: str | None) -> int | Literal["auto"] | None:
    if text is not None and text.strip().lower() == "auto":
        return "auto"
    try:
        return _replications_flag(text)
    except UsageError:
        raise UsageError(f"--replications: must be a positive integer or 'auto', got {text}") from None


def cmd_business_case(args: argparse.Namespace) -> int:
    replications = _replications_or_auto(args.replications)
    seed = _int_flag("--seed", args.seed, 0)
    years = _int_flag("--years", args.years, 1)
    if years is not None and years > 30:
        raise UsageError(f"--years: must be from 1 to 30, got {years}")
    draws = _int_flag("--draws", args.draws, 1000)
    if draws is not None and draws > 1_000_000:
        raise UsageError(f"--draws: must be from 1000 to 1000000, got {draws}")
    workers = _workers_flag(args.workers)
    out = _out_flag(args.out)
    root = _scenario_root(args)
    base = load_scenario(args.base, root)
    option = load_scenario(args.option, root)
    from sim.decide.compare import check_names
    from sim.scenario.costs import load_costs

    try:
        check_names([base, option])
    except ValueError as exc:
        raise UsageError(f"{args.base} {args.option}: {exc}") from None
    if args.costs is not None:
        costs = load_costs(args.costs)
    elif base.costs is not None:
        costs = base.costs
    else:
        raise UsageError(
            f"--costs: {args.base} has no [costs] table; give a costs file, e.g. one that extends "
            "scenarios/costs/dao_xa_costs.toml and names what the option buys in [costs.purchase]"
        )
    with _executor(args, workers) as executor:
        if not args.quiet:
            _progress(
                args.lang,
                "Running {scenarios} scenarios, then the Monte Carlo of costs and values…",
                scenarios=2,
            )
        from sim.api import business_case
        from sim.report.business import business_report_writers
        from sim.report.html import report_writer

        case = business_case(
            base,
            option,
            costs=costs,
            years=years,
            replications=replications,
            seed=seed,
            draws=10_000 if draws is None else draws,
            sensitivity=args.sensitivity,
            workers=None if executor is not None else workers,
            progress=sys.stderr.isatty() and not args.quiet,
            executor=executor,
        )
    costs_file = args.costs if args.costs is not None else args.base  # where the labels are
    case = dataclasses.replace(
        case,
        writers=(*case.writers, *business_report_writers(args.lang, costs_file=costs_file)),
        comparison_writers=(*case.comparison_writers, report_writer(args.lang)),
    )
    from sim.report.business import format_business_case
    from sim.report.business.html import labels_for

    labels = labels_for(case, costs_file)
    return _save_and_print(
        case.save,
        f"case-{option.name}",
        out,
        args.quiet,
        lambda: format_business_case(case, args.lang, labels),
        args.lang,
    )


def _alpha_flag(text: str | None) -> float | None:
    if text is None:
        return None
    import math

    try:
        alpha = float(text)
    except ValueError:
        alpha = math.nan
    if not (math.isfinite(alpha) and 0 < alpha <= 0.5):
        raise UsageError(f"--alpha: must be a number above 0 and at most 0.5, e.g. 0.05, got {text}")
    return alpha


def cmd_optimise(args: argparse.Namespace) -> int:
    alpha = _alpha_flag(args.alpha)
    cap = _int_flag("--max-replications", args.max_replications, 2)
    if cap is not None and cap > 10_000:
        raise UsageError(f"--max-replications: must be at most 10000, got {cap}")
    seed = _int_flag("--seed", args.seed, 0)
    workers = _workers_flag(args.workers)
    out = _out_flag(args.out)
    from sim.optimiser.study import load_study

    study = load_study(args.study, _scenario_root(args), alpha=alpha, max_replications=cap, seed=seed)
    for warning in scenario_warnings(study.base):
        print(f"warning: {study.base_path}: {warning}", file=sys.stderr, flush=True)
    with _executor(args, workers) as executor:
        if not args.quiet:
            _progress(
                args.lang,
                "Running {plans} plans, {n} replications each first, more only where undecided…",
                plans=len(study.plans),
                n=study.settings.first_stage,
            )
        from sim.api import optimise
        from sim.report.html import report_writer
        from sim.report.optimise import optimise_plots_writer, optimise_report_writer

        result = optimise(
            study,
            workers=None if executor is not None else workers,
            progress=sys.stderr.isatty() and not args.quiet,
            executor=executor,
        )
    result = dataclasses.replace(
        result,
        writers=(optimise_plots_writer(args.lang), optimise_report_writer(args.lang)),
        results_writers=(*result.results_writers, report_writer(args.lang)),
    )
    from sim.report.optimise import format_optimise

    return _save_and_print(
        result.save,
        f"optimise-{study.name}",
        out,
        args.quiet,
        lambda: format_optimise(result, args.lang),
        args.lang,
    )


def _scenario_root_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenario-root",
        metavar="DIR",
        help="a folder whose files (and those below it) `extends` may also name; "
        "by default only the scenario file's own folder (and below) and the "
        "bundled scenarios/ folder",
    )


def _scenario_root(args: argparse.Namespace) -> Path | None:
    """The --scenario-root folder, checked before any file is read."""
    if args.scenario_root is None:
        return None
    root = Path(args.scenario_root)
    if not root.is_dir():
        raise UsageError(
            f"--scenario-root: {root} is not a folder; name an existing folder "
            "holding the files that scenarios may extend"
        )
    return root


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every file, so that one run reports all the bad ones, not only the first."""
    root = _scenario_root(args)
    status = EXIT_OK
    for path in args.files:
        try:
            load_scenario(path, root)
        except ScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)
            status = EXIT_BAD_INPUT
        else:
            print(f"ok: {path}", flush=True)
    return status


def _out_flag(text: str | None) -> Path | None:
    """The `--out` folder, refused before any work if it exists or cannot be created."""
    if text is None:
        return None
    from sim.experiment.folders import check_new_folder

    out = Path(text)
    try:
        check_new_folder(out)
    except FileExistsError:
        raise UsageError(
            f"--out: {out} already exists; results are never overwritten, choose a new folder"
        ) from None
    except OSError as exc:
        raise UsageError(
            f"--out: {_short(out)}: {exc.strerror or exc}; choose a folder that can be created"
        ) from None
    return out


def _short(path: Path, limit: int = 80) -> str:
    """A path for an error line: a too-long name is cut in the middle."""
    text = str(path)
    return text if len(text) <= limit else f"{text[: limit // 2]}…{text[-limit // 2 :]}"


def _workers_flag(text: str | None, flag: str = "--workers") -> int | None:
    """`--workers`: a positive integer up to `MAX_WORKERS`; above the CPU count it is lowered to
    it with one `note:` line (more processes than cores only queue and cost memory)."""
    workers = _int_flag(flag, text, 1)
    if workers is None:
        return None
    from sim.experiment.executors import MAX_WORKERS, cpu_count

    if workers > MAX_WORKERS:
        raise UsageError(
            f"{flag}: {workers} is too many; give 1 to {MAX_WORKERS} (more than "
            "the CPUs are lowered to the CPU count)"
        )
    cpus = cpu_count()
    if workers > cpus:
        print(
            f"note: {flag} {workers} is more than this machine's {cpus} CPUs; using {cpus}",
            file=sys.stderr,
            flush=True,
        )
        return cpus
    return workers


def _executor_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dask",
        action="store_true",
        help="run replications on a local Dask cluster (pip install -e '.[dask]')",
    )
    parser.add_argument(
        "--scheduler", metavar="tcp://HOST:PORT", help="run replications on an existing Dask cluster"
    )


@contextlib.contextmanager
def _executor(args: argparse.Namespace, workers: int | None) -> Iterator[Any]:
    """The executor the flags ask for (None: local processes), closed afterwards."""
    if not (args.dask or args.scheduler is not None):
        yield None
        return
    from sim.experiment.executors import DaskExecutor, ExecutorUnavailableError

    flag = "--scheduler" if args.scheduler is not None else "--dask"
    try:
        executor = DaskExecutor(
            args.scheduler, workers=None if args.scheduler else workers, timeout=SCHEDULER_TIMEOUT_S
        )
        executor.start()
    except (ExecutorUnavailableError, ValueError) as exc:
        message = " ".join(str(exc).removeprefix("scheduler: ").split())  # one line
        raise UsageError(f"{flag}: {message}") from None
    with executor:
        yield executor


def _replications_flag(text: str | None) -> int | None:
    replications = _int_flag("--replications", text, 1)
    if replications is not None and replications > 100_000:
        raise UsageError(f"--replications: must be at most 100000, got {replications}")
    return replications


def cmd_run(args: argparse.Namespace) -> int:
    replications = _replications_flag(args.replications)
    seed = _int_flag("--seed", args.seed, 0)
    workers = _workers_flag(args.workers)
    out = _out_flag(args.out)
    scenario = load_scenario(args.scenario, _scenario_root(args))
    with _executor(args, workers) as executor:  # a bad scheduler fails here, before any output
        if not args.quiet:  # within a second: before pandas, scipy and the model are imported
            _progress(
                args.lang,
                "Running {n} replications of {name}…",
                n=replications or scenario.run.replications,
                name=scenario.name,
            )
        from sim.api import run
        from sim.report.html import report_writer

        results = run(
            scenario,
            replications=replications,
            seed=seed,
            workers=None if executor is not None else workers,
            event_log=True if args.event_log else None,
            progress=sys.stderr.isatty() and not args.quiet,
            executor=executor,
        )
    results = dataclasses.replace(results, writers=(*results.writers, report_writer(args.lang)))
    from sim.report import format_table

    return _save_and_print(
        results.save,
        results.scenario.name,
        out,
        args.quiet,
        lambda: format_table(results, args.lang),
        args.lang,
    )


def cmd_verify(args: argparse.Namespace) -> int:
    replications = _int_flag("--replications", args.replications, 1)
    seed = _int_flag("--seed", args.seed, 0)
    workers = _workers_flag(args.workers)
    from sim.verify.suite import DEFAULT_REPLICATIONS, DEFAULT_SEED, MIN_REPLICATIONS, run_suite

    if replications is not None and not MIN_REPLICATIONS <= replications <= 10_000:
        raise UsageError(
            f"--replications: must be an integer from {MIN_REPLICATIONS} to 10000, got {replications}"
        )
    mode = "quick" if args.quick else "full"
    reps = replications or DEFAULT_REPLICATIONS[mode]
    seed = DEFAULT_SEED if seed is None else seed
    print(
        f"Verification against queueing theory ({mode} suite, {reps} replications per case, seed {seed})",
        flush=True,
    )
    print(_VERIFY_HEADER, flush=True)
    started = time.perf_counter()
    results = run_suite(
        quick=args.quick,
        replications=reps,
        seed=seed,
        workers=workers,
        on_result=lambda r: print(_verify_row(r), flush=True),
    )
    failed = [r for r in results if not r.passed]
    print(
        f"\n{len(results)} cases: {len(results) - len(failed)} passed, {len(failed)} failed "
        f"({time.perf_counter() - started:.1f} s)"
    )
    print(
        "A case passes when the analytic value lies in the interval under 'tolerance', wider than\n"
        "the 95% one shown: Bonferroni-corrected, so that a correct model fails the whole suite by\n"
        "chance at most 5% of the time (see sim/verify/suite.py)."
    )
    return EXIT_OK if not failed else EXIT_FAILED


_VERIFY_COLUMNS = (
    ("case", 48),
    ("reference", 22),
    ("analytic", 8),
    ("simulated mean [95% CI]", 26),
    ("tolerance", 36),
    ("result", 6),
)
_VERIFY_HEADER = "  ".join(
    f"{name:<{w}}" if i != 2 else f"{name:>{w}}" for i, (name, w) in enumerate(_VERIFY_COLUMNS)
).rstrip()


def _num(x: float) -> str:
    """About four significant digits, through the reports' one formatter (English)."""
    from sim.report.format import number

    a = abs(x)
    if a != a:  # NaN
        return "-"
    return number(x, "en", 1 if a >= 100 else 2 if a >= 10 else 3 if a >= 1 else 4)


def _verify_row(r) -> str:
    label = f"{r.case}, {r.unit}" if r.unit else r.case
    cells = (
        label,
        r.reference,
        _num(r.analytic),
        f"{_num(r.mean)} [{_num(r.ci_low)}, {_num(r.ci_high)}]",
        r.tolerance,
        "PASS" if r.passed else "FAIL",
    )
    line = "  ".join(
        f"{c:>{w}}" if i == 2 else f"{c:<{w}}"
        for i, (c, (_, w)) in enumerate(zip(cells, _VERIFY_COLUMNS, strict=True))
    )
    line = line.rstrip()
    if r.detail and (not r.passed or "CI" not in r.tolerance):
        line += f"\n    {r.detail}"
    return line


def _new_file_flag(flag: str, text: str) -> Path:
    """A file to create: refused before any work if it exists or its folder does not."""
    path = Path(text)
    if path.exists():
        raise UsageError(f"{flag}: {path} already exists; a fit never overwrites a file, choose a new name")
    if not path.parent.is_dir():
        raise UsageError(f"{flag}: {path.parent} is not a folder; create it first")
    if path.suffix != ".toml":
        raise UsageError(f"{flag}: {path} must end in .toml (it is a scenario file)")
    return path


def _input_file_flag(flag: str, text: str | None) -> Path | None:
    if text is None:
        return None
    path = Path(text)
    if not path.is_file():
        raise UsageError(f"{flag}: {path} is not a file")
    return path


def cmd_fit(args: argparse.Namespace) -> int:
    replications = _replications_flag(args.replications)
    seed = _int_flag("--seed", args.seed, 0)
    workers = _workers_flag(args.workers)
    report = _out_flag(args.report)
    out = _new_file_flag("--out", args.out)
    tickets = _input_file_flag("--tickets", args.tickets)
    base = _input_file_flag("--base", args.base)
    assert tickets is not None and base is not None
    with _executor(args, workers) as executor:
        if not args.quiet:
            _progress(args.lang, "Reading and checking the data…")
        from sim.api import fit

        fitted = fit(
            tickets,
            base=base,
            out=out,
            dossiers=_input_file_flag("--dossiers", args.dossiers),
            mapping=_input_file_flag("--mapping", args.mapping),
            drop_bad_rows=args.drop_bad_rows,
            validate=not args.no_validate,
            replications=replications or 10,
            seed=seed,
            workers=None if executor is not None else workers,
            executor=executor,
            scenario_root=_scenario_root(args),
        )
    from sim.fitting.save import save
    from sim.report.fit import format_fit, write_fit_report

    def save_to(folder: Path) -> Path:
        def report_writer(f: Any, where: Path) -> None:
            write_fit_report(f.result, where, args.lang, scenario_text=f.text, scenario_file=str(out))

        return save(fitted, folder, (report_writer,))

    for dropped in _dropped_lines(fitted, args.lang):
        print(dropped, file=sys.stderr)
    return _save_and_print(
        save_to,
        f"fit-{out.stem}",
        report,
        args.quiet,
        lambda: format_fit(fitted.result, args.lang, out),
        args.lang,
    )


def _dropped_lines(fitted: Any, lang: str) -> list[str]:
    """One `note:` line per input file that lost rows under --drop-bad-rows: how many and why."""
    from collections import Counter

    lines = []
    for source in (fitted.result.tickets, fitted.result.dossiers):
        if source is None or not source.dropped:
            continue
        reasons = Counter(d.reason for d in source.dropped)
        why = "; ".join(f"{n} × {reason}" for reason, n in reasons.most_common())
        lines.append(f"note: {source.file}: {len(source.dropped)} of {source.rows_read} rows dropped ({why})")
    return lines


def cmd_compare(args: argparse.Namespace) -> int:
    replications = _replications_or_auto(args.replications)
    seed = _int_flag("--seed", args.seed, 0)
    workers = _workers_flag(args.workers)
    out = _out_flag(args.out)
    root = _scenario_root(args)
    base = load_scenario(args.base, root)
    alternatives = [load_scenario(path, root) for path in args.alternatives]
    from sim.decide.compare import check_names

    try:
        check_names([base, *alternatives])
    except ValueError as exc:
        raise UsageError(f"{' '.join([args.base, *args.alternatives])}: {exc}") from None

    with _executor(args, workers) as executor:  # a bad scheduler fails here, before any output
        if not args.quiet:  # within a second: before pandas, scipy and the model are imported
            if replications == "auto":
                _progress(
                    args.lang,
                    "Running {scenarios} scenarios, replications chosen automatically…",
                    scenarios=1 + len(alternatives),
                )
            else:
                _progress(
                    args.lang,
                    "Running {scenarios} scenarios, {n} replications each…",
                    scenarios=1 + len(alternatives),
                    n=replications or base.run.replications,
                )
        from sim.api import compare
        from sim.report.html import report_writer

        comparison = compare(
            base,
            alternatives,
            replications=replications,
            seed=seed,
            workers=None if executor is not None else workers,
            sensitivity=args.sensitivity,
            progress=sys.stderr.isatty() and not args.quiet,
            executor=executor,
        )
    comparison = dataclasses.replace(comparison, writers=(*comparison.writers, report_writer(args.lang)))
    from sim.report.compare_table import format_comparison

    return _save_and_print(
        comparison.save,
        f"compare-{base.name}",
        out,
        args.quiet,
        lambda: format_comparison(comparison, args.lang),
        args.lang,
    )


def _say(lang: str, msgid: str, **values: Any) -> str:
    """A console message in `lang` (msgid: the English text), placeholders filled."""
    from sim.report.i18n import translator

    return translator(lang).gettext(msgid).format(**values)


def _progress(lang: str, msgid: str, **values: Any) -> None:
    """A first line on stderr at once, before the model loads: the run has started."""
    print(_say(lang, msgid, **values), file=sys.stderr, flush=True)


def _save_and_print(
    save: Callable[[Path], Path],
    name: str,
    out: Path | None,
    quiet: bool,
    table: Callable[[], str],
    lang: str = "en",
) -> int:
    """Print the answer and the table, then write the results folder (plots and the report take
    a while) and say where it went; only the path if quiet."""
    if not quiet:
        print(table(), flush=True)
    folder = _save(save, name, out)
    if quiet:
        print(folder)
    else:
        print()
        print(_say(lang, "Results written to {folder}", folder=folder))
    return EXIT_OK


def _save(save: Callable[[Path], Path], name: str, out: Path | None) -> Path:
    """`save` into `out`, or the first free default folder (retrying if another run takes it)."""
    for _ in range(100):
        target = out if out is not None else default_folder(name)
        try:
            return save(target)
        except FileExistsError as exc:
            if out is not None:
                raise UsageError(f"--out: {exc}") from None
        except OSError as exc:
            raise UsageError(
                f"{_short(target)}: cannot write results: {exc.strerror or exc}; "
                "choose a folder that can be created"
            ) from None
    raise UsageError(f"could not find a free results folder name under {RESULTS_ROOT}/")


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": cmd_run,
    "compare": cmd_compare,
    "optimise": cmd_optimise,
    "business-case": cmd_business_case,
    "fit": cmd_fit,
    "validate": cmd_validate,
    "verify": cmd_verify,
}
"""Each subcommand of `build_parser` and the function that carries it out."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m sim` and the `centre-sim` script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    from sim.experiment.executors import ExecutorUnavailableError, WorkerLostError

    try:
        with _sigterm_unwinds():
            return _COMMANDS[args.command](args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except ExecutorUnavailableError as exc:  # e.g. the Dask scheduler went away mid-run
        print(f"error: {exc}", file=sys.stderr)
    except WorkerLostError as exc:
        print(
            f"error: {exc}; nothing was written (run again; --workers 1 runs in this process "
            "and shows any error)",
            file=sys.stderr,
        )
        return EXIT_WORKER_LOST
    except KeyboardInterrupt:
        print("interrupted: nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("terminated: nothing was written", file=sys.stderr)
        return EXIT_TERMINATED
    return EXIT_BAD_INPUT
