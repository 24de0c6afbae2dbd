"""Loading untrusted scenario files: every bad input is one clear `ScenarioError` (exit 2 on the
command line), never a traceback, a hang or an echo of a file that is not a scenario.

Classes of input: files that are not regular TOML files, `extends` chains (length, loops, folders
a scenario may reach), files that are not scenarios, errors in a parent file, quoted dates,
variant names derived from file names, and `validate` with several files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import helpers
import pytest
from helpers import ROOT

from sim.scenario import ScenarioError, load_scenario

BUNDLED_DIR = (ROOT / "scenarios").resolve()
BASE = BUNDLED_DIR / "dao_xa_2025.toml"
NOT_REGULAR = "is not a regular file (a device, pipe or socket); expected a scenario file (.toml text)"
TOO_DEEP = (
    "nests arrays or tables too deeply; a scenario nests them only a few levels (e.g. staff[0].leave[0])"
)
TOML_HINT = (
    "; a scenario file is TOML text (key = value lines under [table] headers, see docs/scenario_format.md)"
)
NOT_A_SCENARIO = (
    "is TOML but not a scenario: it has none of the top-level keys a scenario has "
    "(back_office, calendar, costs, demand, equipment, extends, fields, online, policies, "
    "procedures, run, scenario, staff, support_team, targets)"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def base_text() -> str:
    return BASE.read_text(encoding="utf-8")


def error_of(path: Path, **kwargs: object) -> str:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, **kwargs)  # type: ignore[arg-type]
    return str(err.value)


def cli(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # The short timeout only turns a hang (a pipe opened without a writer) into a failure.
    return helpers.cli(*args, cwd=cwd, timeout=60)


def assert_one_error_line(proc: subprocess.CompletedProcess[str], expected: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [f"error: {expected}"]
    assert proc.stdout == ""


@contextmanager
def writer_for(fifo: Path) -> Iterator[None]:
    """A writer that opens `fifo` and closes it at once, so a loader that opens the pipe gets an
    empty file instead of hanging; released at the end if the loader never opened it."""
    thread = threading.Thread(target=lambda: open(fifo, "wb").close(), daemon=True)
    thread.start()
    try:
        yield
    finally:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        thread.join()
        os.close(fd)


# ----- files that are not regular TOML files ---------------------------------------------------


def _symlink_loop(tmp: Path) -> tuple[Path, str]:
    (tmp / "a.toml").symlink_to(tmp / "b.toml")
    (tmp / "b.toml").symlink_to(tmp / "a.toml")
    return tmp / "a.toml", f"{tmp / 'a.toml'}: is a symbolic link loop; name the file itself"


def _extends_symlink_loop(tmp: Path) -> tuple[Path, str]:
    _symlink_loop(tmp)
    v = write(tmp / "v.toml", 'extends = "a.toml"\n')
    return v, (
        f"{v}: extends: parent scenario 'a.toml' is a symbolic link loop; name the scenario file itself"
    )


def _folder(tmp: Path) -> tuple[Path, str]:
    (tmp / "dir.toml").mkdir()
    return tmp / "dir.toml", f"{tmp / 'dir.toml'}: is a folder, not a scenario file (.toml text)"


def _dev_zero(tmp: Path) -> tuple[Path, str]:
    return Path("/dev/zero"), f"/dev/zero: {NOT_REGULAR}"


def _too_large(tmp: Path) -> tuple[Path, str]:
    big = write(tmp / "big.toml", "# a comment line of a large file\n" * 40_000)  # 1.3 MB
    return big, f"{big}: is larger than 1 MiB, the most allowed for a scenario file (.toml text)"


def _deep_array(tmp: Path) -> tuple[Path, str]:
    deep = write(tmp / "deep.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    return deep, f"{deep}: {TOO_DEEP}"


def _deep_table(tmp: Path) -> tuple[Path, str]:
    deep = write(tmp / "deep.toml", "a = " + "{ b = " * 10_000 + "1" + " }" * 10_000 + "\n")
    return deep, f"{deep}: {TOO_DEEP}"


def _long_chain(tmp: Path) -> tuple[Path, str]:
    shutil.copy(BASE, tmp / "v0.toml")
    for i in range(1, 1500):
        write(tmp / f"v{i}.toml", f'extends = "v{i - 1}.toml"\n')
    return tmp / "v1499.toml", (
        f"{tmp.resolve() / 'v1479.toml'}: extends: the chain of files extending each other (from "
        "v1499.toml) is longer than 20; a variant may be at most 20 `extends` steps from its "
        "furthest parent"
    )


@pytest.mark.parametrize(
    "make",
    [
        _symlink_loop,
        _extends_symlink_loop,
        _folder,
        _dev_zero,
        _too_large,
        _deep_array,
        _deep_table,
        _long_chain,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_files_that_are_not_regular_toml_are_refused(
    tmp_path: Path, make: Callable[[Path], tuple[Path, str]]
) -> None:
    path, expected = make(tmp_path)
    assert error_of(path) == expected


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with writer_for(fifo):
        assert error_of(fifo) == f"{fifo}: {NOT_REGULAR}"


def test_a_chain_of_twenty_extends_steps_still_loads(tmp_path: Path) -> None:
    shutil.copy(BASE, tmp_path / "v0.toml")
    for i in range(1, 21):
        write(tmp_path / f"v{i}.toml", f'extends = "v{i - 1}.toml"\n')
    assert load_scenario(tmp_path / "v20.toml").name == "v20"


@pytest.mark.slow
def test_cli_refuses_a_named_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with writer_for(fifo):
        assert_one_error_line(cli("validate", fifo), f"{fifo}: {NOT_REGULAR}")


# ----- where `extends` may reach -----------------------------------------------------------------


def _outside_message(v: Path, parent: str, *roots: Path) -> str:
    shown = ", ".join(str(r) for r in (*roots, BUNDLED_DIR))
    return (
        f"{v}: extends: parent scenario {parent!r} is outside the folders scenarios may extend "
        f"from ({shown}); keep the parent in the loaded file's folder (or below it) or name "
        "its folder with --scenario-root DIR"
    )


@pytest.fixture
def communes(tmp_path: Path) -> Path:
    """tmp/shared/base.toml (a full scenario) and an empty tmp/commune/ folder."""
    shutil.copy(BASE, write(tmp_path / "shared" / "base.toml", "").parent / "base.toml")
    (tmp_path / "commune").mkdir()
    return tmp_path.resolve()


@pytest.mark.parametrize(
    ("parent", "link"),
    [
        ("/etc/passwd", False),
        ("../../../../../../../../etc/hostname", False),
        ("../shared/base.toml", False),
        ("base_link.toml", True),  # a link inside the folder to a file outside it
    ],
)
def test_extends_outside_the_scenario_folder_is_refused(communes: Path, parent: str, link: bool) -> None:
    if link:
        (communes / "commune" / "base_link.toml").symlink_to(communes / "shared" / "base.toml")
    v = write(communes / "commune" / "v.toml", f'extends = "{parent}"\n')
    assert error_of(v) == _outside_message(v, parent, communes / "commune")


@pytest.mark.parametrize(
    ("extends", "problem"),
    [
        (
            "a\\u0000b.toml",
            'must be the path of the parent scenario file, e.g. "dao_xa_2025.toml" (relative to this file)',
        ),
        ("x" * 5000, f"parent scenario {'x' * 77!r}... cannot be read: File name too long"),
        ("", 'must be the path of the parent scenario file, e.g. "dao_xa_2025.toml" (relative to this file)'),
    ],
)
def test_an_unusable_extends_path_is_refused(tmp_path: Path, extends: str, problem: str) -> None:
    v = write(tmp_path / "v.toml", f'extends = "{extends}"\n')
    assert error_of(v) == f"{v}: extends: {problem}"


def test_a_file_name_with_a_nul_is_refused(tmp_path: Path) -> None:
    assert error_of(tmp_path / "a\0b.toml") == f"{tmp_path / 'a'}\0b.toml: is not a valid file name"


def test_a_named_scenario_root_allows_its_files(communes: Path) -> None:
    v = write(communes / "commune" / "v.toml", 'extends = "../shared/base.toml"\n')
    assert load_scenario(v, scenario_root=communes / "shared").name == "v"
    assert error_of(v, scenario_root=communes / "elsewhere") == (
        f"{communes / 'elsewhere'}: is not a folder; the scenario root must be an existing folder "
        "holding the files that scenarios may extend"
    )


def test_the_loaded_files_folder_tree_is_allowed_all_along_the_chain(tmp_path: Path) -> None:
    shutil.copy(BASE, tmp_path / "base.toml")
    write(tmp_path / "sub" / "mid.toml", 'extends = "../base.toml"\n')
    top = write(tmp_path / "top.toml", 'extends = "sub/mid.toml"\n[scenario]\nname = "top"\n')
    assert load_scenario(top).name == "top"
    # loaded from sub/, base.toml is outside: the root is the folder of the file loaded
    assert error_of(tmp_path / "sub" / "mid.toml") == _outside_message(
        tmp_path / "sub" / "mid.toml", "../base.toml", tmp_path.resolve() / "sub"
    )


def test_every_bundled_scenario_loads_within_its_folder() -> None:
    for path in sorted(BUNDLED_DIR.glob("*.toml")):
        assert load_scenario(path).name


@pytest.mark.slow
def test_cli_refuses_extends_outside(communes: Path) -> None:
    v = write(communes / "commune" / "v.toml", 'extends = "../shared/base.toml"\n')
    assert_one_error_line(
        cli("validate", v), _outside_message(v, "../shared/base.toml", communes / "commune")
    )


@pytest.mark.slow
def test_cli_takes_scenario_root(communes: Path) -> None:
    v = write(communes / "commune" / "v.toml", 'extends = "../shared/base.toml"\n')
    ok = cli("validate", "--scenario-root", communes / "shared", v)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, f"ok: {v}\n", "")


@pytest.mark.slow
def test_cli_refuses_a_scenario_root_that_is_not_a_folder(communes: Path) -> None:
    v = write(communes / "commune" / "v.toml", 'extends = "../shared/base.toml"\n')
    bad_root = cli("run", v, "--scenario-root", communes / "nowhere", "--out", communes / "res")
    assert_one_error_line(
        bad_root,
        f"--scenario-root: {communes / 'nowhere'} is not a folder; name "
        "an existing folder holding the files that scenarios may extend",
    )
    assert not (communes / "res").exists()


@pytest.mark.slow
def test_cli_compare_refuses_extends_outside(communes: Path) -> None:
    alt = write(communes / "commune" / "alt.toml", 'extends = "../shared/base.toml"\n')
    proc = cli("compare", BASE, alt, "--replications", "2", "--out", communes / "res")
    assert_one_error_line(proc, _outside_message(alt, "../shared/base.toml", communes / "commune"))
    assert not (communes / "res").exists()


@pytest.mark.slow
def test_cli_compare_passes_the_scenario_root_on(communes: Path) -> None:
    bad = write(communes / "shared" / "bad.toml", 'extends = "base.toml"\n[run]\nseed = -1\n')
    alt = write(communes / "commune" / "alt.toml", 'extends = "../shared/bad.toml"\n')
    proc = cli(
        "compare",
        BASE,
        alt,
        "--replications",
        "2",
        "--out",
        communes / "res",
        "--scenario-root",
        communes / "shared",
    )  # the parent is found, and its error named
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"error: {bad}: run.seed: ") and line.endswith(f"(inherited by {alt})")
    assert not (communes / "res").exists()


# ----- files that are not scenarios: refused without quoting them --------------------------------

SECRET = "s3cr3t-Pa55"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (f'[project]\nname = "x"\n[tool.deploy]\ntoken = "{SECRET}"\n', NOT_A_SCENARIO),
        (
            f"root:x:0:0:{SECRET}:/root:/bin/bash\n",
            "invalid TOML at line 1, column 5 (expected '=' after a key in a key/value pair)" + TOML_HINT,
        ),
        (
            f"[{SECRET}]\n[{SECRET}]\n",
            "invalid TOML at line 2, column 13 (a key or table is defined twice)" + TOML_HINT,
        ),
        (
            f"{SECRET} = {{ a = 1, a = 2 }}\n",
            "invalid TOML at line 1, column 29 (a key appears twice in an inline table)" + TOML_HINT,
        ),
        (
            f'x = "{SECRET}\x01"\n',
            "invalid TOML at line 1, column 17 (a character that is not allowed there)" + TOML_HINT,
        ),
        (f'x = "{SECRET}', "invalid TOML at the end of the file (unterminated string)" + TOML_HINT),
    ],
)
def test_a_file_that_is_not_a_scenario_is_not_quoted(tmp_path: Path, text: str, problem: str) -> None:
    f = write(tmp_path / "other.toml", text)
    assert error_of(f) == f"{f}: {problem}"
    v = write(tmp_path / "v.toml", 'extends = "other.toml"\n')
    assert error_of(v) == f"{tmp_path.resolve() / 'other.toml'}: {problem}"


def test_a_binary_file_is_not_quoted(tmp_path: Path) -> None:
    f = tmp_path / "bin.toml"
    f.write_bytes(b"\xff\xfe" + SECRET.encode())
    assert error_of(f) == f"{f}: is not UTF-8 text; a scenario file is a TOML text file saved as UTF-8"


@pytest.mark.parametrize(
    ("edit", "key", "problem"),
    [
        (
            'policies = [{ a = "' + SECRET + '" }, 2, 3]\n',
            "policies",
            "this should be a table ([section] or { key = value, ... }) (got an array of 3 values)",
        ),
        (
            '\n[demand.purposes.enquiry]\nservice_min = [{ a = "' + SECRET + '" }]\n',
            "demand.purposes.enquiry.service_min",
            'a distribution is written as a table, e.g. { dist = "lognormal", mean = 6.0, cv = 0.5 } '
            "(got an array of 1 values)",
        ),
        (
            '\n[support_team]\nmembers = "' + SECRET * 10 + '"\n',
            "support_team.members",
            "Input should be a valid integer (got "
            "'s3cr3t-Pa55s3cr3t-Pa55s3cr3t-Pa55s3cr3t-Pa55s3cr3t-Pa55s...)",
        ),
    ],
)
def test_bad_values_are_shown_short(tmp_path: Path, edit: str, key: str, problem: str) -> None:
    shutil.copy(BASE, tmp_path / "base.toml")
    v = write(tmp_path / "v.toml", 'extends = "base.toml"\n' + edit)
    with pytest.raises(ScenarioError) as err:
        load_scenario(v)
    assert (err.value.key, err.value.message) == (key, problem)
    assert SECRET * 6 not in str(err.value) and "{'a'" not in str(err.value)


@pytest.mark.slow
def test_cli_does_not_quote_a_pyproject(tmp_path: Path) -> None:
    f = write(tmp_path / "pyproject.toml", f'[tool.deploy]\ntoken = "{SECRET}"\n')
    assert_one_error_line(cli("validate", f), f"{f}: {NOT_A_SCENARIO}")


# ----- an error in a parent names the parent --------------------------------------------------


def _set(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.fixture
def family(tmp_path: Path) -> Path:
    """tmp/grand.toml (the bundled base), tmp/parent.toml extending it."""
    shutil.copy(BASE, tmp_path / "grand.toml")
    write(tmp_path / "parent.toml", 'extends = "grand.toml"\n[scenario]\nname = "parent"\n')
    return tmp_path.resolve()


BAD_CLOSING = ('closing_rule = "serve_all"', 'closing_rule = "whenever"')
BAD_ROLE = ('id = "spec_social"\nrole = "specialist"', 'id = "spec_social"\nrole = "wizard"')


@pytest.mark.parametrize(
    ("grand_edit", "child_text", "file", "key"),
    [
        # a key the grandparent supplied, inherited through parent.toml
        (BAD_CLOSING, "", "grand.toml", "policies.closing_rule"),
        # a staff entry the child changes in another key still has its bad role from the grandparent
        (BAD_ROLE, '[[staff]]\nid = "spec_social"\ncounter_share = 0.3\n', "grand.toml", "staff[5].role"),
        # after the child removes an earlier entry, indices shift and the bad role is found all the same
        (BAD_ROLE, '[[staff]]\nid = "spec_cert"\nremove = true\n', "grand.toml", "staff[4].role"),
        # a bad value the child writes names the child
        (None, '[policies]\nclosing_rule = "whenever"\n', "child.toml", "policies.closing_rule"),
        (
            None,
            '[[staff]]\nid = "extra"\nrole = "wizard"\nfields = ["land"]\ncounter = 9\n',
            "child.toml",
            "staff[7].role",
        ),
        # a broken reference in the grandparent (a staff field that is not defined)
        (('fields = ["land"]', 'fields = ["lands"]'), "", "grand.toml", "staff[4].fields[0]"),
    ],
)
def test_an_error_names_the_file_where_the_bad_line_is(
    family: Path, grand_edit: tuple[str, str] | None, child_text: str, file: str, key: str
) -> None:
    if grand_edit:
        write(family / "grand.toml", _set(base_text(), *grand_edit))
    child = write(family / "child.toml", 'extends = "parent.toml"\n' + child_text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert (err.value.source, err.value.key) == (str(family / file), key)
    inherited = err.value.message.endswith(f" (inherited by {child})")
    assert inherited == (file != "child.toml")


def test_a_syntax_error_in_a_parent_names_the_parent(family: Path) -> None:
    write(family / "parent.toml", 'extends = "grand.toml"\n[scenario\n')
    child = write(family / "child.toml", 'extends = "parent.toml"\n')
    assert error_of(child) == (
        f"{family / 'parent.toml'}: invalid TOML at line 2, column 10 "
        f"(expected ']' at the end of a table declaration){TOML_HINT}"
    )


@pytest.mark.slow
def test_cli_names_the_parent(family: Path) -> None:
    write(family / "grand.toml", _set(base_text(), *BAD_CLOSING))
    child = write(family / "child.toml", 'extends = "parent.toml"\n')
    proc = cli("validate", child)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"error: {family / 'grand.toml'}: policies.closing_rule: ")
    assert line.endswith(f" (inherited by {child})")


# ----- quoted dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "start = 2025-07-01",
            'start = "2025-07-01"',
            "calendar.start: a TOML date is written without "
            'quotes: start = 2025-07-01, not start = "2025-07-01"',
        ),
        (
            "end = 2025-08-25",
            'end = "2025-08-25"',
            'calendar.end: a TOML date is written without quotes: end = 2025-08-25, not end = "2025-08-25"',
        ),
        (
            "start = 2025-07-01",
            'start = "1 July"',
            "calendar.start: Input should be a valid date; write "
            "a date as YYYY-MM-DD, e.g. 2025-07-01 (got '1 July')",
        ),
    ],
)
def test_a_quoted_date_says_to_drop_the_quotes(tmp_path: Path, old: str, new: str, expected: str) -> None:
    f = write(tmp_path / "s.toml", _set(base_text(), f"\n{old}", f"\n{new}"))
    assert error_of(f) == f"{f}: {expected}"


@pytest.mark.slow
def test_cli_quoted_date(tmp_path: Path) -> None:
    f = write(tmp_path / "s.toml", _set(base_text(), "\nstart = 2025-07-01", '\nstart = "2025-07-01"'))
    assert_one_error_line(
        cli("validate", f),
        f"{f}: calendar.start: a TOML date is written "
        'without quotes: start = 2025-07-01, not start = "2025-07-01"',
    )


# ----- a variant's name from its file name ------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "name"),
    [
        ("dao.v2.toml", "dao_v2"),
        ("Đào Xá 2025 (thử).toml", "dao_xa_2025_thu"),
        ("-.toml", "scenario"),
        ("x" * 80 + ".toml", "x" * 64),
    ],
)
def test_a_variant_without_a_name_gets_a_valid_id(tmp_path: Path, file: str, name: str) -> None:
    shutil.copy(BASE, tmp_path / "base.toml")
    v = write(tmp_path / file, 'extends = "base.toml"\n')
    assert load_scenario(v).name == name


@pytest.mark.slow
def test_cli_validates_a_dotted_variant_name(tmp_path: Path) -> None:
    shutil.copy(BASE, tmp_path / "base.toml")
    v = write(tmp_path / "dao.v2.toml", 'extends = "base.toml"\n')
    proc = cli("validate", v)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"ok: {v}\n", "")


# ----- validate checks every file ----------------------------------------------------------------


@pytest.mark.slow
def test_validate_reports_every_file(tmp_path: Path) -> None:
    bad1 = write(tmp_path / "bad1.toml", "[scenario\n")
    bad2 = write(tmp_path / "bad2.toml", 'extends = "/etc/passwd"\n')
    proc = cli("validate", BASE, bad1, BASE, bad2)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stdout.splitlines() == [f"ok: {BASE}", f"ok: {BASE}"]
    assert proc.stderr.splitlines() == [
        f"error: {bad1}: invalid TOML at line 1, column 10 (expected ']' at the end of a table "
        f"declaration){TOML_HINT}",
        f"error: {_outside_message(bad2, '/etc/passwd', tmp_path.resolve())}",
    ]


@pytest.mark.slow
def test_validate_passes_when_every_file_is_valid() -> None:
    proc = cli("validate", BASE, BASE)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"ok: {BASE}\nok: {BASE}\n", "")


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Notepad on Windows saves UTF-8 with a byte-order mark; the scenario must still load."""
    text = (ROOT / "scenarios" / "dao_xa_2025.toml").read_text(encoding="utf-8")
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_scenario(path).name == "dao_xa_2025"
