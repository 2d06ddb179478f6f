"""The fast validator (jsonschema-rs) only ever says "valid"; the Python jsonschema explains. These tests
hold the two to the same answers on front matter shaped like ours and on the edge cases where two
implementations of JSON Schema are most likely to part ways (dates, patterns, numbers, uniqueness)."""
from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint.jsonschema_util import Validator

from conftest import ROOT

SCHEMA = json.loads((ROOT / "schemas" / "guide.schema.json").read_text(encoding="utf-8"))
FAST = Validator(SCHEMA, "guide.schema.json", trusted=True)
PYTHON = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _valid_guide() -> dict:
    return {"term": "Term", "description": "About it", "category": "Sales", "vertical": "SaaS",
            "pubDate": "2025-02-01", "modDate": "2025-03-01", "author": "A. Author",
            "avatar": {"url": "/a.png", "alt": "A"}, "image": {"url": "https://x.test/i.jpg", "alt": "I"},
            "tags": ["Sales", "Prep"]}


def _agree(instance: object) -> bool:
    fast = FAST._fast.is_valid(instance)
    python = PYTHON.is_valid(instance)
    assert not (fast and not python), f"fast validator accepted what jsonschema rejects: {instance!r}"
    return fast == python


def test_the_fast_validator_is_in_use() -> None:
    assert FAST._fast is not None
    assert FAST._python is None  # nothing invalid seen yet: the Python validator is not even built
    assert list(FAST.errors(_valid_guide())) == []
    assert FAST._python is None


DATES = ["2025-02-01", "2024-02-29", "2025-02-29", "2025-13-01", "2025-00-10", "2025-01-32", "2025-1-01",
         "25-01-01", "2025-01-01T00:00:00", "2025-01-01 ", " 2025-01-01", "2025-01-01\n", "20250101",
         "2025-W01-1", "２０２５-01-01", "0000-01-01", "9999-12-31", "2025/01/01", ""]
URLS = ["/a", "/", "https://x", "http://x y", "ftp://x", "/a\n", "/a b", "https://", "//x", "/\u00e9", "/a\t",
        # white space by one engine's \s and not the other's: Python counts \x1c-\x1f and \x85, ECMA \ufeff
        "/a\x1c", "/a\x1f", "/a\x85", "/a\ufeff", "/a\u3000", "/a\xa0", "/a\u2028", "/a\x0b"]


@pytest.mark.parametrize("date", DATES)
def test_dates_get_the_same_answer(date: str) -> None:
    guide = _valid_guide()
    guide["modDate"] = date
    assert _agree(guide), date


@pytest.mark.parametrize("url", URLS)
def test_url_patterns_get_the_same_answer(url: str) -> None:
    guide = _valid_guide()
    guide["image"]["url"] = url
    assert _agree(guide) or url.endswith("\n"), url  # Python's `$` also matches before a final newline


def test_disagreement_is_decided_by_the_python_validator() -> None:
    guide = _valid_guide()
    guide["image"]["url"] = "/a\n"  # jsonschema-rs rejects it, Python's re accepts it: no finding
    assert not FAST._fast.is_valid(guide)
    assert list(FAST.errors(guide)) == []
    assert FAST.is_valid(guide)


def test_errors_come_from_the_python_validator() -> None:
    guide = _valid_guide()
    del guide["term"]
    guide["tags"] = ["a", "a"]
    errors = list(FAST.errors(guide))
    assert [(e.path, e.missing_key) for e in errors] == [((), "term"), (("tags",), None)]
    assert errors[1].message == "['a', 'a'] has non-unique elements"


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=12), st.sampled_from(DATES), st.sampled_from(URLS),
                    st.text(max_size=4).map(lambda tail: "/" + tail))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.sampled_from(["url", "alt", "x"]), inner,
                                                                       max_size=3)), max_leaves=8)


@settings(max_examples=400)
@given(st.dictionaries(st.sampled_from(sorted(SCHEMA["properties"]) + ["extra", "Term"]), values, max_size=12),
       st.booleans())
def test_the_fast_validator_never_accepts_what_jsonschema_rejects(data: dict, complete: bool) -> None:
    instance = {**_valid_guide(), **data} if complete else data
    _agree(instance)


def test_schemas_with_formats_it_does_not_mirror_use_the_python_validator_alone() -> None:
    schema = {"type": "object", "properties": {"mail": {"type": "string", "format": "email"}}}
    validator = Validator(schema, "mail.schema.json")
    assert validator._fast is None
    assert [e.message for e in validator.errors({"mail": "nobody"})] == ["'nobody' is not a 'email'"]
    assert list(validator.errors({"mail": "a@b.test"})) == []


def test_user_schemas_with_patterns_use_the_python_validator_alone() -> None:
    """jsonschema-rs reads \\s as ECMA-262 does (U+FEFF is white space), Python's re does not: a fast
    "valid" would hide the error the Python validator reports."""
    schema = {"type": "object", "properties": {"gap": {"type": "string", "pattern": "^\\s$"}}}
    import jsonschema_rs

    assert jsonschema_rs.validator_for(schema).is_valid({"gap": "\ufeff"})  # the disagreement itself
    validator = Validator(schema, "gap.schema.json")
    assert validator._fast is None
    assert [e.message for e in validator.errors({"gap": "\ufeff"})] == ["'\\ufeff' does not match '^\\\\s$'"]
    assert Validator({"type": "object"}, "plain.schema.json")._fast is not None
