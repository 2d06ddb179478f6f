"""`guidelint server`: a language server over stdio (pygls).

A thin adapter: the project model picks each document's linter (nearest config, collection, kind), the
linter and the fixer do the work, and positions are converted here, at the edge, into the code units
the client negotiated. Corpus rules (duplicates across files) stay with the command line.
"""
from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from . import __version__
from .diagnostics import Diagnostic, Edit, Severity
from .engine import LintResult, Linter
from .errors import ConfigError
from .lsp_edits import minimal_edit, suppression_edit
from .positions import Position, PositionMap
from .project import Project
from .source import BOM

FIX_ALL = "source.fixAll.guidelint"
DEFAULT_DEBOUNCE = 0.15  # seconds after the last keystroke before a re-lint
WATCHED = ("**/guidelint.toml", "**/pyproject.toml", "**/*.json", "**/*.yaml", "**/*.yml")
_SEVERITY = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning,
             Severity.INFO: types.DiagnosticSeverity.Information}

log = logging.getLogger(__name__)


@dataclass
class Linted:
    """One version of a document, linted, with what the protocol needs to speak about it."""

    uri: str
    version: int | None
    text: str  # as the editor holds it (a BOM, if any, is its first character)
    linter: Linter | None  # None: the config excludes the file
    result: LintResult | None
    positions: PositionMap
    diagnostics: list[tuple[Diagnostic, types.Diagnostic]]
    fixed_text: str | None = None  # the text after every safe fix, once asked for

    @property
    def shift(self) -> int:
        """Characters before guidelint's text: a BOM the editor keeps in its buffer."""
        return 1 if self.text.startswith(BOM) else 0

    def range_of(self, start: int, end: int) -> types.Range:
        """A character range of guidelint's (BOM-less) text as a protocol range."""
        return types.Range(_position(self.positions.from_offset(start + self.shift)),
                           _position(self.positions.from_offset(end + self.shift)))

    def text_edit(self, edit: Edit) -> types.TextEdit:
        return types.TextEdit(self.range_of(edit.start, edit.end), edit.replacement)


def _position(position: Position) -> types.Position:
    return types.Position(line=position.line, character=position.character)


def _before(a: types.Position, b: types.Position) -> bool:
    return (a.line, a.character) < (b.line, b.character)


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return not _before(a.end, b.start) and not _before(b.end, a.start)


class GuidelintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("guidelint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.projects: dict[str, Project] = {}  # workspace folder (or "" for files outside) -> its project
        self.linted: dict[str, Linted] = {}  # uri -> the latest linted version
        self.pending: dict[str, asyncio.Task[None]] = {}  # uri -> its scheduled lint
        self.debounce = DEFAULT_DEBOUNCE
        self.reported: set[str] = set()  # config errors already shown (shown once until things change)
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="guidelint-lint")  # one at a time

    # --- settings -----------------------------------------------------------------------------------
    def _workspace_key(self, path: str) -> str:
        roots = []
        for folder in self.workspace.folders.values():
            root = to_fs_path(folder.uri)
            if root and (path == root or path.startswith(os.path.join(root, ""))):
                roots.append(root)
        root_path = self.workspace.root_path
        if not roots and root_path and path.startswith(os.path.join(root_path, "")):
            roots.append(root_path)
        return max(roots, key=len, default="")

    def linter_for(self, path: str) -> Linter | None:
        """The document's linter from its workspace's project; None when its config excludes it.
        Raises ConfigError for a broken config (or rules data, or schema)."""
        key = self._workspace_key(path)
        project = self.projects.get(key)
        if project is None:
            project = self.projects[key] = Project()
        if project.config_for(path).excludes(path):
            return None
        return project.for_path(path)

    def reload(self) -> None:
        """Forget every project: the next lint reads configs, schemas and rules data afresh."""
        self.projects.clear()
        self.reported.clear()
        self.linted.clear()

    # --- linting ------------------------------------------------------------------------------------
    def lint(self, uri: str, text: str, version: int | None) -> Linted:
        """Lint one version of a document (runs on the worker thread)."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        encoding = self.workspace.position_encoding  # negotiated at initialize (pygls picks the client's first)
        positions = PositionMap(text, str(getattr(encoding, "value", encoding) or "utf-16"))
        if path is None:  # an unsaved buffer: the defaults, as lint_text gives them
            from .config import Config

            linter: Linter | None = Project(config=Config()).for_path(uri)
            path = uri
        else:
            linter = self.linter_for(path)
        if linter is None:
            return Linted(uri, version, text, None, None, positions, [])
        source = linter.source_of_text(text[1:] if text.startswith(BOM) else text, path)
        result = linter.lint_source(source)
        linted = Linted(uri, version, text, linter, result, positions, [])
        linted.diagnostics = [(d, self._to_lsp(linted, d)) for d in result.diagnostics]
        return linted

    def _to_lsp(self, linted: Linted, d: Diagnostic) -> types.Diagnostic:
        positions, shift = linted.positions, linted.shift
        start = positions.from_line_column(d.line, d.column + (shift if d.line == 1 else 0))
        end = positions.from_line_column(d.end_line, d.end_column + (shift if d.end_line == 1 else 0))
        if end == start:  # a finding at a point (a question, a missing key): mark the rest of its line
            end = positions.from_line_column(d.line, 1 << 30)
        return types.Diagnostic(
            range=types.Range(_position(start), _position(end)), message=f"{d.message} [{d.slug}]",
            severity=_SEVERITY[d.severity], code=d.code, source="guidelint",
            data={"rule": d.slug, "fixable": d.fix is not None,
                  "applicability": d.fix.applicability if d.fix is not None else None})

    async def lint_later(self, uri: str, delay: float) -> None:
        """Lint the document's current version after `delay` (a newer request replaces this one)."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        task = asyncio.ensure_future(self._lint_and_publish(uri, delay))
        self.pending[uri] = task

    async def _lint_and_publish(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        linted = await self.current(uri)
        if linted is None:
            return
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=linted.version, diagnostics=[lsp for _, lsp in linted.diagnostics]))

    async def current(self, uri: str) -> Linted | None:
        """The linted current version of an open document (linting it now if needed); None when it is
        closed, changed while it was being linted (that result is stale, a newer lint follows), or
        cannot be linted (the problem is shown to the user)."""
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return None
        known = self.linted.get(uri)
        if known is not None and known.version == document.version and known.text == document.source:
            return known
        version, text = document.version, document.source
        try:
            linted = await asyncio.get_running_loop().run_in_executor(self.worker, self.lint, uri, text, version)
        except ConfigError as error:
            self.config_problem(uri, str(error))
            return None
        except Exception as error:  # a bug must not take the editor's server down with it
            log.exception("linting %s failed", uri)
            self.window_log_message(types.LogMessageParams(types.MessageType.Error,
                                                           f"guidelint: linting {uri} failed: {error!r}"))
            return None
        document = self.workspace.text_documents.get(uri)
        if document is None or document.version != version:
            return None  # stale: the document changed meanwhile
        self.linted[uri] = linted
        return linted

    def config_problem(self, uri: str, message: str) -> None:
        """A broken config, schema or rules file: say so (once), and show no stale findings."""
        text = f"guidelint: {message}"
        self.window_log_message(types.LogMessageParams(types.MessageType.Error, text))
        if text not in self.reported:
            self.reported.add(text)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, text))
        self.linted.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    async def relint_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            await self.lint_later(uri, 0)

    # --- actions ------------------------------------------------------------------------------------
    async def fixed_text(self, linted: Linted) -> str:
        if linted.fixed_text is None:
            from .fixer import fix_source

            assert linted.linter is not None and linted.result is not None
            linter, source = linted.linter, linted.result.source
            fixed = await asyncio.get_running_loop().run_in_executor(
                self.worker, lambda: fix_source(linter, source, unsafe=False))
            linted.fixed_text = fixed.text
        return linted.fixed_text

    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        linted = await self.current(uri)
        if linted is None or linted.result is None:
            return []
        only = params.context.only

        def wanted(kind: str) -> bool:
            return only is None or any(kind == k or kind.startswith(f"{k}.") for k in only)

        actions: list[types.CodeAction] = []
        if wanted(types.CodeActionKind.QuickFix):
            disabled: set[tuple[str, int]] = set()
            for d, lsp in linted.diagnostics:
                if not _overlaps(lsp.range, params.range):
                    continue
                if d.fix is not None:
                    actions.append(types.CodeAction(
                        title=f"guidelint: {d.fix.description}" + ("" if d.fix.safe else " (unsafe)"),
                        kind=types.CodeActionKind.QuickFix, diagnostics=[lsp], is_preferred=d.fix.safe,
                        edit=types.WorkspaceEdit(changes={uri: [linted.text_edit(e) for e in d.fix.edits]})))
                if (d.code, d.line) in disabled:
                    continue
                disabled.add((d.code, d.line))
                edit = suppression_edit(linted.result.document, d, linted.result.source.newline)
                scope = "file" if "disable-file" in edit.replacement else "line"
                actions.append(types.CodeAction(
                    title=f"guidelint: disable {d.slug} for this {scope}", kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp], edit=types.WorkspaceEdit(changes={uri: [linted.text_edit(edit)]})))
        if wanted(FIX_ALL) and any(d.fix is not None and d.fix.safe for d, _ in linted.diagnostics):
            edit = minimal_edit(linted.result.source.text, await self.fixed_text(linted))
            if edit is not None:
                actions.append(types.CodeAction(
                    title="guidelint: fix all safe fixes", kind=FIX_ALL,
                    edit=types.WorkspaceEdit(changes={uri: [linted.text_edit(edit)]})))
        return actions

    async def hover(self, params: types.HoverParams) -> types.Hover | None:
        """The documentation (`guidelint explain`) of the rules whose findings cover the position."""
        linted = await self.current(params.text_document.uri)
        if linted is None:
            return None
        at = params.position
        shown: dict[str, str] = {}
        for d, lsp in linted.diagnostics:
            if d.code not in shown and not _before(at, lsp.range.start) and not _before(lsp.range.end, at):
                shown[d.code] = explain_markdown(d.code, linted.linter)
        if not shown:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                        value="\n\n---\n\n".join(shown.values())))


def explain_markdown(code: str, linter: Linter | None) -> str:
    """A rule's documentation as `guidelint explain` prints it, as Markdown."""
    from .rules import REGISTRY

    rule = REGISTRY[code]
    text = f"**{rule.code}** `{rule.slug}` (severity: {rule.severity.label}, fix: {rule.fix or 'none'})\n\n" \
           f"{rule.doc.strip()}"
    if rule.explain_data is not None and linter is not None:
        text += "\n\n" + rule.explain_data(linter.policy)
    return text


def build_server() -> GuidelintServer:
    server = GuidelintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: GuidelintServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("debounceMs"), (int, float)):
            ls.debounce = max(0.0, float(options["debounceMs"]) / 1000)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: GuidelintServer, params: types.InitializedParams) -> None:
        capabilities = ls.client_capabilities.workspace
        watching = capabilities.did_change_watched_files if capabilities else None
        if watching is not None and watching.dynamic_registration:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                id="guidelint-settings", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCHED]))]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: GuidelintServer, params: types.DidOpenTextDocumentParams) -> None:
        await ls.lint_later(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: GuidelintServer, params: types.DidChangeTextDocumentParams) -> None:
        await ls.lint_later(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: GuidelintServer, params: types.DidSaveTextDocumentParams) -> None:
        await ls.lint_later(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GuidelintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.linted.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched_changed(ls: GuidelintServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.reload()
        await ls.relint_all()

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]))
    async def code_action(ls: GuidelintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return await ls.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: GuidelintServer, params: types.HoverParams) -> types.Hover | None:
        return await ls.hover(params)

    return server


def serve() -> None:
    build_server().start_io()
