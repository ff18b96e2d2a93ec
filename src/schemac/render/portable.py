"""Rendered SQL that reads the same whatever the server's standard_conforming_strings says.

With the setting off (still found on old servers and set per database or session), a backslash
in a plain '...' literal is an escape: `'\'` does not end where PostgreSQL's default reading (and
pglast, and schemac's checks) ends it, and whatever follows runs as SQL. Literals schemac writes
itself come out of quote_literal already in the E'...' form; this pass gives the same form to the
plain literals that raw SQL from the specs brings (a check, a default, a view's query), so a
migration cannot mean one thing to the reviewer and another to the server. Dollar-quoted strings
(function bodies) and E'...' literals read the same under both settings and are left alone.
"""

from __future__ import annotations

import json

from schemac.model.names import quote_literal


def _string_value(token_text: str) -> str:
    from pglast import parser

    tree = json.loads(parser.parse_sql_json(f"SELECT {token_text}"))
    target = tree["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]
    return str(target["A_Const"].get("sval", {}).get("sval", ""))


def portable_literals(sql: str) -> str:
    """`sql` with every plain string literal that holds a backslash written as E'...'."""
    if "\\" not in sql:
        return sql
    from pglast import parser

    try:
        tokens = parser.scan(sql)
    except parser.ParseError:
        # not SQL PostgreSQL can read: render/check.py reports it as the bug it is
        return sql
    out: list[str] = []
    last, previous = 0, ""
    for token in tokens:
        text = sql[token.start : token.end + 1]
        # N'...' is scanned as NCHAR then '...': an E cannot go between them, so it stays
        if token.name == "SCONST" and text.startswith("'") and "\\" in text and previous != "NCHAR":
            out.append(sql[last : token.start])
            # `text'a\b'` (a type name glued to its literal) keeps the two apart
            if token.start > 0 and (sql[token.start - 1].isalnum() or sql[token.start - 1] == "_"):
                out.append(" ")
            out.append(quote_literal(_string_value(text)))
            last = token.end + 1
        previous = token.name
    out.append(sql[last:])
    return "".join(out)
