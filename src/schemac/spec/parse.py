"""Validate raw documents against the spec models; pydantic errors become located diagnostics."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from schemac.diagnostics import Diagnostic, did_you_mean, error
from schemac.load.loader import Path_, RawDoc
from schemac.spec.models import DocumentSpec


def parse_document(doc: RawDoc) -> tuple[DocumentSpec | None, list[Diagnostic]]:
    try:
        return DocumentSpec.model_validate(doc.data), []
    except ValidationError as exc:
        return None, _diagnostics(doc, exc)


def _diagnostics(doc: RawDoc, exc: ValidationError) -> list[Diagnostic]:
    seen: set[tuple[str, Path_]] = set()
    out: list[Diagnostic] = []
    for err in exc.errors(include_url=False):
        loc = _data_path(doc.data, err["loc"])
        kind = err["type"]
        # a union reports one error per member; the first located message per path is enough
        if (kind, loc) in seen or ("union", loc) in seen:
            continue
        seen.add(("union" if _in_union(err["loc"]) else kind, loc))
        message, help_, span = _describe(doc, err, loc)
        out.append(error("E020", message, span, help_))
    return out


def _in_union(loc: tuple[Any, ...]) -> bool:
    return any(isinstance(p, str) and ("[" in p or p in {"str", "list[...]"}) for p in loc)


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path_:
    """Drop pydantic's union-member tags from a loc so it addresses the YAML data."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_mapping = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            path.append(part)
            node = node[part]
        elif (
            isinstance(part, str) and isinstance(node, dict) and part not in node and not _tag(part)
        ):
            path.append(part)  # a missing or extra key: keep it, the span falls back to the parent
            node = None
    return tuple(path)


def _tag(part: str) -> bool:
    return (
        "[" in part
        or part in {"str", "int", "float", "bool", "date", "datetime", "none"}
        or part[:1].isupper()
        or part.startswith("function-")
    )


def _where(path: Path_) -> str:
    return ".".join(str(p) for p in path) or "document"


def _describe(doc: RawDoc, err: Any, path: Path_) -> tuple[str, str | None, Any]:
    kind = err["type"]
    field = str(path[-1]) if path else ""
    parent = path[:-1]
    if kind == "extra_forbidden":
        candidates = _keys_at(path[:-1], doc.data)
        guess = did_you_mean(field, candidates)
        hint = (
            f"did you mean '{guess}'?" if guess else f"valid keys: {', '.join(sorted(candidates))}"
        )
        return f"unknown key '{field}' in {_where(parent)}", hint, doc.spans.key(path)
    if kind == "missing":
        return (
            f"missing required key '{field}' in {_where(parent)}",
            f"add '{field}: ...'",
            doc.spans.key(parent) if parent else doc.spans.value(()),
        )
    span = doc.spans.value(path)
    value = _value_at(doc.data, path)
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"invalid value {value!r} for '{field}'", f"expected one of {expected}", span
    if kind in ("bool_type", "bool_parsing"):
        return f"'{field}' must be true or false, not {value!r}", "write true or false", span
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"'{_where(path)}' must be a mapping, not {type(value).__name__}", None, span
    if kind == "list_type":
        return f"'{_where(path)}' must be a list", f"write [{value}]" if value else None, span
    if kind in (
        "string_type",
        "int_type",
        "int_parsing",
        "date_type",
        "date_from_datetime_parsing",
    ):
        return f"invalid value {value!r} for '{_where(path)}': {err['msg'].lower()}", None, span
    return f"{_where(path)}: {err['msg']}", None, span


def _value_at(data: Any, path: Path_) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _keys_at(path: Path_, data: Any) -> list[str]:
    """The keys the spec model accepts at a data path (for did-you-mean)."""
    model: Any = DocumentSpec
    for part in path:
        if isinstance(part, int):
            model = _item(model)
            continue
        model = _field_type(model, part) if _is_model(model) else _item(model)
        if model is None:
            return []
    model = _first_model(model)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _field_type(model: Any, name: str) -> Any:
    for field_name, info in model.model_fields.items():
        if name in (field_name, info.alias):
            return info.annotation
    return None


def _item(tp: Any) -> Any:
    """The element type of list[X] / dict[str, X] (unwrapping Optional and unions)."""
    for member in _members(tp):
        args = typing.get_args(member)
        origin = typing.get_origin(member)
        if origin is list and args:
            return args[0]
        if origin is dict and len(args) == 2:
            return args[1]
    return None


def _members(tp: Any) -> list[Any]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return list(typing.get_args(tp))
    return [tp]


def _first_model(tp: Any) -> Any:
    for member in _members(tp):
        if _is_model(member):
            return member
        inner = _item(member)
        if _is_model(inner):
            return inner
    return None
