"""Positions at the editor's edge: guidelint counts columns in code points (1-based) and edits in
character offsets; a Language Server Protocol client counts in UTF-16 code units by default, or in
UTF-8 bytes or UTF-32 code points when it negotiated `positionEncoding`. Only the server converts."""
from __future__ import annotations

from dataclasses import dataclass

from .source import LineIndex

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"
ENCODINGS = (UTF8, UTF16, UTF32)


def units(text: str, encoding: str) -> int:
    """How many code units of `encoding` the text takes."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    # UTF-16: one unit per character, two for one outside the Basic Multilingual Plane (emoji)
    return len(text) + sum(1 for character in text if ord(character) > 0xFFFF)


def characters(line: str, count: int, encoding: str) -> int:
    """How many characters of `line` the first `count` code units cover (a count that falls inside a
    character counts that character as not reached; a count past the end is the line's length)."""
    if encoding == UTF32 or line.isascii():
        return min(count, len(line))
    used = 0
    for index, character in enumerate(line):
        used += units(character, encoding)
        if used > count:
            return index
    return len(line)


@dataclass(frozen=True)
class Position:
    """0-based line and character, in the client's code units (what the protocol sends)."""

    line: int
    character: int


class PositionMap:
    """Converts between guidelint's offsets or (line, column) and protocol positions for one text.
    Lines are cut at line feeds, as guidelint's LineIndex cuts them (a CRLF line's CR is its last
    character, which no finding's column reaches past)."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        if encoding not in ENCODINGS:
            raise ValueError(f"unknown position encoding {encoding!r}")
        self.text = text
        self.encoding = encoding
        self.lines = LineIndex(text)

    def _line_text(self, line: int) -> str:
        """The text of 1-based `line`, without its line feed."""
        starts = self.lines.starts
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[start:end]

    def from_line_column(self, line: int, column: int) -> Position:
        """guidelint's 1-based line and code point column as a protocol position."""
        line = max(1, min(line, len(self.lines.starts)))
        text = self._line_text(line)
        prefix = text[:max(0, column - 1)]
        return Position(line - 1, units(prefix, self.encoding))

    def from_offset(self, offset: int) -> Position:
        """A character offset in the text as a protocol position."""
        line, column = self.lines.position(offset)
        return self.from_line_column(line, column)

    def to_offset(self, position: Position) -> int:
        """A protocol position as a character offset (clamped to the text)."""
        if position.line >= len(self.lines.starts):
            return len(self.text)
        line = max(0, position.line) + 1
        return self.lines.line_start(line) + characters(self._line_text(line), max(0, position.character),
                                                        self.encoding)
