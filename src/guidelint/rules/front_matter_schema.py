"""A front matter value that breaks the JSON Schema (schemas/guide.schema.json by default).

Why: the schema is the contract with the site: required keys, strings that are not empty, ISO dates,
`{url, alt}` objects for avatar and image, a non-empty list of unique tags, no unknown keys. The
schema checks the front matter as JSON: a value JSON cannot hold as it is (.nan, .inf, a !!set,
!!binary data, keys such as 1 and '1' that become one JSON key) is reported here too, with what the
export writes instead.

Bad:
    pubDate: "Feb 4, 2025"
    image: /images/sales-interview.jpg
Good:
    pubDate: 2025-02-04
    image:
      url: /images/sales-interview.jpg
      alt: Sales Interview

Options: none (the schema file is the `schema` setting).
Fix: none.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity
from ..jsonschema_util import json_path
from ..model import Document
from .base import Context, Rule


def check(document: Document, context: Context) -> Iterator[Finding]:
    front = document.front_matter
    data = document.metadata
    if front is None or data is None:
        return
    from ..yamlnodes import json_problems, to_json

    for path, message in json_problems(data):  # values JSON cannot hold as they are: the schema sees them changed
        located = front.locate(path)
        yield Finding(f"{json_path(path)}: {message}", located.start if located else 0)
    for error in context.schema.errors(to_json(data)):
        if error.missing_key is not None:
            parent = front.locate(error.path) if error.path else None
            where = json_path(error.path + (error.missing_key,))
            yield Finding(f"{where}: missing required key {error.missing_key!r}", parent.start if parent else 0)
            continue
        located = front.locate(error.path)
        yield Finding(f"{json_path(error.path)}: {error.message}", located.start if located else 0)


RULE = Rule(code="GL103", slug="front-matter-schema", severity=Severity.ERROR, check=check, doc=__doc__)
