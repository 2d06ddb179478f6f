"""Bytes to text: decoding, BOM, line endings, and offset to line/column mapping."""
from __future__ import annotations

import array
import bisect
import re
from dataclasses import dataclass

BOM = "\ufeff"


@dataclass(frozen=True)
class ReadProblem:
    """Why a file could not be turned into text; reported by the file-encoding rule."""

    message: str
    kind: str  # "binary" | "not-utf8" | "empty" | "too-large"
    offset: int = 0  # where in the Source's text the problem is (its text is what could be read)


@dataclass(frozen=True)
class Source:
    """A file's text as guidelint sees it: BOM removed, line endings untouched."""

    path: str
    text: str
    bom: bool = False
    problem: ReadProblem | None = None

    @property
    def newline(self) -> str:
        """The dominant line ending, used when a fix inserts a new line."""
        crlf = self.text.count("\r\n")
        return "\r\n" if crlf and crlf * 2 >= self.text.count("\n") else "\n"


# UTF-32 first: its little-endian mark begins with UTF-16's
_OTHER_UNICODE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                       (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def too_large(size: int, limit: int) -> ReadProblem:
    return ReadProblem(f"file is {size:,} bytes, over the limit of {limit:,} (max-file-size); not checked",
                       "too-large")


def decode(data: bytes, path: str = "<text>", *, max_bytes: int | None = None) -> Source:
    """Turn raw bytes into a Source; never raises on bad input."""
    if max_bytes is not None and len(data) > max_bytes:
        return Source(path, "", problem=too_large(len(data), max_bytes))
    for mark, encoding in _OTHER_UNICODE_BOMS:  # before the NUL test: UTF-16 text is full of NULs
        if data.startswith(mark):
            return Source(path, "", problem=ReadProblem(f"{encoding} is not supported; save as UTF-8", "not-utf8"))
    if b"\x00" in data:
        return Source(path, "", problem=ReadProblem("binary file (contains NUL bytes); not checked", "binary"))
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as error:
        # The text is what decodes, up to the bad byte: the finding stands where the byte is, and its
        # column counts characters, as every other finding's does.
        start = error.start + 3 if bom else error.start
        readable = data[3 if bom else 0:start].decode("utf-8")
        line = readable.count("\n") + 1
        column = len(readable) - (readable.rfind("\n") + 1) + 1
        return Source(path, readable, bom=bom, problem=ReadProblem(
            f"not valid UTF-8: byte 0x{data[start]:02x} at line {line}, column {column}", "not-utf8",
            len(readable)))
    if not text.strip():
        what = "empty file" if not text else "file has only whitespace"
        return Source(path, text, bom=bom, problem=ReadProblem(what, "empty"))
    return Source(path, text, bom=bom)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xdc00:02x}" if 0xdc80 <= code <= 0xdcff else f"\\u{code:04x}"


def without_surrogates(text: str) -> str:
    """`text` as UTF-8 can hold it (XML, Parquet): a byte of a file name that is not UTF-8, which Python
    reads as a surrogate escape (U+DC80-U+DCFF), written as \\xNN, and any other surrogate as \\uNNNN."""
    return _SURROGATE.sub(_surrogate_escape, text)


def encode(source_text: str, *, bom: bool) -> bytes:
    return (BOM + source_text if bom else source_text).encode("utf-8")


class LineIndex:
    """Maps character offsets in a text to 1-based (line, column) and back."""

    __slots__ = ("starts", "length")

    def __init__(self, text: str) -> None:
        starts = [0]
        position = 0
        for line in text.split("\n")[:-1]:  # in C: faster than a find() loop on long texts
            position += len(line) + 1
            starts.append(position)
        self.starts = starts
        self.length = len(text)

    @property
    def line_count(self) -> int:
        """Lines as an editor shows them: a final newline does not open a new line."""
        count = len(self.starts)
        if count > 1 and self.starts[-1] == self.length:
            count -= 1
        return count

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]

    def line_of(self, offset: int) -> int:
        return self.position(offset)[0]


class ByteMapper:
    """Converts UTF-8 byte offsets (pyromark's ranges) of a text slice into character offsets.

    A character's offset is its byte offset less the continuation bytes (0x80-0xBF: the second to
    fourth bytes of a character that is not ASCII) before it. `continuation` holds their byte offsets
    in order, so a conversion is one bisect and a subtraction, whatever the length of the line (decoding
    from the start of the line made one long line of many elements quadratic), and markdown.parse
    does it inline, without a call. Building it is one pass of bytes.translate over the encoded text
    (`data`) and two bytes.find a run of continuation bytes: a guide has a few dozen; it holds 8 bytes
    a continuation byte. (A regex search for the runs tried the class at every byte: ~100 us a guide,
    where this takes ~10.)"""

    __slots__ = ("base", "ascii", "data", "continuation")

    def __init__(self, text: str, base: int = 0) -> None:
        self.base = base
        self.ascii = text.isascii()
        self.continuation = array.array("q")
        if self.ascii:
            return
        self.data = text.encode("utf-8")
        flags = self.data.translate(_CONTINUATION_FLAGS)  # 1 for a continuation byte, 0 for any other
        find = flags.find
        extend = self.continuation.extend
        start = find(1)
        while start != -1:
            end = find(0, start)
            if end == -1:
                end = len(flags)
            extend(range(start, end))
            start = find(1, end)

    def __call__(self, byte_offset: int) -> int:
        # pyromark's offsets fall between characters: the continuation bytes before one are its own
        return self.base + byte_offset - bisect.bisect_left(self.continuation, byte_offset)


_CONTINUATION_FLAGS = bytes(1 if 0x80 <= byte <= 0xBF else 0 for byte in range(256))
