"""Built-in traits (the conventions of the schema standard) and their side effects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from schemac.spec.models import ColumnSpec, IndexSpec, ReferenceSpec, TraitSpec

T = TypeVar("T")

UPDATED_AT_FUNCTION = "updated_at_trigger"
UPDATED_AT_TRIGGER = "set_updated_at"
AUDIT_FUNCTION = "audit_row_change"
AUDIT_TRIGGER = "audit_row_change"

UPDATED_AT_BODY = """BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
"""

#: writes the old and new row as jsonb to audit_logs (the table the identity domain declares)
AUDIT_BODY = """DECLARE
    old_row jsonb := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END;
    row_data jsonb := coalesce(new_row, old_row);
BEGIN
    INSERT INTO audit_logs (tenant_id, entity_type, entity_id, action, old_values, new_values)
    VALUES (
        (row_data ->> 'tenant_id')::uuid,
        TG_TABLE_NAME,
        (row_data ->> 'id')::uuid,
        lower(TG_OP),
        old_row,
        new_row
    );
    RETURN NULL;
END;
"""

#: columns the audited trait's function writes
AUDIT_COLUMNS = ("tenant_id", "entity_type", "entity_id", "action", "old_values", "new_values")

_TIMESTAMPTZ_NOW = ColumnSpec(type="timestamptz", default="now()")

BUILTIN_TRAITS: dict[str, TraitSpec] = {
    "uuid_pk": TraitSpec(
        description="id uuid primary key",
        columns={"id": ColumnSpec(type="uuid", default="gen_random_uuid()", primary_key=True)},
    ),
    "created_at": TraitSpec(columns={"created_at": _TIMESTAMPTZ_NOW}),
    "timestamps": TraitSpec(
        columns={"created_at": _TIMESTAMPTZ_NOW, "updated_at": _TIMESTAMPTZ_NOW}
    ),
    "soft_delete": TraitSpec(columns={"deleted_at": ColumnSpec(type="timestamptz", nullable=True)}),
    "versioned": TraitSpec(
        columns={
            "version": ColumnSpec(type="integer", default=1, description="Optimistic lock counter")
        }
    ),
    "tenant_scoped": TraitSpec(
        columns={
            "tenant_id": ColumnSpec(
                type="uuid", references=ReferenceSpec(table="tenants", on_delete="restrict")
            )
        },
        indexes=[IndexSpec(columns=["tenant_id"])],
    ),
    "audited": TraitSpec(),
}

#: traits that stand for other traits, expanded in this order
COMPOSITE_TRAITS: dict[str, tuple[str, ...]] = {
    "standard": ("uuid_pk", "timestamps", "soft_delete", "versioned"),
}


def expand(names: list[str]) -> list[str]:
    """Trait names with composites expanded, first occurrence kept."""
    out: list[str] = []
    for name in names:
        for part in COMPOSITE_TRAITS.get(name, (name,)):
            if part not in out:
                out.append(part)
    return out


def standard_order(
    columns: dict[str, T], first: Sequence[str], last: Sequence[str]
) -> dict[str, T]:
    """The columns in the schema document's order: those named in `first` (in that order), the
    others as they came (trait columns, then the table's own in spec order), then those named
    in `last` (in that order). The same dict when nothing moves."""
    firsts = [name for name in first if name in columns]
    lasts = [name for name in last if name in columns and name not in firsts]
    placed = {*firsts, *lasts}
    order = [*firsts, *(name for name in columns if name not in placed), *lasts]
    if order == list(columns):
        return columns
    return {name: columns[name] for name in order}


def known_traits(user: dict[str, TraitSpec]) -> list[str]:
    return sorted(set(BUILTIN_TRAITS) | set(COMPOSITE_TRAITS) | set(user))
