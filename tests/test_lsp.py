"""The language server, end to end: a real LSP client (pytest-lsp) drives `python -m guidelint server`
over stdio. Each test runs one scenario in its own event loop."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")
from lsprotocol import types  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402
from pytest_lsp import LanguageClient  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features  # noqa: E402

from guidelint.lsp_edits import minimal_edit  # noqa: E402
from guidelint.positions import PositionMap, characters, units  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (ROOT / "sample_guides" / "variant-a-customer-success-manager.md").read_text(encoding="utf-8")
PITFALLS_1 = """   - **Pitfalls to Avoid:**
     - Copying the same plan to every customer.
     - Letting the plan live only in your own notes.
"""
OVERVIEW = "Hiring managers look for a mix of product fluency, commercial sense and calm under pressure."
EMOJI_LINE = "Hiring managers 🚀 look for a mix of product fluency, commercial sense and calm, ünder pressure.   "


def required_guide() -> str:
    """A guide with a schema error (pubDate is no date), question 1 without pitfalls, and trailing
    whitespace after an emoji (so its UTF-16 column differs from its code point column)."""
    assert PITFALLS_1 in SAMPLE and OVERVIEW in SAMPLE
    return SAMPLE.replace("pubDate: 2025-03-10", 'pubDate: "March 10th"').replace(PITFALLS_1, "") \
        .replace(OVERVIEW, EMOJI_LINE)


def line_of(text: str, needle: str) -> int:
    """0-based line of the first line containing `needle`."""
    return next(number for number, line in enumerate(text.split("\n")) if needle in line)


class Session:
    """A client talking to one server process; it records every publishDiagnostics and registration."""

    def __init__(self, client: LanguageClient, folder: Path) -> None:
        self.client = client
        self.folder = folder
        self.published: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.Registration] = []
        self.arrived = asyncio.Event()
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    def uri(self, name: str) -> str:
        return (self.folder / name).as_uri()

    async def diagnostics(self, uri: str, version: int | None = None, *, after: int = 0) -> list[types.Diagnostic]:
        """The first diagnostics published for `uri` (at `version`, if given) after the `after`-th
        publication."""
        async def wait() -> list[types.Diagnostic]:
            seen = after
            while True:
                for params in self.published[seen:]:
                    if params.uri == uri and (version is None or params.version == version):
                        return list(params.diagnostics)
                seen = len(self.published)
                self.arrived.clear()
                await self.arrived.wait()
        return await asyncio.wait_for(wait(), 20)

    def open(self, name: str, text: str) -> str:
        uri = self.uri(name)
        self.versions[uri] = 1
        self.texts[uri] = text
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
        return uri

    def change(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> int:
        self.versions[uri] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            [types.TextDocumentContentChangePartial(range=types.Range(types.Position(*start), types.Position(*end)),
                                                    text=text)]))
        return self.versions[uri]

    def replace_all(self, uri: str, text: str) -> int:
        self.versions[uri] += 1
        self.texts[uri] = text
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.versions[uri]

    async def actions(self, uri: str, line: int, only: list[str] | None = None,
                      character: int = 0) -> list[types.CodeAction]:
        position = types.Position(line, character)
        result = await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri), range=types.Range(position, position),
            context=types.CodeActionContext(diagnostics=[], only=only)))
        return [action for action in result or [] if isinstance(action, types.CodeAction)]


def apply(text: str, edits: list[types.TextEdit], encoding: str = "utf-16") -> str:
    """Apply protocol edits as an editor does (positions in `encoding` code units)."""
    from guidelint.positions import Position

    positions = PositionMap(text, encoding)
    spans = sorted(((positions.to_offset(Position(e.range.start.line, e.range.start.character)),
                     positions.to_offset(Position(e.range.end.line, e.range.end.character)), e.new_text)
                    for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def run(folder: Path, scenario: Any, *, encodings: list[str] | None = None, watch: bool = True,
        debounce_ms: int = 50) -> None:
    async def main() -> None:
        client = LanguageClient(converter_factory=default_converter)
        session = Session(client, folder)
        features = dict(DEFAULT_CLIENT_FEATURES)

        def published(ls: Any, params: types.PublishDiagnosticsParams) -> None:
            session.published.append(params)
            session.arrived.set()

        def register(ls: Any, params: types.RegistrationParams) -> None:
            session.registrations.extend(params.registrations)

        features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = published
        features[types.CLIENT_REGISTER_CAPABILITY] = register
        register_lsp_features(client, features)
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        await client.start_io(sys.executable, "-m", "guidelint", "server", cwd=str(folder), env=env)
        capabilities = types.ClientCapabilities(
            general=types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
            workspace=types.WorkspaceClientCapabilities(
                did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=watch)))
        await client.initialize_session(types.InitializeParams(
            capabilities=capabilities, root_uri=folder.as_uri(), initialization_options={"debounceMs": debounce_ms},
            workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name="guides")]))
        try:
            await scenario(session)
        finally:
            await client.shutdown_session()
            await client.stop()

    asyncio.run(main())


def summary(diagnostics: list[types.Diagnostic]) -> list[tuple[str, int, int, int, int]]:
    return sorted((str(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
                  for d in diagnostics)


# --- positions, without a server ---------------------------------------------------------------------

def test_code_units_of_each_encoding() -> None:
    assert [units("a🚀é", e) for e in ("utf-8", "utf-16", "utf-32")] == [1 + 4 + 2, 1 + 2 + 1, 3]
    assert characters("a🚀é", 3, "utf-16") == 2 and characters("a🚀é", 2, "utf-16") == 1  # inside the pair
    assert characters("a🚀é", 5, "utf-8") == 2 and characters("a🚀é", 99, "utf-8") == 3
    positions = PositionMap("x\nab🚀cd\n", "utf-16")
    assert positions.from_line_column(2, 5) == (1, 5) or positions.from_line_column(2, 5).character == 5
    assert positions.to_offset(positions.from_offset(7)) == 7


def test_minimal_edit_spans_only_the_difference() -> None:
    edit = minimal_edit("abc  \ndef\n", "abc\ndef\n")
    assert (edit.start, edit.end, edit.replacement) == (3, 5, "") if edit else False
    assert minimal_edit("same", "same") is None


# --- the required scenario ----------------------------------------------------------------------------

def test_required_guide_shows_all_three_and_fix_all_leaves_the_missing_part(tmp_path: Path) -> None:
    text = required_guide()
    question_line = line_of(text, "How would you build an onboarding plan")
    emoji_line = line_of(text, "Hiring managers 🚀")
    stripped = EMOJI_LINE.rstrip()

    async def scenario(s: Session) -> None:
        uri = s.open("guide.md", text)
        found = summary(await s.diagnostics(uri, 1))
        assert found == sorted([
            ("GL103", 5, 0, 5, len('pubDate: "March 10th"')),  # the point finding marks its line
            ("GL002", emoji_line, len(stripped) + 1, emoji_line, len(EMOJI_LINE) + 1),  # 🚀 is 2 UTF-16 units
            ("GL301", question_line, 0, question_line, len(text.split("\n")[question_line])),
        ])
        actions = await s.actions(uri, 0, only=["source.fixAll"])
        assert [a.kind for a in actions] == ["source.fixAll.guidelint"]
        fixed = apply(text, actions[0].edit.changes[uri])
        assert fixed == text.replace(EMOJI_LINE, stripped)
        version = s.replace_all(uri, fixed)
        assert [d[0] for d in summary(await s.diagnostics(uri, version))] == ["GL103", "GL301"]

    run(tmp_path, scenario)


# --- quick fixes, disable comments, encodings -----------------------------------------------------------

ARTIFACT = "     - TODO: write this\n"


def test_quick_fixes_safe_preferred_unsafe_offered_and_disable_comments(tmp_path: Path) -> None:
    text = required_guide().replace("     - Review progress weekly with the executive sponsor.\n",
                                    "     - Review progress weekly with the executive sponsor.\n" + ARTIFACT)
    artifact_line = line_of(text, "TODO: write this")
    emoji_line = line_of(text, "Hiring managers 🚀")

    async def scenario(s: Session) -> None:
        uri = s.open("guide.md", text)
        await s.diagnostics(uri, 1)
        safe = [a for a in await s.actions(uri, emoji_line, character=len(EMOJI_LINE)) if "disable" not in a.title
                and a.kind == "quickfix"]
        assert [(a.is_preferred, a.kind) for a in safe] == [(True, "quickfix")]
        assert apply(text, safe[0].edit.changes[uri]) == text.replace(EMOJI_LINE, EMOJI_LINE.rstrip())
        unsafe = [a for a in await s.actions(uri, artifact_line, character=8, only=["quickfix"])
                  if "disable" not in a.title]
        assert len(unsafe) == 1 and unsafe[0].title.endswith("(unsafe)") and not unsafe[0].is_preferred
        assert apply(text, unsafe[0].edit.changes[uri]) == text.replace(ARTIFACT, "")

        # disable-next-line, indented as the list item it precedes
        disable = [a for a in await s.actions(uri, artifact_line, character=8) if "disable" in a.title]
        assert [a.title for a in disable] == ["guidelint: disable generation-artifact for this line"]
        disabled = apply(text, disable[0].edit.changes[uri])
        assert disabled == text.replace(ARTIFACT, "     <!-- guidelint-disable-next-line generation-artifact -->\n"
                                        + ARTIFACT)
        # a front matter finding: directives are read in the body only, so the file form heads the body
        schema = [a for a in await s.actions(uri, 5) if "disable" in a.title]
        assert [a.title for a in schema] == ["guidelint: disable front-matter-schema for this file"]
        suppressed = apply(disabled, schema[0].edit.changes[uri])
        assert suppressed == disabled.replace("---\n\n## Customer", "---\n<!-- guidelint-disable-file "
                                              "front-matter-schema -->\n\n## Customer", 1)
        version = s.replace_all(uri, suppressed)
        assert [d[0] for d in summary(await s.diagnostics(uri, version))] == ["GL002", "GL301"]

        hover = await s.client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(uri), types.Position(line_of(suppressed, "How would you build"), 3)))
        assert hover is not None and "**GL301** `question-missing-part`" in hover.contents.value

    run(tmp_path, scenario)


@pytest.mark.parametrize(("encoding", "column"), [("utf-8", len(EMOJI_LINE.rstrip().encode("utf-8"))),
                                                  ("utf-32", len(EMOJI_LINE.rstrip()))])
def test_negotiated_position_encoding(tmp_path: Path, encoding: str, column: int) -> None:
    text = required_guide()
    emoji_line = line_of(text, "Hiring managers 🚀")

    async def scenario(s: Session) -> None:
        uri = s.open("guide.md", text)
        found = [d for d in await s.diagnostics(uri, 1) if d.code == "GL002"]
        assert [(d.range.start.line, d.range.start.character) for d in found] == [(emoji_line, column)]
        # an incremental edit in the same encoding: delete the trailing spaces
        version = s.change(uri, (emoji_line, column), (emoji_line, column + 3), "")
        assert "GL002" not in [d.code for d in await s.diagnostics(uri, version)]

    run(tmp_path, scenario, encodings=[encoding])


def test_edits_are_debounced_and_only_the_latest_version_is_published(tmp_path: Path) -> None:
    text = SAMPLE

    async def scenario(s: Session) -> None:
        uri = s.open("guide.md", text)
        assert await s.diagnostics(uri, 1) == []
        count = len(s.published)
        versions = [s.change(uri, (20, 0), (20, 0), "x") for _ in range(5)]  # five keystrokes at once
        last = await s.diagnostics(uri, versions[-1], after=count)
        assert [d.code for d in last] == []
        await asyncio.sleep(0.5)
        assert [p.version for p in s.published[count:]] == [versions[-1]]  # none for the stale versions
        s.client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
        assert await s.diagnostics(uri, versions[-1], after=count + 1) == []

    run(tmp_path, scenario, debounce_ms=300)


# --- settings from the project, reloaded; broken configs ---------------------------------------------

def test_config_change_reloads_and_broken_config_is_reported_then_recovers(tmp_path: Path) -> None:
    config = tmp_path / "guidelint.toml"
    config.write_text("", encoding="utf-8")
    text = required_guide()

    async def scenario(s: Session) -> None:
        for _ in range(100):  # the server registers its watcher once initialized
            if s.registrations:
                break
            await asyncio.sleep(0.05)
        assert [r.method for r in s.registrations] == ["workspace/didChangeWatchedFiles"]
        uri = s.open("guide.md", text)
        assert [d[0] for d in summary(await s.diagnostics(uri, 1))] == ["GL002", "GL103", "GL301"]

        def changed() -> None:
            s.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
                [types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))

        count = len(s.published)
        config.write_text('ignore = ["trailing-whitespace"]\n', encoding="utf-8")
        changed()
        assert [d[0] for d in summary(await s.diagnostics(uri, 1, after=count))] == ["GL103", "GL301"]

        count = len(s.published)
        config.write_text('ignore = ["no-such-rule"]\n', encoding="utf-8")
        changed()
        assert await s.diagnostics(uri, after=count) == []  # no stale findings while the config is broken
        for _ in range(100):
            if s.client.messages:
                break
            await asyncio.sleep(0.05)
        assert len(s.client.messages) == 1 and s.client.messages[0].type == types.MessageType.Error
        assert "guidelint.toml" in s.client.messages[0].message and "no-such-rule" in s.client.messages[0].message

        count = len(s.published)
        config.write_text('ignore = ["question-missing-part"]\n', encoding="utf-8")
        changed()
        assert [d[0] for d in summary(await s.diagnostics(uri, 1, after=count))] == ["GL002", "GL103"]

    run(tmp_path, scenario)


def test_collection_of_the_documents_path_decides_its_rules(tmp_path: Path) -> None:
    (tmp_path / "guidelint.toml").write_text(
        '[collections.notes]\ninclude = ["notes/**"]\nkind = "markdown"\n', encoding="utf-8")
    (tmp_path / "notes").mkdir()
    text = required_guide()

    async def scenario(s: Session) -> None:
        guide = s.open("guide.md", text)
        note = s.open("notes/n.md", text)
        assert "GL301" in [d.code for d in await s.diagnostics(guide, 1)]
        assert "GL301" not in [d.code for d in await s.diagnostics(note, 1)]  # guide rules: not for notes

    run(tmp_path, scenario)


def test_server_without_the_extra_says_which_to_install() -> None:
    import subprocess

    code = ("import sys; sys.modules['pygls'] = None; sys.argv = ['guidelint', 'server']; "
            "from guidelint.cli import main; main()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("guidelint: error: guidelint server needs the 'pygls' package: "
                           "pip install 'guidelint[server]'\n")
