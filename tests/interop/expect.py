"""What the interop tests expect, computed from the fixture corpus alone.

Nothing here reads an export's own derived fields: statements and networks are derived again
from annotations and relations, so an export is compared with an independent answer.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable

UNITS = ("code_point", "utf16", "utf8")
SPEAKER_KINDS = ("said_by", "held_by")
OPPOSITES = (("support", "oppose"),)


# --- the native JSON Lines format -----------------------------------------------------------


def load_native(path: Path | str) -> tuple[dict, list[dict]]:
    """The header and the document lines of a Claimdesk JSON Lines file."""
    header = None
    documents = []
    with open(path, encoding="utf-8", newline="") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if number == 1:
                assert record.get("type") == "project", f"line 1 of {path} is not the project header"
                header = record
            else:
                assert record.get("type") == "document", f"line {number} of {path} is not a document"
                documents.append(record)
    assert header is not None, f"{path} is empty"
    return header, documents


def entities_by_id(header: dict, documents: Iterable[dict] = ()) -> dict[int, dict]:
    found = {e["id"]: e for e in header.get("entities", [])}
    for d in documents:
        for e in d.get("entities", []):
            found.setdefault(e["id"], e)
    return found


# --- offsets --------------------------------------------------------------------------------


def convert_offset(text: str, code_points: int, unit: str) -> int:
    """A code-point offset into `text` in another unit."""
    if unit == "code_point":
        return code_points
    if unit == "utf16":
        return len(text[:code_points].encode("utf-16-le")) // 2
    if unit == "utf8":
        return len(text[:code_points].encode("utf-8"))
    raise ValueError(f"unknown unit {unit!r}, expected one of {UNITS}")


def slice_text(text: str, start: int, end: int, unit: str = "code_point") -> str:
    """The text between two offsets in `unit`, end exclusive. A slice that cuts a UTF-16
    surrogate pair or a UTF-8 sequence fails to decode, which is a mismatch too."""
    assert 0 <= start <= end, f"bad span {start}..{end}"
    if unit == "code_point":
        assert end <= len(text), f"span {start}..{end} beyond the text ({len(text)} code points)"
        return text[start:end]
    if unit == "utf16":
        data = text.encode("utf-16-le")
        assert 2 * end <= len(data), f"span {start}..{end} beyond the text ({len(data) // 2} UTF-16 units)"
        piece, encoding = data[2 * start : 2 * end], "utf-16-le"
    elif unit == "utf8":
        data = text.encode("utf-8")
        assert end <= len(data), f"span {start}..{end} beyond the text ({len(data)} UTF-8 bytes)"
        piece, encoding = data[start:end], "utf-8"
    else:
        raise ValueError(f"unknown unit {unit!r}, expected one of {UNITS}")
    try:
        return piece.decode(encoding)
    except UnicodeDecodeError as e:
        raise AssertionError(f"{unit} span {start}..{end} cuts a character: {e}") from None


def assert_spans(
    found: Iterable[tuple],
    fixture_annotations: list[dict],
    unit: str = "code_point",
    *,
    documents: dict[Any, str] | None = None,
    doc_map: dict | Callable | None = None,
) -> None:
    """Checks spans read from an export against the fixture.

    `found` holds `(doc_id, start, end, text_or_quote)` tuples, or `(doc_id, start, end,
    text_or_quote, label)` to compare labels too, with offsets in `unit` (`code_point`,
    `utf16` or `utf8`, end exclusive). Each span must slice its text out of the fixture
    document, and the multiset of spans must equal the fixture annotations' (pass a filtered
    list for formats that carry only some labels). `doc_map` (dict or function) turns the
    export's document ids into fixture ids when they differ; `documents` is the fixture's
    id → text (read from the fixture when not given).
    """
    if documents is None:
        documents = _fixture_documents()
    to_fixture = (doc_map.__getitem__ if isinstance(doc_map, dict) else doc_map) or (lambda d: d)

    found = [tuple(f) for f in found]
    with_labels = bool(found) and all(len(f) == 5 for f in found)
    assert all(len(f) in (4, 5) for f in found), "spans must be (doc_id, start, end, text[, label])"
    assert not found or with_labels or all(len(f) == 4 for f in found), "mixed span tuples"

    got = Counter()
    for f in found:
        doc_id = to_fixture(f[0])
        assert doc_id in documents, f"span {f} names document {f[0]!r}, not in the fixture"
        start, end = int(f[1]), int(f[2])
        sliced = slice_text(documents[doc_id], start, end, unit)
        assert sliced == f[3], (
            f"document {doc_id}: {unit} offsets {start}..{end} slice {sliced!r}, "
            f"but the export says {f[3]!r}"
        )
        got[(doc_id, start, end, f[3]) + ((f[4],) if with_labels else ())] += 1

    expected = Counter()
    for a in fixture_annotations:
        text = documents[a["document_id"]]
        key = (
            a["document_id"],
            convert_offset(text, a["start"], unit),
            convert_offset(text, a["end"], unit),
            a["quote"],
        )
        expected[key + ((a["label"],) if with_labels else ())] += 1

    missing, extra = expected - got, got - expected
    assert not missing and not extra, (
        f"spans differ from the fixture ({unit}):\n"
        f"  missing: {sorted(missing.elements(), key=repr)}\n"
        f"  unexpected: {sorted(extra.elements(), key=repr)}"
    )


def shifted(found: Iterable[tuple], index: int = 0, by: int = 1) -> list[tuple]:
    """A copy of span tuples with one span's offsets moved by `by`: corrupted input for a
    negative check."""
    out = [tuple(f) for f in found]
    f = out[index]
    out[index] = (f[0], int(f[1]) + by, int(f[2]) + by) + f[3:]
    return out


def must_fail(fn: Callable, *args, **kwargs) -> AssertionError:
    """Runs a check on corrupted input and insists that it fails with an AssertionError: a
    check that passes anything proves nothing. Returns the error for further asserts."""
    try:
        fn(*args, **kwargs)
    except AssertionError as e:
        return e
    raise AssertionError(
        f"negative check: {getattr(fn, '__name__', fn)} accepted corrupted input it should reject"
    )


def map_documents(exported: dict[Any, str], fixture_documents: dict[int, str]) -> dict[Any, int]:
    """Export document id → fixture id, matching texts exactly (one to one)."""
    by_text: dict[str, list[int]] = defaultdict(list)
    for fid, text in fixture_documents.items():
        by_text[text].append(fid)
    out = {}
    for eid, text in exported.items():
        ids = by_text.get(text)
        assert ids, f"exported document {eid!r} has a text that is not in the fixture: {text[:80]!r}"
        assert len(ids) == 1, f"fixture documents {ids} share one text; cannot match {eid!r}"
        out[eid] = ids[0]
    assert sorted(out.values()) == sorted(fixture_documents), (
        f"exported documents {sorted(out.values())} are not the fixture's {sorted(fixture_documents)}"
    )
    return out


# --- statements -----------------------------------------------------------------------------


def _stance(annotation: dict) -> str | None:
    value = (annotation.get("attributes") or {}).get("stance")
    return value if isinstance(value, str) and value else None


def _name(annotation: dict, entities: dict[int, dict]) -> tuple[str, int | None]:
    eid = annotation.get("entity_id")
    if eid is not None and eid in entities:
        return entities[eid]["name"], eid
    return annotation["quote"], eid


def derive_statements(document: dict, entities: dict[int, dict]) -> list[dict]:
    """The statements of one native document record, derived from its annotations and
    relations alone (the `statements` field is not read).

    For every relation `X said_by A` or `X held_by A`: if X is `about` claims C, one statement
    per C (stance: X's `stance` attribute, position X). Otherwise X is the claim: its own stance
    if it has one (no position), else one statement per position P `about` X whose speakers
    (`held_by` or `said_by`), if it has any, include A (P's stance, position P); none: stance
    unknown. De-duplicated
    on (actor annotation, claim annotation, position annotation).
    """
    annotations = {a["id"]: a for a in document["annotations"]}
    relations = [
        r for r in document["relations"] if r["from_id"] in annotations and r["to_id"] in annotations
    ]
    about: dict[int, list[int]] = defaultdict(list)  # position → claims
    about_me: dict[int, list[int]] = defaultdict(list)  # claim → positions
    holders: dict[int, list[int]] = defaultdict(list)  # position → its speakers
    for r in relations:
        if r["kind"] == "about":
            about[r["from_id"]].append(r["to_id"])
            about_me[r["to_id"]].append(r["from_id"])
        elif r["kind"] in SPEAKER_KINDS:
            holders[r["from_id"]].append(r["to_id"])

    out, seen = [], set()

    def emit(actor: dict, claim: dict, stance: str | None, position: int | None) -> None:
        key = (actor["id"], claim["id"], position)
        if key in seen:
            return
        seen.add(key)
        actor_name, actor_entity = _name(actor, entities)
        concept, concept_entity = _name(claim, entities)
        out.append(
            {
                "document_id": document["id"],
                "date": document.get("date"),
                "source": document.get("source"),
                "title": document.get("title"),
                "actor": actor_name,
                "actor_entity_id": actor_entity,
                "actor_annotation_id": actor["id"],
                "concept": concept,
                "concept_entity_id": concept_entity,
                "claim_annotation_id": claim["id"],
                "stance": stance,
                "position_annotation_id": position,
            }
        )

    for r in relations:
        if r["kind"] not in SPEAKER_KINDS:
            continue
        x, actor = annotations[r["from_id"]], annotations[r["to_id"]]
        if about[x["id"]]:
            for c in about[x["id"]]:
                emit(actor, annotations[c], _stance(x), x["id"])
            continue
        if _stance(x) is not None:
            emit(actor, x, _stance(x), None)
            continue
        positions = [
            p for p in about_me[x["id"]] if not holders[p] or actor["id"] in holders[p]
        ]
        for p in positions:
            emit(actor, x, _stance(annotations[p]), p)
        if not positions:
            emit(actor, x, None, None)
    return out


def keep_labels(document: dict, labels: Iterable[str]) -> dict:
    """A document record as an export scoped to these labels should see it: other annotations
    dropped, and relations with them."""
    labels = set(labels)
    kept = [a for a in document["annotations"] if a["label"] in labels]
    ids = {a["id"] for a in kept}
    return {
        **document,
        "annotations": kept,
        "relations": [r for r in document["relations"] if r["from_id"] in ids and r["to_id"] in ids],
    }


def statement_key(s: dict) -> tuple:
    """A statement as a comparable, order-free tuple."""
    return tuple(
        "" if s.get(k) is None else str(s.get(k))
        for k in (
            "document_id",
            "actor",
            "actor_entity_id",
            "actor_annotation_id",
            "concept",
            "concept_entity_id",
            "claim_annotation_id",
            "stance",
            "position_annotation_id",
        )
    )


def assert_same_statements(found: Iterable[dict], expected: Iterable[dict]) -> None:
    got, want = Counter(map(statement_key, found)), Counter(map(statement_key, expected))
    assert got == want, (
        "statements differ:\n"
        f"  missing: {sorted((want - got).elements())}\n"
        f"  unexpected: {sorted((got - want).elements())}"
    )


# --- networks -------------------------------------------------------------------------------


def node_key(kind: str, entity_id: Any, label: str) -> tuple:
    """A network node: its entity when linked, else its (trimmed) text."""
    if entity_id not in (None, ""):
        return (kind, int(float(entity_id)))
    return (kind, None, str(label).strip())


class Networks:
    """Discourse networks computed from statements.

    `two_mode`: (actor node, concept node, stance or "") → number of statements.
    `one_mode`: frozenset of two actor nodes → (congruence, conflict), only pairs with either
    above zero. `labels`: node → label.
    """

    def __init__(self, statements: Iterable[dict]):
        self.two_mode: Counter = Counter()
        self.labels: dict[tuple, str] = {}
        stances: dict[tuple, dict[tuple, set]] = defaultdict(lambda: defaultdict(set))
        for s in statements:
            actor = node_key("actor", s["actor_entity_id"], s["actor"])
            concept = node_key("concept", s["concept_entity_id"], s["concept"])
            self.labels.setdefault(actor, s["actor"])
            self.labels.setdefault(concept, s["concept"])
            stance = s["stance"] or ""
            self.two_mode[(actor, concept, stance)] += 1
            if stance:
                stances[actor][concept].add(stance)
        self.one_mode: dict[frozenset, tuple[int, int]] = {}
        actors = sorted(stances, key=repr)
        for i, a in enumerate(actors):
            for b in actors[i + 1 :]:
                congruence = conflict = 0
                for concept, mine in stances[a].items():
                    theirs = stances[b].get(concept)
                    if not theirs:
                        continue
                    if mine & theirs:
                        congruence += 1
                    if any(
                        (x in mine and y in theirs) or (y in mine and x in theirs) for x, y in OPPOSITES
                    ):
                        conflict += 1
                if congruence or conflict:
                    self.one_mode[frozenset((a, b))] = (congruence, conflict)

    @property
    def actors(self) -> set:
        return {a for a, _, _ in self.two_mode}

    @property
    def concepts(self) -> set:
        return {c for _, c, _ in self.two_mode}


# --- the fixture ----------------------------------------------------------------------------

FIXTURE = Path(__file__).resolve().parent / "fixture.jsonl"


def _fixture_documents() -> dict[int, str]:
    _, documents = load_native(FIXTURE)
    return {d["id"]: d["text"] for d in documents}


# --- building native records (for corpora a test makes itself) ------------------------------

STAMP = "2025-02-18T12:00:00Z"


def native_document(
    doc_id: int,
    text: str,
    spans: list[tuple],
    relations: list[tuple],
    entities: dict[int, dict],
    *,
    title: str = "",
    date: str | None = None,
    annotator: str = "ana",
) -> dict:
    """A native document record. `spans` holds `(id, label, needle, attributes, entity_id)`,
    each annotating the first occurrence of `needle` (or `(id, label, (start, end), ...)` with
    code-point offsets); `relations` holds `(id, kind, from_id, to_id)`. Offsets in all three
    units, prefix, suffix, entities and statements are filled in."""
    import hashlib

    annotations = []
    for aid, label, where, attributes, entity_id in spans:
        if isinstance(where, str):
            assert where in text, f"{where!r} not in the text"
            start = text.index(where)
            end = start + len(where)
        else:
            start, end = where
        annotations.append(
            {
                "id": aid,
                "label": label,
                "start": start,
                "end": end,
                "utf16_start": convert_offset(text, start, "utf16"),
                "utf16_end": convert_offset(text, end, "utf16"),
                "utf8_start": convert_offset(text, start, "utf8"),
                "utf8_end": convert_offset(text, end, "utf8"),
                "quote": text[start:end],
                "prefix": text[max(0, start - 32) : start],
                "suffix": text[end : end + 32],
                "attributes": dict(attributes or {}),
                "note": None,
                "entity_id": entity_id,
                "annotator": annotator,
                "created_at": STAMP,
                "updated_at": STAMP,
            }
        )
    annotations.sort(key=lambda a: (a["start"], a["end"], a["id"]))
    record = {
        "type": "document",
        "id": doc_id,
        "title": title,
        "date": date,
        "source": None,
        "author": None,
        "url": None,
        "language": None,
        "metadata": {},
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "imported_at": STAMP,
        "text": text,
        "annotations": annotations,
        "relations": [
            {"id": rid, "kind": kind, "from_id": f, "to_id": t, "annotator": annotator, "created_at": STAMP}
            for rid, kind, f, t in sorted(relations)
        ],
        "entities": [entities[e] for e in sorted({a["entity_id"] for a in annotations if a["entity_id"] is not None})],
    }
    record["statements"] = derive_statements(record, entities)
    return record


def write_native(path: Path, header: dict, documents: list[dict]) -> Path:
    """Writes a native JSON Lines file: the header, then one document per line."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for record in [header, *documents]:
            f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    return path
