"""What every spec model and key means: the text of the JSON Schema's `description`s.

One table, kept apart from spec/models.py so a field's meaning is written once and shows up in
both the JSON Schema (editor hover text) and docs/spec-format.md. Keys are the names users write
(aliases: `schema`, `range`, `from`). A test fails for a model or key of the JSON Schema without
a description here, and for a description of a key that no longer exists.
"""

from __future__ import annotations

#: model -> what one value of the model is
MODELS: dict[str, str] = {
    "DocumentSpec": (
        "One spec file's front-matter: document fields, then the schema objects it declares. "
        "A spec directory's files are merged into one schema; every name is unique across them."
    ),
    "DatabaseSpec": (
        "The target database. Written at most once across all spec files; config "
        "`postgres_version` overrides `version`."
    ),
    "LintSpec": "Lint suppressions for this object and everything inside it.",
    "ExtensionSpec": "A PostgreSQL extension (CREATE EXTENSION IF NOT EXISTS).",
    "ReferencingSpec": (
        "A trigger's transition tables (REFERENCING OLD TABLE AS ... NEW TABLE AS ...), for AFTER "
        "triggers only."
    ),
    "AggregateSpec": (
        "An aggregate (CREATE AGGREGATE), keyed by its name: a state function folded over the "
        "rows, with an optional final function."
    ),
    "OperatorSpec": (
        'A user-defined operator (CREATE OPERATOR), keyed by its symbol (e.g. `"~<<"`): '
        "a function called as a binary or prefix operator."
    ),
    "SequenceSpec": (
        "A sequence of its own (CREATE SEQUENCE): options left out take PostgreSQL's defaults "
        "for the type and the direction of `increment`."
    ),
    "DomainSpec": (
        "A domain (CREATE DOMAIN), usable as a column type: a base type with NOT NULL, a "
        "default and named checks that read the value as VALUE."
    ),
    "CompositeSpec": (
        "A composite type (CREATE TYPE ... AS (...)), usable as the type of columns and of "
        "function arguments and results."
    ),
    "AttributeSpec": "One attribute of a composite type: `name: type`, or the long form.",
    "ReplicaIndexSpec": (
        "REPLICA IDENTITY USING INDEX: the index (or key) whose columns identify a row."
    ),
    "DomainCheckSpec": (
        "A check of a domain, keyed by its constraint name: a boolean expression over VALUE, or "
        "the long form."
    ),
    "IdentitySpec": (
        "GENERATED ... AS IDENTITY: `always` or `by_default`, or the long form with the "
        "options of the identity's sequence (those left out take PostgreSQL's defaults for the "
        "column's type and the direction of `increment`)."
    ),
    "EnumSpec": "An enum type (CREATE TYPE ... AS ENUM), keyed by its name.",
    "TraitSpec": (
        "A reusable bundle of columns and indexes that tables list under `traits`; a user "
        "trait may not reuse a built-in trait's name."
    ),
    "TableSpec": "A table, keyed by its name.",
    "ClassificationSpec": (
        "How sensitive a column's data is: a level (`public`, `internal`, `pii`, `sensitive`, "
        "`secret`), or `{level, retention}`. Linted (SC404-SC406), shown in the schema "
        "document, and used by `schemac mask`; not a schema change."
    ),
    "ColumnSpec": "A column, keyed by its name. NOT NULL unless `nullable: true`.",
    "ReferenceSpec": (
        "A single-column foreign key (constraint `fk_{table}_{column}`); without `column` it "
        "references the target table's primary key."
    ),
    "PrimaryKeySpec": (
        "The table's primary key: a column list, or `{columns, name, description, renamed_from}`."
    ),
    "UniqueSpec": (
        "A UNIQUE constraint: a column list, or `{columns, name, deferrable, description, "
        "renamed_from}`."
    ),
    "CheckSpec": "A named CHECK constraint of the table, keyed by the constraint's name.",
    "ExclusionSpec": (
        "An exclusion constraint (EXCLUDE USING gist (...)): no two rows whose elements all "
        "compare true with their operators; name derived `excl_{table}_{cols}`."
    ),
    "ExclusionElementSpec": (
        "One element of an exclusion constraint: `{column, with}` or `{expression, with}`, "
        "optionally with an operator class."
    ),
    "ForeignKeySpec": "A (composite) foreign key of the table: constraint `fk_{table}_{cols}`.",
    "ForeignKeyTargetSpec": "The table and columns a composite foreign key references.",
    "IndexSpec": "An index: `idx_{table}_{cols}`, or `uq_{table}_{cols}` when unique.",
    "PartitionBySpec": "The partition key: exactly one of `range`, `list` or `hash`.",
    "PartitionSpec": (
        "One explicit partition; its bound is one of: `from`/`to` (range), `values` (list), "
        "`modulus`/`remainder` (hash), or `default: true`. With `partition_by` and `partitions` "
        "it is partitioned itself (sub-partitions)."
    ),
    "GeneratedPartitionsSpec": "Partitions schemac generates instead of an explicit list.",
    "GenerateSpec": (
        "How partitions are generated: `interval`, `start` and `count` for a range key, "
        "`modulus` for a hash key."
    ),
    "RlsSpec": "Row-level security of the table (ENABLE/FORCE ROW LEVEL SECURITY, CREATE POLICY).",
    "PolicySpec": "A row-level security policy (CREATE POLICY), keyed by its name.",
    "ViewSpec": "A view (CREATE VIEW), keyed by its name; dependencies are read from the query.",
    "MaterializedViewSpec": (
        "A materialized view (CREATE MATERIALIZED VIEW), keyed by its name; dependencies are "
        "read from the query."
    ),
    "RefreshSpec": (
        "How the materialized view is kept fresh: a documented `refresh_<view>()` function is "
        "emitted for it, and `every` or `schedule` adds a pg_cron job (only where pg_cron is "
        "installed)."
    ),
    "FunctionSpec": "A function (CREATE FUNCTION), keyed by its name.",
    "ProcedureSpec": (
        "A procedure (CREATE PROCEDURE, PostgreSQL 11+), keyed by its name: run with CALL, it "
        "returns nothing but its OUT and INOUT arguments and may COMMIT in its body."
    ),
    "TriggerSpec": "A trigger (CREATE TRIGGER), keyed by its name.",
    "SeedSpec": (
        "Seed rows of one table, keyed by the table's name: `INSERT ... ON CONFLICT [(key)] "
        "DO NOTHING | DO UPDATE SET`, so applying them twice changes nothing."
    ),
}

_SCHEMA_OF_OBJECT = "PostgreSQL schema (namespace) of this object; default: the document's `schema`"
_RENAMED = "previous name: the planner renames instead of dropping and re-adding"
_FK_ACTION = "`cascade`, `restrict`, `set null`, `set default` or `no action` (default)"
_DEFERRABLE = (
    "`true` or `initially_deferred`: DEFERRABLE INITIALLY DEFERRED; "
    "`initially_immediate`: DEFERRABLE INITIALLY IMMEDIATE; `false`: not deferrable"
)
_VALID = (
    "`false`: created NOT VALID (rows already there are not checked, new ones are); "
    "`true` later is VALIDATE CONSTRAINT"
)
_CONSTRAINT_COMMENT = "becomes COMMENT ON CONSTRAINT"
_LINT = "`{ignore: [CODE or rule name, ...]}`: rules suppressed here"

#: model -> key -> what the key means
FIELDS: dict[str, dict[str, str]] = {
    "DocumentSpec": {
        "spec_type": (
            "must be `database-schema`; a file with another spec_type is skipped with a "
            "notice, so specs/ may hold other kinds of spec"
        ),
        "title": "the document's title; shown in the schema document",
        "owner": "the owning team or person; shown in the schema document",
        "status": "`draft`, `in_review`, `approved` or `deprecated`; shown in the schema document",
        "version": "the document's own version (free text); shown in the schema document",
        "last_updated": "date of the last change (`YYYY-MM-DD`); shown in the schema document",
        "domain": "groups this file's tables in the schema document; default: the file's stem",
        "description": "what this part of the schema is for; shown in the schema document",
        "schema": "PostgreSQL schema (namespace) of this file's objects; default `public`",
        "database": "the target database (at most once across all files)",
        "applicability": "free metadata (e.g. `[web, mobile]`): kept and shown, never interpreted",
        "related_initiatives": "free metadata: kept and shown, never interpreted",
        "tags": "free metadata: kept and shown, never interpreted",
        "lint": f"{_LINT}, for every object of this file",
        "extensions": "extensions to create, as names or `{name, schema}`",
        "enums": "enum types by name; a list of values is the short form",
        "sequences": "sequences of their own by name (a serial column needs none)",
        "domains": "domains by name: a base type with NOT NULL, a default and checks",
        "composites": "composite types by name: attributes in order",
        "traits": "user-defined traits by name (the built-in traits need no declaration)",
        "tables": "tables by name, in the order written",
        "views": "views by name",
        "materialized_views": "materialized views by name",
        "functions": "functions by name",
        "procedures": "procedures by name, called with CALL (one namespace with the functions)",
        "aggregates": "aggregates by name (one namespace with the functions)",
        "operators": 'operators by symbol, e.g. `"~<<"` (one per symbol and schema)',
        "triggers": "triggers by name",
        "seed": "seed rows by table name",
    },
    "DatabaseSpec": {
        "engine": "only `postgresql` (or `postgres`) is supported; anything else is an error",
        "version": (
            "target PostgreSQL major version (12-19): picks the verification server and SQL "
            "choices; verify warns when its server runs another major"
        ),
        "timezone": "the database's time zone (e.g. `UTC`); shown in the schema document",
        "encoding": "the database's encoding (e.g. `UTF8`); shown in the schema document",
    },
    "LintSpec": {
        "ignore": "rule codes (`SC203`), names (`prefer-timestamptz`) or prefixes (`SC2`) to skip",
    },
    "ExtensionSpec": {
        "name": "the extension's name, e.g. `pgcrypto`, `citext`, `pg_trgm`",
        "schema": "the schema it is installed in (WITH SCHEMA), created when needed",
    },
    "AggregateSpec": {
        "parallel": "`safe`, `restricted` or `unsafe` (default): PARALLEL",
        "description": "becomes COMMENT ON AGGREGATE",
        "schema": _SCHEMA_OF_OBJECT,
    },
    "OperatorSpec": {
        "hashes": "the operator supports hash joins (HASHES)",
        "merges": "the operator supports merge joins (MERGES)",
        "description": "becomes COMMENT ON OPERATOR",
        "schema": _SCHEMA_OF_OBJECT,
    },
    "SequenceSpec": {
        "as": "`smallint`, `integer` or `bigint` (default): the sequence's type",
        "start": "the first value; default: `min` ascending, `max` descending",
        "increment": "step between values, negative for a descending sequence; not 0 (default 1)",
        "min": "the smallest value; default: 1 ascending, the type's minimum descending",
        "max": "the largest value; default: the type's maximum ascending, -1 descending",
        "cache": "values handed out ahead to each session (default 1)",
        "cycle": "wrap around after the last value instead of failing",
        "owned_by": "`table.column` that owns the sequence (dropped with it, as serial's is)",
        "description": "becomes COMMENT ON SEQUENCE",
        "schema": _SCHEMA_OF_OBJECT,
    },
    "IdentitySpec": {
        "generated": "`always` (GENERATED ALWAYS: an explicit value needs OVERRIDING) or "
        "`by_default`",
        "start": "the first value; default: `min` ascending, `max` descending",
        "increment": "step between values, negative for a descending identity; not 0 (default 1)",
        "min": "the smallest value; default: 1 ascending, the type's minimum descending",
        "max": "the largest value; default: the type's maximum ascending, -1 descending",
        "cache": "values handed out ahead to each session (default 1)",
        "cycle": "wrap around after the last value instead of failing",
    },
    "ReplicaIndexSpec": {
        "index": "a unique, non-partial index of the table on NOT NULL columns, or a key's name",
    },
    "DomainCheckSpec": {
        "expression": "a SQL boolean expression over VALUE",
        "valid": (
            "`false`: added NOT VALID (values already stored are not checked, new ones are); "
            "`true` later is VALIDATE CONSTRAINT"
        ),
    },
    "DomainSpec": {
        "type": "the base type, as a column's `type`",
        "not_null": "values may not be NULL (ALTER DOMAIN ... SET NOT NULL when it changes)",
        "default": "a SQL expression: the default of every column of the domain",
        "checks": (
            "named CHECK constraints over VALUE (`positive: VALUE > 0`); an added one is "
            "NOT VALID, then validated"
        ),
        "collation": "the domain's collation",
        "description": "becomes COMMENT ON DOMAIN",
        "schema": _SCHEMA_OF_OBJECT,
    },
    "CompositeSpec": {
        "attributes": "attribute name -> type (or `{type, collation}`), in order",
        "description": "becomes COMMENT ON TYPE",
        "schema": _SCHEMA_OF_OBJECT,
    },
    "AttributeSpec": {
        "type": "the attribute's type, as a column's `type`",
        "collation": "the attribute's collation",
    },
    "EnumSpec": {
        "values": "the labels, in sort order; new labels are added with ALTER TYPE ... ADD VALUE",
        "description": "becomes COMMENT ON TYPE",
        "renamed_from": "new label -> its previous label: ALTER TYPE ... RENAME VALUE",
        "schema": _SCHEMA_OF_OBJECT,
        "lint": _LINT,
    },
    "TraitSpec": {
        "description": "what the trait is for",
        "columns": "columns the trait adds, before the table's own columns",
        "indexes": "indexes the trait adds; their derived names use the table's name",
    },
    "TableSpec": {
        "description": "becomes COMMENT ON TABLE",
        "traits": (
            "built-in or user traits; their columns come first, in trait order, and a column "
            "the table writes itself overrides a trait column of the same name"
        ),
        "columns": "columns by name, in the order written; `name: TYPE` is the short form",
        "primary_key": "composite primary key `{table}_pkey` (one column: `primary_key: true`)",
        "unique": "UNIQUE constraints, each a list of columns: `uq_{table}_{cols}`",
        "checks": "named CHECK constraints: `name: expression`, or `{expression, renamed_from}`",
        "excludes": "exclusion constraints (EXCLUDE USING ...): `excl_{table}_{cols}`",
        "foreign_keys": "composite foreign keys; one column uses the column's `references`",
        "indexes": "indexes of the table",
        "partition_by": "makes the table partitioned (PARTITION BY RANGE | LIST | HASH)",
        "partitions": "the partitions: an explicit list, or `{generate: {...}}`",
        "rls": "row-level security and its policies",
        "renamed_from": f"the table's {_RENAMED}",
        "lint": _LINT,
        "schema": _SCHEMA_OF_OBJECT,
        "classification": "the level of every column of the table that does not say its own",
        "unlogged": (
            "CREATE UNLOGGED TABLE (no WAL, emptied after a crash); a change is SET LOGGED / "
            "UNLOGGED, which rewrites the table"
        ),
        "with": (
            "storage parameters: CREATE TABLE ... WITH (fillfactor=50, autovacuum_*...); "
            "changed with ALTER TABLE ... SET / RESET"
        ),
        "replica_identity": (
            "REPLICA IDENTITY: what logical replication writes of an updated or deleted row: "
            "`default` (the primary key), `full` (every column), `nothing`, or `{index: name}` "
            "(a unique index of NOT NULL columns, or a key's)"
        ),
    },
    "ClassificationSpec": {
        "level": (
            "`public` (left alone), `internal` (left alone, not for publication), `pii` and "
            "`sensitive` (masked by `schemac mask`), `secret` (blanked; never stored as plain "
            "text, SC404)"
        ),
        "retention": "how long the data is kept and how it goes (`deleted 30 days after closure`)",
    },
    "ColumnSpec": {
        "type": (
            "a PostgreSQL type: built-in (`uuid`, `varchar(320)`, `numeric(19,4)`, "
            "`timestamptz`, `jsonb`, `text[]`...), an enum of the specs, or an extension type; "
            "aliases normalise (`int` = `integer`); an unknown type is an error"
        ),
        "nullable": "allow NULL; the default is NOT NULL",
        "default": (
            "a SQL expression as PostgreSQL takes it (`now()`, `\"'free'\"`, "
            "`\"'{}'::jsonb\"`); YAML booleans and numbers render as literals"
        ),
        "primary_key": "this column alone is the primary key `{table}_pkey`",
        "unique": "a UNIQUE constraint `uq_{table}_{column}`",
        "references": "a foreign key: `table`, `table.column`, `schema.table.column` or long form",
        "check": "a SQL boolean expression: constraint `chk_{table}_{column}`",
        "identity": (
            "`always` or `by_default`: GENERATED ... AS IDENTITY; the long form adds the "
            "sequence's options (`{generated: always, start: 1000}`)"
        ),
        "generated": "a SQL expression: GENERATED ALWAYS AS (expression) STORED",
        "collation": 'the column\'s collation, e.g. `"C"`',
        "classification": "how sensitive the column's data is (overrides the table's level)",
        "statistics": "ALTER COLUMN ... SET STATISTICS: -1 (the server default) to 10000",
        "options": "attribute options `n_distinct`, `n_distinct_inherited` (ALTER COLUMN SET)",
        "description": "becomes COMMENT ON COLUMN",
        "renamed_from": f"the column's {_RENAMED} (RENAME COLUMN)",
        "using": "SQL expression converting the old value when the type changes (USING)",
        "lint": _LINT,
    },
    "ReferenceSpec": {
        "valid": _VALID,
        "description": _CONSTRAINT_COMMENT,
        "table": "the referenced table, optionally schema-qualified",
        "column": "the referenced column; default: the referenced table's primary key",
        "on_delete": f"ON DELETE action: {_FK_ACTION}",
        "on_update": f"ON UPDATE action: {_FK_ACTION}",
        "deferrable": _DEFERRABLE,
        "name": "the constraint's name instead of `fk_{table}_{column}`",
        "renamed_from": f"the constraint's {_RENAMED}",
    },
    "CheckSpec": {
        "expression": "a SQL boolean expression",
        "valid": _VALID,
        "description": _CONSTRAINT_COMMENT,
        "renamed_from": f"the constraint's {_RENAMED}",
    },
    "ForeignKeySpec": {
        "columns": "the referencing columns of this table",
        "references": "`{table, columns}`: the referenced table and columns",
        "on_delete": f"ON DELETE action: {_FK_ACTION}",
        "on_update": f"ON UPDATE action: {_FK_ACTION}",
        "deferrable": _DEFERRABLE,
        "name": "the constraint's name instead of `fk_{table}_{cols}`",
        "renamed_from": f"the constraint's {_RENAMED}",
        "valid": _VALID,
        "description": _CONSTRAINT_COMMENT,
    },
    "PrimaryKeySpec": {
        "columns": "the key's columns, in order",
        "name": "the constraint's name when it is not `{table}_pkey` (import writes it then)",
        "renamed_from": f"the constraint's {_RENAMED} (RENAME CONSTRAINT)",
        "description": _CONSTRAINT_COMMENT,
    },
    "ExclusionSpec": {
        "elements": "the compared elements, in order: `{column | expression, with, opclass}`",
        "using": "index access method: `gist` (default), `spgist`, `btree` or `hash`",
        "where": "a SQL predicate: only rows it holds for are compared (a partial constraint)",
        "include": "non-key columns stored in the constraint's index (INCLUDE)",
        "name": "the constraint's name instead of `excl_{table}_{cols}`",
        "deferrable": _DEFERRABLE,
        "renamed_from": f"the constraint's {_RENAMED} (RENAME CONSTRAINT)",
        "description": _CONSTRAINT_COMMENT,
    },
    "ExclusionElementSpec": {
        "column": "a column of the table (or `expression`)",
        "expression": "a SQL expression over the table's columns (or `column`)",
        "with": (
            "the operator two rows' elements are compared with: a symbol (`=`, `&&`) or "
            "`OPERATOR(schema.op)`; `=` on scalar types under gist needs the btree_gist extension"
        ),
        "opclass": "the element's operator class, when not the type's default for the method",
    },
    "UniqueSpec": {
        "columns": "the constraint's columns, in order",
        "name": "the constraint's name when it is not `uq_{table}_{cols}`",
        "deferrable": _DEFERRABLE,
        "renamed_from": f"the constraint's {_RENAMED} (RENAME CONSTRAINT)",
        "description": _CONSTRAINT_COMMENT,
    },
    "ForeignKeyTargetSpec": {
        "table": "the referenced table, optionally schema-qualified",
        "columns": "the referenced columns (a primary key or unique constraint), in order",
    },
    "IndexSpec": {
        "columns": (
            "keys: column names or SQL expressions (`lower(email)`), each optionally followed "
            "by `ASC`/`DESC` and `NULLS FIRST`/`NULLS LAST`"
        ),
        "name": "the index's name instead of the derived one",
        "unique": "a unique index (`uq_{table}_{cols}`)",
        "method": "access method: `btree` (default), `hash`, `gin`, `gist`, `brin` or `spgist`",
        "where": "a SQL predicate: a partial index",
        "include": "non-key columns stored in the index (INCLUDE)",
        "opclass": "one operator class for every key, or a mapping key -> operator class",
        "renamed_from": f"the index's {_RENAMED} (ALTER INDEX ... RENAME)",
        "with": (
            "storage parameters of the access method (btree: fillfactor, deduplicate_items; "
            "brin: pages_per_range, autosummarize; gin: fastupdate, gin_pending_list_limit...); "
            "a change rebuilds the index concurrently"
        ),
        "statistics": (
            "`{key position: target}` for expression keys: ALTER INDEX ... ALTER COLUMN n SET "
            "STATISTICS target"
        ),
        "lint": _LINT,
    },
    "PartitionBySpec": {
        "range": "PARTITION BY RANGE over these columns or expressions",
        "list": "PARTITION BY LIST over these columns or expressions",
        "hash": "PARTITION BY HASH over these columns or expressions",
        "modulus": "with `hash`: the number of partitions `generate` makes",
    },
    "PartitionSpec": {
        "name": "the partition's table name",
        "from": "range bound: the lower bound (inclusive), a value or a list for a composite key",
        "to": "range bound: the upper bound (exclusive), a value or a list for a composite key",
        "values": "list bound: the key values this partition holds",
        "modulus": "hash bound: the modulus",
        "remainder": "hash bound: the remainder (0 .. modulus-1)",
        "default": "the DEFAULT partition, for rows no other partition takes",
        "foreign_keys": "foreign keys declared on this partition alone (not on the parent)",
        "indexes": "indexes declared on this partition alone (not attached to a parent index)",
        "partition_by": (
            "sub-partitioning: this partition's own partition key (PARTITION BY), as a table's; "
            "its columns must be the table's and in every unique key"
        ),
        "partitions": (
            "with `partition_by`: this partition's own partitions, an explicit list (which may "
            "nest again) or `{generate: ...}` named after the partition"
        ),
    },
    "GeneratedPartitionsSpec": {
        "generate": "the generator's settings",
    },
    "GenerateSpec": {
        "interval": (
            "range: one partition per `day`, `week`, `month` or `year`, named "
            "`{table}_{yyyy}_{mm}_{dd}`, `{table}_{yyyy}_w{ww}`, `{table}_{yyyy}_{mm}`, "
            "`{table}_{yyyy}`"
        ),
        "start": "range: the first partition's lower bound (a date)",
        "count": "range: how many partitions (1-1000)",
        "default": "also create `{table}_default` for the rows outside every bound",
        "modulus": "hash: the number of partitions `{table}_p0` .. `{table}_p{n-1}` (1-1024)",
    },
    "RlsSpec": {
        "enabled": "ENABLE ROW LEVEL SECURITY",
        "force": "FORCE ROW LEVEL SECURITY: the policies bind the table's owner too",
        "policies": "policies by name",
    },
    "PolicySpec": {
        "command": "`all`, `select`, `insert`, `update` or `delete` (FOR ...)",
        "using": "SQL predicate: which existing rows are visible or affected (USING)",
        "with_check": "SQL predicate: which new rows may be written (WITH CHECK)",
        "roles": "the roles the policy applies to (TO ...); `public` is every role",
        "permissive": "`true`: AS PERMISSIVE (policies combine with OR); `false`: AS RESTRICTIVE",
        "description": "becomes COMMENT ON POLICY",
    },
    "ViewSpec": {
        "query": "the view's SELECT statement",
        "description": "becomes COMMENT ON VIEW",
        "schema": _SCHEMA_OF_OBJECT,
    },
    "MaterializedViewSpec": {
        "query": "the view's SELECT statement",
        "description": "becomes COMMENT ON MATERIALIZED VIEW",
        "indexes": "indexes of the view (REFRESH ... CONCURRENTLY needs a unique one)",
        "refresh": "how the view is refreshed",
        "schema": _SCHEMA_OF_OBJECT,
    },
    "RefreshSpec": {
        "every": "how often the view is refreshed: `30s`, `15m`, `2h`, `1d` (a pg_cron job)",
        "concurrently": (
            "asks for REFRESH MATERIALIZED VIEW CONCURRENTLY, which needs a unique index (lint "
            "SC305); the refresh function refreshes concurrently whenever the view has a unique "
            "index on plain columns without WHERE"
        ),
        "max_staleness": "how old the view's data may become (e.g. `2h`)",
        "schedule": (
            "a pg_cron schedule instead of `every`: a cron expression (`*/15 * * * *`) or "
            "`N seconds`"
        ),
    },
    "FunctionSpec": {
        "returns": "the return type (`trigger` for a trigger function)",
        "body": "the function body, as written between the dollar quotes",
        "language": "the function's language; default `plpgsql`",
        "arguments": "the parameter list, as one string or a list of parameters",
        "volatility": "`volatile` (default), `stable` or `immutable`",
        "security_definer": "SECURITY DEFINER: run with the owner's privileges",
        "description": "becomes COMMENT ON FUNCTION",
        "schema": _SCHEMA_OF_OBJECT,
    },
    "ProcedureSpec": {
        "body": "the procedure body, as written between the dollar quotes",
        "language": "the procedure's language; default `plpgsql`",
        "arguments": (
            "the parameter list (IN, INOUT, VARIADIC; OUT from PostgreSQL 14), as one string or "
            "a list of parameters"
        ),
        "security_definer": (
            "SECURITY DEFINER: run with the owner's privileges (its body cannot COMMIT then)"
        ),
        "description": "becomes COMMENT ON PROCEDURE",
        "schema": _SCHEMA_OF_OBJECT,
    },
    "TriggerSpec": {
        "table": "the table the trigger is on",
        "timing": "`before`, `after` or `instead of`",
        "events": "`insert`, `update`, `delete`, `truncate` (a list, or one event)",
        "for_each": "`row` (default) or `statement`",
        "function": "the trigger function: a function of the specs or of a built-in trait",
        "when": "a SQL condition: WHEN (...)",
        "constraint": (
            "CREATE CONSTRAINT TRIGGER (`timing: after`, `for_each: row`): its firing can be "
            "deferred with `deferrable`, or by SET CONSTRAINTS"
        ),
        "deferrable": f"of a constraint trigger: {_DEFERRABLE}",
        "description": "becomes COMMENT ON TRIGGER",
    },
    "SeedSpec": {
        "key": (
            "the ON CONFLICT target (the primary key or a unique constraint); left out, a row "
            "conflicting with any unique constraint is skipped (ON CONFLICT DO NOTHING)"
        ),
        "on_conflict": "what a row whose key exists gets: `nothing` (default) or `update`",
        "update": (
            "the columns an existing row takes from its seed row (DO UPDATE SET c = "
            "EXCLUDED.c); a list implies `on_conflict: update`, `[]` means `nothing`; "
            "left out with `on_conflict: update`: every column outside the key"
        ),
        "rows": "the rows: column -> value (lists for arrays, mappings for json/jsonb)",
    },
}


def describe(definitions: dict[str, dict[str, object]]) -> None:
    """Set the `description` of each model's schema and of each of its properties, in place."""
    for model, schema in definitions.items():
        if model in MODELS:
            schema["description"] = MODELS[model]
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for key, prop in properties.items():
                text = FIELDS.get(model, {}).get(key)
                if text is not None:
                    prop["description"] = text
