//! What the store answers in UTF-16 for a webview: a span's offsets and a search's first match,
//! after characters beyond the first plane (two UTF-16 units each).

use chrono::{TimeZone, Utc};
use claimdesk_core::NewDocument;
use claimdesk_store::{ImportOutcome, Project};

const TEXT: &str = "Talks 🇺🇦 and 👩‍👩‍👧 e\u{301}: Quokkas were not discussed.";

#[test]
fn spans_and_search_hits_are_said_in_utf16_units() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(&dir.path().join("p.claimdesk")).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
    let me = project.annotator("Ana", now).unwrap();
    let ImportOutcome::Imported(doc) = project
        .import_document(&NewDocument::from_plain_text(TEXT, "t.txt"), me, now)
        .unwrap()
    else {
        panic!("imported")
    };
    let byte = TEXT.find("Quokkas").unwrap();
    let (start, start16) = (
        TEXT[..byte].chars().count(),
        TEXT[..byte].encode_utf16().count(),
    );
    assert_ne!(start, start16, "the text has characters of two units");
    assert_eq!(
        project.utf16_span(doc, start, start + 7).unwrap(),
        (start16, start16 + 7)
    );
    assert!(project.utf16_span(999, 0, 1).is_err());

    let hits = project.search("quokkas", 10).unwrap();
    assert_eq!(hits[0].first_match, Some(start..start + 7));
    assert_eq!(hits[0].first_match16, Some(start16..start16 + 7));
}
