"""brat standoff: bratly reads every .ann, the .txt files (read with newline='' so CRLF stays)
are the texts byte for byte, every fragment slices its text, spans, relations, attributes,
entity links and notes arrive, and annotation.conf declares what the .ann files use."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import warnings

import pytest

with warnings.catch_warnings():
    # bratly's models use a form of pydantic configuration that pydantic 2 deprecates.
    warnings.simplefilter("ignore", DeprecationWarning)
    from bratly import (
        AttributeAnnotation,
        EntityAnnotation,
        Fragment,
        NormalizationAnnotation,
        NoteAnnotation,
        RelationAnnotation,
    )
    from bratly.io import read_and_load_ann_file

import expect
from conftest import export_project, import_project
from expect import must_fail


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def load_ann(path: Path) -> list:
    """Every annotation of an .ann file, as bratly parses it, ids as written. bratly reports a
    line it cannot parse and skips it, so the count of lines is checked too."""
    collection = read_and_load_ann_file(
        str(path), no_duplicates=False, sorting=False, renumerotize=False, grammar_check=True
    )
    assert collection is not None, f"bratly could not read {path}"
    lines = [line for line in read_text(path).split("\n") if line]
    assert len(collection.annotations) == len(lines), f"bratly skipped lines of {path}"
    return list(collection.annotations)


def read_folder(folder: Path) -> tuple[dict[str, str], dict[str, list]]:
    texts = {p.stem: read_text(p) for p in sorted(folder.glob("*.txt"))}
    anns = {stem: load_ann(folder / f"{stem}.ann") for stem in texts}
    return texts, anns


@pytest.fixture(scope="module")
def folder(exported) -> Path:
    return exported("brat")


@pytest.fixture(scope="module")
def brat(folder):
    return read_folder(folder)


@pytest.fixture(scope="module")
def doc_map(brat, fixture_documents) -> dict[str, int]:
    texts, _ = brat
    return expect.map_documents(texts, fixture_documents)


def entities_of(anns: list) -> list[EntityAnnotation]:
    return [a for a in anns if isinstance(a, EntityAnnotation)]


def check_fragments(text: str, entity: EntityAnnotation) -> None:
    """Each fragment slices a piece of the text with no line break in it, and the text field is
    the pieces joined by single spaces, as brat writes discontinuous spans."""
    pieces = []
    for f in entity.fragments:
        piece = expect.slice_text(text, f.start, f.end)
        assert piece and piece.splitlines() == [piece], f"{entity.id}: fragment {f} is {piece!r}"
        pieces.append(piece)
    assert " ".join(pieces) == entity.content, f"{entity.id}: {pieces!r} against {entity.content!r}"
    # Between two fragments there is nothing but line breaks.
    for a, b in zip(entity.fragments, entity.fragments[1:]):
        gap = text[a.end : b.start]
        assert gap and not gap.strip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), f"{entity.id}: gap {gap!r}"


def hull(entity: EntityAnnotation) -> tuple[int, int]:
    return entity.fragments[0].start, entity.fragments[-1].end


# --- files and text -------------------------------------------------------------------------------


def test_every_document_has_its_txt_and_ann_and_the_folder_its_configuration(folder, brat, fixture_documents):
    texts, _ = brat
    assert len(texts) == len(fixture_documents)
    assert (folder / "annotation.conf").is_file()
    assert (folder / "visual.conf").is_file()
    stems = {p.stem for p in folder.glob("*.ann")}
    assert stems == set(texts)


def test_the_txt_files_are_the_texts_byte_for_byte(folder, brat, doc_map, fixture_documents):
    texts, _ = brat
    for stem, text in texts.items():
        assert (folder / f"{stem}.txt").read_bytes() == fixture_documents[doc_map[stem]].encode("utf-8")
    assert any("\r\n" in t for t in texts.values()), "the CRLF document lost its CRLF"


# --- spans --------------------------------------------------------------------------------------


def test_every_fragment_slices_its_text(brat):
    texts, anns = brat
    checked = 0
    for stem, items in anns.items():
        for entity in entities_of(items):
            check_fragments(texts[stem], entity)
            checked += 1
    assert checked > 0


def test_a_span_across_a_line_break_is_written_as_fragments(brat, fixture_annotations):
    _, anns = brat
    crossing = [a for a in fixture_annotations if "\n" in a["quote"]]
    assert crossing, "the fixture has no span across a line break"
    fragmented = [e for items in anns.values() for e in entities_of(items) if len(e.fragments) > 1]
    assert len(fragmented) == len(crossing)
    assert all("\n" not in e.content and "\r" not in e.content for e in fragmented)


def test_spans_and_labels_are_the_fixtures(brat, doc_map, fixture_annotations, fixture_documents):
    texts, anns = brat
    found = []
    for stem, items in anns.items():
        for entity in entities_of(items):
            start, end = hull(entity)
            found.append((stem, start, end, texts[stem][start:end], entity.label))
    expect.assert_spans(found, fixture_annotations, doc_map=doc_map, documents=fixture_documents)


def test_negative_a_fragment_shifted_by_one_is_caught(brat, doc_map, fixture_annotations, fixture_documents):
    texts, anns = brat
    stem, items = next((s, i) for s, i in anns.items() if entities_of(i))
    entity = entities_of(items)[0]
    bad = EntityAnnotation(
        id=entity.id,
        label=entity.label,
        fragments=[Fragment(start=f.start + 1, end=f.end + 1) for f in entity.fragments],
        content=entity.content,
    )
    must_fail(check_fragments, texts[stem], bad)
    found = [(stem, *hull(e), texts[stem][slice(*hull(e))], e.label) for e in entities_of(items)]
    must_fail(
        expect.assert_spans,
        expect.shifted(found),
        [a for a in fixture_annotations if a["document_id"] == doc_map[stem]],
        doc_map=doc_map,
        documents=fixture_documents,
    )


# --- relations, attributes, entity links ------------------------------------------------------------


def span_key(stem: str, entity: EntityAnnotation, texts: dict) -> tuple:
    start, end = hull(entity)
    return (start, end, texts[stem][start:end])


def found_relations(brat, doc_map) -> Counter:
    texts, anns = brat
    out = Counter()
    for stem, items in anns.items():
        for r in items:
            if isinstance(r, RelationAnnotation):
                (role1, a), (role2, b) = r.argument1, r.argument2
                assert (role1, role2) == ("Arg1", "Arg2")
                out[(doc_map[stem], r.label, span_key(stem, a, texts), span_key(stem, b, texts))] += 1
    return out


def wanted_relations(fixture_annotations, fixture_relations) -> Counter:
    spans = {(a["document_id"], a["id"]): (a["start"], a["end"], a["quote"]) for a in fixture_annotations}
    return Counter(
        (
            r["document_id"],
            r["kind"],
            spans[(r["document_id"], r["from_id"])],
            spans[(r["document_id"], r["to_id"])],
        )
        for r in fixture_relations
    )


def check_relations(found: Counter, wanted: Counter) -> None:
    assert found == wanted, f"missing {wanted - found}, unexpected {found - wanted}"


def test_relations_arrive_between_the_right_spans(brat, doc_map, fixture_annotations, fixture_relations):
    check_relations(found_relations(brat, doc_map), wanted_relations(fixture_annotations, fixture_relations))


def test_negative_reversed_relations_are_caught(brat, doc_map, fixture_annotations, fixture_relations):
    found = found_relations(brat, doc_map)
    reversed_ = Counter({(d, k, b, a): n for (d, k, a, b), n in found.items()})
    must_fail(check_relations, reversed_, wanted_relations(fixture_annotations, fixture_relations))


def test_attributes_arrive_on_their_spans(brat, doc_map, fixture_annotations):
    texts, anns = brat
    found = Counter()
    for stem, items in anns.items():
        for a in items:
            if isinstance(a, AttributeAnnotation):
                (value,) = a.values
                start, end, _ = span_key(stem, a.component, texts)
                found[(doc_map[stem], start, end, a.label, value)] += 1
    wanted = Counter(
        (a["document_id"], a["start"], a["end"], k, v)
        for a in fixture_annotations
        for k, v in a["attributes"].items()
    )
    assert found == wanted


def test_linked_entities_arrive_as_normalizations(brat, doc_map, fixture_annotations, fixture_entities):
    texts, anns = brat
    found = Counter()
    for stem, items in anns.items():
        for n in items:
            if isinstance(n, NormalizationAnnotation):
                db, entity_id = n.external_resource
                assert db == "Claimdesk" and entity_id.isdigit()
                start, end, _ = span_key(stem, n.component, texts)
                found[(doc_map[stem], start, end, n.content)] += 1
    wanted = Counter(
        (a["document_id"], a["start"], a["end"], fixture_entities[a["entity_id"]]["name"])
        for a in fixture_annotations
        if a["entity_id"] is not None
    )
    assert found == wanted


# --- annotation.conf ------------------------------------------------------------------------------


def read_conf(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = defaultdict(list)
    section = None
    for line in read_text(path).split("\n"):
        if not line.strip() or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[(\w+)\]", line.strip())
        if m:
            section = m.group(1)
            continue
        assert section, f"{line!r} before any section"
        sections[section].append(line)
    return sections


def test_annotation_conf_declares_every_type_relation_and_attribute_used(folder, brat):
    conf = read_conf(folder / "annotation.conf")
    assert {"entities", "relations", "attributes"} <= set(conf)
    entities = {line.strip() for line in conf["entities"]}
    relations = {}
    for line in conf["relations"]:
        name, args = line.split("\t", 1)
        if name.startswith("<"):
            continue
        parts = dict(p.split(":", 1) for p in args.split(", "))
        relations[name] = (set(parts["Arg1"].split("|")), set(parts["Arg2"].split("|")))
    attributes = {}
    for line in conf["attributes"]:
        name, args = line.split("\t", 1)
        parts = dict(p.split(":", 1) for p in args.split(", "))
        attributes[name] = (set(parts["Arg"].split("|")), set(parts.get("Value", "").split("|")))

    _, anns = brat
    for items in anns.values():
        for a in items:
            if isinstance(a, EntityAnnotation):
                assert a.label in entities, f"entity type {a.label} is not declared"
            elif isinstance(a, RelationAnnotation):
                arg1, arg2 = relations[a.label]
                assert a.argument1[1].label in arg1 and a.argument2[1].label in arg2, a
            elif isinstance(a, AttributeAnnotation):
                args, values = attributes[a.label]
                assert a.component.label in args and set(a.values) <= values, a


# --- notes, on a corpus made here (the fixture has none) -----------------------------------------


def test_multi_line_notes_arrive_as_annotator_notes(workdir, fixture_header, fixture_entities):
    text = "Ana said\r\nno to the deal."
    record = expect.native_document(
        1, text, [(1, "Actor", "Ana", {}, None), (2, "Claim", "said\r\nno", {}, None)], [], fixture_entities
    )
    notes = {"Ana": "first line\nsecond line", "said\r\nno": "one line"}
    for a in record["annotations"]:
        a["note"] = notes[a["quote"]]
    path = expect.write_native(workdir / "brat-notes.jsonl", fixture_header, [record])
    project = import_project(workdir / "brat-notes.claimdesk", path)
    folder = export_project(project, "brat", workdir / "brat-notes" / "export-brat")
    texts, anns = read_folder(folder)
    ((stem, items),) = anns.items()
    found = defaultdict(list)
    for n in items:
        if isinstance(n, NoteAnnotation):
            assert n.label == "AnnotatorNotes"
            found[texts[stem][slice(*hull(n.component))]].append(n.value)
    assert {quote: "\n".join(lines) for quote, lines in found.items()} == notes
