"""Everyday use of the command line: one lint summary line in build/check/verify (the list with
-v), -q on every command, the config found from the specs upward, one option name per concept
(old spellings still work, with a notice), help text on every option, `init` that refuses to
join existing specs, and a warning for a spec set without tables."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from schemac.cli import cli

HEADER = "spec_type: database-schema\ntitle: Test\n"

#: one warning (SC202), one info (SC310: pgcrypto is not needed on 16)
WARNS = """
database: {engine: postgresql, version: 16}
extensions: [pgcrypto]
tables:
  orders:
    description: Customer orders.
    traits: [standard]
    columns:
      paid_at: timestamptz
      notes: varchar
"""
#: one error (SC204) and one warning (SC202)
FAILS = """
tables:
  orders:
    description: Customer orders.
    traits: [standard]
    columns:
      paid_at: timestamp
      notes: varchar
"""
NO_TABLES = """
enums:
  colour: {values: [red, green], description: Colours.}
"""


def spec(directory: Path, body: str, name: str = "orders.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(HEADER + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return directory


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def tree(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def lint_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("lint:")]


# 1. one summary line of lint findings


def test_build_prints_one_lint_summary_line_and_the_list_with_verbose(tmp_path: Path) -> None:
    specs = spec(tmp_path / "specs", WARNS)
    result = run("build", str(specs), "-m", str(tmp_path / "m"))
    assert result.exit_code == 0, result.stderr
    assert lint_lines(result.stderr) == [
        f"lint: 1 warning (schemac lint {specs} for details, or -v)"
    ]
    assert "SC202" not in result.stderr and "SC310" not in result.stderr
    verbose = run("build", str(specs), "-m", str(tmp_path / "m2"), "-v")
    assert verbose.exit_code == 0, verbose.stderr
    assert "SC202 warning: 'orders.notes' is varchar without a length" in verbose.stderr
    assert "SC310" not in verbose.stderr  # infos only in `schemac lint`
    assert lint_lines(verbose.stderr) == ["lint: 1 warning"]
    assert "SC310 info" in run("lint", str(specs)).stdout


def test_lint_errors_still_refuse_the_build_and_fail_check(tmp_path: Path) -> None:
    specs = spec(tmp_path / "specs", FAILS)
    result = run("build", str(specs), "-m", str(tmp_path / "m"))
    assert result.exit_code == 1
    assert lint_lines(result.stderr) == [
        f"lint: 1 error, 1 warning (schemac lint {specs} for details, or -v)"
    ]
    assert "SC204" not in result.stderr and "build is refused" in result.stderr
    assert not (tmp_path / "m").exists()
    assert run("build", str(specs), "-m", str(tmp_path / "m"), "--no-lint").exit_code == 0
    check = run("check", str(specs), "-m", str(tmp_path / "m"))
    assert check.exit_code == 1
    assert lint_lines(check.stderr) == [
        f"lint: 1 error, 1 warning (schemac lint {specs} for details, or -v)"
    ]
    assert "SC204 error" in run("check", str(specs), "-m", str(tmp_path / "m"), "-v").stderr


@pytest.mark.postgres
def test_verify_prints_the_lint_summary_line(pg_backend: Any, tmp_path: Path) -> None:
    specs = spec(tmp_path / "specs", WARNS)
    assert run("build", str(specs), "-m", str(tmp_path / "m")).exit_code == 0
    env = {"SCHEMAC_DATABASE_URL": pg_backend.admin_conninfo}
    args = ["verify", str(specs), "-m", str(tmp_path / "m"), "--backend", "url"]
    result = run(*args, env=env)
    assert result.exit_code == 0, result.stderr
    assert lint_lines(result.stderr) == [
        f"lint: 1 warning (schemac lint {specs} for details, or -v)"
    ]
    quiet = run(*args, "-q", env=env)
    assert quiet.exit_code == 0 and lint_lines(quiet.stderr) == []


# 2. --quiet


def test_quiet_prints_only_errors_and_keeps_exit_codes(tmp_path: Path) -> None:
    specs = spec(tmp_path / "specs", WARNS)
    out = tmp_path / "m"
    built = run("build", str(specs), "-m", str(out), "-q")
    assert (built.exit_code, built.stdout, built.stderr) == (0, "", "")
    assert (out / "schemac.sum").is_file()
    checked = run("check", str(specs), "-m", str(out), "--quiet")
    assert (checked.exit_code, checked.stdout, checked.stderr) == (0, "", "")
    again = run("build", str(specs), "-m", str(out), "-q")
    assert (again.exit_code, again.stdout) == (0, "")
    failing = spec(tmp_path / "bad", FAILS)
    lint = run("lint", str(failing), "-q")
    assert lint.exit_code == 1
    assert "SC204 error" in lint.stdout and "SC202" not in lint.stdout
    assert "Found" not in lint.stdout
    refused = run("build", str(failing), "-m", str(tmp_path / "m2"), "-q")
    assert refused.exit_code == 1 and "error: lint found errors" in refused.stderr


def test_quiet_and_verbose_exclude_each_other(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["lint", str(spec(tmp_path / "s", WARNS)), "-q", "-v"])
    assert result.exit_code == 2 and "exclude each other" in result.stderr


def commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(cli)
    found = []
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert command is not None
        found.append((name, command))
    return found


@pytest.mark.parametrize(("name", "command"), commands())
def test_every_command_has_quiet_and_verbose(name: str, command: click.Command) -> None:
    flags = {opt for p in command.params for opt in p.opts}
    assert {"-q", "--quiet", "-v", "--verbose"} <= flags, name
    assert "--quiet" in run(name, "--help").stdout


# 3. configuration discovery


def layout_of(out: Path) -> str:
    names = {p.name for p in out.iterdir()}
    return "dbmate" if "0001_initial_schema.sql" in names else "flyway"


def test_config_is_found_from_the_specs_directory_upward(tmp_path: Path) -> None:
    project = tmp_path / "project"
    specs = spec(project / "db" / "specs", WARNS)
    (project / "schemac.toml").write_text('format = "dbmate"\n', encoding="utf-8")
    result = run("build", str(specs), "-m", str(tmp_path / "m"), "-v")
    assert result.exit_code == 0, result.stderr
    assert layout_of(tmp_path / "m") == "dbmate"
    assert f"config: using {project / 'schemac.toml'}" in result.stderr
    # the nearest config wins
    (project / "db" / "pyproject.toml").write_text(
        '[tool.schemac]\nformat = "flyway"\n', encoding="utf-8"
    )
    assert run("build", str(specs), "-m", str(tmp_path / "n")).exit_code == 0
    assert layout_of(tmp_path / "n") == "flyway"


def test_a_pyproject_without_tool_schemac_is_passed_over(tmp_path: Path) -> None:
    project = tmp_path / "project"
    specs = spec(project / "specs", WARNS)
    (project / "schemac.toml").write_text('format = "dbmate"\n', encoding="utf-8")
    (project / "specs" / "pyproject.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    assert run("build", str(specs), "-m", str(tmp_path / "m")).exit_code == 0
    assert layout_of(tmp_path / "m") == "dbmate"


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "schemac.toml").write_text('format = "dbmate"\n', encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    specs = spec(repo / "specs", WARNS)
    result = run("build", str(specs), "-m", str(tmp_path / "m"), "-v")
    assert result.exit_code == 0, result.stderr
    assert layout_of(tmp_path / "m") == "flyway"
    assert "config: no config file found, using the defaults" in result.stderr


def test_the_working_directory_is_the_fallback_and_config_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    specs = spec(repo / "specs", WARNS)
    work = tmp_path / "work"
    work.mkdir()
    (work / "schemac.toml").write_text('format = "dbmate"\n', encoding="utf-8")
    monkeypatch.chdir(work)
    assert run("build", str(specs), "-m", "m").exit_code == 0
    assert layout_of(work / "m") == "dbmate"
    # an explicit --config wins, whatever its file name
    other = tmp_path / "custom.toml"
    other.write_text('[tool.schemac]\nformat = "golang-migrate"\n', encoding="utf-8")
    result = run("build", str(specs), "-m", "g", "--config", str(other), "-v")
    assert result.exit_code == 0, result.stderr
    assert {p.name for p in (work / "g").iterdir()} >= {"0001_initial_schema.up.sql"}
    assert f"config: using {other}" in result.stderr


def test_lint_reads_the_discovered_config(tmp_path: Path) -> None:
    project = tmp_path / "project"
    specs = spec(project / "specs", FAILS)
    (project / "schemac.toml").write_text('[lint]\nignore = ["SC204"]\n', encoding="utf-8")
    assert run("lint", str(specs)).exit_code == 0
    assert "1 error" not in run("check", str(specs), "-m", str(tmp_path / "m")).stderr


# 4. option names and help


def test_layout_is_one_name_and_format_a_deprecated_alias(tmp_path: Path) -> None:
    specs = spec(tmp_path / "specs", WARNS)
    new = run("build", str(specs), "-m", str(tmp_path / "a"), "--layout", "dbmate")
    assert new.exit_code == 0 and "deprecated" not in new.stderr
    assert layout_of(tmp_path / "a") == "dbmate"
    old = run("build", str(specs), "-m", str(tmp_path / "b"), "--format", "dbmate")
    assert old.exit_code == 0
    assert layout_of(tmp_path / "b") == "dbmate"
    notices = [line for line in old.stderr.splitlines() if "deprecated" in line]
    assert notices == ["warning: --format is deprecated, use --layout"]
    help_text = run("build", "--help").stdout
    assert "--layout" in help_text and "--format" not in help_text
    # the same layout option on every command that reads or writes migrations
    for name in ("build", "plan", "check", "verify", "new", "hash", "import"):
        assert "--layout [flyway|golang-migrate|dbmate]" in run(name, "--help").stdout, name
    made = run("new", "backfill", "-m", str(tmp_path / "a"), "--format", "dbmate")
    assert made.exit_code == 0 and "--format is deprecated" in made.stderr


def test_migrations_directory_is_m_everywhere() -> None:
    for name in ("plan", "check", "verify", "new", "hash"):
        assert "-m, --migrations PATH" in run(name, "--help").stdout, name
    # build writes there: -o/--out stay its short spelling of the same option
    assert "-m, -o, --migrations, --out PATH" in run("build", "--help").stdout


@pytest.mark.parametrize(("name", "command"), commands())
def test_every_option_and_argument_has_help(name: str, command: click.Command) -> None:
    for param in command.params:
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"{name} {param.opts[0]} has no help text"
        else:
            # click arguments have no help: the command's docstring explains them
            assert param.name is not None
            assert (param.name.upper()) in (command.help or ""), f"{name} {param.name}"
    assert (command.help or "").strip(), name


def test_the_group_options_have_help() -> None:
    for param in cli.params:
        assert isinstance(param, click.Option) and (param.help or "").strip(), param.opts


# 5. init refuses to join existing specs


def test_init_refuses_a_directory_that_holds_specs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    spec(tmp_path / "specs", WARNS)
    spec(tmp_path / "specs", WARNS, "billing.yaml")
    before = tree(tmp_path)
    result = run("init")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        "error: specs/billing.yaml is a spec already: the starter's tables (tenants, users) "
        "would join its schema",
        "error: specs/orders.yaml is a spec already: the starter's tables (tenants, users) "
        "would join its schema",
    ]
    assert "help: " in result.stderr and "nothing was written" in result.stderr
    assert tree(tmp_path) == before


def test_init_refuses_its_own_file_and_a_config_with_other_specs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init", "first").exit_code == 0
    before = tree(tmp_path)
    again = run("init", "first")
    assert again.exit_code == 2
    assert "error: first/identity.md already exists" in again.stderr
    (tmp_path / "schemac.toml").write_text('specs = "first"\n', encoding="utf-8")
    before = tree(tmp_path)
    second = run("init", "second")
    assert second.exit_code == 2
    assert "error: schemac.toml sets specs = 'first', which holds specs already" in second.stderr
    assert tree(tmp_path) == before
    assert run("init", "first/../empty").exit_code == 2  # still a second spec set
    (tmp_path / "schemac.toml").write_text('specs = "third"\n', encoding="utf-8")
    made = run("init", "third", "-q")
    assert made.exit_code == 0 and made.stdout == "wrote third/identity.md\n"


# 6. a spec set without tables


@pytest.mark.parametrize("command", ["build", "lint", "check"])
def test_no_tables_warns_with_the_path(tmp_path: Path, command: str) -> None:
    specs = spec(tmp_path / "specs", NO_TABLES)
    extra = [] if command == "lint" else ["-m", str(tmp_path / "m")]
    result = run(command, str(specs), *extra)
    warnings = [line for line in result.stderr.splitlines() if "no tables" in line]
    assert warnings == [
        f"warning: {specs}: the specs define no tables (is this the specs directory?)"
    ]
    assert run(command, str(specs), *extra, "-q").stderr.count("no tables") == 0
    with_tables = run(command, str(spec(tmp_path / "other", WARNS)), *extra)
    assert "no tables" not in with_tables.stderr


def test_an_explicit_config_of_another_name_takes_top_level_keys(tmp_path: Path) -> None:
    specs = spec(tmp_path / "specs", WARNS)
    (tmp_path / "ci.toml").write_text('format = "dbmate"\n', encoding="utf-8")
    args = ["build", str(specs), "-m", str(tmp_path / "m"), "--config", str(tmp_path / "ci.toml")]
    assert run(*args).exit_code == 0
    assert layout_of(tmp_path / "m") == "dbmate"
    (tmp_path / "bad.toml").write_text('formatt = "dbmate"\n', encoding="utf-8")
    bad = run("build", str(specs), "--config", str(tmp_path / "bad.toml"))
    assert bad.exit_code == 2 and "did you mean" in bad.stderr
