// Run a search engine on a built search index, outside the browser, for the evaluation set.
//
//   node tests/search_runner.cjs < request.json
//
// request: {"index": "site/search/search_index.json", "engine": "site" | "lunr-words" | "material",
//           "worker": "path of Material's search worker (lunr engines)", "queries": ["...", ...]}
// answer (stdout): for each query, the pages of its results, best first (["da-prev/", ...]);
// with "sections": true (site engine), the entry each result leads with ("da-prev/#which-w").
//
// - site: the site's worker (docs/javascripts/search_worker.js), as the browser runs it.
// - lunr-words: Material's own lunr worker, given the same words as the site's worker (each
//   entry's text, title and phrasings replaced by their words, the query by its words).
// - material: Material's lunr worker on the index as Material's search plugin wrote it.
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");

function materialWorker(file) {
  const context = { console: { warn() {}, log() {}, error() {} } };
  let listener = null;
  let answer = null;
  context.self = context;
  context.addEventListener = (type, fn) => { listener = fn; };
  context.postMessage = message => { answer = message; };
  vm.createContext(context);
  vm.runInContext(fs.readFileSync(file, "utf8"), context);
  return async message => { await listener({ data: message }); return answer; };
}

function pagesOf(items, sections = false) {
  return items.map(group => sections ? group[0].location : group[0].location.split("#")[0]);
}

async function main() {
  const request = JSON.parse(fs.readFileSync(0, "utf8"));
  const index = JSON.parse(fs.readFileSync(request.index, "utf8"));
  const site = require(path.join(__dirname, "..", "docs", "javascripts", "search_worker.js"));
  const out = [];
  if (request.engine === "site") {
    const engine = new site.Engine(index, request.tuning || {});
    for (const query of request.queries) out.push(pagesOf(engine.search(query).items, request.sections));
  } else {
    let transform = query => query;
    if (request.engine === "lunr-words") {
      const words = site.makeWords(index.config.words);
      for (const doc of index.docs) {
        doc.text = doc.words;
        doc.title = doc.title_words;
        if (doc.phrasing_words) doc.tags = [doc.phrasing_words];
      }
      index.config.separator = "\\s+";
      index.config.pipeline = [];
      index.config.fields = (request.tuning || {}).fields ||
        { title: { boost: 1000 }, text: { boost: 1 }, tags: { boost: 1000 } };
      transform = query => words(query).join(" ");
    }
    const worker = materialWorker(request.worker);
    await worker({ type: 0, data: { config: index.config, docs: index.docs, options: { suggest: false } } });
    for (const query of request.queries) {
      const answer = await worker({ type: 2, data: transform(query) });
      out.push(pagesOf(answer.data.items));
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch(error => { console.error(error); process.exit(1); });
