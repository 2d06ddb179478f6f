"""pubDate and modDate not written in the house style, or modDate before pubDate.

Why: YAML reads `2025-02-04` as a date and `"2025-02-04"` as a string; the seeds mix both in one file,
so code that compares or sorts dates breaks. The house style is the unquoted ISO date for both.

Bad:
    pubDate: 2025-02-04
    modDate: "2025-02-04"
Good:
    pubDate: 2025-02-04
    modDate: 2025-02-04

Options: `style`: "unquoted" (default) or "quoted" (double-quoted ISO string).
Fix (safe): rewrites the value in the house style, keeping the date; only that value's text changes.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..diagnostics import Edit, Finding, Fix, Severity
from ..model import Document
from .base import Context, Rule

DATE_KEYS = ("pubDate", "modDate")


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
        except ValueError:
            return None
    return None


def check(document: Document, context: Context) -> Iterator[Finding]:
    front = document.front_matter
    data = document.metadata
    if front is None or data is None:
        return
    style = context.options.get("style", "unquoted")
    dates: dict[str, dt.date] = {}
    for key in DATE_KEYS:
        if key not in data:
            continue
        date = _as_date(data[key])
        key_place = front.locate((key,))
        value_place = front.locate((key,), key=False)
        if date is None or key_place is None or value_place is None:
            continue  # not a date at all: the schema rule says so
        dates[key] = date
        written = front.yaml_text[value_place.start - front.yaml_start:value_place.end - front.yaml_start]
        wanted = date.isoformat() if style == "unquoted" else f'"{date.isoformat()}"'
        how = "unquoted" if style == "unquoted" else "double-quoted"
        if isinstance(data[key], dt.datetime):  # dropping the time would change the value: no fix
            yield Finding(f"{key} has a time ({written}); house style is the {how} ISO date {wanted}",
                          key_place.start, value_place.end)
        elif written != wanted:
            yield Finding(f"{key} is written {written}; house style is the {how} ISO date {wanted}",
                          key_place.start, value_place.end,
                          Fix(f"write {key} as {wanted}", (Edit(value_place.start, value_place.end, wanted),)))
    if len(dates) == 2 and dates["modDate"] < dates["pubDate"]:
        yield Finding(f"modDate {dates['modDate']} is before pubDate {dates['pubDate']}",
                      front.locate(("modDate",)).start)  # type: ignore[union-attr]


RULE = Rule(code="GL104", slug="date-style", severity=Severity.WARNING, check=check, doc=__doc__, fix="safe",
            options={"style": "unquoted"},
            option_schema={"style": {"enum": ["unquoted", "quoted"]}})
