"""The SC5xx migration-safety rules, on the planner's typed changes.

Each case resolves two spec bodies (the last build and the specs now), plans the migration with
`schemac.plan.diff.plan`, and checks it with `check_plan`. Rules that guard a promise of the
planner (it never emits the unsafe form) are failed with the planner's own plan, changed by
hand to break the promise.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import pytest
import yaml

from schemac.diagnostics import Diagnostic, Severity
from schemac.model.schema import Schema
from schemac.plan import changes as c
from schemac.plan.diff import plan
from schemac.rules import ALL_RULES, PLANNER_PREFIX
from schemac.rules.base import DOC_SECTIONS, sections
from schemac.rules.safety import PLANNER_RULES, PlannerRule, check_plan, get_planner_rule
from tests.helpers import resolve_text

IDS = [rule.code for rule in PLANNER_RULES]
ChangeT = TypeVar("ChangeT", bound=c.Change)


@dataclass
class Case:
    """A planned migration from `old` to `new`, and where the new spec file is."""

    old: Schema
    new: Schema
    plan: c.Plan
    spec: Path

    def check(
        self,
        *,
        lock_timeout: str | None = "5s",
        allow_destructive: bool = False,
        plan: c.Plan | None = None,
        **options: object,
    ) -> list[Diagnostic]:
        return check_plan(
            plan or self.plan,
            self.old,
            self.new,
            lock_timeout=lock_timeout,
            allow_destructive=allow_destructive,
            **options,  # type: ignore[arg-type]
        )

    def line(self, needle: str) -> int:
        """The line of the new spec file holding `needle` (the header takes two lines)."""
        for number, text in enumerate(self.spec.read_text(encoding="utf-8").splitlines(), 1):
            if needle in text:
                return number
        raise AssertionError(f"{needle!r} is not in the spec")

    def changed(self, kind: type[ChangeT], edit: Callable[[ChangeT], c.Change]) -> c.Plan:
        """The plan with every change of `kind` edited, all in one transactional unit (a plan
        the planner would never make)."""
        edited = tuple(edit(ch) if isinstance(ch, kind) else ch for ch in self.plan.changes)
        assert any(isinstance(ch, kind) for ch in edited), f"no {kind.__name__} planned"
        return c.Plan(up=(c.Unit(edited),), down=())


def case(tmp_path: Path, old: str, new: str) -> Case:
    before = resolve_text(tmp_path / "old", old)
    after = resolve_text(tmp_path / "new", new)
    planned, problems = plan(before, after)
    assert not problems, problems
    return Case(before, after, planned, tmp_path / "new" / "specs" / "spec.yaml")


def of(diagnostics: list[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code == code]


def assert_at(d: Diagnostic, k: Case, needle: str) -> None:
    assert d.span is not None, d
    assert Path(d.span.path).resolve() == k.spec.resolve()
    assert d.span.line == k.line(needle), (d.span, needle)


USERS = """
tables:
  users:
    columns:
      id: uuid
      email: text
    primary_key: [id]
"""


def users_with(*lines: str, extra: str = "") -> str:
    """USERS with more column lines (6-space indented) and more top-level text."""
    body = USERS.rstrip("\n").replace(
        "      email: text\n", "      email: text\n" + "".join(f"      {x}\n" for x in lines)
    )
    return body + "\n" + extra


# --- the registry -----------------------------------------------------------------------------


def test_codes_names_and_order() -> None:
    codes = [r.code for r in PLANNER_RULES]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"SC5\d\d", code) for code in codes)
    assert codes[:11] == [f"SC5{i:02d}" for i in range(1, 12)]
    lint_keys = {r.code for r in ALL_RULES} | {r.name for r in ALL_RULES}
    assert not lint_keys & ({r.code for r in PLANNER_RULES} | {r.name for r in PLANNER_RULES})
    assert all(r.code.startswith(PLANNER_PREFIX) for r in PLANNER_RULES)


def test_lint_does_not_run_planner_rules() -> None:
    assert not [r for r in ALL_RULES if r.code.startswith(PLANNER_PREFIX) and r.scope == "schema"]


def test_lookup_by_code_and_name() -> None:
    assert get_planner_rule("sc503") is get_planner_rule("destructive-change")
    assert get_planner_rule("SC503") is not None and get_planner_rule("SC503").code == "SC503"  # type: ignore[union-attr]
    assert get_planner_rule("SC599") is None


@pytest.mark.parametrize("rule", PLANNER_RULES, ids=IDS)
def test_rule_is_documented_like_a_lint_rule(rule: PlannerRule) -> None:
    assert rule.summary.endswith("."), "the summary is one sentence"
    found = sections(rule.doc or "")
    assert list(found)[: len(DOC_SECTIONS)] == list(DOC_SECTIONS)
    for title in DOC_SECTIONS:
        assert found[title].strip(), f"empty '## {title}' section"
        blocks = re.findall(r"```(\w+)\n(.*?)```", rule.section(title), re.S)
        if title in ("Example", "Use instead"):
            assert blocks, f"'## {title}' has no code block"
        for language, body in blocks:
            if language == "yaml":
                assert isinstance(yaml.safe_load(body), dict)
            elif language == "toml":
                tomllib.loads(body)
    module = importlib.import_module(rule.check.__module__)
    assert module.__name__.rsplit(".", 1)[1] == rule.name.replace("-", "_")
    assert module.RULE is rule
    assert rule.scope == "planner"


# --- SC501 concurrent-index -------------------------------------------------------------------


def test_sc501_index_on_a_live_table_built_without_concurrently(tmp_path: Path) -> None:
    k = case(tmp_path, USERS, USERS + "    indexes:\n      - {columns: [email]}\n")
    assert not of(k.check(), "SC501")  # the planner builds it concurrently
    broken = k.changed(
        c.CreateIndex, lambda ch: replace(ch, concurrently=False, stage=c.STAGE_MAIN)
    )
    [d] = of(k.check(plan=broken), "SC501")
    assert d.severity is Severity.ERROR and d.name == "concurrent-index"
    assert "idx_users_email" in d.message and "CONCURRENTLY" in (d.help or "")
    assert_at(d, k, "- {columns: [email]}")


def test_sc501_index_on_only_a_partitioned_parent_is_fine(tmp_path: Path) -> None:
    events = """
tables:
  events:
    columns:
      id: uuid
      kind: text
      created_at: timestamptz
    primary_key: [id, created_at]
    partition_by: {range: [created_at]}
    partitions:
      - {name: events_2026_01, from: "2026-01-01", to: "2026-02-01"}
"""
    k = case(tmp_path, events, events + "    indexes:\n      - {columns: [kind]}\n")
    assert any(isinstance(ch, c.CreateIndex) and ch.only for ch in k.plan.changes)
    assert not of(k.check(), "SC501")


# --- SC502 volatile-default -------------------------------------------------------------------


def test_sc502_volatile_default_and_identity_rewrite(tmp_path: Path) -> None:
    k = case(
        tmp_path,
        USERS,
        users_with(
            "token: {type: uuid, default: gen_random_uuid()}",
            "badge: {type: bigint, identity: always}",
        ),
    )
    token, badge = of(k.check(), "SC502")
    assert token.severity is Severity.WARNING
    assert "users.token" in token.message and "gen_random_uuid()" in token.message
    assert_at(token, k, "token:")
    assert "identity" in badge.message
    assert_at(badge, k, "badge:")


def test_sc502_stable_default_is_stored_in_the_catalog(tmp_path: Path) -> None:
    k = case(tmp_path, USERS, users_with("seen_at: {type: timestamptz, default: now()}"))
    assert not of(k.check(), "SC502")
    assert not k.check()


# --- SC503 destructive-change -----------------------------------------------------------------


def test_sc503_dropped_column_is_an_error_at_its_table(tmp_path: Path) -> None:
    k = case(tmp_path, users_with("legacy: {type: text, nullable: true}"), USERS)
    [d] = of(k.check(), "SC503")
    assert d.severity is Severity.ERROR and d.name == "destructive-change"
    assert "users.legacy" in d.message and "removed from the specs" in d.message
    assert "backfill" in (d.help or "") and "--allow-destructive" in (d.help or "")
    assert_at(d, k, "  users:")


def test_sc503_dropped_table_has_no_span_and_partition_points_at_its_parent(
    tmp_path: Path,
) -> None:
    events = """
  events:
    columns:
      id: uuid
      created_at: timestamptz
    primary_key: [id, created_at]
    partition_by: {range: [created_at]}
    partitions:
      - {name: events_2026_01, from: "2026-01-01", to: "2026-02-01"}
"""
    gone = "  audit:\n    columns:\n      id: uuid\n"
    old = (
        USERS
        + gone
        + events
        + '      - {name: events_2026_02, from: "2026-02-01", to: "2026-03-01"}\n'
    )
    k = case(tmp_path, old, USERS + events)
    found = {d.message.split(":")[0]: d for d in of(k.check(), "SC503")}
    table = found["table audit was removed from the specs"]
    assert table.span is None and table.severity is Severity.ERROR
    part = found["partition events_2026_02 of events was removed from the specs"]
    assert_at(part, k, "  events:")


def test_sc503_allowed_destructive_change_is_a_warning(tmp_path: Path) -> None:
    k = case(tmp_path, users_with("legacy: {type: text, nullable: true}"), USERS)
    [d] = of(k.check(allow_destructive=True), "SC503")
    assert d.severity is Severity.WARNING and "--allow-destructive" in d.message


def test_sc503_no_drop_no_error(tmp_path: Path) -> None:
    k = case(tmp_path, USERS, users_with("nick: {type: text, nullable: true}"))
    assert not of(k.check(), "SC503")


# --- SC504 rename -----------------------------------------------------------------------------


def test_sc504_renamed_table_and_column(tmp_path: Path) -> None:
    new = USERS.replace("  users:\n", "  members:\n    renamed_from: users\n").replace(
        "email: text", "email_address: {type: text, renamed_from: email}"
    )
    k = case(tmp_path, USERS, new)
    table, column = of(k.check(), "SC504")
    assert table.severity is Severity.WARNING and "table users to members" in table.message
    assert "view under the old name" in (table.help or "")
    assert_at(table, k, "  members:")
    assert "column members.email to email_address" in column.message
    assert "dual" in (column.help or "") or "both" in (column.help or "")
    assert_at(column, k, "email_address:")


def test_sc504_table_moved_to_another_schema(tmp_path: Path) -> None:
    new = USERS.replace("  users:\n", "  users:\n    schema: crm\n    renamed_from: public.users\n")
    k = case(tmp_path, USERS, new)
    assert any(isinstance(ch, c.SetSchema) for ch in k.plan.changes)
    [moved] = of(k.check(), "SC504")
    assert "moving table users to schema crm" in moved.message
    assert_at(moved, k, "  users:")


def test_sc504_index_renames_and_new_tables_are_fine(tmp_path: Path) -> None:
    k = case(tmp_path, USERS, USERS + "  teams:\n    columns:\n      id: uuid\n")
    index = c.Rename("index", "public", "idx_a", "idx_a", "idx_b", live=True)
    extra = c.Plan(up=(*k.plan.up, c.Unit((index,))), down=())
    assert not of(k.check(plan=extra), "SC504")


# --- SC505 type-change ------------------------------------------------------------------------


def test_sc505_rewriting_type_change(tmp_path: Path) -> None:
    k = case(tmp_path, users_with("age: integer"), users_with("age: bigint"))
    [d] = of(k.check(), "SC505")
    assert d.severity is Severity.WARNING
    assert "users.age from integer to bigint" in d.message and "rewrites" in d.message
    assert_at(d, k, "age: bigint")


def test_sc505_binary_compatible_type_change_is_fine(tmp_path: Path) -> None:
    k = case(tmp_path, users_with("code: varchar(20)"), users_with("code: varchar(40)"))
    assert any(isinstance(ch, c.AlterColumn) and ch.action == "type" for ch in k.plan.changes)
    assert not of(k.check(), "SC505")


# --- SC506 set-not-null -----------------------------------------------------------------------


def test_sc506_set_not_null_without_a_validated_check(tmp_path: Path) -> None:
    k = case(tmp_path, users_with("nick: {type: text, nullable: true}"), users_with("nick: text"))
    assert not of(k.check(), "SC506")  # the planner proves it with a validated CHECK first

    def unproven(ch: c.AlterColumn) -> c.Change:
        return replace(ch, proven=False) if ch.action == "set not null" else ch

    [d] = of(k.check(plan=k.changed(c.AlterColumn, unproven)), "SC506")
    assert d.severity is Severity.WARNING and "users.nick" in d.message
    assert "NOT VALID" in (d.help or "")
    assert_at(d, k, "nick: text")


# --- SC507 foreign-key-not-valid --------------------------------------------------------------


def test_sc507_foreign_key_added_without_not_valid(tmp_path: Path) -> None:
    teams = "  teams:\n    columns:\n      id: uuid\n    primary_key: [id]\n"
    k = case(
        tmp_path,
        USERS + teams,
        users_with("team_id: {type: uuid, nullable: true, references: teams}", extra=teams),
    )
    assert not of(k.check(), "SC507")  # planned NOT VALID, validated later
    broken = k.changed(c.AddForeignKey, lambda ch: replace(ch, not_valid=False))
    [d] = of(k.check(plan=broken), "SC507")
    assert d.severity is Severity.WARNING
    assert "fk_users_team_id" in d.message and "teams" in d.message
    assert "VALIDATE" in (d.help or "")
    assert_at(d, k, "team_id:")


# --- SC508 enum-value-removal -----------------------------------------------------------------

ENUM_USERS = """
enums:
  status: [open, closed, archived]
tables:
  users:
    columns:
      id: uuid
      status: {type: status, default: "'open'"}
"""


def test_sc508_removed_enum_value_replaces_sc503(tmp_path: Path) -> None:
    k = case(tmp_path, ENUM_USERS, ENUM_USERS.replace("[open, closed, archived]", "[open, closed]"))
    found = k.check()
    [d] = of(found, "SC508")
    assert not of(found, "SC503"), "the aside type's drop is SC508's, not SC503's"
    assert d.severity is Severity.ERROR and d.name == "enum-value-removal"
    assert "enum status loses value 'archived'" in d.message
    assert_at(d, k, "  status: [open, closed]")
    [moved] = of(found, "SC505")
    assert "rebuilt enum" in moved.message
    [allowed] = of(k.check(allow_destructive=True), "SC508")
    assert allowed.severity is Severity.WARNING
    [timeout] = of(k.check(lock_timeout=None), "SC509")
    assert "status_old" not in timeout.message  # a type is no relation
    # the first lock is the DROP DEFAULT before the type change: at the column in the new specs
    assert_at(timeout, k, "      status: {type: status")


def test_sc508_reordered_values(tmp_path: Path) -> None:
    k = case(
        tmp_path,
        ENUM_USERS,
        ENUM_USERS.replace("[open, closed, archived]", "[closed, open, archived]"),
    )
    [d] = of(k.check(), "SC508")
    assert "reorders its values" in d.message


def test_sc508_appended_value_and_dropped_enum_are_not_removals(tmp_path: Path) -> None:
    k = case(tmp_path, ENUM_USERS, ENUM_USERS.replace("archived]", "archived, spam]"))
    assert not of(k.check(), "SC508")
    plain = "tables:\n  users:\n    columns:\n      id: uuid\n"
    k = case(tmp_path / "dropped", "enums:\n  mood: [ok, meh]\n" + plain, plain)
    found = k.check()
    assert not of(found, "SC508")
    [d] = of(found, "SC503")
    assert d.message.startswith("type mood was removed from the specs") and d.span is None


# --- SC509 lock-timeout -----------------------------------------------------------------------


@pytest.mark.parametrize("timeout", [None, "0", "0ms", ""])
def test_sc509_access_exclusive_without_lock_timeout(tmp_path: Path, timeout: str | None) -> None:
    k = case(tmp_path, USERS, users_with("nick: {type: text, nullable: true}"))
    [d] = of(k.check(lock_timeout=timeout), "SC509")
    assert d.severity is Severity.WARNING and "ACCESS EXCLUSIVE locks on users" in d.message
    assert "lock_timeout" in (d.help or "")
    assert_at(d, k, "nick:")


def test_sc509_lock_timeout_set_or_nothing_live(tmp_path: Path) -> None:
    k = case(tmp_path, USERS, users_with("nick: {type: text, nullable: true}"))
    assert not of(k.check(lock_timeout="5s"), "SC509")
    fresh = case(tmp_path / "fresh", "tables: {}\n", USERS)
    assert not of(fresh.check(lock_timeout=None), "SC509")


# --- SC510 not-null-without-default -----------------------------------------------------------


def test_sc510_not_null_column_without_default(tmp_path: Path) -> None:
    k = case(tmp_path, USERS, users_with("locale: text"))
    [d] = of(k.check(), "SC510")
    assert d.severity is Severity.ERROR and d.name == "not-null-without-default"
    assert "users.locale" in d.message and "holds a row" in d.message
    assert "default" in (d.help or "") and "nullable" in (d.help or "")
    assert_at(d, k, "locale: text")


def test_sc510_default_nullable_identity_or_new_table_are_fine(tmp_path: Path) -> None:
    k = case(
        tmp_path,
        USERS,
        users_with(
            "locale: {type: text, default: \"'en'\"}",
            "nick: {type: text, nullable: true}",
            "badge: {type: bigint, identity: by_default}",
        )
        + "  teams:\n    columns:\n      id: uuid\n      name: text\n",
    )
    assert not of(k.check(), "SC510")


# --- SC511 enum-value-used-same-migration -----------------------------------------------------

INVOICES = """
enums:
  invoice_status: [draft, sent]
tables:
  invoices:
    columns:
      id: {type: uuid, primary_key: true}
"""
PAID = INVOICES.replace("[draft, sent]", "[draft, sent, paid]").rstrip("\n") + (
    "\n      status: {type: invoice_status, default: \"'paid'\"}\n"
    "seed:\n  invoices:\n    key: [id]\n    rows:\n"
    "      - {id: 10000000-0000-0000-0000-000000000001, status: paid}\n"
)


def test_sc511_new_value_is_committed_before_use(tmp_path: Path) -> None:
    k = case(tmp_path, INVOICES, PAID)
    first = k.plan.up[0].changes
    assert [type(ch) for ch in first] == [c.AddEnumValue]
    assert not of(k.check(), "SC511")


def test_sc511_new_value_used_in_the_unit_that_adds_it(tmp_path: Path) -> None:
    k = case(tmp_path, INVOICES, PAID)
    merged = c.Plan(up=(c.Unit(k.plan.changes),), down=())
    default, seed = of(k.check(plan=merged), "SC511")
    assert default.severity is Severity.ERROR
    assert "value 'paid' of enum invoice_status is used by the default of invoices.status" in (
        default.message
    )
    assert "55P04" in default.message and "earlier" in (default.help or "")
    assert_at(default, k, "status: {type: invoice_status")
    assert "seed rows of invoices" in seed.message
    assert seed.span is not None and seed.span.line == k.line("seed:") + 1


def test_sc511_use_before_the_value_is_added(tmp_path: Path) -> None:
    k = case(tmp_path, INVOICES, PAID)
    later = (*k.plan.up[1:], k.plan.up[0])
    found = of(k.check(plan=c.Plan(up=later, down=())), "SC511")
    assert found and all("before the migration unit that adds it" in d.message for d in found)


def test_sc511_text_column_with_the_same_literal_is_not_a_use(tmp_path: Path) -> None:
    k = case(
        tmp_path,
        INVOICES,
        INVOICES.replace("[draft, sent]", "[draft, sent, paid]")
        + "      note: {type: text, default: \"'paid'\"}\n",
    )
    merged = c.Plan(up=(c.Unit(k.plan.changes),), down=())
    assert not of(k.check(plan=merged), "SC511")


# --- SC512 locking-change, SC513 irreversible-change ------------------------------------------

EVENTS = """
tables:
  events:
    columns:
      id: uuid
      created_at: timestamptz
    primary_key: [id, created_at]
    partition_by: {range: [created_at]}
    partitions:
      - {name: events_2026_01, from: "2026-01-01", to: "2026-02-01"}
"""
NEXT = '      - {name: events_2026_02, from: "2026-02-01", to: "2026-03-01"}\n'
DEFAULT = "      - {name: events_default, default: true}\n"


def test_sc512_partition_added_next_to_a_default_partition(tmp_path: Path) -> None:
    k = case(tmp_path, EVENTS + DEFAULT, EVENTS + NEXT + DEFAULT)
    [d] = of(k.check(), "SC512")
    assert d.severity is Severity.INFO and "ACCESS EXCLUSIVE on events" in d.message
    assert "default partition is scanned" in d.message
    assert_at(d, k, "events_2026_02")


def test_sc512_partition_without_a_default_partition_is_quiet(tmp_path: Path) -> None:
    k = case(tmp_path, EVENTS, EVENTS + NEXT)
    assert not k.check()


def test_sc513_added_enum_value_cannot_be_undone(tmp_path: Path) -> None:
    k = case(tmp_path, INVOICES, INVOICES.replace("[draft, sent]", "[draft, sent, paid]"))
    [d] = k.check()
    assert (d.code, d.severity) == ("SC513", Severity.INFO)
    assert "adding value 'paid' to enum invoice_status" in d.message
    assert_at(d, k, "invoice_status:")
    assert not case(tmp_path / "same", INVOICES, INVOICES).check()


# --- suppression and configuration ------------------------------------------------------------


def test_spec_ignore_on_the_table_or_column_suppresses(tmp_path: Path) -> None:
    renamed = USERS.replace(
        "  users:\n", "  members:\n    renamed_from: users\n    lint: {ignore: [rename]}\n"
    )
    k = case(tmp_path, USERS, renamed)
    assert not of(k.check(), "SC504")
    k = case(tmp_path / "col", USERS, users_with("locale: {type: text, lint: {ignore: [SC510]}}"))
    assert not of(k.check(), "SC510")


def test_config_ignore_and_severity_do_not_lift_the_gate(tmp_path: Path) -> None:
    new = USERS.replace("  users:\n", "  members:\n    renamed_from: users\n")
    k = case(tmp_path, users_with("legacy: {type: text, nullable: true}"), new)
    found = k.check(ignore=["SC5"], severity={"SC503": "info"})
    assert [(d.code, d.severity) for d in found] == [("SC503", Severity.ERROR)]
    [d] = of(k.check(severity={"SC5": "info", "rename": "error"}), "SC504")
    assert d.severity is Severity.ERROR


def test_rules_limit_the_check(tmp_path: Path) -> None:
    k = case(tmp_path, users_with("legacy: {type: text, nullable: true}"), users_with("x: text"))
    found = k.check(rules=[get_planner_rule("SC510")])
    assert [d.code for d in found] == ["SC510"]
