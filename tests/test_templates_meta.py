"""Change kinds, context builders and template files stay one-to-one, and templates stay dumb."""

from __future__ import annotations

import re

from schemac.plan.changes import ALL_CHANGE_KINDS
from schemac.render.environment import builtin_template_names, builtin_templates_root
from schemac.render.sql import BUILDERS

KINDS = {kind.kind for kind in ALL_CHANGE_KINDS}


def test_one_template_per_change_kind() -> None:
    templates = {name.removesuffix(".sql.j2") for name in builtin_template_names()}
    assert templates == KINDS


def test_one_context_builder_per_change_kind() -> None:
    assert set(BUILDERS) == KINDS


def test_templates_only_interpolate() -> None:
    # decisions belong in render/sql.py: a template holds no tags, filters or expressions
    root = builtin_templates_root()
    for name in builtin_template_names():
        text = root.joinpath(name).read_text(encoding="utf-8")
        assert "{%" not in text, f"{name} holds logic"
        for expr in re.findall(r"{{(.*?)}}", text):
            assert re.fullmatch(r"\s*[a-z_]+\s*", expr), f"{name}: '{{{{{expr}}}}}' is not a name"
        assert text.endswith(";\n") or text.endswith("}}\n"), name


def test_every_context_key_is_used() -> None:
    # a key a template never places is a decision made for nothing (or a forgotten clause)
    from tests.test_render import EXAMPLES

    root = builtin_templates_root()
    for kind, examples in EXAMPLES.items():
        text = root.joinpath(f"{kind}.sql.j2").read_text(encoding="utf-8")
        placed = set(re.findall(r"{{\s*([a-z_]+)\s*}}", text))
        for change in examples:
            assert set(BUILDERS[kind](change)) == placed, kind
