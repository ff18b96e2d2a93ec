"""Rendering: one example of each change kind against its golden file, and the syntax check."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemac.config import Settings
from schemac.model.schema import (
    Aggregate,
    Check,
    Column,
    Enum,
    Extension,
    ForeignKey,
    Function,
    Index,
    IndexPart,
    MaterializedView,
    Operator,
    Partition,
    Partitioning,
    Policy,
    PrimaryKey,
    Rls,
    SeedTable,
    SequenceOptions,
    Table,
    Trigger,
    Unique,
    View,
)
from schemac.plan import changes as c
from schemac.render.check import RenderBug, check_statements
from schemac.render.clauses import function_signature
from schemac.render.environment import make_environment
from schemac.render.sql import render_change, render_unit
from tests.render_alter_examples import NOT_APPLIED, alter_examples
from tests.render_object_examples import composite_examples, domain_examples, object_examples

GOLDEN = Path(__file__).parent / "golden" / "render"

#: an operator outside public, with a commutator (created as a shell) and estimators
REVERSE_MATCH = Operator(
    schema_name="app",
    name="~<<",
    function="textregexeq",
    leftarg="text",
    rightarg="text",
    commutator_schema="app",
    commutator=">>~",
    restrict_schema="pg_catalog",
    restrict="regexeqsel",
    join_schema="pg_catalog",
    join="regexeqjoinsel",
)
TENANT_FK = ForeignKey(
    name="fk_users_tenant_id",
    columns=("tenant_id",),
    ref_schema="public",
    ref_table="tenants",
    ref_columns=("id",),
    on_delete="restrict",
)

USERS = Table(
    name="users",
    description="People who sign in.",
    columns=(
        Column(name="id", type="uuid", default="gen_random_uuid()"),
        Column(name="tenant_id", type="uuid"),
        Column(name="email", type="varchar(320)", collation="C"),
        Column(name="order", type="integer", nullable=True),
        Column(name="age", type="integer", nullable=True),
        Column(name="n", type="bigint", identity="always"),
        Column(
            name="m",
            type="bigint",
            identity="by_default",
            identity_options=SequenceOptions(
                start=100, increment=-2, min_value=-1000, max_value=100, cache=10, cycle=True
            ),
        ),
        Column(name="price", type="numeric(19,4)"),
        Column(name="quantity", type="integer", default="1"),
        Column(name="total", type="numeric(19,4)", nullable=True, generated="price * quantity"),
        Column(name="created_at", type="timestamptz(3)", default="now()"),
        Column(name="role", type="user_role", default="'member'"),
        Column(name="tags", type="text[]", default="'{}'"),
        Column(name="deleted_at", type="timestamptz", nullable=True),
    ),
    primary_key=PrimaryKey(name="users_pkey", columns=("id",)),
    uniques=(
        Unique(name="uq_users_email", columns=("email",)),
        Unique(name="uq_users_n", columns=("n", "m"), deferrable=True),
        Unique(name="uq_users_m", columns=("m",), deferrable=True, initially_deferred=True),
    ),
    checks=(Check(name="chk_users_age", expression="age >= 0", column="age"),),
    foreign_keys=(TENANT_FK,),
    rls=Rls(enabled=True, force=True),
)

AUDIT = Table(
    schema_name="audit",
    name="audit_logs",
    columns=(
        Column(name="id", type="bigint", identity="always"),
        Column(name="created_at", type="timestamptz"),
        Column(name="Payload", type="jsonb", nullable=True),
    ),
    primary_key=PrimaryKey(name="audit_logs_pkey", columns=("id", "created_at")),
    partitioning=Partitioning(strategy="range", keys=("created_at",)),
)

AUDIT_2027 = Partition(
    name="audit_logs_2027",
    range_from=("'2027-01-01'",),
    range_to=("'2028-01-01'",),
    partitioning=Partitioning(strategy="hash", keys=("id",)),
)

ORDERS = Table(
    name="order",
    columns=(
        Column(name="id", type="uuid"),
        Column(name="user_id", type="uuid"),
        Column(name="parent_id", type="uuid", nullable=True),
    ),
    primary_key=PrimaryKey(name="order_pkey", columns=("id",)),
)

CYCLIC_FK = ForeignKey(
    name="fk_order_parent_id",
    columns=("parent_id",),
    ref_schema="public",
    ref_table="order",
    ref_columns=("id",),
    on_delete="set null",
    on_update="cascade",
    deferrable=True,
    initially_deferred=True,
)

TRIGGER_BODY = """
BEGIN
    NEW.updated_at := now();
    RETURN NEW;  -- a body holding $function$ gets another dollar tag
END;
"""

SEED = SeedTable(
    table="tenants",
    key=("id",),
    on_conflict="update",
    rows=(
        (("id", "'00000000-0000-0000-0000-000000000001'"), ("name", "'System'")),
        (("id", "'00000000-0000-0000-0000-000000000002'"), ("name", "'O''Brien'")),
    ),
)

#: one example of each change kind (several for the kinds with many shapes)
EXAMPLES: dict[str, list[c.Change]] = {
    "create_schema": [c.CreateSchema("reporting"), c.CreateSchema("Sales")],
    "create_extension": [
        c.CreateExtension(Extension(name="pgcrypto")),
        c.CreateExtension(Extension(name="pg_trgm", schema_name="extensions")),
    ],
    "create_enum": [
        c.CreateEnum(Enum(name="user_role", values=("owner", "member", "it's", "naïve"))),
        c.CreateEnum(Enum(schema_name="billing", name="status", values=("open",))),
    ],
    "create_function": [
        c.CreateFunction(Function(name="updated_at_trigger", returns="trigger", body=TRIGGER_BODY)),
        c.CreateFunction(
            Function(
                schema_name="app",
                name="current_tenant",
                arguments="fallback uuid DEFAULT NULL",
                returns="uuid",
                language="sql",
                body="SELECT coalesce(current_setting('app.tenant_id', true)::uuid, fallback)",
                volatility="stable",
                security_definer=True,
            )
        ),
        # every attribute, a list setting and a plain one, quoted as SET reads them
        c.CreateFunction(
            Function(
                name="lookup",
                arguments="key text",
                returns="SETOF text",
                language="sql",
                body="SELECT key",
                volatility="immutable",
                strict=True,
                leakproof=True,
                parallel="safe",
                cost=0.5,
                rows=10,
                settings=(("search_path", 'pg_catalog, "$user", public'), ("work_mem", "64MB")),
            )
        ),
        # called by a column default and reading a table: created before the tables
        c.CreateFunction(
            Function(
                name="last_order",
                returns="integer",
                language="sql",
                body="SELECT count(*)::integer FROM plans",
            ),
            unchecked=True,
        ),
        # a verbatim body: no line break added, a tag that its end cannot close
        c.CreateFunction(
            Function(
                name="one_line",
                returns="text",
                language="sql",
                body=" SELECT 1 -- ends in $function",
                verbatim=True,
            )
        ),
        # a procedure: no return type, INOUT and a default, a COMMIT in its body
        c.CreateFunction(
            Function(
                schema_name="app",
                name="settle",
                arguments="INOUT total integer, amount integer DEFAULT 1",
                returns="",
                body="BEGIN\n  total := total + amount;\n  COMMIT;\nEND;",
                kind="procedure",
            )
        ),
        # a changed procedure: OR REPLACE, with its security and settings
        c.CreateFunction(
            Function(
                name="Touch",
                arguments="VARIADIC ids integer[]",
                returns="",
                language="sql",
                body="UPDATE plans SET price = price WHERE false",
                security_definer=True,
                settings=(("search_path", "pg_catalog, public"),),
                kind="procedure",
            ),
            replace_of=Function(name="Touch", returns="", body="BEGIN END;", kind="procedure"),
        ),
    ],
    "create_aggregate": [
        c.CreateAggregate(
            Aggregate(
                schema_name="app",
                name="total",
                arguments="integer",
                sfunc="int4pl",
                stype="integer",
                initcond="0",
                parallel="safe",
            )
        ),
        c.CreateAggregate(
            Aggregate(
                name="Shout",
                arguments="piece text",
                sfunc="textcat",
                stype="text",
                finalfunc_schema="pg_catalog",
                finalfunc="upper",
                initcond="it's: ",
            )
        ),
    ],
    "create_operator": [
        c.CreateOperator(REVERSE_MATCH),
        c.CreateOperator(
            Operator(
                name="!!-", function="int4um", rightarg="integer", function_schema="pg_catalog"
            )
        ),
        c.CreateOperator(
            Operator(
                name="===",
                function="texteq",
                leftarg="text",
                rightarg="text",
                commutator_schema="public",
                commutator="===",
                negator_schema="public",
                negator="!==",
                restrict="eqsel",
                restrict_schema="pg_catalog",
                join="eqjoinsel",
                join_schema="pg_catalog",
                hashes=True,
                merges=True,
            )
        ),
    ],
    "alter_operator": [
        c.AlterOperator(
            REVERSE_MATCH.model_copy(update={"restrict": "eqsel", "join": None}),
            REVERSE_MATCH,
            live=True,
        ),
    ],
    "create_table": [
        c.CreateTable(USERS, inline_fks=(TENANT_FK,)),
        c.CreateTable(AUDIT),
        c.CreateTable(ORDERS),
    ],
    "create_partition": [
        c.CreatePartition(
            AUDIT,
            Partition(
                name="audit_logs_2026_01", range_from=("'2026-01-01'",), range_to=("'2026-02-01'",)
            ),
        ),
        c.CreatePartition(AUDIT, Partition(name="audit_logs_default", default=True)),
        c.CreatePartition(AUDIT, Partition(name="audit_logs_list", values=("'a'", "'b'"))),
        c.CreatePartition(AUDIT, Partition(name="audit_logs_h0", modulus=8, remainder=0)),
        # a sub-partitioned partition, then its partition
        c.CreatePartition(AUDIT, AUDIT_2027),
        c.CreatePartition(
            AUDIT_2027.as_table(AUDIT), Partition(name="audit_logs_2027_p0", modulus=1, remainder=0)
        ),
    ],
    "create_index": [
        c.CreateIndex(
            "public",
            "users",
            Index(
                name="uq_users_tenant_email",
                parts=(IndexPart(column="tenant_id"), IndexPart(expression="lower(email)")),
                unique=True,
                include=("order",),
                where="deleted_at IS NULL",
            ),
        ),
        c.CreateIndex(
            "public",
            "users",
            Index(
                name="ix_users_tags",
                parts=(IndexPart(column="tags", opclass="array_ops"),),
                method="gin",
            ),
            concurrently=True,
        ),
        c.CreateIndex(
            "audit",
            "audit_logs",
            Index(
                name="ix_audit_logs_created_at",
                parts=(
                    IndexPart(column="created_at", descending=True, nulls="last"),
                    IndexPart(expression="id + 1", nulls="first"),
                ),
            ),
        ),
    ],
    "add_foreign_key": [
        c.AddForeignKey(ORDERS, CYCLIC_FK),
        c.AddForeignKey(USERS, TENANT_FK, not_valid=True),
    ],
    "create_view": [
        c.CreateView(
            View(name="active_users", query="SELECT id, email\nFROM users\nWHERE age > 0")
        ),
    ],
    "create_materialized_view": [
        c.CreateMaterializedView(
            MaterializedView(
                schema_name="reporting",
                name="revenue_daily",
                query="SELECT date_trunc('day', created_at) AS day, count(*) AS n\n"
                "FROM users\nGROUP BY 1;",
            )
        ),
    ],
    "schedule_refresh": [
        c.ScheduleRefresh(
            "reporting.refresh_revenue_daily",
            "*/15 * * * *",
            "SELECT reporting.refresh_revenue_daily()",
        ),
        c.ScheduleRefresh(
            "public.refresh_o'brien",
            None,
            'SELECT "refresh_o\'brien"()',
            previous="0 * * * *",
        ),
    ],
    "create_trigger": [
        c.CreateTrigger(
            Trigger(
                name="set_updated_at",
                table="users",
                timing="before",
                events=("update",),
                function="updated_at_trigger",
            )
        ),
        c.CreateTrigger(
            Trigger(
                name="audit_changes",
                table_schema="audit",
                table="audit_logs",
                timing="after",
                events=("insert", "update", "delete"),
                for_each="statement",
                function_schema="app",
                function="log_change",
                when="pg_trigger_depth() = 0",
            )
        ),
        c.CreateTrigger(
            Trigger(
                name="search",
                table="users",
                timing="before",
                events=("insert", "update"),
                update_of=("email", "order"),
                function_schema="app",
                function="log_change",
                arguments=("search", "pg_catalog.english", "it's"),
            )
        ),
        c.CreateTrigger(
            Trigger(
                name="count_new",
                table="users",
                timing="after",
                events=("insert",),
                for_each="statement",
                new_table="inserted rows",
                function_schema="app",
                function="log_change",
            )
        ),
        c.CreateTrigger(
            Trigger(
                name="Settle",
                table="users",
                timing="after",
                events=("insert", "update"),
                function_schema="app",
                function="log_change",
                constraint=True,
                deferrable=True,
                initially_deferred=True,
            )
        ),
        c.CreateTrigger(
            Trigger(
                name="settle_now",
                table="users",
                timing="after",
                events=("delete",),
                function_schema="app",
                function="log_change",
                constraint=True,
            )
        ),
    ],
    "enable_rls": [c.EnableRls(USERS), c.EnableRls(AUDIT)],
    "create_policy": [
        c.CreatePolicy(
            USERS,
            Policy(
                name="tenant_isolation",
                using="tenant_id = current_setting('app.tenant_id')::uuid",
                with_check="tenant_id = current_setting('app.tenant_id')::uuid",
            ),
        ),
        c.CreatePolicy(
            USERS,
            Policy(
                name="owners_read",
                command="select",
                permissive=False,
                roles=("app_user", "Admin", "current_user"),
                using="true",
            ),
        ),
    ],
    "comment": [
        c.Comment("table", "public", "users", 'It\'s "quoted" and C:\\path'),
        c.Comment("column", "public", "users", "Address used to sign in.", sub="order"),
        c.Comment("view", "public", "active_users", None),
        c.Comment("materialized view", "reporting", "revenue_daily", "Daily revenue."),
        c.Comment("aggregate", "public", "Shout", "Upper case.", arguments="piece text"),
        c.Comment("type", "public", "user_role", "Roles."),
        c.Comment("operator", "app", "~<<", "Reverse match.", arguments="text, text"),
        c.Comment("operator", "public", "!!-", "Negated.", arguments="NONE, integer"),
        c.Comment(
            "function",
            "app",
            "current_tenant",
            "The tenant.",
            arguments="fallback uuid DEFAULT NULL",
        ),
        c.Comment(
            "procedure",
            "app",
            "settle",
            "Settles.",
            arguments="INOUT total integer, amount integer DEFAULT 1",
        ),
        c.Comment("trigger", "public", "set_updated_at", "Keeps updated_at.", sub="users"),
        c.Comment("index", "audit", "ix_audit_logs_created_at", "Newest first."),
    ],
    "insert_seed": [
        c.InsertSeed(SEED),
        c.InsertSeed(
            SeedTable(
                table="plans",
                key=("code",),
                rows=((("code", "'free'"),), (("code", "'pro'"), ("price", "10.00"))),
            )
        ),
    ],
    "drop": [
        c.Drop("table", "public", "users"),
        c.Drop("table", "audit", "audit_logs"),
        c.Drop("schema", None, "reporting"),
        c.Drop("extension", None, "pgcrypto"),
        c.Drop("type", "public", "user_role"),
        c.Drop("function", "app", "current_tenant", arguments="fallback uuid DEFAULT NULL"),
        c.Drop("index", "audit", "ix_audit_logs_created_at"),
        c.Drop("view", "public", "active_users"),
        c.Drop("materialized view", "reporting", "revenue_daily"),
        c.Drop("trigger", "public", "set_updated_at", on="users"),
        c.Drop("policy", "audit", "tenant_isolation", on="audit_logs"),
        c.Drop("table", "public", "order"),
        c.Drop("aggregate", "app", "total", arguments="integer"),
        c.Drop("operator", "public", "!!-", arguments="NONE, integer"),
        c.Drop("operator", "app", "~<<", arguments="text, text"),
        c.Drop("procedure", "app", "settle", arguments="INOUT total integer, amount integer = 1"),
        c.Drop("procedure", "public", "Touch", arguments="VARIADIC ids integer[]"),
    ],
    "drop_constraint": [c.DropConstraint(ORDERS, "fk_order_parent_id")],
    "disable_rls": [c.DisableRls(USERS), c.DisableRls(AUDIT)],
    "delete_seed": [
        c.DeleteSeed(SEED),
        c.DeleteSeed(
            SeedTable(
                table="pairs",
                key=("a", "b"),
                rows=((("a", "1"), ("b", "'x'")), (("a", "2"), ("b", "'y'"))),
            )
        ),
    ],
}


EXAMPLES.update(alter_examples(USERS, AUDIT))
EXAMPLES.update(object_examples())
EXAMPLES.update(domain_examples())
EXAMPLES.update(composite_examples())


def update_golden(request: pytest.FixtureRequest) -> bool:
    try:
        return bool(request.config.getoption("--update-golden", default=False))
    except ValueError:  # the option is registered by tests/conftest.py
        return False


def _compare(request: pytest.FixtureRequest, path: Path, actual: str) -> None:
    if update_golden(request):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
    elif not path.exists():
        # writing it here would compare the output with itself and pass whatever it is
        pytest.fail(f"{path} is missing: run pytest --update-golden, then review the new file")
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} differs from the golden file"


def test_a_missing_golden_fails_unless_goldens_are_updated(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    path = tmp_path / "missing.sql"
    if update_golden(request):
        pytest.skip("--update-golden writes missing goldens")
    with pytest.raises(pytest.fail.Exception, match="missing"):
        _compare(request, path, "SELECT 1;\n")
    assert not path.exists()


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_golden(kind: str, request: pytest.FixtureRequest) -> None:
    env = make_environment()
    actual = "\n\n".join(render_change(ch, env) for ch in EXAMPLES[kind]) + "\n"
    # every golden is SQL PostgreSQL's parser accepts
    check_statements([(kind, actual)])
    _compare(request, GOLDEN / f"{kind}.sql", actual)


def test_every_kind_has_an_example() -> None:
    assert set(EXAMPLES) == {kind.kind for kind in c.ALL_CHANGE_KINDS}


def test_unit_file(request: pytest.FixtureRequest) -> None:
    env = make_environment()
    unit = c.Unit((EXAMPLES["create_enum"][0], EXAMPLES["create_table"][0]))
    settings = Settings(lock_timeout="5s", statement_timeout="1min")
    up = render_unit(unit, env, settings, direction="up")
    _compare(request, GOLDEN / "unit_up.sql", up)
    down = c.Unit((c.Drop("table", "public", "users"), c.Drop("type", "public", "user_role")))
    assert render_unit(down, env, settings, direction="down") == (
        "-- Generated by schemac from the specs; do not edit by hand.\n\n"
        "DROP TABLE IF EXISTS users;\n\n"
        "DROP TYPE IF EXISTS user_role;\n"
    )


@pytest.mark.parametrize("layout", ["dbmate", "golang-migrate"])
def test_non_transactional_unit_is_one_statement_without_set_lines(layout: str) -> None:
    # these tools send a file as one query: a SET would make it an implicit transaction
    unit = c.Unit((EXAMPLES["create_index"][1],), transactional=False)
    up = render_unit(unit, make_environment(), Settings(format=layout), direction="up")
    assert up == (
        "-- Generated by schemac from the specs; do not edit by hand.\n"
        "-- schemac:no-transaction\n\n"
        "CREATE INDEX CONCURRENTLY ix_users_tags ON users USING gin (tags array_ops);\n"
    )


def test_flyway_non_transactional_unit_sets_only_the_lock_timeout() -> None:
    # Flyway runs an executeInTransaction=false file statement by statement; a deadline
    # right for a catalog update would kill the concurrent build, so no statement_timeout
    unit = c.Unit((EXAMPLES["create_index"][1],), transactional=False)
    settings = Settings(format="flyway", lock_timeout="5s", statement_timeout="1min")
    up = render_unit(unit, make_environment(), settings, direction="up")
    assert up == (
        "-- Generated by schemac from the specs; do not edit by hand.\n"
        "-- schemac:no-transaction\n"
        "SET lock_timeout = '5s';\n\n"
        "CREATE INDEX CONCURRENTLY ix_users_tags ON users USING gin (tags array_ops);\n"
    )


def test_no_timeouts_when_unset() -> None:
    unit = c.Unit((c.CreateSchema("reporting"),))
    settings = Settings(lock_timeout=None)
    up = render_unit(unit, make_environment(), settings, direction="up")
    assert "SET " not in up


def test_rendering_is_deterministic() -> None:
    units = [c.Unit(tuple(changes)) for changes in EXAMPLES.values()]
    first = [render_unit(u, make_environment(), Settings(), direction="up") for u in units]
    second = [render_unit(u, make_environment(), Settings(), direction="up") for u in units]
    assert first == second


def test_dollar_tag_avoids_the_body() -> None:
    body = "BEGIN\n    RAISE NOTICE '$function$';\nEND;"
    fn = Function(name="f", returns="void", body=body)
    sql = render_change(c.CreateFunction(fn), make_environment())
    assert sql.endswith("\n$function_1$;")
    check_statements([("create_function", sql)])


@pytest.mark.parametrize(
    ("arguments", "signature"),
    [
        ("", ""),
        ("fallback uuid DEFAULT NULL", "fallback uuid"),
        (
            "a text DEFAULT 'x, y', b int = 3, c numeric(10,2) default 1",
            "a text, b int, c numeric(10,2)",
        ),
        ('IN "Default" text, OUT n integer', 'IN "Default" text, OUT n integer'),
        ("default_tenant uuid", "default_tenant uuid"),
    ],
)
def test_function_signature_drops_defaults(arguments: str, signature: str) -> None:
    assert function_signature(arguments) == signature


def test_broken_overlay_template_is_a_render_bug(tmp_path: Path) -> None:
    (tmp_path / "create_enum.sql.j2").write_text("CREATE TYPE {{ name }} AS ENUM {{ values }};\n")
    env = make_environment(tmp_path)
    unit = c.Unit((c.CreateSchema("reporting"), EXAMPLES["create_enum"][0]))
    with pytest.raises(RenderBug) as info:
        render_unit(unit, env, Settings(), direction="up")
    assert "create_enum.sql.j2" in info.value.template
    assert str(tmp_path) in info.value.template  # the overlay, not the built-in, is named
    assert "CREATE TYPE user_role AS ENUM 'owner'" in str(info.value)
    assert "bug in schemac" in str(info.value)


def test_overlay_takes_precedence(tmp_path: Path) -> None:
    (tmp_path / "create_schema.sql.j2").write_text("CREATE SCHEMA {{ name }};\n")
    env = make_environment(tmp_path)
    assert render_change(c.CreateSchema("x"), env) == "CREATE SCHEMA x;"
    assert render_change(c.CreateEnum(Enum(name="e", values=("a",))), env) == (
        "CREATE TYPE e AS ENUM ('a');"
    )


def test_missing_context_key_fails(tmp_path: Path) -> None:
    import jinja2

    (tmp_path / "create_schema.sql.j2").write_text("CREATE SCHEMA {{ nme }};\n")
    with pytest.raises(jinja2.UndefinedError):
        render_change(c.CreateSchema("x"), make_environment(tmp_path))


def test_missing_semicolon_is_a_render_bug(tmp_path: Path) -> None:
    (tmp_path / "create_schema.sql.j2").write_text("CREATE SCHEMA {{ name }}\n")
    unit = c.Unit((c.CreateSchema("a"), c.CreateSchema("b")))
    with pytest.raises(RenderBug, match="does not end with ';'"):
        render_unit(unit, make_environment(tmp_path), Settings(), direction="up")


#: what the examples reference but do not create, so they can run on a real server
SETUP = """
CREATE SCHEMA audit;
CREATE SCHEMA app;
CREATE SCHEMA billing;
CREATE SCHEMA extensions;
CREATE TABLE tenants (id uuid PRIMARY KEY, name text NOT NULL);
CREATE TABLE plans (code text PRIMARY KEY, price numeric DEFAULT 0);
CREATE TABLE pairs (a integer, b text);
CREATE TABLE loose (id integer);
CREATE FUNCTION app.log_change() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
DO $$
BEGIN
    CREATE ROLE app_user;
    CREATE ROLE "Admin";
EXCEPTION WHEN duplicate_object THEN
    NULL;  -- roles belong to the cluster, which a previous test may have given them
END
$$;
"""

#: (kind, indexes into EXAMPLES[kind]) in an order PostgreSQL accepts; the list and hash
#: partitions and the duplicate foreign key cannot coexist with the other examples
UP_ORDER = [
    ("create_schema", None),
    ("create_extension", None),
    ("create_enum", None),
    ("create_function", None),
    ("create_aggregate", None),
    ("create_operator", None),
    ("create_table", None),
    ("create_partition", [0, 1, 4, 5]),
    ("create_index", None),
    ("add_foreign_key", [0]),
    ("create_view", None),
    ("create_materialized_view", None),
    ("schedule_refresh", None),  # guarded: a no-op without pg_cron
    ("create_trigger", None),
    ("enable_rls", None),
    ("create_policy", None),
    ("comment", None),
    ("alter_operator", None),
    ("insert_seed", None),
    ("insert_seed", None),  # seeds are idempotent
]
DOWN_ORDER = [
    ("delete_seed", None),
    ("drop_constraint", None),
    ("disable_rls", None),
    ("drop", [13, 14, 15, 16, 9, 10, 7, 8, 6, 0, 1, 11, 12, 5, 4, 2, 3]),
]


def _changes(order: list[tuple[str, list[int] | None]]) -> list[c.Change]:
    picked: list[c.Change] = []
    for kind, indexes in order:
        examples = EXAMPLES[kind]
        picked.extend(examples if indexes is None else [examples[i] for i in indexes])
    return picked


@pytest.mark.postgres
def test_examples_run_on_a_real_server(pg_conninfo: str) -> None:
    import psycopg

    env = make_environment()
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        conn.execute(SETUP)
        for change in _changes(UP_ORDER):
            conn.execute(render_change(change, env))
        names = conn.execute("SELECT name FROM tenants ORDER BY id").fetchall()
        assert names == [("System",), ("O'Brien",)]
        comment = conn.execute("SELECT obj_description('users'::regclass, 'pg_class')")
        assert comment.fetchone() == ('It\'s "quoted" and C:\\path',)
        for kind, examples in alter_examples(USERS, AUDIT).items():
            for i, change in enumerate(examples):
                if (kind, i) not in NOT_APPLIED:
                    conn.execute(render_change(change, env))
        for change in _changes(DOWN_ORDER):
            conn.execute(render_change(change, env))
        left = conn.execute(
            "SELECT count(*) FROM pg_class WHERE relname IN ('users', 'audit_logs', 'order')"
        )
        assert left.fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM tenants").fetchone() == (0,)
        # DROP PROCEDURE IF EXISTS names each procedure by its identity: none is left
        assert conn.execute("SELECT count(*) FROM pg_proc WHERE prokind = 'p'").fetchone() == (0,)
