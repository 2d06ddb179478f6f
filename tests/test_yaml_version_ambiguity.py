"""yaml-version-ambiguity on numbers past Python's int() digit limit (4,300 digits): a finding with a
clipped message and a whole fix, never a traceback."""
from __future__ import annotations

from guidelint.config import Config
from guidelint.engine import Linter
from guidelint.fixer import fix_source
from guidelint.source import decode


def test_numbers_past_the_digit_limit_are_reported_not_raised() -> None:
    decimal = "0" + "9" * 5000  # YAML 1.1: a string; YAML 1.2: an integer int() refuses to convert
    octal = "0o" + "7" * 6000  # YAML 1.2: an integer repr() refuses to print
    text = f"---\nzip: {decimal}\noct: {octal}\n---\n# Title\n"
    linter = Linter(Config(select=("yaml-version-ambiguity",)))
    found = [(d.line, d.column, d.message) for d in linter.lint_source(decode(text.encode(), "big.md")).diagnostics]
    shown = "0" + "9" * 36 + "..."
    shown_octal = "0o" + "7" * 35 + "..."
    assert found == [
        (2, 6, f"'{shown}' is read as the string \"{shown}\" by YAML 1.1 (guidelint, PyYAML) and as infinity "
               "by YAML 1.2 (most site generators); quote it for the text"),
        (3, 6, f"'{shown_octal}' is read as the string \"{shown_octal}\" by YAML 1.1 (guidelint, PyYAML) and as "
               "a very large number by YAML 1.2 (most site generators); quote it for the text"),
    ]
    fixed = fix_source(linter, decode(text.encode(), "big.md"))
    assert fixed.text == text  # YAML 1.2 reads numbers there: text or number is the author's call
