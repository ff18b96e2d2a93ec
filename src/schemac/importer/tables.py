"""Tables as spec mappings: columns, keys, checks, foreign keys, indexes, partitions and RLS.

Each function turns one model value into what a user would write for it, leaving out what the
resolver derives (default names, NOT NULL, `no action`), so that resolving the written spec gives
the model back. Where the format cannot say a value, the closest spelling is written and the
difference is recorded as a gap; what cannot be written at all is left out with a gap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from schemac.importer.context import SERIALS, Context, object_name
from schemac.importer.emit import YAML_FLOAT, Flow
from schemac.model.names import quote_ident
from schemac.model.schema import (
    Check,
    Column,
    Exclusion,
    ForeignKey,
    Index,
    IndexPart,
    Partition,
    Table,
    default_sequence_options,
)
from schemac.model.storage import COLUMN_PARAMS, INDEX_PARAMS, TABLE_PARAMS, Param
from schemac.model.types import EXTENSION_TYPES, TypeSyntaxError, parse_type
from schemac.resolve.expressions import BARE_DEFAULTS, referenced_columns

#: a key the resolver reads as a column name (anything else is an expression)
_PLAIN_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ARRAY = re.compile(r"((?:\[\])*)$")


def table_spec(ctx: Context, table: Table) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if table.description is not None:
        spec["description"] = table.description
    spec["columns"] = {col.name: _column(ctx, table, col) for col in table.columns}
    if table.primary_key is not None:
        pk = table.primary_key
        spec["primary_key"] = _key(pk.columns, pk.name, f"{table.name}_pkey", pk.description)
    uniques = []
    for uq in table.uniques:
        deferrable = None
        if uq.deferrable:
            deferrable = "initially_deferred" if uq.initially_deferred else "initially_immediate"
        derived = f"uq_{table.name}_{'_'.join(uq.columns)}"
        uniques.append(_key(uq.columns, uq.name, derived, uq.description, deferrable))
    if uniques:
        spec["unique"] = uniques
    if table.checks:
        spec["checks"] = {check.name: _check(check) for check in table.checks}
    if table.exclusions:
        spec["excludes"] = [_exclusion(table, ex) for ex in table.exclusions]
    fks = [fk for fk in (_foreign_key(ctx, table, fk) for fk in table.foreign_keys) if fk]
    if fks:
        spec["foreign_keys"] = fks
    if table.indexes:
        columns = [col.name for col in table.columns]
        spec["indexes"] = [index_spec(index, table.name, columns) for index in table.indexes]
    if table.partitioning is not None:
        spec["partition_by"] = Flow(
            {table.partitioning.strategy: Flow(list(table.partitioning.keys))}
        )
        if table.partitions:
            spec["partitions"] = [_partition(ctx, table, p) for p in table.partitions]
    rls = _rls(ctx, table)
    if rls:
        spec["rls"] = rls
    if table.unlogged:
        spec["unlogged"] = True
    if table.replica_identity == "index":
        spec["replica_identity"] = Flow({"index": table.replica_index})
    elif table.replica_identity is not None:
        spec["replica_identity"] = table.replica_identity
    if table.storage:
        spec["with"] = options_spec(TABLE_PARAMS, table.storage)
    return spec


def options_spec(known: Mapping[str, Param], pairs: tuple[tuple[str, str], ...]) -> Any:
    """Storage parameters as the spec writes them: each value as the YAML scalar the resolver
    turns back into the stored text."""
    return Flow({name: _option_value(known.get(name), text) for name, text in pairs})


def _option_value(param: Param | None, text: str) -> Any:
    if param is not None and param.kind == "bool" and text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?[1-9]\d*|0", text):
        return int(text)
    float_kind = param is not None and param.kind == "float"
    if float_kind and YAML_FLOAT.fullmatch(text) and repr(float(text)) == text:
        return float(text)
    return text


def _key(
    columns: tuple[str, ...],
    name: str,
    derived: str,
    description: str | None,
    deferrable: str | None = None,
) -> Any:
    """A primary key or unique constraint: its column list, or the long form with the name
    (when it is not the derived one), the deferral and the comment."""
    if name == derived and description is None and deferrable is None:
        return Flow(list(columns))
    spec: dict[str, Any] = {"columns": Flow(list(columns))}
    if name != derived:
        spec["name"] = name
    if deferrable is not None:
        spec["deferrable"] = deferrable
    if description is not None:
        spec["description"] = description
    return Flow(spec)


def _check(check: Check) -> Any:
    if check.valid and check.description is None:
        return check.expression
    spec: dict[str, Any] = {"expression": check.expression}
    if not check.valid:
        spec["valid"] = False
    if check.description is not None:
        spec["description"] = check.description
    return Flow(spec)


def _exclusion(table: Table, ex: Exclusion) -> Any:
    """An exclusion constraint in the long form, leaving out the derived name, gist and the
    operator classes PostgreSQL picks."""
    columns = [col.name for col in table.columns]
    elements: list[Any] = []
    name_cols: list[str] = []
    for e in ex.elements:
        element: dict[str, Any] = {}
        if e.column is not None:
            element["column"] = e.column
            name_cols.append(e.column)
        else:
            element["expression"] = e.expression
            name_cols += referenced_columns(e.expression or "", columns) or ["expr"]
        element["with"] = e.operator_text
        if e.opclass is not None:
            element["opclass"] = e.opclass
        elements.append(Flow(element))
    spec: dict[str, Any] = {}
    if ex.method != "gist":
        spec["using"] = ex.method
    spec["elements"] = elements
    if ex.where is not None:
        spec["where"] = ex.where
    if ex.include:
        spec["include"] = Flow(list(ex.include))
    if ex.deferrable:
        deferred = ex.initially_deferred
        spec["deferrable"] = "initially_deferred" if deferred else "initially_immediate"
    if ex.name != f"excl_{table.name}_{'_'.join(name_cols)}":
        spec["name"] = ex.name
    if ex.description is not None:
        spec["description"] = ex.description
    return spec


# --- columns ----------------------------------------------------------------------------------


def _column(ctx: Context, table: Table, col: Column) -> Any:
    type_, default = _type_and_default(ctx, table, col)
    spec: dict[str, Any] = {"type": type_}
    if col.nullable:
        spec["nullable"] = True
    if default is not None:
        spec["default"] = default
    if col.identity is not None:
        spec["identity"] = _identity(col)
        _check_identity(ctx, table, col)
    if col.generated is not None:
        spec["generated"] = col.generated
    if col.collation is not None:
        spec["collation"] = col.collation
    if col.description is not None:
        spec["description"] = col.description
    if col.statistics is not None:
        spec["statistics"] = col.statistics
    if col.options:
        spec["options"] = options_spec(COLUMN_PARAMS, col.options)
    return type_ if len(spec) == 1 else Flow(spec)


def _type_and_default(ctx: Context, table: Table, col: Column) -> tuple[str, str | None]:
    """The column's type as the spec writes it, and its default."""
    type_ = _type(ctx, table, col)
    default = col.default
    if type_ in SERIALS:
        _check_serial(ctx, table, col, type_)
        return type_, None
    if (
        default is not None
        and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", default)
        and default.lower() not in BARE_DEFAULTS
    ):
        # CURRENT_SCHEMA, CURRENT_ROLE, USER...: the resolver takes a bare word for a
        # forgotten quote; in parentheses it is the same expression
        default = f"({default})"
    return type_, default


def _type(ctx: Context, table: Table, col: Column) -> str:
    type_ = col.type
    if type_ in SERIALS:
        return type_
    dims = _ARRAY.search(type_)
    suffix = dims.group(1) if dims else ""
    if (
        type_[: len(type_) - len(suffix)] in ctx.domains
        or type_[: len(type_) - len(suffix)] in ctx.composites
    ):
        return type_  # a domain of the specs (`domains:`), named as format_type names it
    if not _known_type(ctx, type_):
        ctx.gap(
            "column",
            table.schema_name,
            f"{table.name}.{col.name}",
            f"with the type {type_}, which the spec format does not know yet: the specs do not "
            "load until it does",
        )
    return type_


def _known_type(ctx: Context, text: str) -> bool:
    try:
        ref = parse_type(text)
    except TypeSyntaxError:
        return False
    if ref.is_builtin:
        return True
    qualified = f"{ref.schema or 'public'}.{ref.base}"
    if qualified in ctx.enums:
        return True
    return ref.schema is None and EXTENSION_TYPES.get(ref.base) in ctx.extensions


def _identity(col: Column) -> Any:
    """`always`, or the long form with the options that differ from PostgreSQL's."""
    options = col.identity_options
    if options is None:
        return col.identity
    usual = default_sequence_options(col.type, options.increment)
    spec: dict[str, Any] = {"generated": col.identity}
    for key, value, default in (
        ("start", options.start, usual.start),
        ("increment", options.increment, 1),
        ("min", options.min_value, usual.min_value),
        ("max", options.max_value, usual.max_value),
        ("cache", options.cache, 1),
        ("cycle", options.cycle, False),
    ):
        if value != default:
            spec[key] = value
    return Flow(spec)


def _sequence_differences(
    seq: Any, data_type: str, expected_name: str, *, options: bool = True
) -> list[str]:
    """What a column's sequence has that the column alone would not make (`options`: its
    options too, which only an identity column can say)."""
    found = []
    if seq.name != expected_name:
        found.append(f"its name (the column would make {expected_name})")
    if seq.data_type != data_type:
        found.append(f"AS {seq.data_type}")
    if not options:
        return found
    if seq.start != 1:
        found.append(f"START WITH {seq.start}")
    if seq.increment != 1:
        found.append(f"INCREMENT BY {seq.increment}")
    if seq.min != 1:
        found.append(f"MINVALUE {seq.min}")
    if seq.max != default_sequence_options(seq.data_type).max_value:
        found.append(f"MAXVALUE {seq.max}")
    if seq.cache != 1:
        found.append(f"CACHE {seq.cache}")
    if seq.cycle:
        found.append("CYCLE")
    return found


def _check_serial(ctx: Context, table: Table, col: Column, type_: str) -> None:
    seq = ctx.owned_sequence(table, col.name)
    if seq is None:
        return
    expected = object_name(table.name, col.name, "seq")
    found = _sequence_differences(seq, SERIALS[type_], expected)
    if seq.schema != table.schema_name:
        found.append(f"its schema {seq.schema}")
    if found:
        ctx.gap(
            "sequence",
            seq.schema,
            seq.name,
            f"as the sequence of the serial column {table.name}.{col.name}, without "
            f"{', '.join(found)}",
        )


def _check_identity(ctx: Context, table: Table, col: Column) -> None:
    seq = ctx.owned_sequence(table, col.name)
    if seq is None:
        return
    expected = object_name(table.name, col.name, "seq")
    # the options are the column's (identity: {start: ...}); its name and type are not
    found = _sequence_differences(seq, col.type, expected, options=False)
    if found:
        ctx.gap(
            "sequence",
            seq.schema,
            seq.name,
            f"as the sequence of the identity column {table.name}.{col.name}, without "
            f"{', '.join(found)}",
        )


# --- keys and indexes -------------------------------------------------------------------------


def _foreign_key(ctx: Context, table: Table, fk: ForeignKey) -> Any:
    target = f"{fk.ref_schema}.{fk.ref_table}"
    if target not in ctx.tables:
        ctx.gap(
            "constraint",
            table.schema_name,
            f"{fk.name} on {table.name}",
            f"it references {target}, which is not in the imported schemas",
            whole=True,
        )
        return None
    spec: dict[str, Any] = {"columns": Flow(list(fk.columns))}
    table_ref = fk.ref_table if fk.ref_schema == table.schema_name else target
    spec["references"] = Flow({"table": table_ref, "columns": Flow(list(fk.ref_columns))})
    if fk.on_delete != "no action":
        spec["on_delete"] = fk.on_delete
    if fk.on_update != "no action":
        spec["on_update"] = fk.on_update
    if fk.deferrable:
        spec["deferrable"] = (
            "initially_deferred" if fk.initially_deferred else ("initially_immediate")
        )
    if fk.name != f"fk_{table.name}_{'_'.join(fk.columns)}":
        spec["name"] = fk.name
    if not fk.valid:
        spec["valid"] = False
    if fk.description is not None:
        spec["description"] = fk.description
    return Flow(spec)


def _part_text(part: IndexPart) -> str:
    if part.column is not None:
        text = part.column if _PLAIN_COLUMN.match(part.column) else quote_ident(part.column)
    else:
        text = part.expression or ""
    return text


def index_spec(index: Index, relation: str, columns: list[str] | None) -> Any:
    """An index as the spec writes it; `columns` (the relation's) derive the default name, and
    None writes the name always (a materialized view's columns are the resolver's guess)."""
    keys = []
    name_columns: list[str] = []
    for part in index.parts:
        text = _part_text(part)
        if part.column is not None:
            name_columns.append(part.column)
        else:
            name_columns.extend(referenced_columns(text, columns or []) or ["expr"])
        if part.descending:
            text += " DESC"
        if part.nulls is not None:
            text += f" NULLS {part.nulls.upper()}"
        keys.append(text)
    spec: dict[str, Any] = {"columns": Flow(keys)}
    derived = f"{'uq' if index.unique else 'idx'}_{relation}_{'_'.join(name_columns)}"
    if columns is None or index.name != derived:
        spec["name"] = index.name
    if index.unique:
        spec["unique"] = True
    if index.method != "btree":
        spec["method"] = index.method
    opclasses = [(_part_text(p), p.opclass) for p in index.parts]
    if any(opclass is not None for _, opclass in opclasses):
        if all(opclass == opclasses[0][1] for _, opclass in opclasses):
            spec["opclass"] = opclasses[0][1]
        else:
            spec["opclass"] = Flow({text: opclass for text, opclass in opclasses if opclass})
    if index.include:
        spec["include"] = Flow(list(index.include))
    if index.storage:
        spec["with"] = options_spec(INDEX_PARAMS.get(index.method, {}), index.storage)
    if index.statistics:
        spec["statistics"] = Flow({str(k): v for k, v in index.statistics})
    if index.where is not None:
        spec["where"] = index.where
    return Flow(spec)


# --- partitions and row-level security --------------------------------------------------------


def _bound_value(literal: str) -> Any:
    """A partition bound literal as the spec value the resolver turns back into it."""
    text = literal.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text  # MINVALUE, MAXVALUE, numbers with a fraction (read back as quoted literals)


def _bound(literals: tuple[str, ...]) -> Any:
    values = [_bound_value(v) for v in literals]
    return values[0] if len(values) == 1 else Flow(values)


def _partition(ctx: Context, table: Table, p: Partition, *, nested: bool = False) -> Any:
    if nested or p.partitioning is not None:
        # own indexes and foreign keys of these are gaps (gaps_keys.sql: own_objects)
        p = p.model_copy(update={"indexes": (), "foreign_keys": ()})
    spec: dict[str, Any] = {"name": p.name}
    if p.default:
        spec["default"] = True
    elif p.values is not None:
        spec["values"] = Flow([_bound_value(v) for v in p.values])
    elif p.modulus is not None:
        spec["modulus"] = p.modulus
        spec["remainder"] = p.remainder
    elif p.range_from is not None and p.range_to is not None:
        spec["from"] = _bound(p.range_from)
        spec["to"] = _bound(p.range_to)
    if not (p.foreign_keys or p.indexes or p.partitioning):
        return Flow(spec)
    own = p.as_table(table)
    fks = [fk for fk in (_foreign_key(ctx, own, fk) for fk in p.foreign_keys) if fk]
    if fks:
        spec["foreign_keys"] = fks
    if p.indexes:
        columns = [col.name for col in table.columns]
        spec["indexes"] = [index_spec(index, p.name, columns) for index in p.indexes]
    if p.partitioning is not None:  # sub-partitioned: its key and its partitions, recursively
        spec["partition_by"] = Flow({p.partitioning.strategy: Flow(list(p.partitioning.keys))})
        if p.partitions:
            spec["partitions"] = [_partition(ctx, own, sub, nested=True) for sub in p.partitions]
    return spec


def _rls(ctx: Context, table: Table) -> dict[str, Any] | None:
    rls = table.rls
    policies = rls.policies
    if policies and not rls.enabled:
        # the resolver enables row-level security on any table with a policy: writing these
        # would deny every row to the roles they do not let in
        for policy in policies:
            ctx.gap(
                "policy",
                table.schema_name,
                f"{policy.name} on {table.name}",
                "row-level security is disabled on the table, and the spec format enables it "
                "with any policy",
                whole=True,
            )
        policies = ()
    if not rls.enabled and not rls.force:
        return None
    spec: dict[str, Any] = {"enabled": rls.enabled}
    if rls.force:
        spec["force"] = True
    if policies:
        written: dict[str, Any] = {}
        for policy in policies:
            entry: dict[str, Any] = {}
            if policy.command != "all":
                entry["command"] = policy.command
            if not policy.permissive:
                entry["permissive"] = False
            if policy.roles != ("public",):
                entry["roles"] = Flow(list(policy.roles))
            if policy.using is not None:
                entry["using"] = policy.using
            if policy.with_check is not None:
                entry["with_check"] = policy.with_check
            if policy.description is not None:
                entry["description"] = policy.description
            written[policy.name] = Flow(entry)
        spec["policies"] = written
    return spec
