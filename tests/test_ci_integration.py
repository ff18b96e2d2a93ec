"""CI integration: the composite GitHub Action (action.yml), the pre-commit hooks, the example
GitHub and GitLab workflows, and the formats they consume (SARIF 2.1.0, GitLab Code Quality,
the Markdown plan).

The action is not only parsed: `LocalRunner` runs its `run:` scripts the way the runner does
(`bash --noprofile --norc -eo pipefail`, GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY files,
step `if:` conditions, `env:` expressions), on a git project whose pull request adds migrations,
against the real throwaway PostgreSQL. Steps that are GitHub's own (`uses:`) are recorded with
their evaluated `with:` instead of run, and `python -m pip` is answered by a shim that only
records what would be installed. An expression the runner does not know fails the test, so the
action can only reference inputs and steps that exist.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from schemac.cli import cli
from schemac.diagnostics import Diagnostic, Severity
from schemac.plan_output import plan_markdown
from schemac.report import checkout_root, render_gitlab, render_sarif
from schemac.source import Span
from schemac.verify.local import find_pg_bin
from tests.helpers import no_postgresql
from tests.markdown_referee import cell_text, headings, markdown_tokens, tables, walk
from tests.referees import need_tool

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
GITHUB_EXAMPLE = ROOT / "examples" / "ci" / "github-workflow.yml"
GITLAB_EXAMPLE = ROOT / "examples" / "ci" / "gitlab-ci.yml"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
VENV_BIN = Path(sys.executable).parent
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}
TIMEOUT_S = 600

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CONDITION = re.compile(r"^([\w.-]+)\s*(==|!=)\s*'([^']*)'$")


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- running the action locally ---------------------------------------------------------------


@dataclass
class StepRun:
    """What one step of the action did: ran (with its exit status), was skipped, or is
    GitHub's own (`uses:`, recorded with its evaluated inputs)."""

    name: str
    status: str  # "ran", "skipped", "uses"
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    uses: str = ""
    with_: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    steps: dict[str, StepRun]
    outputs: dict[str, str]
    env: dict[str, str]
    summary: str
    pip: list[str]
    failed: str | None

    def step(self, key: str) -> StepRun:
        return self.steps[key]


def _parse_commands_file(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT / GITHUB_ENV: `name=value` lines and `name<<DELIMITER` blocks."""
    values: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            while lines[i] != delimiter:
                block.append(lines[i])
                i += 1
            i += 1
            values[name] = "\n".join(block)
        else:
            name, value = line.split("=", 1)
            values[name] = value
    return values


class LocalRunner:
    """Runs action.yml's steps in a fake GitHub Actions environment (see the module docstring)."""

    def __init__(
        self,
        workspace: Path,
        temp: Path,
        *,
        event: str = "pull_request",
        base_ref: str = "",
    ) -> None:
        self.action = load_yaml(ACTION)
        self.workspace = workspace
        self.temp = temp
        self.github = {
            "action_path": str(ROOT),
            "event_name": event,
            "token": "fake-token",
            "workspace": str(workspace),
        }
        self.base_ref = base_ref
        self.inputs: dict[str, str] = {}
        self.outputs: dict[str, dict[str, str]] = {}
        self.seen_ids: set[str] = set()

    # expressions: only what the action is allowed to use
    def value(self, reference: str) -> str:
        parts = reference.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            assert parts[1] in self.inputs, f"the action uses an undeclared input: {reference}"
            return self.inputs[parts[1]]
        if parts[0] == "github" and len(parts) == 2:
            assert parts[1] in self.github, f"unknown github context value: {reference}"
            return self.github[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            assert parts[1] in self.seen_ids, f"{reference}: no earlier step has id {parts[1]}"
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"an expression the local runner does not know: {reference}")

    def expand(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m[1]), text)

    def condition(self, text: str) -> bool:
        inner = EXPRESSION.fullmatch(text.strip())
        expression = inner[1] if inner else text
        result = True
        for term in expression.split("&&"):
            match = CONDITION.match(term.strip())
            assert match, f"a condition the local runner does not know: {term.strip()!r}"
            left, op, literal = match.groups()
            result = result and ((self.value(left) == literal) == (op == "=="))
        return result

    def run(self, given: dict[str, str], *, only: set[str] | None = None) -> Outcome:
        declared = self.action["inputs"]
        unknown = set(given) - set(declared)
        assert not unknown, f"inputs the action does not declare: {unknown}"
        self.inputs = {name: str(spec.get("default", "")) for name, spec in declared.items()}
        self.inputs = {name: self.expand(value) for name, value in self.inputs.items()}
        self.inputs.update(given)

        shim = self.temp / "shim"
        shim.mkdir(parents=True, exist_ok=True)
        pip_log = self.temp / "pip.log"
        pip_log.touch()
        (shim / "python").write_text(
            "#!/bin/sh\n"
            '[ "$1" = "-m" ] && [ "$2" = "pip" ] && { printf \'%s\\n\' "$*" >> "$PIP_LOG"; exit 0; }\n'
            f'exec {shlex.quote(sys.executable)} "$@"\n',
            encoding="utf-8",
        )
        (shim / "python").chmod(0o755)
        runner_temp = self.temp / "runner-temp"
        runner_temp.mkdir(exist_ok=True)
        summary = self.temp / "step-summary.md"
        summary.touch()
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "RUNNER_", "CI_", "SCHEMAC_"))
        }
        base.update(
            GITHUB_ACTIONS="true",
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_ACTION_PATH=str(ROOT),
            GITHUB_EVENT_NAME=self.github["event_name"],
            GITHUB_STEP_SUMMARY=str(summary),
            RUNNER_TEMP=str(runner_temp),
            PIP_LOG=str(pip_log),
        )
        if self.base_ref:
            base["GITHUB_BASE_REF"] = self.base_ref
        added_env: dict[str, str] = {}
        added_path: list[str] = []
        runs: dict[str, StepRun] = {}
        failed = None
        for index, step in enumerate(self.action["runs"]["steps"]):
            key = step.get("id") or f"#{index}"
            name = step.get("name", key)
            if only is not None and key not in only:
                self.seen_ids.add(key)
                continue
            if "if" in step and not self.condition(str(step["if"])):
                runs[key] = StepRun(name, "skipped")
                self.seen_ids.add(key)
                continue
            env = {k: self.expand(str(v)) for k, v in (step.get("env") or {}).items()}
            if "uses" in step:
                with_ = {k: self.expand(str(v)) for k, v in (step.get("with") or {}).items()}
                runs[key] = StepRun(name, "uses", uses=step["uses"], with_=with_, env=env)
                self.seen_ids.add(key)
                continue
            assert step.get("shell") == "bash", f"{name}: run steps say shell: bash"
            output_file = self.temp / f"output-{index}"
            env_file = self.temp / f"env-{index}"
            path_file = self.temp / f"path-{index}"
            for f in (output_file, env_file, path_file):
                f.write_text("", encoding="utf-8")
            script = self.temp / f"step-{index}.sh"
            script.write_text(self.expand(step["run"]), encoding="utf-8")
            environment = {**base, **added_env, **env}
            environment["PATH"] = os.pathsep.join(
                [*reversed(added_path), str(shim), str(VENV_BIN), base.get("PATH", os.defpath)]
            )
            environment.update(
                GITHUB_OUTPUT=str(output_file), GITHUB_ENV=str(env_file), GITHUB_PATH=str(path_file)
            )
            cwd = self.workspace / self.expand(step.get("working-directory", "."))
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=cwd,
                env=environment,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
            )
            runs[key] = StepRun(name, "ran", done.returncode, done.stdout, done.stderr, env=env)
            self.seen_ids.add(key)
            self.outputs[key] = _parse_commands_file(output_file.read_text(encoding="utf-8"))
            added_env.update(_parse_commands_file(env_file.read_text(encoding="utf-8")))
            added_path += path_file.read_text(encoding="utf-8").split()
            if done.returncode != 0 and not step.get("continue-on-error"):
                failed = key
                break
        # steps after a failure do not run: their outputs are empty, as on GitHub
        self.seen_ids |= {s.get("id") for s in self.action["runs"]["steps"]} - {None}
        outputs = {
            name: self.expand(spec["value"]) for name, spec in self.action["outputs"].items()
        }
        return Outcome(
            runs,
            outputs,
            added_env,
            summary.read_text(encoding="utf-8"),
            pip_log.read_text(encoding="utf-8").splitlines(),
            failed,
        )


# --- a project whose pull request adds migrations ---------------------------------------------

SORT_ORDER = "      sort_order:       {type: integer, default: 0, description: Position on the pricing page}\n"
FEATURES = "      features:         {type: jsonb, default: \"'{}'::jsonb\", description: Quotas and feature flags granted by the plan}\n"
PLANS_INDEX = (
    "      - {columns: [code], unique: true, where: deleted_at IS NULL}\n\n  subscriptions:"
)


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=ci", "-c", "user.email=ci@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def _schemac(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "schemac"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env={k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_"))},
    )


def _need_postgresql() -> None:
    if find_pg_bin() is None:
        no_postgresql("no PostgreSQL server binaries for `schemac check --verify`")


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git checkout of a pull request: `main` (pushed to origin) holds the bundled specs
    built into db/migrations; the branch adds a column and an index to `plans` and builds
    them (V0002, V0003)."""
    if shutil.which("git") is None:
        need_tool("git", "apt-get install git")
    top = tmp_path_factory.mktemp("pr")
    origin, project = top / "origin.git", top / "project"
    project.mkdir()
    shutil.copytree(ROOT / "specs", project / "specs")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    built = _schemac(project, "build", "specs", "-o", "db/migrations")
    assert built.returncode == 0, built.stderr
    _git(top, "init", "--quiet", "--bare", str(origin))
    _git(project, "init", "--quiet", "-b", "main")
    _git(project, "add", ".")
    _git(project, "commit", "--quiet", "-m", "schema")
    _git(project, "remote", "add", "origin", str(origin))
    _git(project, "push", "--quiet", "origin", "main")
    _git(project, "checkout", "--quiet", "-b", "feature")
    billing = project / "specs" / "billing.md"
    text = billing.read_text(encoding="utf-8")
    assert FEATURES in text and PLANS_INDEX in text
    text = text.replace(FEATURES, FEATURES + SORT_ORDER).replace(
        PLANS_INDEX, PLANS_INDEX.replace("\n\n", "\n      - {columns: [tier]}\n\n")
    )
    billing.write_text(text, encoding="utf-8")
    built = _schemac(project, "build", "specs", "-o", "db/migrations")
    assert built.returncode == 0, built.stderr
    _git(project, "add", ".")
    _git(project, "commit", "--quiet", "-m", "plans: sort order, index on tier")
    return project


# --- action.yml, statically -------------------------------------------------------------------


def test_action_is_a_composite_whose_expressions_name_real_inputs_and_steps() -> None:
    action = load_yaml(ACTION)
    assert action["runs"]["using"] == "composite"
    inputs = set(action["inputs"])
    assert {
        "specs",
        "migrations",
        "python-version",
        "schemac-version",
        "schemac-source",
        "verify",
        "sarif",
        "comment",
    } <= inputs
    assert all("description" in spec for spec in action["inputs"].values())
    steps = action["runs"]["steps"]
    ids: list[str] = []
    used_inputs: set[str] = set()
    for step in steps:
        assert {"name", "id"} <= set(step) and ("run" in step) != ("uses" in step), step
        texts = [str(step.get(k, "")) for k in ("working-directory", "run")]
        texts += [str(v) for v in (step.get("env") or {}).values()]
        texts += [str(v) for v in (step.get("with") or {}).values()]
        if "if" in step:
            texts.append("${{ " + str(step["if"]) + " }}")
        for text in texts:
            for expression in EXPRESSION.findall(text):
                for reference in re.findall(r"\b(?:inputs|steps|github)\.[\w.-]+", expression):
                    kind, rest = reference.split(".", 1)
                    if kind == "inputs":
                        assert rest in inputs, f"{step['name']}: undeclared input {rest}"
                        used_inputs.add(rest)
                    elif kind == "steps":
                        assert rest.split(".")[0] in ids, f"{step['name']}: {reference}"
        if "run" in step:
            # inputs reach scripts through env:, never spliced into the script text
            assert "${{" not in step["run"], step["name"]
            assert step["shell"] == "bash"
        if "id" in step:
            ids.append(step["id"])
    for spec in action["inputs"].values():
        for expression in EXPRESSION.findall(str(spec.get("default", ""))):
            assert expression.startswith("github."), expression
    for output in action["outputs"].values():
        (expression,) = EXPRESSION.findall(output["value"])
        assert expression.split(".")[1] in ids
    assert used_inputs == inputs, inputs - used_inputs  # every input does something
    uses = [step["uses"] for step in steps if "uses" in step]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert all(re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", u) for u in uses), uses


# --- action.yml, run ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pr_run(pull_request: Path, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """The action run on the pull request with its defaults (verify, sarif, comment on)."""
    _need_postgresql()
    runner = LocalRunner(pull_request, tmp_path_factory.mktemp("runner"), base_ref="main")
    return runner.run({})


def test_the_action_runs_check_verify_on_the_pull_request(pr_run: Outcome) -> None:
    assert pr_run.failed is None, {k: (s.returncode, s.stderr) for k, s in pr_run.steps.items()}
    check = pr_run.step("check")
    assert check.status == "ran" and check.returncode == 0, check.stderr
    assert "check: db/migrations is up to date and untampered" in check.stdout
    assert "verify: 3 migration(s) in db/migrations applied and match the specs" in check.stdout
    # the local PostgreSQL step found the server binaries and handed them to schemac
    assert pr_run.step("postgresql").status == "ran"
    pg_bin = Path(pr_run.env["SCHEMAC_PG_BIN"])
    assert (pg_bin / "initdb").exists() and (pg_bin / "postgres").exists()
    assert "apt-get" not in pr_run.step("postgresql").stdout
    # schemac itself came from the action's own checkout
    assert pr_run.pip == [f"-m pip install --disable-pip-version-check --quiet {ROOT}"]


def test_the_action_uploads_schema_valid_sarif(pr_run: Outcome, pull_request: Path) -> None:
    sarif_file = pr_run.outputs["sarif-file"]
    assert sarif_file and pr_run.step("lint").returncode == 0
    log = json.loads(Path(sarif_file).read_text(encoding="utf-8"))
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    assert log["version"] == "2.1.0" and log["runs"][0]["tool"]["driver"]["name"] == "schemac"
    upload = next(s for s in pr_run.steps.values() if s.uses.startswith("github/codeql-action"))
    assert upload.status == "uses" and upload.with_["sarif_file"] == sarif_file
    assert upload.with_["category"] == "schemac:./specs"


def test_the_action_comments_the_plan_against_the_base_branch(pr_run: Outcome) -> None:
    plan_file = Path(pr_run.outputs["plan-file"])
    body = plan_file.read_text(encoding="utf-8")
    assert body in pr_run.summary
    first, second = body.splitlines()[:2]
    assert re.fullmatch(r"<!-- schemac-plan [0-9a-f]{12} -->", first)
    assert second == (
        "`specs` planned against `db/migrations` of `main`: the migrations this pull request adds."
    )
    (tokens,) = markdown_tokens([body])
    assert headings(tokens) == [
        (3, "schemac plan"),
        (4, "1. `V0002__changes.sql` (one transaction)"),
        (4, "2. `V0003__changes_create_index_idx_plans_tier.sql` (outside a transaction)"),
    ]
    changes = [cell_text(row[1]) for table in tables(tokens) for row in table["rows"]]
    assert changes == [
        "add column public.plans.sort_order",
        "comment column:public.plans.sort_order",
        "create index public.idx_plans_tier",
    ]
    blocks = [t["text"] for t in walk(tokens) if t["type"] == "code"]
    assert any("CREATE INDEX CONCURRENTLY idx_plans_tier ON plans (tier);" in b for b in blocks)
    assert "CREATE TABLE" not in body  # main's migrations are not planned again
    comment = pr_run.step("comment")
    assert comment.status == "uses" and comment.uses.startswith("actions/github-script@")
    assert comment.env["PLAN_FILE"] == str(plan_file)
    assert comment.with_["github-token"] == "fake-token"


def test_on_a_push_the_plan_is_what_is_left_to_build(pull_request: Path, tmp_path: Path) -> None:
    runner = LocalRunner(pull_request, tmp_path, event="push")
    outcome = runner.run({"verify": "false", "sarif": "false"})
    assert outcome.failed is None, {k: s.stderr for k, s in outcome.steps.items()}
    assert outcome.step("postgresql").status == "skipped"
    assert outcome.step("lint").status == "skipped" and outcome.outputs["sarif-file"] == ""
    assert outcome.step("comment").status == "skipped"  # not a pull request
    body = Path(outcome.outputs["plan-file"]).read_text(encoding="utf-8")
    assert "planned against `db/migrations`: what the next `schemac build` writes." in body
    assert "No pending migrations" in body
    assert "verify:" not in outcome.step("check").stdout
    assert outcome.step("check").returncode == 0


def test_the_gate_fails_when_the_specs_are_not_built(pull_request: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(pull_request, project)
    billing = project / "specs" / "billing.md"
    billing.write_text(
        billing.read_text(encoding="utf-8").replace(SORT_ORDER, ""), encoding="utf-8"
    )
    outcome = LocalRunner(project, tmp_path / "run", event="push").run(
        {"verify": "false", "sarif": "false"}
    )
    assert outcome.failed == "check" and outcome.step("check").returncode == 1
    body = Path(outcome.outputs["plan-file"]).read_text(encoding="utf-8")
    # the plan is refused (a dropped column), and the comment says why
    assert "**schemac plan failed** (exit 1); `schemac check` fails too." in body
    assert "SC503 error: column plans.sort_order was removed from the specs" in body
    (tokens,) = markdown_tokens([body])
    assert [t["lang"] for t in walk(tokens) if t["type"] == "code"] == ["text"]


@pytest.mark.parametrize(
    ("given", "requirement"),
    [
        ({"schemac-version": "0.1.0"}, "schemac==0.1.0"),
        ({"schemac-version": ">=0.1,<0.2"}, "schemac>=0.1,<0.2"),
        (
            {"schemac-source": "git+https://example.com/schemac.git@v0.1.0"},
            "git+https://example.com/schemac.git@v0.1.0",
        ),
        ({"schemac-source": "."}, "."),
    ],
)
def test_install_step_requirements(given: dict[str, str], requirement: str, tmp_path: Path) -> None:
    outcome = LocalRunner(tmp_path, tmp_path / "run").run(given, only={"install"})
    assert outcome.failed is None, outcome.step("install").stderr
    assert outcome.pip == [f"-m pip install --disable-pip-version-check --quiet {requirement}"]
    assert outcome.step("install").stdout.startswith("schemac, version")


def test_install_step_refuses_a_version_and_a_source(tmp_path: Path) -> None:
    outcome = LocalRunner(tmp_path, tmp_path / "run").run(
        {"schemac-version": "0.1.0", "schemac-source": "."}, only={"install"}
    )
    assert outcome.failed == "install" and outcome.step("install").returncode == 2
    assert "::error title=schemac::set schemac-version or schemac-source" in (
        outcome.step("install").stdout
    )
    assert outcome.pip == []


# --- the github-script step that writes the comment ------------------------------------------

HARNESS = """
const calls = [];
const existing = JSON.parse(process.env.EXISTING);
const github = {
  rest: { issues: {
    listComments: 'listComments',
    createComment: async (args) => { calls.push(['create', args]); },
    updateComment: async (args) => { calls.push(['update', args]); },
  } },
  paginate: async (method, args) => { calls.push([method, args]); return existing; },
};
const context = {
  repo: { owner: 'o', repo: 'r' }, issue: { number: 7 },
  serverUrl: 'https://github.com', runId: 42,
};
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction('require', 'github', 'context', SCRIPT)(require, github, context)
  .then(() => process.stdout.write(JSON.stringify(calls)));
"""


def _comment(tmp_path: Path, body: str, existing: list[dict[str, Any]]) -> list[Any]:
    if shutil.which("node") is None:
        need_tool("node", "apt-get install nodejs")
    step = next(s for s in load_yaml(ACTION)["runs"]["steps"] if s.get("id") == "comment")
    plan = tmp_path / "plan.md"
    plan.write_text(body, encoding="utf-8")
    harness = tmp_path / "harness.cjs"
    harness.write_text(
        HARNESS.replace("SCRIPT", json.dumps(step["with"]["script"])), encoding="utf-8"
    )
    done = subprocess.run(
        ["node", str(harness)],
        env={**os.environ, "PLAN_FILE": str(plan), "EXISTING": json.dumps(existing)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr
    calls: list[Any] = json.loads(done.stdout)
    return calls


def test_the_comment_is_created_once_then_updated(tmp_path: Path) -> None:
    body = "<!-- schemac-plan 0123456789ab -->\nplan\n"
    calls = _comment(tmp_path, body, [{"id": 1, "body": "lgtm"}, {"id": 2, "body": None}])
    assert calls[0] == [
        "listComments",
        {"owner": "o", "repo": "r", "issue_number": 7, "per_page": 100},
    ]
    assert calls[1] == ["create", {"owner": "o", "repo": "r", "issue_number": 7, "body": body}]
    old = {"id": 5, "body": "<!-- schemac-plan 0123456789ab -->\nold plan\n"}
    other = {"id": 6, "body": "<!-- schemac-plan ffffffffffff -->\nanother project\n"}
    calls = _comment(tmp_path, body, [other, old])
    assert calls[1] == ["update", {"owner": "o", "repo": "r", "comment_id": 5, "body": body}]


def test_a_plan_too_long_for_a_comment_points_at_the_job_summary(tmp_path: Path) -> None:
    body = "<!-- schemac-plan 0123456789ab -->\n" + "x" * 70_000
    (_, (kind, args)) = _comment(tmp_path, body, [])
    assert kind == "create" and len(args["body"]) < 500
    assert args["body"].startswith("<!-- schemac-plan 0123456789ab -->\n")
    assert "(https://github.com/o/r/actions/runs/42)" in args["body"]


# --- the example workflows --------------------------------------------------------------------


def test_the_example_github_workflow_uses_the_action_with_its_inputs() -> None:
    workflow = load_yaml(GITHUB_EXAMPLE)
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in on
    assert workflow["permissions"] == {
        "contents": "read",
        "security-events": "write",
        "pull-requests": "write",
    }
    inputs = set(load_yaml(ACTION)["inputs"])
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    (schemac,) = [s for s in steps if re.search(r"/schemac@", s.get("uses", ""))]
    assert set(schemac["with"]) <= inputs
    assert all(isinstance(v, str) for v in schemac["with"].values())  # inputs are strings


def test_the_example_gitlab_pipeline_runs_and_reports_code_quality(
    pull_request: Path, tmp_path: Path
) -> None:
    _need_postgresql()
    pipeline = load_yaml(GITLAB_EXAMPLE)
    job = pipeline["schemac"]
    report = job["artifacts"]["reports"]["codequality"]
    assert job["artifacts"]["when"] == "always"
    assert any(f"--format gitlab > {report}" in line for line in job["script"])
    assert any(line.startswith("apt-get") and "postgresql" in line for line in job["before_script"])
    project = tmp_path / "project"
    shutil.copytree(pull_request, project)
    script = project / "job.sh"
    script.write_text("set -eo pipefail\n" + "\n".join(job["script"]) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_", "SCHEMAC_"))}
    env.update({k: str(v) for k, v in job["variables"].items()})
    env.update(
        CI_PROJECT_DIR=str(project),
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main",
        PATH=os.pathsep.join([str(VENV_BIN), env.get("PATH", os.defpath)]),
    )
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", str(script)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads((project / report).read_text(encoding="utf-8")) == []  # lints clean
    plan = (project / "schemac-plan.md").read_text(encoding="utf-8")
    assert "V0002__changes.sql" in plan and "V0001" not in plan
    assert job["artifacts"]["paths"] == ["schemac-plan.md"]


# --- pre-commit hooks -------------------------------------------------------------------------


def test_pre_commit_hooks_are_well_formed() -> None:
    hooks = load_yaml(HOOKS)
    assert [hook["id"] for hook in hooks] == ["schemac-lint", "schemac-check"]
    known = {
        "id", "name", "entry", "language", "files", "exclude", "types", "types_or",
        "exclude_types", "always_run", "fail_fast", "verbose", "pass_filenames",
        "require_serial", "description", "language_version", "minimum_pre_commit_version",
        "args", "stages",
    }  # fmt: skip
    for hook in hooks:
        assert set(hook) <= known, set(hook) - known
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
        # schemac reads whole directories (the specs merge into one schema): no file names
        assert hook["pass_filenames"] is False
        assert hook["entry"].split()[0] == "schemac"
    files = {hook["id"]: re.compile(hook["files"]) for hook in hooks}
    for path in ("specs/identity.md", "specs/x.yaml", "pyproject.toml", "schemac.toml"):
        assert files["schemac-lint"].search(path) and files["schemac-check"].search(path)
    for path in (
        "db/migrations/V0001__x.sql",
        "db/migrations/schemac.sum",
        "a/schemac.snapshot.json",
    ):
        assert files["schemac-check"].search(path), path
    assert not files["schemac-lint"].search("src/app.py")
    assert not files["schemac-check"].search("src/app.py")


def test_each_hook_entry_runs_on_the_bundled_specs(pull_request: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(pull_request, project)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_"))}
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", os.defpath)])
    for hook in load_yaml(HOOKS):
        command = [*shlex.split(hook["entry"]), *hook.get("args", [])]
        done = subprocess.run(
            command, cwd=project, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
        )
        assert done.returncode == 0, (hook["id"], done.stdout, done.stderr)
    # and they fail the commit when they should: a spec edited but not built
    (project / "specs" / "billing.md").write_text(
        (project / "specs" / "billing.md").read_text(encoding="utf-8").replace(SORT_ORDER, ""),
        encoding="utf-8",
    )
    (check,) = [h for h in load_yaml(HOOKS) if h["id"] == "schemac-check"]
    done = subprocess.run(
        shlex.split(check["entry"]), cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stdout + done.stderr


# --- GitLab Code Quality ----------------------------------------------------------------------

LINTED = """spec_type: database-schema
title: Orders
tables:
  orders:
    description: Orders.
    traits: [standard]
    columns:
      paid_at: timestamp
      note: varchar
"""


def _lint(*args: str, env: dict[str, str | None] | None = None) -> Any:
    clean: dict[str, str | None] = {"GITHUB_ACTIONS": None, "GITHUB_WORKSPACE": None}
    clean["CI_PROJECT_DIR"] = None
    result = CliRunner().invoke(cli, ["lint", *args], env={**clean, **(env or {})})
    assert result.exit_code in (0, 1), result.output
    return result


def test_lint_gitlab_format_is_a_code_quality_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "orders.yaml").write_text(LINTED, encoding="utf-8")
    result = _lint("specs", "--format", "gitlab")
    assert result.exit_code == 1
    issues = json.loads(result.stdout)
    assert isinstance(issues, list) and issues
    for issue in issues:
        assert set(issue) == {
            "type",
            "description",
            "check_name",
            "fingerprint",
            "severity",
            "location",
        }
        assert issue["type"] == "issue" and issue["severity"] in GITLAB_SEVERITIES
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        assert issue["location"]["path"] == "specs/orders.yaml"
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["description"].startswith(issue["check_name"] + " ")
    by_code = {issue["check_name"]: issue for issue in issues}
    assert by_code["SC204"]["severity"] == "major"  # an error
    assert by_code["SC204"]["location"]["lines"]["begin"] == 8
    assert by_code["SC202"]["severity"] == "minor"  # a warning
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    assert _lint("specs", "--format", "gitlab").stdout == result.stdout


def test_gitlab_fingerprints_ignore_moves_and_tell_duplicates_apart() -> None:
    def finding(line: int, message: str = "'orders.paid_at' is timestamp") -> Diagnostic:
        return Diagnostic("SC204", Severity.ERROR, message, Span("specs/o.yaml", line, 7))

    (moved,) = json.loads(render_gitlab([finding(8)]))
    (original,) = json.loads(render_gitlab([finding(12)]))
    assert moved["fingerprint"] == original["fingerprint"]
    twice = json.loads(render_gitlab([finding(8), finding(9)]))
    assert twice[0]["fingerprint"] == moved["fingerprint"] != twice[1]["fingerprint"]
    (other,) = json.loads(render_gitlab([finding(8, "'orders.sent_at' is timestamp")]))
    assert other["fingerprint"] != moved["fingerprint"]
    info = Diagnostic("SC307", Severity.INFO, "no description", Span("specs/o.yaml", 4, 3))
    broken = Diagnostic("E001", Severity.ERROR, "cannot read schemac.toml", None)
    rendered = json.loads(render_gitlab([info, broken]))
    assert [i["severity"] for i in rendered] == ["info", "blocker"]
    assert rendered[1]["location"] == {"path": ".", "lines": {"begin": 1}}


def test_ci_paths_are_relative_to_the_checkout_not_the_project_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "services" / "db"
    (project / "specs").mkdir(parents=True)
    (project / "specs" / "orders.yaml").write_text(LINTED, encoding="utf-8")
    monkeypatch.chdir(project)
    assert checkout_root({"GITHUB_WORKSPACE": str(tmp_path)}, project) == tmp_path.resolve()
    assert checkout_root({"CI_PROJECT_DIR": str(tmp_path)}, project) == tmp_path.resolve()
    assert checkout_root({"GITHUB_WORKSPACE": str(project / "specs")}, project) is None
    assert checkout_root({}, project) is None
    gitlab = json.loads(
        _lint("specs", "--format", "gitlab", env={"CI_PROJECT_DIR": str(tmp_path)}).stdout
    )
    assert {i["location"]["path"] for i in gitlab} == {"services/db/specs/orders.yaml"}
    sarif = json.loads(
        _lint("specs", "--format", "sarif", env={"GITHUB_WORKSPACE": str(tmp_path)}).stdout
    )
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for loc in result["locations"]
    }
    assert uris == {"services/db/specs/orders.yaml"}
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    annotations = _lint("specs", env={"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(tmp_path)})
    assert "file=services/db/specs/orders.yaml," in annotations.stdout
    # outside CI the paths stay as the spans carry them
    plain = json.loads(_lint("specs", "--format", "gitlab", env={"CI_PROJECT_DIR": ""}).stdout)
    assert {i["location"]["path"] for i in plain} == {"specs/orders.yaml"}
    outside = Diagnostic("SC204", Severity.ERROR, "m", Span(str(tmp_path / "elsewhere.yaml"), 1, 1))
    uri = json.loads(render_sarif([outside], root=project.resolve()))["runs"][0]["results"][0]
    assert uri["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file://")


# --- the Markdown plan ------------------------------------------------------------------------

HOSTILE_PLAN: dict[str, Any] = {
    "migrations": [
        {
            "file": "V0002__a_b.sql",
            "transactional": True,
            "changes": [
                {
                    "change": "add column public.odd <b>|</b> name.col|umn `x`",
                    "kind": "add_column",
                    "safety": "rewrites",
                    "reversibility": "lossy",
                    "transactional": True,
                    "locks": [
                        {
                            "mode": "ACCESS EXCLUSIVE",
                            "relation": "public.odd <b>|</b> name",
                            "brief": False,
                        }
                    ],
                    "reason": "the default [click](javascript:alert(1)) rewrites\nthe table",
                    "spec": {"path": "specs/a|b.yaml", "line": 3, "column": 5},
                    "sql": 'ALTER TABLE "odd <b>|</b> name" ADD COLUMN "col|umn `x`" text DEFAULT \'```\';',
                },
                {
                    "change": "drop table public.gone",
                    "kind": "drop_table",
                    "safety": "destructive",
                    "reversibility": "irreversible",
                    "transactional": True,
                    "locks": [],
                    "reason": None,
                    "spec": None,
                    "sql": "DROP TABLE gone;\n-- ```` not a fence",
                },
            ],
        },
        {
            "file": "V0003__idx.sql",
            "transactional": False,
            "changes": [
                {
                    "change": "create index public.idx_a",
                    "kind": "create_index",
                    "safety": "safe",
                    "reversibility": "reversible",
                    "transactional": False,
                    "locks": [],
                    "reason": None,
                    "spec": {"path": "specs/a.yaml", "line": 9, "column": 7},
                    "sql": "CREATE INDEX CONCURRENTLY idx_a ON a (b);",
                }
            ],
        },
    ]
}


def test_markdown_plan_shows_spec_text_and_sql_exactly_never_obeys_them() -> None:
    markdown = plan_markdown(HOSTILE_PLAN)
    assert markdown == plan_markdown(HOSTILE_PLAN)  # deterministic
    assert markdown.splitlines()[2] == (
        "**2 migrations, 3 statements**: 1 safe, 1 rewrites, 1 destructive; 1 irreversible."
    )
    (tokens,) = markdown_tokens([markdown])
    kinds = {t["type"] for t in walk(tokens)}
    assert not kinds & {"html", "link", "image", "del", "em"}, kinds
    assert headings(tokens) == [
        (3, "schemac plan"),
        (4, "1. `V0002__a_b.sql` (one transaction)"),
        (4, "2. `V0003__idx.sql` (outside a transaction)"),
    ]
    first, second = tables(tokens)
    header = [cell_text(cell) for cell in first["header"]]
    assert header == ["#", "change", "safety", "locks", "reversibility", "spec", "why"]
    rows = [[cell_text(cell) for cell in row] for row in first["rows"]]
    assert rows == [
        [
            "1",
            "add column public.odd <b>|</b> name.col|umn `x`",
            "rewrites",
            "ACCESS EXCLUSIVE on public.odd <b>|</b> name (scan/rewrite)",
            "lossy",
            "specs/a|b.yaml:3:5",
            "the default [click](javascript:alert(1)) rewrites the table",
        ],
        ["2", "drop table public.gone", "destructive", "", "irreversible", "", ""],
    ]
    (only_row,) = second["rows"]
    assert [cell_text(c) for c in only_row][:3] == [
        "1",
        "create index public.idx_a",
        "safe",
    ]
    blocks = [t for t in walk(tokens) if t["type"] == "code"]
    assert [b["lang"] for b in blocks] == ["sql", "sql"]
    assert blocks[0]["text"] == "\n".join(
        [
            "-- 1. add column public.odd <b>|</b> name.col|umn `x`",
            HOSTILE_PLAN["migrations"][0]["changes"][0]["sql"],
            "-- 2. drop table public.gone",
            "DROP TABLE gone;",
            "-- ```` not a fence",
        ]
    )
    strong = {t["raw"] for t in walk(tokens) if t["type"] == "strong"}
    assert strong == {"**2 migrations, 3 statements**", "**rewrites**", "**destructive**"}


def test_plan_format_markdown_from_the_command_line(pull_request: Path) -> None:
    done = _schemac(pull_request, "plan", "specs", "-m", "db/migrations", "--format", "markdown")
    assert done.returncode == 0 and done.stdout.startswith("nothing to do"), done.stdout
    fresh = _schemac(pull_request, "plan", "specs", "-m", "no/such/dir", "--format", "markdown")
    assert fresh.returncode == 0, fresh.stderr
    again = _schemac(pull_request, "plan", "specs", "-m", "no/such/dir", "--format", "markdown")
    assert again.stdout == fresh.stdout
    (tokens,) = markdown_tokens([fresh.stdout])
    assert headings(tokens)[:2] == [
        (3, "schemac plan"),
        (4, "1. `V0001__initial_schema.sql` (one transaction)"),
    ]
    (table,) = tables(tokens)
    data = json.loads(
        _schemac(pull_request, "plan", "specs", "-m", "no/such/dir", "--format", "json").stdout
    )
    changes = data["migrations"][0]["changes"]
    assert [cell_text(row[1]) for row in table["rows"]] == [c["change"] for c in changes]
    assert [cell_text(row[2]) for row in table["rows"]] == [c["safety"] for c in changes]
    (block,) = [t for t in walk(tokens) if t["type"] == "code"]
    for change in changes:
        assert change["sql"].rstrip("\n") in block["text"]
