"""Singular and plural of English nouns, as table-naming rules need them.

Built on the `inflect` library with two corrections: a list of uncountable nouns (`news`,
`metadata`, `feedback`... are fine table names as they are) and the singular nouns that inflect
would "singularise" by dropping a final s (`status` -> `statu`, `alias` -> `alia`).

inflect decorates its API with typeguard's `@typechecked`, which re-parses inflect's source at
import time and costs about two seconds. The decorators only add runtime argument checks, so
inflect is imported lazily, once, with typeguard's decorator replaced by the identity function.
Results are cached: a schema asks about the same few words many times.
"""

from __future__ import annotations

import re
import sys
import types
from functools import cache
from typing import Any, Protocol


class _Engine(Protocol):
    def singular_noun(self, text: str) -> str | bool: ...

    def plural_noun(self, text: str) -> str: ...


#: nouns used as-is for one and many: a table named after them needs no extra s
UNCOUNTABLE = frozenset(
    {
        "advice", "aircraft", "analytics", "audio", "cash", "config", "content", "data",
        "deer", "equipment", "evidence", "feedback", "firmware", "fish", "furniture", "hardware",
        "history", "info", "information", "inventory", "knowledge", "luggage", "media",
        "metadata", "middleware", "money", "music", "news", "personnel", "research", "series",
        "sheep", "software", "species", "staff", "storage", "traffic", "weather",
    }
)  # fmt: skip

#: singular nouns ending in s that do not follow the -us/-is/-ss pattern
SINGULAR_WITH_S = frozenset(
    {"alias", "atlas", "bias", "canvas", "chaos", "corpus", "ethos", "gas", "lens", "sms"}
)

_engine: _Engine | None = None


def _identity_decorator(target: Any = None, **_: Any) -> Any:
    return target if target is not None else (lambda function: function)


def engine() -> _Engine:
    """The shared inflect engine, imported on first use without typeguard instrumentation."""
    global _engine
    if _engine is None:
        saved = sys.modules.get("typeguard")
        stub = types.ModuleType("typeguard")
        stub.typechecked = _identity_decorator  # type: ignore[attr-defined]
        sys.modules["typeguard"] = stub
        try:
            import inflect
        finally:
            if saved is None:
                del sys.modules["typeguard"]
            else:
                sys.modules["typeguard"] = saved
        _engine = inflect.engine()
    return _engine


def _looks_singular(word: str) -> bool:
    return word in SINGULAR_WITH_S or word.endswith(("us", "is", "ss"))


@cache
def is_plural(word: str) -> bool:
    """True for plural and uncountable nouns (`addresses`, `statuses`, `news`)."""
    word = word.lower()
    if word in UNCOUNTABLE:
        return True
    if _looks_singular(word):
        return False
    return engine().singular_noun(word) is not False


@cache
def singular(word: str) -> str:
    """The singular (`categories` -> `category`); uncountable and singular words unchanged."""
    lowered = word.lower()
    if lowered in UNCOUNTABLE or _looks_singular(lowered):
        return word
    found = engine().singular_noun(word)
    return found if isinstance(found, str) and found else word


@cache
def plural(word: str) -> str:
    """The plural (`status` -> `statuses`); plural and uncountable words unchanged."""
    if is_plural(word):
        return word
    return engine().plural_noun(word)


def _split_last(name: str) -> tuple[str, str]:
    head, _, last = name.rpartition("_")
    return (head + "_" if head else ""), last


def singular_name(name: str) -> str:
    """A snake_case name with its last word made singular (`user_profiles` -> `user_profile`)."""
    head, last = _split_last(name)
    return head + singular(last)


def plural_name(name: str) -> str:
    """A snake_case name with its last word made plural (`user_profile` -> `user_profiles`)."""
    head, last = _split_last(name)
    return head + plural(last)


def is_plural_name(name: str) -> bool:
    """True when the last word of a snake_case name is plural or uncountable."""
    return is_plural(_split_last(name)[1])


def snake_case(name: str) -> str:
    """A snake_case spelling of a camelCase, kebab or spaced name (`firstName` -> `first_name`)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[^A-Za-z0-9]+", "_", name)
    return spaced.strip("_").lower()
