"""`schemac plan`: the pending migrations as review material, each statement with its facts
(safety, locks, reversibility, the spec line that caused it). Writes nothing.

Three renderings of one `plan_json` value: text (SQL with the facts in comments), JSON, and
Markdown for a pull-request comment (a table of statements per migration, then its SQL in a
fenced block). Each is deterministic: same plan, same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from schemac.plan import changes as c

FORMATS = ("text", "json", "markdown")
_SAFETY_ORDER = ("safe", "locking", "rewrites", "destructive")


def _change_json(change: c.Change, sql: str) -> dict[str, Any]:
    span = change.span
    return {
        "change": change.describe(),
        "kind": change.kind,
        "safety": change.safety,
        "reversibility": change.reversibility,
        "transactional": change.transactional,
        "locks": [
            {"mode": lock.mode, "relation": lock.relation, "brief": lock.brief}
            for lock in change.locks
        ],
        "reason": change.reason,
        "spec": None
        if span is None
        else {"path": span.path, "line": span.line, "column": span.col},
        "sql": sql,
    }


def plan_json(rendered: Any, templates_dir: str | None = None) -> dict[str, Any]:
    """The pending migrations and their changes; SQL from the same templates the build uses."""
    from schemac.render.environment import make_environment
    from schemac.render.sql import render_change

    env = make_environment(templates_dir)
    migrations = []
    files = [f for f in rendered.files if not f.name.endswith(".conf")]
    ups = [f for f in files if not f.name.startswith("U") and ".down." not in f.name]
    for unit, file in zip(rendered.plan.up, ups, strict=False):
        migrations.append(
            {
                "file": file.name,
                "transactional": unit.transactional,
                "changes": [_change_json(ch, render_change(ch, env)) for ch in unit.changes],
            }
        )
    return {"migrations": migrations}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _lock_text(lock: dict[str, Any]) -> str:
    return f"{lock['mode']} on {lock['relation']}" + ("" if lock["brief"] else " (scan/rewrite)")


def plan_markdown(data: dict[str, Any]) -> str:
    """The plan as GitHub-flavoured Markdown: a summary line, then per migration a table of its
    statements (safety, locks, reversibility, spec line, why) and its SQL in one fenced block.

    Everything taken from the specs (names in the descriptions, SQL, paths) goes through
    `document.markup`, so it is shown as written and never becomes a link, HTML or a table
    cell of its own.
    """
    from schemac.document import markup

    changes = [change for migration in data["migrations"] for change in migration["changes"]]
    counts = {level: sum(1 for ch in changes if ch["safety"] == level) for level in _SAFETY_ORDER}
    by_safety = ", ".join(f"{n} {level}" for level, n in counts.items() if n)
    irreversible = sum(1 for ch in changes if ch["reversibility"] == "irreversible")
    total = f"{_plural(len(data['migrations']), 'migration')}, {_plural(len(changes), 'statement')}"
    lines = ["### schemac plan", ""]
    summary = f"**{total}**" + (f": {by_safety}" if by_safety else "")
    if irreversible:
        summary += f"; {irreversible} irreversible"
    lines += [summary + ".", ""]
    header = ["#", "change", "safety", "locks", "reversibility", "spec", "why"]
    for number, migration in enumerate(data["migrations"], start=1):
        mode = "one transaction" if migration["transactional"] else "outside a transaction"
        lines += [f"#### {number}. {markup.code(migration['file'], cell=False)} ({mode})", ""]
        rows = []
        sql = []
        for index, change in enumerate(migration["changes"], start=1):
            spec = change["spec"]
            where = "" if spec is None else f"{spec['path']}:{spec['line']}:{spec['column']}"
            safety = change["safety"] if change["safety"] == "safe" else f"**{change['safety']}**"
            rows.append(
                [
                    str(index),
                    markup.text(change["change"]),
                    safety,
                    ", ".join(markup.text(_lock_text(lock)) for lock in change["locks"]),
                    change["reversibility"],
                    markup.code(where) if where else "",
                    markup.text(change["reason"] or ""),
                ]
            )
            sql += [f"-- {index}. {markup.one_line(change['change'])}", change["sql"].rstrip("\n")]
        lines += [*markup.table(header, rows), ""]
        lines += [*markup.fenced("\n".join(sql), "sql"), ""]
    lines.append("Nothing was written: `schemac build` writes these migrations.")
    return "\n".join(lines) + "\n"


def print_plan(rendered: Any, output_format: str, templates_dir: str | None = None) -> None:
    data = plan_json(rendered, templates_dir)
    if output_format == "json":
        print(json.dumps(data, indent=2))
        return
    if output_format == "markdown":
        print(plan_markdown(data), end="")
        return
    for migration in data["migrations"]:
        mode = "one transaction" if migration["transactional"] else "outside a transaction"
        print(f"-- {migration['file']} ({mode})")
        for change in migration["changes"]:
            locks = ", ".join(
                f"{lk['mode']} on {lk['relation']}" + ("" if lk["brief"] else " (scan/rewrite)")
                for lk in change["locks"]
            )
            facts = f"{change['safety']}, {change['reversibility']}" + (
                f", {locks}" if locks else ""
            )
            where = ""
            if change["spec"] is not None:
                spec = change["spec"]
                where = f"  ({spec['path']}:{spec['line']}:{spec['column']})"
            print(f"-- {change['change']} [{facts}]{where}")
            if change["reason"]:
                print(f"--   {change['reason']}")
            print(change["sql"])
        print()
    print(f"plan: {len(data['migrations'])} migration(s) pending; nothing was written")
