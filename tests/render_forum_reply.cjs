// Renders forum replies the way a Discourse post is rendered, for tests/test_forum_reply_render.py.
// Discourse's Markdown is markdown-it with the footnote plugin (so `^[...]` is an inline
// footnote), links made from bare URLs, and `$...$` taken as math and typeset (here by KaTeX).
// Reads {"name": "reply text", ...} as JSON on stdin; writes {"name": {"html", "math", "errors"}}.
"use strict";

const MarkdownIt = require("markdown-it");
const footnote = require("markdown-it-footnote");
const katex = require("katex");

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;

// A `$` may open or close math only next to a space, punctuation (other than another `$`) or
// the end of the text, as on the forum: "costs $5 and $6" stays text.
function isBoundary(code, md) {
  if (code === undefined || Number.isNaN(code)) return true;
  if (code === DOLLAR) return false;
  return md.utils.isWhiteSpace(code) || md.utils.isPunctChar(String.fromCharCode(code)) ||
    md.utils.isMdAsciiPunct(code);
}

// Inline math: from a `$` to the next `$` not preceded by a backslash. The TeX inside is
// taken as written (no Markdown escapes), then typeset.
function inlineMath(state, silent) {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== DOLLAR || src.charCodeAt(start + 1) === DOLLAR) return false;
  if (start > 0 && !isBoundary(src.charCodeAt(start - 1), state.md)) return false;
  let end = -1;
  for (let i = start + 1; i < state.posMax; i++) {
    if (src.charCodeAt(i) === DOLLAR && src.charCodeAt(i - 1) !== BACKSLASH) {
      end = i;
      break;
    }
  }
  if (end < 0 || end === start + 1) return false;
  if (end + 1 < state.posMax && !isBoundary(src.charCodeAt(end + 1), state.md)) return false;
  if (!silent) {
    const token = state.push("math_inline", "math", 0);
    token.content = src.slice(start + 1, end);
  }
  state.pos = end + 1;
  return true;
}

function forumMarkdown(found) {
  const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: true });
  md.use(footnote);
  md.inline.ruler.after("escape", "math", inlineMath);
  md.renderer.rules.math_inline = (tokens, index) => {
    const tex = tokens[index].content;
    found.math.push(tex);
    try {
      return katex.renderToString(tex, { throwOnError: true, output: "htmlAndMathml" });
    } catch (error) {
      found.errors.push(String(error.message || error));
      return `<span class="katex-error">${md.utils.escapeHtml(tex)}</span>`;
    }
  };
  return md;
}

const replies = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = {};
for (const [name, text] of Object.entries(replies)) {
  const found = { math: [], errors: [] };
  const html = forumMarkdown(found).render(text);
  out[name] = { html, math: found.math, errors: found.errors };
}
process.stdout.write(JSON.stringify(out));
