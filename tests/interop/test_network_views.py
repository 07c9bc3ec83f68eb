"""The network an Analysis view shows (`export --network KIND --tie … --normalisation …`),
loaded with networkx, against the same network computed here from the statements table of the
CSV export (`statements.csv`): node sets, edges and weights for each kind, tie and
normalisation, as Discourse Network Analyzer defines congruence and conflict."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from conftest import export_project, run_cli

KINDS = ("actor-concept", "actor-actor", "concept-concept")
TIES = ("congruence", "conflict")
NORMALISATIONS = ("none", "average", "jaccard", "cosine")
OPPOSITE = {"support": "oppose", "oppose": "support"}


def node_key(kind: str, entity_id: str, name: str) -> str:
    return f"{kind}:{entity_id}" if entity_id else f"{kind}:text:{name.strip()}"


ACTORS = ["Putin", "Zelensky", "Rubio", "Lavrov", "Erdoğan", "Tammy Bruce"]
CONCEPTS = ["a ceasefire", "sanctions", "the talks", "aid", "a summit"]


@pytest.fixture(scope="module")
def debate(tmp_path_factory) -> Path:
    """A generated debate: brat documents in which actors make claims with a stance (or none),
    imported into a fresh project. Many actors share concepts, agreeing and disagreeing."""
    rng = random.Random(20261205)
    root = tmp_path_factory.mktemp("debate")
    files = root / "brat"
    files.mkdir()
    for d in range(30):
        text, ann, t, r, a = "", [], 1, 1, 1
        for _ in range(rng.randint(1, 5)):
            actor, concept = rng.choice(ACTORS), rng.choice(CONCEPTS)
            start = len(text)
            text += f"{actor} spoke of {concept}. "
            concept_at = start + len(actor) + len(" spoke of ")
            ann.append(f"T{t}\tActor {start} {start + len(actor)}\t{actor}")
            ann.append(f"T{t + 1}\tClaim {concept_at} {concept_at + len(concept)}\t{concept}")
            ann.append(f"R{r}\tsaid_by Arg1:T{t + 1} Arg2:T{t}")
            stance = rng.choice(["support", "support", "oppose", "oppose", None])
            if stance:
                ann.append(f"A{a}\tstance T{t + 1} {stance}")
                a += 1
            t, r = t + 2, r + 1
        (files / f"d{d:02}.txt").write_text(text, encoding="utf-8", newline="")
        (files / f"d{d:02}.ann").write_text("\n".join(ann) + "\n", encoding="utf-8", newline="")
    project = root / "debate.claimdesk"
    run_cli("--project", project, "import", files)
    return project


@pytest.fixture(scope="module")
def statements(debate) -> list[dict]:
    """The statements table of the CSV export, each row with its actor's and concept's node keys."""
    folder = export_project(debate, "csv", debate.parent / "csv")
    rows = pd.read_csv(folder / "statements.csv", keep_default_na=False, dtype=str).to_dict("records")
    for r in rows:
        r["actor_key"] = node_key("actor", r["actor_entity_id"], r["actor"])
        r["concept_key"] = node_key("concept", r["concept_entity_id"], r["concept"])
    assert len(rows) > 50, f"the generated debate should give statements, not {len(rows)}"
    return rows


def expected(statements: list[dict], kind: str, tie: str, norm: str) -> dict[frozenset | tuple, float]:
    """Edge → weight, computed from the statements table alone."""
    if kind == "actor-concept":
        counts = Counter((s["actor_key"], s["concept_key"]) for s in statements)
        return {pair: float(n) for pair, n in counts.items()}
    node, other = ("actor_key", "concept_key") if kind == "actor-actor" else ("concept_key", "actor_key")
    holds: dict[str, set] = defaultdict(set)
    for s in statements:
        if s["stance"]:
            holds[s[node]].add((s[other], s["stance"]))
    edges = {}
    nodes = sorted(holds)
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            A, B = holds[a], holds[b]
            if tie == "congruence":
                value = len(A & B)
            else:
                value = sum(1 for (o, st) in A if st in OPPOSITE and (o, OPPOSITE[st]) in B)
            if value == 0:
                continue
            norm_by = {
                "none": 1.0,
                "average": (len(A) + len(B)) / 2,
                "jaccard": len(A | B),
                "cosine": math.sqrt(len(A) * len(B)),
            }[norm]
            edges[frozenset((a, b))] = value / norm_by
    return edges


def from_graphml(path, kind: str) -> tuple[dict, set]:
    graph = nx.read_graphml(path)
    assert graph.is_directed() == (kind == "actor-concept"), "two-mode is directed, one-mode is not"
    key = {n: d["key"] for n, d in graph.nodes(data=True)}
    edges = {}
    for u, v, d in graph.edges(data=True):
        pair = (key[u], key[v]) if kind == "actor-concept" else frozenset((key[u], key[v]))
        assert pair not in edges, f"two edges for {pair}"
        edges[pair] = float(d["weight"])
    return edges, set(key.values())


# Tie and normalisation are for one-mode networks: the two-mode network is checked once.
VIEWS = [("actor-concept", "congruence", "none")] + [
    (kind, tie, norm) for kind in KINDS[1:] for tie in TIES for norm in NORMALISATIONS
]


@pytest.mark.parametrize(("kind", "tie", "norm"), VIEWS)
def test_the_shown_network_has_the_weights_computed_from_the_statements(debate, statements, kind, tie, norm):
    folder = export_project(
        debate,
        "graphml",
        debate.parent / f"view-{kind}-{tie}-{norm}",
        "--network", kind, "--tie", tie, "--normalisation", norm,
    )
    got, nodes = from_graphml(folder / "network.graphml", kind)
    want = expected(statements, kind, tie, norm)
    assert got.keys() == want.keys(), f"edges differ: missing {want.keys() - got.keys()}, unexpected {got.keys() - want.keys()}"
    for pair, weight in want.items():
        assert math.isclose(got[pair], weight, rel_tol=1e-12), f"{pair}: {got[pair]} != {weight}"
    mode = "concept" if kind == "concept-concept" else "actor"
    stated = {s["concept_key" if mode == "concept" else "actor_key"] for s in statements}
    if kind == "actor-concept":
        stated |= {s["concept_key"] for s in statements}
    assert nodes == stated, f"nodes differ: {nodes ^ stated}"


def test_the_debate_ties_nodes_every_way(statements):
    # The comparisons above bite only if the debate ties nodes both ways, with weights that
    # the normalisations change.
    for kind in ("actor-actor", "concept-concept"):
        for tie in TIES:
            raw = expected(statements, kind, tie, "none")
            assert len(raw) >= 5, (kind, tie, raw)
            assert len(set(raw.values())) > 1, f"{kind} {tie}: every weight the same"
            assert expected(statements, kind, tie, "jaccard") != raw


def test_a_minimum_weight_and_a_stance_narrow_the_network(debate, statements):
    folder = export_project(
        debate, "gexf", debate.parent / "view-heavy", "--network", "actor-concept", "--min-weight", "2"
    )
    graph = nx.read_gexf(folder / "network.gexf")
    want = {pair for pair, w in expected(statements, "actor-concept", "congruence", "none").items() if w >= 2}
    got = {(u, v) for u, v in graph.edges()}
    assert got == want
    assert all(graph.degree(n) > 0 for n in graph.nodes), "nodes without an edge are left out"

    folder = export_project(
        debate, "network-csv", debate.parent / "view-support", "--network", "actor-concept", "--stance", "support"
    )
    edges = pd.read_csv(folder / "network-edges.csv", keep_default_na=False, dtype=str)
    supported = Counter((s["actor_key"], s["concept_key"]) for s in statements if s["stance"] == "support")
    assert {(r["source"], r["target"]): float(r["weight"]) for r in edges.to_dict("records")} == {
        pair: float(n) for pair, n in supported.items()
    }
    assert set(edges["stances"]) <= {f"support:{n}" for n in supported.values()}
