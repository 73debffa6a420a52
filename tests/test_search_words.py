"""Search reads a formula however it is written, and reads it the same way at build time (Python,
hooks/sharing/search_words.py) and in the reader's browser (docs/javascripts/search_worker.js)."""

from __future__ import annotations

import json
import subprocess

import pytest

from hooks.sharing.search_index import prepare
from hooks.sharing.search_words import IRREGULAR, RULES, STOP_WORDS, words
from tests.conftest import DOCS, ROOT, front_matter
from tests.search_eval import load_queries

# each group: ways of writing one thing, which must give the same words
SAME = [
    ["dZ2", "dZ[2]", "dZ^[2]", "dZ^{[2]}", "dz^{[2](i)}"],
    ["W2.T", "W[2]^T", "W2ᵀ", "W[2]ᵀ", "W^{[2]T}", r"W^{[2]\top}", "(W^{[2]})^T", "W2^T"],
    ["y-hat", "yhat", "y_hat", "ŷ", r"\hat{y}", "y hat", "Y_hat"],
    ["element-wise", "elementwise", "element wise", "⊙", r"\odot"],
    ["C1W3", "C1 W3", "course 1 week 3", "Course 1, Week 3", "c1_w3"],
    ["A2 - Y", "A2-Y", "A^{[2]} - Y", "A[2] − Y"],
    ["dA[l-1]", "dA^{[l-1]}", "dA^[l−1]"],
    ["1/m", r"\frac{1}{m}", "1 / m"],
    ["dL/dz", r"\frac{\partial L}{\partial z}", "∂L/∂z", r"\frac{\partial \mathcal{L}}{\partial z}"],
    ["cross-entropy", "cross entropy", "crossentropy"],
]


def js_words(texts: list[str], rules=RULES) -> list[list[str]]:
    """The browser's words for each text: the site's worker, run by node with the build's rules."""
    spec = {"rules": [list(r) for r in rules], "stop": sorted(STOP_WORDS), "irregular": IRREGULAR}
    script = (
        "const {makeWords} = require(process.argv[1]);"
        "const {spec, texts} = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const words = makeWords(spec);"
        "process.stdout.write(JSON.stringify(texts.map(t => words(t))));"
    )
    result = subprocess.run(
        ["node", "-e", script, str(ROOT / "docs" / "javascripts" / "search_worker.js")],
        input=json.dumps({"spec": spec, "texts": texts}), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("group", SAME, ids=[g[0] for g in SAME])
def test_ways_of_writing_a_formula_give_the_same_words(group):
    expected = words(group[0])
    assert expected, f"{group[0]!r} gives no words at all"
    for variant in group[1:]:
        got = words(variant)
        assert got == expected, f"{variant!r} reads as {got}, {group[0]!r} as {expected}"


def test_a_transposed_name_keeps_its_plain_name_too():
    assert words("np.dot(W2.T, dZ2)") == ["np", "dot", "w2", "w2__t", "dz2"]
    assert words("W2 dZ2") == ["w2", "dz2"]  # no transpose: no w2__t
    assert words("dZ2") != words("dZ1")


def test_query_syntax_is_read_as_text():
    # lunr read these as operators: ^ a boost, a leading - "must not contain", : a field
    assert words("e^-z") == ["e", "z"]
    assert words("-y/a + (1-y)/(1-a)") == ["y", "a", "y", "a"]
    assert words("title:sigmoid ~2 derivativ* +relu") == ["titl", "sigmoid", "derivativ", "relu"]


def test_the_browser_reads_every_text_as_the_build_does():
    """Every page's source (prose, TeX, code), every phrasing and every query of the evaluation
    set: the worker's words equal the build's, token for token."""
    texts = [path.read_text("utf8") for path in sorted(DOCS.glob("*.md"))]
    texts += [p for path in sorted(DOCS.glob("*.md")) for p in front_matter(path).get("phrasings") or []]
    texts += [query.text for query in load_queries()]
    texts += [variant for group in SAME for variant in group]
    browser = js_words(texts)
    differ = [(t[:80], w, b) for t, w, b in zip(texts, map(words, texts), browser, strict=True) if w != b]
    assert not differ, f"{len(differ)} texts read differently, first: {differ[0]}"


def test_a_rule_missing_in_the_browser_would_be_caught():
    """The parity check can fail: without the y-hat rules the worker reads y-hat as y, hat."""
    fewer = [r for r in RULES if "yhat" not in r[1]]
    assert len(fewer) == len(RULES) - 3
    assert js_words(["y-hat", "ŷ"], fewer) != [words("y-hat"), words("ŷ")]
    assert js_words(["y-hat"], fewer) == [["y", "hat"]]


def test_the_index_keeps_phrasings_once_per_page():
    index = {
        "config": {"fields": {"title": {"boost": 1000}, "tags": {"boost": 1000}}},
        "docs": [
            {"location": "da-prev/", "title": "Where does dA[l−1] come from?",
             "text": "<p>It is W^T dZ</p> Also asked as:<ul><li>why is dA_prev = np.dot(W.T, dZ)</li></ul>",
             "tags": ["why is dA_prev = np.dot(W.T, dZ)", "which W"]},
            {"location": "da-prev/#shapes", "title": "Shapes", "text": "<p>(n, m) &gt; 0</p>",
             "tags": ["why is dA_prev = np.dot(W.T, dZ)", "which W"]},
        ],
    }
    docs = prepare(index)["docs"]
    assert [d.get("phrasing_words") for d in docs] == ["da_prev np dot w w__t dz | w", None]
    assert all("tags" not in d for d in docs)
    assert docs[0]["title_words"] == "dalm1"  # "where", "does", "come", "from": stop words
    assert docs[0]["words"] == "w w__t dz"  # the "Also asked as" list counts as phrasings only
    assert docs[0]["text"] == "It is W^T dZ"
    assert docs[1]["words"] == "n m"  # tags out, entities decoded, a lone > is no word
    assert "tags" not in index["config"]["fields"]
    assert index["config"]["words"]["rules"][0] == list(RULES[0])


def test_result_text_is_the_start_of_the_entry_with_its_math_readable():
    from hooks.sharing.search_index import teaser

    assert teaser(r"The step \(dA^{[1]} = W^{[2]\top} dZ^{[2]}\) and \(a \odot b\) & more") == (
        "The step dA[1] = W[2]ᵀ dZ[2] and a ⊙ b &amp; more"
    )
    assert teaser(r"\(\frac{\partial L}{\partial z} = \frac{1}{1 + e^{-z}}\)") == "∂L/∂z = 1/(1 + e^-z)"
    long = "word " * 100
    assert teaser(long) == ("word " * 60).strip() + " …"  # cut at a space, within 300 characters
    assert teaser("a < b") == "a &lt; b"
