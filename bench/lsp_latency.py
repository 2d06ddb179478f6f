"""Language server latency: first diagnostics after opening a 15 KB guide, and re-lint after a one-
character edit (median and worst of 50), measured over stdio by a real LSP client (pytest-lsp).

    python bench/lsp_latency.py [--edits 50] [--size 15000] [--debounce-ms 0]

Each edit is timed from sending didChange to receiving the publishDiagnostics of that version. The
debounce is 0 here (the server's default, 150 ms, would add that wait to every edit): the numbers are
the server's work plus the stdio round trip. Not a test: the numbers depend on the machine.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_guides" / "variant-a-customer-success-manager.md"


def guide_of_size(size: int) -> str:
    """The sample guide with its first question repeated (renumbered) until the text has `size` characters."""
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index("1. **How would you build")
    end = text.index("#### Behavioral Questions")
    question = text[start:end]
    questions = [question]
    number = 1
    while len(text) - len(question) + sum(map(len, questions)) < size:
        number += 1
        questions.append(re.sub(r"^1\.", f"{number}.", question))
    body = "".join(questions)
    rest = text[end:]
    for later in range(2, 10):  # renumber the questions after the repeated block
        rest = re.sub(rf"^{later}\. ", f"{number + later - 1}. ", rest, flags=re.M)
    return text[:start] + body + rest


async def measure(text: str, edits: int, debounce_ms: int, folder: Path) -> tuple[float, list[float], int]:
    client = LanguageClient(converter_factory=default_converter)
    published: list[types.PublishDiagnosticsParams] = []
    arrived = asyncio.Event()
    features = dict(DEFAULT_CLIENT_FEATURES)

    def on_publish(ls: object, params: types.PublishDiagnosticsParams) -> None:
        published.append(params)
        arrived.set()

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish
    register_lsp_features(client, features)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    await client.start_io(sys.executable, "-m", "guidelint", "server", cwd=str(folder), env=env)
    await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=folder.as_uri(),
        initialization_options={"debounceMs": debounce_ms}))

    async def until(version: int) -> int:
        while not any(p.version == version for p in published):
            arrived.clear()
            await arrived.wait()
        return len(next(p for p in published if p.version == version).diagnostics)

    uri = (folder / "guide.md").as_uri()
    started = time.perf_counter()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
    findings = await until(1)
    first = time.perf_counter() - started
    line = text.split("\n").index("Hiring managers look for a mix of product fluency, commercial sense and calm under "
                                  "pressure.")
    times = []
    for version in range(2, edits + 2):
        inserting = version % 2 == 0  # type a character, then delete it
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line, 7), types.Position(line, 7 if inserting else 8)),
            text="x" if inserting else "")
        started = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]))
        await until(version)
        times.append(time.perf_counter() - started)
    await client.shutdown_session()
    await client.stop()
    return first, times, findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--size", type=int, default=15000)
    parser.add_argument("--debounce-ms", type=int, default=0)
    options = parser.parse_args()
    import tempfile

    text = guide_of_size(options.size)
    with tempfile.TemporaryDirectory() as folder:
        first, times, findings = asyncio.run(measure(text, options.edits, options.debounce_ms, Path(folder)))
    ms = sorted(t * 1000 for t in times)
    print(f"guide: {len(text.encode('utf-8')):,} bytes, {text.count(chr(10))} lines, {findings} findings")
    print(f"first diagnostics after open: {first * 1000:.1f} ms (includes loading the schema and rules data)")
    print(f"re-lint after a one-character edit ({len(ms)} edits, debounce {options.debounce_ms} ms): "
          f"median {statistics.median(ms):.1f} ms, worst {ms[-1]:.1f} ms, best {ms[0]:.1f} ms")


if __name__ == "__main__":
    main()
