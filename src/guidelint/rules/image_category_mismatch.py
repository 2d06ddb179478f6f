"""The hero image (url or alt) does not belong to the guide's category.

Why: every category has one hero image in the site's taxonomy (rules/taxonomy.yaml). A Sales guide
showing the "Software Engineering Interview" picture is a copy-paste slip readers notice at once. When
the taxonomy names no image for a category, the image's words must share one with the category's
keywords (or name).

Bad:
    category: "Sales"
    image:
      url: "/images/software-engineering-interview.jpg"
      alt: "Software Engineering Interview"
Good:
    category: "Sales"
    image:
      url: "/images/sales-interview.jpg"
      alt: "Sales Interview"

Options: none (the taxonomy is data).
Fix (unsafe): sets url and alt to the category's image from the taxonomy, keeping each value's quoting.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from .base import Context, Rule

if TYPE_CHECKING:
    from ..frontmatter import FrontMatter

_WORDS = re.compile(r"[a-z0-9]+")


def _quoted_like(front: FrontMatter, path: tuple[str, ...], value: str) -> Edit | None:
    place = front.locate(path, key=False)
    if place is None:
        return None
    if place.style == '"':
        replacement = json.dumps(value, ensure_ascii=False)
    elif place.style == "'":
        replacement = "'" + value.replace("'", "''") + "'"
    elif place.style is None:
        replacement = value
    else:
        return None  # block scalars: leave to a human
    return Edit(place.start, place.end, replacement)


def check(document: Document, context: Context) -> Iterator[Finding]:
    front = document.front_matter
    data = document.metadata
    if front is None or data is None:
        return
    category, image = data.get("category"), data.get("image")
    if not isinstance(category, str) or not isinstance(image, dict):
        return
    url, alt = image.get("url"), image.get("alt")
    if not isinstance(url, str) or not isinstance(alt, str):
        return
    where = front.locate(("image",))
    offset = where.start if where else 0
    info = context.policy.categories.get(category.strip())
    if info is not None and info.image_url and info.image_alt:
        wrong = [name for name, have, want in (("url", url, info.image_url), ("alt", alt, info.image_alt))
                 if have.strip() != want]
        if not wrong:
            return
        edits = [_quoted_like(front, ("image", "url"), info.image_url), _quoted_like(front, ("image", "alt"), info.image_alt)]
        fix = None
        if all(edits):
            fix = Fix(f"set image to {info.image_url} ({info.image_alt})", tuple(e for e in edits if e), safe=False)
        yield Finding(f"image {' and '.join(wrong)} do not match category {category!r}: expected "
                      f"{info.image_url!r} / {info.image_alt!r}, found {url!r} / {alt!r}", offset, None, fix)
        return
    keywords = set(_WORDS.findall(category.casefold()))
    if info is not None:
        keywords |= {word for keyword in info.keywords for word in _WORDS.findall(keyword.casefold())}
    image_words = set(_WORDS.findall(f"{url} {alt}".casefold()))
    if keywords and not keywords & image_words:
        yield Finding(f"image {url!r} / {alt!r} shares no word with category {category!r}", offset)


RULE = Rule(code="GL105", slug="image-category-mismatch", severity=Severity.ERROR, check=check, doc=__doc__, guide_only=True,
            fix="unsafe", changes=frozenset({"meta:image"}))
