"""pytest set-up shared by tests/ and the pages in docs/."""

pytest_plugins = ["tests.markdown_pages"]
