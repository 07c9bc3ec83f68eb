"""UIMA CAS XMI: dkpro-cassis loads every document strictly against the exported type system;
covered texts are the quotes, relations join the right spans, the sofa is the text, CRLF too."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter

import pytest
from cassis import load_cas_from_xmi, load_typesystem
from lxml import etree

import expect
from expect import must_fail

CUSTOM = "webanno.custom."
RELATION = "webanno.custom.Relation"
METADATA = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"


@pytest.fixture(scope="module")
def archive(exported) -> dict[str, bytes]:
    with zipfile.ZipFile(exported("xmi")) as z:
        assert z.testzip() is None, "a zip entry is corrupt"
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture(scope="module")
def typesystem(archive):
    assert "TypeSystem.xml" in archive, f"no TypeSystem.xml in {sorted(archive)}"
    return load_typesystem(io.BytesIO(archive["TypeSystem.xml"]))


def load(xmi: bytes, typesystem):
    # Strict: an element whose type the type system lacks is an error, not skipped.
    return load_cas_from_xmi(io.BytesIO(xmi), typesystem=typesystem, lenient=False)


@pytest.fixture(scope="module")
def cases(archive, typesystem) -> dict:
    names = [n for n in archive if n.endswith(".xmi")]
    assert names, "no .xmi in the zip"
    return {name: load(archive[name], typesystem) for name in names}


@pytest.fixture(scope="module")
def doc_map(cases, fixture_documents) -> dict[str, int]:
    return expect.map_documents({name: cas.sofa_string for name, cas in cases.items()}, fixture_documents)


def label_of(typesystem, type_name: str) -> str:
    """The Claimdesk label a span type stands for, from its description."""
    description = typesystem.get_type(type_name).description or ""
    m = re.fullmatch(r"Claimdesk label: (.*)", description, re.S)
    assert m, f"{type_name} does not say which label it stands for: {description!r}"
    return m.group(1)


def spans_of(cas) -> list:
    return [
        fs
        for fs in cas.select_all_annotations()
        if fs.type.name.startswith(CUSTOM) and fs.type.name != RELATION
    ]


def found_spans(cases, typesystem) -> list[tuple]:
    """(xmi name, start, end, covered text, label), offsets in code points as cassis gives them."""
    return [
        (name, fs.begin, fs.end, fs.get_covered_text(), label_of(typesystem, fs.type.name))
        for name, cas in cases.items()
        for fs in spans_of(cas)
    ]


def raw_spans(archive) -> list[tuple]:
    """(xmi name, begin, end, annotationId) exactly as the XMI files write them: UTF-16."""
    out = []
    for name, data in archive.items():
        if not name.endswith(".xmi"):
            continue
        root = etree.fromstring(data)
        for el in root:
            if el.tag.startswith("{http:///webanno/custom.ecore}") and "annotationId" in el.attrib:
                out.append((name, int(el.get("begin")), int(el.get("end")), el.get("annotationId")))
    return out


# --- loading ---------------------------------------------------------------------------------


def test_the_zip_holds_the_type_system_and_one_xmi_per_document(archive, fixture_documents):
    names = sorted(archive)
    assert "TypeSystem.xml" in names
    assert len([n for n in names if n.endswith(".xmi")]) == len(fixture_documents), names


def test_every_document_loads_strictly_with_cassis(cases, fixture_documents):
    assert len(cases) == len(fixture_documents)
    for name, cas in cases.items():
        assert cas.sofa_string, f"{name} has no text"


def test_strict_loading_is_strict(archive, typesystem):
    """The strict load above proves something: an element of an unknown type fails it."""
    name = next(n for n in archive if n.endswith(".xmi"))
    bad = archive[name].replace(b"<custom:Actor ", b"<custom:Actress ", 1)
    assert bad != archive[name]
    with pytest.raises(Exception):
        load(bad, typesystem)


# --- the text ---------------------------------------------------------------------------------


def test_the_sofa_is_the_document_text_crlf_included(cases, doc_map, fixture_documents):
    # map_documents matched every sofa to a fixture text exactly; the CRLF one is among them.
    crlf = [name for name, cas in cases.items() if "\r\n" in cas.sofa_string]
    assert crlf, "no sofa kept its CRLF"
    for name, cas in cases.items():
        assert cas.sofa_string == fixture_documents[doc_map[name]]


@pytest.mark.filterwarnings("ignore:Not mapping external offset")
def test_negative_a_literal_crlf_in_the_sofa_would_not_survive_xml_parsing(
    archive, typesystem, fixture_documents
):
    name = next(n for n, data in archive.items() if b"&#13;&#10;" in data)
    bad = archive[name].replace(b"&#13;&#10;", b"\r\n")
    cas = load(bad, typesystem)
    must_fail(expect.map_documents, {name: cas.sofa_string}, fixture_documents)


# --- spans --------------------------------------------------------------------------------------


def test_every_covered_text_is_its_quote(cases, typesystem, doc_map, fixture_annotations, fixture_documents):
    expect.assert_spans(
        found_spans(cases, typesystem), fixture_annotations, doc_map=doc_map, documents=fixture_documents
    )


def test_the_xmi_offsets_are_utf16_code_units(
    archive, cases, doc_map, fixture_annotations, fixture_documents
):
    found = []
    for name, begin, end, _ in raw_spans(archive):
        found.append((name, begin, end, expect.slice_text(cases[name].sofa_string, begin, end, "utf16")))
    expect.assert_spans(found, fixture_annotations, "utf16", doc_map=doc_map, documents=fixture_documents)
    # The fixture's astral characters make UTF-16 and code points differ: this is not a no-op.
    assert any(
        expect.convert_offset(fixture_documents[a["document_id"]], a["start"], "utf16") != a["start"]
        for a in fixture_annotations
    )


def test_negative_a_span_shifted_by_one_is_caught(
    cases, typesystem, doc_map, fixture_annotations, fixture_documents
):
    found = found_spans(cases, typesystem)
    must_fail(
        expect.assert_spans,
        expect.shifted(found),
        fixture_annotations,
        doc_map=doc_map,
        documents=fixture_documents,
    )


def test_negative_code_point_offsets_written_as_utf16_are_caught(
    archive, cases, doc_map, fixture_annotations, fixture_documents
):
    """Reading the UTF-16 offsets as code points must fail on the fixture's emoji."""
    found = [
        (name, begin, end, expect.slice_text(cases[name].sofa_string, begin, end, "utf16"))
        for name, begin, end, _ in raw_spans(archive)
    ]
    must_fail(
        expect.assert_spans,
        found,
        fixture_annotations,
        "code_point",
        doc_map=doc_map,
        documents=fixture_documents,
    )


def test_attributes_are_features_of_their_spans(cases, doc_map, fixture_annotations):
    found = Counter()
    for name, cas in cases.items():
        for fs in spans_of(cas):
            for feature in ("kind", "stance"):
                value = fs.get(feature) if fs.type.get_feature(feature) else None
                if value is not None:
                    found[(doc_map[name], fs.begin, fs.end, feature, value)] += 1
    wanted = Counter(
        (a["document_id"], a["start"], a["end"], k, v)
        for a in fixture_annotations
        for k, v in a["attributes"].items()
        if k in ("kind", "stance")
    )
    assert found == wanted


def test_linked_entities_are_named(cases, doc_map, fixture_annotations, fixture_entities):
    found = Counter(
        (doc_map[name], fs.begin, fs.end, fs.get("entity"))
        for name, cas in cases.items()
        for fs in spans_of(cas)
        if fs.get("entity") is not None
    )
    wanted = Counter(
        (a["document_id"], a["start"], a["end"], fixture_entities[a["entity_id"]]["name"])
        for a in fixture_annotations
        if a["entity_id"] is not None
    )
    assert found == wanted


# --- relations ----------------------------------------------------------------------------------


def found_relations(cases, doc_map) -> Counter:
    out = Counter()
    for name, cas in cases.items():
        for r in cas.select(RELATION):
            gov, dep = r.Governor, r.Dependent
            assert gov is not None and dep is not None, f"a relation in {name} lacks an end"
            # As in INCEpTION, a relation sits where its dependent does.
            assert (r.begin, r.end) == (dep.begin, dep.end)
            out[
                (
                    doc_map[name],
                    r.kind,
                    (gov.begin, gov.end, gov.get_covered_text()),
                    (dep.begin, dep.end, dep.get_covered_text()),
                )
            ] += 1
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


def test_relations_join_governor_and_dependent(cases, doc_map, fixture_annotations, fixture_relations):
    check_relations(found_relations(cases, doc_map), wanted_relations(fixture_annotations, fixture_relations))


def test_negative_swapped_relation_ends_are_caught(cases, doc_map, fixture_annotations, fixture_relations):
    found = found_relations(cases, doc_map)
    swapped = Counter({(d, k, dep, gov): n for (d, k, gov, dep), n in found.items()})
    must_fail(check_relations, swapped, wanted_relations(fixture_annotations, fixture_relations))


# --- metadata -----------------------------------------------------------------------------------


def test_document_metadata_gives_title_and_id(cases, doc_map, fixture_records):
    titles = {d["id"]: d["title"] for d in fixture_records}
    for name, cas in cases.items():
        (meta,) = cas.select(METADATA)
        assert meta.documentTitle == titles[doc_map[name]]
        assert meta.documentId and name == f"{meta.documentId}.xmi"
        assert (meta.begin, meta.end) == (0, len(cas.sofa_string))
