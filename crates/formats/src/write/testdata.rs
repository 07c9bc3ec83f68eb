//! A small hostile corpus for exporter tests: emoji, a flag, a ZWJ family, combining marks,
//! CRLF, Hebrew and Arabic, nested and crossing spans, relations, entities and stances.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::json;

use claimdesk_core::dataset::{
    AnnotationRecord, DocumentRecord, Entity, EntityKind, LabelInfo, ProjectInfo, RelationRecord,
    RelationTypeInfo,
};
use claimdesk_core::label::default_schema;

use super::{exporter, ExportError, ExportFormat, ExportOptions, ExportSummary, MemoryOutput};

/// The one driver of exporter tests: `format` over `docs` into memory, as an export run does.
pub(crate) fn run(
    format: ExportFormat,
    project: &ProjectInfo,
    options: &ExportOptions,
    docs: &[DocumentRecord],
) -> Result<(MemoryOutput, ExportSummary), ExportError> {
    let out = MemoryOutput::default();
    let mut e = exporter(format, project, options, Box::new(out.clone()))?;
    for d in docs {
        e.document(d)?;
    }
    let summary = e.finish()?;
    Ok((out, summary))
}

/// [`run`] for a format that writes one file, `name`: that file's bytes.
pub(crate) fn run_one(
    format: ExportFormat,
    project: &ProjectInfo,
    docs: &[DocumentRecord],
    name: &str,
) -> Result<(Vec<u8>, ExportSummary), ExportError> {
    let (out, summary) = run(format, project, &ExportOptions::default(), docs)?;
    assert_eq!(out.names(), [name]);
    Ok((out.file(name).unwrap(), summary))
}

/// A written file as text.
pub(crate) fn text(out: &MemoryOutput, name: &str) -> String {
    String::from_utf8(out.file(name).unwrap_or_else(|| panic!("no {name}"))).unwrap()
}

pub(crate) fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 2, 18, 12, 0, 0).unwrap()
}

pub(crate) fn project() -> ProjectInfo {
    let entity = |id, kind, name: &str, aliases: &[&str]| Entity {
        uid: format!("00000000-0000-4000-8000-e{id:011}"),
        id,
        kind,
        name: name.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
    };
    ProjectInfo {
        labels: default_schema()
            .into_iter()
            .map(|l| LabelInfo {
                name: l.name,
                colour: l.colour,
                hotkey: l.hotkey,
                attributes: l.attributes,
            })
            .collect(),
        entities: vec![
            entity(1, EntityKind::Actor, "Vladimir Putin", &["Putin", "Путин"]),
            entity(2, EntityKind::Actor, "Tammy Bruce", &[]),
            entity(3, EntityKind::Concept, "Ceasefire", &["truce"]),
            entity(4, EntityKind::Actor, "Volodymyr Zelensky", &["Zelensky"]),
        ],
        annotators: vec!["ana".into(), "ben".into()],
        relation_types: [
            ("said_by", "Claim", "Actor"),
            ("held_by", "Position", "Actor"),
            ("about", "Position", "Claim"),
        ]
        .into_iter()
        .map(|(name, from, to)| RelationTypeInfo {
            name: name.into(),
            from_labels: vec![from.into()],
            to_labels: vec![to.into()],
        })
        .collect(),
    }
}

/// The text of the hostile document.
pub(crate) const HOSTILE: &str = "Президент 🇺🇦 Zelensky said: “A ceasefire 👩‍👩‍👧 is possible.”\r\nPutin (Путин) rejected it; café vs cafe\u{301}.\r\nהשלום קרוב, قال الوزير 😀!";

/// The text of the plain document.
pub(crate) const PLAIN: &str = " date 2025-02-18 Rubio and Lavrov meet in Riyadh\n\nTammy Bruce said “One phone call followed by one meeting is not sufficient to establish enduring peace.”\n";

struct Builder {
    doc: DocumentRecord,
}

impl Builder {
    fn new(id: i64, title: &str, text: &str) -> Builder {
        Builder {
            doc: DocumentRecord {
                id,
                title: title.into(),
                date: None,
                source: None,
                author: None,
                url: None,
                language: None,
                metadata: Default::default(),
                sha256: claimdesk_core::document::sha256_hex(text),
                imported_at: at(),
                text: text.into(),
                annotations: vec![],
                relations: vec![],
            },
        }
    }

    /// Annotates the first occurrence of `needle`.
    fn span(
        &mut self,
        id: i64,
        label: &str,
        needle: &str,
        attributes: serde_json::Value,
        entity: Option<i64>,
    ) -> &mut Self {
        let text = &self.doc.text;
        let byte = text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in text"));
        let start = text[..byte].chars().count();
        let end = start + needle.chars().count();
        let chars: Vec<char> = text.chars().collect();
        let prefix: String = chars[start.saturating_sub(32)..start].iter().collect();
        let suffix: String = chars[end..(end + 32).min(chars.len())].iter().collect();
        self.doc.annotations.push(AnnotationRecord {
            uid: format!("00000000-0000-4000-8000-a{id:011}"),
            id,
            label: label.into(),
            start,
            end,
            quote: needle.into(),
            prefix,
            suffix,
            attributes: attributes.as_object().cloned().unwrap_or_default(),
            note: None,
            entity_id: entity,
            annotator: if id % 2 == 0 { "ben" } else { "ana" }.into(),
            created_at: at(),
            updated_at: at(),
        });
        self
    }

    fn relation(&mut self, id: i64, kind: &str, from_id: i64, to_id: i64) -> &mut Self {
        self.doc.relations.push(RelationRecord {
            uid: format!("00000000-0000-4000-8000-b{id:011}"),
            id,
            kind: kind.into(),
            from_id,
            to_id,
            annotator: "ana".into(),
            created_at: at(),
        });
        self
    }

    fn build(&mut self) -> DocumentRecord {
        let mut doc = self.doc.clone();
        doc.annotations.sort_by_key(|a| (a.start, a.end, a.id));
        doc
    }
}

/// Three documents: the hostile one, a plain news paragraph, and one with no annotations.
pub(crate) fn documents() -> Vec<DocumentRecord> {
    let none = json!({});
    let mut hostile = Builder::new(1, "Hostile «text» 🇺🇦", HOSTILE);
    hostile
        .span(1, "Actor", "Zelensky", json!({"kind": "person"}), Some(4))
        .span(
            2,
            "Claim",
            "A ceasefire 👩‍👩‍👧 is possible.",
            none.clone(),
            Some(3),
        )
        .span(
            3,
            "Position",
            "rejected it",
            json!({"stance": "oppose"}),
            None,
        )
        .span(4, "Actor", "Putin", json!({"kind": "person"}), Some(1))
        .span(5, "Actor", "Putin (Путин)", none.clone(), Some(1))
        .span(
            6,
            "Position",
            "said: “A ceasefire",
            json!({"stance": "support"}),
            None,
        )
        .span(7, "Actor", "cafe\u{301}", none.clone(), None)
        .span(8, "Claim", "השלום קרוב", none.clone(), None)
        .span(9, "Actor", "الوزير", json!({"kind": "state"}), None)
        .span(
            10,
            "Claim",
            "it; café vs cafe\u{301}.\r\nהשלום",
            none.clone(),
            None,
        )
        .span(11, "Actor", "🇺🇦", json!({"kind": "state"}), None)
        .relation(1, "said_by", 2, 1)
        .relation(2, "held_by", 3, 4)
        .relation(3, "about", 3, 2)
        .relation(4, "said_by", 8, 9)
        .relation(5, "held_by", 6, 1)
        .relation(6, "about", 6, 2);
    hostile.doc.language = Some("mul".into());
    hostile.doc.metadata = json!({"desk": "Kyiv, \"east\"", "n": 3})
        .as_object()
        .cloned()
        .unwrap();

    let mut plain = Builder::new(2, "Rubio and Lavrov meet in Riyadh", PLAIN);
    plain
        .span(
            12,
            "Actor",
            "Tammy Bruce",
            json!({"kind": "person"}),
            Some(2),
        )
        .span(
            13,
            "Claim",
            "One phone call followed by one meeting is not sufficient to establish enduring peace.",
            none.clone(),
            None,
        )
        .span(
            14,
            "Position",
            "not sufficient",
            json!({"stance": "oppose"}),
            None,
        )
        .relation(7, "said_by", 13, 12)
        .relation(8, "held_by", 14, 12)
        .relation(9, "about", 14, 13);
    plain.doc.date = NaiveDate::from_ymd_opt(2025, 2, 18);
    plain.doc.source = Some("riyadh-talks-2025-02-18.txt".into());
    plain.doc.url = Some("https://example.org/riyadh?a=1&b=2".into());
    plain.doc.author = Some("Staff, «Desk»".into());

    let mut empty = Builder::new(
        3,
        "Nothing coded yet",
        "Line one.\n\nLine two, with a tab\there.",
    );
    empty.doc.date = NaiveDate::from_ymd_opt(2025, 3, 1);

    vec![hostile.build(), plain.build(), empty.build()]
}

/// A one-document record with the given spans, all labelled Actor.
pub(crate) fn doc(text: &str, spans: &[(usize, usize, &str)]) -> DocumentRecord {
    let mut d = Builder::new(7, "t", text).build();
    d.annotations = spans
        .iter()
        .enumerate()
        .map(|(i, &(start, end, quote))| AnnotationRecord {
            uid: String::new(),
            id: i as i64 + 1,
            label: "Actor".into(),
            start,
            end,
            quote: quote.into(),
            prefix: String::new(),
            suffix: String::new(),
            attributes: Default::default(),
            note: None,
            entity_id: None,
            annotator: "ana".into(),
            created_at: at(),
            updated_at: at(),
        })
        .collect();
    d
}

#[test]
fn the_fixture_quotes_match_their_offsets() {
    for d in documents() {
        let chars: Vec<char> = d.text.chars().collect();
        for a in &d.annotations {
            assert_eq!(chars[a.start..a.end].iter().collect::<String>(), a.quote);
        }
    }
}
