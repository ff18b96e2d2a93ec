"""Column references PostgreSQL is certain to refuse, found in a parse tree (sqltree.py).

A reference is reported only when every name it could resolve to is known: a FROM item whose
columns are unknown (a view, a subquery, a function, a CTE, a relation no spec declares) makes
every unqualified reference in its scope undecidable, and a qualifier that names no FROM item
may be a composite column (`address.city`), so it is never guessed at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from schemac.resolve.sqltree import SYSTEM_COLUMNS, Node, words

#: (schema or None, relation) -> the columns of a table a spec declares, in order; None otherwise
Relation = Callable[[str | None, str], tuple[str, ...] | None]


@dataclass(frozen=True)
class Entry:
    """A FROM item as a reference sees it: the name it is referenced by and its columns (None
    when they are not known). An unnamed entry stands for something that could have any name."""

    name: str
    columns: tuple[str, ...] | None


Scope = tuple[Entry, ...]


@dataclass(frozen=True)
class Rules:
    """What may be reported. Unqualified names in a function body may be its parameters, and a
    qualifier there may be the function's name."""

    unqualified: bool = True
    missing_from: bool = True


#: PostgreSQL's message for a reference that cannot resolve, the name it could not find and the
#: names it could have meant (for a did-you-mean)
Problem = tuple[str, str, tuple[str, ...]]


def unknown_columns(
    tree: Any, scopes: tuple[Scope, ...], relation: Relation, rules: Rules = Rules()
) -> list[Problem]:
    """Every column reference in `tree` (a statement's fields or an expression) that cannot
    resolve; `scopes` are the enclosing FROM lists, innermost first."""
    walker = _Walker(relation, rules)
    walker.expression(tree, scopes, frozenset(), rules.unqualified)
    return walker.problems


def select_unknown_columns(stmt: Node, relation: Relation, rules: Rules = Rules()) -> list[Problem]:
    """`unknown_columns` of a statement node (`{"SelectStmt": ...}` or another kind)."""
    walker = _Walker(relation, rules)
    walker.statement(stmt, (), frozenset())
    return walker.problems


def from_entries(stmt: Node, relation: Relation, ctes: frozenset[str]) -> list[Entry] | None:
    """The FROM items of a SelectStmt's fields as `*` expands them; None when a join merges
    columns (USING, NATURAL), so `*` does not list each item's columns."""
    out: list[Entry] = []
    for item in stmt.get("fromClause", []):
        if not _entries_of(item, relation, ctes, out):
            return None
    return out


def _entries_of(item: Node, relation: Relation, ctes: frozenset[str], out: list[Entry]) -> bool:
    if "RangeVar" in item:
        out.append(_range_var(item["RangeVar"], relation, ctes))
        return True
    if "JoinExpr" in item:
        join = item["JoinExpr"]
        if join.get("usingClause") or join.get("isNatural"):
            return False
        if join.get("alias"):
            out.append(Entry(join["alias"]["aliasname"], None))
            return True
        return _entries_of(join["larg"], relation, ctes, out) and _entries_of(
            join["rarg"], relation, ctes, out
        )
    out.append(Entry(_alias(item), None))
    return True


def _range_var(node: Node, relation: Relation, ctes: frozenset[str]) -> Entry:
    alias = node.get("alias")
    name = alias["aliasname"] if alias else node["relname"]
    schema = node.get("schemaname")
    if (alias and alias.get("colnames")) or (schema is None and node["relname"] in ctes):
        return Entry(name, None)  # renamed columns, or a CTE
    return Entry(name, relation(schema, node["relname"]))


def _alias(item: Node) -> str:
    for node in item.values():
        if isinstance(node, dict) and node.get("alias"):
            return str(node["alias"]["aliasname"])
    if "RangeFunction" in item:  # an unaliased function is referenced by the function's name
        for fn in item["RangeFunction"].get("functions", []):
            for part in fn.get("List", {}).get("items", []):
                if "FuncCall" in part:
                    return words(part["FuncCall"]["funcname"])[-1]
    return ""


class _Walker:
    def __init__(self, relation: Relation, rules: Rules) -> None:
        self.relation = relation
        self.rules = rules
        self.problems: list[Problem] = []

    def statement(self, stmt: Node, outer: tuple[Scope, ...], ctes: frozenset[str]) -> None:
        if "SelectStmt" in stmt:
            self.select(stmt["SelectStmt"], outer, ctes)
            return
        # INSERT/UPDATE/DELETE: their target is a scope this walker does not model, so what
        # their subqueries do not resolve themselves is left undecided
        self.expression(stmt, (*outer, (Entry("", None),)), ctes, False)

    def select(self, stmt: Node, outer: tuple[Scope, ...], ctes: frozenset[str]) -> None:
        with_clause = stmt.get("withClause")
        if with_clause:
            queries = [c["CommonTableExpr"] for c in with_clause.get("ctes", [])]
            ctes = ctes | {q["ctename"] for q in queries}
            for query in queries:
                self.statement(query["ctequery"], outer, ctes)
        if stmt.get("op", "SETOP_NONE") != "SETOP_NONE":
            # ORDER BY of a UNION names output columns: only the operands are walked
            self.select(stmt["larg"], outer, ctes)
            self.select(stmt["rarg"], outer, ctes)
            return
        entries: list[Entry] = []
        for item in stmt.get("fromClause", []):
            self.from_item(item, entries, outer, ctes)
        chain = (tuple(entries), *outer)
        for key in ("targetList", "whereClause", "havingClause", "windowClause", "valuesLists"):
            self.expression(stmt.get(key), chain, ctes, self.rules.unqualified)
        for key in ("limitCount", "limitOffset"):
            self.expression(stmt.get(key), chain, ctes, self.rules.unqualified)
        # GROUP BY, ORDER BY and DISTINCT ON may name output columns
        for key in ("groupClause", "sortClause", "distinctClause"):
            self.expression(stmt.get(key), chain, ctes, False)

    def from_item(
        self, item: Node, entries: list[Entry], outer: tuple[Scope, ...], ctes: frozenset[str]
    ) -> None:
        if "RangeVar" in item:
            entries.append(_range_var(item["RangeVar"], self.relation, ctes))
        elif "JoinExpr" in item:
            join = item["JoinExpr"]
            inner: list[Entry] = []
            self.from_item(join["larg"], inner, outer, ctes)
            self.from_item(join["rarg"], inner, outer, ctes)
            scope = (tuple(entries + inner), *outer)
            self.expression(join.get("quals"), scope, ctes, self.rules.unqualified)
            if join.get("alias"):
                entries.append(Entry(join["alias"]["aliasname"], None))
            else:
                entries.extend(inner)
        elif "RangeSubselect" in item:
            sub = item["RangeSubselect"]
            self.statement(
                sub["subquery"], (tuple(entries), *outer) if sub.get("lateral") else outer, ctes
            )
            entries.append(Entry(_alias(item), None))
        else:  # functions, VALUES, table samples, XMLTABLE...: their arguments see the FROM list
            self.expression(item, (tuple(entries), *outer), ctes, self.rules.unqualified)
            entries.append(Entry(_alias(item), None))

    def expression(
        self, tree: Any, chain: tuple[Scope, ...], ctes: frozenset[str], unqualified: bool
    ) -> None:
        stack = [tree]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                for key, value in item.items():
                    if key == "ColumnRef":
                        self.reference(value, chain, unqualified)
                    elif key == "SelectStmt":
                        self.select(value, chain, ctes)
                    elif isinstance(value, dict | list):
                        stack.append(value)

    def reference(self, node: Node, chain: tuple[Scope, ...], unqualified: bool) -> None:
        fields = [f["String"]["sval"] if "String" in f else None for f in node["fields"]]
        if len(fields) == 1 and fields[0] is not None and unqualified:
            self._unqualified(fields[0], chain)
        elif len(fields) == 2 and fields[0] is not None and fields[1] is not None:
            self._qualified(fields[0], fields[1], chain)

    def _unqualified(self, column: str, chain: tuple[Scope, ...]) -> None:
        if column in SYSTEM_COLUMNS:
            return
        for scope in chain:
            for entry in scope:
                # a column of the item, or the item itself as a whole-row value
                if entry.columns is None or column in entry.columns or column == entry.name:
                    return
        known = tuple(c for scope in chain for e in scope for c in e.columns or ())
        self.problems.append((f'column "{column}" does not exist', column, known))

    def _qualified(self, qualifier: str, column: str, chain: tuple[Scope, ...]) -> None:
        for scope in chain:
            named = [e for e in scope if e.name == qualifier]
            if named:
                entry = named[0]
                if (
                    len(named) == 1
                    and entry.columns is not None
                    and column not in entry.columns
                    and column not in SYSTEM_COLUMNS
                ):
                    self.problems.append(
                        (f"column {qualifier}.{column} does not exist", column, entry.columns)
                    )
                return
            if any(e.name == "" or e.columns is None for e in scope):
                return  # it may be an unnamed item, or a composite column of an unknown one
        if self.rules.missing_from and not any(
            qualifier in (e.columns or ()) for scope in chain for e in scope
        ):
            names = tuple(e.name for scope in chain for e in scope)
            self.problems.append(
                (f'missing FROM-clause entry for table "{qualifier}"', qualifier, names)
            )
