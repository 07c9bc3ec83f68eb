"""W3C Web Annotation JSON-LD: PyLD expands it offline against the local Web Annotation
context, rdflib parses it into the same graph, and every TextPositionSelector slices its
TextQuoteSelector's exact text out of the document text the file carries."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

import expect
from expect import must_fail

ANNO_URL = "http://www.w3.org/ns/anno.jsonld"
LOCAL_CONTEXT = Path(__file__).resolve().parent / "contexts" / "anno.jsonld"

OA = Namespace("http://www.w3.org/ns/oa#")
CD = Namespace("urn:claimdesk:vocab#")
ATTR = Namespace("urn:claimdesk:attribute#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")


def offline_loader(url, options=None):
    """Serves the Web Annotation context from the local copy; any other fetch is an error."""
    if url.rstrip("/") != ANNO_URL:
        raise AssertionError(f"the JSON-LD processor tried to fetch {url}")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(LOCAL_CONTEXT.read_text(encoding="utf-8")),
    }


def to_graph(doc: dict) -> Graph:
    """The RDF graph PyLD makes of `doc`, read into rdflib as N-Quads."""
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": offline_loader})
    return Graph().parse(data=nquads, format="nt")


@pytest.fixture(scope="module")
def raw(exported) -> dict:
    with open(exported("w3c"), encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def expanded(raw) -> list:
    return jsonld.expand(raw, {"documentLoader": offline_loader})


@pytest.fixture(scope="module")
def graph(raw) -> Graph:
    return to_graph(raw)


# --- reading the graph ---------------------------------------------------------------------------


def documents_of(g: Graph) -> dict[URIRef, str]:
    return {doc: str(text) for doc, text in g.subject_objects(CD.text)}


def tags_of(g: Graph) -> list[dict]:
    """Every tagging annotation with its target's source, both selectors and its label."""
    out = []
    for anno in g.subjects(OA.motivatedBy, OA.tagging):
        (target,) = g.objects(anno, OA.hasTarget)
        (source,) = g.objects(target, OA.hasSource)
        selectors = {g.value(s, RDF.type): s for s in g.objects(target, OA.hasSelector)}
        assert set(selectors) == {OA.TextPositionSelector, OA.TextQuoteSelector}, selectors
        position, quote = selectors[OA.TextPositionSelector], selectors[OA.TextQuoteSelector]
        (body,) = g.objects(anno, OA.hasBody)
        assert g.value(body, OA.hasPurpose) == OA.tagging
        out.append(
            {
                "id": anno,
                "document": source,
                "start": int(g.value(position, OA.start)),
                "end": int(g.value(position, OA.end)),
                "exact": str(g.value(quote, OA.exact)),
                "prefix": str(g.value(quote, OA.prefix)),
                "suffix": str(g.value(quote, OA.suffix)),
                "label": str(g.value(body, RDF.value)),
            }
        )
    return out


def check_selectors(tags: list[dict], documents: dict) -> None:
    """TextPositionSelector slice of the document's own text == TextQuoteSelector exact, and
    prefix and suffix are the text just around it."""
    for t in tags:
        text = documents[t["document"]]
        sliced = expect.slice_text(text, t["start"], t["end"])
        assert (
            sliced == t["exact"]
        ), f"{t['id']}: {t['start']}..{t['end']} slice {sliced!r}, exact is {t['exact']!r}"
        assert text[: t["start"]].endswith(t["prefix"]), f"{t['id']}: prefix {t['prefix']!r}"
        assert text[t["end"] :].startswith(t["suffix"]), f"{t['id']}: suffix {t['suffix']!r}"


@pytest.fixture(scope="module")
def doc_map(graph, fixture_documents) -> dict:
    return expect.map_documents(documents_of(graph), fixture_documents)


# --- processing -------------------------------------------------------------------------------------


def test_pyld_expands_it_offline_with_the_local_context(expanded):
    types = Counter(t for node in expanded for t in node.get("@type", []))
    assert types["http://www.w3.org/ns/oa#Annotation"] > 0
    assert types["http://purl.org/dc/dcmitype/Text"] > 0
    assert types["http://www.w3.org/ns/activitystreams#OrderedCollection"] == 1


def test_every_key_survives_expansion(raw, expanded):
    """A key without a term would be dropped silently by expansion: none is."""
    compacted_keys = Counter()
    for node in raw["@graph"]:
        compacted_keys.update(k for k in node if k not in ("id", "type"))
    expanded_keys = Counter()
    for node in expanded:
        expanded_keys.update(k for k in node if k not in ("@id", "@type"))
    assert sum(expanded_keys.values()) == sum(compacted_keys.values())


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")
def test_rdflib_parses_the_file_into_the_graph_pyld_makes(raw, graph):
    inline = copy.deepcopy(raw)
    local = json.loads(LOCAL_CONTEXT.read_text(encoding="utf-8"))["@context"]
    assert inline["@context"][0] == ANNO_URL
    inline["@context"][0] = local
    parsed = Graph().parse(data=json.dumps(inline), format="json-ld")
    assert len(parsed) == len(graph) > 0
    assert isomorphic(parsed, graph)


def test_the_offsets_are_declared_as_code_points(graph):
    units = {str(u) for u in graph.objects(None, CD.offsetUnit)}
    assert units == {"unicode code point"}


# --- documents and spans ----------------------------------------------------------------------------


def test_each_document_carries_its_exact_text(graph, doc_map, fixture_documents):
    # map_documents matched every document text to a fixture text exactly, CRLF included.
    assert any("\r\n" in t for t in documents_of(graph).values())
    assert len(doc_map) == len(fixture_documents)


def test_every_position_selector_slices_its_quote_selector(graph):
    tags = tags_of(graph)
    assert tags
    check_selectors(tags, documents_of(graph))


def test_every_annotation_is_a_fixture_annotation(graph, doc_map, fixture_annotations, fixture_documents):
    found = [(t["document"], t["start"], t["end"], t["exact"], t["label"]) for t in tags_of(graph)]
    expect.assert_spans(found, fixture_annotations, doc_map=doc_map, documents=fixture_documents)


def test_negative_a_position_shifted_by_one_is_caught(graph, doc_map, fixture_annotations, fixture_documents):
    tags = tags_of(graph)
    bad = copy.deepcopy(tags)
    bad[0]["start"] += 1
    bad[0]["end"] += 1
    must_fail(check_selectors, bad, documents_of(graph))
    found = [(t["document"], t["start"], t["end"], t["exact"], t["label"]) for t in tags]
    must_fail(
        expect.assert_spans,
        expect.shifted(found),
        fixture_annotations,
        doc_map=doc_map,
        documents=fixture_documents,
    )


def test_negative_a_term_missing_from_the_context_loses_the_text(raw, fixture_documents):
    """The checks read the graph, not the JSON: without its term the text is gone."""
    bad = copy.deepcopy(raw)
    del bad["@context"][1]["text"]
    g = to_graph(bad)
    assert documents_of(g) == {}
    must_fail(expect.map_documents, documents_of(g), fixture_documents)


def test_attributes_creators_and_entities_are_in_the_graph(
    graph, doc_map, fixture_annotations, fixture_entities
):
    by_id = {t["id"]: t for t in tags_of(graph)}
    found, entities = Counter(), Counter()
    for anno, t in by_id.items():
        key = (doc_map[t["document"]], t["start"], t["end"])
        for name in ("kind", "stance"):
            for value in graph.objects(anno, ATTR[name]):
                found[key + (name, str(value))] += 1
        creator = graph.value(anno, URIRef("http://purl.org/dc/terms/creator"))
        assert graph.value(creator, FOAF.nick) is not None
        for entity in graph.objects(anno, CD.entity):
            entities[key + (str(graph.value(entity, FOAF.name)),)] += 1
    wanted = Counter(
        (a["document_id"], a["start"], a["end"], k, v)
        for a in fixture_annotations
        for k, v in a["attributes"].items()
    )
    assert found == wanted
    wanted_entities = Counter(
        (a["document_id"], a["start"], a["end"], fixture_entities[a["entity_id"]]["name"])
        for a in fixture_annotations
        if a["entity_id"] is not None
    )
    assert entities == wanted_entities


# --- relations ----------------------------------------------------------------------------------


def found_links(graph, doc_map) -> Counter:
    spans = {t["id"]: (doc_map[t["document"]], t["start"], t["end"], t["exact"]) for t in tags_of(graph)}
    out = Counter()
    for link in graph.subjects(OA.motivatedBy, OA.linking):
        source, target = graph.value(link, CD["from"]), graph.value(link, CD.to)
        assert set(graph.objects(link, OA.hasTarget)) == {source, target}
        (body,) = graph.objects(link, OA.hasBody)
        kind = str(graph.value(body, RDF.value))
        assert str(graph.value(link, CD.relationKind)) == kind
        a, b = spans[source], spans[target]
        assert a[0] == b[0], f"{link} links two documents"
        out[(a[0], kind, a[1:], b[1:])] += 1
    return out


def wanted_links(fixture_annotations, fixture_relations) -> Counter:
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


def check_links(found: Counter, wanted: Counter) -> None:
    assert found == wanted, f"missing {wanted - found}, unexpected {found - wanted}"


def test_relations_are_linking_annotations_between_the_right_spans(
    graph, doc_map, fixture_annotations, fixture_relations
):
    check_links(found_links(graph, doc_map), wanted_links(fixture_annotations, fixture_relations))


def test_negative_a_reversed_link_is_caught(graph, doc_map, fixture_annotations, fixture_relations):
    found = found_links(graph, doc_map)
    reversed_ = Counter({(d, k, b, a): n for (d, k, a, b), n in found.items()})
    must_fail(check_links, reversed_, wanted_links(fixture_annotations, fixture_relations))


def test_the_collection_lists_every_annotation(graph, fixture_annotations, fixture_relations):
    AS = Namespace("http://www.w3.org/ns/activitystreams#")
    (collection,) = graph.subjects(RDF.type, AS.OrderedCollection)
    total = int(graph.value(collection, AS.totalItems))
    assert total == len(fixture_annotations) + len(fixture_relations)
    page = graph.value(collection, AS.first)
    items = list(graph.items(graph.value(page, AS.items)))
    assert len(items) == total
    assert set(items) == set(graph.subjects(RDF.type, OA.Annotation))
