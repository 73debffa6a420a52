"""A pytest plugin that writes out the Markdown code blocks pytest collected (file, line, code)."""

import json
import os

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    target = os.environ.get("FENCE_REPORT")
    if not target:
        return
    rows = []
    for item in session.items:
        definition = getattr(item, "test_definition", None)
        if definition is None:
            continue
        rows.append({
            "file": str(definition.source_path),
            "line": definition.start_line,
            "code": definition.source,
        })
    with open(target, "w", encoding="utf8") as out:
        json.dump(rows, out)
