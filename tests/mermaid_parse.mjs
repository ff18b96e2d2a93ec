// Mermaid's own parser as a referee: reads a JSON list of diagram sources on stdin and writes,
// for each, what Mermaid made of it: {"ok": true, "entities": [...], "relationships": [...]}
// or {"ok": false, "error": "..."}. Run by tests/mermaid_referee.py with the folder that holds
// node_modules/mermaid (`make setup` installs it into .tools/) as the first argument.
//
// mermaid.parse runs the erDiagram grammar (erDiagram.jison) with Mermaid's preprocessing
// (front-matter, directives, comments, entity codes); the diagram's database then holds the
// entities and relationships exactly as a browser would draw them. No DOM is needed to parse.
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";

const tools = process.argv[2];
const require = createRequire(resolve(tools, "package.json"));
const { default: mermaid } = await import(pathToFileURL(require.resolve("mermaid")).href);
mermaid.initialize({ startOnLoad: false });

const sources = JSON.parse(readFileSync(0, "utf8"));
const results = [];
for (const text of sources) {
  try {
    const parsed = await mermaid.parse(text);
    if (parsed.diagramType !== "er") {
      throw new Error(`not an erDiagram: ${parsed.diagramType}`);
    }
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    const byId = new Map();
    const entities = [];
    for (const [name, entity] of db.getEntities()) {
      byId.set(entity.id, name);
      entities.push({
        name,
        alias: entity.alias ?? "",
        attributes: entity.attributes.map((a) => ({
          type: a.type,
          name: a.name,
          keys: a.keys ?? [],
          comment: a.comment ?? "",
        })),
      });
    }
    const relationships = db.getRelationships().map((r) => ({
      entityA: byId.get(r.entityA) ?? r.entityA,
      entityB: byId.get(r.entityB) ?? r.entityB,
      role: r.roleA,
      cardA: r.relSpec.cardA,
      cardB: r.relSpec.cardB,
      relType: r.relSpec.relType,
    }));
    results.push({
      ok: true,
      entities,
      relationships,
      // set only by statements: spec text that became one shows up here
      direction: db.direction ?? null,
      accTitle: db.getAccTitle?.() ?? "",
      accDescription: db.getAccDescription?.() ?? "",
    });
  } catch (error) {
    results.push({ ok: false, error: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
