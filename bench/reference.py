"""The issue's yardstick, rebuilt to calibrate this machine: the "careful Python pipeline" that reads each
guide, loads its front matter with PyYAML's C loader, validates it once against the JSON Schema and runs
pyromark over the body with byte ranges, on all cores. No rules, no model, no output.

    python bench/reference.py CORPUS_DIR

Prints the wall time in seconds. bench/run.py reports guidelint's cold check against it.
"""
from __future__ import annotations

import json
import multiprocessing
import sys
import time
from pathlib import Path

import jsonschema
import pyromark
import yaml

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "guide.schema.json"
_validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()),
                                             format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def one(path: str) -> int:
    text = Path(path).read_bytes().decode("utf-8")
    body = text
    meta = None
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            meta = yaml.load(text[4:end], Loader=yaml.CSafeLoader)
            body = text[end + 5:]
    if isinstance(meta, dict):
        meta = json.loads(json.dumps(meta, default=str))
    valid = _validator.is_valid(meta)
    events = 0
    for _ in pyromark.events_with_range(body):
        events += 1
    return events + valid


def main() -> None:
    files = sorted(str(path) for path in Path(sys.argv[1]).glob("*.md"))
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool() as pool:
        total = sum(pool.imap_unordered(one, files, chunksize=64))
    print(f"{time.perf_counter() - start:.3f}", total)


if __name__ == "__main__":
    main()
