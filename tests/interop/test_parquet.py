"""Parquet: pyarrow, pandas and Hugging Face `datasets` read both tables; every span, nested
and flat, slices its quote out of the text by code points; the unit is in the schema."""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import expect
from expect import must_fail

DOCUMENTS = "documents.parquet"
SPANS = "spans.parquet"
SPAN_FIELDS = ["id", "label", "start", "end", "quote", "annotator", "attributes", "entity_id"]
FLAT_COLUMNS = [
    "document_id", "id", "label", "start", "end", "quote", "prefix", "suffix", "attributes",
    "note", "entity_id", "annotator", "created_at", "updated_at",
]  # fmt: skip


@pytest.fixture(scope="module")
def folder(exported):
    return exported("parquet")


@pytest.fixture(scope="module")
def documents(folder) -> pa.Table:
    return pq.read_table(folder / DOCUMENTS)


@pytest.fixture(scope="module")
def spans(folder) -> pa.Table:
    return pq.read_table(folder / SPANS)


@pytest.fixture(scope="module")
def doc_map(documents, fixture_documents):
    """Exported document id → fixture document id, matched by text."""
    rows = documents.select(["id", "text"]).to_pylist()
    return expect.map_documents({r["id"]: r["text"] for r in rows}, fixture_documents)


# --- checks, kept as functions so the negative tests can feed them corrupted input -----------


def check_offset_unit(schema: pa.Schema) -> None:
    """The schema's key-value metadata says: code points, end exclusive."""
    metadata = schema.metadata or {}
    assert metadata.get(b"offset_unit") == b"code_point", f"offset_unit is {metadata.get(b'offset_unit')!r}"
    assert metadata.get(b"offset_end") == b"exclusive", f"offset_end is {metadata.get(b'offset_end')!r}"


def check_slices(found: list[tuple], texts: dict) -> None:
    """Each (doc_id, start, end, quote, ...) slices its quote out of its document's text."""
    for f in found:
        doc_id, start, end, quote = f[:4]
        sliced = expect.slice_text(texts[doc_id], start, end, "code_point")
        assert sliced == quote, f"document {doc_id}: {start}..{end} gives {sliced!r}, quote {quote!r}"


def nested_spans(documents: pa.Table) -> list[tuple]:
    return [
        (d["id"], s["start"], s["end"], s["quote"], s["label"])
        for d in documents.select(["id", "spans"]).to_pylist()
        for s in d["spans"]
    ]


def flat_spans(spans: pa.Table) -> list[tuple]:
    return [
        (r["document_id"], r["start"], r["end"], r["quote"], r["label"])
        for r in spans.select(["document_id", "start", "end", "quote", "label"]).to_pylist()
    ]


def span_keys(fixture_annotations) -> dict[tuple, dict]:
    """(fixture document id, start, end, label) → fixture annotation."""
    return {(a["document_id"], a["start"], a["end"], a["label"]): a for a in fixture_annotations}


# --- the export -------------------------------------------------------------------------------


def test_the_folder_holds_the_two_tables(folder):
    assert sorted(p.name for p in folder.iterdir()) == [DOCUMENTS, SPANS]


def test_both_schemas_name_the_offset_unit(folder):
    for name in (DOCUMENTS, SPANS):
        check_offset_unit(pq.read_schema(folder / name))


def test_schemas_have_the_documented_columns_and_types(documents, spans):
    assert documents.schema.names == [
        "id", "title", "date", "source", "author", "url", "language", "metadata", "sha256",
        "imported_at", "text", "spans", "relations",
    ]  # fmt: skip
    span_type = documents.schema.field("spans").type
    assert pa.types.is_list(span_type)
    assert [f.name for f in span_type.value_type] == SPAN_FIELDS
    assert spans.schema.names == FLAT_COLUMNS
    assert pa.types.is_int64(spans.schema.field("start").type)
    assert spans.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert documents.schema.field("date").type == pa.date32()


def test_row_counts_are_the_fixture_counts(documents, spans, fixture_documents, fixture_annotations):
    assert documents.num_rows == len(fixture_documents)
    assert spans.num_rows == len(fixture_annotations)


def test_nested_spans_slice_to_their_quotes_and_are_the_fixture_spans(
    documents, doc_map, fixture_annotations, fixture_documents
):
    found = nested_spans(documents)
    texts = {r["id"]: r["text"] for r in documents.select(["id", "text"]).to_pylist()}
    check_slices(found, texts)
    expect.assert_spans(found, fixture_annotations, "code_point", documents=fixture_documents, doc_map=doc_map)


def test_flat_spans_slice_to_their_quotes_and_are_the_fixture_spans(
    spans, documents, doc_map, fixture_annotations, fixture_documents
):
    found = flat_spans(spans)
    texts = {r["id"]: r["text"] for r in documents.select(["id", "text"]).to_pylist()}
    check_slices(found, texts)
    expect.assert_spans(found, fixture_annotations, "code_point", documents=fixture_documents, doc_map=doc_map)


def test_nested_and_flat_tables_hold_the_same_spans(documents, spans):
    nested = Counter((d["id"], s["id"]) for d in documents.select(["id", "spans"]).to_pylist() for s in d["spans"])
    flat = Counter(zip(spans.column("document_id").to_pylist(), spans.column("id").to_pylist()))
    assert sum(nested.values()) == sum(flat.values())
    assert nested == flat


def test_prefix_and_suffix_surround_each_flat_span(spans, documents):
    texts = {r["id"]: r["text"] for r in documents.select(["id", "text"]).to_pylist()}
    for r in spans.to_pylist():
        text = texts[r["document_id"]]
        assert text[: r["start"]].endswith(r["prefix"]), r
        assert text[r["end"] :].startswith(r["suffix"]), r


def test_attributes_and_entities_are_the_fixture_ones(spans, documents, doc_map, fixture_annotations, fixture_entities):
    by_key = span_keys(fixture_annotations)
    # Entity ids are resolved through the entities the schema metadata carries.
    exported_entities = {e["id"]: e["name"] for e in json.loads(documents.schema.metadata[b"claimdesk.entities"])}
    for r in spans.to_pylist():
        a = by_key[(doc_map[r["document_id"]], r["start"], r["end"], r["label"])]
        assert json.loads(r["attributes"]) == a["attributes"], r
        got = None if r["entity_id"] is None else exported_entities[r["entity_id"]]
        want = None if a["entity_id"] is None else fixture_entities[a["entity_id"]]["name"]
        assert got == want, r


def test_relations_arrive_nested(documents, doc_map, fixture_annotations, fixture_relations):
    """Relations compare by the spans they link (ids may be renumbered on import)."""
    fixture_spans = {(a["document_id"], a["id"]): (a["start"], a["end"], a["label"]) for a in fixture_annotations}
    want = Counter(
        (r["document_id"], r["kind"], fixture_spans[(r["document_id"], r["from_id"])], fixture_spans[(r["document_id"], r["to_id"])])
        for r in fixture_relations
    )
    got = Counter()
    for d in documents.select(["id", "spans", "relations"]).to_pylist():
        here = {s["id"]: (s["start"], s["end"], s["label"]) for s in d["spans"]}
        for r in d["relations"]:
            got[(doc_map[d["id"]], r["kind"], here[r["from_id"]], here[r["to_id"]])] += 1
    assert got == want


def test_documents_keep_their_fields(documents, doc_map, fixture_records):
    fixture = {d["id"]: d for d in fixture_records}
    for d in documents.to_pylist():
        f = fixture[doc_map[d["id"]]]
        for field in ("title", "source", "author", "url", "language", "text", "sha256"):
            assert d[field] == f[field], f"document {d['id']}: {field}"
        assert json.loads(d["metadata"]) == f["metadata"]
        assert (d["date"].isoformat() if d["date"] else None) == f["date"]


def test_pandas_reads_both_tables(folder, fixture_annotations, fixture_documents):
    docs = pd.read_parquet(folder / DOCUMENTS)
    flat = pd.read_parquet(folder / SPANS)
    assert len(docs) == len(fixture_documents)
    assert len(flat) == len(fixture_annotations)
    assert sorted(docs["text"]) == sorted(fixture_documents.values())
    assert sum(len(s) for s in docs["spans"]) == len(flat)
    assert str(flat["created_at"].dt.tz) == "UTC"
    texts = dict(zip(docs["id"], docs["text"]))
    for r in flat.itertuples():
        assert texts[r.document_id][r.start : r.end] == r.quote


def test_hugging_face_datasets_loads_both_tables_offline(folder, tmp_path, fixture_annotations, fixture_documents):
    import datasets

    docs = datasets.load_dataset(
        "parquet", data_files={"train": str(folder / DOCUMENTS)}, split="train", cache_dir=str(tmp_path / "hf")
    )
    flat = datasets.load_dataset(
        "parquet", data_files={"train": str(folder / SPANS)}, split="train", cache_dir=str(tmp_path / "hf")
    )
    assert docs.num_rows == len(fixture_documents)
    assert flat.num_rows == len(fixture_annotations)
    assert set(flat.column_names) == set(FLAT_COLUMNS)
    nested = 0
    for d in docs:
        for s in d["spans"]:
            assert d["text"][s["start"] : s["end"]] == s["quote"]
            nested += 1
    assert nested == flat.num_rows


# --- negative checks: the checks above can fail ------------------------------------------------


def test_a_span_shifted_by_one_is_caught(documents, spans, doc_map, fixture_annotations, fixture_documents):
    texts = {r["id"]: r["text"] for r in documents.select(["id", "text"]).to_pylist()}
    for found in (nested_spans(documents), flat_spans(spans)):
        for i in range(len(found)):
            must_fail(check_slices, expect.shifted(found, i), texts)
            must_fail(
                expect.assert_spans,
                expect.shifted(found, i),
                fixture_annotations,
                "code_point",
                documents=fixture_documents,
                doc_map=doc_map,
            )


def test_a_schema_that_names_another_unit_is_caught(documents):
    wrong = documents.schema.with_metadata({**documents.schema.metadata, b"offset_unit": b"utf16"})
    must_fail(check_offset_unit, wrong)
    must_fail(check_offset_unit, documents.schema.remove_metadata())


def test_a_missing_span_is_caught(documents, doc_map, fixture_annotations, fixture_documents):
    found = nested_spans(documents)
    must_fail(expect.assert_spans, found[1:], fixture_annotations, documents=fixture_documents, doc_map=doc_map)
