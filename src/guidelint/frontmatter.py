"""Front matter: find the YAML block between `---` lines and load it with positions."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import yamlnodes
from .model import EMPTY_FRONT_MATTER as EMPTY


@dataclass(frozen=True)
class FrontMatter:
    """The front matter block. Offsets are character offsets in the document text."""

    start: int  # the opening `---`
    end: int  # just after the closing delimiter line (the body starts here)
    yaml_start: int  # the first character of the YAML text
    yaml_text: str
    doc: yamlnodes.YamlDoc | None  # None when the YAML could not be used
    error: str | None = None
    error_offset: int = 0  # document offset of the error
    terminated: bool = True

    @property
    def data(self) -> dict[str, Any] | None:
        if self.doc is not None and isinstance(self.doc.data, dict):
            return self.doc.data
        return None

    def locate(self, path: tuple[Any, ...], *, key: bool = True) -> yamlnodes.Located | None:
        """Place of a key or value, shifted to document offsets."""
        if self.doc is None:
            return None
        return self.doc.locate(path, key=key, shift=self.yaml_start)


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end == -1 else end + 1


def _is_delimiter(line: str, marks: tuple[str, ...]) -> bool:
    return line.rstrip() in marks


def split(text: str) -> FrontMatter | None:
    """The front matter block at the very start of `text`, or None when there is none."""
    first_end = _line_end(text, 0)
    # (python-frontmatter's boundary pattern was matched here too; it accepts every first line this does,
    # and importing that package for it cost a one-file run ~1 ms: it imports toml and all of PyYAML.)
    if not _is_delimiter(text[:first_end], ("---",)):
        return None
    # The closing line is the first one after it that is '---' or '...' (blanks after it allowed): only
    # lines starting with one of them are looked at, found with str.find, not every line of the YAML.
    length = len(text)
    dashes = text.find("\n---", first_end - 1)
    dots = text.find("\n...", first_end - 1)
    while dashes != -1 or dots != -1:
        position = (dashes if dots == -1 or dashes != -1 and dashes < dots else dots) + 1
        end = _line_end(text, position)
        if _is_delimiter(text[position:end], ("---", "...")):
            yaml_text = text[first_end:position]
            return _load(first_end, end, yaml_text)
        if position - 1 == dashes:
            dashes = text.find("\n---", position)
        else:
            dots = text.find("\n...", position)
    return FrontMatter(0, length, first_end, text[first_end:], None,
                       error="front matter is not terminated: no closing '---' line", terminated=False)


def _load(yaml_start: int, end: int, yaml_text: str) -> FrontMatter:
    try:
        doc = yamlnodes.load(yaml_text)
    except yamlnodes.YamlProblem as problem:
        return FrontMatter(0, end, yaml_start, yaml_text, None,
                           error=f"invalid YAML: {problem.message}", error_offset=yaml_start + problem.offset)
    if not isinstance(doc.data, dict):
        offset = yaml_start + doc.root.start_mark.index if doc.root is not None else 0
        message = (EMPTY if doc.data is None else
                   f"front matter must be a mapping of keys to values, not a {_yaml_kind(doc.data)}")
        return FrontMatter(0, end, yaml_start, yaml_text, None, error=message, error_offset=offset)
    return FrontMatter(0, end, yaml_start, yaml_text, doc)


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    return type(value).__name__
