"""A learner types the question in their own words, or a name from their code, into the site's
search box (Material's own search, in Chromium): the page that answers it is the first result."""

from __future__ import annotations

import re

import pytest

from tests.conftest import DOCS
from tests.test_link_previews import front_matter

# (what the learner types, the page that answers it)
QUERIES = [
    # names from the learner's code
    ("dA_prev", "da-prev"),
    ("sigmoid_backward", "sigmoid-derivative"),
    ("keepdims", "one-over-m"),
    ("relu_backward", "activation-derivatives"),
    ("dZ1", "hidden-layer"),
    ("dZ2", "dz-a-minus-y"),
    ("linear_backward", "assignment-vs-slides"),
    # questions as learners word them on the forums
    ("derivative of binary cross entropy with sigmoid", "dz-a-minus-y"),
    ("which W is used to compute dA_prev, W[l] or W[l-1]", "da-prev"),
    ("why is there an elementwise product in dZ1", "hidden-layer"),
    ("why is the gradient of logistic regression the same as linear regression", "same-gradient"),
    ("derivative of the sigmoid function", "sigmoid-derivative"),
    ("why do we sum over the examples in backpropagation", "one-over-m"),
    ("why is dW = np.dot(dZ, A_prev.T) and not np.dot(A_prev.T, dZ)", "shapes"),
    ("matrix calculus for backpropagation by hand", "matrix-chain-rule"),
    ("derivative of softmax with cross entropy loss", "softmax-cross-entropy"),
    ("derivative of relu", "activation-derivatives"),
    ("the assignment does not follow the six backpropagation equations from the slides",
     "assignment-vs-slides"),
    ("why does the lab use a instead of y_hat", "notation"),
    ("nn.Linear weight shape (out_features, in_features)", "notation-table"),
]


def test_each_query_names_a_page_that_lists_it_or_its_code_name():
    """The expectations are not arbitrary: each query is one of the page's own phrasings, or a
    code name that the page's phrasings or text contain."""
    for query, stem in QUERIES:
        source = DOCS / f"{stem}.md"
        assert source.is_file(), f"{stem}.md does not exist"
        phrasings = front_matter(source).get("phrasings") or []
        assert query in phrasings or (" " not in query and query in source.read_text("utf8")), (
            f"{query!r} is neither a phrasing of {stem}.md nor a code name on it"
        )


def first_result(page, query: str, timeout: int = 10_000) -> str:
    """Type `query` into the search box; return the first result's page, e.g. 'da-prev'."""
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press("End")  # Material reads the box on each key
    page.wait_for_function("() => !document.querySelector('.md-search-result__list li')")
    box.fill(query)
    box.press("End")
    link = page.locator("li.md-search-result__item > a.md-search-result__link").first
    link.wait_for(timeout=timeout)  # the list was empty: these are this query's results
    href = link.get_attribute("href")
    path = re.sub(r"^https?://[^/]+/", "", href).split("?")[0].split("#")[0]
    return path.strip("/") or "index"


@pytest.mark.browser
def test_the_first_search_result_answers_the_question(served_site, new_page):
    recorded = new_page()
    page = recorded.page
    page.goto(served_site)
    page.locator("input.md-search__input").click()
    wrong = []
    for query, stem in QUERIES:
        got = first_result(page, query)
        if got != stem:
            wrong.append(f"{query!r}: first result {got}, expected {stem}")
    assert not wrong, "search does not put the answering page first:\n  " + "\n  ".join(wrong)
    assert recorded.console_errors == []
