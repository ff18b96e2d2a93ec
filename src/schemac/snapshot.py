"""The versioned snapshot (schemac.snapshot.json): the resolved schema a build last wrote.

A snapshot is read back by later schemac versions, older and newer, so loading is tolerant by
design: keys the model does not know (a newer schemac's fields, spec-only fields) are dropped at
every depth and missing fields take their defaults. Only what cannot be trusted is refused: a
format newer than this schemac reads, text that is not JSON, values the model rejects. Those are
input errors (`SnapshotError`, with a help line), never tracebacks.

The text keeps the layout snapshots always had (one top-level key per line, one list item per
line, each line from the C encoder), so a schema change reads as a small diff in review.
"""

from __future__ import annotations

import json
import re
import types
import weakref
from dataclasses import dataclass
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python

from schemac.model.schema import Schema
from schemac.write import hash_bytes

#: a JSON escape of a UTF-16 surrogate: paired it is one character, alone it cannot be written
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
#: 0: no "format" key (schemac before versioned snapshots); 1: "format" and "parent" keys
SNAPSHOT_FORMAT = 1


class SnapshotError(Exception):
    """A snapshot that cannot be loaded; the CLI reports it as an input error."""

    def __init__(self, message: str, help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.help = help


@dataclass(frozen=True)
class Snapshot:
    schema: Schema
    #: hash (snapshot_hash) of the snapshot this one was built on, None for the first
    parent: str | None
    format: int
    #: snapshot_hash of the text it was loaded from
    hash: str


#: the last dump (weakly: it must not outlive its schema) and its text: a build asks twice for
#: the same schema (is the output up to date? then the files to write); a Schema never changes
_last_dump: tuple[weakref.ref[Schema], str | None, str] | None = None


def dump_snapshot(schema: Schema, parent: str | None) -> str:
    """The schema as stable JSON, with the snapshot format and the parent snapshot's hash."""
    global _last_dump
    if _last_dump is not None and _last_dump[0]() is schema and _last_dump[1] == parent:
        return _last_dump[2]
    # late: pipeline is to import this module. Without the collector a 1,000-table dump or
    # load runs about twice as fast (it allocates a million objects and frees no cycles).
    from schemac.pipeline import _gc_paused

    with _gc_paused():
        data = schema.model_dump(mode="json")
        data["format"] = SNAPSHOT_FORMAT
        data["parent"] = parent
        lines = ["{"]
        keys = sorted(data)
        for i, key in enumerate(keys):
            value = data[key]
            comma = "," if i < len(keys) - 1 else ""
            if isinstance(value, list) and value:
                lines.append(f"  {json.dumps(key)}: [")
                lines.extend(f"    {_compact(item)}," for item in value[:-1])
                lines.append(f"    {_compact(value[-1])}")
                lines.append(f"  ]{comma}")
            else:
                lines.append(f"  {json.dumps(key)}: {_compact(value)}{comma}")
        lines.append("}")
        text = "\n".join(lines) + "\n"
    _last_dump = (weakref.ref(schema), parent, text)
    return text


#: json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")), with one
#: encoder for the thousands of items of a snapshot instead of one per item
_compact = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def snapshot_hash(text: str) -> str:
    """The `h1:` hash of a snapshot's text, the same hash schemac.sum uses."""
    return hash_bytes(text.encode("utf-8"))


def load_snapshot(text: str, path: str, like: Schema | None = None) -> Snapshot:
    """Parse a snapshot text (read from `path`, named in errors) back into the model.

    With `like` (the schema a build is about to plan towards), every item whose line in the
    text is exactly its line in `like`'s own snapshot is that item of `like`, not parsed again:
    a build after a small change reads the few items that differ (and the planner finds the
    rest unchanged at once, by identity).
    """
    from schemac.pipeline import _gc_paused  # late, as in dump_snapshot

    with _gc_paused():
        if like is not None:
            data = _data_like(text, like)
            if data is not None:
                return _validated(data, text, path)
        return _load(text, path)


#: a top-level line of a snapshot: `  "key": value` with its separator
_TOP_LINE = re.compile(r'  ("(?:[^"\\]|\\.)*"): (.*?),?')


def _data_like(text: str, like: Schema) -> dict[str, Any] | None:
    """The snapshot's data with `like`'s items where their lines are the same; None when the
    text does not have the layout dump_snapshot writes, or a differing line is not JSON (the
    full parse then reports what is wrong)."""
    ours = _item_lines(dump_snapshot(like, snapshot_hash(text)))
    theirs = _item_lines(text)
    if ours is None or theirs is None:
        return None
    data: dict[str, Any] = {}
    try:
        for key, lines in theirs.items():
            if isinstance(lines, str):
                data[key] = json.loads(lines)
                continue
            mine = ours.get(key)
            items = getattr(like, key, None) if isinstance(mine, list) else None
            known = dict(zip(mine, items, strict=True)) if mine and items is not None else {}
            data[key] = [known[line] if line in known else json.loads(line) for line in lines]
    except (json.JSONDecodeError, RecursionError, ValueError):
        return None
    return data


def _item_lines(text: str) -> dict[str, str | list[str]] | None:
    """Top-level key -> its value's JSON text, or for a non-empty list its items' JSON texts,
    from a text in dump_snapshot's layout (None for any other layout)."""
    lines = text.split("\n")
    if len(lines) < 3 or lines[0] != "{" or lines[-2] != "}" or lines[-1] != "":
        return None
    found: dict[str, str | list[str]] = {}
    i, end = 1, len(lines) - 2
    while i < end:
        top = _TOP_LINE.fullmatch(lines[i])
        if top is None:
            return None
        key = json.loads(top[1])
        if top[2] != "[":
            found[key] = top[2]
            i += 1
            continue
        i += 1
        items = []
        while i < end and lines[i].startswith("    "):
            items.append(lines[i][4:].removesuffix(","))
            i += 1
        if i >= end or lines[i].removesuffix(",") != "  ]":
            return None
        found[key] = items
        i += 1
    return found


def _load(text: str, path: str) -> Snapshot:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        where = f"line {e.lineno}, column {e.colno}"
        raise _broken(path, f"not valid JSON at {where} ({e.msg})") from None
    except RecursionError:
        raise _broken(path, "not a schemac snapshot (nested too deeply)") from None
    return _validated(data, text, path)


def _validated(data: Any, text: str, path: str) -> Snapshot:
    if not isinstance(data, dict):
        raise _broken(path, "not a schemac snapshot (a JSON object was expected)")
    fmt = data.pop("format", 0)
    parent = data.pop("parent", None)
    if type(fmt) is not int or fmt < 0:
        raise _broken(path, f"the snapshot format {json.dumps(fmt)} is not a format number")
    if fmt > SNAPSHOT_FORMAT:
        raise SnapshotError(
            f"{path}: written by a newer schemac (snapshot format {fmt}; this schemac reads "
            f"formats up to {SNAPSHOT_FORMAT})",
            "upgrade schemac to the version that wrote it",
        )
    if parent is not None and not isinstance(parent, str):
        raise _broken(path, "the parent snapshot hash must be a string or null")
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise _broken(path, "holds a \\u escape of half a UTF-16 pair (no character)") from None
    try:
        schema = Schema.model_validate(_clean(data, Schema))
    except ValidationError as e:
        raise _broken(path, _describe(e)) from None
    return Snapshot(schema, parent, fmt, snapshot_hash(text))


def _broken(path: str, problem: str) -> SnapshotError:
    return SnapshotError(
        f"{path}: {problem}",
        "restore it from version control (schemac writes this file; it is not edited by hand)",
    )


def _describe(error: ValidationError) -> str:
    """The first problem pydantic found, located by its path in the snapshot."""
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "top level"
    more = error.error_count() - 1
    also = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"the snapshot does not fit the schema model: {where}: {first['msg']}{also}"


def _clean(value: Any, model: type[BaseModel]) -> Any:
    """JSON data for `model` (or a list of it) without the keys `model` does not serialise.

    Dicts fresh from json.loads are changed in place, rebuilt only when they hold an unknown key
    (a column then costs one set comparison). Lists are entered one level deep, as no field nests
    them, so a broken file cannot recurse deeper than the model; what has not the shape the model
    expects is kept for validation to reject with a located message.
    """
    if isinstance(value, list):
        return [_clean_object(item, model) for item in value]
    return _clean_object(value, model)


def _clean_object(value: Any, model: type[BaseModel]) -> Any:
    if not isinstance(value, dict):
        return value
    known, nested = _fields(model)
    if not value.keys() <= known:
        value = {key: item for key, item in value.items() if key in known}
    for key, inner in nested:
        if key in value:
            value[key] = _clean(value[key], inner)
    return value


@cache
def _fields(
    model: type[BaseModel],
) -> tuple[frozenset[str], tuple[tuple[str, type[BaseModel]], ...]]:
    """The fields of `model` a snapshot carries, and those holding models (with the model).

    Excluded fields (spans, renamed_from, traits...) are left out: snapshots never carry them,
    so a key of that name is not one this schemac wrote.
    """
    fields = {name: f.annotation for name, f in model.model_fields.items() if not f.exclude}
    nested = ((name, _model_in(annotation)) for name, annotation in fields.items())
    return frozenset(fields), tuple((name, m) for name, m in nested if m is not None)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model inside a field type (`Rls`, `PrimaryKey | None`, `tuple[Column, ...]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin in (tuple, list, Union, types.UnionType):
        models = {m for arg in get_args(annotation) if (m := _model_in(arg)) is not None}
        if len(models) == 1:
            return models.pop()
    return None


def same_schema(a: Schema, b: Schema) -> bool:
    """Whether two schemas give the same snapshot data: is the output up to date?

    Unlike `==`, spec-only (excluded) fields such as renamed_from, traits and the declaring
    document, and snapshot metadata, never count.

    The snapshot data of a schema is that of its fields, and of a collection that of its items:
    they are compared one by one, so that a change is found without dumping both whole schemas
    (a build after a change usually meets it within the first tables).
    """
    if a is b:
        return True
    from schemac.pipeline import _gc_paused  # late, as in dump_snapshot

    with _gc_paused():
        for name in _SNAPSHOT_FIELDS:
            mine, theirs = getattr(a, name), getattr(b, name)
            if isinstance(mine, tuple) and isinstance(theirs, tuple):
                if len(mine) != len(theirs):
                    return False
                if any(
                    snapshot_data(x) != snapshot_data(y) for x, y in zip(mine, theirs, strict=True)
                ):
                    return False
            elif snapshot_data(mine) != snapshot_data(theirs):
                return False
    return True


#: the Schema fields a snapshot holds
_SNAPSHOT_FIELDS = tuple(name for name, f in Schema.model_fields.items() if not f.exclude)


def snapshot_data(value: Any) -> Any:
    """The snapshot data of a field value or collection item, as model_dump(mode="json")."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return to_jsonable_python(value)


def existing_column_order(previous: Schema, schema: Schema) -> Schema:
    """The schema with each table that `previous` already has in the column order the history
    gave it: its old columns (followed through renames) where they were, new ones appended, as
    ADD COLUMN places them. The configured standard order (columns.first / columns.last) is for
    CREATE TABLE only; this keeps the snapshot what the database holds, so a reordered spec or a
    changed `columns:` setting is no change. The same schema when nothing moves."""
    old_tables = {t.qualified_name: t for t in previous.tables}
    names = {t.qualified_name for t in schema.tables}
    tables = list(schema.tables)
    moved = False
    for i, table in enumerate(tables):
        before = old_tables.get(table.qualified_name)
        if before is None and table.renamed_from is not None:
            source = table.renamed_from
            source = source if "." in source else f"{table.schema_name}.{source}"
            before = old_tables.get(source) if source not in names else None
        if before is None or before is table:
            continue
        rank = {col.name: k for k, col in enumerate(before.columns)}
        if not rank:
            continue
        places = []
        for k, col in enumerate(table.columns):
            old = rank.get(col.name)
            if old is None and col.renamed_from is not None:
                old = rank.get(col.renamed_from)
            places.append((len(rank) if old is None else old, k, col))
        ordered = tuple(col for _, _, col in sorted(places, key=lambda p: (p[0], p[1])))
        if any(a is not b for a, b in zip(ordered, table.columns, strict=True)):
            tables[i] = table.model_copy(update={"columns": ordered})
            moved = True
    return schema.model_copy(update={"tables": tuple(tables)}) if moved else schema
