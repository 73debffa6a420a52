"""pytest set-up shared by tests/ and the pages in docs/."""

pytest_plugins = [
    "tests.markdown_pages",  # how pytest-markdown-docs reads the pages
    "tests.browser_support",  # the full build, served on 127.0.0.1, and Chromium
]
