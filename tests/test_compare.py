"""compare(): a hand-built spec Schema against a database made from hand-written DDL.

The identical database gives no diagnostic; each kind of drift, made with one ALTER, gives exactly
one diagnostic located at the spec object; PostgreSQL's own respellings give none.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from schemac.diagnostics import Diagnostic, Severity
from schemac.inspect import introspect
from schemac.model.names import search_path
from schemac.model.schema import (
    Check,
    Column,
    Enum,
    Extension,
    ForeignKey,
    Function,
    Index,
    IndexPart,
    MaterializedView,
    Partition,
    Partitioning,
    Policy,
    PrimaryKey,
    Rls,
    Schema,
    Table,
    Trigger,
    View,
)
from schemac.source import Span
from schemac.verify.canonical import canonical_view_sql
from schemac.verify.compare import compare

pytestmark = pytest.mark.postgres

Conn = psycopg.Connection[tuple[object, ...]]

DDL = """
CREATE EXTENSION pg_trgm;
CREATE TYPE tenant_plan AS ENUM ('free', 'pro');
CREATE TABLE tenants (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name varchar(255) NOT NULL,
  plan tenant_plan NOT NULL DEFAULT 'free',
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  balance numeric(19,4) NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tenants_pkey PRIMARY KEY (id),
  CONSTRAINT chk_tenants_balance CHECK (balance >= 0)
);
COMMENT ON TABLE tenants IS 'Top-level tenant''s row';
CREATE INDEX idx_tenants_name ON tenants USING gin (name gin_trgm_ops);
CREATE TABLE users (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL,
  email varchar(320) NOT NULL,
  status varchar(20) NOT NULL DEFAULT 'active',
  deleted_at timestamptz,
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT chk_users_status CHECK (status IN ('active', 'locked')),
  CONSTRAINT fk_users_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id)
    ON DELETE RESTRICT
);
COMMENT ON COLUMN users.email IS 'Normalised lower case';
CREATE INDEX idx_users_tenant_id ON users (tenant_id);
CREATE UNIQUE INDEX uq_users_tenant_email ON users (tenant_id, lower(email))
  WHERE deleted_at IS NULL;
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users
  USING (tenant_id = current_setting('app.tenant_id')::uuid);
CREATE TABLE audit_logs (
  id uuid NOT NULL, created_at timestamptz NOT NULL, action text NOT NULL,
  CONSTRAINT audit_logs_pkey PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE audit_logs_2026_01 PARTITION OF audit_logs
  FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE audit_logs_default PARTITION OF audit_logs DEFAULT;
CREATE VIEW active_users AS SELECT * FROM users WHERE deleted_at IS NULL;
CREATE MATERIALIZED VIEW users_per_tenant AS
  SELECT tenant_id, count(*) AS total FROM users GROUP BY 1;
CREATE UNIQUE INDEX uq_users_per_tenant_tenant_id ON users_per_tenant (tenant_id);
CREATE FUNCTION updated_at_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END;
$$;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION updated_at_trigger();
"""


def at(line: int) -> Span:
    return Span("specs/app.md", line, 3)


BODY = "BEGIN\n  NEW.updated_at = now();\n  RETURN NEW;\nEND;\n"

SPEC = Schema(
    extensions=(Extension(name="pg_trgm", span=at(2)),),
    enums=(Enum(name="tenant_plan", values=("free", "pro"), span=at(4)),),
    functions=(Function(name="updated_at_trigger", returns="trigger", body=BODY, span=at(6)),),
    tables=(
        Table(
            name="tenants",
            description="Top-level tenant's row",
            columns=(
                Column(name="id", type="uuid", default="gen_random_uuid()", span=at(11)),
                Column(name="name", type="varchar(255)", span=at(12)),
                Column(name="plan", type="tenant_plan", default="'free'", span=at(13)),
                Column(name="settings", type="jsonb", default="'{}'::jsonb", span=at(14)),
                Column(name="balance", type="numeric(19,4)", default="0", span=at(15)),
                Column(name="created_at", type="timestamptz", default="now()", span=at(16)),
                Column(name="updated_at", type="timestamptz", default="now()", span=at(17)),
            ),
            primary_key=PrimaryKey(name="tenants_pkey", columns=("id",), span=at(11)),
            checks=(Check(name="chk_tenants_balance", expression="balance >= 0", span=at(18)),),
            indexes=(
                Index(
                    name="idx_tenants_name",
                    parts=(IndexPart(column="name", opclass="gin_trgm_ops"),),
                    method="gin",
                    span=at(19),
                ),
            ),
            span=at(10),
        ),
        Table(
            name="users",
            columns=(
                Column(name="id", type="uuid", default="gen_random_uuid()", span=at(22)),
                Column(name="tenant_id", type="uuid", span=at(23)),
                Column(
                    name="email",
                    type="varchar(320)",
                    description="Normalised lower case",
                    span=at(24),
                ),
                Column(name="status", type="varchar(20)", default="'active'", span=at(25)),
                Column(name="deleted_at", type="timestamptz", nullable=True, span=at(26)),
            ),
            primary_key=PrimaryKey(name="users_pkey", columns=("id",), span=at(22)),
            checks=(
                Check(
                    name="chk_users_status",
                    expression="status IN ('active', 'locked')",
                    column="status",
                    span=at(27),
                ),
            ),
            foreign_keys=(
                ForeignKey(
                    name="fk_users_tenant_id",
                    columns=("tenant_id",),
                    ref_schema="public",
                    ref_table="tenants",
                    ref_columns=("id",),
                    on_delete="restrict",
                    span=at(28),
                ),
            ),
            indexes=(
                Index(
                    name="idx_users_tenant_id", parts=(IndexPart(column="tenant_id"),), span=at(29)
                ),
                Index(
                    name="uq_users_tenant_email",
                    parts=(IndexPart(column="tenant_id"), IndexPart(expression="lower(email)")),
                    unique=True,
                    where="deleted_at IS NULL",
                    span=at(30),
                ),
            ),
            rls=Rls(
                enabled=True,
                policies=(
                    Policy(
                        name="tenant_isolation",
                        using="tenant_id = current_setting('app.tenant_id')::uuid",
                        span=at(33),
                    ),
                ),
                span=at(32),
            ),
            span=at(21),
        ),
        Table(
            name="audit_logs",
            columns=(
                Column(name="id", type="uuid", span=at(41)),
                Column(name="created_at", type="timestamptz", span=at(42)),
                Column(name="action", type="text", span=at(43)),
            ),
            primary_key=PrimaryKey(name="audit_logs_pkey", columns=("id", "created_at")),
            partitioning=Partitioning(strategy="range", keys=("created_at",), span=at(44)),
            partitions=(
                Partition(
                    name="audit_logs_2026_01",
                    range_from=("'2026-01-01'",),
                    range_to=("'2026-02-01'",),
                    span=at(45),
                ),
                Partition(name="audit_logs_default", default=True, span=at(46)),
            ),
            span=at(40),
        ),
    ),
    views=(
        View(
            name="active_users", query="SELECT * FROM users WHERE deleted_at IS NULL", span=at(50)
        ),
    ),
    materialized_views=(
        MaterializedView(
            name="users_per_tenant",
            query="SELECT tenant_id, count(*) AS total FROM users GROUP BY 1",
            indexes=(
                Index(
                    name="uq_users_per_tenant_tenant_id",
                    parts=(IndexPart(column="tenant_id"),),
                    unique=True,
                    span=at(54),
                ),
            ),
            span=at(52),
        ),
    ),
    triggers=(
        Trigger(
            name="set_updated_at",
            table="tenants",
            timing="before",
            events=("update",),
            function="updated_at_trigger",
            span=at(58),
        ),
    ),
)


@pytest.fixture
def conn(pg_conninfo: str) -> Iterator[Conn]:
    with psycopg.connect(pg_conninfo, autocommit=True) as connection:
        connection.execute(DDL)
        yield connection


def diff(conn: Conn, spec: Schema = SPEC) -> list[Diagnostic]:
    return compare(
        spec,
        introspect(conn),
        view_sql=lambda q, s: canonical_view_sql(conn, q, search_path=search_path(s)),
    )


def only(diagnostics: list[Diagnostic]) -> Diagnostic:
    assert len(diagnostics) == 1, [d.message for d in diagnostics]
    assert diagnostics[0].severity is Severity.ERROR and diagnostics[0].help
    return diagnostics[0]


def test_identical_database_has_no_differences(conn: Conn) -> None:
    assert diff(conn) == []


def test_compare_with_itself_is_empty(conn: Conn) -> None:
    db = introspect(conn)
    assert compare(db, db) == []


def test_postgres_respellings_are_not_differences(conn: Conn) -> None:
    conn.execute("ALTER TABLE tenants ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP")
    conn.execute("ALTER TABLE tenants ALTER COLUMN balance SET DEFAULT (0)::numeric")
    conn.execute("ALTER TABLE tenants ALTER COLUMN plan SET DEFAULT 'free'::tenant_plan")
    assert diff(conn) == []


@pytest.mark.parametrize(
    ("ddl", "code", "message", "span"),
    [
        (
            "ALTER TABLE tenants ALTER COLUMN name TYPE text",
            "V003",
            "tenants.name: spec says varchar(255), database has text",
            at(12),
        ),
        # a type modifier is part of the type: a length, a precision and scale, a precision
        (
            "ALTER TABLE tenants ALTER COLUMN name TYPE varchar(100)",
            "V003",
            "tenants.name: spec says varchar(255), database has varchar(100)",
            at(12),
        ),
        (
            "ALTER TABLE tenants ALTER COLUMN balance TYPE numeric(10,2)",
            "V003",
            "tenants.balance: spec says numeric(19,4), database has numeric(10,2)",
            at(15),
        ),
        (
            "ALTER TABLE tenants ALTER COLUMN balance TYPE numeric(19,2)",
            "V003",
            "tenants.balance: spec says numeric(19,4), database has numeric(19,2)",
            at(15),
        ),
        (
            "ALTER TABLE tenants ALTER COLUMN balance TYPE numeric",
            "V003",
            "tenants.balance: spec says numeric(19,4), database has numeric",
            at(15),
        ),
        (
            "ALTER TABLE tenants ALTER COLUMN updated_at TYPE timestamptz(3)",
            "V003",
            "tenants.updated_at: spec says timestamptz, database has timestamptz(3)",
            at(17),
        ),
        (
            "DROP INDEX idx_users_tenant_id",
            "V001",
            "index idx_users_tenant_id on users: missing from the database",
            at(29),
        ),
        (
            "CREATE TABLE audit_logs_tmp (id int)",
            "V002",
            "table audit_logs_tmp: in the database, not in the spec",
            None,
        ),
        (
            "ALTER TABLE users DROP CONSTRAINT fk_users_tenant_id, ADD CONSTRAINT "
            "fk_users_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE",
            "V003",
            "foreign key fk_users_tenant_id on users: spec says on delete restrict, "
            "database has on delete cascade",
            at(28),
        ),
        (
            "ALTER POLICY tenant_isolation ON users USING (tenant_id IS NOT NULL)",
            "V003",
            "policy tenant_isolation on users: spec says using tenant_id = "
            "current_setting('app.tenant_id')::uuid, database has using tenant_id IS NOT NULL",
            at(33),
        ),
        (
            "ALTER TABLE tenants ALTER COLUMN plan SET DEFAULT 'pro'",
            "V003",
            "tenants.plan: spec says default 'free', database has default 'pro'::tenant_plan",
            at(13),
        ),
        (
            "ALTER TYPE tenant_plan ADD VALUE 'enterprise'",
            "V003",
            "enum tenant_plan: spec says values (free, pro), database has values "
            "(free, pro, enterprise)",
            at(4),
        ),
        (
            "ALTER TABLE tenants ADD COLUMN nickname text",
            "V002",
            "column tenants.nickname: in the database, not in the spec",
            at(10),
        ),
        (
            "ALTER TABLE users ALTER COLUMN deleted_at SET NOT NULL",
            "V003",
            "users.deleted_at: spec says NULL, database has NOT NULL",
            at(26),
        ),
        (
            "ALTER TABLE tenants DROP CONSTRAINT chk_tenants_balance, ADD CONSTRAINT "
            "chk_tenants_balance CHECK (balance > 0)",
            "V003",
            "check chk_tenants_balance on tenants: spec says balance >= 0, "
            "database has balance > 0::numeric",
            at(18),
        ),
        (
            "DROP TABLE audit_logs_2026_01",
            "V001",
            "partition audit_logs_2026_01 of audit_logs: missing from the database",
            at(45),
        ),
        (
            "ALTER TABLE users DISABLE ROW LEVEL SECURITY",
            "V003",
            "table users: spec says row level security yes, database has row level security no",
            at(32),
        ),
        (
            "CREATE OR REPLACE VIEW active_users AS "
            "SELECT * FROM users WHERE deleted_at IS NOT NULL",
            "V003",
            "view active_users: spec says query",
            at(50),
        ),
        (
            "DROP TRIGGER set_updated_at ON tenants",
            "V001",
            "trigger set_updated_at on tenants: missing from the database",
            at(58),
        ),
        (
            "CREATE OR REPLACE FUNCTION updated_at_trigger() RETURNS trigger LANGUAGE plpgsql "
            "AS 'BEGIN RETURN NEW; END;'",
            "V003",
            "function updated_at_trigger: spec says body",
            at(6),
        ),
        (
            "COMMENT ON TABLE tenants IS NULL",
            "V003",
            "table tenants: spec says description 'Top-level tenant''s row', "
            "database has no description",
            at(10),
        ),
        (
            "DROP MATERIALIZED VIEW users_per_tenant; CREATE MATERIALIZED VIEW users_per_tenant AS "
            "SELECT tenant_id, count(*) AS total FROM users GROUP BY 1",
            "V001",
            "index uq_users_per_tenant_tenant_id on users_per_tenant: missing from the database",
            at(54),
        ),
        (
            "CREATE SCHEMA scratch",
            "V002",
            "schema scratch: in the database, not in the spec",
            None,
        ),
    ],
)
def test_each_drift_is_one_located_diagnostic(
    conn: Conn, ddl: str, code: str, message: str, span: Span | None
) -> None:
    conn.execute(ddl)
    found = only(diff(conn))
    assert found.code == code
    assert found.message.startswith(message), found.message
    assert (found.span is None) == (span is None)
    if span is not None and found.span is not None:
        assert (found.span.line, found.span.col) == (span.line, span.col)


def test_missing_table_is_one_diagnostic(conn: Conn) -> None:
    conn.execute("DROP TABLE audit_logs")
    found = only(diff(conn))
    assert (found.code, found.message) == ("V001", "table audit_logs: missing from the database")
    assert found.span is not None and found.span.line == 40


def test_partition_bounds_compare_as_values(conn: Conn) -> None:
    conn.execute("ALTER TABLE audit_logs DETACH PARTITION audit_logs_2026_01")
    conn.execute(
        "ALTER TABLE audit_logs ATTACH PARTITION audit_logs_2026_01 "
        "FOR VALUES FROM ('2026-01-01') TO ('2026-03-01')"
    )
    found = only(diff(conn))
    assert found.message.startswith(
        "partition audit_logs_2026_01 of audit_logs: spec says FOR VALUES FROM ('2026-01-01') "
        "TO ('2026-02-01'), database has FOR VALUES FROM ('2026-01-01 00:00:00"
    )


def test_function_argument_change_is_one_difference(conn: Conn) -> None:
    # the body as a migration writes it (between two line breaks)
    conn.execute("CREATE FUNCTION add(a int) RETURNS int LANGUAGE sql AS E'\\nSELECT a\\n'")
    spec = SPEC.model_copy(
        update={
            "functions": (
                *SPEC.functions,
                Function(
                    name="add",
                    arguments="a bigint",
                    returns="int",
                    language="sql",
                    body="SELECT a",
                    span=at(70),
                ),
            )
        }
    )
    found = only(diff(conn, spec))
    assert found.message == (
        "function add: spec says arguments (a bigint), database has arguments (a integer)"
    )


def test_views_without_a_server_compare_normalised_text(conn: Conn) -> None:
    db = introspect(conn)
    spec = SPEC.model_copy(
        update={
            "views": tuple(
                s.model_copy(update={"query": " " + d.query.replace("\n", " ") + ";"})
                for s, d in zip(SPEC.views, db.views, strict=True)
            ),
            "materialized_views": tuple(
                s.model_copy(update={"query": d.query})
                for s, d in zip(SPEC.materialized_views, db.materialized_views, strict=True)
            ),
        }
    )
    assert compare(spec, db, view_sql=None) == []
