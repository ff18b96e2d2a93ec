"""Storage options of the specs: a table's and an index's storage parameters (`with:`), a
column's attribute options (`options:`), checked against what PostgreSQL knows for the object
(model/storage.py) and turned into the text PostgreSQL stores (`fillfactor=50`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from schemac.diagnostics import suggestion
from schemac.model.storage import Param, option_text
from schemac.resolve.context import Context
from schemac.source import Span


def storage_options(
    ctx: Context,
    values: Mapping[str, object],
    known: Mapping[str, Param],
    what: str,
    key_span: Callable[[str], Span | None],
    value_span: Callable[[str], Span | None],
) -> tuple[tuple[str, str], ...]:
    """The options as (name, stored text) pairs in the order written; an unknown name or a value out
    of range is an error at its spec line."""
    out: list[tuple[str, str]] = []
    for name, value in values.items():
        param = known.get(name)
        if param is None:
            ctx.error(
                "E180",
                f"{what}: unknown parameter '{name}'",
                key_span(name),
                suggestion(name, list(known)) or f"known parameters: {', '.join(sorted(known))}",
            )
            continue
        text = option_text(param, value)
        if text is None:
            ctx.error(
                "E181",
                f"{what}: invalid value {value!r} for {name}",
                value_span(name),
                f"{name} takes {param.describe()}",
            )
            continue
        out.append((name, text))
    return tuple(out)
