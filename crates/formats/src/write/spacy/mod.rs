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

mod docbin;
mod jsonl;
mod msgpack;
mod strings;
#[cfg(test)]
mod tests;

use std::ops::Range;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{json, Value};

use claimdesk_core::dataset::{AnnotationRecord, DocumentRecord};
use claimdesk_core::Unit;

use super::check::SpanCheck;
use super::tokens::{covered, Token, Tokens};
use super::{ExportError, ExportSummary};

pub(super) use docbin::new_docbin;
pub(super) use jsonl::new_jsonl;

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
