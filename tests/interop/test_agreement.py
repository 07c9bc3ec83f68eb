"""Agreement figures from `claimdesk-cli agreement` against the reference implementations.

Three coders code generated documents as brat files, each with their own random spans; each
coder's files are imported with `import --as CODER`, so every document is one text coded by
several coders (one document by one coder only, which must be left out). The test then
recomputes, from the brat files alone, what Claimdesk reports:

- Krippendorff's α (nominal) per token with the `krippendorff` package, overall (the set of
  labels covering a token is its value) and per label (the label or not); a coder who did not
  code a document is missing data there.
- Cohen's κ per pair of coders with scikit-learn's `cohen_kappa_score`, on the tokens of the
  documents both coded.

The texts are words separated by single spaces (some of them emoji, flags and combining
marks), and spans start and end on word boundaries, so Python's `str.split` finds the same
tokens Claimdesk does and offsets are Python `str` indices, as Claimdesk's are.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from conftest import run_cli

CODERS = ["ana", "ben", "cem"]
LABELS = ["Actor", "Claim", "Position"]
WORDS = ["the", "minister", "said", "peace", "talks", "café", "cafe\u0301", "🇺🇦", "👩‍👩‍👧",
         "Erdoğan", "שלום", "قال", "would", "fail", "soon"]


def words_of(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for word in text.split(" "):
        spans.append((at, at + len(word)))
        at += len(word) + 1
    return spans


def random_spans(rng: random.Random, tokens: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
    spans = []
    for _ in range(rng.randint(0, 6)):
        first = rng.randrange(len(tokens))
        last = min(len(tokens) - 1, first + rng.randint(0, 4))
        spans.append((rng.choice(LABELS), tokens[first][0], tokens[last][1]))
    # Coders often agree: copy some spans of a shared "truth" to make α meaningful.
    return sorted(set(spans))


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    rng = random.Random(20261205)
    root = tmp_path_factory.mktemp("agreement")
    documents = []
    for d in range(12):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30)))
        tokens = words_of(text)
        truth = random_spans(rng, tokens)
        who = CODERS if d % 4 else rng.sample(CODERS, 2)
        if d == 0:
            who = ["ana"]  # coded by one coder only: left out
        coding = {}
        for coder in who:
            mine = [s for s in truth if rng.random() < 0.8] + random_spans(rng, tokens)[:2]
            coding[coder] = sorted(set(mine))
        documents.append({"text": text, "tokens": tokens, "coding": coding})
    for coder in CODERS:
        folder = root / coder
        folder.mkdir()
        for d, doc in enumerate(documents):
            if coder not in doc["coding"]:
                continue
            (folder / f"doc{d:02}.txt").write_text(doc["text"], encoding="utf-8", newline="")
            lines = [
                f"T{i + 1}\t{label} {start} {end}\t{doc['text'][start:end]}"
                for i, (label, start, end) in enumerate(doc["coding"][coder])
            ]
            (folder / f"doc{d:02}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    project = root / "agreement.claimdesk"
    for coder in CODERS:
        run_cli("--project", project, "import", "--as", coder, root / coder)
    report = json.loads(run_cli("--project", project, "agreement", "--format", "json").stdout)
    return documents, report


def token_values(doc, coder, label=None):
    """Each token's value for a coder: the sorted labels of the spans overlapping it (or, per
    label, whether that label covers it); None when the coder did not code the document."""
    if coder not in doc["coding"]:
        return [None] * len(doc["tokens"])
    values = []
    for start, end in doc["tokens"]:
        covering = sorted({l for (l, s, e) in doc["coding"][coder] if s < end and start < e})
        values.append(label in covering if label else "+".join(covering) or "nothing")
    return values


def reference_alpha(documents, label=None):
    compared = [doc for doc in documents if len(doc["coding"]) >= 2]
    rows = []
    for coder in CODERS:
        row = []
        for doc in compared:
            row.extend(token_values(doc, coder, label))
        rows.append(row)
    codes = {v: i for i, v in enumerate(sorted({v for row in rows for v in row if v is not None}, key=str))}
    data = np.array([[np.nan if v is None else codes[v] for v in row] for row in rows], dtype=float)
    return krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")


def test_documents_coded_by_one_coder_are_left_out_and_counted(coded):
    documents, report = coded
    assert report["coders"] == CODERS
    assert report["documents"] == 11
    assert report["excluded_documents"] == 1


def test_token_alpha_equals_krippendorff(coded):
    documents, report = coded
    assert report["token_alpha"]["overall"]["value"] == pytest.approx(reference_alpha(documents), abs=1e-9)
    for label in LABELS:
        ours = report["token_alpha"]["per_label"][label]["value"]
        assert ours == pytest.approx(reference_alpha(documents, label), abs=1e-9), label


def test_cohen_kappa_per_pair_equals_scikit_learn(coded):
    documents, report = coded
    pairs = {(p["a"], p["b"]): p for p in report["pairs"]}
    assert set(pairs) == {("ana", "ben"), ("ana", "cem"), ("ben", "cem")}
    for (a, b), pair in pairs.items():
        both = [doc for doc in documents if a in doc["coding"] and b in doc["coding"]]
        assert pair["documents"] == len(both)
        for label in [None, *LABELS]:
            xs = [v for doc in both for v in token_values(doc, a, label)]
            ys = [v for doc in both for v in token_values(doc, b, label)]
            expected = cohen_kappa_score(xs, ys)
            ours = pair["cohen_kappa"]["per_label"][label]["value"] if label else pair["cohen_kappa"]["overall"]["value"]
            if math.isnan(expected):
                assert ours is None, (a, b, label)
            else:
                assert ours == pytest.approx(expected, abs=1e-9), (a, b, label)
            units = pair["cohen_kappa"]["overall"]["units"]
            assert units == len(xs)


def test_pairwise_token_alpha_equals_krippendorff(coded):
    documents, report = coded
    for pair in report["pairs"]:
        a, b = pair["a"], pair["b"]
        both = [doc for doc in documents if a in doc["coding"] and b in doc["coding"]]
        xs = [v for doc in both for v in token_values(doc, a)]
        ys = [v for doc in both for v in token_values(doc, b)]
        codes = {v: i for i, v in enumerate(sorted(set(xs) | set(ys)))}
        data = np.array([[codes[v] for v in xs], [codes[v] for v in ys]], dtype=float)
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert pair["token_alpha"]["overall"]["value"] == pytest.approx(expected, abs=1e-9)


def test_exact_match_counts_spans_with_equal_label_start_and_end(coded):
    documents, report = coded
    for pair in report["pairs"]:
        a, b = pair["a"], pair["b"]
        both = [doc for doc in documents if a in doc["coding"] and b in doc["coding"]]
        matches = sum(len(set(doc["coding"][a]) & set(doc["coding"][b])) for doc in both)
        total_a = sum(len(doc["coding"][a]) for doc in both)
        total_b = sum(len(doc["coding"][b]) for doc in both)
        assert pair["exact_match"]["matches"] == matches
        assert pair["exact_match"]["only_a"] == total_a - matches
        assert pair["exact_match"]["only_b"] == total_b - matches


def test_the_fixture_has_something_to_measure(coded):
    """Guards the generated data: the figures compared above are defined and not trivial."""
    documents, report = coded
    overall = report["token_alpha"]["overall"]
    assert overall["units"] > 200
    assert 0.2 < overall["value"] < 0.99
    for pair in report["pairs"]:
        assert 0.2 < pair["cohen_kappa"]["overall"]["value"] < 0.99
    assert report["fleiss_kappa"]["overall"]["value"] is not None
