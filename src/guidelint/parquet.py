"""Parquet output for `guidelint export --format parquet` (needs the optional extra guidelint[parquet]).

No column has an Arrow map type: Hugging Face `datasets` does not load maps. Answer parts of unknown
labels (`other`) are lists of {label, texts} structs, as in the JSON export; the two values that have no
fixed shape, `metadata.extra` (any front matter) and an issue's `fix`, are JSON text."""
from __future__ import annotations

from typing import Any

from .errors import ConfigError


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ConfigError("parquet output needs pyarrow: pip install 'guidelint[parquet]'") from None
    return pyarrow


def schema(unit: str) -> Any:
    pa = _pyarrow()
    texts = pa.list_(pa.string())
    other = pa.list_(pa.struct([("label", pa.string()), ("texts", texts)]))
    picture = pa.struct([("url", pa.string()), ("alt", pa.string())])
    metadata = pa.struct([
        ("term", pa.string()), ("description", pa.string()), ("category", pa.string()), ("vertical", pa.string()),
        ("pubDate", pa.string()), ("modDate", pa.string()), ("author", pa.string()), ("avatar", picture),
        ("image", picture), ("tags", texts), ("extra", pa.string()),
    ])
    example = pa.struct([("title", pa.string()), ("text", pa.string()), ("context", pa.string()),
                         ("approach", pa.string()), ("outcome", pa.string()), ("other", other)])
    question = [("number", pa.int32()), ("group", pa.string()), ("text", pa.string()), ("line", pa.int32()),
                ("examples", pa.list_(example)), ("outcomes", texts), ("best_practices", texts),
                ("pitfalls", texts), ("follow_ups", texts), ("other", other)]
    source = pa.struct([("path", pa.string()), ("sha256", pa.string()), ("normalized_sha256", pa.string())])
    issue = pa.struct([("path", pa.string()), ("line", pa.int32()), ("column", pa.int32()),
                       ("end_line", pa.int32()), ("end_column", pa.int32()), ("code", pa.string()),
                       ("rule", pa.string()), ("severity", pa.string()), ("message", pa.string()),
                       ("fixable", pa.bool_()), ("fix", pa.string())])
    head = [("unit", pa.string()), ("id", pa.string())]
    tail = [("guidelint_version", pa.string()), ("schema_version", pa.string()), ("issues", pa.list_(issue))]
    if unit == "question":
        fields = head + [("guide_id", pa.string()), ("source", source), ("metadata", metadata)] + question + tail
    else:
        section = pa.struct([("heading", pa.string()), ("level", pa.int32()), ("text", pa.string())])
        fields = head + [("source", source), ("metadata", metadata), ("sections", pa.list_(section)),
                         ("questions", pa.list_(pa.struct(question)))] + tail
    return pa.schema(fields)


def _row(record: dict[str, Any]) -> dict[str, Any]:
    import json

    row = dict(record)
    metadata = dict(row["metadata"])
    metadata["extra"] = json.dumps(metadata["extra"], sort_keys=True, ensure_ascii=False)
    tags = metadata.get("tags")
    metadata["tags"] = [str(tag) for tag in tags] if isinstance(tags, list) else None
    row["metadata"] = metadata
    row["issues"] = [{**issue, "fix": None if issue["fix"] is None else json.dumps(issue["fix"], sort_keys=True)}
                     for issue in row["issues"]] if "issues" in row else None
    return row


def writer(path: str, unit: str) -> Any:
    _pyarrow()
    import pyarrow.parquet as pq

    return pq.ParquetWriter(path, schema(unit))


def write_batch(parquet_writer: Any, records: list[dict[str, Any]], unit: str) -> None:
    """One row group of records."""
    parquet_writer.write_table(table([_row(r) for r in records], unit))


def table(rows: list[dict[str, Any]], unit: str) -> Any:
    """An Arrow table of rows (`_row`) in the export's schema."""
    pa = _pyarrow()
    try:
        return pa.Table.from_pylist(rows, schema=schema(unit))
    except UnicodeEncodeError:  # a file name that is not UTF-8 (surrogate escapes), in a path or a message
        return pa.Table.from_pylist([_without_surrogates(row) for row in rows], schema=schema(unit))


def _without_surrogates(value: Any) -> Any:
    """Every string in `value` as UTF-8 can hold it (source.without_surrogates)."""
    from .source import without_surrogates

    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, dict):
        return {key: _without_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    return value


def read(path: str) -> list[dict[str, Any]]:
    """Rows back as export records (JSON text back to values): used by the round-trip test."""
    import json

    _pyarrow()
    import pyarrow.parquet as pq

    records = []
    for row in pq.read_table(path).to_pylist():
        metadata = row["metadata"]
        metadata["extra"] = json.loads(metadata["extra"])
        if row["issues"] is None:
            del row["issues"]
        else:
            for issue in row["issues"]:
                issue["fix"] = None if issue["fix"] is None else json.loads(issue["fix"])
        records.append(row)
    return records
