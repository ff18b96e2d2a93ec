"""Context builders for the changes of incremental migrations (ALTERs, renames, validations).

The same rules as render/sql.py: every decision is made here, identifiers go through
quote_ident/qualify, literals through quote_literal, and a template only places the strings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemac.model.canonical import zoned_keys
from schemac.model.names import qualify, quote_ident, quote_literal
from schemac.model.schema import Check, Exclusion, PrimaryKey, Unique, default_sequence_options
from schemac.model.types import sql_type
from schemac.plan import changes as c
from schemac.render import clauses as cl

Context = dict[str, str]

#: role specifications that are keywords, not role names: quoting them would name a role
ROLE_KEYWORDS = {"public", "current_user", "current_role", "session_user"}


def role(name: str) -> str:
    return name.lower() if name.lower() in ROLE_KEYWORDS else quote_ident(name)


def _table(ch: c.AddColumn | c.DropColumn | c.AlterColumn | c.AddConstraint) -> str:
    return qualify(ch.table.schema_name, ch.table.name)


def _add_enum_value(ch: c.AddEnumValue) -> Context:
    position = ""
    if ch.position is not None:
        where, neighbour = ch.position
        position = f" {where.upper()} {quote_literal(neighbour)}"
    return {
        "name": qualify(ch.enum.schema_name, ch.enum.name),
        "value": quote_literal(ch.value),
        "position": position,
    }


def _add_column(ch: c.AddColumn) -> Context:
    return {"table": _table(ch), "definition": cl.column(ch.column)}


def _drop_column(ch: c.DropColumn) -> Context:
    return {"table": _table(ch), "name": quote_ident(ch.column.name)}


def _alter_action(ch: c.AlterColumn) -> str:
    new = ch.new
    if ch.action == "type":
        text = f"TYPE {sql_type(new.type)}"
        if new.collation is not None:
            text += f" COLLATE {cl.dotted(new.collation)}"
        if ch.using is not None:
            text += f" USING {cl.fragment(ch.using)}"
        return text
    if ch.action == "set default":
        return f"SET DEFAULT {cl.fragment(new.default or '', 'default')}"
    if ch.action == "drop default":
        return "DROP DEFAULT"
    if ch.action == "set not null":
        return "SET NOT NULL"
    if ch.action == "drop not null":
        return "DROP NOT NULL"
    if ch.action == "drop expression":
        return "DROP EXPRESSION"
    if ch.action == "add identity":
        return f"ADD {cl.identity(new)}"
    if ch.action == "drop identity":
        return "DROP IDENTITY IF EXISTS"
    if ch.action == "set identity options":
        return " ".join(f"SET {words}" for words in cl.sequence_clauses(new.identity_sequence))
    return f"SET GENERATED {'ALWAYS' if new.identity == 'always' else 'BY DEFAULT'}"


def _regenerate_column(ch: c.RegenerateColumn) -> Context:
    return {
        "table": qualify(ch.table.schema_name, ch.table.name),
        "name": quote_ident(ch.old.name),
        "definition": cl.column(ch.new),
    }


def _alter_column(ch: c.AlterColumn) -> Context:
    return {"table": _table(ch), "name": quote_ident(ch.new.name), "action": _alter_action(ch)}


def _sync_identity(ch: c.SyncIdentity) -> Context:
    table = qualify(ch.table.schema_name, ch.table.name)
    column = ch.table.column(ch.column)
    options = column.identity_sequence if column else default_sequence_options("bigint")
    column_sql = quote_ident(ch.column)
    return {
        "table": table,
        "table_text": quote_literal(table),
        "column_text": quote_literal(ch.column),
        "next_value": f"least(coalesce(min({column_sql}), 0) - 1, {options.start})"
        if options.increment < 0
        else f"greatest(coalesce(max({column_sql}), 0) + 1, {options.start})",
    }


def _constraint_definition(ch: c.AddConstraint) -> str:
    con = ch.constraint
    if isinstance(con, Check):
        return f"CHECK ({cl.fragment(con.expression)})"
    if isinstance(con, Exclusion):
        return cl.exclusion(con)
    keyword = "PRIMARY KEY" if isinstance(con, PrimaryKey) else "UNIQUE"
    if ch.using_index is not None:
        text = f"{keyword} USING INDEX {quote_ident(ch.using_index)}"
    else:
        text = f"{keyword} ({cl.idents(con.columns)})"
    if isinstance(con, Unique):
        text += cl.deferral(con.deferrable, con.initially_deferred)
    return text


def _add_constraint(ch: c.AddConstraint) -> Context:
    return {
        "table": _table(ch),
        "name": quote_ident(ch.constraint.name),
        "definition": _constraint_definition(ch),
        "not_valid": " NOT VALID" if ch.not_valid else "",
    }


def _validate_constraint(ch: c.ValidateConstraint) -> Context:
    return {"table": qualify(ch.table.schema_name, ch.table.name), "name": quote_ident(ch.name)}


def _detach_partition(ch: c.DetachPartition) -> Context:
    return {
        "parent": qualify(ch.table.schema_name, ch.table.name),
        "name": qualify(ch.table.schema_name, ch.partition.name),
        "concurrently": " CONCURRENTLY" if ch.concurrently else "",
    }


def _attach_partition(ch: c.AttachPartition) -> Context:
    return {
        "parent": qualify(ch.table.schema_name, ch.table.name),
        "name": qualify(ch.table.schema_name, ch.partition.name),
        "bound": cl.partition_bound(ch.partition, zoned_keys(ch.table)),
    }


def _attach_index(ch: c.AttachIndex) -> Context:
    return {
        "parent": qualify(ch.schema_name, ch.parent_index),
        "child": qualify(ch.schema_name, ch.partition_index),
    }


def _drop_then_create_view(ch: c.DropThenCreateView) -> Context:
    view = ch.previous
    return {"name": qualify(view.schema_name, view.name), "query": cl.view_query(view.query)}


def _set_rls(ch: c.SetRls) -> Context:
    return {"table": qualify(ch.table.schema_name, ch.table.name), "action": ch.action.upper()}


def _alter_policy(ch: c.AlterPolicy) -> Context:
    pol = ch.new
    return {
        "name": quote_ident(pol.name),
        "table": qualify(ch.table.schema_name, ch.table.name),
        "roles": ", ".join(role(r) for r in pol.roles),
        # ALTER POLICY keeps a clause it is not given: a removed one cannot be expressed, so
        # the planner drops and re-creates a policy that loses USING or WITH CHECK
        "using": f" USING ({cl.fragment(pol.using)})" if pol.using is not None else "",
        "with_check": (
            f" WITH CHECK ({cl.fragment(pol.with_check)})" if pol.with_check is not None else ""
        ),
    }


_RENAME_OBJECT = {
    "table": "TABLE",
    "column": "TABLE",
    "constraint": "TABLE",
    "index": "INDEX",
    "type": "TYPE",
    "enum value": "TYPE",
    "view": "VIEW",
    "materialized view": "MATERIALIZED VIEW",
}


def _rename(ch: c.Rename) -> Context:
    if ch.target == "column":
        name, clause = ch.name, f"COLUMN {quote_ident(ch.old)} TO {quote_ident(ch.new)}"
    elif ch.target == "constraint":
        name, clause = ch.name, f"CONSTRAINT {quote_ident(ch.old)} TO {quote_ident(ch.new)}"
    elif ch.target == "enum value":
        name, clause = ch.name, f"VALUE {quote_literal(ch.old)} TO {quote_literal(ch.new)}"
    else:
        name, clause = ch.old, f"TO {quote_ident(ch.new)}"
    return {
        "object_type": _RENAME_OBJECT[ch.target],
        "name": qualify(ch.schema_name, name),
        "clause": clause,
    }


def _set_schema(ch: c.SetSchema) -> Context:
    return {
        "object_type": "TABLE",
        "name": qualify(ch.schema_name, ch.name),
        "schema": quote_ident(ch.new_schema),
    }


def _set_storage(ch: c.SetStorage) -> Context:
    actions = []
    if ch.set:
        actions.append(f"SET ({cl.options(ch.set)})")
    if ch.reset:
        actions.append(f"RESET ({cl.idents(ch.reset)})")
    return {"table": qualify(ch.table.schema_name, ch.table.name), "actions": ", ".join(actions)}


def _set_replica_identity(ch: c.SetReplicaIdentity) -> Context:
    t = ch.table
    if t.replica_identity == "index":
        identity = f"USING INDEX {quote_ident(t.replica_index or '')}"
    else:
        identity = (t.replica_identity or "default").upper()
    return {"table": qualify(t.schema_name, t.name), "identity": identity}


def _set_persistence(ch: c.SetPersistence) -> Context:
    return {
        "table": qualify(ch.table.schema_name, ch.table.name),
        "persistence": "UNLOGGED" if ch.unlogged else "LOGGED",
    }


def _set_column_storage(ch: c.SetColumnStorage) -> Context:
    column = f"ALTER COLUMN {quote_ident(ch.column)}"
    actions = []
    if ch.statistics is not None:
        actions.append(f"{column} SET STATISTICS {int(ch.statistics)}")
    if ch.set:
        actions.append(f"{column} SET ({cl.options(ch.set)})")
    if ch.reset:
        actions.append(f"{column} RESET ({cl.idents(ch.reset)})")
    return {"table": qualify(ch.table.schema_name, ch.table.name), "actions": ", ".join(actions)}


def _set_index_statistics(ch: c.SetIndexStatistics) -> Context:
    return {
        "index": qualify(ch.schema_name, ch.index),
        "actions": ", ".join(
            f"ALTER COLUMN {int(position)} SET STATISTICS {int(target)}"
            for position, target in ch.targets
        ),
    }


def _irreversible(ch: c.Irreversible) -> Context:
    return {"what": cl.comment_line(ch.what), "why": cl.comment_line(ch.why)}


ALTER_BUILDERS: dict[str, Callable[[Any], Context]] = {
    c.AddEnumValue.kind: _add_enum_value,
    c.AddColumn.kind: _add_column,
    c.DropColumn.kind: _drop_column,
    c.AlterColumn.kind: _alter_column,
    c.RegenerateColumn.kind: _regenerate_column,
    c.SyncIdentity.kind: _sync_identity,
    c.AddConstraint.kind: _add_constraint,
    c.ValidateConstraint.kind: _validate_constraint,
    c.DetachPartition.kind: _detach_partition,
    c.AttachPartition.kind: _attach_partition,
    c.AttachIndex.kind: _attach_index,
    c.DropThenCreateView.kind: _drop_then_create_view,
    c.SetRls.kind: _set_rls,
    c.AlterPolicy.kind: _alter_policy,
    c.Rename.kind: _rename,
    c.SetSchema.kind: _set_schema,
    c.Irreversible.kind: _irreversible,
    c.SetStorage.kind: _set_storage,
    c.SetPersistence.kind: _set_persistence,
    c.SetReplicaIdentity.kind: _set_replica_identity,
    c.SetColumnStorage.kind: _set_column_storage,
    c.SetIndexStatistics.kind: _set_index_statistics,
}
