"""Static checks: what PostgreSQL would refuse (or silently change) when a migration runs,
reported at the spec before any SQL exists.

The resolver calls `check_schema` once every table, view and seed is resolved. Each check
names, next to it, the PostgreSQL message it prevents; a spec is refused only when that refusal
is certain.

Codes (E080-E119):

| code | what |
|---|---|
| E080 | seed value PostgreSQL cannot read as the column's type (or out of its range) |
| E081 | seed row leaves a NOT NULL column without default out, or sets it to NULL |
| E082 | seed rows repeat a primary key / unique value |
| E083 | seed row references a key no seed row of the referenced table holds |
| E084 | seed key is not a primary key or unique constraint (ON CONFLICT has no arbiter) |
| E085 | seed row sets a generated or identity-always column |
| E086 | seed update of existing rows without a key, or `update` contradicting `on_conflict` |
| E087 | seed `update` naming a key column, a column no row sets, or a column twice |
| E090 | range partition with from >= to |
| E091 | partitions overlap (range, list or hash) |
| E092 | partition bound that does not fit the partition key (type, arity, MINVALUE order) |
| E093 | list partition naming a value twice |
| E094 | hash partition remainder not below its modulus |
| E095 | hash partition moduli that do not divide one another |
| E096 | unique index (or key, with an expression or sub-partition key) without the key |
| E097 | second default partition, or a default partition of a hash-partitioned table |
| E098 | partition key PostgreSQL refuses (list over several columns, more than 32 columns) |
| E099 | generated partitions past the year 9999 |
| E100 | type modifier out of PostgreSQL's range (varchar(0), numeric(1001), bit(0), ...) |
| E101 | fractional-second precision above 6, which PostgreSQL silently cuts to 6 |
| E105 | enum label over 63 bytes |
| E106 | two relations (table, view, index, sequence) with one name in a schema |
| E107 | enum named like a table or view (their row types share pg_type) |
| E108 | constraint name used twice on one table |
| E109 | column named like a system column (xmin, ctid, ...) |
| E110 | more than 1,600 columns in a table |
| E111 | more than 32 keys in an index, primary key, unique constraint or foreign key |
| E112 | schema named pg_... |
| E113 | nullable identity or serial column |
| E114 | serial column with a default or generation expression |
| E116 | empty name |

Procedures have E225-E229 (resolve/procedures.py): a name shared with a function (E225), OUT
arguments before PostgreSQL 14 (E226), COMMIT/ROLLBACK under SECURITY DEFINER or SET (E227) or
in an SQL procedure (E228), an OUT argument after a defaulted one (E229).
"""

from __future__ import annotations

from schemac.load.loader import RawDoc
from schemac.model.schema import MaterializedView, Table, Trigger
from schemac.resolve.check_documents import check_documents
from schemac.resolve.check_names import (
    check_enum_labels,
    check_relation_names,
    check_type_names,
)
from schemac.resolve.check_partitions import check_partitioned
from schemac.resolve.check_seeds import check_seeds
from schemac.resolve.check_tables import TableChecks, check_matview_indexes, check_table
from schemac.resolve.context import Context, TableDraft
from schemac.resolve.exclusions import check_partitioned_exclusions
from schemac.resolve.traits import AUDIT_FUNCTION, UPDATED_AT_FUNCTION
from schemac.spec.models import DocumentSpec

_TRAIT_FUNCTIONS = frozenset({AUDIT_FUNCTION, UPDATED_AT_FUNCTION})


def check_schema(
    ctx: Context,
    documents: list[tuple[RawDoc, DocumentSpec]],
    drafts: list[TableDraft],
    tables: dict[str, Table],
    matviews: list[MaterializedView],
    triggers: list[Trigger],
    version: int,
) -> None:
    """Report what PostgreSQL `version` would refuse in the resolved tables and seeds."""
    check_documents(ctx, documents)
    shared = TableChecks(version)
    for draft in drafts:
        table = tables[draft.qualified_name]
        check_table(ctx, draft, table, shared)
        check_partitioned(ctx, draft, table, ctx.enum_values)
        if table.exclusions:
            check_partitioned_exclusions(ctx, table, version)
    for view in matviews:
        check_matview_indexes(ctx, view)
    check_enum_labels(ctx, documents)
    check_relation_names(ctx, tables, matviews, shared.sequenced)
    check_type_names(ctx)
    refused = frozenset(t for t, p in shared.problems.items() if p is not None and p.code == "E100")
    check_seeds(ctx, documents, tables, triggers, _TRAIT_FUNCTIONS, AUDIT_FUNCTION, refused)
