"""CSV tables: RFC 4180 on disk, pandas reads texts back exactly, spans slice to quotes."""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import pytest

import expect
from expect import must_fail

TABLES = ("documents.csv", "annotations.csv", "relations.csv", "statements.csv", "entities.csv")
ANNOTATION_COLUMNS = [
    "id", "document_id", "label", "start", "end", "quote", "prefix", "suffix", "attributes",
    "note", "entity_id", "entity", "annotator", "created_at", "updated_at",
]  # fmt: skip


def parse_rfc4180(data: bytes) -> list[list[str]]:
    """A strict RFC 4180 reader: UTF-8 without BOM, CRLF after every record, fields quoted
    when they hold a comma, quote or line break, quotes doubled inside. Raises AssertionError
    on anything else (a bare LF or CR between records, a stray quote, ragged rows)."""
    assert not data.startswith(b"\xef\xbb\xbf"), "byte order mark"
    text = data.decode("utf-8")
    records, record, field = [], [], []
    i, n, quoted, was_quoted = 0, len(text), False, False
    while i < n:
        c = text[i]
        if quoted:
            if c == '"':
                if i + 1 < n and text[i + 1] == '"':
                    field.append('"')
                    i += 1
                else:
                    quoted = False
            else:
                field.append(c)
        elif c == '"':
            assert not field and not was_quoted, f"stray quote at character {i}"
            quoted = was_quoted = True
        elif c == ",":
            record.append("".join(field))
            field, was_quoted = [], False
        elif c == "\r":
            assert text[i + 1 : i + 2] == "\n", f"bare CR at character {i}"
            record.append("".join(field))
            records.append(record)
            record, field, was_quoted = [], [], False
            i += 1
        elif c == "\n":
            raise AssertionError(f"bare LF between records at character {i} (RFC 4180 wants CRLF)")
        else:
            assert not was_quoted, f"text after a closing quote at character {i}"
            field.append(c)
        i += 1
    assert not quoted, "unterminated quoted field"
    assert not record and not field, "the last record does not end with CRLF"
    assert records, "no header row"
    width = len(records[0])
    for number, r in enumerate(records[1:], 2):
        assert len(r) == width, f"record {number} has {len(r)} fields, the header {width}"
    return records


@pytest.fixture(scope="module")
def folder(exported):
    return exported("csv")


@pytest.fixture(scope="module")
def tables(folder) -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_csv(folder / name, keep_default_na=False, dtype=str, encoding="utf-8")
        for name in TABLES
    }


@pytest.fixture(scope="module")
def doc_map(tables, fixture_documents):
    docs = tables["documents.csv"]
    return expect.map_documents(dict(zip(docs["id"], docs["text"])), fixture_documents)


@pytest.fixture(scope="module")
def spans(tables) -> dict[tuple[str, str], tuple]:
    """(document id, annotation id) as exported → (start, end, label, quote)."""
    a = tables["annotations.csv"]
    return {
        (d, i): (int(s), int(e), label, q)
        for d, i, s, e, label, q in zip(a["document_id"], a["id"], a["start"], a["end"], a["label"], a["quote"])
    }


def found_spans(annotations: pd.DataFrame) -> list[tuple]:
    return list(
        zip(
            annotations["document_id"],
            annotations["start"].astype(int),
            annotations["end"].astype(int),
            annotations["quote"],
            annotations["label"],
        )
    )


def test_the_folder_holds_the_five_tables(folder):
    missing = [t for t in TABLES if not (folder / t).is_file()]
    assert not missing, f"missing tables: {missing}; found {sorted(p.name for p in folder.iterdir())}"


@pytest.mark.parametrize("name", TABLES)
def test_each_table_is_rfc4180(folder, tables, name):
    records = parse_rfc4180((folder / name).read_bytes())
    assert records[0] == list(tables[name].columns), "pandas and a strict reader disagree on the header"
    assert records[1:] == tables[name].values.tolist(), "pandas and a strict reader disagree on the rows"


def test_pandas_reads_every_text_back_exactly(tables, fixture_documents, doc_map):
    docs = tables["documents.csv"]
    assert "text" in docs.columns
    assert len(docs) == len(fixture_documents)
    for eid, text in zip(docs["id"], docs["text"]):
        assert text == fixture_documents[doc_map[eid]]
    joined = "".join(docs["text"])
    for needle, what in (("\r\n", "CRLF"), ("\u05e9", "Hebrew"), ("\u0642", "Arabic"), ("\U0001f1fa\U0001f1e6", "a flag"), ("\u200d", "a ZWJ sequence"), ("\u0301", "a combining mark"), ("\t", "a tab")):
        assert needle in joined, f"the fixture should exercise {what}"


def test_document_metadata(tables, doc_map, fixture_records):
    docs = tables["documents.csv"]
    fixture = {d["id"]: d for d in fixture_records}
    for row in docs.to_dict("records"):
        f = fixture[doc_map[row["id"]]]
        for field in ("title", "date", "source", "author", "url", "language", "sha256"):
            if field in row:
                assert row[field] == (f[field] or ""), f"{field}: {row[field]!r} != {f[field]!r}"


def test_annotation_columns(tables, fixture_header):
    columns = list(tables["annotations.csv"].columns)
    missing = [c for c in ANNOTATION_COLUMNS if c not in columns]
    assert not missing, f"annotations.csv lacks {missing}"
    names = {a["name"] for label in fixture_header["labels"] for a in label["attributes"]}
    assert {f"attr_{n}" for n in names} <= set(columns)


def test_spans_slice_to_quotes(tables, fixture_annotations, fixture_documents, doc_map):
    expect.assert_spans(
        found_spans(tables["annotations.csv"]), fixture_annotations, "code_point", documents=fixture_documents, doc_map=doc_map
    )


def test_attributes_and_entities(tables, fixture_annotations, fixture_entities, fixture_header, doc_map):
    by_span = {(a["document_id"], a["start"], a["end"], a["label"]): a for a in fixture_annotations}
    names = {a["name"] for label in fixture_header["labels"] for a in label["attributes"]}
    for row in tables["annotations.csv"].to_dict("records"):
        f = by_span[(doc_map[row["document_id"]], int(row["start"]), int(row["end"]), row["label"])]
        assert json.loads(row["attributes"]) == f["attributes"]
        for name in names:
            value = f["attributes"].get(name)
            assert row[f"attr_{name}"] == ("" if value is None else str(value)), f"attr_{name} of {row['id']}"
        linked = fixture_entities.get(f["entity_id"])
        assert row["entity"] == (linked["name"] if linked else "")
        assert (row["entity_id"] == "") == (linked is None)


def test_entities_table(tables, fixture_entities, spans, doc_map):
    entities = tables["entities.csv"]
    assert {"id", "kind", "name"} <= set(entities.columns)
    assert sorted(zip(entities["kind"], entities["name"])) == sorted((e["kind"], e["name"]) for e in fixture_entities.values())
    # entity_id in annotations.csv points at the right row of entities.csv.
    names = dict(zip(entities["id"], entities["name"]))
    a = tables["annotations.csv"]
    for eid, entity in zip(a["entity_id"], a["entity"]):
        if eid:
            assert names[eid] == entity


def test_relations_match_the_fixture(tables, spans, doc_map, fixture_relations, fixture_annotations):
    rel = tables["relations.csv"]
    assert len(rel) == len(fixture_relations)
    assert Counter(rel["kind"]) == Counter(r["kind"] for r in fixture_relations)
    fixture_spans = {(a["document_id"], a["id"]): (a["start"], a["end"], a["label"], a["quote"]) for a in fixture_annotations}
    got = Counter(
        (doc_map[d], k, spans[(d, f)], spans[(d, t)]) for d, k, f, t in zip(rel["document_id"], rel["kind"], rel["from_id"], rel["to_id"])
    )
    want = Counter(
        (r["document_id"], r["kind"], fixture_spans[(r["document_id"], r["from_id"])], fixture_spans[(r["document_id"], r["to_id"])])
        for r in fixture_relations
    )
    assert got == want


def statement_rows(statements: pd.DataFrame, spans, doc_map) -> Counter:
    def span(doc, aid):
        return spans[(doc, aid)] if aid else None

    return Counter(
        (
            doc_map[r["document_id"]],
            r["actor"],
            r["concept"],
            r["stance"],
            span(r["document_id"], r["actor_annotation_id"]),
            span(r["document_id"], r["claim_annotation_id"]),
            span(r["document_id"], r.get("position_annotation_id")),
        )
        for r in statements.to_dict("records")
    )


def expected_statement_rows(fixture_statements, fixture_annotations) -> Counter:
    spans = {(a["document_id"], a["id"]): (a["start"], a["end"], a["label"], a["quote"]) for a in fixture_annotations}
    return Counter(
        (
            s["document_id"],
            s["actor"],
            s["concept"],
            s["stance"] or "",
            spans[(s["document_id"], s["actor_annotation_id"])],
            spans[(s["document_id"], s["claim_annotation_id"])],
            None if s["position_annotation_id"] is None else spans[(s["document_id"], s["position_annotation_id"])],
        )
        for s in fixture_statements
    )


def test_statements_match_the_derivation(tables, spans, doc_map, fixture_statements, fixture_annotations):
    st = tables["statements.csv"]
    assert {"document_id", "actor", "concept", "stance", "actor_annotation_id", "claim_annotation_id"} <= set(st.columns)
    assert len(st) == len(fixture_statements)
    assert statement_rows(st, spans, doc_map) == expected_statement_rows(fixture_statements, fixture_annotations)


def test_a_label_filter_keeps_those_spans_and_the_relations_between_them(
    exported, fixture_records, fixture_entities, fixture_annotations, fixture_documents, doc_map
):
    labels = ("Actor", "Claim")
    folder = exported("csv", options=[o for label in labels for o in ("--label", label)])
    t = {name: pd.read_csv(folder / name, keep_default_na=False, dtype=str) for name in TABLES}
    kept = [a for a in fixture_annotations if a["label"] in labels]
    expect.assert_spans(found_spans(t["annotations.csv"]), kept, documents=fixture_documents, doc_map=doc_map)
    scoped = [expect.keep_labels(d, labels) for d in fixture_records]
    assert len(t["relations.csv"]) == sum(len(d["relations"]) for d in scoped)
    want = [s for d in scoped for s in expect.derive_statements(d, fixture_entities)]
    spans = {
        (d, i): (int(s), int(e), label, q)
        for d, i, s, e, label, q in zip(*(t["annotations.csv"][c] for c in ("document_id", "id", "start", "end", "label", "quote")))
    }
    assert statement_rows(t["statements.csv"], spans, doc_map) == expected_statement_rows(want, fixture_annotations)


# --- negative checks ------------------------------------------------------------------------


def test_negative_a_shifted_span_is_caught(tables, fixture_annotations, fixture_documents, doc_map):
    found = found_spans(tables["annotations.csv"])
    for i in range(len(found)):
        for by in (1, -1):
            must_fail(expect.assert_spans, expect.shifted(found, i, by), fixture_annotations, documents=fixture_documents, doc_map=doc_map)


def test_negative_a_text_with_lf_for_crlf_is_caught(tables, fixture_documents):
    docs = tables["documents.csv"]
    broken = {i: t.replace("\r\n", "\n") for i, t in zip(docs["id"], docs["text"])}
    must_fail(expect.map_documents, broken, fixture_documents)


def test_negative_the_strict_reader_rejects_broken_csv():
    must_fail(parse_rfc4180, b"a,b\nc,d\n")  # LF records
    must_fail(parse_rfc4180, b"a,b\r\nc\r\n")  # ragged
    must_fail(parse_rfc4180, b'a,b\r\n"c,d\r\n')  # unterminated quote
    must_fail(parse_rfc4180, b'a,b\r\nc"x,d\r\n')  # stray quote
    must_fail(parse_rfc4180, b"\xef\xbb\xbfa,b\r\n")  # BOM
    assert parse_rfc4180(b'a,b\r\n"x\r\ny ""q""",\r\n') == [["a", "b"], ['x\r\ny "q"', ""]]


def test_negative_a_dropped_statement_is_caught(tables, spans, doc_map, fixture_statements, fixture_annotations):
    st = tables["statements.csv"].iloc[1:]
    want = expected_statement_rows(fixture_statements, fixture_annotations)
    assert statement_rows(st, spans, doc_map) != want
