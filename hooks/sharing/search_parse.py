"""Material's search plugin reads each page's HTML with Python's HTMLParser to cut it into
sections. It keeps no <span> (only their text), yet highlighted code and the derivations hold
37,000 of them on this site, and reading them was a fifth of the build (0.5 s). The plugin's
parser is given each page without its span tags: the sections, titles and texts it finds are
the same (tests/test_search.py compares them on every page).
"""

from __future__ import annotations

import re

from material.plugins.search import plugin as material_search

SPAN_TAG = re.compile(r"</?span\b[^>]*>")


class SpanlessParser(material_search.Parser):
    def feed(self, data: str) -> None:
        super().feed(SPAN_TAG.sub("", data))


def on_config(config):
    material_search.Parser = SpanlessParser  # add_entry_from_context makes one per page
    return config
