"""The JSON Schema of a spec document, for editor validation (YAML language servers).

Generated from the spec models, so it cannot drift from what the loader accepts; the short
forms the models expand before validation (`email: varchar(320)`, `user_role: [a, b]`,
`references: tenants`, `extensions: [pgcrypto]`) are added as alternatives. Every model and
key carries the `description` spec/descriptions.py gives it (an editor's hover text).
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_ID = "https://schemac.dev/spec.schema.json"

#: model name -> the JSON type of its short form
SHORT_FORMS: dict[str, dict[str, Any]] = {
    "ColumnSpec": {"type": "string", "description": "short form: the column type, NOT NULL"},
    "EnumSpec": {"type": "array", "items": {"type": "string"}, "description": "short form: values"},
    "ReferenceSpec": {"type": "string", "description": "short form: table, or table.column"},
    "ExtensionSpec": {"type": "string", "description": "short form: the extension name"},
    "CheckSpec": {"type": "string", "description": "short form: the boolean expression"},
    "DomainCheckSpec": {"type": "string", "description": "short form: the boolean expression"},
    "ClassificationSpec": {
        "type": "string",
        "enum": ["public", "internal", "pii", "sensitive", "secret"],
        "description": "short form: the level",
    },
    "PrimaryKeySpec": {
        "type": "array",
        "items": {"type": "string"},
        "minItems": 1,
        "description": "short form: the key's columns (name derived: {table}_pkey)",
    },
    "UniqueSpec": {
        "type": "array",
        "items": {"type": "string"},
        "minItems": 1,
        "description": "short form: the constraint's columns (name derived: uq_{table}_{cols})",
    },
    "AttributeSpec": {"type": "string", "description": "short form: the attribute type"},
    "IdentitySpec": {
        "type": "string",
        "enum": ["always", "by_default"],
        "description": "short form: GENERATED ALWAYS or BY DEFAULT, every option PostgreSQL's",
    },
}


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one spec document's front-matter."""
    from schemac.spec.descriptions import describe
    from schemac.spec.models import DocumentSpec

    schema = DocumentSpec.model_json_schema(by_alias=True)
    definitions = schema["$defs"]
    describe({**definitions, DocumentSpec.__name__: schema})
    for name, short in SHORT_FORMS.items():
        long_form = definitions[name]
        definitions[name] = {
            "anyOf": [short, long_form],
            "title": long_form.get("title", name),
            "description": long_form.get("description", ""),
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "schemac database-schema spec",
    }


def spec_json_schema_text() -> str:
    return json.dumps(spec_json_schema(), indent=2, sort_keys=True) + "\n"
