"""The builder against the one before it was made cheaper (tests/_document_before.py, the oracle): the
same headings, groups, questions, answers, sections and paragraphs after the questions, for generated
guides made of the shapes answers are written in (labels with the colon inside or after, loose and
tight items, nested lists, blank or empty labels, paragraphs, HTML and code between them)."""
from __future__ import annotations

import importlib.util
import pickle
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint import document
from guidelint.config import Config
from guidelint.engine import Linter
from guidelint.source import decode

_spec = importlib.util.spec_from_file_location("_document_before", Path(__file__).with_name("_document_before.py"))
before = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(before)  # type: ignore[union-attr]

POLICY = Linter(Config()).policy

LABELS = ["Example 1", "Example", "Scenario 2", "Result", "Outcome", "Context", "Approach", "Best Practices",
          "Pitfalls to Avoid", "Follow-up Points", "Answer", "Examples", "Note", "", " ", "Result :"]
TEXTS = ["Planned the launch.", "", "  spaced   out  ", ": after a colon", "*soft* `code` [link](x)", "ends?",
         "über\u00a0wide\u2003space"]


@st.composite
def labelled_line(draw: st.DrawFn) -> str:
    label, text = draw(st.sampled_from(LABELS)), draw(st.sampled_from(TEXTS))
    shape = draw(st.integers(0, 4))
    if shape == 0:
        return f"**{label}:** {text}"
    if shape == 1:
        return f"**{label}**: {text}"
    if shape == 2:
        return f"*{label}:* {text}"
    if shape == 3:
        return f"**{label}** {text}"
    return text


@st.composite
def bullets(draw: st.DrawFn, depth: int = 0) -> list[str]:
    lines: list[str] = []
    indent = "  " * depth
    ordered = draw(st.booleans()) and depth == 0
    for number in range(1, draw(st.integers(1, 4)) + 1):
        marker = f"{number}." if ordered else "-"
        lines.append(f"{indent}{marker} {draw(labelled_line())}")
        if draw(st.booleans()):
            lines.append("")  # a loose list
        if depth < 2 and draw(st.integers(0, 2)) == 0:
            lines.extend(draw(bullets(depth + 1)))
        elif draw(st.integers(0, 6)) == 0:
            block = draw(st.sampled_from(["A nested paragraph.", "<div>x</div>", "```", "---"]))
            lines.extend(["", f"{indent}  {block}", ""])
    return lines


@st.composite
def guide(draw: st.DrawFn) -> str:
    lines = ["---", "title: x", "---", "", "## Intro", "", draw(labelled_line()), "", "## Interview Questions", ""]
    for number in range(1, draw(st.integers(1, 4)) + 1):
        if draw(st.integers(0, 3)) == 0:
            lines += [f"### {draw(st.sampled_from(['Technical Questions', 'Behavioral Questions', 'Odd']))}", ""]
        lines += [f"#### {number}. {draw(st.sampled_from(['What did you do?', 'Why **this**?']))}", ""]
        for _ in range(draw(st.integers(1, 4))):
            if draw(st.booleans()):
                lines += draw(bullets())
            else:
                lines.append(draw(st.sampled_from([draw(labelled_line()), "<!-- c -->", "---", "    code"])))
            lines.append("")
    if draw(st.booleans()):
        lines += ["1. **A list question?**", "   - **Result:** done", "", "Trailing words.", ""]
    return "\n".join(lines)


def _facts(doc: object) -> tuple[object, ...]:
    return tuple(getattr(doc, name) for name in
                 ("headings", "questions_heading", "groups", "questions", "after_questions", "sections"))


@settings(max_examples=400, deadline=None)
@given(guide())
def test_the_builder_makes_the_model_the_old_builder_made(text: str) -> None:
    source = decode(text.encode(), "g.md")
    new, old = document.build(source, POLICY), before.build(source, POLICY)
    assert _facts(new) == _facts(old)
    assert repr(_facts(new)) == repr(_facts(old))  # (texts and Markdown read: equal Entries, lazy or not)
    assert pickle.loads(pickle.dumps(_facts(new))) == _facts(old)
