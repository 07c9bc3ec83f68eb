//! brat standoff: a document's text in `NAME.txt`, its annotations in `NAME.ann` beside it.
//!
//! brat counts offsets in characters of the text as Python reads it, which are code points:
//! Claimdesk's own unit, so offsets are taken as they are and checked against the quoted text
//! brat writes with each span. Supported lines:
//!
//! - `T1\tType START END[;START END...]\ttext` — spans. A discontinuous span becomes one
//!   annotation per fragment (`T1`, `T1#2`, …), each with a `brat_fragment` attribute.
//! - `R1\tType Arg1:T1 Arg2:T2` — relations; `*\tType T1 T2 T3` — equivalences, as a chain.
//! - `E1\tType:T1 Role:T2 ...` — events: the trigger's span carries the event, each argument
//!   becomes a relation named by its role.
//! - `A1\tName T1 [Value]` and `M1 ...` — attributes (a name alone means `true`).
//! - `#1\tAnnotatorNotes T1\tnote` — notes; `N1\tReference T1 DB:ID\ttext` — normalisations,
//!   kept as a `normalization` attribute.

use std::collections::HashMap;

use claimdesk_core::{NewDocument, Span, TextIndex, Unit};
use serde_json::Value;

use crate::read::decode;
use crate::{FormatError, ImportedAnnotation, ImportedDocument, ImportedRelation};

const WHAT: &str = "brat standoff";

/// Reads a brat document from its `.txt` and `.ann` bytes. `name` is the `.txt` file name.
pub fn parse(txt: &[u8], ann: &[u8], name: &str) -> Result<ImportedDocument, FormatError> {
    let text = decode::text(txt)?;
    if text.trim().is_empty() {
        return Err(FormatError::Empty(name.to_string()));
    }
    let ann = decode::text(ann)?;
    let index = TextIndex::new(&text);
    let mut annotations: Vec<ImportedAnnotation> = Vec::new();
    let mut relations = Vec::new();
    // brat ids (T1, E1) to the key of the annotation that stands for them.
    let mut anchors: HashMap<String, String> = HashMap::new();
    let mut deferred = Vec::new();

    for (number, line) in ann.lines().enumerate() {
        let line_no = number + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let bad =
            |reason: String| FormatError::malformed(WHAT, format!("line {line_no}: {reason}"));
        let mut fields = line.splitn(3, '\t');
        let id = fields.next().unwrap_or_default();
        let body = fields
            .next()
            .ok_or_else(|| bad(format!("{line:?} has no tab after its id")))?;
        let tail = fields.next();
        match id.chars().next() {
            Some('T') => {
                let quote = tail.ok_or_else(|| bad(format!("span {id} has no text field")))?;
                let spans = text_bound(id, body, quote, &index).map_err(bad)?;
                let count = spans.len();
                for (i, (label, span)) in spans.into_iter().enumerate() {
                    let key = if i == 0 {
                        id.to_string()
                    } else {
                        format!("{id}#{}", i + 1)
                    };
                    let mut attributes = serde_json::Map::new();
                    if count > 1 {
                        attributes.insert(
                            "brat_fragment".into(),
                            Value::String(format!("{}/{count}", i + 1)),
                        );
                    }
                    annotations.push(ImportedAnnotation {
                        key,
                        label,
                        start: span.start(),
                        end: span.end(),
                        attributes,
                        note: None,
                    });
                }
                anchors.insert(id.to_string(), id.to_string());
            }
            Some('E') => {
                let mut parts = body.split_whitespace();
                let (_, trigger) = parts
                    .next()
                    .and_then(|p| p.split_once(':'))
                    .ok_or_else(|| bad(format!("event {id} has no Type:Trigger")))?;
                anchors.insert(id.to_string(), trigger.to_string());
                for arg in parts {
                    let (role, target) = arg
                        .split_once(':')
                        .ok_or_else(|| bad(format!("event argument {arg:?} is not Role:Id")))?;
                    // Roles repeated in brat carry a number suffix (Theme2); keep the role name.
                    let role = role.trim_end_matches(|c: char| c.is_ascii_digit());
                    deferred.push((
                        line_no,
                        Deferred::Relation(role.into(), id.into(), target.into()),
                    ));
                }
            }
            Some('R') => {
                let mut parts = body.split_whitespace();
                let kind = parts
                    .next()
                    .ok_or_else(|| bad(format!("relation {id} has no type")))?;
                let mut arg = |want: &str| {
                    parts
                        .next()
                        .and_then(|p| p.split_once(':'))
                        .map(|(_, target)| target.to_string())
                        .ok_or_else(|| bad(format!("relation {id} lacks its {want} argument")))
                };
                let (from, to) = (arg("first")?, arg("second")?);
                deferred.push((line_no, Deferred::Relation(kind.into(), from, to)));
            }
            Some('*') => {
                let mut parts = body.split_whitespace();
                let kind = parts
                    .next()
                    .ok_or_else(|| bad("equivalence without a type".into()))?;
                let members: Vec<&str> = parts.collect();
                for pair in members.windows(2) {
                    deferred.push((
                        line_no,
                        Deferred::Relation(kind.into(), pair[0].into(), pair[1].into()),
                    ));
                }
            }
            Some('A') | Some('M') => {
                let mut parts = body.split_whitespace();
                let (name, target) = parts
                    .next()
                    .zip(parts.next())
                    .ok_or_else(|| bad(format!("attribute {id} needs a name and a target")))?;
                let value = parts
                    .next()
                    .map_or(Value::Bool(true), |v| Value::String(v.into()));
                deferred.push((
                    line_no,
                    Deferred::Attribute(target.into(), name.into(), value),
                ));
            }
            Some('#') => {
                let target = body
                    .split_whitespace()
                    .nth(1)
                    .ok_or_else(|| bad(format!("note {id} names no annotation")))?;
                let note = tail.unwrap_or_default().to_string();
                deferred.push((line_no, Deferred::Note(target.into(), note)));
            }
            Some('N') => {
                let mut parts = body.split_whitespace();
                let (target, reference) = parts.nth(1).zip(parts.next()).ok_or_else(|| {
                    bad(format!("normalisation {id} needs a target and a reference"))
                })?;
                deferred.push((
                    line_no,
                    Deferred::Attribute(
                        target.into(),
                        "normalization".into(),
                        Value::String(reference.into()),
                    ),
                ));
            }
            _ => return Err(bad(format!("unknown annotation id {id:?}"))),
        }
    }

    // Relations, attributes and notes may name spans defined further down, so they are
    // resolved once every span is known.
    let by_key: HashMap<String, usize> = annotations
        .iter()
        .enumerate()
        .map(|(i, a)| (a.key.clone(), i))
        .collect();
    for (line_no, item) in deferred {
        let resolve = |id: &str| {
            anchors
                .get(id)
                .and_then(|key| anchors.get(key).or(Some(key)))
                .filter(|key| by_key.contains_key(*key))
                .cloned()
                .ok_or_else(|| {
                    FormatError::malformed(WHAT, format!("line {line_no}: {id} names no span"))
                })
        };
        match item {
            Deferred::Relation(kind, from, to) => relations.push(ImportedRelation {
                kind,
                from: resolve(&from)?,
                to: resolve(&to)?,
            }),
            Deferred::Attribute(target, name, value) => {
                let i = by_key[&resolve(&target)?];
                annotations[i].attributes.insert(name, value);
            }
            Deferred::Note(target, note) => {
                let i = by_key[&resolve(&target)?];
                let merged = match annotations[i].note.take() {
                    Some(earlier) => format!("{earlier}\n{note}"),
                    None => note,
                };
                annotations[i].note = Some(merged);
            }
        }
    }

    Ok(ImportedDocument {
        document: NewDocument::from_plain_text(&text, name),
        annotations,
        relations,
    })
}

enum Deferred {
    Relation(String, String, String),
    Attribute(String, String, Value),
    Note(String, String),
}

/// Reads `Type START END[;START END...]` and checks the fragments against `quote`, which brat
/// writes as the fragments' texts joined by single spaces.
fn text_bound(
    id: &str,
    body: &str,
    quote: &str,
    index: &TextIndex<'_>,
) -> Result<Vec<(String, Span)>, String> {
    let (label, offsets) = body
        .split_once(' ')
        .ok_or_else(|| format!("span {id} has no offsets"))?;
    let mut spans = Vec::new();
    for fragment in offsets.split(';') {
        let mut numbers = fragment.split_whitespace().map(str::parse::<usize>);
        let (Some(Ok(start)), Some(Ok(end)), None) =
            (numbers.next(), numbers.next(), numbers.next())
        else {
            return Err(format!("span {id} has malformed offsets {fragment:?}"));
        };
        let span = index
            .span_from(start, end, Unit::CodePoint)
            .map_err(|e| format!("span {id}: {e}"))?;
        if span.is_empty() {
            return Err(format!("span {id} is empty"));
        }
        spans.push((label.to_string(), span));
    }
    let pieces: Vec<&str> = spans
        .iter()
        .map(|(_, span)| index.slice(*span).unwrap_or_default())
        .collect();
    let actual = pieces.join(" ");
    // brat writes each line-break character inside a span's text as a space.
    let flatten = |s: &str| s.replace(['\n', '\r'], " ");
    // Some tools write only a span's first line (the format is one annotation per line).
    let first_line = actual.split(['\n', '\r']).next().unwrap_or_default();
    let first_line_only = first_line.len() < actual.len() && quote == first_line;
    if flatten(&actual) != flatten(quote) && !first_line_only {
        return Err(format!(
            "span {id} says {quote:?} but the text at its offsets is {actual:?}"
        ));
    }
    Ok(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "🇺🇦 Tammy Bruce said: “talks” in قال and Kyiv.\r\nPutin agreed.";

    fn keys(doc: &ImportedDocument) -> Vec<(String, String, usize, usize)> {
        doc.annotations
            .iter()
            .map(|a| (a.key.clone(), a.label.clone(), a.start, a.end))
            .collect()
    }

    #[test]
    fn a_blank_text_file_is_refused_as_empty_even_without_annotations() {
        let err = parse(b" \n\t", b"", "blank.txt").unwrap_err();
        assert_eq!(err.code(), "empty");
        assert!(err.to_string().contains("blank.txt"), "{err}");
    }

    #[test]
    fn spans_relations_attributes_and_notes_arrive() {
        let ann = "T1\tPER 3 14\tTammy Bruce\n\
                   T2\tClaim 21 28\t“talks”\n\
                   R1\tsaid_by Arg1:T2 Arg2:T1\n\
                   A1\tNegated T2\n\
                   M1\tStance T2 oppose\n\
                   #1\tAnnotatorNotes T1\tthe spokesperson\n\
                   N1\tReference T1 Wikidata:Q123\tTammy Bruce\n\
                   T3\tLOC 32 35\tقال\n";
        let doc = parse(TEXT.as_bytes(), ann.as_bytes(), "a.txt").unwrap();
        assert_eq!(
            keys(&doc),
            [
                ("T1".into(), "PER".into(), 3, 14),
                ("T2".into(), "Claim".into(), 21, 28),
                ("T3".into(), "LOC".into(), 32, 35),
            ]
        );
        assert_eq!(
            doc.relations,
            [ImportedRelation {
                kind: "said_by".into(),
                from: "T2".into(),
                to: "T1".into()
            }]
        );
        assert_eq!(doc.annotations[1].attributes["Negated"], true);
        assert_eq!(doc.annotations[1].attributes["Stance"], "oppose");
        assert_eq!(doc.annotations[0].note.as_deref(), Some("the spokesperson"));
        assert_eq!(
            doc.annotations[0].attributes["normalization"],
            "Wikidata:Q123"
        );
        assert_eq!(doc.document.text, TEXT);
    }

    #[test]
    fn discontinuous_spans_become_fragments_and_events_become_relations() {
        let ann = "T1\tPER 3 8;15 19\tTammy said\n\
                   T2\tAgree 53 59\tagreed\n\
                   T3\tPER 47 52\tPutin\n\
                   E1\tAgree:T2 Agent:T3 Theme2:T1\n\
                   A1\tConfirmed E1\n\
                   *\tAlias T1 T3\n";
        let doc = parse(TEXT.as_bytes(), ann.as_bytes(), "a.txt").unwrap();
        assert_eq!(
            keys(&doc)[..2],
            [
                ("T1".into(), "PER".into(), 3, 8),
                ("T1#2".into(), "PER".into(), 15, 19)
            ]
        );
        assert_eq!(doc.annotations[1].attributes["brat_fragment"], "2/2");
        let rels: Vec<_> = doc
            .relations
            .iter()
            .map(|r| (r.kind.as_str(), r.from.as_str(), r.to.as_str()))
            .collect();
        assert_eq!(
            rels,
            [
                ("Agent", "T2", "T3"),
                ("Theme", "T2", "T1"),
                ("Alias", "T1", "T3")
            ]
        );
        assert_eq!(doc.annotations[2].attributes["Confirmed"], true);
    }

    #[test]
    fn a_span_over_lines_may_give_its_first_line_as_its_text() {
        let text = "Ana said: \"One.\n\nTwo.\" Done.";
        let ann = "T1\tContent 10 22\t\"One.\nT2\tContent 10 22\t\"One.  Two.\"\n";
        let doc = parse(text.as_bytes(), ann.as_bytes(), "a.txt").unwrap();
        assert_eq!(doc.annotations.len(), 2);
        assert_eq!((doc.annotations[0].start, doc.annotations[0].end), (10, 22));
        // A first line that is not the span's is still refused.
        let bad = "T1\tContent 10 22\t\"Two.\n";
        assert!(parse(text.as_bytes(), bad.as_bytes(), "a.txt").is_err());
    }

    #[test]
    fn a_span_whose_text_does_not_match_is_refused_with_its_line() {
        let err = parse(TEXT.as_bytes(), b"T1\tPER 2 13\tTammy Bruce\n", "a.txt").unwrap_err();
        assert!(err.to_string().contains("line 1: span T1 says"), "{err}");
        let err = parse(TEXT.as_bytes(), b"T1\tPER 3 999\tx\n", "a.txt").unwrap_err();
        assert!(err.to_string().contains("past the end"), "{err}");
        let err = parse(TEXT.as_bytes(), b"R1\tx Arg1:T8 Arg2:T9\n", "a.txt").unwrap_err();
        assert!(err.to_string().contains("T8 names no span"), "{err}");
        let err = parse(TEXT.as_bytes(), b"Q1\tx\n", "a.txt").unwrap_err();
        assert!(err.to_string().contains("unknown annotation id"), "{err}");
    }

    #[test]
    fn spans_across_line_breaks_match_brats_flattened_text() {
        let text = "0123456789012345678901234567890123456789012 Kyiv.\r\nPutin";
        let doc = parse(
            text.as_bytes(),
            "T1\tX 44 56\tKyiv.  Putin\n".as_bytes(),
            "a.txt",
        )
        .unwrap();
        assert_eq!(doc.annotations[0].end, 56);
    }
}
