"""JSON text that every reader takes: RFC 8259, one record a line, JavaScript too.

`json` with ensure_ascii=False writes U+2028, U+2029 and U+0085 as they are. They are valid inside
JSON strings, but a line splitter that follows Unicode (Python's str.splitlines, many JSONL readers)
breaks a record there, and JavaScript before ES2019 cannot parse them in a string. An unpaired
surrogate (a file name that is not UTF-8, decoded by Python with surrogateescape) cannot be written
as UTF-8 at all. All of them are written as \\u escapes; NaN and infinities are refused (allow_nan=False:
the data given is made of JSON values first, see yamlnodes.to_json)."""
from __future__ import annotations

import json
import re
from typing import Any

_UNSAFE = re.compile("[\u0085\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def safe(encoded: str) -> str:
    """JSON text with the characters above escaped. Outside strings JSON has none of them, so each
    one found is inside a string, where its escape means the same character."""
    if encoded.isascii():
        return encoded
    # (three searches for a character and an encoding take ~1 us on a report's chunk of a guide's
    # findings, where the pattern's scan took ~7: most text that is not ASCII has none of them)
    if "\u2028" not in encoded and "\u2029" not in encoded and "\x85" not in encoded:
        try:
            encoded.encode("utf-8")
        except UnicodeEncodeError:  # an unpaired surrogate
            pass
        else:
            return encoded
    return _UNSAFE.sub(_escape, encoded)


_COMPACT = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def line(value: Any) -> str:
    """One JSON value on one line."""
    return safe(_COMPACT.encode(value))


def indented(value: Any, indent: int = 2) -> str:
    return safe(json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent))
