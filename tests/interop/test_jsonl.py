"""Native JSON Lines: offsets in three units, pandas, statements, and a lossless round trip."""

from __future__ import annotations

import copy
import hashlib
import json
from collections import Counter

import pandas as pd
import pytest

import expect
from conftest import export_project, import_project
from expect import must_fail


@pytest.fixture(scope="module")
def native(exported):
    return expect.load_native(exported("jsonl"))


@pytest.fixture(scope="module")
def doc_map(native, fixture_documents):
    """Exported document id → fixture document id."""
    _, docs = native
    return expect.map_documents({d["id"]: d["text"] for d in docs}, fixture_documents)


# --- checks, kept as functions so the negative tests can feed them corrupted input -----------


def check_offsets(documents: list[dict]) -> None:
    """Every annotation's code-point, UTF-16 and UTF-8 offsets slice its quote out of the text,
    and the three agree with each other; prefix and suffix surround the span."""
    for d in documents:
        text = d["text"]
        for a in d["annotations"]:
            where = f"document {d['id']} annotation {a['id']}"
            for unit, (start, end) in {
                "code_point": (a["start"], a["end"]),
                "utf16": (a["utf16_start"], a["utf16_end"]),
                "utf8": (a["utf8_start"], a["utf8_end"]),
            }.items():
                sliced = expect.slice_text(text, start, end, unit)
                assert sliced == a["quote"], f"{where}: {unit} {start}..{end} gives {sliced!r}, quote {a['quote']!r}"
            # Slices alone can match a repeated quote elsewhere: the units must also agree.
            for unit, prefix in (("utf16", "utf16_"), ("utf8", "utf8_")):
                converted = (
                    expect.convert_offset(text, a["start"], unit),
                    expect.convert_offset(text, a["end"], unit),
                )
                assert (a[prefix + "start"], a[prefix + "end"]) == converted, (
                    f"{where}: {unit} offsets {(a[prefix + 'start'], a[prefix + 'end'])} "
                    f"are not code points {a['start']}..{a['end']} converted ({converted})"
                )
            assert text[: a["start"]].endswith(a["prefix"]), f"{where}: prefix {a['prefix']!r} does not precede it"
            assert text[a["end"] :].startswith(a["suffix"]), f"{where}: suffix {a['suffix']!r} does not follow it"


def check_statements(documents: list[dict], entities: dict[int, dict]) -> None:
    """Each document's statements equal the statements derived here from its annotations and
    relations."""
    for d in documents:
        try:
            expect.assert_same_statements(d["statements"], expect.derive_statements(d, entities))
        except AssertionError as e:
            raise AssertionError(f"document {d['id']}: {e}") from None


def canonical(header: dict, documents: list[dict]) -> list[dict]:
    """Documents with every id replaced by what it points at (spans, entity names), so two
    projects that numbered things differently compare equal when their content is the same."""
    entities = expect.entities_by_id(header, documents)

    def entity(eid):
        if eid is None:
            return None
        e = entities[eid]
        return (e["kind"], e["name"], tuple(e["aliases"]))

    out = []
    for d in documents:
        spans = {a["id"]: (a["start"], a["end"], a["label"], a["quote"]) for a in d["annotations"]}
        assert len(set(spans.values())) == len(spans), f"document {d['id']}: two annotations on one span and label"
        annotations = sorted(
            ({**{k: v for k, v in a.items() if k != "id"}, "entity_id": entity(a["entity_id"])} for a in d["annotations"]),
            key=lambda a: (a["start"], a["end"], a["label"], a["quote"]),
        )
        relations = sorted(
            (r["kind"], spans[r["from_id"]], spans[r["to_id"]], r["annotator"], r["created_at"]) for r in d["relations"]
        )
        statements = sorted(
            (
                s["actor"],
                entity(s["actor_entity_id"]),
                spans[s["actor_annotation_id"]],
                s["concept"],
                entity(s["concept_entity_id"]),
                spans[s["claim_annotation_id"]],
                s["stance"],
                None if s["position_annotation_id"] is None else spans[s["position_annotation_id"]],
                s["date"],
                s["source"],
                s["title"],
            )
            for s in d["statements"]
        )
        doc = {k: v for k, v in d.items() if k not in ("id", "annotations", "relations", "entities", "statements")}
        doc.update(
            annotations=annotations,
            relations=relations,
            entities=sorted(entity(e["id"]) for e in d["entities"]),
            statements=statements,
        )
        out.append(doc)
    return sorted(out, key=lambda d: d["text"])


# --- the export -------------------------------------------------------------------------------


def test_header_describes_the_project(native, fixture_header):
    header, _ = native
    assert header["type"] == "project"
    assert header["format"] == "claimdesk"
    assert header["version"] == 1
    assert header["offset_unit"] == "code_point"
    assert header["labels"] == fixture_header["labels"]
    strip = lambda es: sorted((e["kind"], e["name"], tuple(e["aliases"])) for e in es)  # noqa: E731
    assert strip(header["entities"]) == strip(fixture_header["entities"])
    missing = set(fixture_header["annotators"]) - set(header["annotators"])
    assert not missing, f"annotators lost on import: {missing}"


def test_every_line_is_one_json_object_in_utf8(exported):
    raw = exported("jsonl").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "byte order mark"
    lines = raw.decode("utf-8").split("\n")
    assert lines[-1] == "", "the file must end with a newline"
    for number, line in enumerate(lines[:-1], 1):
        assert line and not line.endswith("\r"), f"line {number} is empty or ends in CR"
        assert isinstance(json.loads(line), dict), f"line {number} is not a JSON object"


def test_offsets_in_three_units_slice_to_the_quotes(native):
    _, docs = native
    assert sum(len(d["annotations"]) for d in docs) > 0
    check_offsets(docs)


@pytest.mark.parametrize("unit", expect.UNITS)
def test_spans_are_the_fixture_spans(native, doc_map, fixture_annotations, fixture_documents, unit):
    _, docs = native
    fields = {"code_point": ("start", "end"), "utf16": ("utf16_start", "utf16_end"), "utf8": ("utf8_start", "utf8_end")}[unit]
    found = [(d["id"], a[fields[0]], a[fields[1]], a["quote"], a["label"]) for d in docs for a in d["annotations"]]
    expect.assert_spans(found, fixture_annotations, unit, documents=fixture_documents, doc_map=doc_map)


def test_documents_keep_text_and_metadata(native, doc_map, fixture_records):
    _, docs = native
    fixture = {d["id"]: d for d in fixture_records}
    for d in docs:
        f = fixture[doc_map[d["id"]]]
        for field in ("title", "date", "source", "author", "url", "language", "metadata", "imported_at", "text"):
            assert d[field] == f[field], f"document {d['id']}: {field} {d[field]!r} != fixture {f[field]!r}"
        assert d["sha256"] == hashlib.sha256(d["text"].encode("utf-8")).hexdigest()
        assert d["sha256"] == f["sha256"]


def test_document_entities_are_those_its_annotations_link(native):
    header, docs = native
    known = {e["id"]: e for e in header["entities"]}
    for d in docs:
        linked = {a["entity_id"] for a in d["annotations"] if a["entity_id"] is not None}
        assert sorted(e["id"] for e in d["entities"]) == sorted(linked), f"document {d['id']}"
        for e in d["entities"]:
            assert e == known[e["id"]], f"document {d['id']}: entity {e} differs from the header's"


def test_content_equals_the_fixture_up_to_ids(native, fixture_native):
    assert canonical(*native) == canonical(*fixture_native)


def test_pandas_reads_it(exported, native, fixture_documents):
    frame = pd.read_json(exported("jsonl"), lines=True, dtype=False)
    _, docs = native
    assert len(frame) == 1 + len(fixture_documents)
    assert list(frame["type"]) == ["project"] + ["document"] * len(fixture_documents)
    documents = frame[frame["type"] == "document"]
    assert sorted(documents["text"]) == sorted(fixture_documents.values())
    counts = [len(a) for a in documents["annotations"]]
    assert counts == [len(d["annotations"]) for d in docs]


def test_statements_equal_an_independent_derivation(native):
    header, docs = native
    check_statements(docs, expect.entities_by_id(header, docs))
    assert any(d["statements"] for d in docs), "the fixture should produce statements"


def test_the_fixture_statements_follow_the_rule(fixture_records, fixture_entities, fixture_statements):
    """The fixture file's own statements agree with the rule (else the corpus is wrong)."""
    check_statements(fixture_records, fixture_entities)
    stances = Counter(s["stance"] for s in fixture_statements)
    assert stances["support"] and stances["oppose"] and stances[None], f"the fixture should cover every stance case: {stances}"


def test_import_then_export_gives_the_same_bytes(exported, workdir):
    first = exported("jsonl")
    again = import_project(workdir / "roundtrip.claimdesk", first)
    second = export_project(again, "jsonl", workdir / "roundtrip" / "export.jsonl")
    a, b = first.read_bytes(), second.read_bytes()
    if a != b:
        diff = [
            (n, x, y)
            for n, (x, y) in enumerate(zip(a.decode().split("\n"), b.decode().split("\n")), 1)
            if x != y
        ]
        pytest.fail(f"re-export differs ({len(a)} vs {len(b)} bytes); first differing line: {diff[:1]}")


# --- negative checks: the checks above catch corrupted exports --------------------------------


@pytest.mark.parametrize(
    "field,by",
    [("start", 1), ("end", -1), ("utf16_start", 1), ("utf16_end", 1), ("utf8_start", -1), ("utf8_end", 1)],
)
def test_negative_a_shifted_offset_is_caught(native, field, by):
    _, docs = native
    for i, d in enumerate(docs):
        if d["annotations"]:
            bad = copy.deepcopy(docs)
            bad[i]["annotations"][0][field] += by
            must_fail(check_offsets, bad)
            return
    pytest.fail("no annotation to corrupt")


def test_negative_a_utf16_offset_in_the_middle_of_a_surrogate_pair_is_caught(native):
    _, docs = native
    astral = [
        (i, j)
        for i, d in enumerate(docs)
        for j, a in enumerate(d["annotations"])
        if any(ord(c) > 0xFFFF for c in a["quote"][:1])
    ]
    assert astral, "the fixture should have a span starting with an emoji"
    i, j = astral[0]
    bad = copy.deepcopy(docs)
    bad[i]["annotations"][j]["utf16_start"] += 1
    must_fail(check_offsets, bad)


def test_negative_spans_shifted_by_one_are_caught(native, doc_map, fixture_annotations, fixture_documents):
    _, docs = native
    found = [(d["id"], a["start"], a["end"], a["quote"]) for d in docs for a in d["annotations"]]
    for i in range(len(found)):
        must_fail(expect.assert_spans, expect.shifted(found, i), fixture_annotations, documents=fixture_documents, doc_map=doc_map)
    must_fail(expect.assert_spans, found[1:], fixture_annotations, documents=fixture_documents, doc_map=doc_map)
    must_fail(expect.assert_spans, found + found[:1], fixture_annotations, documents=fixture_documents, doc_map=doc_map)


def test_negative_a_wrong_statement_is_caught(native):
    header, docs = native
    entities = expect.entities_by_id(header, docs)
    flips = {"support": "oppose", "oppose": "support", None: "support", "neutral": "oppose"}
    for mutate in (
        lambda s: s.update(stance=flips[s["stance"]]),
        lambda s: s.update(actor=s["actor"] + "x"),
        lambda s: s.update(position_annotation_id=None if s["position_annotation_id"] else 1),
    ):
        bad = copy.deepcopy(docs)
        target = next(d for d in bad if d["statements"])
        mutate(target["statements"][0])
        must_fail(check_statements, bad, entities)
    bad = copy.deepcopy(docs)
    next(d for d in bad if d["statements"])["statements"].pop()
    must_fail(check_statements, bad, entities)


def test_negative_the_derivation_needs_the_relations(native):
    header, docs = native
    entities = expect.entities_by_id(header, docs)
    bad = copy.deepcopy(docs)
    for d in bad:
        d["relations"] = [r for r in d["relations"] if r["kind"] != "about"]
    must_fail(check_statements, bad, entities)


# --- statement cases the fixture lacks, on a corpus made here --------------------------------

CASES_TEXT = (
    "Ana opposes sanctions. Ben supports the deal and the visit, he said and insisted. "
    "Carla wants elections; critics call that premature, Dora said."
)


def export_made(workdir, fixture_header, fixture_entities, name, spans, relations):
    """Imports one made document with the CLI and returns (exported record, derived statements)."""
    record = expect.native_document(1, CASES_TEXT, spans, relations, fixture_entities, title=name)
    path = expect.write_native(workdir / f"{name}.jsonl", fixture_header, [record])
    project = import_project(workdir / f"{name}.claimdesk", path)
    _, docs = expect.load_native(export_project(project, "jsonl", workdir / name / "export.jsonl"))
    assert len(docs) == 1
    return docs[0], record["statements"]


def test_statement_cases_of_a_made_corpus(workdir, fixture_header, fixture_entities):
    """A position about nothing is its own claim; a position about two claims makes two
    statements; said_by and held_by to one actor make one statement; a claim with no position
    has an unknown stance."""
    doc, derived = export_made(
        workdir,
        fixture_header,
        fixture_entities,
        "cases",
        [
            (1, "Actor", "Ana", {}, None),
            (2, "Position", "opposes sanctions", {"stance": "oppose"}, None),
            (3, "Actor", "Ben", {}, None),
            (4, "Position", "supports", {"stance": "support"}, None),
            (5, "Claim", "the deal", {}, None),
            (6, "Claim", "the visit", {}, None),
            (7, "Actor", "Carla", {}, None),
            (8, "Claim", "wants elections", {}, None),
        ],
        [
            (1, "held_by", 2, 1),
            (2, "held_by", 4, 3), (3, "said_by", 4, 3), (4, "about", 4, 5), (5, "about", 4, 6),
            (6, "said_by", 8, 7),
        ],  # fmt: skip
    )
    got = {(s["actor"], s["concept"], s["stance"], s["position_annotation_id"]) for s in derived}
    assert got == {
        ("Ana", "opposes sanctions", "oppose", None),
        ("Ben", "the deal", "support", 4),
        ("Ben", "the visit", "support", 4),
        ("Carla", "wants elections", None, None),
    }, "the made corpus no longer tests what it says"
    expect.assert_same_statements(doc["statements"], derived)
    expect.assert_same_statements(doc["statements"], expect.derive_statements(doc, expect.entities_by_id({"entities": []}, [doc])))


def test_a_position_said_by_another_actor_does_not_apply_to_the_claims_speaker(workdir, fixture_header, fixture_entities):
    doc, derived = export_made(
        workdir,
        fixture_header,
        fixture_entities,
        "said-position",
        [
            (1, "Actor", "Carla", {}, None),
            (2, "Claim", "wants elections", {}, None),
            (3, "Position", "premature", {"stance": "oppose"}, None),
            (4, "Actor", "Dora", {}, None),
        ],
        [(1, "said_by", 2, 1), (2, "about", 3, 2), (3, "said_by", 3, 4)],
    )
    expect.assert_same_statements(doc["statements"], derived)
    # Carla's claim has no stance of hers; Dora's position is hers.
    stances = sorted((s["actor"], s["stance"] or "") for s in doc["statements"])
    assert stances == [("Carla", ""), ("Dora", "oppose")]
