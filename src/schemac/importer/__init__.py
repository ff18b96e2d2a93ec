"""`schemac import`: a live database into spec files that build it again.

catalog.py reads the database (the Schema model through inspect/__init__.py, plus what the
spec format cannot say yet); tables.py and objects.py turn model values into what a user would
write; emit.py writes them as YAML; writer.py makes one file per schema and the warnings;
baseline.py holds what `--baseline` adds (the refusal, and how each layout's tool records the
baseline as applied).
"""

from __future__ import annotations

from schemac.importer.catalog import Catalog, Gap, UnknownSchemas, read_catalog
from schemac.importer.writer import Format, Imported, SpecFile, write_specs

__all__ = [
    "Catalog",
    "Format",
    "Gap",
    "Imported",
    "SpecFile",
    "UnknownSchemas",
    "read_catalog",
    "write_specs",
]
