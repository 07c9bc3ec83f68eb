"""CoNLL: the IOB2 file read by a plain CoNLL reader and by spaCy's converter, the multi-layer
token TSV read with the csv module; tokens slice out of the texts, every annotation survives."""

from __future__ import annotations

import csv
import re
from collections import defaultdict

import pytest

import expect
from expect import must_fail

HEADER = ["document", "sentence", "token", "start", "end", "text"]
DOCSTART = "-DOCSTART- -X- O O"
TAG = re.compile(r"^([BI])-(.+)\[(\d+)\]$")


@pytest.fixture(scope="module")
def folder(exported):
    return exported("conll")


@pytest.fixture(scope="module")
def layer(fixture_header) -> str:
    """The IOB2 layer by default: the first label of the schema."""
    return fixture_header["labels"][0]["name"]


@pytest.fixture(scope="module")
def labels(fixture_header) -> list[str]:
    return [label["name"] for label in fixture_header["labels"]]


@pytest.fixture(scope="module")
def texts(exported) -> dict[int, str]:
    """Exported document id → text, from the native export of the same project (the TSV names
    documents by id only)."""
    _, documents = expect.load_native(exported("jsonl"))
    return {d["id"]: d["text"] for d in documents}


@pytest.fixture(scope="module")
def doc_map(texts, fixture_documents):
    return expect.map_documents(texts, fixture_documents)


@pytest.fixture(scope="module")
def table(folder) -> tuple[list[str], list[dict]]:
    """tokens.tsv with a plain reader: tab-separated, no quoting."""
    with open(folder / "tokens.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    header, body = rows[0], rows[1:]
    out = []
    for number, r in enumerate(body, 2):
        assert len(r) == len(header), f"tokens.tsv line {number} has {len(r)} fields, the header {len(header)}"
        row = dict(zip(header, r))
        for key in ("document", "sentence", "token", "start", "end"):
            row[key] = int(row[key])
        out.append(row)
    return header, out


@pytest.fixture(scope="module")
def iob2(folder, layer) -> str:
    return (folder / f"iob2-{layer}.conll").read_text(encoding="utf-8")


# --- readers and checks, kept as functions so the negative tests can feed them bad input ------


def read_conll(data: str) -> tuple[list[str], list[list[list[tuple[str, str]]]]]:
    """A plain CoNLL-2003 reader: `-DOCSTART-` lines start documents (the first one is the
    header), blank lines end sentences, the first column is the token and the last the tag.
    Returns (header line, documents of sentences of (token, tag))."""
    lines = data.split("\n")
    header, documents, sentence = lines[0], [], []
    for number, line in enumerate(lines[1:], 2):
        if line.startswith("-DOCSTART-"):
            assert line == DOCSTART, f"line {number}: document separator {line!r}"
            assert not sentence, f"line {number}: a sentence runs into a document separator"
            documents.append([])
        elif not line.strip():
            if sentence:
                documents[-1].append(sentence)
                sentence = []
        else:
            columns = line.split()
            assert len(columns) == 4, f"line {number} has {len(columns)} columns: {line!r}"
            assert documents, f"line {number}: a token before the first document"
            sentence.append((columns[0], columns[-1]))
    assert not sentence, "the last sentence does not end with a blank line"
    return header, documents


def check_iob2(documents: list[list[list[tuple[str, str]]]], layer: str) -> None:
    """Tags are O, B-layer or I-layer, and every I continues a span in its sentence."""
    for d, sentences in enumerate(documents):
        for s, sentence in enumerate(sentences):
            previous = "O"
            for token, tag in sentence:
                assert tag in ("O", f"B-{layer}", f"I-{layer}"), f"document {d} sentence {s}: tag {tag!r}"
                if tag.startswith("I-"):
                    assert previous != "O", f"document {d} sentence {s}: {token!r} is I- after O"
                previous = tag


def check_tokens(rows: list[dict], texts: dict[int, str]) -> None:
    """Every token is its offsets sliced out of the document text, and holds no whitespace."""
    for r in rows:
        sliced = expect.slice_text(texts[r["document"]], r["start"], r["end"])
        assert sliced == r["text"], (
            f"document {r['document']} token {r['token']}: {r['start']}..{r['end']} "
            f"slices {sliced!r}, the TSV says {r['text']!r}"
        )
        assert r["text"] and not any(c.isspace() for c in r["text"]), f"token {r['text']!r}"


def spans_from_tsv(rows: list[dict], labels: list[str], texts: dict[int, str]) -> list[tuple]:
    """Every annotation in the label columns, as (document, start, end, text, label): B on its
    first token, I on the following ones, no gaps."""
    tokens = defaultdict(list)  # (document, annotation id, label) → [(B/I, row)]
    for r in rows:
        for label in labels:
            cell = r[label]
            if cell == "O":
                continue
            for tag in cell.split("|"):
                m = TAG.match(tag)
                assert m, f"cell {cell!r} of {label}"
                assert m.group(2) == label, f"tag {tag!r} in the {label} column"
                tokens[(r["document"], int(m.group(3)), label)].append((m.group(1), r))
    found = []
    for (document, annotation, label), parts in tokens.items():
        bi = [b for b, _ in parts]
        assert bi == ["B"] + ["I"] * (len(bi) - 1), f"annotation {annotation}: tags {bi}"
        numbers = [r["token"] for _, r in parts]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), f"annotation {annotation}: gaps"
        start, end = parts[0][1]["start"], parts[-1][1]["end"]
        found.append((document, start, end, texts[document][start:end], label))
    return found


def trimmed(fixture_annotations: list[dict]) -> list[dict]:
    """The fixture annotations as CoNLL can hold them: whitespace is never a token, so a span
    is written on the tokens inside it (none in the fixture starts or ends with whitespace)."""
    out = []
    for a in fixture_annotations:
        quote = a["quote"]
        lead = len(quote) - len(quote.lstrip())
        kept = quote.strip()
        if kept:
            out.append({**a, "start": a["start"] + lead, "end": a["start"] + lead + len(kept), "quote": kept})
    return out


def entities_from_iob2(documents, rows) -> list[tuple]:
    """IOB2 spans as (document, start, end), by lining the IOB2 tokens up with the TSV's."""
    by_document = defaultdict(list)
    for r in rows:
        by_document[r["document"]].append(r)
    found = []
    order = list(dict.fromkeys(r["document"] for r in rows))
    nonempty = [sentences for sentences in documents if sentences]
    assert len(nonempty) == len(order), "IOB2 documents and TSV documents differ in number"
    for document, sentences in zip(order, nonempty):
        flat = [t for sentence in sentences for t in sentence]
        mine = by_document[document]
        assert [t for t, _ in flat] == [r["text"] for r in mine], f"document {document}: tokens differ"
        # Sentence breaks agree with the TSV's sentence numbers.
        lengths = [len(s) for s in sentences]
        tsv_lengths = [sum(1 for r in mine if r["sentence"] == n) for n in dict.fromkeys(r["sentence"] for r in mine)]
        assert lengths == tsv_lengths, f"document {document}: sentences differ"
        start = None
        for i, (_, tag) in enumerate(flat + [("", "O")]):
            if start is not None and not tag.startswith("I-"):
                found.append((document, mine[start]["start"], mine[i - 1]["end"]))
                start = None
            if tag.startswith("B-"):
                start = i
    return found


# --- the tests ---------------------------------------------------------------------------------


def test_the_folder_holds_iob2_tsv_and_readme(folder, layer):
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["README.txt", "tokens.tsv", f"iob2-{layer}.conll"])


def test_the_iob2_file_says_its_scheme_and_layer(iob2, layer):
    header, documents = read_conll(iob2)
    assert header == f"-DOCSTART- scheme=IOB2 layer={layer} O"
    assert iob2.split("\n")[1] == "", "the header is not followed by a blank line"
    check_iob2(documents, layer)


def test_the_tsv_has_its_columns_and_every_token_slices_out_of_its_text(table, labels, texts, doc_map):
    header, rows = table
    assert header == HEADER + labels
    check_tokens(rows, texts)
    assert {r["document"] for r in rows} <= set(doc_map)
    # Token numbers count from 0 within each document, in text order.
    by_document = defaultdict(list)
    for r in rows:
        by_document[r["document"]].append(r)
    for document, mine in by_document.items():
        assert [r["token"] for r in mine] == list(range(len(mine)))
        assert all(a["end"] <= b["start"] for a, b in zip(mine, mine[1:])), f"document {document}: order"


def test_hostile_tokens_keep_flags_families_and_combining_marks_whole(table):
    _, rows = table
    words = {r["text"] for r in rows}
    for token in ("🇺🇦", "👩\u200d👩\u200d👧", "cafe\u0301", "café", "השלום", "الوزير", "😀"):
        assert token in words, f"{token!r} is not one token"


def test_every_annotation_is_in_the_tsv(table, labels, texts, doc_map, fixture_annotations, fixture_documents):
    _, rows = table
    found = spans_from_tsv(rows, labels, texts)
    expect.assert_spans(found, trimmed(fixture_annotations), documents=fixture_documents, doc_map=doc_map)


def test_the_iob2_spans_are_layer_annotations_and_the_rest_are_listed(
    iob2, table, labels, layer, texts, doc_map, fixture_annotations, fixture_documents, folder
):
    _, rows = table
    _, documents = read_conll(iob2)
    written = entities_from_iob2(documents, rows)
    layer_spans = {
        (d, s, e): (d, s, e, t, label) for d, s, e, t, label in spans_from_tsv(rows, labels, texts) if label == layer
    }
    assert set(written) <= set(layer_spans), "an IOB2 span is not an annotation of the layer"
    # Those left out each overlap a written one, and the README lists them all.
    left_out = set(layer_spans) - set(written)
    for d, s, e in left_out:
        assert any(d == d2 and s < e2 and s2 < e for d2, s2, e2 in written), f"{(d, s, e)} was left out for nothing"
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    listed = re.findall(rf"document (\d+) annotation \d+ {re.escape(layer)} (\d+)\.\.(\d+) .*: overlaps", readme)
    assert sorted((int(d), int(s), int(e)) for d, s, e in listed) == sorted(left_out)
    assert f"{layer} annotations in iob2-{layer}.conll: {len(written)} of {len(layer_spans)}" in readme
    assert left_out, "the fixture has nested spans of the layer; some must be left out"


def test_spacys_conll_converter_reads_the_same_tokens_and_entities(iob2, layer):
    from spacy.training.converters import conll_ner_to_docs

    docs = [d for d in conll_ner_to_docs(iob2, n_sents=0, no_print=True) if d[0].text != "-DOCSTART-"]
    _, documents = read_conll(iob2)
    nonempty = [sentences for sentences in documents if sentences]
    assert len(docs) == len(nonempty)
    for doc, sentences in zip(docs, nonempty):
        flat = [t for sentence in sentences for t in sentence]
        assert [t.text for t in doc] == [t for t, _ in flat]
        tags = [f"{t.ent_iob_}-{t.ent_type_}" if t.ent_iob_ != "O" else "O" for t in doc]
        assert tags == [tag for _, tag in flat]
        assert [len(list(s)) for s in doc.sents] == [len(s) for s in sentences]


def test_the_readme_states_scheme_units_and_counts(folder, layer, fixture_annotations, fixture_documents):
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "IOB2" in readme and f'layer "{layer}"' in readme
    assert "code points" in readme and "end exclusive" in readme
    assert f"annotations in tokens.tsv: {len(trimmed(fixture_annotations))} " in readme
    assert f"documents: {len(fixture_documents)}" in readme


# --- negative checks: the assertions above do fail on bad input --------------------------------


def test_negative_a_token_offset_shifted_by_one_is_caught(table, texts):
    _, rows = table
    for i in (0, len(rows) // 2, len(rows) - 1):
        bad = [dict(r) for r in rows]
        bad[i]["start"] += 1
        bad[i]["end"] += 1
        must_fail(check_tokens, bad, texts)


def test_negative_a_lost_or_shifted_annotation_is_caught(table, labels, texts, doc_map, fixture_annotations, fixture_documents):
    _, rows = table
    found = spans_from_tsv(rows, labels, texts)
    expected = trimmed(fixture_annotations)
    must_fail(expect.assert_spans, found[1:], expected, documents=fixture_documents, doc_map=doc_map)
    must_fail(expect.assert_spans, expect.shifted(found, 0), expected, documents=fixture_documents, doc_map=doc_map)
    # A tag erased from one token leaves a gap the reader rejects.
    bad = [dict(r) for r in rows]
    victim = next(i for i, r in enumerate(bad) if r[labels[1]].startswith("I-"))
    bad[victim][labels[1]] = "O"
    must_fail(lambda: expect.assert_spans(spans_from_tsv(bad, labels, texts), expected, documents=fixture_documents, doc_map=doc_map))


def test_negative_invalid_iob2_is_caught(iob2, layer):
    _, documents = read_conll(iob2)
    bad = [[list(s) for s in sentences] for sentences in documents]
    sentence = next(s for sentences in bad for s in sentences if any(t == "O" for _, t in s))
    i = next(i for i, (_, t) in enumerate(sentence) if t == "O")
    sentence[i] = (sentence[i][0], f"I-{layer}")
    if i > 0:
        sentence[i - 1] = (sentence[i - 1][0], "O")
    must_fail(check_iob2, bad, layer)
    must_fail(read_conll, iob2.replace(" _ _ O\n", " O\n", 1))
