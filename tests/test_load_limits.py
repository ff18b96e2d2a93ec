"""Hostile and odd input files: refused at their position with a diagnostic, never an internal
error, and quickly (load/limits.py): alias bombs, deep nesting, huge files, NUL and control
characters, values their tag cannot hold; and a byte order mark is no part of the text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.cli import cli
from schemac.load.compose import Builder
from schemac.load.limits import ALIAS_VALUES_FLOOR, MAX_DEPTH, MAX_FILE_BYTES
from schemac.load.loader import load_file, parse_yaml

HEAD = "spec_type: database-schema\ntitle: T\n"


def alias_bomb() -> str:
    """Nine levels of nine aliases: 9^9 (387 million) values once expanded."""
    lines = [HEAD.rstrip("\n"), "a: &a [x,x,x,x,x,x,x,x,x]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def codes(diags: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(d.code, str(d.span)) for d in diags]


def test_an_alias_bomb_is_refused_at_the_alias_in_well_under_a_second() -> None:
    # CPU time, not wall time: other processes on a busy machine do not count against it
    started = time.process_time()
    doc, diags = parse_yaml(alias_bomb(), "bomb.yaml")
    elapsed = time.process_time() - started
    assert doc is None
    # line 8, `f: &f [*e,...]`: the first alias whose copies take the document past the limit
    assert codes(diags) == [("E012", "bomb.yaml:8:8")]
    assert "*e" in diags[0].message and "100,000" in diags[0].message
    assert diags[0].help is not None and "trait" in diags[0].help
    assert elapsed < 1.0  # about 0.2 s: the work stops at the budget, not at 9^9 values


def test_the_alias_budget_bounds_the_work_done() -> None:
    builder = Builder("bomb.yaml", 0)
    with pytest.raises(Exception, match="aliases copy more than"):
        builder.document(alias_bomb())
    assert builder.copied == ALIAS_VALUES_FLOOR + 1
    assert len(builder.values) <= ALIAS_VALUES_FLOOR + 100


def test_the_alias_bomb_exits_2_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(alias_bomb(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "-o", str(tmp_path / "m")])
    assert result.exit_code == 2, result.output
    assert "bomb.yaml:8:8: E012 error" in result.stderr
    assert not (tmp_path / "m").exists()


def test_ordinary_aliases_stay_far_under_the_budget() -> None:
    # a 20-column block shared by 1,000 tables: 61,000 copied values
    columns = "".join(f"    c{i}: {{type: text, nullable: true}}\n" for i in range(20))
    tables = "".join(f"  t{i}:\n    columns: *cols\n" for i in range(1000))
    text = f"{HEAD}x:\n  cols: &cols\n{columns}tables:\n{tables}"
    doc, diags = parse_yaml(text, "f.yaml")
    assert not diags and doc is not None
    assert doc.data["tables"]["t999"]["columns"]["c19"] == {"type": "text", "nullable": True}


def test_a_larger_file_may_copy_more_values() -> None:
    # the budget grows with the text: one copied value per 10 characters
    padding = "# " + "x" * 98 + "\n"
    lines = 1_200_000 // len(padding)
    text = alias_bomb().replace("i: ", padding * lines + "i: ", 1)
    builder = Builder("f.yaml", 0)
    with pytest.raises(Exception, match="more than 120,"):
        builder.document(text)


@pytest.mark.parametrize("compose", [False, True], ids=["plain", "compose"])
def test_nesting_is_limited_at_the_first_level_too_deep(compose: bool) -> None:
    anchor = "z: &z 1\n" if compose else ""  # an anchor sends the text to compose.py
    ok = f"{HEAD}{anchor}x: {'[' * (MAX_DEPTH - 1)}{']' * (MAX_DEPTH - 1)}\n"
    doc, diags = parse_yaml(ok, "f.yaml")
    assert not diags and doc is not None
    deep = f"{HEAD}{anchor}x: {'[' * 500}{']' * 500}\n"
    doc, diags = parse_yaml(deep, "f.yaml")
    line = 4 if compose else 3
    assert doc is None and codes(diags) == [("E013", f"f.yaml:{line}:{3 + MAX_DEPTH}")]


def test_deep_block_nesting_is_an_error_not_a_recursion_error() -> None:
    text = HEAD + "x:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(2000))
    doc, diags = parse_yaml(text, "f.yaml")
    assert doc is None and [d.code for d in diags] == ["E013"]
    assert diags[0].span is not None and diags[0].span.line == 3 + MAX_DEPTH


def test_deep_nesting_under_a_duplicate_key_is_refused_too() -> None:
    # the value of a duplicate key is read without positions; its depth still counts
    text = f"{HEAD}title: {'[' * 500}{']' * 500}\n"
    doc, diags = parse_yaml(text, "f.yaml")
    assert doc is None and [d.code for d in diags] == ["E013"]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, nothing read
    doc, diags = load_file(path)
    assert doc is None and [d.code for d in diags] == ["E011"]
    assert diags[0].span is not None and (diags[0].span.line, diags[0].span.col) == (1, 1)
    assert "16 MiB" in diags[0].message and diags[0].help is not None


BOM = "\ufeff"


def test_a_byte_order_mark_before_front_matter_is_no_part_of_the_text(tmp_path: Path) -> None:
    path = tmp_path / "s.md"
    path.write_text(f"{BOM}---\n{HEAD}tables: {{t: {{columns: {{a: text}}}}}}\n---\n# T\n")
    doc, diags = load_file(path)
    assert not diags and doc is not None
    assert doc.data["tables"] == {"t": {"columns": {"a": "text"}}}
    title, table = doc.spans.key(("title",)), doc.spans.value(("tables", "t"))
    assert title is not None and (title.line, title.col) == (3, 1)
    assert table is not None and (table.line, table.col) == (4, 13)


@pytest.mark.parametrize("anchor", ["", "z: &z 1\n"], ids=["plain", "compose"])
def test_a_byte_order_mark_before_yaml_keeps_line_one_column_one(
    tmp_path: Path, anchor: str
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(f"{BOM}{HEAD}{anchor}", encoding="utf-8")
    doc, diags = load_file(path)
    assert not diags and doc is not None and doc.data["spec_type"] == "database-schema"
    assert str(doc.spans.key(("spec_type",))).endswith("s.yaml:1:1")
    assert str(doc.spans.value(("spec_type",))).endswith("s.yaml:1:12")


@pytest.mark.parametrize("name", ["s.yaml", "s.md"])
def test_a_nul_character_is_an_error_at_its_position(tmp_path: Path, name: str) -> None:
    opening = "---\n" if name == "s.md" else ""
    path = tmp_path / name
    path.write_text(f"{opening}{HEAD}tables:\n  t:\n    columns: {{é: te\x00xt}}\n", "utf-8")
    doc, diags = load_file(path)
    assert doc is None and [d.code for d in diags] == ["E014"]
    line = 5 + (name == "s.md")
    assert diags[0].span is not None and (diags[0].span.line, diags[0].span.col) == (line, 20)
    assert diags[0].help is not None and "UTF-16" in diags[0].help


def test_utf16_text_is_reported_as_not_utf8_or_nul(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(HEAD.encode("utf-16-le"))  # no BOM: decodes as UTF-8 full of NULs
    _, diags = load_file(path)
    assert [(d.code, d.span.line, d.span.col) for d in diags if d.span] == [("E014", 1, 2)]
    path.write_bytes(HEAD.encode("utf-16"))  # with a BOM: not UTF-8 at all
    _, diags = load_file(path)
    assert [(d.code, d.span.line, d.span.col) for d in diags if d.span] == [("E001", 1, 1)]


def test_an_undecodable_byte_is_reported_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(
        HEAD.encode() + "tables: {é: \xff}\n".encode("latin-1").replace(b"\xe9", "é".encode())
    )
    _, diags = load_file(path)
    assert [(d.code, d.span.line, d.span.col) for d in diags if d.span] == [("E001", 3, 13)]


@pytest.mark.parametrize("escape", ["\\0", "\\x00", "\\u0000"])
def test_a_nul_escape_in_a_string_is_an_error_at_the_string(escape: str) -> None:
    doc, diags = parse_yaml(f'{HEAD}tables: {{t: {{description: "a{escape}b"}}}}\n', "f.yaml")
    assert doc is None and codes(diags) == [("E014", "f.yaml:3:27")]


def test_a_nul_escape_is_reported_once_however_often_it_is_aliased() -> None:
    doc, diags = parse_yaml(f'{HEAD}a: &n "\\0"\nb: [*n, *n]\n', "f.yaml")
    assert doc is None and codes(diags) == [("E014", "f.yaml:3:4")]


def test_a_control_character_is_located_in_characters_not_bytes() -> None:
    doc, diags = parse_yaml(f"{HEAD}tables: {{é: é\x01}}\n", "f.md", 2)
    assert doc is None and codes(diags) == [("E005", "f.md:4:14")]
    assert "U+0001" in diags[0].message


@pytest.mark.parametrize(
    "written,col",
    [
        ("a: 2026-13-45", 4),
        ("a: [1, 2026-02-30]", 8),
        ("a: !!int x", 4),
        ("a: !!float x", 4),
        ("a: !!bool maybe", 4),
        ("a: !!timestamp soon", 4),
        ("2026-13-45: x", 1),
        ("a: " + "1" * 5000, 4),
    ],
)
def test_a_value_its_tag_cannot_hold_is_an_error_at_the_value(written: str, col: int) -> None:
    doc, diags = parse_yaml(f"{HEAD}{written}\n", "f.yaml")
    assert doc is None and codes(diags) == [("E015", f"f.yaml:3:{col}")]
    assert diags[0].help is not None and "quote" in diags[0].help
