"""`schemac import`: a live database into spec files that build it again.

catalog.py reads the database (the rows of inspect's queries, the Schema model built from them
when first asked for, plus what the spec format cannot say yet); tables.py and objects.py turn
model values into what a user would write; emit.py writes them as YAML; writer.py makes one file
per schema and the warnings; baseline.py holds what `--baseline` adds (the refusal, and how each
layout's tool records the baseline as applied).

Importing this package imports no more than catalog.py (no model, no resolver): the command
reads the database while writer.py and what it needs are imported beside it.
"""

from __future__ import annotations

from schemac.importer.catalog import Catalog, Gap, UnknownSchemas, read_catalog

__all__ = ["Catalog", "Gap", "UnknownSchemas", "read_catalog"]
