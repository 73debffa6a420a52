// Renders TeX to HTML for the build: one JSON request per line on stdin, one JSON answer per line on stdout.
// Request: {"items": [{"tex": "...", "display": true}, ...]}. Answer: {"html": [...]} or {"error": "...", "index": i}.
const katex = require("katex");
const readline = require("readline");

const macros = {};  // shared across requests so \gdef in one formula is not needed
const lines = readline.createInterface({ input: process.stdin, terminal: false });

lines.on("line", (line) => {
  const { items } = JSON.parse(line);
  const html = [];
  for (let i = 0; i < items.length; i++) {
    try {
      html.push(katex.renderToString(items[i].tex, {
        displayMode: items[i].display,
        output: "htmlAndMathml",  // HTML for the eye, MathML for screen readers
        throwOnError: true,
        strict: "ignore",
        macros,
      }));
    } catch (err) {
      process.stdout.write(JSON.stringify({ error: String(err.message || err), index: i }) + "\n");
      return;
    }
  }
  process.stdout.write(JSON.stringify({ html }) + "\n");
});
