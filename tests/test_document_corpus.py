"""`schemac docs` on specs imported from real schemas (../shared/corpus): a golden document for
each, its ER diagram read by Mermaid's own parser and the whole page by the GFM referee.
`pytest --update-golden` rewrites tests/golden/docs/corpus_*.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.verify.backends import Backend
from tests.import_helpers import load_sql, run_import
from tests.markdown_referee import headings, markdown_tokens
from tests.mermaid_referee import mermaid_check
from tests.test_document_cli import golden
from tests.test_import_corpus import CORPUS

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS} (data, not committed)"),
]

SCHEMAS = {"chinook": ("chinook/chinook.sql",), "pagila": ("pagila/pagila-schema.sql",)}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_docs_of_an_imported_corpus_schema(
    name: str, pg_backend: Backend, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with pg_backend.database() as source:
        for file in SCHEMAS[name]:
            load_sql(source, CORPUS / file)
        assert run_import(source, tmp_path / "specs").code == 0
    result = CliRunner().invoke(cli, ["docs", str(tmp_path / "specs")])
    assert result.exit_code == 0, result.stderr
    document = result.stdout
    golden(f"corpus_{name}.md", document, request)
    (diagram,) = re.findall(r"```mermaid\n(.*?)```\n", document, re.S)
    parsed = mermaid_check(diagram)
    assert len(parsed.entities) == document.count("\n#### ")
    (tokens,) = markdown_tokens([document])
    titles = [text for _, text in headings(tokens)]
    assert "Entity-relationship diagram" in titles and "Tables" in titles
