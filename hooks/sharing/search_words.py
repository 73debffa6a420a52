"""How site search reads text: the same words and formula tokens however a reader writes them.

A learner may write dZ2, dZ[2], dZ^[2] or dZ^{[2]}; W2.T, W[2]^T, W2ᵀ or W^{[2]\\top}; y-hat, yhat,
y_hat or ŷ; C1W3, "C1 W3" or "course 1 week 3". `words(text)` turns each into one token
(`dz2`, `w2` with `w2__t`, `yhat`, `c1w3`), so the index and the query meet.

The rewriting rules are regular expressions written in the syntax Python and JavaScript share.
The build writes them into the search index; the site's search worker
(docs/javascripts/search_worker.js) applies the very same list to what the reader types, then
splits, drops stop words and trims suffixes exactly as `words` does here.
tests/test_search_words.py runs both on the same texts and requires the same tokens.
"""

from __future__ import annotations

import html
import re
import unicodedata

# (pattern, replacement, flags): applied in order; `$1` in a replacement is group 1, "i" ignores case
RULES: list[tuple[str, str, str]] = [
    # symbols pasted from slides and from the site's own short answers
    ("[ŷŶ]", " yhat ", ""),
    ("[ᵀ⊤]", "^T", ""),
    ("[⊙∘]", " elementwise ", ""),
    ("σ", " sigmoid ", ""),
    ("∂", "d", ""),
    ("[−–—]", "-", ""),
    ("[′’]", "'", ""),
    ("[·×]", " * ", ""),
    ("²", "^2", ""),
    ("³", "^3", ""),
    ("[Σ∑]", " sum ", ""),
    (r"<=|≤|\\leq?(?![A-Za-z])", " lessequal ", ""),  # a ReLU mask: Z <= 0
    (r">=|≥|\\geq?(?![A-Za-z])", " greaterequal ", ""),
    ("α", " alpha ", ""),
    ("β", " beta ", ""),
    ("δ", " delta ", ""),
    ("ε", " epsilon ", ""),
    ("η", " eta ", ""),
    ("θ", " theta ", ""),
    ("λ", " lambda ", ""),
    ("μ", " mu ", ""),
    # TeX, as forum posts paste it and as the index holds it (math is rendered after indexing)
    (r"\\(?:mathcal|mathrm|mathbf|mathit|mathsf|boldsymbol|operatorname|textrm|text|mathbb)\s*"
     r"\{([^{}]*)\}", "$1", ""),
    (r"\\hat\s*\{\s*[yY]\s*\}|\\hat\s+[yY](?![A-Za-z])", " yhat ", ""),
    (r"\\(?:top|intercal)(?![A-Za-z])", "T", ""),
    (r"\\prime(?![A-Za-z])", "'", ""),
    (r"\\partial\s*", "d", ""),
    (r"\\sigma(?![A-Za-z])", " sigmoid ", ""),
    (r"\\odot(?![A-Za-z])", " elementwise ", ""),
    # layer superscripts: ^{[2]}, ^{[2](i)}, ^{[2]T}, ^{[2]'}, ^[2] all become [2] (then 2)
    (r"\^\{\s*\[\s*([^\]{}]*?)\s*\]\s*\(\s*[ijk]\s*\)\s*\}", "[$1]", ""),
    (r"\^\{\s*\[\s*([^\]{}]*?)\s*\]\s*T\s*\}", "[$1]^T", ""),
    (r"\^\{\s*\[\s*([^\]{}]*?)\s*\]\s*'\s*\}", "[$1]'", ""),
    (r"\^\{\s*\[\s*([^\]{}]*?)\s*\]\s*\}", "[$1]", ""),
    (r"\^\s*\[", "[", ""),
    (r"\^\{\s*\(\s*[ijk]\s*\)\s*\}", "", ""),  # the example index x^{(i)}
    (r"([\]}])\(\s*[ijk]\s*\)", "$1", ""),
    (r"\]T(?![A-Za-z0-9_])", "]^T", ""),  # W[l]T
    (r"([A-Za-z_]+)\s*\[\s*([lL])\s*-\s*1\s*\]", "$1$2m1", ""),  # dA[l-1] -> dAlm1
    (r"([A-Za-z_]+)\s*\[\s*([lL])\s*\+\s*1\s*\]", "$1$2p1", ""),
    (r"([A-Za-z_]+)\s*\[\s*([0-9]+|[lL])\s*\]", "$1$2", ""),  # dZ[2] -> dZ2, a[L] -> aL
    (r"_\{([^{}]*)\}", "_$1", ""),
    (r"\\frac\s*\{\s*1\s*\}\s*\{\s*2\s*m\s*\}", " 1/(2m) ", ""),
    (r"\\frac\s*\{\s*1\s*\}\s*\{\s*m\s*\}", " 1/m ", ""),
    (r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", " $1 / $2 ", ""),
    (r"\(\s*([A-Za-z_]+[0-9]*)\s*\)\s*\^\s*\{?\s*T\s*\}?(?![A-Za-z0-9_])", "$1^T", ""),  # (W2)^T
    # a transpose, however written, keeps the name and adds name__t: W2.T, W2^T, W2^{T}
    (r"([A-Za-z0-9_]+)\s*(?:\^\s*\{\s*T\s*\}|\^\s*T(?![A-Za-z0-9_])|\.T(?![A-Za-z0-9_]))", " $1 $1__t ", ""),
    (r"\\([A-Za-z]+)", " $1 ", ""),
    (r"\\.", " ", ""),
    # words written several ways
    (r"\by\s*[-_]?\s*hats?\b", " yhat ", "i"),
    (r"\b(?:element|entry)\s*[-_]?\s*wise\b", " elementwise ", "i"),
    (r"\bhadamard\b", " hadamard elementwise ", "i"),
    (r"\bcross\s*[-_]?\s*entropy\b", " crossentropy ", "i"),
    (r"\bback(?:ward)?\s*[-_]?\s*prop(?:agation|agate|agating|agated)?\b", " backprop ", "i"),
    (r"\bforward\s*[-_]?\s*prop(?:agation|agate|agating)?\b", " forwardprop ", "i"),
    (r"\bcourse\s*([0-9])\s*[,;:/-]?\s*(?:week|wk|w)\s*([0-9])\b", " c$1w$2 ", "i"),  # expanded below
    (r"\bc\s*([0-9])\s*[,_/-]?\s*w\s*([0-9])(?:\s*[_-]?\s*a[0-9])?\b", " c$1w$2 course$1 week$2 ", "i"),
    (r"\bcourse\s*([0-9])\b", " course$1 ", "i"),
    (r"\b(?:week|wk)\s*([0-9])\b", " week$1 ", "i"),
    (r"\b1\s*/\s*\(?\s*2\s*m\s*\)?(?![A-Za-z0-9_])", " 1over2m ", "i"),
    (r"\b1\s*/\s*\(?\s*m\s*\)?(?![A-Za-z0-9_])", " 1overm ", "i"),
    (r"'s\b", "", "i"),
    (r"\b([a-z]{3,})-([a-z]{3,})\b", " $1$2 $1 $2 ", "i"),
]

STOP_WORDS = frozenset("""
about above after again all also am an and any are as at be because been before being but by can
cannot could did do does doesn doing don done during each either else even ever every few for from
get gets getting got had has have having he her here hers him his how however i if im in into is
isn it its itself just let lets like may me might more most much must my myself no nor not now of
off often on once only or other our ours out over own please same say says she should since so
some still such than thank thanks that the their them then there these they this those though
through thus to too under until up upon us use used using very was we were what when where which
while who whom whose why will with within without would yet you your yours
hi hello anyone someone somebody help understand understanding question confused confusing
come comes came know want need think try tried trying figure explain explains explained really
actually exactly bit lot ok okay
left right displaystyle underbrace quad qquad cdot ldots dots begin end frac mathbb
""".split())

IRREGULAR = {"matrices": "matrix", "indices": "index", "vertices": "vertex"}
TOKEN = re.compile(r"[a-z0-9_]+")


def _js_replacement(template: str):
    """A JavaScript-style replacement ($1, $2) for re.sub; an unmatched group gives ''."""
    return lambda match: re.sub(r"\$(\d)", lambda g: match.group(int(g[1])) or "", template)


COMPILED = [
    (re.compile(pattern, re.IGNORECASE if "i" in flags else 0), _js_replacement(replacement))
    for pattern, replacement, flags in RULES
]


def rewrite(text: str) -> str:
    """Apply the shared rules, then keep plain lowercase ASCII (accents dropped)."""
    for pattern, replacement in COMPILED:
        text = pattern.sub(replacement, text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if ord(c) < 128)
    return text.lower()


def stem(token: str) -> str:
    """A light suffix trim, so derivative/derivatives and transpose/transposed meet."""
    if token in IRREGULAR:
        return IRREGULAR[token]
    if len(token) < 5 or not token.isalpha():
        return token
    if token.endswith("ies") and len(token) > 5:
        token = token[:-3] + "y"
    elif token.endswith("sses"):
        token = token[:-2]
    elif token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    if token.endswith("ing") and len(token) >= 7:
        token = token[:-3]
    elif token.endswith("ed") and len(token) >= 6:
        token = token[:-2]
    if token.endswith("e") and len(token) >= 5:
        token = token[:-1]
    return token


def words(text: str) -> list[str]:
    """The tokens search compares, in order: rewritten, split, stop words and numbers dropped."""
    out = []
    for token in TOKEN.findall(rewrite(text)):
        token = token.strip("_")
        if not token or token.isdigit() or token in STOP_WORDS:
            continue
        out.append(stem(token))
    return out


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment from the search index (tags out, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))
