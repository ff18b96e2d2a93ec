from pathlib import Path

from schemac.load.loader import load_file, load_specs, parse_yaml


def test_every_key_and_value_keeps_its_position() -> None:
    doc, diags = parse_yaml("a: 1\nb:\n  c: [x, y]\n", "f.yaml")
    assert not diags and doc is not None
    assert str(doc.spans.key(("b", "c"))) == "f.yaml:3:3"
    assert str(doc.spans.value(("b", "c", 1))) == "f.yaml:3:10"


def test_front_matter_lines_are_file_lines(tmp_path: Path) -> None:
    path = tmp_path / "s.md"
    path.write_text("---\nspec_type: database-schema\ntitle: T\n---\n# prose\n", encoding="utf-8")
    doc, diags = load_file(path)
    assert doc is not None and not diags
    assert doc.spans.key(("title",)).line == 3  # type: ignore[union-attr]


def test_duplicate_key_is_an_error_at_the_second_key() -> None:
    _, diags = parse_yaml("tables:\n  a: {}\n  a: {}\n", "f.yaml")
    assert [(d.code, str(d.span)) for d in diags] == [("E008", "f.yaml:3:3")]
    assert "first written at line 2" in diags[0].message


def test_tab_indentation_is_an_error_at_the_tab() -> None:
    _, diags = parse_yaml("tables:\n\tusers: {}\n", "f.yaml")
    assert [(d.code, str(d.span)) for d in diags] == [("E004", "f.yaml:2:1")]


def test_non_mapping_front_matter_is_an_error() -> None:
    _, diags = parse_yaml("- a\n- b\n", "f.md", 2)
    assert [(d.code, d.span.line if d.span else 0) for d in diags] == [("E006", 2)]


def test_markdown_without_front_matter_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# just notes\n", encoding="utf-8")
    assert load_file(tmp_path / "notes.md") == (None, [])


def test_other_spec_types_are_skipped_with_a_notice(tmp_path: Path) -> None:
    (tmp_path / "g.md").write_text("---\nspec_type: glossary\ntitle: G\n---\n", encoding="utf-8")
    docs, diags = load_specs(tmp_path)
    assert docs == []
    assert [d.code for d in diags] == ["N001"] and not diags[0].is_error


def test_files_are_read_in_sorted_order(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yaml", "sub/c.yml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("spec_type: database-schema\ntitle: x\n", encoding="utf-8")
    docs, _ = load_specs(tmp_path)
    assert [Path(d.path).name for d in docs] == ["a.yaml", "b.yaml", "c.yml"]


def test_type_modifiers_in_a_flow_mapping_survive_the_comma() -> None:
    # SPEC_FORMAT writes `{type: numeric(19,4)}`; YAML alone would split it at the comma
    doc, diags = parse_yaml("a: {type: numeric(19,4), default: 0}\nb: {x: f(a, b)}\n", "f.yaml")
    assert not diags and doc is not None
    assert doc.data == {"a": {"type": "numeric(19,4)", "default": 0}, "b": {"x": "f(a,b)"}}


def test_plain_scalars_are_typed_like_yaml_1_1_and_quoted_ones_stay_text() -> None:
    doc, _ = parse_yaml("a: [true, no, 1, 1.5, null, 2026-01-01, '1', \"true\", x]\n", "f.yaml")
    assert doc is not None
    import datetime

    assert doc.data["a"] == [True, False, 1, 1.5, None, datetime.date(2026, 1, 1), "1", "true", "x"]


def test_an_alias_is_its_anchored_value_with_the_anchor_positions() -> None:
    doc, diags = parse_yaml("a: &x {p: 1, q: [2]}\nb: *x\n", "f.yaml")
    assert not diags and doc is not None
    assert doc.data == {"a": {"p": 1, "q": [2]}, "b": {"p": 1, "q": [2]}}
    assert str(doc.spans.value(("b", "q", 0))) == "f.yaml:1:18"
    assert str(doc.spans.key(("b",))) == "f.yaml:2:1"


def test_composer_errors_are_located_yaml_errors() -> None:
    for text, message, at in [
        ("a: *nope\n", "found undefined alias", "f.yaml:1:4"),
        ("a: &x 1\nb: &x 2\n", "second occurrence", "f.yaml:2:4"),
        ("a: 1\n---\nb: 2\n", "but found another document", "f.yaml:2:1"),
        ("a: &r [1, *r]\n", "found recursive alias", "f.yaml:1:11"),
    ]:
        _, diags = parse_yaml(text, "f.yaml")
        assert [(d.code, d.message, str(d.span)) for d in diags] == [
            ("E005", f"invalid YAML: {message}", at)
        ], text


def test_merge_keys_and_complex_keys_do_not_derail_the_mapping() -> None:
    _, diags = parse_yaml("!!merge <<: {a: 1}\nb: 2\n", "f.yaml")
    assert [(d.code, str(d.span)) for d in diags] == [("E007", "f.yaml:1:1")]
    doc, diags = parse_yaml("? [a, b]\n: 1\nc: 2\n", "f.yaml")
    assert not diags and doc is not None
    assert doc.data == {"?": 1, "c": 2}
