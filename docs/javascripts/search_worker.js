/*
 * The site's search worker: Material's search box, keyboard and result list, with this ranking.
 *
 * It speaks Material's worker protocol (SETUP -> READY, QUERY -> RESULT), so the theme's own
 * search UI drives it, served or opened from file:// (through the iframe-worker shim).
 *
 * - What the reader types is text, never query syntax: ^ - + : ~ * are characters like others.
 * - The query is rewritten with the rules the build used for the index (hooks/sharing/
 *   search_words.py writes them into config.words), so dZ^[2] meets dZ2 and W2.T meets W^{[2]T}.
 * - Pages are ranked as a whole with BM25: rare words outweigh common ones, each page's
 *   phrasings count once, two words in a row that also stand in a row on the page count extra.
 *   A page's best section adds its own BM25 score, and a query that says one of the page's
 *   questions (title or phrasing) in other order or with more words weighs up to double.
 *   Each result then leads with the page's best-matching section.
 * - A word no page uses stands for the words it misspells by one letter or begins.
 * - The settings come from the index (config.ranking, hooks/sharing/search_index.py).
 */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;

/* ------------------------------------------------------------------ words --- */

function makeWords(spec) {
  const rules = spec.rules.map(([pattern, replacement, flags]) =>
    [new RegExp(pattern, "g" + flags), replacement]);
  const stop = new Set(spec.stop);
  const irregular = spec.irregular;

  function stem(token) {
    if (Object.prototype.hasOwnProperty.call(irregular, token)) return irregular[token];
    if (token.length < 5 || !/^[a-z]+$/.test(token)) return token;
    if (token.endsWith("ies") && token.length > 5) token = token.slice(0, -3) + "y";
    else if (token.endsWith("sses")) token = token.slice(0, -2);
    else if (token.endsWith("s") && !/(ss|us|is)$/.test(token)) token = token.slice(0, -1);
    if (token.endsWith("ing") && token.length >= 7) token = token.slice(0, -3);
    else if (token.endsWith("ed") && token.length >= 6) token = token.slice(0, -2);
    if (token.endsWith("e") && token.length >= 5) token = token.slice(0, -1);
    return token;
  }

  function rewrite(text) {
    for (const [pattern, replacement] of rules) text = text.replace(pattern, replacement);
    text = text.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
    return text.toLowerCase();
  }

  return function words(text) {
    const out = [];
    for (let token of rewrite(text).match(/[a-z0-9_]+/g) || []) {
      token = token.replace(/^_+|_+$/g, "");
      if (!token || /^[0-9]+$/.test(token) || stop.has(token)) continue;
      out.push(stem(token));
    }
    return out;
  };
}

/* ------------------------------------------------------------------ index --- */

const PAIR = " ";  // two tokens in a row are counted as the term "a b"

function counts(tokens, weight, into = new Map()) {
  for (let i = 0; i < tokens.length; i++) {
    into.set(tokens[i], (into.get(tokens[i]) || 0) + weight);
    if (i > 0) {
      const pair = tokens[i - 1] + PAIR + tokens[i];
      into.set(pair, (into.get(pair) || 0) + weight);
    }
  }
  return into;
}

function documentFrequencies(units) {
  const df = new Map();
  for (const unit of units) for (const term of unit.tf.keys()) df.set(term, (df.get(term) || 0) + 1);
  return df;
}

function pageOf(location) {
  return location.split("#")[0];
}

class Engine {
  constructor(index, tuning = {}) {
    this.tune = Object.assign({
      k1: 2, b: 0.3, title: 3, phrasings: 6, pair: 0.5, question: 1, section: 1, sectionK1: 1.2,
      sectionB: 0.9, sectionTitle: 4, nearMiss: 0.6, keep: 0.05, pages: 6, sections: 3,
    }, index.config.ranking || {}, tuning);
    this.words = makeWords(index.config.words);
    const t = this.tune;
    const pages = new Map();
    this.sections = [];
    for (const doc of index.docs) {
      const key = pageOf(doc.location);
      if (!pages.has(key)) pages.set(key, { location: key, doc: null, tf: new Map(), length: 0, sections: [] });
      const page = pages.get(key);
      const text = (doc.words || "").split(" ").filter(Boolean);
      const title = (doc.title_words || "").split(" ").filter(Boolean);
      const section = { doc, tf: counts(text, 1), length: text.length + title.length, page };
      counts(title, t.sectionTitle, section.tf);
      this.sections.push(section);
      page.sections.push(section);
      counts(text, 1, page.tf);
      page.length += text.length;
      if (doc.location === key) {
        page.doc = doc;
        counts(title, t.title, page.tf);
        const phrasings = (doc.phrasing_words || "").split("|").map(p => p.split(" ").filter(Boolean));
        for (const phrasing of phrasings) counts(phrasing, t.phrasings, page.tf);
        page.questions = [title, ...phrasings].filter(q => q.length).map(q => new Set(q));
      }
    }
    this.pages = [...pages.values()].filter(page => page.doc);
    this.pageDf = documentFrequencies(this.pages);
    this.sectionDf = documentFrequencies(this.sections);
    this.pageLength = this.pages.reduce((s, p) => s + p.length, 0) / this.pages.length;
    this.sectionLength = this.sections.reduce((s, x) => s + x.length, 0) / this.sections.length;
    this.vocabulary = [...this.pageDf.keys()].filter(term => !term.includes(PAIR));
    // words of the titles, for completing the word being typed (Material's search.suggest)
    const titleWords = new Map();
    for (const doc of index.docs) {
      for (const word of doc.title.toLowerCase().match(/[a-z][a-z0-9_]{3,}/g) || []) {
        titleWords.set(word, (titleWords.get(word) || 0) + 1);
      }
    }
    this.titleWords = [...titleWords].sort((x, y) => y[1] - x[1]).map(([word]) => word);
  }

  /* The title word that completes the last word of the query, if the reader is still typing it. */
  suggest(query) {
    const last = (query.match(/([a-z][a-z0-9_]*)$/i) || [])[1];
    if (!last || last.length < 2) return [];
    const word = this.titleWords.find(w => w.length > last.length && w.startsWith(last.toLowerCase()));
    return word ? [word] : [];
  }

  /* A word the pages never use: the words they do use that it misspells or begins. */
  nearMisses(token, last) {
    const found = [];
    for (const term of this.vocabulary) {
      if (token.length >= 3 && term.startsWith(token) && (last || token.length >= 4)) found.push(term);
      else if (token.length >= 5 && Math.abs(term.length - token.length) <= 1 && within1(token, term)) {
        found.push(term);
      }
    }
    return found.slice(0, 8);
  }

  /* The query's terms with their weights: its tokens, near misses of unknown ones, its pairs. */
  queryTerms(query) {
    const tokens = this.words(query);
    const open = !/\s$/.test(query);  // the reader may still be typing the last word
    const weights = new Map();
    const add = (term, weight) => weights.set(term, Math.max(weights.get(term) || 0, weight));
    tokens.forEach((token, i) => {
      if (this.pageDf.has(token)) add(token, 1);
      else for (const term of this.nearMisses(token, open && i === tokens.length - 1)) {
        add(term, this.tune.nearMiss);
      }
      if (i > 0) add(tokens[i - 1] + PAIR + token, this.tune.pair);
    });
    return weights;
  }

  static bm25(tf, length, average, k1, b) {
    return tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average));
  }

  static idf(n, df) {
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  score(unit, terms, df, n, average, k1, b) {
    let total = 0;
    for (const [term, weight] of terms) {
      const tf = unit.tf.get(term);
      if (!tf) continue;
      total += weight * Engine.idf(n, df.get(term)) * Engine.bm25(tf, unit.length, average, k1, b);
    }
    return total;
  }

  /* How closely the query says one of the page's questions (its title or a phrasing), 0 to 1:
   * the cosine of the two sets of words, each word weighted by its rarity. */
  questionMatch(page, terms) {
    let best = 0;
    const n = this.pages.length;
    let queryNorm = 0;
    for (const [term, weight] of terms) {
      if (term.includes(PAIR) || !this.pageDf.has(term)) continue;
      queryNorm += (weight * Engine.idf(n, this.pageDf.get(term))) ** 2;
    }
    if (!queryNorm) return 0;
    for (const question of page.questions || []) {
      let shared = 0, norm = 0;
      for (const term of question) {
        const idf = Engine.idf(n, this.pageDf.get(term) || 0);
        norm += idf * idf;
        if (terms.has(term)) shared += terms.get(term) * idf * idf;
      }
      if (norm) best = Math.max(best, shared / Math.sqrt(norm * queryNorm));
    }
    return best;
  }

  /* Pages best first, each with its sections best first: [{page, score, sections: [[s, score]]}] */
  rank(query) {
    const terms = this.queryTerms(query);
    if (!terms.size) return [];
    const t = this.tune;
    const ranked = [];
    for (const page of this.pages) {
      const text = this.score(page, terms, this.pageDf, this.pages.length, this.pageLength, t.k1, t.b);
      if (text <= 0) continue;
      const sections = page.sections
        .map(s => [s, this.score(s, terms, this.sectionDf, this.sections.length, this.sectionLength,
          t.sectionK1, t.sectionB)])
        .filter(([, s]) => s > 0)
        .sort((x, y) => y[1] - x[1]);
      const best = sections.length ? sections[0][1] : 0;
      const score = (text + t.section * best) * (1 + t.question * this.questionMatch(page, terms));
      ranked.push({ page, score, sections });
    }
    return ranked.sort((x, y) => y.score - x.score);
  }

  /* Material's result: one group per page, its best section first (shown under the page's
   * title), the page itself, then the other matching sections ("more on this page"). */
  search(query) {
    const ranked = this.rank(query);
    const raw = (query.toLowerCase().match(/[^\s"'`,;:!?()[\]{}]+/g) || []).filter(w => w.length > 1);
    const rawTokens = [...new Set(raw)].map(word => [word, this.words(word)]).filter(([, t]) => t.length);
    const matched = section => {  // the reader's words this entry contains: highlighted on the page
      const terms = {};
      for (const [word, tokens] of rawTokens) if (tokens.every(t => section.tf.has(t))) terms[word] = true;
      return terms;
    };
    const item = (section, s) => {
      const { location, title, text } = section.doc;  // text: its first lines (the build cut it)
      return { location, title, text, score: s, terms: matched(section) };
    };
    const top = ranked.length ? ranked[0].score : 0;
    const shown = ranked.filter(({ score }) => score >= this.tune.keep * top).slice(0, this.tune.pages);
    const items = shown.map(({ page, score, sections }) => {
      const group = [];
      const own = page.sections.find(s => s.doc === page.doc);
      const best = sections.length && sections[0][0] !== own ? sections[0] : null;
      if (best) group.push(item(best[0], score));
      group.push(item(own, best ? score / 2 : score));
      for (const [s, sScore] of sections.slice(0, this.tune.sections)) {
        if (s === own || (best && s === best[0])) continue;
        group.push(item(s, Math.min(sScore, score / 2)));
      }
      return group;
    });
    return { items, suggest: this.suggest(query) };
  }
}

/* True when a and b differ by at most one edit (insert, delete, substitute or swap). */
function within1(a, b) {
  if (a === b) return true;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return long.slice(i + 1) === short.slice(i);
}

/* ----------------------------------------------------------------- worker --- */

let engine = null;

function handle(message) {
  switch (message.type) {
    case SETUP:
      engine = new Engine(message.data);
      return { type: READY };
    case QUERY:
      return { type: RESULT, data: engine ? engine.search(message.data) : { items: [] } };
    default:
      throw new TypeError("Invalid message type");
  }
}

if (typeof module !== "undefined" && module.exports) {
  module.exports = { Engine, makeWords, within1, handle };
} else {
  addEventListener("message", event => postMessage(handle(event.data)));
}
