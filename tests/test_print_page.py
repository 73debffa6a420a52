"""How the built pages are made one book for the PDF (scripts/assemble_print_page.py) and its
outline titled (scripts/print_pdf.py), on small pieces of HTML: no browser, no build."""

from __future__ import annotations

import pytest

from tests.conftest import load_script

print_pdf = load_script("print_pdf")
book = load_script("assemble_print_page")
SITE_URL = "https://backprop-faq.github.io/"
LINKS = book.Links(SITE_URL, {"": "index", "da-prev": "da-prev", "shapes": "shapes"})


def in_book(content: str, url: str = "da-prev/", levels: int = 0) -> str:
    return book.page_section(content, url, LINKS, levels)


def test_page_urls_and_keys_follow_mkdocs():
    assert [book.page_url(s) for s in ("index.md", "shapes.md", "two-layer-network.ipynb")] == [
        "", "shapes/", "two-layer-network/"]
    assert [book.page_key(u) for u in ("", "shapes/")] == ["index", "shapes"]


def test_the_navigation_is_read_in_order_with_numbered_sections(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_url: !ENV [SITE_URL, 'x']\nnav:\n  - Home: index.md\n"
                      "  - Part:\n      - Q?: shapes.md\n", "utf8")
    assert book.read_nav(config) == [
        {"title": "Home", "url": ""},
        {"title": "Part", "id": "section-2", "pages": [{"title": "Q?", "url": "shapes/"}]},
    ]


def test_every_id_and_every_reference_to_one_gets_the_page_prefix():
    out = in_book('<h2 id="setup">S</h2><a href="#setup">s</a><input id="__tabbed_1_1" '
                  'name="__tabbed_1"><label for="__tabbed_1_1">MLS</label><a href="#">top</a>')
    assert '<h2 id="da-prev-setup">' in out and 'href="#da-prev-setup"' in out
    assert 'id="da-prev-__tabbed_1_1" name="da-prev-__tabbed_1"' in out
    assert 'for="da-prev-__tabbed_1_1"' in out and 'href="#da-prev"' in out
    assert book.broken_links(out) == []


def test_links_between_pages_point_at_their_place_in_the_book():
    out = in_book('<a href="../shapes/#w-shape">a</a><a href="../shapes/">b</a><a href="../">home</a>'
                  f'<a href="{SITE_URL}shapes/">c</a><a href="https://numpy.org/">d</a>')
    assert 'href="#shapes-w-shape"' in out and out.count('href="#shapes"') == 2
    assert 'href="#index"' in out and 'href="https://numpy.org/"' in out


def test_the_home_page_links_to_pages_below_it():
    out = in_book('<a href="shapes/">q</a><img src="assets/x.png">', url="")
    assert 'href="#shapes"' in out and 'src="../assets/x.png"' in out


def test_links_to_files_point_at_the_site_and_images_load_from_it():
    out = in_book('<a href="../two-layer-network/two-layer-network.ipynb">get</a>'
                  '<img src="../figures/a-light.svg#only-light"><img src="fig.png" '
                  'srcset="fig.png 1x, fig@2x.png 2x">')
    assert f'href="{SITE_URL}two-layer-network/two-layer-network.ipynb"' in out
    assert 'src="../figures/a-light.svg#only-light"' in out
    assert 'src="../da-prev/fig.png"' in out
    assert 'srcset="../da-prev/fig.png 1x, ../da-prev/fig@2x.png 2x"' in out


def test_pages_inside_a_navigation_section_are_one_heading_level_down():
    out = in_book("<h1 id='q'>Q?</h1><h2>Part</h2><h6>Deep</h6>", levels=1)
    assert "<h2 id='da-prev-q'>Q?</h2><h3>Part</h3><h6>Deep</h6>" in out


def test_paper_gets_no_scripts_no_mathml_no_dates_and_open_blocks():
    out = in_book('<script>var a = 1;</script><details class="note"><summary>s</summary></details>'
                  '<span class="katex-mathml"><math><mi>a</mi></math></span>'
                  '<aside class="md-source-file">Last updated</aside>')
    assert "<script" not in out and "katex-mathml" not in out and "Last updated" not in out
    assert '<details open class="note">' in out


def test_links_without_a_target_are_reported():
    out = in_book('<a href="#there">x</a><a href="../shapes/#missing">y</a><h2 id="there">T</h2>')
    assert book.broken_links(out) == ["shapes-missing"]


def test_the_contents_nest_questions_under_their_sections():
    nav = [{"title": "Home", "url": ""},
           {"title": "Part <1>", "id": "section-2", "pages": [{"title": "Q?", "url": "shapes/"}]}]
    assert book.contents(nav) == (
        '<ul><li><a href="#index">Home</a></li><li><a href="#section-2">Part &lt;1&gt;</a>'
        '<ul><li><a href="#shapes">Q?</a></li></ul></li></ul>')


def test_a_page_that_was_not_built_stops_the_book(tmp_path):
    (tmp_path / "index.html").write_text(
        '<html><head><meta property="og:site_name" content="X"></head><body>'
        '<article class="md-content__inner md-typeset"><h1>Home</h1></article></body></html>', "utf8")
    with pytest.raises(book.AssemblyError, match="was not built"):
        book.assemble(tmp_path)


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


def test_web_only_elements_are_dropped_with_all_they_hold():
    out = in_book('<p>Each course writes it in its own layout<span class="web-only">; pick yours '
                  '(the <span>choice</span> is remembered)</span>:</p>'
                  '<div class="jp-Cell"><div class="web-only jp-InputPrompt">In [1]:</div>'
                  '<div class="web-only jp-Cell-inputWrapper"><div><pre>figures.x()</pre></div></div>'
                  '<div class="jp-Cell-outputWrapper">figure</div></div><p class="not-web-only">k</p>')
    assert "<p>Each course writes it in its own layout:</p>" in out
    assert "remembered" not in out and "In [1]" not in out and "figures.x" not in out
    assert '<div class="jp-Cell"><div class="jp-Cell-outputWrapper">figure</div></div>' in out
    assert '<p class="not-web-only">k</p>' in out


def test_a_web_only_element_that_is_never_closed_stops_the_book():
    with pytest.raises(book.AssemblyError, match='<div class="web-only"> is never closed'):
        in_book('<div class="web-only"><div>x</div>')


def test_each_code_line_knows_its_indentation():
    out = in_book('<pre><span></span><code><span id="__span-0-1"><span class="k">def</span> f():\n'
                  '</span><span id="__span-0-2">        <span class="k">return</span> 1\n'
                  '</span><span id="__span-0-3"><span class="w">  </span>x\n</span></code></pre>')
    assert '<span id="da-prev-__span-0-1" class="code-line" style="--indent: 0">' in out
    assert '<span id="da-prev-__span-0-2" class="code-line" style="--indent: 8">        <span' in out
    assert 'class="code-line" style="--indent: 2"><span class="w">  </span>x' in out


def test_a_notebook_block_gets_a_span_per_line_unless_a_span_crosses_lines():
    out = in_book("<pre>dW1: formula and finite differences disagree\n  at index (1, 0)\n</pre>")
    assert out.count('class="code-line"') == 2 and 'style="--indent: 2">  at index' in out
    crossing = '<pre><span class="sd">"""one\n    two"""</span>\n</pre>'
    assert crossing in in_book(crossing)
