"""What one spec file may cost to read: a hostile or broken file is refused with a diagnostic
long before it exhausts memory, time or the stack.

Measured on bench/bench.py's 5,000-table spec: 6.0 MB and 335,000 values when written as one
file (18 characters per value), 600 kB per file as the generator splits it over ten; its
deepest value is 6 levels down. Written YAML costs what its size says; two constructs cost
without bound and are capped here: aliases (nine lines of nested aliases write 9^9 values) and
nesting (each level is a Python frame in the readers and in every stage after them).
"""

from __future__ import annotations

#: 16 MiB per file: the whole 5,000-table spec in ONE file stays under it 2.7 times over, split
#: by domain 27 times; a file at the limit reads in 3.5 s (9 s through compose.py) and 500 MB
MAX_FILE_BYTES = 16 * 1024 * 1024

#: mapping and sequence levels below the document's root; specs need 6 (seed rows with nested
#: jsonb values a few more), and 64 keeps every stage well inside Python's recursion limit
MAX_DEPTH = 64

#: values an alias expansion may add to one document: at least 100,000 (a 20-column block
#: aliased into 1,000 tables is 60,000), more for a larger file: one per 10 characters of text,
#: about twice what the text itself holds, so aliases at most triple a document's reading cost
ALIAS_VALUES_FLOOR = 100_000
CHARS_PER_ALIAS_VALUE = 10


def alias_budget(text_length: int) -> int:
    """How many values alias expansions may add to a document of `text_length` characters."""
    return max(ALIAS_VALUES_FLOOR, text_length // CHARS_PER_ALIAS_VALUE)
