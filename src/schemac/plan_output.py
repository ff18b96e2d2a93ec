"""`schemac plan`: the pending migrations as review material, each statement with its facts
(safety, locks, reversibility, the spec line that caused it). Writes nothing."""

from __future__ import annotations

import json
from typing import Any

from schemac.plan import changes as c


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


def print_plan(rendered: Any, output_format: str, templates_dir: str | None = None) -> None:
    data = plan_json(rendered, templates_dir)
    if output_format == "json":
        print(json.dumps(data, indent=2))
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
