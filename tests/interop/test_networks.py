"""Discourse networks (GraphML, GEXF, CSV) against networks computed here from the statements
derived from the fixture."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from lxml import etree

import expect
from conftest import DEFAULT_NAMES, export_project, import_project
from expect import must_fail

DAY = "2025-02-18"
# The published GraphML and GEXF schemas, written out for offline use (see each file's header).
SCHEMAS = Path(__file__).resolve().parent / "schemas"
XML_FILES = {
    "graphml": ("actor-concept.graphml", "actor-actor.graphml"),
    "gexf": ("actor-concept.gexf", "actor-actor.gexf"),
}


@pytest.fixture(scope="module")
def expected(fixture_statements) -> expect.Networks:
    n = expect.Networks(fixture_statements)
    assert n.one_mode, "the fixture should give at least one actor-actor edge"
    return n


@pytest.fixture(scope="module")
def expected_on_day(fixture_statements) -> expect.Networks:
    return expect.Networks(s for s in fixture_statements if s["date"] == DAY)


# --- reading exported networks into the shape of expect.Networks ------------------------------


def _node_keys(graph: nx.Graph) -> dict:
    keys = {}
    for node, data in graph.nodes(data=True):
        label = data.get("label")
        assert label is not None, f"node {node!r} has no label"
        kind = data.get("kind")
        assert kind in ("actor", "concept"), f"node {node!r} has kind {kind!r}"
        keys[node] = expect.node_key(kind, data.get("entity_id"), label)
    return keys


def from_graphs(two: nx.Graph, one: nx.Graph) -> tuple[dict, Counter, dict, dict]:
    """(node labels, two-mode edges, one-mode edges, one-mode node keys) of two loaded graphs."""
    assert two.is_directed(), "the actor-concept network should be directed, actor → concept"
    assert not one.is_directed(), "the actor-actor network should be undirected"
    keys = _node_keys(two)
    labels = {keys[n]: d["label"] for n, d in two.nodes(data=True)}
    two_mode = Counter()
    for u, v, d in two.edges(data=True):
        assert keys[u][0] == "actor" and keys[v][0] == "concept", f"edge {u}->{v} is not actor → concept"
        weight = float(d["weight"])
        assert weight == int(weight), f"weight {weight} is not a count"
        two_mode[(keys[u], keys[v], d.get("stance") or "")] += int(weight)
    one_keys = _node_keys(one)
    one_mode = {}
    for u, v, d in one.edges(data=True):
        assert one_keys[u][0] == one_keys[v][0] == "actor", f"edge {u}-{v} is not actor-actor"
        pair = frozenset((one_keys[u], one_keys[v]))
        assert pair not in one_mode, f"two edges between {u} and {v}"
        one_mode[pair] = (int(float(d["congruence"])), int(float(d["conflict"])))
    return labels, two_mode, one_mode, one_keys


def assert_networks(labels, two_mode, one_mode, one_keys, want: expect.Networks) -> None:
    assert two_mode == want.two_mode, (
        "actor-concept edges differ:\n"
        f"  missing: {sorted((want.two_mode - two_mode).items(), key=repr)}\n"
        f"  unexpected: {sorted((two_mode - want.two_mode).items(), key=repr)}"
    )
    nodes = set(labels)
    assert nodes == want.actors | want.concepts, f"two-mode nodes {sorted(nodes, key=repr)}"
    for key, label in labels.items():
        assert label == want.labels[key], f"node {key}: label {label!r}, expected {want.labels[key]!r}"
    assert one_mode == want.one_mode, f"actor-actor edges {one_mode} != {want.one_mode}"
    one_nodes = set(one_keys.values())
    assert one_nodes <= want.actors, f"actor-actor nodes that are no actors: {one_nodes - want.actors}"
    endpoints = set().union(*want.one_mode) if want.one_mode else set()
    assert endpoints <= one_nodes, f"actor-actor edges between missing nodes: {endpoints - one_nodes}"


def load_graphml(folder):
    for name in ("actor-concept.graphml", "actor-actor.graphml"):
        assert (folder / name).is_file(), f"{name} missing in {sorted(p.name for p in folder.iterdir())}"
    return nx.read_graphml(folder / "actor-concept.graphml"), nx.read_graphml(folder / "actor-actor.graphml")


def load_gexf(folder):
    for name in ("actor-concept.gexf", "actor-actor.gexf"):
        assert (folder / name).is_file(), f"{name} missing in {sorted(p.name for p in folder.iterdir())}"
    return nx.read_gexf(folder / "actor-concept.gexf"), nx.read_gexf(folder / "actor-actor.gexf")


def read(folder, name) -> pd.DataFrame:
    assert (folder / name).is_file(), f"{name} missing in {sorted(p.name for p in folder.iterdir())}"
    return pd.read_csv(folder / name, keep_default_na=False, dtype=str, encoding="utf-8")


def from_csv(folder):
    """The same four things from the CSV edge lists, plus the node table."""
    nodes = read(folder, "nodes.csv")
    assert list(nodes.columns[:4]) == ["id", "label", "kind", "entity_id"], list(nodes.columns)
    assert nodes["id"].is_unique, "node ids repeat"
    keys = {r["id"]: expect.node_key(r["kind"], r["entity_id"], r["label"]) for r in nodes.to_dict("records")}
    labels = {keys[r["id"]]: r["label"] for r in nodes.to_dict("records")}
    two = read(folder, "actor-concept-edges.csv")
    assert list(two.columns[:4]) == ["source", "target", "stance", "weight"], list(two.columns)
    two_mode = Counter()
    for r in two.to_dict("records"):
        assert keys[r["source"]][0] == "actor" and keys[r["target"]][0] == "concept"
        two_mode[(keys[r["source"]], keys[r["target"]], r["stance"])] += int(float(r["weight"]))
    one = read(folder, "actor-actor-edges.csv")
    assert list(one.columns[:4]) == ["source", "target", "congruence", "conflict"], list(one.columns)
    one_mode = {frozenset((keys[r["source"]], keys[r["target"]])): (int(r["congruence"]), int(r["conflict"])) for r in one.to_dict("records")}
    assert len(one_mode) == len(one), "two edges between one pair of actors"
    one_keys = {k: v for k, v in keys.items() if v[0] == "actor"}
    return labels, two_mode, one_mode, one_keys, keys


def matrix(folder, name, keys, labels_to_keys) -> dict[tuple, dict[tuple, int]]:
    """A matrix file as row node → column node → value. Rows and columns may be named by node
    id (as in nodes.csv) or by node label."""
    m = pd.read_csv(folder / name, keep_default_na=False, dtype=str, index_col=0, encoding="utf-8")

    def key(name):
        if name in keys:
            return keys[name]
        assert name in labels_to_keys, f"{name!r} in {folder.name}/... names no node"
        return labels_to_keys[name]

    return {key(r): {key(c): int(float(m.at[r, c])) for c in m.columns} for r in m.index}


@pytest.fixture(scope="module")
def schemas() -> dict[str, etree.XMLSchema]:
    return {fmt: etree.XMLSchema(etree.parse(str(SCHEMAS / f"{fmt}.xsd"))) for fmt in XML_FILES}


def assert_schema_valid(schema: etree.XMLSchema, doc: etree._ElementTree, name: str) -> None:
    if not schema.validate(doc):
        errors = "\n".join(f"  line {e.line}: {e.message}" for e in schema.error_log)
        raise AssertionError(f"{name} is not valid against its schema:\n{errors}")


def assert_folder_valid(schemas, fmt: str, folder: Path) -> None:
    for name in XML_FILES[fmt]:
        assert_schema_valid(schemas[fmt], etree.parse(str(folder / name)), name)


def graphml_nodes(doc: etree._ElementTree) -> dict[str, tuple]:
    """GraphML node id → (kind, entity_id, label), read with lxml."""
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    return {
        n.get("id"): tuple(n.findtext(f"g:data[@key='{k}']", default="", namespaces=ns) for k in ("kind", "entity_id", "label"))
        for n in doc.iterfind(".//g:node", ns)
    }


# --- tests ----------------------------------------------------------------------------------


def test_graphml(exported, expected):
    two, one = load_graphml(exported("graphml"))
    assert_networks(*from_graphs(two, one), expected)


def test_gexf(exported, expected):
    two, one = load_gexf(exported("gexf"))
    assert_networks(*from_graphs(two, one), expected)


def test_network_csv_edge_lists(exported, expected):
    labels, two_mode, one_mode, one_keys, _ = from_csv(exported("network-csv"))
    assert_networks(labels, two_mode, one_mode, one_keys, expected)


def test_network_csv_matrices(exported, expected):
    folder = exported("network-csv")
    *_, keys = from_csv(folder)
    by_label = {}
    for k in keys.values():
        by_label.setdefault(expected.labels.get(k), k)
    two = matrix(folder, "actor-concept-matrix.csv", keys, by_label)
    assert set(two) == expected.actors
    assert all(set(row) == expected.concepts for row in two.values())
    counts = Counter()
    for (a, c, _), w in expected.two_mode.items():
        counts[(a, c)] += w
    for a, row in two.items():
        for c, value in row.items():
            assert value == counts[(a, c)], f"actor-concept matrix [{a}][{c}] = {value}, {counts[(a, c)]} statements"
    for name, which in (("actor-actor-congruence-matrix.csv", 0), ("actor-actor-conflict-matrix.csv", 1)):
        m = matrix(folder, name, keys, by_label)
        assert set(m) == expected.actors, name
        for a, row in m.items():
            assert set(row) == expected.actors, name
            for b, value in row.items():
                assert value == m[b][a], f"{name} is not symmetric at {a}, {b}"
                if a != b:
                    want = expected.one_mode.get(frozenset((a, b)), (0, 0))[which]
                    assert value == want, f"{name} [{a}][{b}] = {value}, expected {want}"


def test_network_csv_node_table(exported, expected):
    labels, *_ = from_csv(exported("network-csv"))
    assert set(labels) == expected.actors | expected.concepts
    linked = [k for k in labels if k[1] is not None]
    assert linked, "the fixture should link mentions to entities"


def test_mentions_of_one_entity_are_one_node(expected, fixture_statements):
    """Two mentions of Putin linked to one entity: the networks must not split them."""
    by_entity = Counter(s["actor_entity_id"] for s in fixture_statements if s["actor_entity_id"] is not None)
    assert by_entity, "the fixture should have linked actors"
    assert len({k for k in expected.actors if k[1] is not None}) == len(by_entity)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_one_day_only(exported, expected_on_day, fmt):
    folder = exported(fmt, options=("--from", DAY, "--to", DAY))
    two, one = (load_graphml if fmt == "graphml" else load_gexf)(folder)
    assert_networks(*from_graphs(two, one), expected_on_day)
    assert expected_on_day.two_mode, "the fixture should have statements on that day"


def test_one_day_only_csv(exported, expected_on_day):
    labels, two_mode, one_mode, one_keys, _ = from_csv(exported("network-csv", options=("--from", DAY, "--to", DAY)))
    assert_networks(labels, two_mode, one_mode, one_keys, expected_on_day)


@pytest.mark.parametrize("fmt", ["graphml", "network-csv"])
def test_a_label_filter_drops_positions_and_their_stances(exported, fixture_records, fixture_entities, fmt):
    labels = ("Actor", "Claim")
    want = expect.Networks(
        s for d in fixture_records for s in expect.derive_statements(expect.keep_labels(d, labels), fixture_entities)
    )
    assert want.two_mode and all(stance == "" for _, _, stance in want.two_mode)
    folder = exported(fmt, options=[o for label in labels for o in ("--label", label)])
    if fmt == "graphml":
        assert_networks(*from_graphs(*load_graphml(folder)), want)
    else:
        labels_, two_mode, one_mode, one_keys, _ = from_csv(folder)
        assert_networks(labels_, two_mode, one_mode, one_keys, want)


def test_a_range_without_statements_gives_empty_networks(exported):
    folder = exported("graphml", options=("--from", "1990-01-01", "--to", "1990-01-02"))
    two, one = load_graphml(folder)
    assert two.number_of_edges() == 0 and one.number_of_edges() == 0


# --- a corpus made here: congruence, repeated mentions, neutral and holder-less positions -------

AGREE_TEXT = (
    "Zelensky backs the truce. Bruce welcomes a ceasefire. The Russian president rejects any "
    "truce, Putin said. Talks could resume, Volodymyr said, and Tammy agreed: maybe."
)
LATER_TEXT = "A month on, Putin now backs a truce."
LATER_DAY = "2025-03-02"


@pytest.fixture(scope="module")
def agreement(workdir, fixture_header, fixture_entities):
    """(project, statements) for a corpus the fixture lacks: two actors agreeing on two concepts
    (congruence 2), one entity mentioned twice in one statement (weight 2), an actor who both
    opposes and later supports a concept (congruence and conflict at once), a neutral position
    held by no one (it applies to every speaker of its claim). Returns (native file, statements
    derived here)."""
    e = fixture_entities
    first = expect.native_document(
        1,
        AGREE_TEXT,
        [
            (1, "Actor", "Zelensky", {"kind": "person"}, 4),
            (2, "Position", "backs", {"stance": "support"}, None),
            (3, "Claim", "the truce", {}, 3),
            (4, "Actor", "Bruce", {}, 2),
            (5, "Position", "welcomes", {"stance": "support"}, None),
            (6, "Claim", "a ceasefire", {}, 3),
            (7, "Actor", "The Russian president", {}, 1),
            (8, "Position", "rejects", {"stance": "oppose"}, None),
            (9, "Claim", "any truce", {}, 3),
            (10, "Actor", "Putin", {}, 1),
            (11, "Claim", "Talks could resume", {}, None),
            (12, "Actor", "Volodymyr", {}, 4),
            (13, "Actor", "Tammy", {}, 2),
            (14, "Position", "maybe", {"stance": "neutral"}, None),
        ],
        [
            (1, "held_by", 2, 1), (2, "about", 2, 3),
            (3, "held_by", 5, 4), (4, "about", 5, 6),
            (5, "held_by", 8, 7), (6, "held_by", 8, 10), (7, "about", 8, 9),
            (8, "said_by", 11, 12), (9, "said_by", 11, 13), (10, "about", 14, 11),
        ],  # fmt: skip
        e,
        title="Agreement",
        date="2025-02-20",
    )
    later = expect.native_document(
        2,
        LATER_TEXT,
        [
            (15, "Actor", "Putin", {}, 1),
            (16, "Position", "backs", {"stance": "support"}, None),
            (17, "Claim", "a truce", {}, 3),
        ],
        [(11, "held_by", 16, 15), (12, "about", 16, 17)],
        e,
        title="Later",
        date=LATER_DAY,
    )
    path = expect.write_native(workdir / "agreement.jsonl", fixture_header, [first, later])
    return path, first["statements"] + later["statements"]


@pytest.fixture(scope="module")
def agreement_project(agreement, workdir):
    return import_project(workdir / "agreement.claimdesk", agreement[0])


def test_the_made_corpus_covers_what_the_fixture_lacks(agreement):
    _, statements = agreement
    n = expect.Networks(statements)
    zelensky, bruce, putin = ("actor", 4), ("actor", 2), ("actor", 1)
    assert n.one_mode[frozenset((zelensky, bruce))] == (2, 0)
    assert n.one_mode[frozenset((putin, zelensky))] == (1, 1)
    assert n.two_mode[(putin, ("concept", 3), "oppose")] == 2
    assert n.two_mode[(bruce, ("concept", None, "Talks could resume"), "neutral")] == 1


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "network-csv"])
@pytest.mark.parametrize("day", [None, LATER_DAY])
def test_networks_of_the_made_corpus(agreement, agreement_project, workdir, schemas, fmt, day):
    project, statements = agreement_project, agreement[1]
    options = ("--from", day, "--to", day) if day else ()
    out = workdir / "agreement-out" / f"{fmt}-{day}" / DEFAULT_NAMES[fmt]
    folder = export_project(project, fmt, out, *options)
    want = expect.Networks(s for s in statements if day is None or s["date"] == day)
    if fmt == "network-csv":
        labels, two_mode, one_mode, one_keys, _ = from_csv(folder)
        assert_networks(labels, two_mode, one_mode, one_keys, want)
    else:
        two, one = (load_graphml if fmt == "graphml" else load_gexf)(folder)
        assert_networks(*from_graphs(two, one), want)
        assert_folder_valid(schemas, fmt, folder)


# --- negative checks ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize(
    "options",
    [(), ("--from", DAY, "--to", DAY), ("--label", "Actor", "--label", "Claim"), ("--from", "1990-01-01", "--to", "1990-01-02")],
    ids=["all", "one-day", "two-labels", "empty"],
)
def test_networks_are_valid_against_the_published_schema(exported, schemas, fmt, options):
    assert_folder_valid(schemas, fmt, exported(fmt, options=options))


def test_graphml_ids_are_plain_and_one_node_has_one_id_in_both_files(exported, expected):
    folder = exported("graphml")
    two = graphml_nodes(etree.parse(str(folder / "actor-concept.graphml")))
    one = graphml_nodes(etree.parse(str(folder / "actor-actor.graphml")))
    assert all(id_.startswith("n") and id_[1:].isdigit() for id_ in two), sorted(two)
    # Names with spaces (the fixture's concepts over text) are labels, never ids.
    assert any(" " in label for _, _, label in two.values()), "the fixture should have a name with a space"
    for id_, node in one.items():
        assert two.get(id_) == node, f"{id_} is {node} in actor-actor but {two.get(id_)} in actor-concept"


def test_negative_the_schemas_reject_ids_with_spaces_or_apostrophes_and_dangling_edges(exported, schemas):
    """The old GraphML ids (node keys such as `actor:text:Russia’s foreign ministry`) are no
    XML name tokens: the schema must refuse them, as it must an edge to no node."""
    doc = etree.parse(str(exported("graphml") / "actor-concept.graphml"))
    assert_schema_valid(schemas["graphml"], doc, "actor-concept.graphml")
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    old_id = "actor:text:Russia’s foreign ministry"
    renamed = copy.deepcopy(doc)
    node = renamed.find(".//g:node", ns)
    was = node.get("id")
    node.set("id", old_id)
    for edge in renamed.iterfind(".//g:edge", ns):
        for end in ("source", "target"):
            if edge.get(end) == was:
                edge.set(end, old_id)
    error = must_fail(assert_schema_valid, schemas["graphml"], renamed, "renamed")
    assert "NMTOKEN" in str(error), error
    dangling = copy.deepcopy(doc)
    dangling.find(".//g:edge", ns).set("target", "n999")
    must_fail(assert_schema_valid, schemas["graphml"], dangling, "dangling")
    gexf = etree.parse(str(exported("gexf") / "actor-concept.gexf"))
    gexf_dangling = copy.deepcopy(gexf)
    gexf_dangling.find(".//{http://gexf.net/1.3}edge").set("source", "nobody")
    must_fail(assert_schema_valid, schemas["gexf"], gexf_dangling, "dangling")
    unweighted = copy.deepcopy(gexf)
    unweighted.find(".//{http://gexf.net/1.3}edge").set("weight", "one")
    must_fail(assert_schema_valid, schemas["gexf"], unweighted, "unweighted")


def test_negative_wrong_networks_are_caught(exported, expected):
    two, one = load_graphml(exported("graphml"))
    labels, two_mode, one_mode, one_keys = from_graphs(two, one)
    edge = next(iter(two_mode))
    heavier = Counter(two_mode)
    heavier[edge] += 1
    must_fail(assert_networks, labels, heavier, one_mode, one_keys, expected)
    restanced = Counter(two_mode)
    del restanced[edge]
    restanced[(edge[0], edge[1], "neutral" if edge[2] != "neutral" else "support")] += two_mode[edge]
    must_fail(assert_networks, labels, restanced, one_mode, one_keys, expected)
    pair = next(iter(one_mode))
    swapped = dict(one_mode)
    swapped[pair] = one_mode[pair][::-1] if one_mode[pair][0] != one_mode[pair][1] else (9, 9)
    must_fail(assert_networks, labels, two_mode, swapped, one_keys, expected)
    # Splitting an entity back into its mentions' texts is a different network.
    split = Counter({((a[0], None, "Putin") if a[1] is not None else a, c, s): w for (a, c, s), w in two_mode.items()})
    must_fail(assert_networks, labels, split, one_mode, one_keys, expected)


def test_negative_the_day_filter_matters(exported, expected, expected_on_day):
    assert expected.two_mode != expected_on_day.two_mode
    two, one = load_graphml(exported("graphml"))
    must_fail(assert_networks, *from_graphs(two, one), expected_on_day)
