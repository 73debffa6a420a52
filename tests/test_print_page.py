"""How the combined print page is made a book (hooks/print_page.py) and its outline titled
(scripts/print_pdf.py), on small pieces of HTML: no browser, no build."""

from __future__ import annotations

import importlib.util

from hooks.print_page import broken_links, home_links, restructure, static_page, web_links
from tests.browser_support import ROOT

spec = importlib.util.spec_from_file_location("print_pdf", ROOT / "scripts" / "print_pdf.py")
print_pdf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(print_pdf)


def page(key: str, body: str) -> str:
    return f'<section class="print-page" id="{key}" heading-number="1">{body}</section>'


def test_every_id_inside_a_page_gets_the_page_prefix():
    html = page("da-prev", '<h1 id="da-prev-where-does">T</h1><div class="step" id="dl-da">x</div>'
                           '<a href="#da-prev-dl-da">step</a><a href="#da-prev-da-prev-where-does">'
                           '<input id="da-prev-__tabbed_1_1" name="da-prev-__tabbed_1">')
    out = restructure(html)
    # An id that happens to start with the page's key is prefixed all the same.
    assert 'id="da-prev-dl-da"' in out and 'id="da-prev-da-prev-where-does"' in out
    assert '<input id="da-prev-__tabbed_1_1"' in out
    assert broken_links(out) == []


def test_ids_outside_pages_are_left_alone():
    html = '<div id="print-site-page"><nav id="toc"></nav>' + page("a", '<p id="p">x</p>') + "</div>"
    out = restructure(html)
    assert '<nav id="toc">' in out and 'id="a-p"' in out


def test_pages_inside_a_navigation_section_are_one_heading_level_down():
    html = ("<section class='print-page md-section' id='section-1' heading-number='1'>"
            "<h1>Derivations</h1>" + page("shapes", "<h1 id='shapes'>Q?</h1><h2>Part</h2>")
            + "</section>" + page("notation", "<h1>N</h1>"))
    out = restructure(html)
    assert "<h1>Derivations</h1>" in out
    assert "<h2 id='shapes'>Q?</h2><h3>Part</h3>" in out
    assert out.endswith('<h1>N</h1></section>')


def test_links_to_the_home_page_point_at_its_section():
    assert home_links('<a href="#.">Home</a> <a href="#.-questions">Q</a>') == (
        '<a href="#index">Home</a> <a href="#index-questions">Q</a>'
    )


def test_links_without_a_target_are_reported():
    html = page("a", '<a href="#a-there">x</a><a href="#b-missing">y</a><h2 id="there">T</h2>')
    assert broken_links(restructure(html)) == ["b-missing"]


def test_static_page_writes_contents_opens_details_and_drops_scripts():
    class Link:
        def __init__(self, title, id, children=()):
            self.title, self.id, self.children = title, id, list(children)

    class Toc:
        items = [Link("Home", "index"), Link("Part <1>", "section-2", [Link("Q?", "q")])]

    html = ("<head><title>Print Site - X</title><script>var a = 1;</script></head>"
            "<h1 class='print-page-toc-title'>Contents</h1><details class=\"note\"><summary>s"
            '</summary></details><span class="katex-mathml"><math><mi>a</mi></math></span>')
    out = static_page(html, "Backprop FAQ", Toc())
    assert "<title>Backprop FAQ</title>" in out
    assert "<script" not in out
    assert '<details open class="note">' in out
    assert "katex-mathml" not in out
    assert ('<ul><li><a href="#index">Home</a></li><li><a href="#section-2">Part &lt;1&gt;</a>'
            '<ul><li><a href="#q">Q?</a></li></ul></li></ul>') in out


def test_outline_titles_are_matched_to_their_headings():
    texts = print_pdf.heading_texts(
        '<h1 id="q">Why is dL/dz = a − y for a sigmoid output with cross-entropy loss?'
        '<a class="headerlink" href="#q">¶</a></h1><h2>The setup</h2>'
    )
    title = "Why is dL/dz = a − y for a sigmoid output with cross-entropy loss?"
    assert print_pdf.exact_title("Why is dL/dz = a − y for a sigmoid output withcross-entropy loss?",
                                 texts) == title
    doubled = "Why is dL/dz = a − y for a sigmoid output withWhy is dL/dz = a − y for a sigmoid " \
              "output withcross-entropy loss?"
    assert print_pdf.exact_title(doubled, texts) == title
    assert print_pdf.exact_title("The setupThe setup", texts) == "The setup"
    assert print_pdf.exact_title("Something else", texts) is None


def test_links_to_files_point_at_the_site():
    html = ('<a class="md-button" href="../two-layer-network/two-layer-network.ipynb">get</a>'
            '<a href="#q">q</a><link rel="stylesheet" href="../site.css">')
    out = web_links(html, "https://backprop-faq.github.io/", "print_page/")
    assert 'href="https://backprop-faq.github.io/two-layer-network/two-layer-network.ipynb"' in out
    assert 'href="#q"' in out and 'href="../site.css"' in out
