"""The schema document and the entity-relationship diagrams generated from the specs.

`source.load_documented` loads the specs keeping their front-matter; `markdown.render_document`
writes the document (`schemac docs`); `mermaid.erd_mermaid` and `dot.erd_dot` draw the diagram
alone (`schemac erd`). Every renderer is pure: text in, text out, nothing read or written.
"""
