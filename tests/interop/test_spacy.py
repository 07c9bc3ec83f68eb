"""spaCy: the DocBin loads into a blank pipeline with the texts, every annotation in
doc.spans["sc"] and non-overlapping entities; spaCy JSON Lines rebuild the same Docs from words
and spaces, and every span is a char_span of its quote."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import spacy
from spacy.tokens import Doc, DocBin

import expect
from expect import must_fail

USER_DATA = ("._.", "claimdesk", None, None)


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("xx")


@pytest.fixture(scope="module")
def docs(exported, nlp) -> list[Doc]:
    return list(DocBin().from_disk(exported("spacy")).get_docs(nlp.vocab))


@pytest.fixture(scope="module")
def doc_map(docs, fixture_documents):
    """Exported document id (from user data) → fixture id, matching texts exactly."""
    return expect.map_documents({doc_id(d): d.text for d in docs}, fixture_documents)


@pytest.fixture(scope="module")
def lines(exported) -> list[dict]:
    with open(exported("spacy-jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def rebuilt(lines, nlp) -> list[Doc]:
    """A Doc per JSON line, from its tokens' words and spaces."""
    return [
        Doc(nlp.vocab, words=[t["text"] for t in line["tokens"]], spaces=[t["ws"] for t in line["tokens"]])
        for line in lines
    ]


@pytest.fixture(scope="module")
def jsonl_doc_map(lines, fixture_documents):
    return expect.map_documents({line["meta"]["id"]: line["text"] for line in lines}, fixture_documents)


def doc_id(doc: Doc) -> int:
    return doc.user_data[USER_DATA]["document"]["id"]


# --- checks, kept as functions so the negative tests can feed them bad input -------------------


def docbin_spans(docs: list[Doc], group: str = "sc") -> list[tuple]:
    """(document id, start_char, end_char, span text, label) of a span group, each span's
    characters also checked against its tokens."""
    found = []
    for d in docs:
        for span in d.spans[group]:
            assert span.text == d.text[span.start_char : span.end_char]
            assert d[span.start].idx == span.start_char
            found.append((doc_id(d), span.start_char, span.end_char, span.text, span.label_))
    return found


def check_ents(spans: list[tuple[int, int]]) -> None:
    """Entity token spans, in order, share no token."""
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        assert e1 <= s2, f"entities {s1}..{e1} and {s2}..{e2} overlap"


def check_char_spans(line: dict, doc: Doc) -> list[tuple]:
    """Every JSONL span is a char_span of the rebuilt Doc, on its own tokens (token_end is
    inclusive); returns (document id, start, end, text, label)."""
    found = []
    for s in line["spans"]:
        span = doc.char_span(s["start"], s["end"])
        assert span is not None, f"{s['start']}..{s['end']} is not on token boundaries"
        assert (span.start, span.end - 1) == (s["token_start"], s["token_end"]), f"span {s}"
        assert span.text == line["text"][s["start"] : s["end"]]
        found.append((line["meta"]["id"], s["start"], s["end"], span.text, s["label"]))
    return found


def check_tokens(line: dict, doc: Doc) -> None:
    """JSONL token offsets are code points and agree with spaCy's."""
    assert doc.text == line["text"], "words and spaces do not give back the text"
    assert len(doc) == len(line["tokens"])
    for token, t in zip(doc, line["tokens"]):
        assert (token.i, token.idx, token.text) == (t["id"], t["start"], t["text"]), f"token {t}"
        assert t["end"] == t["start"] + len(t["text"])
        assert line["text"][t["start"] : t["end"]] == t["text"]
        assert bool(token.whitespace_) == t["ws"]


# --- DocBin ------------------------------------------------------------------------------------


def test_the_docbin_gives_back_every_document_text(docs, doc_map, fixture_documents):
    assert len(docs) == len(fixture_documents)
    for d in docs:
        assert d.text == fixture_documents[doc_map[doc_id(d)]]
        assert d.text == "".join(t.text_with_ws for t in d)


def test_every_annotation_is_a_span_in_sc_with_its_quote(docs, doc_map, fixture_annotations, fixture_documents):
    found = docbin_spans(docs)
    assert len(found) == len(fixture_annotations)
    expect.assert_spans(found, fixture_annotations, documents=fixture_documents, doc_map=doc_map)


def test_each_label_has_its_own_span_group(docs, doc_map, fixture_header, fixture_annotations, fixture_documents):
    for label in (label["name"] for label in fixture_header["labels"]):
        assert all(label in d.spans for d in docs)
        expected = [a for a in fixture_annotations if a["label"] == label]
        expect.assert_spans(docbin_spans(docs, label), expected, documents=fixture_documents, doc_map=doc_map)


def test_ents_do_not_overlap_and_every_other_span_overlaps_one(docs):
    for d in docs:
        ents = [(e.start, e.end) for e in d.ents]
        check_ents(ents)
        sc = {(s.start, s.end, s.label_, s.id_) for s in d.spans["sc"]}
        assert {(e.start, e.end, e.label_, e.id_) for e in d.ents} <= sc, "an entity that is no annotation"
        for s, e, _, _ in sc - {(e.start, e.end, e.label_, e.id_) for e in d.ents}:
            assert any(s < e2 and s2 < e for s2, e2 in ents), f"span {s}..{e} left out of ents for nothing"
    assert sum(len(d.ents) for d in docs) > 0


def test_span_ids_entities_and_attributes_are_in_user_data(docs, doc_map, fixture_annotations, fixture_entities):
    fixture = {(a["document_id"], a["start"], a["end"], a["label"]): a for a in fixture_annotations}
    for d in docs:
        data = d.user_data[USER_DATA]
        annotations = {str(a["id"]): a for a in data["annotations"]}
        assert len(annotations) == len(d.spans["sc"])
        for span in d.spans["sc"]:
            mine = annotations[span.id_]
            assert (mine["start"], mine["end"], mine["label"]) == (span.start_char, span.end_char, span.label_)
            want = fixture[(doc_map[doc_id(d)], span.start_char, span.end_char, span.label_)]
            assert dict(mine["attributes"]) == want["attributes"]
            if want["entity_id"] is None:
                assert span.kb_id_ == "" and mine["entity"] is None
            else:
                assert mine["entity"] == fixture_entities[want["entity_id"]]["name"]
                assert span.kb_id_ == str(mine["entity_id"])


def test_spans_lie_within_sentences_and_hostile_tokens_stay_whole(docs):
    words = set()
    for d in docs:
        assert d.has_annotation("SENT_START")
        for span in d.spans["sc"]:
            assert span.end <= span.sent.end, f"{span.text!r} crosses a sentence end"
        words.update(t.text for t in d)
    for token in ("🇺🇦", "👩\u200d👩\u200d👧", "cafe\u0301", "\r\n"):
        assert token in words, f"{token!r} is not one token"


def test_the_docbin_survives_a_round_trip_through_spacy(docs, nlp):
    data = DocBin(docs=docs, store_user_data=True).to_bytes()
    again = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert [d.text for d in again] == [d.text for d in docs]
    assert [[(s.start, s.end, s.label_) for s in d.spans["sc"]] for d in again] == [
        [(s.start, s.end, s.label_) for s in d.spans["sc"]] for d in docs
    ]


# --- JSON Lines --------------------------------------------------------------------------------


def test_jsonl_words_and_spaces_rebuild_every_text(lines, rebuilt, jsonl_doc_map, fixture_documents):
    assert len(lines) == len(fixture_documents)
    for line, doc in zip(lines, rebuilt):
        check_tokens(line, doc)
        assert line["text"] == fixture_documents[jsonl_doc_map[line["meta"]["id"]]]


def test_every_jsonl_span_is_a_char_span_with_its_quote(lines, rebuilt, jsonl_doc_map, fixture_annotations, fixture_documents):
    found = [f for line, doc in zip(lines, rebuilt) for f in check_char_spans(line, doc)]
    assert len(found) == len(fixture_annotations)
    expect.assert_spans(found, fixture_annotations, documents=fixture_documents, doc_map=jsonl_doc_map)
    assert Counter(type(s["id"]) for line in lines for s in line["spans"]) == Counter({int: len(found)})


def test_jsonl_and_docbin_agree_on_tokens(lines, docs):
    by_id = {doc_id(d): d for d in docs}
    for line in lines:
        d = by_id[line["meta"]["id"]]
        assert [t.text for t in d] == [t["text"] for t in line["tokens"]]
        assert [bool(t.whitespace_) for t in d] == [t["ws"] for t in line["tokens"]]


# --- negative checks: the assertions above do fail on bad input --------------------------------


def test_negative_a_shifted_or_lost_span_is_caught(docs, doc_map, fixture_annotations, fixture_documents):
    found = docbin_spans(docs)
    for i in (0, len(found) - 1):
        must_fail(expect.assert_spans, expect.shifted(found, i), fixture_annotations, documents=fixture_documents, doc_map=doc_map)
    must_fail(expect.assert_spans, found[1:], fixture_annotations, documents=fixture_documents, doc_map=doc_map)


def test_negative_overlapping_ents_are_caught():
    must_fail(check_ents, [(0, 2), (1, 3)])


def test_negative_a_span_off_token_boundaries_or_a_wrong_token_is_caught(lines, rebuilt):
    line, doc = next((l, d) for l, d in zip(lines, rebuilt) if l["spans"])
    bad = json.loads(json.dumps(line))
    bad["spans"][0]["start"] += 1
    must_fail(check_char_spans, bad, doc)
    bad = json.loads(json.dumps(line))
    bad["spans"][0]["token_end"] += 1
    must_fail(check_char_spans, bad, doc)
    bad = json.loads(json.dumps(line))
    bad["tokens"][1]["start"] += 1
    must_fail(check_tokens, bad, doc)
    # Dropping the whitespace flags no longer gives back the text.
    flat = Doc(doc.vocab, words=[t["text"] for t in line["tokens"]], spaces=[False] * len(line["tokens"]))
    must_fail(check_tokens, line, flat)
