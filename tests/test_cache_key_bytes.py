"""runner.process keys a file's result by the bytes it read (Linter.read_with_data), no longer by its
text encoded again: the key must be the same one, which `cache` looks files up by (their bytes)."""
from __future__ import annotations

from pathlib import Path

import pytest

from guidelint.config import Config
from guidelint.engine import Linter
from guidelint.runner import Mode, process
from guidelint.source import encode


@pytest.mark.parametrize("data", [b"# A\n\nb\n", b"\xef\xbb\xbf# A\r\n\r\nb \r\n", "# Zürich ’ \u2028\n".encode(),
                                  b"---\ntitle: x\n---\n# A\rb\n"])
def test_the_key_is_the_one_of_the_file_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "guide.md"
    path.write_bytes(data)
    linter = Linter(Config())
    outcome = process(linter, str(path), Mode(cache=True))
    source, read = linter.read_with_data(str(path))
    assert read == data == encode(source.text, bom=source.bom)
    assert outcome.cache_key == linter.cache_key(data, str(path))


def test_a_file_that_does_not_decode_gets_no_key(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_bytes(b"# A\n\xff\n")
    assert process(Linter(Config()), str(path), Mode(cache=True)).cache_key is None
