"""Label Studio: the export is a folder with the tasks (`tasks.json`) and the labeling config
they need (`label_config.xml`). label-studio-sdk validates the config and every annotation
against it, and its converter reads the tasks; regions slice their text by code points, as
Label Studio's `<Text>` tag counts them."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from label_studio_sdk.converter import Converter
from label_studio_sdk.label_interface import LabelInterface
from lxml import etree

import expect
from conftest import export_project, import_project
from expect import must_fail

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCE = ROOT / "crates" / "formats" / "src" / "write" / "label_studio.rs"


@pytest.fixture(scope="module")
def folder(exported) -> Path:
    return exported("label-studio")


@pytest.fixture(scope="module")
def config(folder) -> str:
    """The labeling config the export wrote beside the tasks."""
    return (folder / "label_config.xml").read_text("utf-8")


@pytest.fixture(scope="module")
def interface(config) -> LabelInterface:
    return LabelInterface(config)


@pytest.fixture(scope="module")
def tasks(folder) -> list[dict]:
    with open(folder / "tasks.json", encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def doc_map(tasks, fixture_documents):
    return expect.map_documents({t["id"]: t["data"]["text"] for t in tasks}, fixture_documents)


def results(task: dict) -> list[dict]:
    return [r for a in task["annotations"] for r in a["result"]]


def regions(tasks: list[dict]) -> list[tuple]:
    """(task id, start, end, text, label) of every labels region."""
    return [
        (t["id"], r["value"]["start"], r["value"]["end"], r["value"]["text"], r["value"]["labels"][0])
        for t in tasks
        for r in results(t)
        if r["type"] == "labels"
    ]


# --- checks, kept as functions so the negative tests can feed them corrupted input -----------


def check_region_texts(tasks: list[dict]) -> None:
    """Every region, and every per-region result that repeats the region's text, gives that text
    back when the task text is sliced the way Label Studio counts: by code points."""
    for t in tasks:
        text = t["data"]["text"]
        for r in results(t):
            if r["type"] == "relation" or "text" not in r["value"] or r["type"] == "textarea":
                continue
            v = r["value"]
            sliced = expect.slice_text(text, v["start"], v["end"], "code_point")
            assert sliced == v["text"], f"task {t['id']} region {r['id']}: {v['start']}..{v['end']} gives {sliced!r}, not {v['text']!r}"


def check_relation_kinds(config: str, tasks: list[dict]) -> None:
    """Every relation's kind is one the config's `<Relations>` offers: Label Studio shows no
    other (the SDK's validation does not look at relation labels, so this reads the config)."""
    offered = {r.get("value") for r in etree.fromstring(config.encode("utf-8")).iter("Relation")}
    for t in tasks:
        for r in results(t):
            if r["type"] == "relation":
                assert set(r["labels"]) <= offered, f"task {t['id']}: relation {r['labels']} not in {sorted(offered)}"


def check_valid(interface: LabelInterface, tasks: list[dict]) -> None:
    """label-studio-sdk finds nothing wrong with any annotation (regions, per-region choices and
    text areas, relations) under the labeling config."""
    for t in tasks:
        for a in t["annotations"]:
            errors = interface.validate_prediction(a, return_errors=True)
            assert errors == [], f"task {t['id']}: {errors}"
            assert interface.validate_annotation(a), f"task {t['id']}"


# --- the export -------------------------------------------------------------------------------


def test_the_folder_holds_the_tasks_and_their_labeling_config(folder):
    assert sorted(p.name for p in folder.iterdir()) == ["label_config.xml", "tasks.json"]


def test_the_labeling_config_is_the_documented_one_for_the_default_schema(config):
    found = re.search(r'pub const LABELING_CONFIG: &str = r##"(.*?)"##;', SOURCE.read_text("utf-8"), re.S)
    assert found, f"no LABELING_CONFIG in {SOURCE}"
    assert config == found.group(1)


def test_the_labeling_config_is_valid(interface):
    interface.validate()
    assert {c.name for c in interface.controls} == {"label", "kind", "stance", "entity", "note"}
    assert set(interface.get_control("label").labels) == {"Actor", "Claim", "Position"}


def test_the_file_is_a_json_array_of_tasks_as_label_studio_exports_them(tasks, fixture_documents):
    assert len(tasks) == len(fixture_documents)
    for t in tasks:
        assert set(t) >= {"id", "data", "annotations", "predictions"}
        assert isinstance(t["data"]["text"], str)
        for a in t["annotations"]:
            assert set(a) >= {"id", "completed_by", "result"}
            assert a["was_cancelled"] is False


def test_every_annotation_validates_against_the_config(interface, config, tasks):
    check_valid(interface, tasks)
    check_relation_kinds(config, tasks)


def test_every_task_has_the_data_the_config_reads(interface, tasks):
    # validate_task checks that each object tag's `$variable` is in the task's data (given
    # the data alone: the SDK's annotation branch of it takes no annotation to check).
    for t in tasks:
        assert interface.validate_task({"data": t["data"]}), f"task {t['id']}"


def test_regions_slice_to_their_text_by_code_points(tasks):
    check_region_texts(tasks)


def test_regions_are_the_fixture_spans(tasks, doc_map, fixture_annotations, fixture_documents):
    expect.assert_spans(regions(tasks), fixture_annotations, "code_point", documents=fixture_documents, doc_map=doc_map)


def test_per_region_attributes_and_entities_are_the_fixture_ones(tasks, doc_map, fixture_annotations, fixture_entities):
    by_span = {(a["document_id"], a["start"], a["end"], a["label"]): a for a in fixture_annotations}
    for t in tasks:
        labels = {r["id"]: r for r in results(t) if r["type"] == "labels"}
        extras: dict[str, dict] = {region: {} for region in labels}
        for r in results(t):
            if r["type"] in ("choices", "textarea"):
                assert r["id"] in labels, f"per-region result for unknown region {r['id']}"
                region = labels[r["id"]]["value"]
                assert (r["value"]["start"], r["value"]["end"]) == (region["start"], region["end"])
                extras[r["id"]][r["from_name"]] = r["value"].get("choices", r["value"].get("text"))
        for region_id, region in labels.items():
            v = region["value"]
            a = by_span[(doc_map[t["id"]], v["start"], v["end"], v["labels"][0])]
            got = {k: x[0] for k, x in extras[region_id].items() if k not in ("entity", "note")}
            assert got == a["attributes"], f"region {region_id}"
            entity = extras[region_id].get("entity")
            want = None if a["entity_id"] is None else [fixture_entities[a["entity_id"]]["name"]]
            assert entity == want, f"region {region_id}"


def test_relations_arrive_between_the_right_regions(tasks, doc_map, fixture_annotations, fixture_relations):
    spans = {(a["document_id"], a["id"]): (a["start"], a["end"], a["label"]) for a in fixture_annotations}
    want = Counter(
        (r["document_id"], r["kind"], spans[(r["document_id"], r["from_id"])], spans[(r["document_id"], r["to_id"])])
        for r in fixture_relations
    )
    got = Counter()
    for t in tasks:
        here = {r["id"]: r["value"] for r in results(t) if r["type"] == "labels"}
        for r in results(t):
            if r["type"] != "relation":
                continue
            assert r["direction"] == "right"
            ends = [(here[i]["start"], here[i]["end"], here[i]["labels"][0]) for i in (r["from_id"], r["to_id"])]
            got[(doc_map[t["id"]], r["labels"][0], *ends)] += 1
    assert got == want


def test_the_sdk_converter_reads_every_region(config, folder, fixture_annotations, tmp_path):
    converter = Converter(config, project_dir=None, download_resources=False)
    items = list(converter.iter_from_json_file(str(folder / "tasks.json")))
    spans = [s for item in items for s in item["output"].get("label", [])]
    assert len(spans) == len(fixture_annotations)
    for item in items:
        text = item["input"]["text"]
        for s in item["output"].get("label", []):
            assert text[s["start"] : s["end"]] == s["text"]
    converter.convert(str(folder / "tasks.json"), str(tmp_path / "min"), "JSON_MIN", is_dir=False)
    minimal = json.loads((tmp_path / "min" / "result.json").read_text("utf-8"))
    assert sum(len(m.get("label", [])) for m in minimal) == len(fixture_annotations)


def test_a_project_relation_type_of_its_own_is_in_the_config(workdir, fixture_header, fixture_entities):
    """A project with a relation type beyond Claimdesk's three: the config offers it, so the
    tasks using it still validate and Label Studio can show the relation."""
    header = copy.deepcopy(fixture_header)
    header["relation_types"].append({"name": "quotes", "from_labels": ["Actor"], "to_labels": ["Actor"]})
    text = "Bruce quoted Putin."
    doc = expect.native_document(
        1,
        text,
        [(1, "Actor", "Bruce", {}, 2), (2, "Actor", "Putin", {}, 1)],
        [(1, "quotes", 1, 2)],
        fixture_entities,
        title="Quotes",
    )
    native = expect.write_native(workdir / "quotes.jsonl", header, [doc])
    project = import_project(workdir / "quotes.claimdesk", native)
    folder = export_project(project, "label-studio", workdir / "quotes-out" / "export-label-studio")
    config = (folder / "label_config.xml").read_text("utf-8")
    tasks = json.loads((folder / "tasks.json").read_text("utf-8"))
    interface = LabelInterface(config)
    interface.validate()
    check_valid(interface, tasks)
    check_relation_kinds(config, tasks)
    assert any(r["type"] == "relation" and r["labels"] == ["quotes"] for t in tasks for r in results(t))


# --- negative checks: the checks above can fail ------------------------------------------------


def test_a_region_shifted_by_one_is_caught(tasks, doc_map, fixture_annotations, fixture_documents):
    found = regions(tasks)
    for i in range(len(found)):
        must_fail(
            expect.assert_spans,
            expect.shifted(found, i),
            fixture_annotations,
            "code_point",
            documents=fixture_documents,
            doc_map=doc_map,
        )
    broken = copy.deepcopy(tasks)
    region = next(r for r in results(broken[0]) if r["type"] == "labels")
    region["value"]["start"] += 1
    region["value"]["end"] += 1
    must_fail(check_region_texts, broken)


def test_the_sdk_rejects_an_unknown_label_and_a_dangling_relation(interface, tasks):
    unknown = copy.deepcopy(tasks)
    next(r for r in results(unknown[0]) if r["type"] == "labels")["value"]["labels"] = ["Spokesperson"]
    must_fail(check_valid, interface, unknown)
    dangling = copy.deepcopy(tasks)
    next(r for r in results(dangling[0]) if r["type"] == "relation")["to_id"] = "a-missing"
    must_fail(check_valid, interface, dangling)


def test_a_relation_kind_the_config_does_not_offer_is_caught(config, tasks):
    unknown = copy.deepcopy(tasks)
    next(r for t in unknown for r in results(t) if r["type"] == "relation")["labels"] = ["quotes"]
    must_fail(check_relation_kinds, config, unknown)
