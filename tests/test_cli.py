"""The command line, run as a user runs it: `python -m sim ...` in a subprocess."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w
from helpers import cli

from sim.cli import default_folder
from sim.scenario.loader import read_toml

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "scenarios" / "dao_xa_2025.toml"


def assert_bad_input(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for needle in needles:
        assert needle in lines[0]


@pytest.fixture(scope="module")
def model() -> None:
    from sim.model import simulate  # noqa: F401  (the model must import: a failure, not a skip)


@pytest.fixture
def short_scenario(tmp_path: Path) -> Path:
    """The bundled scenario cut to 1–4 July 2025, for fast runs."""
    data = read_toml(BUNDLED)
    data["calendar"]["end"] = dt.date(2025, 7, 4)
    path = tmp_path / "short.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.usefixtures("model")
def test_run_writes_a_results_folder(tmp_path: Path) -> None:
    out = tmp_path / "res"
    proc = cli("run", BUNDLED, "--replications", "2", "--quiet", "--workers", "1", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {
        "scenario.toml",
        "meta.json",
        "summary.json",
        "replications.csv",
        "plots/wait_distribution.png",
        "plots/wait_by_hour.png",
        "plots/queue_by_hour.png",
        "plots/utilisation.png",
    } <= names
    assert "event_log.csv" not in names
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["replications"] == 2 and summary["scenario"] == "dao_xa_2025"
    assert summary["seed"] == 20250701  # the scenario's [run] seed
    meta = json.loads((out / "meta.json").read_text("utf-8"))
    assert "--replications" in meta["command_line"]


@pytest.mark.slow
@pytest.mark.usefixtures("model")
def test_run_prints_the_table_and_the_folder(short_scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "res"
    proc = cli(
        "run",
        short_scenario,
        "--replications",
        "2",
        "--seed",
        "5",
        "--workers",
        "1",
        "--out",
        out,
        "--event-log",
        "--lang",
        "en",
    )
    assert proc.returncode == 0, proc.stderr
    assert "wait_p90_min" in proc.stdout and "95% CI" in proc.stdout
    assert "Targets" in proc.stdout
    assert str(out) in proc.stdout.splitlines()[-1]
    assert (out / "event_log.csv").is_file()
    table = proc.stdout.splitlines()[:-1]  # the last line names the (long) temporary folder
    assert max(len(line) for line in table) <= 80


@pytest.mark.usefixtures("model")
def _in_order(text: str, *parts: str) -> None:
    """Each part occurs after the one before it."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not found after position {at}: {text[:at][-200:]!r}"
        at = found + len(part)


ENGLISH_WORDS = (
    "Targets",
    "mean",
    "replication",
    "Front office",
    "Back office",
    "Results written",
    "KPI",
    "CI ",
    "met",
    "undecided",
    "Scenario",
    "wait_",
    "dossiers",
    "seed",
    "Running",
)
"""English console words that must not survive in the Vietnamese output."""


@pytest.mark.slow
@pytest.mark.usefixtures("model")
def test_run_prints_the_answer_first_in_the_language_asked(short_scenario: Path, tmp_path: Path) -> None:
    en = cli(
        "run",
        short_scenario,
        "--replications",
        "2",
        "--workers",
        "1",
        "--lang",
        "en",
        "--out",
        tmp_path / "en",
    )
    assert en.returncode == 0, en.stderr
    assert en.stderr.startswith("Running 2 replications of dao_xa_2025")
    _in_order(
        en.stdout,
        "Scenario dao_xa_2025",
        "ANSWER",
        "Targets",
        "Headline KPIs",
        "on_time_rate",
        "FULL TABLE",
        "Front office",
        "visitors_arrived",
        "Back office (dossiers)",
        "Results written to",
    )
    assert en.stdout.count("wait_p90_min <= 15 min") == 1  # the targets are in the answer only

    vi = cli("run", short_scenario, "--replications", "2", "--workers", "1", "--out", tmp_path / "vi")
    assert vi.returncode == 0, vi.stderr
    assert vi.stderr.startswith("Đang mô phỏng 2 lần kịch bản dao_xa_2025")
    _in_order(
        vi.stdout,
        "Kịch bản dao_xa_2025",
        "TRẢ LỜI",
        "Mục tiêu",
        "Chỉ tiêu chính",
        "Tỷ lệ hồ sơ đúng hạn",
        "BẢNG ĐẦY ĐỦ",
        "Đón tiếp người dân tại quầy",
        "Lượt người dân đến",
        "Giải quyết hồ sơ",
        "Đã ghi kết quả vào",
    )
    text = vi.stdout.replace(str(tmp_path / "vi"), "").replace("dao_xa_2025", "")
    assert [w for w in ENGLISH_WORDS if w in text] == []
    assert re.search(r"\d,\d%", text) and not re.search(r"\d\.\d%", text)  # decimal comma
    assert max(len(line) for line in vi.stdout.splitlines()[:-1]) <= 80


def test_the_table_is_printed_before_the_folder_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Plots and the report take seconds: the answer must not wait for them."""
    from sim import cli as cli_module

    seen: list[str] = []

    def save(folder: Path) -> Path:
        seen.append(capsys.readouterr().out)
        return folder

    assert cli_module._save_and_print(save, "x", tmp_path / "x", False, lambda: "ANSWER ...", "en") == 0
    assert seen == ["ANSWER ...\n"]
    assert capsys.readouterr().out == f"\nResults written to {tmp_path / 'x'}\n"


@pytest.mark.slow
def test_default_folder_is_under_results(short_scenario: Path, tmp_path: Path) -> None:
    proc = cli("run", short_scenario, "--replications", "1", "--workers", "1", "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / proc.stdout.strip()
    assert folder.parent == tmp_path / "results"
    assert folder.name.startswith("dao_xa_2025-")
    assert (folder / "summary.json").is_file()


def test_default_folder_never_reuses_a_name(tmp_path: Path) -> None:
    now = dt.datetime(2025, 7, 1, 8, 30, 0)
    first = default_folder("x", now, tmp_path)
    assert first == tmp_path / "x-20250701-083000"
    first.mkdir()
    second = default_folder("x", now, tmp_path)
    assert second.name == "x-20250701-083000-2"
    second.mkdir()
    assert default_folder("x", now, tmp_path).name == "x-20250701-083000-3"


@pytest.mark.slow
def test_validate_ok() -> None:
    proc = cli("validate", BUNDLED)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"ok: {BUNDLED}"


@pytest.mark.slow
def test_validate_checks_every_file_and_reports_each(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\n", encoding="utf-8")
    proc = cli("validate", BUNDLED, bad, BUNDLED)
    assert_bad_input(proc, str(bad), "invalid TOML")
    assert proc.stdout.strip().splitlines() == [f"ok: {BUNDLED}", f"ok: {BUNDLED}"]


@pytest.mark.slow
def test_unknown_key_names_the_key_path(tmp_path: Path) -> None:
    data = read_toml(BUNDLED)
    data["staff"][2]["colour"] = "red"
    bad = tmp_path / "bad.toml"
    bad.write_text(tomli_w.dumps(data), encoding="utf-8")
    for command in ("run", "validate"):
        proc = cli(command, bad, "--out", tmp_path / "res") if command == "run" else cli(command, bad)
        assert_bad_input(proc, str(bad), "staff[2]", "colour")
    assert not (tmp_path / "res").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--replications", "0"], "--replications: must be a positive integer, got 0"),
        (["--replications", "two"], "--replications: must be a positive integer, got two"),
        (["--workers", "-1"], "--workers: must be a positive integer, got -1"),
        (["--workers", "1.5"], "--workers"),
        (["--seed", "-3"], "--seed: must be a non-negative integer"),
        (["--bogus"], "--bogus"),
    ],
)
def test_bad_flags_exit_2_without_traceback(flags: list[str], needle: str, tmp_path: Path) -> None:
    proc = cli("run", BUNDLED, *flags, "--out", tmp_path / "res")
    assert_bad_input(proc, needle)
    assert not (tmp_path / "res").exists()


@pytest.mark.slow
def test_missing_scenario_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert_bad_input(cli("run", missing, "--out", tmp_path / "res"), str(missing), "not found")
    assert_bad_input(cli("validate", missing), str(missing))


@pytest.mark.slow
def test_existing_out_folder_is_refused_and_untouched(tmp_path: Path) -> None:
    out = tmp_path / "res"
    out.mkdir()
    (out / "keep.txt").write_text("precious", encoding="utf-8")
    proc = cli("run", BUNDLED, "--replications", "1", "--out", out)
    assert_bad_input(proc, "--out", str(out), "already exists")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert (out / "keep.txt").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


@pytest.mark.slow
def test_no_command_exits_2() -> None:
    proc = cli()
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_help_texts() -> None:
    verify = cli("verify", "--help")
    assert verify.returncode == 0
    assert "95%" in verify.stdout and "%%" not in verify.stdout
    run = cli("run", "--help")
    assert run.returncode == 0
    assert "replications.csv, plots/, report.html)" in " ".join(run.stdout.split())  # the folder
    assert "%%" not in run.stdout
    compare = cli("compare", "--help")
    assert "report.html" in compare.stdout and "±5%" in compare.stdout and "%%" not in compare.stdout
    for text in (run.stdout, compare.stdout):
        assert "printed answer" in " ".join(text.split())  # --lang covers the console too


def test_the_test_extras_can_run_the_notebooks_as_the_readme_says() -> None:
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["optional-dependencies"]
    names = {req.split(">")[0].split("[")[0].strip() for req in extras["test"]}
    assert {"nbconvert", "nbclient", "ipykernel"} <= names
    assert "jupyter nbconvert" in (ROOT / "README.md").read_text("utf-8")


@pytest.mark.slow
def test_the_first_console_line_needs_no_scipy_pandas_or_matplotlib() -> None:
    """The 'running…' line is printed before the model loads; what it imports decides how soon
    (scipy.stats alone took 1.2 s), so those imports are checked rather than a time."""
    code = (
        "import sys; import sim.cli, sim.report.i18n; "
        "print(sorted(m for m in ('scipy', 'pandas', 'matplotlib') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
