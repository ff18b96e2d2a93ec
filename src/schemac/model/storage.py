"""Storage options PostgreSQL knows: a table's and an index's storage parameters (per access
method), a column's attribute options; the text each value is stored as, and when two stored
texts mean the same value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Param:
    """What values one parameter takes: `kind` int, float, bool or word (one of `words`)."""

    kind: str
    low: float | None = None
    high: float | None = None
    words: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "bool":
            return "true or false"
        if self.kind == "word":
            return " or ".join(self.words)
        number = "an integer" if self.kind == "int" else "a number"
        return f"{number} from {_number(self.low)} to {_number(self.high)}"


def _number(value: float | None) -> str:
    return str(int(value)) if value is not None and value == int(value) else str(value)


_INT_MAX = 2147483647
_AUTOVACUUM = {
    "autovacuum_enabled": Param("bool"),
    "autovacuum_vacuum_threshold": Param("int", 0, _INT_MAX),
    "autovacuum_vacuum_scale_factor": Param("float", 0, 100),
    "autovacuum_vacuum_insert_threshold": Param("int", -1, _INT_MAX),
    "autovacuum_vacuum_insert_scale_factor": Param("float", 0, 100),
    "autovacuum_analyze_threshold": Param("int", 0, _INT_MAX),
    "autovacuum_analyze_scale_factor": Param("float", 0, 100),
    "autovacuum_vacuum_cost_delay": Param("float", -1, 100),
    "autovacuum_vacuum_cost_limit": Param("int", -1, 10000),
    "autovacuum_freeze_min_age": Param("int", 0, 1000000000),
    "autovacuum_freeze_max_age": Param("int", 100000, 2000000000),
    "autovacuum_freeze_table_age": Param("int", 0, 2000000000),
    "autovacuum_multixact_freeze_min_age": Param("int", 0, 1000000000),
    "autovacuum_multixact_freeze_max_age": Param("int", 10000, 2000000000),
    "autovacuum_multixact_freeze_table_age": Param("int", 0, 2000000000),
    "log_autovacuum_min_duration": Param("int", -1, _INT_MAX),
}

#: the storage parameters of CREATE TABLE ... WITH (the heap's, not toast.*)
TABLE_PARAMS: dict[str, Param] = {
    "fillfactor": Param("int", 10, 100),
    "toast_tuple_target": Param("int", 128, 8160),
    "parallel_workers": Param("int", 0, 1024),
    "user_catalog_table": Param("bool"),
    "vacuum_index_cleanup": Param("word", words=("auto", "on", "off")),
    "vacuum_truncate": Param("bool"),
    **_AUTOVACUUM,
}

_FILLFACTOR = {"fillfactor": Param("int", 10, 100)}
#: the storage parameters of CREATE INDEX ... WITH, per access method
INDEX_PARAMS: dict[str, dict[str, Param]] = {
    "btree": {**_FILLFACTOR, "deduplicate_items": Param("bool")},
    "hash": dict(_FILLFACTOR),
    "gist": {**_FILLFACTOR, "buffering": Param("word", words=("auto", "on", "off"))},
    "spgist": dict(_FILLFACTOR),
    "gin": {"fastupdate": Param("bool"), "gin_pending_list_limit": Param("int", 64, _INT_MAX)},
    "brin": {"pages_per_range": Param("int", 1, 131072), "autosummarize": Param("bool")},
}

#: the attribute options of ALTER TABLE ... ALTER COLUMN ... SET (...)
COLUMN_PARAMS: dict[str, Param] = {
    "n_distinct": Param("float", -1, float(_INT_MAX)),
    "n_distinct_inherited": Param("float", -1, float(_INT_MAX)),
}

#: the largest SET STATISTICS target (-1 is the default)
MAX_STATISTICS = 10000


_BOOL_WORDS = {"true": True, "on": True, "yes": True, "1": True}
_BOOL_WORDS |= {"false": False, "off": False, "no": False, "0": False}


def option_text(param: Param, value: object) -> str | None:
    """The text PostgreSQL stores for `value`, or None when the parameter does not take it."""
    if param.kind == "bool":
        if isinstance(value, bool):
            return "true" if value else "false"
        # PostgreSQL keeps the word as written (`off`): a spec may write it so, as import does
        return value if isinstance(value, str) and value.lower() in _BOOL_WORDS else None
    if param.kind == "word":
        text = str(value).lower() if isinstance(value, str | bool) else None
        if isinstance(value, bool):  # YAML 1.1 reads on/off as booleans
            text = "on" if value else "off"
        return text if text in param.words else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number: float = value
        text = str(value)
    elif isinstance(value, float) and param.kind == "float":
        number, text = value, repr(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text) if param.kind == "int" else float(text)
        except ValueError:
            return None
    else:
        return None
    if param.low is not None and number < param.low:
        return None
    if param.high is not None and number > param.high:
        return None
    return text


def same_option(param: Param | None, a: str, b: str) -> bool:
    """Two stored texts of one parameter mean the same value (`50` and `050`, `off` and
    `false`)."""
    if a == b:
        return True
    if param is None:
        return False
    if param.kind == "bool":
        truth = _BOOL_WORDS.get(a.lower())
        return truth is not None and truth == _BOOL_WORDS.get(b.lower())
    if param.kind in ("int", "float"):
        try:
            return float(a) == float(b)
        except ValueError:
            return False
    return a.lower() == b.lower()


def same_options(
    known: Mapping[str, Param], a: tuple[tuple[str, str], ...], b: tuple[tuple[str, str], ...]
) -> bool:
    da, db = dict(a), dict(b)
    return da.keys() == db.keys() and all(
        same_option(known.get(k), v, db[k]) for k, v in da.items()
    )
