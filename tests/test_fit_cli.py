"""`python -m sim fit`: bad input is refused with one line naming file, row and column, exit 2,
nothing written; a good run writes the scenario file and the results folder, never over old ones."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sim.cli import main
from sim.logs.export import write_logs
from sim.model.simulate import simulate
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "dao_xa_2025.toml"


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled centre's 40 days as a ticket log and a register (one replication)."""
    folder = tmp_path_factory.mktemp("logs")
    scenario = load_scenario(BASE)
    write_logs(folder, simulate(scenario, 5, 0, event_log=True), scenario)
    return folder


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(rows)
    return path


def _fit(tmp: Path, tickets: Path, *extra: str) -> int:
    return main(
        ["fit", "--tickets", str(tickets), "--base", str(BASE), "--out", str(tmp / "new.toml"),
         "--report", str(tmp / "report"), "--quiet", *extra]
    )  # fmt: skip


def _refused(capsys: pytest.CaptureFixture[str], tmp: Path, code: int, *words: str) -> None:
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("error: "), err
    for w in words:
        assert w in err[0], (w, err[0])
    assert not (tmp / "new.toml").exists() and not (tmp / "report").exists()
    assert not [p for p in tmp.iterdir() if p.name.startswith(".")]  # no hidden leftovers


def test_a_call_before_its_ticket_is_refused_by_row_and_column(
    logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows(logs / "ticket_log.csv")
    served = next(i for i, r in enumerate(rows) if r["outcome"] == "served" and i > 3)
    rows[served]["called_at"] = rows[served]["issued_at"].replace(" 0", " 0", 1)[:11] + "06:00:00"
    bad = _write(tmp_path / "tickets.csv", rows)
    _refused(
        capsys,
        tmp_path,
        _fit(tmp_path, bad, "--no-validate"),
        "tickets.csv",
        f"row {served + 2}",
        "called_at",
    )


def test_a_service_the_base_does_not_have_is_refused_by_row(
    logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows(logs / "ticket_log.csv")
    rows[9]["service"] = "passports"
    bad = _write(tmp_path / "tickets.csv", rows)
    code = _fit(tmp_path, bad, "--no-validate")
    _refused(capsys, tmp_path, code, "row 11", "'service'", "passports", "certification")


def test_an_existing_scenario_file_is_never_overwritten(
    logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "new.toml").write_text("# mine\n", encoding="utf-8")
    code = _fit(tmp_path, logs / "ticket_log.csv", "--no-validate")
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "already exists" in err[0]
    assert (tmp_path / "new.toml").read_text(encoding="utf-8") == "# mine\n"
    assert not (tmp_path / "report").exists()


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--replications", "0"], ["--replications", "positive"]),
        (["--seed", "-1"], ["--seed"]),
        (["--mapping", "no_such.toml"], ["--mapping", "no_such.toml", "not a file"]),
        (["--dossiers", "no_such.csv"], ["--dossiers", "not a file"]),
    ],
)
def test_bad_flags_are_refused_before_anything_is_read(
    logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], words: list[str]
) -> None:
    _refused(capsys, tmp_path, _fit(tmp_path, logs / "ticket_log.csv", *flags), *words)


def test_an_out_file_that_is_not_toml_is_refused(
    logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "fit",
            "--tickets",
            str(logs / "ticket_log.csv"),
            "--base",
            str(BASE),
            "--out",
            str(tmp_path / "x.csv"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "must end in .toml" in err


@pytest.mark.slow
def test_drop_bad_rows_fits_the_rest_and_says_how_many_and_why(
    logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows(logs / "ticket_log.csv")
    rows[4]["issued_at"] = "yesterday"
    rows[7]["ticket_id"] = rows[6]["ticket_id"]
    bad = _write(tmp_path / "tickets.csv", rows)
    code = _fit(
        tmp_path, bad, "--dossiers", str(logs / "dossier_register.csv"), "--drop-bad-rows", "--no-validate"
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    notes = [line for line in captured.err.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and f"2 of {len(rows)} rows dropped" in notes[0], notes
    assert captured.out.strip() == str(tmp_path / "report")
    fitted = load_scenario(tmp_path / "new.toml")
    assert "FITTED: tickets.csv" in (tmp_path / "new.toml").read_text(encoding="utf-8")
    assert fitted.demand.visits_per_day > 0
    for name in ("fit_report.html", "fits.csv", "values.csv", "checks.csv", "meta.json", "scenario.toml"):
        assert (tmp_path / "report" / name).is_file(), name
    # Run again into the same files: refused, the first run's files untouched.
    before = (tmp_path / "new.toml").read_bytes()
    assert _fit(tmp_path, bad, "--drop-bad-rows", "--no-validate") == 2
    assert (tmp_path / "new.toml").read_bytes() == before


@pytest.mark.slow
def test_the_fit_is_the_same_whatever_runs_the_validation(logs: Path, tmp_path: Path) -> None:
    """Same data and seed: the same scenario text, fits and checks in this process and on 2 workers."""
    import sim

    def fitted(workers: int) -> tuple[str, object, object]:
        f = sim.fit(
            logs / "ticket_log.csv", base=BASE, out=tmp_path / "new.toml", replications=4, workers=workers
        )
        return f.text, f.result.checks, [d.chosen for d in f.result.durations]

    serial, pool = fitted(1), fitted(2)
    assert serial == pool
    assert len(serial[1]) == 6  # type: ignore[arg-type]  # the ticket KPIs (no register given)


def test_a_fit_of_a_few_days_says_its_figures_rest_on_little_data(logs: Path, tmp_path: Path) -> None:
    import sim
    from sim.fitting.fit import FEW_DAYS, FEW_DAYS_NOTE, MIN_WEEKDAYS

    rows = _rows(logs / "ticket_log.csv")
    first_day = rows[0]["issued_at"][:10]
    short = _write(tmp_path / "day.csv", [r for r in rows if r["issued_at"].startswith(first_day)])
    result = sim.fit(short, base=BASE, out=tmp_path / "new.toml", validate=False).result
    assert result.arrivals.working_days == 1 < FEW_DAYS
    assert result.notes[0] == (FEW_DAYS_NOTE, {"days": 1, "least": FEW_DAYS})
    assert ("demand", "weekday_factors") not in [v.path for v in result.values]  # < MIN_WEEKDAYS of each
    assert MIN_WEEKDAYS > 1
    whole = sim.fit(logs / "ticket_log.csv", base=BASE, out=tmp_path / "new.toml", validate=False).result
    assert whole.arrivals.working_days >= FEW_DAYS and FEW_DAYS_NOTE not in [m for m, _ in whole.notes]
    assert ("demand", "weekday_factors") in [v.path for v in whole.values]
