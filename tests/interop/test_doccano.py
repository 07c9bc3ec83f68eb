"""doccano JSONL (relations): entities slice their quotes in UTF-16 code units, the unit
doccano's editor counts in; relations and meta fields arrive; pandas reads the lines."""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import pytest

import expect
from conftest import export_project, import_project
from expect import must_fail

UNIT = "utf16"


@pytest.fixture(scope="module")
def lines(exported) -> list[dict]:
    raw = exported("doccano").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "byte order mark"
    text = raw.decode("utf-8")
    assert text.endswith("\n"), "the file must end with a newline"
    return [json.loads(line) for line in text.split("\n")[:-1]]


@pytest.fixture(scope="module")
def doc_map(lines, fixture_documents):
    return expect.map_documents({line["id"]: line["text"] for line in lines}, fixture_documents)


def entities(lines: list[dict], unit: str = UNIT) -> list[tuple]:
    """(line id, start, end, text between the offsets, label) of every entity; the text is cut
    out of the line's own text in `unit`."""
    return [
        (line["id"], e["start_offset"], e["end_offset"], expect.slice_text(line["text"], e["start_offset"], e["end_offset"], unit), e["label"])
        for line in lines
        for e in line["entities"]
    ]


# --- the export -------------------------------------------------------------------------------


def test_every_line_is_a_doccano_example(lines, fixture_documents):
    assert len(lines) == len(fixture_documents)
    for line in lines:
        assert {"id", "text", "entities", "relations"} <= set(line)
        assert line["offset_unit"] == "utf16_code_unit"
        for e in line["entities"]:
            assert set(e) == {"id", "label", "start_offset", "end_offset"}
            assert 0 <= e["start_offset"] < e["end_offset"]
        for r in line["relations"]:
            assert set(r) == {"id", "from_id", "to_id", "type"}


def test_entities_slice_to_the_fixture_quotes_in_utf16(lines, doc_map, fixture_annotations, fixture_documents):
    expect.assert_spans(entities(lines), fixture_annotations, UNIT, documents=fixture_documents, doc_map=doc_map)


def test_entity_ids_are_unique_and_relations_point_at_them(lines):
    ids = [e["id"] for line in lines for e in line["entities"]]
    assert len(ids) == len(set(ids))
    for line in lines:
        here = {e["id"] for e in line["entities"]}
        for r in line["relations"]:
            assert r["from_id"] in here and r["to_id"] in here, r


def test_relations_arrive(lines, doc_map, fixture_annotations, fixture_relations, fixture_documents):
    spans = {
        (a["document_id"], a["id"]): (
            expect.convert_offset(fixture_documents[a["document_id"]], a["start"], UNIT),
            expect.convert_offset(fixture_documents[a["document_id"]], a["end"], UNIT),
            a["label"],
        )
        for a in fixture_annotations
    }
    want = Counter(
        (r["document_id"], r["kind"], spans[(r["document_id"], r["from_id"])], spans[(r["document_id"], r["to_id"])])
        for r in fixture_relations
    )
    got = Counter()
    for line in lines:
        here = {e["id"]: (e["start_offset"], e["end_offset"], e["label"]) for e in line["entities"]}
        for r in line["relations"]:
            got[(doc_map[line["id"]], r["type"], here[r["from_id"]], here[r["to_id"]])] += 1
    assert got == want


def test_meta_fields_carry_the_document_and_the_span_attributes(lines, doc_map, fixture_records, fixture_annotations, fixture_entities, fixture_documents):
    fixture = {d["id"]: d for d in fixture_records}
    by_span = {
        (
            a["document_id"],
            expect.convert_offset(fixture_documents[a["document_id"]], a["start"], UNIT),
            expect.convert_offset(fixture_documents[a["document_id"]], a["end"], UNIT),
            a["label"],
        ): a
        for a in fixture_annotations
    }
    for line in lines:
        f = fixture[doc_map[line["id"]]]
        for field in ("title", "date", "source", "author", "url", "language", "metadata"):
            assert line[field] == f[field], field
        for e in line["entities"]:
            a = by_span[(doc_map[line["id"]], e["start_offset"], e["end_offset"], e["label"])]
            assert line["attributes"].get(str(e["id"]), {}) == a["attributes"]
            want = None if a["entity_id"] is None else fixture_entities[a["entity_id"]]["name"]
            assert line["entity_links"].get(str(e["id"])) == want


def check_notes(line: dict, notes_by_quote: dict[str, str]) -> None:
    """doccano's importer reads a span as label and offsets only, so notes ride in the line's
    metadata under `notes`, keyed by the entity id: each there, none else."""
    quotes = {str(e["id"]): expect.slice_text(line["text"], e["start_offset"], e["end_offset"], UNIT) for e in line["entities"]}
    got = {quotes[k]: v for k, v in line["notes"].items()}
    assert got == notes_by_quote, f"notes {line['notes']} for entities {quotes}"


NOTES = {"Zelensky": "spoke on video, 🇺🇦 \"off the record\"\nsecond line", "Putin": "via his spokesman"}


@pytest.fixture(scope="module")
def noted_line(workdir, fixture_header, fixture_entities) -> dict:
    """A document the fixture lacks: annotations with notes (one empty), an emoji before them."""
    text = "👩‍👩‍👧 Zelensky rejected what Putin offered; the minister agreed."
    doc = expect.native_document(
        1,
        text,
        [(1, "Actor", "Zelensky", {}, 4), (2, "Actor", "Putin", {}, 1), (3, "Actor", "the minister", {}, None)],
        [],
        fixture_entities,
        title="Notes",
    )
    notes = {"Zelensky": NOTES["Zelensky"], "Putin": NOTES["Putin"], "the minister": ""}
    for a in doc["annotations"]:
        a["note"] = notes[a["quote"]]
    native = expect.write_native(workdir / "notes.jsonl", fixture_header, [doc])
    project = import_project(workdir / "notes.claimdesk", native)
    out = export_project(project, "doccano", workdir / "notes-out" / "export.doccano.jsonl")
    [line] = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    return line


def test_notes_arrive_as_metadata_keyed_by_entity_id(noted_line):
    check_notes(noted_line, NOTES)
    for e in noted_line["entities"]:
        assert set(e) == {"id", "label", "start_offset", "end_offset"}


def test_pandas_reads_the_lines(exported, fixture_annotations):
    frame = pd.read_json(exported("doccano"), lines=True, dtype=False)
    assert sum(len(e) for e in frame["entities"]) == len(fixture_annotations)


# --- negative checks: the checks above can fail ------------------------------------------------


def test_an_entity_shifted_by_one_is_caught(lines, doc_map, fixture_annotations, fixture_documents):
    found = entities(lines)
    for i in range(len(found)):
        shifted = expect.shifted(found, i)
        must_fail(expect.assert_spans, shifted, fixture_annotations, UNIT, documents=fixture_documents, doc_map=doc_map)


def test_reading_the_offsets_as_code_points_is_caught(lines, doc_map, fixture_annotations, fixture_documents):
    """After an emoji UTF-16 and code points part ways: the unit matters, and the check sees it."""
    as_code_points = [
        (line["id"], e["start_offset"], e["end_offset"], line["text"][e["start_offset"] : e["end_offset"]], e["label"])
        for line in lines
        for e in line["entities"]
    ]
    must_fail(expect.assert_spans, as_code_points, fixture_annotations, "code_point", documents=fixture_documents, doc_map=doc_map)


def test_a_note_on_the_wrong_entity_is_caught(noted_line):
    swapped = json.loads(json.dumps(noted_line))
    ids = sorted(swapped["notes"])
    swapped["notes"] = {ids[0]: noted_line["notes"][ids[1]], ids[1]: noted_line["notes"][ids[0]]}
    must_fail(check_notes, swapped, NOTES)
    missing = json.loads(json.dumps(noted_line))
    missing["notes"].pop(ids[0])
    must_fail(check_notes, missing, NOTES)
