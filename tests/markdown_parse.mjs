// A GFM parser as a referee for the schema document: reads a JSON list of Markdown texts on
// stdin and writes, for each, the token tree `marked` (a CommonMark/GFM parser) makes of it.
// Run by tests/markdown_referee.py with the folder that holds node_modules/marked (`make setup`
// installs it into .tools/) as the first argument.
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";

const require = createRequire(resolve(process.argv[2], "package.json"));
const { marked } = await import(pathToFileURL(require.resolve("marked")).href);

const texts = JSON.parse(readFileSync(0, "utf8"));
const trees = texts.map((text) => marked.lexer(text, { gfm: true }));
process.stdout.write(JSON.stringify(trees));
