"""A one-file run, as pre-commit starts guidelint, imports what that run needs and nothing more: the
modules a process loads are most of a one-file run's time (bench/startup.py measures it)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guidelint import frontmatter

from conftest import SAMPLES

# (at exit: the command line ends the process itself, running the atexit functions first)
_RUN = """
import atexit, json, sys
from guidelint.cli import main
sys.argv = ["guidelint", *sys.argv[1:]]
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
main()
"""

# Never needed to check files: other commands' machinery, the Python schema validator (only asked to
# explain front matter that jsonschema-rs found invalid), worker pools (one file runs in the process).
NEVER = ["concurrent.futures", "multiprocessing", "difflib", "jsonschema", "referencing", "frontmatter",
         "toml", "pyarrow", "xml.sax", "guidelint.fixer", "guidelint.export", "guidelint.export_writer",
         "guidelint.lsp", "guidelint.mcp_server", "guidelint.baseline"]
# What parses and validates a guide: not needed when the result cache answers.
LINTING = ["yaml", "pyromark", "jsonschema_rs", "guidelint.document", "guidelint.markdown",
           "guidelint.frontmatter", "guidelint.yamlnodes"]


def _modules(tmp_path: Path, guide: Path) -> set[str]:
    env = {name: value for name, value in os.environ.items() if name != "GUIDELINT_NO_CACHE"}
    command = [sys.executable, "-c", _RUN, "check", "--force-exclude", "--cache-dir", str(tmp_path / "cache"),
               str(guide)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env,
                          check=True)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_one_file_imports_only_what_it_needs(tmp_path: Path) -> None:
    guide = tmp_path / "guide.md"
    guide.write_bytes((SAMPLES / "variant-a-customer-success-manager.md").read_bytes())
    linted = _modules(tmp_path, guide)  # the file is new to the cache: linted
    cached = _modules(tmp_path, guide)  # unchanged: the cache answers
    assert {"guidelint.engine", *LINTING} <= linted  # (the run did lint the file)
    assert sorted(linted & set(NEVER)) == []
    assert sorted(cached & set(NEVER + LINTING)) == []
    assert len(cached) < len(linted)


@given(st.text(alphabet=st.sampled_from(["-", "-", "-", " ", "\t", "\n", "\r", "\x0c", "\x1c", "\u2028",
                                         "\u3000", "a", "."]), max_size=12))
def test_front_matter_opening_line(text: str) -> None:
    """The opening line is found as python-frontmatter's boundary pattern and a `---` line together
    found it before (that package is no longer imported for its pattern)."""
    import re

    boundary = re.compile(r"^-{3,}\s*$", re.MULTILINE)
    first = text[:text.find("\n") + 1] if "\n" in text else text
    before = bool(boundary.match(text)) and first.rstrip() == "---"
    assert (frontmatter.split(text) is not None) == before


@pytest.mark.parametrize("text", ["---\n---\n", "---  \r\n---\n", "--- \nx: 1\n---\n", "----\n---\n"])
def test_front_matter_opening_examples(text: str) -> None:
    assert (frontmatter.split(text) is not None) == text.startswith(("---\n", "---  \r\n", "--- \n"))


def test_the_command_sets_the_collector_thresholds_and_the_library_leaves_them_alone(tmp_path: Path) -> None:
    """The entry point relaxes the garbage collector before anything is imported; importing guidelint as a
    library does not touch the importing program's collector."""
    from importlib.metadata import entry_points

    (script,) = [point for point in entry_points(group="console_scripts") if point.name == "guidelint"]
    assert script.value == "guidelint.entry:main"
    probe = ("import atexit, gc, sys\n"
             "atexit.register(lambda: print(gc.get_threshold(), file=sys.stderr))\n"
             "sys.argv = ['guidelint', '--version']\n"
             "from guidelint.entry import main\n"
             "main()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "(50000, 20, 20)"
    library = ("import gc\nbefore = gc.get_threshold()\n"
               "import guidelint, guidelint.api, guidelint.cli\n"
               "guidelint.lint_text('# x\\n')\n"
               "print(before == gc.get_threshold())\n")
    done = subprocess.run([sys.executable, "-c", library], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert done.stdout.strip() == "True"
