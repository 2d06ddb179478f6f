"""The builder's lazy answer entries against the eager ones they replaced."""
from __future__ import annotations

import copy
import pickle
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint import document, markdown
from guidelint.config import Config
from guidelint.engine import Linter
from guidelint.model import Entry
from guidelint.source import decode


def test_regex_white_space_is_the_white_space_str_split_folds() -> None:
    """_CONTENT's \\s must be exactly what str.split() splits on, for every code point."""
    space = re.compile(r"\s")
    differing = [code for code in range(0x110000)
                 if (space.fullmatch(chr(code)) is not None) != (len(f"a{chr(code)}b".split()) == 2)]
    assert differing == []


def _eager_text(run_text: str, used: int) -> str:
    return " ".join(run_text[used:].split()).lstrip(": ")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab :\t\n\xa0\u2003\u3000é:")), max_size=20), st.integers(0, 25))
def test_an_entry_is_made_exactly_when_its_eager_text_is_not_empty(run_text: str, used: int) -> None:
    used = min(used, len(run_text))
    assert (document._CONTENT.search(run_text, used) is not None) == bool(_eager_text(run_text, used))


def _pending(run_text: str, used: int, source: str, start: int, end: int) -> document._PendingEntry:
    entry = object.__new__(document._PendingEntry)
    lead = object.__new__(markdown.Inline)  # (only its text and end are read)
    lead.text, lead.end = run_text, end
    entry.start = start
    entry._folded = entry._raw = None
    entry._lead, entry._used, entry._source, entry._from = lead, used, source, start
    return entry


def test_a_pending_entry_reads_compares_and_copies_as_an_entry() -> None:
    source = "- **Context**:  the  team\u00a0grew \n"
    entry = _pending("Context:  the  team\u00a0grew ", 8, source, 13, 32)
    plain = Entry("the team grew", "the  team\u00a0grew", 13)
    assert (entry.text, entry.markdown, entry.start) == (plain.text, plain.markdown, plain.start)
    assert entry == plain and plain == entry and not entry != plain
    assert repr(entry) == repr(plain) == "Entry(text='the team grew', markdown='the  team\\xa0grew', start=13)"
    for twin in (pickle.loads(pickle.dumps(entry)), copy.deepcopy(entry), copy.copy(entry)):
        assert type(twin) is Entry and twin == plain
    entry.start = 2  # moved to its label's start, as _whole_entry does: the Markdown stays the text's
    assert entry.markdown == "the  team\u00a0grew" and entry != plain


GUIDE = """---
title: x
---

## Interview Questions

### 1. What did you do?

**Answer:**
- **Scenario 1**: A *busy* quarter.
  - **Context**:  The team   grew.
  - **Approach**: :: Hired.
  - **Result**:
  - **Best Practice**: Plan early.
- **Pitfall**: Rushing.
- plain text
"""


def test_answer_entries_of_a_guide() -> None:
    """Entries as the eager builder made them (texts and Markdown read back from the lazy ones)."""
    linter = Linter(Config())
    doc = linter.build(decode(GUIDE.encode(), "g.md"))
    (question,) = doc.questions
    answer = question.answer
    (example,) = answer.examples
    assert example.title == "Scenario 1" and example.text == "A busy quarter." and example.markdown == "A *busy* quarter."
    assert [(e.text, e.markdown, GUIDE[e.start:e.start + 12]) for e in example.context] == \
        [("The team grew.", "The team   grew.", "**Context**:")]
    assert [(e.text, e.markdown) for e in example.approach] == [("Hired.", "Hired.")]
    assert example.outcome == []  # "**Result**:" with nothing after it: no entry
    assert [(e.text, e.markdown) for e in answer.best_practices] == [("Plan early.", "Plan early.")]
    assert [(e.text, e.markdown) for e in answer.pitfalls] == [("Rushing.", "Rushing.")]
    assert [[(e.text, e.markdown) for e in part.entries] for part in answer.other] == [[("plain text", "plain text")]]


_GUIDE_WITH_EXAMPLES = """---
term: "Lazy examples"
---
## Interview Questions

### Technical

#### 1. How do you plan a migration?

- **Example:** A move of 40 services, planned — with care.
  - **Context:** The old cluster was at its limits.
  - A plain nested line after the labelled ones.
  - **Outcome:** No downtime.

  A paragraph inside the example.
- **Examples:**
  - **Scenario 1:** Rolling back.
  - **Scenario 2:**
- **Pitfalls:** Skipping the dry run.
"""


def test_an_example_reads_and_compares_as_the_example_it_stands_for() -> None:
    """Examples make their text and Markdown when first read; to everything else they are Examples."""
    from guidelint.model import Example

    linter = Linter(Config())
    built = document.build(decode(_GUIDE_WITH_EXAMPLES.encode(), "g.md"), linter.policy)
    examples = built.questions[0].answer.examples
    assert [(e.title, e.text, e.markdown) for e in examples] == [
        ("Example", "A move of 40 services, planned — with care.\nA plain nested line after the labelled ones.\n"
                    "A paragraph inside the example.", "A move of 40 services, planned — with care."),
        ("Scenario 1", "Rolling back.", "Rolling back."),
        ("Scenario 2", "", "")]
    first = examples[0]
    plain = Example(first.title, first.text, first.markdown, first.start, first.context, first.approach,
                    first.outcome, first.other)
    assert first == plain and plain == first and not (first != plain)
    assert repr(first) == repr(plain) and repr(first).startswith("Example(title='Example'")
    for copied in (pickle.loads(pickle.dumps(first)), copy.copy(first), copy.deepcopy(first)):
        assert type(copied) is Example and copied == plain
    assert [entry.text for entry in first.context] == ["The old cluster was at its limits."]
    assert [entry.text for entry in first.outcome] == ["No downtime."]
    assert first != Example("Other", first.text, first.markdown, first.start)


def test_lazy_entries_and_examples_can_be_changed_and_replaced_as_eager_ones() -> None:
    import dataclasses

    from guidelint.model import Example

    linter = Linter(Config())
    built = document.build(decode(_GUIDE_WITH_EXAMPLES.encode(), "g.md"), linter.policy)
    answer = built.questions[0].answer
    entry, example = answer.pitfalls[0], answer.examples[0]
    assert type(entry) is document._PendingEntry and type(example) is document._PendingExample
    moved = dataclasses.replace(entry, start=1)
    assert (moved.text, moved.markdown, moved.start) == ("Skipping the dry run.", "Skipping the dry run.", 1)
    renamed = dataclasses.replace(example, title="Renamed")
    assert (renamed.title, renamed.text, renamed.markdown) == ("Renamed", example.text, example.markdown)
    entry.text, entry.markdown = "changed", "*changed*"
    example.text, example.markdown = "new text", "new *text*"
    assert entry == Entry("changed", "*changed*", entry.start)
    assert example == Example("Example", "new text", "new *text*", example.start, example.context, example.approach,
                              example.outcome, example.other)
