"""`schemac import` on the real schemas of ../shared/corpus: each is loaded into a fresh database
as its README says, imported, rebuilt from the specs with a fresh build, and compared with
`pg_dump -s -x -O` (line order aside).

A schema that does not round-trip yet is a strict xfail whose reason names what blocks it: the
test turns red (XPASS) the day the format or the planner closes the gap, so the mark is removed
then, never forgotten.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schemac.verify.backends import Backend
from tests.import_helpers import load_sql, round_trip

CORPUS = Path(
    os.environ.get("SCHEMAC_CORPUS", Path(__file__).resolve().parents[2] / "shared/corpus")
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS} (data, not committed)"),
]


CASES = [
    pytest.param(("chinook/chinook.sql",), id="chinook"),
    pytest.param(("chinook/chinook_serial.sql",), id="chinook_serial"),
    pytest.param(("chinook/chinook_identity.sql",), id="chinook_identity"),
    pytest.param(
        ("synapse/synapse-full-schema-72.sql",),
        id="synapse",
    ),
    pytest.param(
        ("danbooru/structure.sql",),
        id="danbooru",
    ),
    pytest.param(
        ("crates-io/schema.pg_dump15.sql",),
        id="crates-io",
    ),
    pytest.param(
        ("graphile-starter/roles.sql", "graphile-starter/schema.sql"),
        id="graphile-starter",
    ),
    pytest.param(
        ("pagila/pagila-schema.sql",),
        id="pagila",
    ),
]


@pytest.mark.parametrize("files", CASES)
def test_corpus_schema_round_trips(
    files: tuple[str, ...], pg_backend: Backend, tmp_path: Path
) -> None:
    with pg_backend.database() as source:
        for name in files:
            load_sql(source, CORPUS / name)
        trip = round_trip(pg_backend, source, tmp_path / "specs")
    assert trip.exact, trip.report()
