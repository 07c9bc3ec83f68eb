//! spaCy DocBin and spaCy JSON Lines.
//!
//! Both use the tokens of [`super::tokens`] as spaCy's `words` and `spaces`: a single space
//! after a token is its trailing whitespace, any other whitespace (a second space, a tab, a
//! line break, CRLF) is a token of its own, so `doc.text` is the document's text exactly.
//! Every annotation is exactly a run of tokens. Offsets are code points (Python `str`
//! indices), as spaCy's `idx` and `start_char` count them.
//!
//! **`.spacy` (DocBin)**, as `DocBin(store_user_data=True).to_bytes()` writes it: a zlib
//! stream of one msgpack map (`version`, `attrs`, `tokens`, `spaces`, `lengths`, `strings`,
//! `cats`, `flags`, `span_groups`, `user_data`; `strings` lists the strings these Docs use,
//! without the norms spaCy adds). Load it with
//! `DocBin().from_disk(path).get_docs(nlp.vocab)`. Each Doc has:
//!
//! - `doc.spans["sc"]`: every annotation, in text order, overlapping and nested ones included;
//!   and one span group per label of the schema (`doc.spans["Actor"]`, possibly empty; a label
//!   called `sc` has no group of its own). `span.label_` is the label, `span.id_` the
//!   annotation id and `span.kb_id_` the id of its actor or concept entity (empty if none).
//! - `doc.ents`: the annotations that do not overlap, longest first (then earliest, then
//!   lowest id), whatever their label; with the same `id_` and `kb_id_`. Tokens of the other
//!   annotations that no entity covers have a missing entity tag (`ent_iob_ == ""`), not `O`,
//!   since something is coded there; all other tokens are `O`.
//! - Sentence starts (`doc.sents`) from the tokenizer.
//! - `doc.user_data[("._.", "claimdesk", None, None)]` (so `doc._.claimdesk` once the
//!   extension is set): the document's fields and metadata, every annotation with its
//!   annotator, entity, attributes and note, and the relations, as plain msgpack values.
//!
//! **JSON Lines** (Prodigy style), one line per document:
//! `{"text", "meta": {"id", "title", "date", "source", "author", "url", "language",
//! "metadata"}, "tokens": [{"text", "start", "end", "id", "ws"}], "spans": [{"start", "end",
//! "token_start", "token_end", "label", "id"}]}`. Offsets are code points, `end` exclusive;
//! `token_start` and `token_end` are token ids and both inclusive, as in Prodigy. A span's
//! `id` is the annotation id. All annotations are in `spans`, overlapping ones included.
//! `Doc(nlp.vocab, words=[t["text"]...], spaces=[t["ws"]...])` gives back the text, and
//! `doc.char_span(start, end)` each span.
//!
//! Self-check: the tokens must give back the text, every token is sliced again out of the
//! text by its code-point offsets, and every span by the offsets of its first and last token,
//! and compared with its text or the annotation's quote.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::sync::OnceLock;

use chrono::NaiveDate;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use serde::Serialize;
use serde_json::{json, Value};

use claimdesk_core::dataset::{AnnotationRecord, DocumentRecord, ProjectInfo};
use claimdesk_core::Unit;

use super::check::SpanCheck;
use super::tokens::{covered, Token, Tokens};
use super::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

pub(super) fn new_docbin(
    project: &ProjectInfo,
    options: &ExportOptions,
    mut out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let _ = options;
    let file = out.create("export.spacy")?;
    Ok(Box::new(DocBin {
        file: Some(file),
        labels: project.labels.iter().map(|l| l.name.clone()).collect(),
        entities: project
            .entities
            .iter()
            .map(|e| (e.id, e.name.clone()))
            .collect(),
        tokens: Vec::new(),
        spaces: Vec::new(),
        lengths: Vec::new(),
        strings: BTreeSet::new(),
        span_groups: Vec::new(),
        user_data: Vec::new(),
        summary: ExportSummary::default(),
    }))
}

pub(super) fn new_jsonl(
    project: &ProjectInfo,
    options: &ExportOptions,
    mut out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let _ = (project, options);
    let file = BufWriter::new(out.create("export.spacy.jsonl")?);
    Ok(Box::new(Jsonl {
        file,
        summary: ExportSummary::default(),
    }))
}

/// A document cut into spaCy tokens, with its annotations placed on them, all checked.
struct Prepared<'d> {
    tokens: Vec<Token>,
    /// Every annotation with its tokens, in text order.
    spans: Vec<(&'d AnnotationRecord, Range<usize>)>,
    /// Which of `spans` are also entities.
    ents: Vec<bool>,
}

fn prepare<'d>(
    doc: &'d DocumentRecord,
    summary: &mut ExportSummary,
) -> Result<Prepared<'d>, ExportError> {
    let check = SpanCheck::new(doc);
    let tokens = Tokens::new(doc).spacy();
    let mut rebuilt = String::with_capacity(doc.text.len());
    for t in &tokens {
        let text = t.text(&doc.text);
        check.text(0, Unit::CodePoint, t.start, t.end, text)?;
        rebuilt.push_str(text);
        if t.ws {
            rebuilt.push(' ');
        }
    }
    if rebuilt != doc.text {
        return Err(ExportError::Invalid(format!(
            "the tokens of document {} do not give back its text",
            doc.id
        )));
    }

    let mut spans = Vec::with_capacity(doc.annotations.len());
    for a in &doc.annotations {
        if a.start >= a.end {
            return Err(ExportError::Invalid(format!(
                "annotation {} in document {} is empty",
                a.id, doc.id
            )));
        }
        let range = covered(&tokens, a.start, a.end)
            .filter(|r| tokens[r.start].start == a.start && tokens[r.end - 1].end == a.end);
        let Some(range) = range else {
            check.span(a.id, Unit::CodePoint, a.start, a.end)?;
            return Err(ExportError::Invalid(format!(
                "annotation {} in document {} does not fall on token boundaries",
                a.id, doc.id
            )));
        };
        check.span(
            a.id,
            Unit::CodePoint,
            tokens[range.start].start,
            tokens[range.end - 1].end,
        )?;
        summary.spans_checked += 1;
        spans.push((a, range));
    }

    // Entities: longest first, then earliest, then lowest id; none may share a token.
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| {
        let (a, _) = spans[i];
        (std::cmp::Reverse(a.end - a.start), a.start, a.id)
    });
    let mut taken = vec![false; tokens.len()];
    let mut ents = vec![false; spans.len()];
    for i in order {
        let range = spans[i].1.clone();
        if range.clone().all(|t| !taken[t]) {
            range.for_each(|t| taken[t] = true);
            ents[i] = true;
        }
    }
    Ok(Prepared {
        tokens,
        spans,
        ents,
    })
}

// ---------------------------------------------------------------------------------------------
// DocBin

/// spaCy's attribute ids (`spacy.attrs`), in the order of the token columns.
const ORTH: u64 = 65;
const ENT_IOB: u64 = 77;
const ENT_TYPE: u64 = 78;
const SENT_START: u64 = 80;
const ENT_KB_ID: u64 = 452;
const ENT_ID: u64 = 454;
const ATTRS: [u64; 6] = [ORTH, ENT_IOB, ENT_TYPE, SENT_START, ENT_KB_ID, ENT_ID];

/// `Token.iob_strings()`: missing, inside, outside, beginning.
const IOB_MISSING: u64 = 0;
const IOB_I: u64 = 1;
const IOB_O: u64 = 2;
const IOB_B: u64 = 3;

struct DocBin {
    file: Option<Box<dyn Write + Send>>,
    labels: Vec<String>,
    entities: HashMap<i64, String>,
    /// Little-endian u64 rows of `ATTRS`, all documents one after the other.
    tokens: Vec<u8>,
    spaces: Vec<u8>,
    /// Little-endian i32 token counts.
    lengths: Vec<u8>,
    strings: BTreeSet<String>,
    span_groups: Vec<Vec<u8>>,
    user_data: Vec<Vec<u8>>,
    summary: ExportSummary,
}

impl DocBin {
    fn intern(&mut self, s: &str) -> u64 {
        if !self.strings.contains(s) {
            self.strings.insert(s.to_string());
        }
        string_id(s)
    }
}

impl Exporter for DocBin {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let p = prepare(doc, &mut self.summary)?;

        // Per-token entity columns.
        let n = p.tokens.len();
        let mut iob = vec![IOB_O; n];
        let mut ent_type = vec![0u64; n];
        let mut kb = vec![0u64; n];
        let mut ent_id = vec![0u64; n];
        for ((a, range), &ent) in p.spans.iter().zip(&p.ents) {
            if !ent {
                continue;
            }
            let label = self.intern(&a.label);
            let id = self.intern(&a.id.to_string());
            let entity = match a.entity_id {
                Some(e) => self.intern(&e.to_string()),
                None => 0,
            };
            for t in range.clone() {
                iob[t] = if t == range.start { IOB_B } else { IOB_I };
                ent_type[t] = label;
                kb[t] = entity;
                ent_id[t] = id;
            }
        }
        for ((_, range), &ent) in p.spans.iter().zip(&p.ents) {
            if !ent {
                for t in range.clone() {
                    if iob[t] == IOB_O {
                        iob[t] = IOB_MISSING;
                    }
                }
            }
        }
        for (i, t) in p.tokens.iter().enumerate() {
            let orth = self.intern(t.text(&doc.text));
            let sent_start = if i == 0 || p.tokens[i - 1].sentence != t.sentence {
                1
            } else {
                u64::MAX // -1: not a sentence start
            };
            for v in [orth, iob[i], ent_type[i], sent_start, kb[i], ent_id[i]] {
                self.tokens.extend_from_slice(&v.to_le_bytes());
            }
            self.spaces.push(u8::from(t.ws));
        }
        let length = i32::try_from(n)
            .map_err(|_| ExportError::Invalid(format!("document {} is too long", doc.id)))?;
        self.lengths.extend_from_slice(&length.to_le_bytes());

        // Span groups: "sc" with everything, then one per label.
        let mut packed: Vec<(&str, Vec<u8>)> = Vec::with_capacity(p.spans.len());
        for (a, range) in &p.spans {
            let id = self.intern(&a.id.to_string());
            let kb = match a.entity_id {
                Some(e) => self.intern(&e.to_string()),
                None => 0,
            };
            let label = self.intern(&a.label);
            let mut bytes = Vec::with_capacity(40);
            bytes.extend_from_slice(&id.to_be_bytes());
            bytes.extend_from_slice(&kb.to_be_bytes());
            bytes.extend_from_slice(&label.to_be_bytes());
            for v in [range.start, range.end, a.start, a.end] {
                let v = i32::try_from(v).map_err(|_| {
                    ExportError::Invalid(format!("document {} is too long", doc.id))
                })?;
                bytes.extend_from_slice(&v.to_be_bytes());
            }
            packed.push((a.label.as_str(), bytes));
        }
        let mut groups: Vec<(&str, Vec<&[u8]>)> =
            vec![("sc", packed.iter().map(|(_, b)| b.as_slice()).collect())];
        let mut names: Vec<&str> = self.labels.iter().map(String::as_str).collect();
        for (label, _) in &packed {
            if !names.contains(label) {
                names.push(label);
            }
        }
        for name in names.into_iter().filter(|n| *n != "sc") {
            let spans = packed
                .iter()
                .filter(|(l, _)| *l == name)
                .map(|(_, b)| b.as_slice())
                .collect();
            groups.push((name, spans));
        }
        let mut msg = Vec::new();
        msgpack::map(&mut msg, groups.len());
        for (name, spans) in &groups {
            let mut group = Vec::new();
            msgpack::map(&mut group, 3);
            msgpack::str(&mut group, "name");
            msgpack::str(&mut group, name);
            msgpack::str(&mut group, "attrs");
            msgpack::map(&mut group, 0);
            msgpack::str(&mut group, "spans");
            msgpack::array(&mut group, spans.len());
            for span in spans {
                msgpack::bin(&mut group, span);
            }
            msgpack::bin(&mut msg, &group);
            msgpack::array(&mut msg, 1);
            msgpack::str(&mut msg, name);
        }
        self.span_groups.push(msg);

        // User data: everything else about the document.
        let annotations: Vec<Value> = p
            .spans
            .iter()
            .zip(&p.ents)
            .map(|((a, _), ent)| {
                json!({
                    "id": a.id,
                    "label": a.label,
                    "start": a.start,
                    "end": a.end,
                    "annotator": a.annotator,
                    "entity_id": a.entity_id,
                    "entity": a.entity_id.and_then(|e| self.entities.get(&e)),
                    "attributes": a.attributes,
                    "note": a.note,
                    "in_ents": ent,
                })
            })
            .collect();
        let relations: Vec<Value> = doc
            .relations
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "kind": r.kind,
                    "from_id": r.from_id,
                    "to_id": r.to_id,
                    "annotator": r.annotator,
                })
            })
            .collect();
        let data = json!({
            "document": meta(doc),
            "annotations": annotations,
            "relations": relations,
        });
        let mut user = Vec::new();
        msgpack::map(&mut user, 1);
        msgpack::array(&mut user, 4);
        msgpack::str(&mut user, "._.");
        msgpack::str(&mut user, "claimdesk");
        msgpack::nil(&mut user);
        msgpack::nil(&mut user);
        msgpack::json(&mut user, &data);
        self.user_data.push(user);

        self.summary.documents += 1;
        self.summary.annotations += p.spans.len();
        self.summary.relations += doc.relations.len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        let file = self
            .file
            .take()
            .ok_or_else(|| ExportError::Invalid("the export was finished twice".into()))?;
        let mut z = ZlibEncoder::new(BufWriter::new(file), Compression::default());
        let n = self.span_groups.len();
        let mut head = Vec::new();
        msgpack::map(&mut head, 10);
        msgpack::str(&mut head, "version");
        msgpack::str(&mut head, "0.1");
        msgpack::str(&mut head, "attrs");
        msgpack::array(&mut head, ATTRS.len());
        for a in ATTRS {
            msgpack::uint(&mut head, a);
        }
        msgpack::str(&mut head, "tokens");
        msgpack::bin_header(&mut head, self.tokens.len());
        z.write_all(&head)?;
        z.write_all(&self.tokens)?;

        let mut buf = Vec::new();
        msgpack::str(&mut buf, "spaces");
        msgpack::bin(&mut buf, &self.spaces);
        msgpack::str(&mut buf, "lengths");
        msgpack::bin(&mut buf, &self.lengths);
        msgpack::str(&mut buf, "strings");
        msgpack::array(&mut buf, self.strings.len());
        for s in &self.strings {
            msgpack::str(&mut buf, s);
        }
        msgpack::str(&mut buf, "cats");
        msgpack::array(&mut buf, n);
        for _ in 0..n {
            msgpack::map(&mut buf, 0);
        }
        msgpack::str(&mut buf, "flags");
        msgpack::array(&mut buf, n);
        for _ in 0..n {
            msgpack::map(&mut buf, 1);
            msgpack::str(&mut buf, "has_unknown_spaces");
            msgpack::bool(&mut buf, false);
        }
        msgpack::str(&mut buf, "span_groups");
        msgpack::array(&mut buf, n);
        for g in &self.span_groups {
            msgpack::bin(&mut buf, g);
        }
        msgpack::str(&mut buf, "user_data");
        msgpack::array(&mut buf, n);
        for u in &self.user_data {
            msgpack::bin(&mut buf, u);
        }
        z.write_all(&buf)?;
        let mut file = z.finish()?;
        file.flush()?;
        Ok(self.summary)
    }
}

/// The document's own fields, for `meta` and user data.
fn meta(doc: &DocumentRecord) -> Value {
    json!(Meta::of(doc))
}

#[derive(Serialize)]
struct Meta<'d> {
    id: i64,
    title: &'d str,
    date: Option<NaiveDate>,
    source: Option<&'d str>,
    author: Option<&'d str>,
    url: Option<&'d str>,
    language: Option<&'d str>,
    metadata: &'d serde_json::Map<String, Value>,
}

impl<'d> Meta<'d> {
    fn of(doc: &'d DocumentRecord) -> Meta<'d> {
        Meta {
            id: doc.id,
            title: &doc.title,
            date: doc.date,
            source: doc.source.as_deref(),
            author: doc.author.as_deref(),
            url: doc.url.as_deref(),
            language: doc.language.as_deref(),
            metadata: &doc.metadata,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Lines

struct Jsonl {
    file: BufWriter<Box<dyn Write + Send>>,
    summary: ExportSummary,
}

#[derive(Serialize)]
struct Line<'d> {
    text: &'d str,
    meta: Meta<'d>,
    tokens: Vec<JsonToken<'d>>,
    spans: Vec<JsonSpan<'d>>,
}

#[derive(Serialize)]
struct JsonToken<'d> {
    text: &'d str,
    start: usize,
    end: usize,
    id: usize,
    ws: bool,
}

#[derive(Serialize)]
struct JsonSpan<'d> {
    start: usize,
    end: usize,
    token_start: usize,
    /// Inclusive, as in Prodigy.
    token_end: usize,
    label: &'d str,
    id: i64,
}

impl Exporter for Jsonl {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let p = prepare(doc, &mut self.summary)?;
        let line = Line {
            text: &doc.text,
            meta: Meta::of(doc),
            tokens: p
                .tokens
                .iter()
                .enumerate()
                .map(|(id, t)| JsonToken {
                    text: t.text(&doc.text),
                    start: t.start,
                    end: t.end,
                    id,
                    ws: t.ws,
                })
                .collect(),
            spans: p
                .spans
                .iter()
                .map(|(a, range)| JsonSpan {
                    start: p.tokens[range.start].start,
                    end: p.tokens[range.end - 1].end,
                    token_start: range.start,
                    token_end: range.end - 1,
                    label: &a.label,
                    id: a.id,
                })
                .collect(),
        };
        let json = serde_json::to_string(&line).map_err(|e| ExportError::Invalid(e.to_string()))?;
        // Characters Python's str.splitlines() breaks on, escaped so one line stays one line.
        let json = json
            .replace('\u{85}', "\\u0085")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029");
        self.file.write_all(json.as_bytes())?;
        self.file.write_all(b"\n")?;
        self.summary.documents += 1;
        self.summary.annotations += p.spans.len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        self.file.flush()?;
        Ok(self.summary)
    }
}

// ---------------------------------------------------------------------------------------------
// spaCy's string ids

/// The id spaCy's `StringStore` gives a string: its symbol id if it is one of spaCy's
/// symbols (`spacy.symbols.IDS`, e.g. `""` is 0, `"PERSON"` 380), else MurmurHash64A of its
/// UTF-8 bytes with seed 1.
fn string_id(s: &str) -> u64 {
    static TABLE: OnceLock<HashMap<&'static str, u64>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        std::iter::once("")
            .chain(SYMBOLS.split_ascii_whitespace())
            .zip(0u64..)
            .collect()
    });
    match table.get(s) {
        Some(&id) => id,
        None => murmur64a(s.as_bytes(), 1),
    }
}

/// MurmurHash64A, as spaCy's `hash_string` computes it (through `murmurhash.hash64`).
fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let mut chunks = key.chunks_exact(8);
    for chunk in &mut chunks {
        let mut k = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// spaCy's symbols (`spacy.symbols.IDS`, spaCy 3.8) in id order from 1; `""` is 0.
const SYMBOLS: &str =
    "IS_ALPHA IS_ASCII IS_DIGIT IS_LOWER IS_PUNCT IS_SPACE IS_TITLE IS_UPPER LIKE_URL \
     LIKE_NUM LIKE_EMAIL IS_STOP IS_OOV_DEPRECATED IS_BRACKET IS_QUOTE IS_LEFT_PUNCT \
     IS_RIGHT_PUNCT IS_CURRENCY FLAG19 FLAG20 FLAG21 FLAG22 FLAG23 FLAG24 FLAG25 FLAG26 \
     FLAG27 FLAG28 FLAG29 FLAG30 FLAG31 FLAG32 FLAG33 FLAG34 FLAG35 FLAG36 FLAG37 FLAG38 \
     FLAG39 FLAG40 FLAG41 FLAG42 FLAG43 FLAG44 FLAG45 FLAG46 FLAG47 FLAG48 FLAG49 FLAG50 \
     FLAG51 FLAG52 FLAG53 FLAG54 FLAG55 FLAG56 FLAG57 FLAG58 FLAG59 FLAG60 FLAG61 FLAG62 \
     FLAG63 ID ORTH LOWER NORM SHAPE PREFIX SUFFIX LENGTH CLUSTER LEMMA POS TAG DEP ENT_IOB \
     ENT_TYPE HEAD SENT_START SPACY PROB LANG ADJ ADP ADV AUX CONJ CCONJ DET INTJ NOUN NUM \
     PART PRON PROPN PUNCT SCONJ SYM VERB X EOL SPACE DEPRECATED001 DEPRECATED002 \
     DEPRECATED003 DEPRECATED004 DEPRECATED005 DEPRECATED006 DEPRECATED007 DEPRECATED008 \
     DEPRECATED009 DEPRECATED010 DEPRECATED011 DEPRECATED012 DEPRECATED013 DEPRECATED014 \
     DEPRECATED015 DEPRECATED016 DEPRECATED017 DEPRECATED018 DEPRECATED019 DEPRECATED020 \
     DEPRECATED021 DEPRECATED022 DEPRECATED023 DEPRECATED024 DEPRECATED025 DEPRECATED026 \
     DEPRECATED027 DEPRECATED028 DEPRECATED029 DEPRECATED030 DEPRECATED031 DEPRECATED032 \
     DEPRECATED033 DEPRECATED034 DEPRECATED035 DEPRECATED036 DEPRECATED037 DEPRECATED038 \
     DEPRECATED039 DEPRECATED040 DEPRECATED041 DEPRECATED042 DEPRECATED043 DEPRECATED044 \
     DEPRECATED045 DEPRECATED046 DEPRECATED047 DEPRECATED048 DEPRECATED049 DEPRECATED050 \
     DEPRECATED051 DEPRECATED052 DEPRECATED053 DEPRECATED054 DEPRECATED055 DEPRECATED056 \
     DEPRECATED057 DEPRECATED058 DEPRECATED059 DEPRECATED060 DEPRECATED061 DEPRECATED062 \
     DEPRECATED063 DEPRECATED064 DEPRECATED065 DEPRECATED066 DEPRECATED067 DEPRECATED068 \
     DEPRECATED069 DEPRECATED070 DEPRECATED071 DEPRECATED072 DEPRECATED073 DEPRECATED074 \
     DEPRECATED075 DEPRECATED076 DEPRECATED077 DEPRECATED078 DEPRECATED079 DEPRECATED080 \
     DEPRECATED081 DEPRECATED082 DEPRECATED083 DEPRECATED084 DEPRECATED085 DEPRECATED086 \
     DEPRECATED087 DEPRECATED088 DEPRECATED089 DEPRECATED090 DEPRECATED091 DEPRECATED092 \
     DEPRECATED093 DEPRECATED094 DEPRECATED095 DEPRECATED096 DEPRECATED097 DEPRECATED098 \
     DEPRECATED099 DEPRECATED100 DEPRECATED101 DEPRECATED102 DEPRECATED103 DEPRECATED104 \
     DEPRECATED105 DEPRECATED106 DEPRECATED107 DEPRECATED108 DEPRECATED109 DEPRECATED110 \
     DEPRECATED111 DEPRECATED112 DEPRECATED113 DEPRECATED114 DEPRECATED115 DEPRECATED116 \
     DEPRECATED117 DEPRECATED118 DEPRECATED119 DEPRECATED120 DEPRECATED121 DEPRECATED122 \
     DEPRECATED123 DEPRECATED124 DEPRECATED125 DEPRECATED126 DEPRECATED127 DEPRECATED128 \
     DEPRECATED129 DEPRECATED130 DEPRECATED131 DEPRECATED132 DEPRECATED133 DEPRECATED134 \
     DEPRECATED135 DEPRECATED136 DEPRECATED137 DEPRECATED138 DEPRECATED139 DEPRECATED140 \
     DEPRECATED141 DEPRECATED142 DEPRECATED143 DEPRECATED144 DEPRECATED145 DEPRECATED146 \
     DEPRECATED147 DEPRECATED148 DEPRECATED149 DEPRECATED150 DEPRECATED151 DEPRECATED152 \
     DEPRECATED153 DEPRECATED154 DEPRECATED155 DEPRECATED156 DEPRECATED157 DEPRECATED158 \
     DEPRECATED159 DEPRECATED160 DEPRECATED161 DEPRECATED162 DEPRECATED163 DEPRECATED164 \
     DEPRECATED165 DEPRECATED166 DEPRECATED167 DEPRECATED168 DEPRECATED169 DEPRECATED170 \
     DEPRECATED171 DEPRECATED172 DEPRECATED173 DEPRECATED174 DEPRECATED175 DEPRECATED176 \
     DEPRECATED177 DEPRECATED178 DEPRECATED179 DEPRECATED180 DEPRECATED181 DEPRECATED182 \
     DEPRECATED183 DEPRECATED184 DEPRECATED185 DEPRECATED186 DEPRECATED187 DEPRECATED188 \
     DEPRECATED189 DEPRECATED190 DEPRECATED191 DEPRECATED192 DEPRECATED193 DEPRECATED194 \
     DEPRECATED195 DEPRECATED196 DEPRECATED197 DEPRECATED198 DEPRECATED199 DEPRECATED200 \
     DEPRECATED201 DEPRECATED202 DEPRECATED203 DEPRECATED204 DEPRECATED205 DEPRECATED206 \
     DEPRECATED207 DEPRECATED208 DEPRECATED209 DEPRECATED210 DEPRECATED211 DEPRECATED212 \
     DEPRECATED213 DEPRECATED214 DEPRECATED215 DEPRECATED216 DEPRECATED217 DEPRECATED218 \
     DEPRECATED219 DEPRECATED220 DEPRECATED221 DEPRECATED222 DEPRECATED223 DEPRECATED224 \
     DEPRECATED225 DEPRECATED226 DEPRECATED227 DEPRECATED228 DEPRECATED229 DEPRECATED230 \
     DEPRECATED231 DEPRECATED232 DEPRECATED233 DEPRECATED234 DEPRECATED235 DEPRECATED236 \
     DEPRECATED237 DEPRECATED238 DEPRECATED239 DEPRECATED240 DEPRECATED241 DEPRECATED242 \
     DEPRECATED243 DEPRECATED244 DEPRECATED245 DEPRECATED246 DEPRECATED247 DEPRECATED248 \
     DEPRECATED249 DEPRECATED250 DEPRECATED251 DEPRECATED252 DEPRECATED253 DEPRECATED254 \
     DEPRECATED255 DEPRECATED256 DEPRECATED257 DEPRECATED258 DEPRECATED259 DEPRECATED260 \
     DEPRECATED261 DEPRECATED262 DEPRECATED263 DEPRECATED264 DEPRECATED265 DEPRECATED266 \
     DEPRECATED267 DEPRECATED268 DEPRECATED269 DEPRECATED270 DEPRECATED271 DEPRECATED272 \
     DEPRECATED273 DEPRECATED274 DEPRECATED275 DEPRECATED276 PERSON NORP FACILITY ORG GPE \
     LOC PRODUCT EVENT WORK_OF_ART LANGUAGE LAW DATE TIME PERCENT MONEY QUANTITY ORDINAL \
     CARDINAL acomp advcl advmod agent amod appos attr aux auxpass cc ccomp complm conj cop \
     csubj csubjpass dep det dobj expl hmod hyph infmod intj iobj mark meta neg nmod nn \
     npadvmod nsubj nsubjpass num number oprd obj obl parataxis partmod pcomp pobj poss \
     possessive preconj prep prt punct quantmod relcl rcmod root xcomp acl ENT_KB_ID MORPH \
     ENT_ID IDX _";

// ---------------------------------------------------------------------------------------------
// msgpack, as Python's msgpack packs with `use_bin_type=True`: the smallest form of each value.

mod msgpack {
    use serde_json::Value;

    fn head(out: &mut Vec<u8>, len: usize, fix: Option<(u8, usize)>, tags: [u8; 3]) {
        match fix {
            Some((base, max)) if len <= max => out.push(base | len as u8),
            _ if len <= 0xff && tags[0] != 0 => {
                out.push(tags[0]);
                out.push(len as u8);
            }
            _ if len <= 0xffff => {
                out.push(tags[1]);
                out.extend_from_slice(&(len as u16).to_be_bytes());
            }
            _ => {
                out.push(tags[2]);
                out.extend_from_slice(&(len as u32).to_be_bytes());
            }
        }
    }

    pub fn nil(out: &mut Vec<u8>) {
        out.push(0xc0);
    }

    pub fn bool(out: &mut Vec<u8>, v: bool) {
        out.push(if v { 0xc3 } else { 0xc2 });
    }

    pub fn uint(out: &mut Vec<u8>, v: u64) {
        if v <= 0x7f {
            out.push(v as u8);
        } else if v <= 0xff {
            out.push(0xcc);
            out.push(v as u8);
        } else if v <= 0xffff {
            out.push(0xcd);
            out.extend_from_slice(&(v as u16).to_be_bytes());
        } else if v <= 0xffff_ffff {
            out.push(0xce);
            out.extend_from_slice(&(v as u32).to_be_bytes());
        } else {
            out.push(0xcf);
            out.extend_from_slice(&v.to_be_bytes());
        }
    }

    pub fn int(out: &mut Vec<u8>, v: i64) {
        if v >= 0 {
            uint(out, v as u64);
        } else if v >= -32 {
            out.push(v as i8 as u8);
        } else if v >= i64::from(i8::MIN) {
            out.push(0xd0);
            out.push(v as i8 as u8);
        } else if v >= i64::from(i16::MIN) {
            out.push(0xd1);
            out.extend_from_slice(&(v as i16).to_be_bytes());
        } else if v >= i64::from(i32::MIN) {
            out.push(0xd2);
            out.extend_from_slice(&(v as i32).to_be_bytes());
        } else {
            out.push(0xd3);
            out.extend_from_slice(&v.to_be_bytes());
        }
    }

    pub fn float(out: &mut Vec<u8>, v: f64) {
        out.push(0xcb);
        out.extend_from_slice(&v.to_be_bytes());
    }

    pub fn str(out: &mut Vec<u8>, s: &str) {
        head(out, s.len(), Some((0xa0, 31)), [0xd9, 0xda, 0xdb]);
        out.extend_from_slice(s.as_bytes());
    }

    pub fn bin_header(out: &mut Vec<u8>, len: usize) {
        head(out, len, None, [0xc4, 0xc5, 0xc6]);
    }

    pub fn bin(out: &mut Vec<u8>, b: &[u8]) {
        bin_header(out, b.len());
        out.extend_from_slice(b);
    }

    pub fn array(out: &mut Vec<u8>, len: usize) {
        head(out, len, Some((0x90, 15)), [0, 0xdc, 0xdd]);
    }

    pub fn map(out: &mut Vec<u8>, len: usize) {
        head(out, len, Some((0x80, 15)), [0, 0xde, 0xdf]);
    }

    pub fn json(out: &mut Vec<u8>, v: &Value) {
        match v {
            Value::Null => nil(out),
            Value::Bool(b) => bool(out, *b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    uint(out, u);
                } else if let Some(i) = n.as_i64() {
                    int(out, i);
                } else {
                    float(out, n.as_f64().unwrap_or(f64::NAN));
                }
            }
            Value::String(s) => str(out, s),
            Value::Array(items) => {
                array(out, items.len());
                items.iter().for_each(|i| json(out, i));
            }
            Value::Object(map) => {
                self::map(out, map.len());
                for (k, v) in map {
                    str(out, k);
                    json(out, v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::testdata::{doc, documents, project, run_one};
    use crate::write::ExportFormat;
    use std::collections::BTreeMap;

    fn export(
        format: ExportFormat,
        docs: &[DocumentRecord],
    ) -> Result<(Vec<u8>, ExportSummary), ExportError> {
        run_one(format, &project(), docs, format.default_name())
    }

    fn lines(bytes: &[u8]) -> Vec<Value> {
        String::from_utf8(bytes.to_vec())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn string_ids_are_spacys_hashes_and_symbols() {
        // Values from spacy.strings.hash_string and spacy.symbols.IDS.
        assert_eq!(string_id("apple"), 8566208034543834098);
        assert_eq!(string_id("Путин"), 13800627032844091586);
        assert_eq!(murmur64a(b"", 1), 14313749767032693980);
        assert_eq!(string_id(""), 0);
        assert_eq!(string_id("IS_ALPHA"), 1);
        assert_eq!(string_id("ORTH"), ORTH);
        assert_eq!(string_id("ENT_IOB"), ENT_IOB);
        assert_eq!(string_id("SENT_START"), SENT_START);
        assert_eq!(string_id("ENT_KB_ID"), ENT_KB_ID);
        assert_eq!(string_id("ENT_ID"), ENT_ID);
        assert_eq!(string_id("_"), 456);
    }

    #[test]
    fn msgpack_values_take_their_smallest_form() {
        let mut out = Vec::new();
        msgpack::uint(&mut out, 5);
        msgpack::uint(&mut out, 200);
        msgpack::int(&mut out, -1);
        msgpack::int(&mut out, -200);
        msgpack::str(&mut out, "ab");
        msgpack::array(&mut out, 0);
        msgpack::map(&mut out, 16);
        msgpack::bin(&mut out, &[1]);
        assert_eq!(
            out,
            [
                0x05, 0xcc, 200, 0xff, 0xd1, 0xff, 0x38, 0xa2, b'a', b'b', 0x90, 0xde, 0, 16, 0xc4,
                1, 1
            ]
        );
        let mut long = Vec::new();
        msgpack::str(&mut long, &"x".repeat(40));
        assert_eq!(&long[..2], [0xd9, 40]);
    }

    #[test]
    fn a_small_text_gives_exactly_this_jsonl_line() {
        let d = doc(
            "Putin  met\r\nRubio.",
            &[(0, 5, "Putin"), (12, 17, "Rubio")],
        );
        let (bytes, summary) = export(ExportFormat::SpacyJsonl, &[d]).unwrap();
        let line = &lines(&bytes)[0];
        assert_eq!(line["text"], "Putin  met\r\nRubio.");
        assert_eq!(line["meta"]["id"], 7);
        assert_eq!(
            line["tokens"],
            json!([
                {"text": "Putin", "start": 0, "end": 5, "id": 0, "ws": true},
                {"text": " ", "start": 6, "end": 7, "id": 1, "ws": false},
                {"text": "met", "start": 7, "end": 10, "id": 2, "ws": false},
                {"text": "\r\n", "start": 10, "end": 12, "id": 3, "ws": false},
                {"text": "Rubio", "start": 12, "end": 17, "id": 4, "ws": false},
                {"text": ".", "start": 17, "end": 18, "id": 5, "ws": false},
            ])
        );
        assert_eq!(
            line["spans"],
            json!([
                {"start": 0, "end": 5, "token_start": 0, "token_end": 0, "label": "Actor", "id": 1},
                {"start": 12, "end": 17, "token_start": 4, "token_end": 4, "label": "Actor", "id": 2},
            ])
        );
        assert_eq!(summary.documents, 1);
        assert_eq!(summary.spans_checked, 2);
    }

    #[test]
    fn a_line_separator_in_the_text_does_not_break_the_jsonl_line() {
        let d = doc("a\u{2028}b\u{85}c\u{2029}", &[(0, 3, "a\u{2028}b")]);
        let (bytes, _) = export(ExportFormat::SpacyJsonl, &[d]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text.lines().count(), 1);
        assert!(!text.contains(['\u{2028}', '\u{2029}', '\u{85}']));
        assert!(text.contains("a\\u2028b"));
        assert_eq!(
            lines(text.as_bytes())[0]["text"],
            "a\u{2028}b\u{85}c\u{2029}"
        );
    }

    #[test]
    fn jsonl_tokens_give_back_the_text_and_every_span_its_quote() {
        let docs = documents();
        let (bytes, summary) = export(ExportFormat::SpacyJsonl, &docs).unwrap();
        let lines = lines(&bytes);
        assert_eq!(lines.len(), 3);
        for (line, d) in lines.iter().zip(&docs) {
            let tokens = line["tokens"].as_array().unwrap();
            let mut text = String::new();
            for t in tokens {
                text.push_str(t["text"].as_str().unwrap());
                if t["ws"].as_bool().unwrap() {
                    text.push(' ');
                }
            }
            assert_eq!(text, d.text);
            let chars: Vec<char> = d.text.chars().collect();
            let spans = line["spans"].as_array().unwrap();
            assert_eq!(spans.len(), d.annotations.len());
            for (s, a) in spans.iter().zip(&d.annotations) {
                let (start, end) = (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
                let quote: String = chars[start as usize..end as usize].iter().collect();
                assert_eq!(quote, a.quote);
                assert_eq!(s["id"], a.id);
                let first = &tokens[s["token_start"].as_u64().unwrap() as usize];
                let last = &tokens[s["token_end"].as_u64().unwrap() as usize];
                assert_eq!((&first["start"], &last["end"]), (&s["start"], &s["end"]));
            }
        }
        assert_eq!(summary.annotations, 14);
        let flag = lines[0]["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["text"] == "🇺🇦")
            .unwrap();
        assert_eq!((&flag["start"], &flag["end"]), (&json!(10), &json!(12)));
        assert!(lines[0]["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["text"] == "\r\n"));
    }

    /// Reads back a DocBin just far enough to check it: a tiny msgpack reader.
    mod read {
        use std::io::Read;

        #[derive(Debug, Clone, PartialEq)]
        pub enum V {
            Nil,
            Bool(bool),
            Int(i128),
            Str(String),
            Bin(Vec<u8>),
            Arr(Vec<V>),
            Map(Vec<(V, V)>),
        }

        impl V {
            pub fn get(&self, key: &str) -> &V {
                match self {
                    V::Map(m) => &m.iter().find(|(k, _)| *k == V::Str(key.into())).unwrap().1,
                    _ => panic!("not a map"),
                }
            }
            pub fn arr(&self) -> &[V] {
                match self {
                    V::Arr(a) => a,
                    _ => panic!("not an array"),
                }
            }
            pub fn bin(&self) -> &[u8] {
                match self {
                    V::Bin(b) => b,
                    _ => panic!("not bin"),
                }
            }
        }

        pub fn inflate(bytes: &[u8]) -> Vec<u8> {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(bytes)
                .read_to_end(&mut out)
                .unwrap();
            out
        }

        pub fn value(b: &[u8], at: &mut usize) -> V {
            let tag = b[*at];
            *at += 1;
            let take = |n: usize, at: &mut usize| {
                let s = &b[*at..*at + n];
                *at += n;
                s.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x)) as usize
            };
            let (kind, len) = match tag {
                0x00..=0x7f => return V::Int(tag.into()),
                0x80..=0x8f => ('m', (tag & 0x0f) as usize),
                0x90..=0x9f => ('a', (tag & 0x0f) as usize),
                0xa0..=0xbf => ('s', (tag & 0x1f) as usize),
                0xc0 => return V::Nil,
                0xc2 => return V::Bool(false),
                0xc3 => return V::Bool(true),
                0xc4 => ('b', take(1, at)),
                0xc5 => ('b', take(2, at)),
                0xc6 => ('b', take(4, at)),
                0xcc => return V::Int(take(1, at) as i128),
                0xcd => return V::Int(take(2, at) as i128),
                0xce => return V::Int(take(4, at) as i128),
                0xcf => return V::Int(take(8, at) as i128),
                0xd9 => ('s', take(1, at)),
                0xda => ('s', take(2, at)),
                0xdc => ('a', take(2, at)),
                0xde => ('m', take(2, at)),
                0xe0..=0xff => return V::Int(i128::from(tag as i8)),
                t => panic!("tag {t:#x} not expected here"),
            };
            match kind {
                's' | 'b' => {
                    let raw = b[*at..*at + len].to_vec();
                    *at += len;
                    if kind == 's' {
                        V::Str(String::from_utf8(raw).unwrap())
                    } else {
                        V::Bin(raw)
                    }
                }
                'a' => V::Arr((0..len).map(|_| value(b, at)).collect()),
                _ => V::Map(
                    (0..len)
                        .map(|_| {
                            let k = value(b, at);
                            (k, value(b, at))
                        })
                        .collect(),
                ),
            }
        }

        pub fn parse(b: &[u8]) -> V {
            let mut at = 0;
            let v = value(b, &mut at);
            assert_eq!(at, b.len(), "trailing bytes");
            v
        }
    }

    #[test]
    fn the_docbin_holds_tokens_spaces_and_every_span_in_sc() {
        let docs = documents();
        let (bytes, summary) = export(ExportFormat::Spacy, &docs).unwrap();
        let msg = read::parse(&read::inflate(&bytes));
        let keys: Vec<String> = match &msg {
            read::V::Map(m) => m
                .iter()
                .map(|(k, _)| match k {
                    read::V::Str(s) => s.clone(),
                    _ => panic!(),
                })
                .collect(),
            _ => panic!(),
        };
        assert_eq!(
            keys,
            [
                "version",
                "attrs",
                "tokens",
                "spaces",
                "lengths",
                "strings",
                "cats",
                "flags",
                "span_groups",
                "user_data"
            ]
        );
        let strings: BTreeMap<u64, String> = msg
            .get("strings")
            .arr()
            .iter()
            .map(|s| match s {
                read::V::Str(s) => (string_id(s), s.clone()),
                _ => panic!(),
            })
            .collect();
        let lengths: Vec<usize> = msg
            .get("lengths")
            .bin()
            .chunks(4)
            .map(|c| i32::from_le_bytes(c.try_into().unwrap()) as usize)
            .collect();
        let spaces = msg.get("spaces").bin();
        let rows: Vec<u64> = msg
            .get("tokens")
            .bin()
            .chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(lengths.iter().sum::<usize>(), spaces.len());
        assert_eq!(rows.len(), spaces.len() * ATTRS.len());

        let mut first = 0;
        for (i, d) in docs.iter().enumerate() {
            // words + spaces give back the text.
            let mut text = String::new();
            for t in first..first + lengths[i] {
                text.push_str(&strings[&rows[t * ATTRS.len()]]);
                if spaces[t] == 1 {
                    text.push(' ');
                }
            }
            assert_eq!(text, d.text);

            // Every annotation is in "sc", by characters and by tokens.
            let groups = read::parse(msg.get("span_groups").arr()[i].bin());
            let read::V::Map(groups) = groups else {
                panic!()
            };
            let sc = groups
                .iter()
                .map(|(k, _)| read::parse(k.bin()))
                .find(|g| *g.get("name") == read::V::Str("sc".into()))
                .unwrap();
            let spans = sc.get("spans").arr();
            assert_eq!(spans.len(), d.annotations.len());
            let chars: Vec<char> = d.text.chars().collect();
            for (s, a) in spans.iter().zip(&d.annotations) {
                let b = s.bin();
                let int = |at: usize| i32::from_be_bytes(b[at..at + 4].try_into().unwrap());
                let u = |at: usize| u64::from_be_bytes(b[at..at + 8].try_into().unwrap());
                let (start_char, end_char) = (int(32) as usize, int(36) as usize);
                assert_eq!(
                    chars[start_char..end_char].iter().collect::<String>(),
                    a.quote
                );
                assert_eq!(strings[&u(0)], a.id.to_string());
                assert_eq!(strings[&u(16)], a.label);
                // The token span covers the same characters.
                let (ts, te) = (int(24) as usize, int(28) as usize);
                let token_text: String = (first + ts..first + te)
                    .map(|t| {
                        let mut s = strings[&rows[t * ATTRS.len()]].clone();
                        if spaces[t] == 1 && t + 1 < first + te {
                            s.push(' ');
                        }
                        s
                    })
                    .collect();
                assert_eq!(token_text, a.quote);
            }
            assert_eq!(groups.len(), 1 + project().labels.len());
            first += lengths[i];
        }
        assert_eq!(summary.annotations, 14);
        assert_eq!(summary.documents, 3);
    }

    #[test]
    fn ents_do_not_overlap_and_keep_the_longest() {
        let d = documents().remove(0);
        let p = prepare(&d, &mut ExportSummary::default()).unwrap();
        let chosen: Vec<i64> = p
            .spans
            .iter()
            .zip(&p.ents)
            .filter(|(_, e)| **e)
            .map(|((a, _), _)| a.id)
            .collect();
        // 2, the Claim, over 6 which crosses it; 10 over 3, 7 and 8 which share tokens with
        // it; 5 "Putin (Путин)" over 4 "Putin".
        assert_eq!(chosen, [11, 1, 2, 5, 10, 9]);
        let mut seen = vec![false; p.tokens.len()];
        for ((_, range), e) in p.spans.iter().zip(&p.ents) {
            if *e {
                for t in range.clone() {
                    assert!(!seen[t]);
                    seen[t] = true;
                }
            }
        }
    }

    #[test]
    fn a_wrong_quote_fails_the_self_check_in_both_formats() {
        for format in [ExportFormat::Spacy, ExportFormat::SpacyJsonl] {
            let mut docs = documents();
            docs[1].annotations[0].quote = "Tammy Bruce ".into();
            let error = export(format, &docs).unwrap_err();
            assert!(matches!(
                error,
                ExportError::SelfCheck {
                    annotation_id: 12,
                    document_id: 2,
                    ..
                }
            ));
        }
    }
}
