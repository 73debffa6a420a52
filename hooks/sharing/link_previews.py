"""Give every page the fields a forum's link preview reads: title, description, URL and card.

Discourse reads `og:*` first, then `twitter:*`, then `<meta name="description">`, then
`<title>`; it cuts titles at 80 characters and descriptions at 250, and draws a card only
from a title plus a description or an image. overrides/main.html writes the tags.
"""

from __future__ import annotations

from urllib.parse import urljoin

from markupsafe import escape
from mkdocs.exceptions import PluginError

from hooks.sharing.social_cards import card_uri

MAX_TITLE = 80
MAX_DESCRIPTION = 250


def one_line(text) -> str:
    return " ".join(str(text).split())


def canonical_url(dest_uri: str, site_url: str | None) -> str:
    """The page's public address, the same in every build: the offline copy writes
    `page.html` where the site writes `page/index.html`, but a link handed to a forum must be
    the published one."""
    path = dest_uri[: -len("index.html")] if dest_uri.endswith("index.html") else dest_uri
    if path.endswith(".html"):
        path = path[: -len(".html")] + "/"
    return urljoin(site_url or "/", path)


def page_title(page) -> str:
    """The front-matter title (the question), not the shorter name the navigation gives it."""
    return one_line(page.meta.get("title") or page.title)


def html_title(title: str, site_name: str, is_homepage: bool) -> str:
    """`Title - Site` when that fits in 80 characters, else the title alone."""
    if is_homepage or title == site_name:
        return site_name
    full = f"{title} - {site_name}"
    return full if len(full) <= MAX_TITLE else title


def check_lengths(where: str, title: str, description: str) -> None:
    if len(title) > MAX_TITLE:
        raise PluginError(
            f"{where}: title has {len(title)} characters; link previews cut it at {MAX_TITLE}"
        )
    if len(description) > MAX_DESCRIPTION:
        raise PluginError(f"{where}: description has {len(description)} characters "
                          f"(link previews cut it at {MAX_DESCRIPTION})")


def on_page_markdown(markdown: str, page, config, files) -> str:
    # The front-matter answer is the page's description; Material writes it into
    # <meta name="description"> without escaping, so it is handed over escaped.
    if page.meta.get("answer"):
        page.meta["description"] = escape(one_line(page.meta["answer"]))
    return markdown


def on_page_context(context, page, config, nav):
    site_url = config["site_url"] or ""
    title = config["site_name"] if page.is_homepage else page_title(page)
    description = one_line(page.meta.get("answer") or config["site_description"] or "")
    check_lengths(page.file.src_uri, title, description)
    context["preview"] = {
        "title": title,
        "html_title": html_title(title, config["site_name"], page.is_homepage),
        "description": description,
        "type": "website" if page.is_homepage else "article",
        "url": canonical_url(page.file.dest_uri, config["site_url"]),
        "image": site_url.rstrip("/") + "/" + card_uri(page.file.src_uri),
    }
    return context


def on_template_context(context, template_name, config):
    # Pages that are not documents (404.html) preview as the site itself.
    if template_name == "404.html":
        site_url = (config["site_url"] or "").rstrip("/")
        context["preview"] = {
            "title": "Page not found",
            "html_title": f"Page not found - {config['site_name']}",
            "description": one_line(config["site_description"] or ""),
            "type": "website",
            "url": None,
            "image": f"{site_url}/{card_uri('index.md')}",
        }
    return context
