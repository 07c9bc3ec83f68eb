//! Store tests: each runs on a fresh project file in its own temporary directory.

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use claimdesk_core::dataset::Scope;
use claimdesk_core::imported::{ImportedAnnotation, ImportedDocument, ImportedRelation};
use claimdesk_core::{Change, NewDocument, Span};
use claimdesk_store::{ImportOutcome, Project, StoreError, SCHEMA_VERSION};
use rusqlite::Connection;

const SAMPLE: &str = include_str!("../sample/riyadh-talks-2025-02-18.txt");
const HOSTILE: &str = "🇺🇦 👩‍👩‍👧 Erdoğan e\u{301}\r\nقال אמר Tammy Bruce said.\r\n";

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, minute, 0).unwrap()
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    project: Project,
    me: i64,
}

fn fresh() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.claimdesk");
    let mut project = Project::open(&path).unwrap();
    let me = project.annotator("Ana", at(0)).unwrap();
    Fixture {
        _dir: dir,
        path,
        project,
        me,
    }
}

fn import(f: &mut Fixture, text: &str) -> i64 {
    let doc = NewDocument::from_plain_text(text, "test.txt");
    match f.project.import_document(&doc, f.me, at(1)).unwrap() {
        ImportOutcome::Imported(id) => id,
        other => panic!("expected an import, got {other:?}"),
    }
}

fn label(f: &Fixture, name: &str) -> i64 {
    f.project
        .labels()
        .unwrap()
        .into_iter()
        .find(|l| l.name == name)
        .unwrap()
        .id
}

/// Finds `needle` as Python's `str.find` does, in code points.
fn find_cp(text: &str, needle: &str) -> Span {
    let byte = text.find(needle).unwrap();
    let start = text[..byte].chars().count();
    Span::new(start, start + needle.chars().count()).unwrap()
}

/// Everything a rejected call must leave as it was.
fn snapshot(path: &Path) -> Vec<(String, i64)> {
    let conn = Connection::open(path).unwrap();
    [
        "documents",
        "annotations",
        "relations",
        "events",
        "undo_stack",
        "redo_stack",
        "labels",
    ]
    .iter()
    .map(|t| {
        let n = conn
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap();
        (t.to_string(), n)
    })
    .collect()
}

#[test]
fn a_new_project_has_the_current_schema_wal_and_the_default_schema() {
    let f = fresh();
    let conn = Connection::open(&f.path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 10);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let durability = f.project.durability().unwrap();
    assert_eq!(durability.journal_mode, "wal");
    assert_eq!(durability.synchronous, 2, "synchronous = FULL");
    assert!(durability.foreign_keys);
    let labels: Vec<_> = f
        .project
        .labels()
        .unwrap()
        .into_iter()
        .map(|l| (l.name, l.hotkey))
        .collect();
    assert_eq!(
        labels,
        [
            ("Actor".to_string(), Some("1".to_string())),
            ("Claim".to_string(), Some("2".to_string())),
            ("Position".to_string(), Some("3".to_string())),
        ]
    );
    let ids: Vec<i64> = f.project.labels().unwrap().iter().map(|l| l.id).collect();
    let types: Vec<_> = f
        .project
        .relation_types()
        .unwrap()
        .into_iter()
        .map(|t| (t.name, t.from_labels, t.to_labels))
        .collect();
    assert_eq!(
        types,
        [
            ("said_by".to_string(), vec![ids[1]], vec![ids[0]]),
            ("held_by".to_string(), vec![ids[2]], vec![ids[0]]),
            ("about".to_string(), vec![ids[2]], vec![ids[1]]),
        ]
    );
}

#[test]
fn an_empty_file_is_migrated_to_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.claimdesk");
    std::fs::write(&path, b"").unwrap();
    let project = Project::open(&path).unwrap();
    assert_eq!(project.labels().unwrap().len(), 3);
    let conn = Connection::open(&path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in [
        "annotations",
        "annotators",
        "documents",
        "documents_fts",
        "entities",
        "entity_aliases",
        "events",
        "labels",
        "redo_stack",
        "relations",
        "undo_stack",
    ] {
        assert!(tables.contains(&table.to_string()), "missing {table}");
    }
}

#[test]
fn reopening_a_current_project_changes_nothing() {
    let mut f = fresh();
    import(&mut f, SAMPLE);
    let before = snapshot(&f.path);
    drop(Project::open(&f.path).unwrap());
    assert_eq!(snapshot(&f.path), before);
}

#[test]
fn a_file_that_is_not_a_project_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.claimdesk");
    let bytes = b"These are my notes, not a database. ".repeat(200);
    std::fs::write(&path, &bytes).unwrap();
    let err = Project::open(&path).err().unwrap();
    assert_eq!(err.code(), "not_a_project", "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn another_programs_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let err = Project::open(&path).err().unwrap();
    assert_eq!(err.code(), "not_a_project");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_project_from_a_newer_build_is_refused_and_left_untouched() {
    let f = fresh();
    drop(f.project);
    Connection::open(&f.path)
        .unwrap()
        .execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1))
        .unwrap();
    let bytes = std::fs::read(&f.path).unwrap();
    let err = Project::open(&f.path).err().unwrap();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found, .. } if found == SCHEMA_VERSION + 1),
        "{err}"
    );
    assert_eq!(err.code(), "schema_too_new");
    assert_eq!(std::fs::read(&f.path).unwrap(), bytes);
}

#[test]
fn import_keeps_the_text_exactly_and_skips_duplicates() {
    let mut f = fresh();
    let id = import(&mut f, HOSTILE);
    let doc = f.project.document(id).unwrap();
    assert_eq!(doc.text, HOSTILE);
    assert_eq!(doc.imported_at, at(1));
    let again = NewDocument::from_plain_text(HOSTILE, "copy.txt");
    assert_eq!(
        f.project.import_document(&again, f.me, at(2)).unwrap(),
        ImportOutcome::Duplicate(id)
    );
    assert_eq!(f.project.documents().unwrap().len(), 1);
}

#[test]
fn the_sample_article_imports_with_date_and_title() {
    let mut f = fresh();
    let id = import(&mut f, SAMPLE);
    let doc = f.project.document(id).unwrap();
    assert_eq!(doc.date.unwrap().to_string(), "2025-02-18");
    assert!(doc
        .title
        .starts_with("Your guide to what the 2024 US election"));
    let summaries = f.project.documents().unwrap();
    assert_eq!(summaries[0].annotation_count, 0);
}

#[test]
fn annotations_store_code_points_and_quote_after_emoji_and_flags() {
    let mut f = fresh();
    let doc = import(&mut f, HOSTILE);
    let span = find_cp(HOSTILE, "Tammy Bruce");
    let actor = label(&f, "Actor");
    let a = f
        .project
        .create_annotation(doc, actor, span, f.me, at(3))
        .unwrap();
    assert_eq!((a.start, a.end), (span.start(), span.end()));
    assert_eq!(a.quote, "Tammy Bruce");
    assert!(a.prefix.ends_with("אמר "), "{:?}", a.prefix);
    assert_eq!(a.suffix, " said.\r\n");
    assert_eq!(f.project.annotations(doc).unwrap(), vec![a]);
    assert_eq!(f.project.documents().unwrap()[0].annotation_count, 1);
}

#[test]
fn invalid_annotations_are_refused_with_a_code_and_change_nothing() {
    let mut f = fresh();
    let doc = import(&mut f, HOSTILE);
    let actor = label(&f, "Actor");
    let len = HOSTILE.chars().count();
    let before = snapshot(&f.path);
    let cases = [
        (
            doc + 99,
            actor,
            Span::new(0, 1).unwrap(),
            "unknown_document",
        ),
        (doc, actor + 99, Span::new(0, 1).unwrap(), "unknown_label"),
        (
            doc,
            actor,
            Span::new(0, len + 1).unwrap(),
            "offset_out_of_range",
        ),
        (
            doc,
            actor,
            Span::new(len + 5, len + 6).unwrap(),
            "offset_out_of_range",
        ),
        (doc, actor, Span::new(4, 4).unwrap(), "empty_span"),
    ];
    for (doc, label, span, code) in cases {
        let err = f
            .project
            .create_annotation(doc, label, span, f.me, at(4))
            .err()
            .unwrap();
        assert_eq!(err.code(), code, "{err}");
    }
    assert_eq!(
        f.project
            .delete_annotation(12345, f.me, at(4))
            .err()
            .unwrap()
            .code(),
        "unknown_annotation"
    );
    assert_eq!(snapshot(&f.path), before);
}

/// Undo and redo are per coder: Ctrl+Z never takes back another coder's edit.
#[test]
fn undo_and_redo_belong_to_the_coder_who_edited() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let actor = label(&f, "Actor");
    let ben = f.project.annotator("ben", at(1)).unwrap();
    let mine = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, at(2))
        .unwrap();
    let his = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Sergei Lavrov"), ben, at(3))
        .unwrap();
    assert_eq!(f.project.history_depth(f.me).unwrap(), (1, 0));
    assert_eq!(f.project.history_depth(ben).unwrap(), (1, 0));

    // My undo takes back my edit, though his came later.
    f.project.undo(f.me, at(4)).unwrap().unwrap();
    let ids: Vec<i64> = f
        .project
        .annotations(doc)
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, [his.id]);
    assert_eq!(
        f.project.undo(f.me, at(5)).unwrap(),
        None,
        "nothing more of mine"
    );
    // His edit does not clear my redo.
    f.project.delete_annotation(his.id, ben, at(6)).unwrap();
    assert_eq!(f.project.history_depth(f.me).unwrap(), (0, 1));
    f.project.redo(f.me, at(7)).unwrap().unwrap();
    assert_eq!(f.project.annotations(doc).unwrap(), vec![mine]);
    // He undoes his delete, then his create.
    f.project.undo(ben, at(8)).unwrap().unwrap();
    f.project.undo(ben, at(9)).unwrap().unwrap();
    assert_eq!(f.project.annotations(doc).unwrap().len(), 1);
    assert_eq!(f.project.history_depth(ben).unwrap(), (0, 2));
}

#[test]
fn delete_undo_and_redo_round_trip_through_the_event_log() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let actor = label(&f, "Actor");
    let a = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, at(5))
        .unwrap();
    f.project.delete_annotation(a.id, f.me, at(6)).unwrap();
    assert!(f.project.annotations(doc).unwrap().is_empty());

    // Undo the delete: the annotation is back with its id.
    let change = f.project.undo(f.me, at(7)).unwrap().unwrap();
    assert!(matches!(change, Change::AnnotationCreated { .. }));
    assert_eq!(f.project.annotations(doc).unwrap(), vec![a.clone()]);
    // Undo the create: gone.
    f.project.undo(f.me, at(8)).unwrap().unwrap();
    assert!(f.project.annotations(doc).unwrap().is_empty());
    assert_eq!(f.project.undo(f.me, at(9)).unwrap(), None);
    // Redo the create.
    f.project.redo(f.me, at(10)).unwrap().unwrap();
    assert_eq!(f.project.annotations(doc).unwrap(), vec![a.clone()]);
    assert_eq!(f.project.history_depth(f.me).unwrap(), (1, 1));

    // History survives closing and reopening the project.
    drop(f.project);
    let mut project = Project::open(&f.path).unwrap();
    project.redo(f.me, at(11)).unwrap().unwrap();
    assert!(project.annotations(doc).unwrap().is_empty());
    project.undo(f.me, at(12)).unwrap().unwrap();
    assert_eq!(project.annotations(doc).unwrap(), vec![a]);
}

#[test]
fn a_new_edit_clears_the_redo_stack() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let actor = label(&f, "Actor");
    f.project
        .create_annotation(doc, actor, Span::new(0, 5).unwrap(), f.me, at(5))
        .unwrap();
    f.project.undo(f.me, at(6)).unwrap();
    f.project
        .create_annotation(doc, actor, Span::new(6, 9).unwrap(), f.me, at(7))
        .unwrap();
    assert_eq!(f.project.redo(f.me, at(8)).unwrap(), None);
    assert_eq!(f.project.annotations(doc).unwrap().len(), 1);
}

#[test]
fn the_event_log_is_append_only() {
    let mut f = fresh();
    import(&mut f, SAMPLE);
    drop(f.project);
    let conn = Connection::open(&f.path).unwrap();
    assert!(conn.execute("UPDATE events SET kind = 'x'", []).is_err());
    assert!(conn.execute("DELETE FROM events", []).is_err());
    // A text changes only through replace_text, with its digest and length.
    assert!(conn.execute("UPDATE documents SET text = 'x'", []).is_err());
    assert!(conn
        .execute(
            "UPDATE documents SET text = 'x', sha256 = 'y', char_count = 7",
            []
        )
        .is_err());
}

#[test]
fn every_committed_document_and_only_those_are_in_the_full_text_index() {
    let mut f = fresh();
    let mut batch = f.project.begin_import(f.me, at(1)).unwrap();
    batch.add(&annotated(SAMPLE, &[], &[])).unwrap();
    batch.checkpoint().unwrap();
    batch
        .add(&annotated("Kyiv talks", &[("T1", "X", 0, 99)], &[]))
        .unwrap_err();
    batch.add(&annotated(HOSTILE, &[], &[])).unwrap();
    batch.commit().unwrap();
    drop(f.project);
    let conn = Connection::open(&f.path).unwrap();
    let indexed: Vec<i64> = conn
        .prepare("SELECT rowid FROM documents_fts ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let documents: Vec<i64> = conn
        .prepare("SELECT id FROM documents ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(indexed, documents);
    assert_eq!(documents.len(), 2);
    let hit: i64 = conn
        .query_row(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'אמר'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hit, documents[1]);
}

#[test]
fn full_text_search_finds_imported_documents() {
    let mut f = fresh();
    let id = import(&mut f, SAMPLE);
    drop(f.project);
    let conn = Connection::open(&f.path).unwrap();
    let hit: i64 = conn
        .query_row(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'erdogan'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hit, id);
}

fn annotated(
    text: &str,
    spans: &[(&str, &str, usize, usize)],
    relations: &[(&str, &str, &str)],
) -> ImportedDocument {
    ImportedDocument {
        document: NewDocument::from_plain_text(text, "brat.txt"),
        annotations: spans
            .iter()
            .map(|&(key, label, start, end)| ImportedAnnotation {
                key: key.into(),
                label: label.into(),
                start,
                end,
                attributes: serde_json::Map::new(),
                note: Some(format!("note on {key}")),
            })
            .collect(),
        relations: relations
            .iter()
            .map(|&(kind, from, to)| ImportedRelation {
                kind: kind.into(),
                from: from.into(),
                to: to.into(),
            })
            .collect(),
    }
}

#[test]
fn a_batch_imports_annotations_relations_and_new_labels() {
    let mut f = fresh();
    let span = find_cp(HOSTILE, "Tammy Bruce");
    let doc = annotated(
        HOSTILE,
        &[
            ("T1", "PER", span.start(), span.end()),
            ("T2", "Actor", 0, 2),
        ],
        &[("same_as", "T2", "T1")],
    );
    let mut batch = f.project.begin_import(f.me, at(1)).unwrap();
    let ImportOutcome::Imported(id) = batch.add(&doc).unwrap() else {
        panic!("not imported")
    };
    assert!(matches!(batch.add(&doc).unwrap(), ImportOutcome::Duplicate(d) if d == id));
    batch.commit().unwrap();

    let labels: Vec<_> = f
        .project
        .labels()
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(labels, ["Actor", "Claim", "Position", "PER"]);
    let stored = f.project.annotations(id).unwrap();
    let quotes: Vec<_> = stored.iter().map(|a| a.quote.as_str()).collect();
    assert_eq!(quotes, ["🇺🇦", "Tammy Bruce"]);
    assert_eq!(stored[1].note.as_deref(), Some("note on T1"));
    drop(f.project);
    let conn = Connection::open(&f.path).unwrap();
    let (kind, from, to): (String, i64, i64) = conn
        .query_row("SELECT kind, from_id, to_id FROM relations", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(
        (kind.as_str(), from, to),
        ("same_as", stored[0].id, stored[1].id)
    );
}

#[test]
fn a_failing_document_leaves_nothing_behind_and_the_batch_goes_on() {
    let mut f = fresh();
    let len = HOSTILE.chars().count();
    let before = snapshot(&f.path);
    let bad_span = annotated(
        HOSTILE,
        &[("T1", "NEW", 0, 2), ("T2", "NEW", 3, len + 1)],
        &[],
    );
    let bad_relation = annotated("Other text", &[("T1", "NEW", 0, 5)], &[("x", "T1", "T9")]);
    let good = annotated(SAMPLE, &[("T1", "Claim", 0, 5)], &[]);
    let mut batch = f.project.begin_import(f.me, at(1)).unwrap();
    assert_eq!(
        batch.add(&bad_span).unwrap_err().code(),
        "offset_out_of_range"
    );
    assert_eq!(
        batch.add(&bad_relation).unwrap_err().code(),
        "import_invalid"
    );
    assert!(matches!(
        batch.add(&good).unwrap(),
        ImportOutcome::Imported(_)
    ));
    batch.commit().unwrap();
    let after = snapshot(&f.path);
    let delta: Vec<_> = before
        .iter()
        .zip(&after)
        .map(|((t, a), (_, b))| (t.as_str(), b - a))
        .collect();
    assert_eq!(
        delta,
        [
            ("documents", 1),
            ("annotations", 1),
            ("relations", 0),
            ("events", 1),
            ("undo_stack", 0),
            ("redo_stack", 0),
            ("labels", 0),
        ],
        "the label NEW went with the failed documents"
    );
}

#[test]
fn an_uncommitted_batch_is_rolled_back() {
    let mut f = fresh();
    let before = snapshot(&f.path);
    {
        let mut batch = f.project.begin_import(f.me, at(1)).unwrap();
        batch.add(&annotated(SAMPLE, &[], &[])).unwrap();
        batch.checkpoint().unwrap();
        batch.add(&annotated(HOSTILE, &[], &[])).unwrap();
    }
    let docs = f.project.documents().unwrap();
    assert_eq!(
        docs.len(),
        1,
        "the checkpoint kept the first, the drop lost the second"
    );
    assert_eq!(snapshot(&f.path)[0].1, before[0].1 + 1);
}

#[test]
fn relations_are_drawn_validated_deleted_and_undone() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let other = import(&mut f, HOSTILE);
    let (actor, claim) = (label(&f, "Actor"), label(&f, "Claim"));
    let bruce = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, at(2))
        .unwrap();
    let said = f
        .project
        .create_annotation(doc, claim, find_cp(SAMPLE, "One phone call"), f.me, at(3))
        .unwrap();
    let elsewhere = f
        .project
        .create_annotation(other, actor, find_cp(HOSTILE, "Tammy Bruce"), f.me, at(4))
        .unwrap();

    let before = snapshot(&f.path);
    let refusals = [
        (
            f.project
                .create_relation("said_by", said.id, said.id, f.me, at(5)),
            "bad_relation",
        ),
        (
            f.project
                .create_relation("said_by", said.id, elsewhere.id, f.me, at(5)),
            "bad_relation",
        ),
        (
            f.project
                .create_relation("  ", said.id, bruce.id, f.me, at(5)),
            "bad_relation",
        ),
        (
            f.project
                .create_relation("said_by", said.id, 9999, f.me, at(5)),
            "unknown_annotation",
        ),
    ];
    for (result, code) in refusals {
        assert_eq!(result.unwrap_err().code(), code);
    }
    assert_eq!(snapshot(&f.path), before, "refused links change nothing");

    let link = f
        .project
        .create_relation("said_by", said.id, bruce.id, f.me, at(6))
        .unwrap();
    assert_eq!(
        f.project.relations(doc).unwrap(),
        std::slice::from_ref(&link)
    );
    f.project.delete_relation(link.id, f.me, at(7)).unwrap();
    assert!(f.project.relations(doc).unwrap().is_empty());
    f.project.undo(f.me, at(8)).unwrap();
    assert_eq!(
        f.project.relations(doc).unwrap(),
        std::slice::from_ref(&link)
    );
    f.project.undo(f.me, at(9)).unwrap();
    assert!(f.project.relations(doc).unwrap().is_empty());
    f.project.redo(f.me, at(10)).unwrap();
    assert_eq!(f.project.relations(doc).unwrap(), [link]);
    assert_eq!(
        f.project
            .delete_relation(4242, f.me, at(11))
            .unwrap_err()
            .code(),
        "unknown_relation"
    );
}

#[test]
fn a_backup_on_open_is_made_only_when_the_project_changed_since_the_newest_one() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let minute = std::cell::Cell::new(10);
    let next = || {
        minute.set(minute.get() + 1);
        at(minute.get())
    };
    assert!(
        f.project.backup_if_changed(next()).unwrap().is_some(),
        "the first one"
    );
    assert!(
        f.project.backup_if_changed(next()).unwrap().is_none(),
        "nothing changed"
    );
    let actor = label(&f, "Actor");
    let a = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, next())
        .unwrap();
    assert!(
        f.project.backup_if_changed(next()).unwrap().is_some(),
        "an edit"
    );
    assert!(f.project.backup_if_changed(next()).unwrap().is_none());
    f.project.delete_annotation(a.id, f.me, next()).unwrap();
    f.project.undo(f.me, next()).unwrap();
    assert!(
        f.project.backup_if_changed(next()).unwrap().is_some(),
        "an undo"
    );
    import(&mut f, HOSTILE);
    assert!(
        f.project.backup_if_changed(next()).unwrap().is_some(),
        "an import"
    );
    assert_eq!(claimdesk_store::backups(&f.path).unwrap().len(), 4);
}

#[test]
fn backups_keep_the_newest_within_their_count_and_their_space() {
    let mut f = fresh();
    import(&mut f, SAMPLE);
    let actor = label(&f, "Actor");
    for i in 0..7u32 {
        let span = claimdesk_core::Span::new(i as usize, i as usize + 3).unwrap();
        let doc = f.project.documents().unwrap()[0].id;
        f.project
            .create_annotation(doc, actor, span, f.me, at(10 + i))
            .unwrap();
        f.project.backup(at(20 + i)).unwrap();
    }
    let kept = claimdesk_store::backups(&f.path).unwrap();
    assert_eq!(kept.len(), claimdesk_store::KEEP_BACKUPS);
    assert_eq!(kept[0].made_at, at(26), "the newest first");
    // A project whose backups would take more room keeps fewer: here room for two and a half.
    let one = kept[0].bytes;
    claimdesk_store::prune_backups(&f.path, 5, one * 5 / 2).unwrap();
    let names: Vec<_> = claimdesk_store::backups(&f.path)
        .unwrap()
        .into_iter()
        .map(|b| b.made_at)
        .collect();
    assert_eq!(names, [at(26), at(25)]);
    // The newest is kept even when it alone is over the bound.
    claimdesk_store::prune_backups(&f.path, 5, 1).unwrap();
    assert_eq!(claimdesk_store::backups(&f.path).unwrap().len(), 1);
}

#[test]
fn a_partial_backup_left_by_a_crash_is_removed_and_a_recent_one_is_not() {
    let mut f = fresh();
    import(&mut f, SAMPLE);
    let dir = claimdesk_store::backup_dir(&f.path);
    std::fs::create_dir_all(&dir).unwrap();
    let stale = dir.join(".20260101T000000.000Z.claimdesk.partial");
    let running = dir.join(".20260102T000000.000Z.claimdesk.partial");
    for partial in [&stale, &running] {
        std::fs::write(partial, b"half a backup").unwrap();
    }
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    f.project.backup(at(30)).unwrap();
    assert!(!stale.exists());
    assert!(running.exists(), "a backup another program is writing now");
    assert_eq!(
        claimdesk_store::backups(&f.path).unwrap().len(),
        1,
        "partials are never listed"
    );
}

#[test]
fn a_backup_holds_what_was_committed_even_while_another_connection_writes() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let actor = label(&f, "Actor");
    f.project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, at(2))
        .unwrap();
    // Another connection is in the middle of a write: its rows must not be in the backup.
    let other = Connection::open(&f.path).unwrap();
    other
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM undo_stack;")
        .unwrap();
    let backup = f.project.backup(at(3)).unwrap();
    other.execute_batch("ROLLBACK").unwrap();

    let copy = Project::open_existing(&backup.path).unwrap();
    assert_eq!(copy.annotations(doc).unwrap().len(), 1);
    assert_eq!(copy.history_depth(f.me).unwrap(), (1, 0));
    assert_eq!(
        claimdesk_store::backups(&f.path).unwrap(),
        std::slice::from_ref(&backup)
    );
    assert_eq!(
        backup.path.parent().unwrap(),
        claimdesk_store::backup_dir(&f.path)
    );

    for minute in 4..12 {
        f.project.backup(at(minute)).unwrap();
    }
    let kept = claimdesk_store::backups(&f.path).unwrap();
    assert_eq!(kept.len(), claimdesk_store::KEEP_BACKUPS);
    assert_eq!(kept[0].made_at, at(11), "newest first");
}

#[test]
fn a_backup_copied_while_another_connection_keeps_editing_is_one_state_and_finishes() {
    let mut f = fresh();
    // Some megabytes, so the backup takes several steps with edits committed between them.
    let long = "A longer paragraph of the article. ".repeat(1500);
    for n in 0..120 {
        import(&mut f, &format!("Article {n}\n{long}"));
    }
    let doc = f.project.documents().unwrap()[0].id;
    let actor = label(&f, "Actor");
    let editing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let writer = {
        let (path, me, editing) = (f.path.clone(), f.me, editing.clone());
        std::thread::spawn(move || {
            let mut other = Project::open_existing(&path).unwrap();
            let mut made = 0usize;
            while editing.load(std::sync::atomic::Ordering::SeqCst) || made < 5 {
                let span = Span::new(made, made + 3).unwrap();
                other
                    .create_annotation(doc, actor, span, me, at(2))
                    .unwrap();
                made += 1;
            }
            made
        })
    };
    while f.project.annotations(doc).unwrap().len() < 5 {
        std::thread::yield_now();
    }
    let before = f.project.annotations(doc).unwrap().len();
    let backup = f.project.backup(at(3)).unwrap();
    let after = f.project.annotations(doc).unwrap().len();
    editing.store(false, std::sync::atomic::Ordering::SeqCst);
    let made = writer.join().unwrap();
    assert!(
        after > before,
        "edits were committed while the backup was copied"
    );

    // The copy is sound, opens read-only as the app checks it, and holds one committed state:
    // every annotation in it has the event that made it, and no event lacks its annotation.
    let copy = rusqlite::Connection::open_with_flags(
        &backup.path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let mode: String = copy
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        mode, "delete",
        "a backup is a project of its own, not a write-ahead log's"
    );
    let (annotations, events): (usize, usize) = copy
        .query_row(
            "SELECT (SELECT count(*) FROM annotations), \
                    (SELECT count(*) FROM events WHERE kind = 'annotation_created')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(annotations, events);
    assert!(
        (before..=after).contains(&annotations),
        "{before} <= {annotations} <= {after}"
    );
    assert!(
        annotations < made,
        "the edits after the copy began are not in it"
    );
    assert_eq!(
        Project::open_existing(&backup.path)
            .unwrap()
            .documents()
            .unwrap()
            .len(),
        120
    );
}

#[test]
fn restoring_a_backup_brings_the_old_state_back_and_keeps_the_current_one() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let actor = label(&f, "Actor");
    let a = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, at(2))
        .unwrap();
    let before = f.project.backup(at(3)).unwrap();
    f.project.delete_annotation(a.id, f.me, at(4)).unwrap();
    let reader = Project::open_existing(&f.path).unwrap();
    assert!(reader.annotations(doc).unwrap().is_empty());

    let safety = f.project.restore_backup(&before, at(5)).unwrap();
    assert_eq!(
        f.project.annotations(doc).unwrap(),
        std::slice::from_ref(&a)
    );
    // Another open connection sees the restored project too.
    assert_eq!(reader.annotations(doc).unwrap(), [a]);
    // The state before the restore is itself a backup.
    let undo_restore = Project::open_existing(&safety.path).unwrap();
    assert!(undo_restore.annotations(doc).unwrap().is_empty());

    assert_eq!(
        claimdesk_store::find_backup(&f.path, "../test.claimdesk")
            .unwrap_err()
            .code(),
        "no_such_backup"
    );
}

/// Overwrites a stretch of the file's pages (not its header), as a failing disk would.
fn damage(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let page = 4096;
    assert!(bytes.len() > 4 * page);
    for b in &mut bytes[2 * page..3 * page] {
        *b = 0xA5;
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_damaged_project_is_refused_untouched_and_a_backup_restores_it() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let actor = label(&f, "Actor");
    f.project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, at(2))
        .unwrap();
    let backup = f.project.backup(at(3)).unwrap();
    let path = f.path.clone();
    let dir = f._dir;
    drop(f.project);
    damage(&path);
    let damaged = std::fs::read(&path).unwrap();

    let error = Project::open_existing(&path).err().unwrap();
    assert_eq!(error.code(), "project_damaged", "{error}");
    assert!(error.to_string().contains("Restore a backup"));
    assert!(
        std::fs::read(&path).unwrap() == damaged,
        "a refused file is never written"
    );

    let aside = claimdesk_store::restore_backup_at(&path, &backup, at(4)).unwrap();
    assert!(
        std::fs::read(&aside).unwrap() == damaged,
        "the damaged file is kept aside"
    );
    let restored = Project::open_existing(&path).unwrap();
    assert_eq!(restored.annotations(doc).unwrap().len(), 1);
    drop(dir);
}

/// Every shipped schema version, frozen as SQL with data, upgrades to the current schema with
/// its data intact.
#[test]
fn every_shipped_schema_upgrades_with_its_data() {
    for version in 1..=SCHEMA_VERSION {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/schema-v{version}.sql"));
        let sql = std::fs::read_to_string(&fixture).unwrap_or_else(|_| {
            panic!("schema version {version} has no frozen fixture {fixture:?}")
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("v{version}.claimdesk"));
        Connection::open(&path)
            .unwrap()
            .execute_batch(&sql)
            .unwrap();

        let project = Project::open(&path).unwrap();
        let conn = Connection::open(&path).unwrap();
        let current: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(current, SCHEMA_VERSION);
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");

        // The data the fixture was made with: the hostile corpus with its coding.
        let docs = project.documents().unwrap();
        assert_eq!(docs.len(), 3, "v{version}");
        let hostile = project.annotations(docs[0].id).unwrap();
        assert_eq!(hostile.len(), 11);
        let text = project.document_text(docs[0].id).unwrap();
        for a in &hostile {
            let quote: String = text.chars().skip(a.start).take(a.end - a.start).collect();
            assert_eq!(
                quote, a.quote,
                "v{version}: annotation {} still fits its text",
                a.id
            );
        }
        assert!(text.contains("\r\n"), "line endings survive");
        assert_eq!(project.relations(docs[0].id).unwrap().len(), 6);
        let types: Vec<String> = project
            .relation_types()
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(types, ["said_by", "held_by", "about"], "v{version}");
        // Annotation counts are kept per document (schema version 3): filled in by the upgrade.
        let counts: Vec<i64> = project
            .library(&Default::default())
            .unwrap()
            .iter()
            .map(|d| d.annotation_count)
            .collect();
        assert_eq!(counts, [11, 3, 0], "v{version}");
        // Statements are kept (schema version 10): the upgrade marks every coded document, and
        // what is read is what the coding gives.
        let statements = project.statements(&Scope::everything()).unwrap();
        assert_eq!(statements.len(), 4, "v{version}");
        assert_eq!(
            statements,
            project.derived_statements(&Scope::everything()).unwrap(),
            "v{version}"
        );
        // Every row that merge and sync match has a global identity (schema version 4): kept
        // when the fixture has one, given when it is older.
        for table in ["annotations", "relations", "entities", "events"] {
            let (rows, distinct): (i64, i64) = conn
                .query_row(
                    &format!("SELECT count(*), count(DISTINCT uid) FROM {table}"),
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert!(rows > 0, "v{version}: {table} has rows");
            assert_eq!(
                rows, distinct,
                "v{version}: every row of {table} has its own uid"
            );
        }
        if version >= 4 {
            let first = hostile.iter().find(|a| a.id == 1).unwrap();
            assert_eq!(
                first.uid, "0193e0a0-0000-7000-8000-a00000000001",
                "an identity survives the upgrade"
            );
        }
        if version >= 3 {
            let sets = project.document_sets().unwrap();
            assert_eq!((sets[0].name.as_str(), sets[0].documents), ("pilot", 2));
        }
        // Suggestions kept, and a coder's rejection (schema version 6).
        if version >= 6 {
            let open = |coder: i64| -> Vec<String> {
                project
                    .open_suggestions(docs[2].id, coder)
                    .unwrap()
                    .into_iter()
                    .map(|s| s.key)
                    .collect()
            };
            assert_eq!(open(1), ["m:0-4:2"], "ana rejected the other");
            assert_eq!(open(2), ["a:0-9:-", "m:0-4:2"]);
        }
        let info = project.project_info().unwrap();
        assert_eq!(info.entities.len(), 4);
        assert_eq!(info.labels.len(), 3);
        let found = project
            .scope_documents(&claimdesk_core::dataset::Scope {
                search: Some("Riyadh".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(found, [docs[1].id], "the full-text index answers");
    }
}

#[test]
fn the_library_filters_and_sorts_documents() {
    use claimdesk_core::library::{LibraryQuery, SortKey};
    let mut f = fresh();
    let sample = import(&mut f, SAMPLE);
    let hostile = import(&mut f, HOSTILE);
    let plain = import(&mut f, " date 2020-01-01 Aardvark news\n\nNothing here.");
    let actor = label(&f, "Actor");
    f.project
        .create_annotation(hostile, actor, find_cp(HOSTILE, "Tammy Bruce"), f.me, at(2))
        .unwrap();
    let ids = |q: LibraryQuery| -> Vec<i64> {
        f.project
            .library(&q)
            .unwrap()
            .iter()
            .map(|d| d.id)
            .collect()
    };
    assert_eq!(ids(LibraryQuery::default()), [sample, hostile, plain]);
    assert_eq!(
        ids(LibraryQuery {
            sort: SortKey::Title,
            ..Default::default()
        }),
        // "Aardvark …", "Your guide …", then the title that starts with a flag.
        [plain, sample, hostile]
    );
    // Undated documents come last in both directions.
    assert_eq!(
        ids(LibraryQuery {
            sort: SortKey::Date,
            descending: true,
            ..Default::default()
        }),
        [sample, plain, hostile]
    );
    assert_eq!(
        ids(LibraryQuery {
            sort: SortKey::Annotations,
            descending: true,
            ..Default::default()
        }),
        [hostile, plain, sample]
    );
    assert_eq!(
        ids(LibraryQuery {
            label_id: Some(actor),
            ..Default::default()
        }),
        [hostile]
    );
    assert_eq!(
        ids(LibraryQuery {
            annotator: Some("Ana".into()),
            ..Default::default()
        }),
        [hostile]
    );
    assert_eq!(
        ids(LibraryQuery {
            unannotated: true,
            ..Default::default()
        }),
        [sample, plain]
    );
    assert_eq!(
        ids(LibraryQuery {
            date_from: chrono::NaiveDate::from_ymd_opt(2021, 1, 1),
            ..Default::default()
        }),
        [sample]
    );
}

#[test]
fn the_library_is_read_a_page_at_a_time_with_its_total_and_keeps_counts_current() {
    use claimdesk_core::library::{LibraryQuery, SortKey};
    let mut f = fresh();
    let docs: Vec<i64> = (0..25)
        .map(|i| {
            import(
                &mut f,
                &format!(
                    " date 2024-01-{:02} Article {i:02}\n\nBody {i}.",
                    i % 28 + 1
                ),
            )
        })
        .collect();
    let actor = label(&f, "Actor");
    let span = claimdesk_core::Span::new(0, 5).unwrap();
    let coded = f
        .project
        .create_annotation(docs[7], actor, span, f.me, at(2))
        .unwrap();
    let by_title = LibraryQuery {
        sort: SortKey::Title,
        descending: true,
        ..Default::default()
    };
    let page = f.project.library_page(&by_title, 10, 5).unwrap();
    assert_eq!(page.total, 25);
    assert_eq!(page.offset, 10);
    let titles: Vec<&str> = page.rows.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Article 14",
            "Article 13",
            "Article 12",
            "Article 11",
            "Article 10"
        ]
    );
    // Past the end: the total, no rows.
    let past = f.project.library_page(&by_title, 40, 5).unwrap();
    assert_eq!((past.total, past.rows.len()), (25, 0));
    // Where a document stands in the order, for scrolling the list to it.
    assert_eq!(
        f.project.library_position(&by_title, docs[24]).unwrap(),
        Some(0)
    );
    assert_eq!(
        f.project.library_position(&by_title, docs[0]).unwrap(),
        Some(24)
    );
    let unannotated = LibraryQuery {
        unannotated: true,
        ..Default::default()
    };
    assert_eq!(
        f.project.library_position(&unannotated, docs[7]).unwrap(),
        None
    );
    assert_eq!(
        f.project.library_page(&unannotated, 0, 100).unwrap().total,
        24
    );
    // The annotation count follows edits and their undo.
    let most = LibraryQuery {
        sort: SortKey::Annotations,
        descending: true,
        ..Default::default()
    };
    let first = |f: &Fixture| f.project.library_page(&most, 0, 1).unwrap().rows[0].clone();
    assert_eq!((first(&f).id, first(&f).annotation_count), (docs[7], 1));
    f.project.delete_annotation(coded.id, f.me, at(3)).unwrap();
    assert_eq!(
        f.project.library_page(&unannotated, 0, 100).unwrap().total,
        25
    );
    f.project.undo(f.me, at(4)).unwrap();
    assert_eq!((first(&f).id, first(&f).annotation_count), (docs[7], 1));
}

#[test]
fn a_documents_place_in_the_library_is_where_its_pages_put_it_in_every_order() {
    use claimdesk_core::library::{LibraryQuery, SortKey};
    let mut f = fresh();
    let actor = label(&f, "Actor");
    let titles = [
        "beta", "Alpha", "alpha", "Gamma", "beta", "delta", "Épée", "zeta",
    ];
    let sources = [
        Some("Wire"),
        None,
        Some("herald"),
        Some("Herald"),
        None,
        Some("wire"),
    ];
    let mut docs = Vec::new();
    for i in 0..36 {
        let mut doc = NewDocument::from_plain_text(&format!("Document {i} text."), "d.txt");
        doc.title = titles[i % titles.len()].to_string();
        doc.date = (i % 5 != 0)
            .then(|| chrono::NaiveDate::from_ymd_opt(2024, 1 + (i % 3) as u32, 1).unwrap());
        doc.source = sources[i % sources.len()].map(str::to_string);
        let id = f.project.import_document(&doc, f.me, at(1)).unwrap();
        let ImportOutcome::Imported(id) = id else {
            panic!("imported")
        };
        for k in 0..i % 4 {
            f.project
                .create_annotation(id, actor, Span::new(k, k + 1).unwrap(), f.me, at(2))
                .unwrap();
        }
        docs.push(id);
    }
    let sorts = [
        SortKey::Imported,
        SortKey::Title,
        SortKey::Date,
        SortKey::Source,
        SortKey::Annotations,
    ];
    for sort in sorts {
        for descending in [false, true] {
            for unannotated in [false, true] {
                let query = LibraryQuery {
                    sort,
                    descending,
                    unannotated,
                    ..Default::default()
                };
                let order: Vec<i64> = f
                    .project
                    .library_rows(&query, 0, usize::MAX)
                    .unwrap()
                    .iter()
                    .map(|d| d.id)
                    .collect();
                for &id in &docs {
                    assert_eq!(
                        f.project.library_position(&query, id).unwrap(),
                        order.iter().position(|&d| d == id),
                        "document {id} in {query:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn search_finds_documents_with_a_snippet_and_the_first_match() {
    let mut f = fresh();
    let sample = import(&mut f, SAMPLE);
    let hostile = import(&mut f, HOSTILE);
    let hits = f.project.search("tammy", 10).unwrap();
    let found: Vec<i64> = hits.iter().map(|h| h.document_id).collect();
    assert_eq!(found.len(), 2);
    assert!(found.contains(&sample) && found.contains(&hostile));
    let in_hostile = hits.iter().find(|h| h.document_id == hostile).unwrap();
    let tammy = find_cp(HOSTILE, "Tammy");
    assert_eq!(
        in_hostile.first_match,
        Some(tammy.start()..tammy.start() + "Tammy".chars().count())
    );
    assert!(in_hostile
        .snippet
        .iter()
        .any(|p| p.hit && p.text == "Tammy"));
    // Diacritics are ignored by the index; the snippet shows the text as written.
    let erdogan = f.project.search("erdogan", 10).unwrap();
    assert_eq!(erdogan[0].document_id, hostile);
    let at = find_cp(HOSTILE, "Erdoğan").start();
    assert_eq!(
        erdogan[0].first_match,
        Some(at..at + "Erdoğan".chars().count())
    );
    assert_eq!(
        f.project.search("\"unclosed", 10).unwrap_err().code(),
        "bad_search"
    );
    assert!(f.project.search("   ", 10).unwrap().is_empty());
}

#[test]
fn a_search_matching_more_than_can_be_ranked_answers_the_newest_first_and_says_so() {
    use claimdesk_core::library::SearchPage;
    let mut f = fresh();
    let mut batch = f.project.begin_import(f.me, at(1)).unwrap();
    let mut ids = Vec::new();
    for i in 0..=SearchPage::RANKED_UP_TO + 5 {
        let text = if i % 1000 == 0 {
            format!("Article {i}: a common word and a rare one")
        } else {
            format!("Article {i}: a common word")
        };
        let doc = NewDocument::from_plain_text(&text, &format!("{i}.txt"));
        match batch.add(&ImportedDocument::plain(doc)).unwrap() {
            ImportOutcome::Imported(id) => ids.push(id),
            other => panic!("{other:?}"),
        }
    }
    batch.commit().unwrap();

    let broad = f.project.search_page("common", 20).unwrap();
    assert!(broad.more() && !broad.ranked, "{} match", broad.matches);
    assert_eq!(broad.matches, SearchPage::RANKED_UP_TO);
    let newest: Vec<i64> = ids.iter().rev().take(20).copied().collect();
    let shown: Vec<i64> = broad.hits.iter().map(|h| h.document_id).collect();
    assert_eq!(shown, newest);

    let narrow = f.project.search_page("rare", 5).unwrap();
    assert!(narrow.ranked && !narrow.more());
    assert_eq!(narrow.matches, 11);
    assert_eq!(narrow.hits.len(), 5);
    assert!(narrow
        .hits
        .iter()
        .all(|h| h.snippet.iter().any(|p| p.hit && p.text == "rare")));
    assert_eq!(
        f.project.search_page("\"unclosed", 5).unwrap_err().code(),
        "bad_search"
    );
}

#[test]
fn an_import_logs_one_event_per_commit_naming_the_documents_it_added() {
    let mut f = fresh();
    let mut batch = f.project.begin_import(f.me, at(1)).unwrap();
    let first = batch
        .add(&annotated(SAMPLE, &[("T1", "Actor", 0, 5)], &[]))
        .unwrap();
    batch
        .add(&annotated("Kyiv talks", &[("T1", "X", 0, 99)], &[]))
        .unwrap_err();
    batch.checkpoint().unwrap();
    let second = batch.add(&annotated(HOSTILE, &[], &[])).unwrap();
    batch.add(&annotated(HOSTILE, &[], &[])).unwrap();
    batch.commit().unwrap();
    let (ImportOutcome::Imported(first), ImportOutcome::Imported(second)) = (first, second) else {
        panic!("both imported");
    };
    drop(f.project);
    let conn = Connection::open(&f.path).unwrap();
    let events: Vec<(String, Option<i64>, serde_json::Value)> = conn
        .prepare(
            "SELECT kind, document_id, payload FROM events WHERE action = 'import' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                serde_json::from_str(&r.get::<_, String>(2)?).unwrap(),
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let payload = |from: i64, to: i64, annotations: i64| {
        serde_json::json!({"first_id": from, "last_id": to, "documents": to - from + 1,
                           "annotations": annotations, "relations": 0})
    };
    assert_eq!(
        events,
        vec![
            (
                "documents_imported".to_string(),
                None,
                payload(first, first, 1)
            ),
            (
                "documents_imported".to_string(),
                None,
                payload(second, second, 0)
            ),
        ]
    );
}

#[test]
fn a_new_project_has_pages_that_hold_several_articles() {
    let f = fresh();
    drop(f.project);
    let conn = Connection::open(&f.path).unwrap();
    let size: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    assert_eq!(size, 8192);
}

#[test]
fn an_annotation_is_relabelled_and_its_attributes_checked_and_undone() {
    use claimdesk_core::AnnotationEdit;
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let (actor, position) = (label(&f, "Actor"), label(&f, "Position"));
    let a = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, at(2))
        .unwrap();
    let mut attributes = serde_json::Map::new();
    attributes.insert("kind".into(), "person".into());
    let edited = f
        .project
        .update_annotation(
            a.id,
            &AnnotationEdit {
                attributes: Some(attributes.clone()),
                note: Some(Some("  spokesperson  ".into())),
                ..Default::default()
            },
            f.me,
            at(3),
        )
        .unwrap();
    assert_eq!(edited.attributes, attributes);
    assert_eq!(edited.note.as_deref(), Some("spokesperson"));

    let before = snapshot(&f.path);
    let mut bad = serde_json::Map::new();
    bad.insert("kind".into(), "alien".into());
    let refusals = [
        AnnotationEdit {
            attributes: Some(bad),
            ..Default::default()
        },
        AnnotationEdit {
            label_id: Some(9999),
            ..Default::default()
        },
        AnnotationEdit {
            entity_id: Some(Some(77)),
            ..Default::default()
        },
        AnnotationEdit {
            note: Some(Some("x".repeat(100_001))),
            ..Default::default()
        },
    ];
    let codes: Vec<&str> = refusals
        .iter()
        .map(|e| {
            f.project
                .update_annotation(a.id, e, f.me, at(4))
                .unwrap_err()
                .code()
        })
        .collect();
    assert_eq!(
        codes,
        ["bad_edit", "unknown_label", "unknown_entity", "bad_edit"]
    );
    assert_eq!(snapshot(&f.path), before);

    // Relabelling drops what the new label does not define.
    let moved = f
        .project
        .update_annotation(
            a.id,
            &AnnotationEdit {
                label_id: Some(position),
                ..Default::default()
            },
            f.me,
            at(5),
        )
        .unwrap();
    assert_eq!(moved.label_id, position);
    assert!(moved.attributes.is_empty());
    f.project.undo(f.me, at(6)).unwrap();
    assert_eq!(f.project.annotation(a.id).unwrap(), edited);
    f.project.undo(f.me, at(7)).unwrap();
    assert_eq!(f.project.annotation(a.id).unwrap(), a);
    f.project.redo(f.me, at(8)).unwrap();
    assert_eq!(f.project.annotation(a.id).unwrap(), edited);
}

#[test]
fn relation_types_decide_which_labels_may_be_linked() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let (actor, claim) = (label(&f, "Actor"), label(&f, "Claim"));
    let bruce = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, at(2))
        .unwrap();
    let said = f
        .project
        .create_annotation(doc, claim, find_cp(SAMPLE, "One phone call"), f.me, at(3))
        .unwrap();
    let wrong_way = f
        .project
        .create_relation("said_by", bruce.id, said.id, f.me, at(4))
        .unwrap_err();
    assert_eq!(wrong_way.code(), "bad_relation");
    assert!(
        wrong_way
            .to_string()
            .contains("said_by does not link a Actor to a Claim"),
        "{wrong_way}"
    );
    let unknown = f
        .project
        .create_relation("praises", said.id, bruce.id, f.me, at(4))
        .unwrap_err();
    assert!(unknown.to_string().contains("no relation type \"praises\""));

    let praises = f
        .project
        .create_relation_type("praises", &[actor], &[], f.me, at(5))
        .unwrap();
    f.project
        .create_relation("praises", bruce.id, said.id, f.me, at(6))
        .unwrap();
    // Renaming the type renames its relations; deleting it takes them; undo brings all back.
    let renamed = f
        .project
        .update_relation_type(
            &claimdesk_core::RelationType {
                name: "lauds".into(),
                ..praises.clone()
            },
            f.me,
            at(7),
        )
        .unwrap();
    assert_eq!(f.project.relations(doc).unwrap()[0].kind, "lauds");
    f.project
        .delete_relation_type(renamed.id, f.me, at(8))
        .unwrap();
    assert!(f.project.relations(doc).unwrap().is_empty());
    f.project.undo(f.me, at(9)).unwrap();
    assert_eq!(f.project.relations(doc).unwrap()[0].kind, "lauds");
    f.project.undo(f.me, at(10)).unwrap();
    assert_eq!(f.project.relations(doc).unwrap()[0].kind, "praises");
    assert_eq!(
        f.project
            .create_relation_type("said_by", &[], &[], f.me, at(11))
            .unwrap_err()
            .code(),
        "bad_schema"
    );
}

#[test]
fn labels_are_added_renamed_rekeyed_and_deleted_with_their_annotations_undoably() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let actor = label(&f, "Actor");
    let a = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, at(2))
        .unwrap();
    let source = f
        .project
        .create_label(
            &claimdesk_store::new_label("Source", "#aa00ff", Some("4")),
            f.me,
            at(3),
        )
        .unwrap();
    assert_eq!(f.project.labels().unwrap().last().unwrap(), &source);

    let before = snapshot(&f.path);
    let refusals = [
        claimdesk_store::new_label("Actor", "#aa00ff", None),
        claimdesk_store::new_label("Quote", "red", None),
        claimdesk_store::new_label("Quote", "#aa00ff", Some("1")),
        claimdesk_store::new_label("Quote", "#aa00ff", Some("j")),
        claimdesk_store::new_label(" ", "#aa00ff", None),
        // L starts a link from the selected annotation.
        claimdesk_store::new_label("Quote", "#aa00ff", Some("L")),
    ];
    let messages: Vec<String> = refusals
        .iter()
        .map(|l| {
            f.project
                .create_label(l, f.me, at(4))
                .unwrap_err()
                .to_string()
        })
        .collect();
    assert!(messages[0].contains("already a label called \"Actor\""));
    assert!(messages[1].contains("#rrggbb"));
    assert!(
        messages[2].contains("the key \"1\" already applies Actor"),
        "{}",
        messages[2]
    );
    assert!(messages[3].contains("kept for moving"));
    assert!(messages[5].contains("the key \"L\""), "{}", messages[5]);
    assert_eq!(snapshot(&f.path), before);

    // Renaming keeps every annotation.
    let mut renamed = f.project.labels().unwrap()[0].clone();
    renamed.name = "Speaker".into();
    renamed.hotkey = Some("9".into());
    f.project.update_label(&renamed, f.me, at(5)).unwrap();
    assert_eq!(f.project.annotation(a.id).unwrap().label_id, actor);
    assert_eq!(f.project.labels().unwrap()[0].name, "Speaker");

    assert_eq!(f.project.label_usage(actor).unwrap(), (1, 0));
    f.project.delete_label(actor, f.me, at(6)).unwrap();
    assert!(f.project.annotations(doc).unwrap().is_empty());
    assert_eq!(f.project.labels().unwrap().len(), 3);
    f.project.undo(f.me, at(7)).unwrap();
    assert_eq!(
        f.project.annotations(doc).unwrap(),
        std::slice::from_ref(&a)
    );
    assert_eq!(
        f.project.labels().unwrap()[0].name,
        "Speaker",
        "back in its place"
    );
    f.project.undo(f.me, at(8)).unwrap();
    assert_eq!(f.project.labels().unwrap()[0].name, "Actor");
}

#[test]
fn entities_are_linked_renamed_merged_and_the_merge_undone() {
    use claimdesk_core::dataset::{Entity, EntityKind};
    use claimdesk_core::AnnotationEdit;
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let actor = label(&f, "Actor");
    let bruce = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, at(2))
        .unwrap();
    let spokes = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Bruce"), f.me, at(3))
        .unwrap();
    let tammy = f
        .project
        .create_entity(EntityKind::Actor, "Tammy Bruce", f.me, at(4))
        .unwrap();
    let spokesperson = f
        .project
        .create_entity(EntityKind::Actor, "the spokesperson", f.me, at(5))
        .unwrap();
    for (a, e) in [(bruce.id, tammy.id), (spokes.id, spokesperson.id)] {
        let edit = AnnotationEdit {
            entity_id: Some(Some(e)),
            ..Default::default()
        };
        f.project.update_annotation(a, &edit, f.me, at(6)).unwrap();
    }
    assert_eq!(
        f.project
            .create_entity(EntityKind::Actor, " Tammy Bruce ", f.me, at(7))
            .unwrap_err()
            .code(),
        "bad_entity"
    );
    let concept = f
        .project
        .create_entity(EntityKind::Concept, "Tammy Bruce", f.me, at(7))
        .unwrap();
    assert_eq!(
        f.project
            .merge_entities(tammy.id, concept.id, f.me, at(8))
            .unwrap_err()
            .code(),
        "bad_entity"
    );

    let renamed = f
        .project
        .update_entity(
            &Entity {
                name: "Tammy Bruce (State Dept.)".into(),
                aliases: vec!["Bruce".into(), " ".into()],
                ..tammy.clone()
            },
            f.me,
            at(9),
        )
        .unwrap();
    assert_eq!(renamed.aliases, ["Bruce"]);
    let merged = f
        .project
        .merge_entities(tammy.id, spokesperson.id, f.me, at(10))
        .unwrap();
    assert_eq!(merged.aliases, ["Bruce", "the spokesperson"]);
    let mentions: Vec<i64> = f
        .project
        .entity_mentions(tammy.id)
        .unwrap()
        .iter()
        .map(|m| m.annotation_id)
        .collect();
    assert_eq!(mentions.len(), 2);
    assert_eq!(f.project.mention_count(tammy.id).unwrap(), 2);
    assert!(mentions.contains(&spokes.id));
    assert_eq!(
        f.project.entities(Some(EntityKind::Actor)).unwrap().len(),
        1
    );

    f.project.undo(f.me, at(11)).unwrap();
    assert_eq!(
        f.project.annotation(spokes.id).unwrap().entity_id,
        Some(spokesperson.id)
    );
    assert_eq!(f.project.entity_mentions(spokesperson.id).unwrap().len(), 1);
    assert_eq!(f.project.mention_count(spokesperson.id).unwrap(), 1);
    assert_eq!(
        f.project.mention_count(999).err().unwrap().code(),
        "unknown_entity"
    );
    let back: Vec<String> = f
        .project
        .entities(Some(EntityKind::Actor))
        .unwrap()
        .into_iter()
        .map(|(e, n)| format!("{} {n}", e.name))
        .collect();
    assert_eq!(back, ["Tammy Bruce (State Dept.) 1", "the spokesperson 1"]);
    f.project.redo(f.me, at(12)).unwrap();
    assert_eq!(
        f.project.annotation(spokes.id).unwrap().entity_id,
        Some(tammy.id)
    );
}

#[test]
fn an_edit_gets_in_between_the_checkpoints_of_a_long_import() {
    // A long import commits every so often and begins again at once; an analyst's edit from
    // another connection must get its turn then, not wait out the whole import and fail.
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let actor = label(&f, "Actor");
    let path = f.path.clone();
    let me = f.me;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let importing = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut project = Project::open(&path).unwrap();
            let mut batch = project.begin_import(me, at(1)).unwrap();
            let started = std::time::Instant::now();
            let mut last = started;
            let mut n = 0;
            // Longer than the five seconds a writer waits for its turn.
            while started.elapsed() < std::time::Duration::from_secs(7) {
                n += 1;
                let text = format!("Document {n}. {}", "Words here. ".repeat(50));
                batch.add(&annotated(&text, &[], &[])).unwrap();
                if last.elapsed() >= std::time::Duration::from_millis(200) {
                    batch.checkpoint().unwrap();
                    last = std::time::Instant::now();
                }
            }
            batch.commit().unwrap();
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            n
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    let created =
        f.project
            .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), me, at(2));
    let still_importing = !done.load(std::sync::atomic::Ordering::SeqCst);
    let imported = importing.join().unwrap();
    assert!(created.is_ok(), "the edit was refused: {created:?}");
    assert!(still_importing, "the edit only got in after the import");
    assert_eq!(f.project.documents().unwrap().len(), imported + 1);
}

#[test]
fn a_sample_is_drawn_again_the_same_from_its_seed_and_filters_the_library_and_exports() {
    use claimdesk_core::library::LibraryQuery;
    use claimdesk_store::{SampleSpec, Strata};
    let mut f = fresh();
    for i in 0..60 {
        let source = if i < 40 { "wire" } else { "paper" };
        let month = if i % 2 == 0 { "01" } else { "02" };
        let doc = NewDocument {
            source: Some(source.into()),
            ..NewDocument::from_plain_text(
                &format!(" date 2024-{month}-15 Article {i}\n\nBody {i}."),
                "x.txt",
            )
        };
        f.project.import_document(&doc, f.me, at(1)).unwrap();
    }
    let spec = SampleSpec {
        query: LibraryQuery::default(),
        search: None,
        size: 15,
        seed: 2024,
        strata: Some(Strata::Source),
    };
    let drawn = f.project.draw_sample("pilot", &spec, at(2)).unwrap();
    assert_eq!(drawn.candidates, 60);
    assert_eq!(drawn.set.documents, 15);
    // Two thirds of the corpus is wire copy: two thirds of the sample is too.
    assert_eq!(drawn.strata.get("wire"), Some(&10));
    assert_eq!(drawn.strata.get("paper"), Some(&5));
    // The same seed draws the same documents; the seed and how are kept with the sample.
    let again = f.project.draw_sample("pilot again", &spec, at(3)).unwrap();
    let members = |f: &Fixture, id: i64| -> Vec<i64> {
        f.project
            .library(&LibraryQuery {
                set_id: Some(id),
                ..Default::default()
            })
            .unwrap()
            .iter()
            .map(|d| d.id)
            .collect()
    };
    assert_eq!(members(&f, drawn.set.id), members(&f, again.set.id));
    assert_eq!(f.project.document_set(drawn.set.id).unwrap().spec, spec);
    // Exports can be limited to it.
    let scope = claimdesk_core::dataset::Scope {
        set_id: Some(drawn.set.id),
        ..Default::default()
    };
    assert_eq!(
        f.project.scope_documents(&scope).unwrap(),
        members(&f, drawn.set.id)
    );
    // By month, from a search, from a filter.
    let by_month = SampleSpec {
        strata: Some(Strata::Month),
        size: 10,
        ..spec.clone()
    };
    let months = f.project.draw_sample("months", &by_month, at(4)).unwrap();
    assert_eq!(
        (months.strata.get("2024-01"), months.strata.get("2024-02")),
        (Some(&5), Some(&5))
    );
    let searched = SampleSpec {
        search: Some("\"Article 7\"".into()),
        strata: None,
        ..spec.clone()
    };
    assert_eq!(
        f.project
            .draw_sample("seven", &searched, at(5))
            .unwrap()
            .candidates,
        1
    );
    // Refusals change nothing.
    let before = f.project.document_sets().unwrap().len();
    for (name, bad) in [
        ("pilot", spec.clone()),
        ("  ", spec.clone()),
        (
            "none",
            SampleSpec {
                size: 0,
                ..spec.clone()
            },
        ),
        (
            "nothing",
            SampleSpec {
                search: Some("nowhere".into()),
                ..spec.clone()
            },
        ),
    ] {
        assert_eq!(
            f.project.draw_sample(name, &bad, at(6)).unwrap_err().code(),
            "bad_sample",
            "{name}"
        );
    }
    assert_eq!(f.project.document_sets().unwrap().len(), before);
    f.project.delete_document_set(again.set.id).unwrap();
    assert_eq!(
        f.project.document_set(again.set.id).unwrap_err().code(),
        "unknown_sample"
    );
    assert_eq!(
        f.project.documents().unwrap().len(),
        60,
        "its documents stay"
    );
}

/// The full-text index checked against the documents by FTS5 itself, and the ids it holds.
fn index_consistent(path: &Path) -> Vec<i64> {
    let conn = Connection::open(path).unwrap();
    conn.execute(
        "INSERT INTO documents_fts (documents_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("the index agrees with the documents it holds");
    let ids = conn
        .prepare("SELECT id FROM documents_fts_docsize ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    ids
}

fn deferred_import(f: &mut Fixture, texts: &[String]) -> Vec<i64> {
    let mut batch = f.project.begin_import(f.me, at(1)).unwrap();
    batch.defer_index().unwrap();
    let ids = texts
        .iter()
        .map(
            |text| match batch.add(&annotated(text, &[], &[])).unwrap() {
                ImportOutcome::Imported(id) => id,
                other => panic!("expected an import, got {other:?}"),
            },
        )
        .collect();
    batch.commit().unwrap();
    ids
}

#[test]
fn a_bulk_import_and_its_indexing_leave_the_project_with_synced_commits() {
    let mut f = fresh();
    let add = |batch: &mut claimdesk_store::Batch<'_>, n: usize| {
        for i in 0..n {
            batch
                .add(&annotated(&format!("Bulk article {i} {n}."), &[], &[]))
                .unwrap();
            // Intermediate commits, after which the batch's commits are not synced one by one.
            batch.checkpoint().unwrap();
        }
    };
    let mut batch = f.project.begin_import(f.me, at(1)).unwrap();
    batch.defer_index().unwrap();
    add(&mut batch, 3);
    batch.commit().unwrap();
    assert_eq!(
        f.project.durability().unwrap().synchronous,
        2,
        "after a commit"
    );

    // A batch given up (dropped without its commit) puts it back too.
    let mut batch = f.project.begin_import(f.me, at(2)).unwrap();
    batch.defer_index().unwrap();
    add(&mut batch, 2);
    drop(batch);
    assert_eq!(
        f.project.durability().unwrap().synchronous,
        2,
        "after a drop"
    );
    assert_eq!(
        f.project.documents().unwrap().len(),
        5,
        "what was committed stays"
    );

    f.project
        .index_documents(&std::sync::atomic::AtomicBool::new(false), |_| {})
        .unwrap();
    assert_eq!(
        f.project.durability().unwrap().synchronous,
        2,
        "after indexing"
    );
    assert_eq!(f.project.search("bulk", 10).unwrap().len(), 5);
}

#[test]
fn a_deferred_import_is_stored_at_once_and_searchable_once_indexed() {
    let mut f = fresh();
    let first = import(&mut f, SAMPLE);
    let texts: Vec<String> = (0..30)
        .map(|i| format!("Deferred article {i} about zanzibar{i}."))
        .collect();
    let ids = deferred_import(&mut f, &texts);
    assert_eq!(f.project.documents().unwrap().len(), 31);
    assert_eq!(f.project.unindexed_documents().unwrap(), 30);
    assert!(f.project.search("zanzibar7", 10).unwrap().is_empty());
    // What was indexed before still answers.
    assert_eq!(
        f.project.search("erdogan", 10).unwrap()[0].document_id,
        first
    );

    let mut seen = Vec::new();
    let done = f
        .project
        .index_documents(&std::sync::atomic::AtomicBool::new(false), |p| {
            seen.push(*p)
        })
        .unwrap();
    assert_eq!((done.indexed, done.total), (30, 30));
    assert_eq!(seen.last(), Some(&done));
    assert_eq!(f.project.unindexed_documents().unwrap(), 0);
    let hits = f.project.search("zanzibar7", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].document_id, ids[7]);
    let mut all = vec![first];
    all.extend(&ids);
    assert_eq!(index_consistent(&f.path), all);
}

#[test]
fn indexing_stopped_halfway_goes_on_after_reopening_and_indexes_each_document_once() {
    let mut f = fresh();
    let texts: Vec<String> = (0..3_000)
        .map(|i| {
            format!(
                "Article {i} mentions kestrel{i}. {}",
                "Filler words. ".repeat(20)
            )
        })
        .collect();
    let ids = deferred_import(&mut f, &texts);
    // Cancelled after its first transaction, as an analyst closing the app would.
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let first = f
        .project
        .index_documents(&cancel, |_| {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed)
        })
        .unwrap();
    assert!(first.indexed > 0 && first.indexed < 3_000, "{first:?}");
    // A transaction of indexing that never committed (a crash) leaves nothing behind.
    {
        let conn = Connection::open(&f.path).unwrap();
        conn.execute_batch(
            "BEGIN;
             INSERT INTO documents_fts (rowid, title, text)
             SELECT id, title, text FROM documents WHERE id > (SELECT max(id) FROM documents_fts_docsize);",
        )
        .unwrap();
    }
    drop(f.project);
    let mut project = Project::open(&f.path).unwrap();
    assert_eq!(
        project.unindexed_documents().unwrap(),
        3_000 - first.indexed
    );
    let hit = |project: &Project, i: usize| project.search(&format!("kestrel{i}"), 5).unwrap();
    assert_eq!(hit(&project, 0)[0].document_id, ids[0]);
    assert!(hit(&project, 2_999).is_empty());
    let rest = project
        .index_documents(&std::sync::atomic::AtomicBool::new(false), |_| {})
        .unwrap();
    assert_eq!(rest.indexed, 3_000 - first.indexed);
    assert_eq!(hit(&project, 2_999)[0].document_id, ids[2_999]);
    assert_eq!(index_consistent(&f.path), ids);
}

#[test]
fn a_document_imported_while_others_wait_for_the_index_waits_behind_them() {
    let mut f = fresh();
    let waiting = deferred_import(&mut f, &["Waiting for the index: osprey.".to_string()]);
    // An ordinary import indexes at once, but not ahead of documents still waiting: the index
    // always holds the documents up to its highest id and no other.
    let later = import(&mut f, "Imported later: heron.");
    assert_eq!(f.project.unindexed_documents().unwrap(), 2);
    assert!(f.project.search("heron", 5).unwrap().is_empty());
    f.project
        .index_documents(&std::sync::atomic::AtomicBool::new(false), |_| {})
        .unwrap();
    assert_eq!(f.project.search("heron", 5).unwrap()[0].document_id, later);
    assert_eq!(
        f.project.search("osprey", 5).unwrap()[0].document_id,
        waiting[0]
    );
    assert_eq!(index_consistent(&f.path), [waiting[0], later]);
    // With nothing waiting, an import is searchable as soon as it returns, as before.
    let now = import(&mut f, "Searchable at once: plover.");
    assert_eq!(f.project.search("plover", 5).unwrap()[0].document_id, now);
}

/// Two coders disagree; the adjudicator accepts what they share, one coder's version of a
/// disagreement and rejects another, each step undoable by the adjudicator alone.
#[test]
fn disagreements_are_adjudicated_into_the_curated_layer_undoably() {
    use claimdesk_core::adjudication::Rule;
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let (actor, claim) = (label(&f, "Actor"), label(&f, "Claim"));
    let ana = f.me;
    let ben = f.project.annotator("ben", at(1)).unwrap();
    let judge = f.project.annotator("judge", at(1)).unwrap();
    let quote =
        "One phone call followed by one meeting is not sufficient to establish enduring peace";
    let mut code = |who: i64, label: i64, text: &str| {
        f.project
            .create_annotation(doc, label, find_cp(SAMPLE, text), who, at(2))
            .unwrap()
    };
    // Both: Tammy Bruce. Ana: the whole quote, said by Bruce. Ben: half of it, and Lavrov.
    let bruce_a = code(ana, actor, "Tammy Bruce");
    code(ben, actor, "Tammy Bruce");
    let claim_a = code(ana, claim, quote);
    code(ben, claim, "not sufficient to establish enduring peace");
    code(ben, actor, "Sergei Lavrov");
    f.project
        .create_relation("said_by", claim_a.id, bruce_a.id, ana, at(3))
        .unwrap();

    let state = f.project.adjudication(doc, None, Rule::All).unwrap();
    assert_eq!(state.coders, [ana, ben]);
    assert_eq!(state.plan.agreed.len(), 1);
    assert_eq!(state.agreed_pending, 1);
    assert_eq!(state.plan.disagreements.len(), 2);

    f.project
        .accept_agreed(doc, None, Rule::All, judge, at(4))
        .unwrap()
        .unwrap();
    // The claim: Ana's version, with her link to Bruce's (now curated) mention.
    let claims = state
        .plan
        .disagreements
        .iter()
        .position(|d| d.versions[0].1.len() == 1 && d.versions[1].1.len() == 1)
        .unwrap();
    f.project
        .decide(doc, None, Rule::All, claims, Some(ana), judge, at(5))
        .unwrap();
    let lavrov = 1 - claims;
    f.project
        .decide(doc, None, Rule::All, lavrov, None, judge, at(6))
        .unwrap();
    let again = f
        .project
        .decide(doc, None, Rule::All, lavrov, Some(ben), judge, at(7));
    assert_eq!(again.err().unwrap().code(), "bad_coder", "settled once");

    let state = f.project.adjudication(doc, None, Rule::All).unwrap();
    assert_eq!(state.agreed_pending, 0);
    assert!(state.decisions.iter().all(Option::is_some));
    let quotes: Vec<&str> = state.curated.iter().map(|a| a.quote.as_str()).collect();
    assert_eq!(quotes, ["Tammy Bruce", quote]);
    let curated = f.project.coder_id(claimdesk_store::CURATED).unwrap();
    let links = f.project.relations(doc).unwrap();
    assert!(
        links
            .iter()
            .any(|r| r.annotator_id == curated && r.kind == "said_by"),
        "the accepted claim keeps its speaker in the curated layer"
    );

    // The coders' own undo does not touch it; the adjudicator's takes back the last step.
    assert_eq!(f.project.history_depth(judge).unwrap(), (3, 0));
    f.project.undo(judge, at(8)).unwrap().unwrap();
    let state = f.project.adjudication(doc, None, Rule::All).unwrap();
    assert!(state.decisions[lavrov].is_none(), "the rejection is undone");
    f.project.undo(judge, at(9)).unwrap().unwrap();
    let state = f.project.adjudication(doc, None, Rule::All).unwrap();
    assert_eq!(
        state.curated.len(),
        1,
        "the accepted claim is taken back with its link"
    );
    assert!(!f
        .project
        .relations(doc)
        .unwrap()
        .iter()
        .any(|r| r.annotator_id == curated));
    f.project.redo(judge, at(10)).unwrap().unwrap();
    assert_eq!(
        f.project
            .adjudication(doc, None, Rule::All)
            .unwrap()
            .curated
            .len(),
        2
    );

    assert!(!state.finished);
    f.project
        .finish_adjudication(doc, true, judge, at(11))
        .unwrap();
    assert!(
        f.project
            .adjudication(doc, None, Rule::All)
            .unwrap()
            .finished
    );
}

/// An edit another coder has since built on cannot be undone as it was: it is passed over and
/// said, never applied over the other coder's work.
#[test]
fn an_undo_another_coder_overtook_is_passed_over_and_counted() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let actor = label(&f, "Actor");
    let ben = f.project.annotator("ben", at(1)).unwrap();
    let mine = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, at(2))
        .unwrap();
    let kept = f
        .project
        .create_annotation(doc, actor, find_cp(SAMPLE, "Marco Rubio"), f.me, at(3))
        .unwrap();
    // I give it a note; Ben changes the note after me.
    let note = |text: &str| claimdesk_core::AnnotationEdit {
        note: Some(Some(text.into())),
        ..Default::default()
    };
    f.project
        .update_annotation(kept.id, &note("mine"), f.me, at(4))
        .unwrap();
    f.project
        .update_annotation(kept.id, &note("his"), ben, at(5))
        .unwrap();
    // Ben deletes my first annotation.
    f.project.delete_annotation(mine.id, ben, at(6)).unwrap();

    // My undo: my note edit is under Ben's now, passed over; then the creation of Rubio.
    let step = f.project.undo_step(f.me, at(7)).unwrap();
    assert_eq!(step.skipped, 1);
    assert!(matches!(
        step.change,
        Some(Change::AnnotationDeleted { .. })
    ));
    // Nothing of mine is left to undo but Bruce's creation, whose annotation Ben deleted.
    let step = f.project.undo_step(f.me, at(8)).unwrap();
    assert_eq!((step.change, step.skipped), (None, 1));
    assert_eq!(f.project.history_depth(f.me).unwrap(), (0, 1));
    // Ben's work stands: his deletion, and no annotation of mine came back over it.
    assert!(f.project.annotations(doc).unwrap().is_empty());
}

/// Ids are handed out again once free: undoing my link's making after Ben's new link took
/// its id removes nothing of his.
#[test]
fn an_undo_never_removes_another_coders_row_that_took_the_same_id() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let (actor, claim) = (label(&f, "Actor"), label(&f, "Claim"));
    let ben = f.project.annotator("ben", at(1)).unwrap();
    let mut make = |who: i64, minute: u32| {
        let a = f
            .project
            .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), who, at(minute))
            .unwrap();
        let c = f
            .project
            .create_annotation(doc, claim, find_cp(SAMPLE, "Marco Rubio"), who, at(minute))
            .unwrap();
        (a, c)
    };
    let (my_actor, my_claim) = make(f.me, 2);
    let (his_actor, his_claim) = make(ben, 3);
    let mine = f
        .project
        .create_relation("said_by", my_claim.id, my_actor.id, f.me, at(4))
        .unwrap();
    f.project.delete_relation(mine.id, f.me, at(5)).unwrap();
    let his = f
        .project
        .create_relation("said_by", his_claim.id, his_actor.id, ben, at(6))
        .unwrap();
    assert_eq!(his.id, mine.id, "the id is handed out again");
    // Undoing my deletion cannot bring mine back on his id; undoing my making must not take
    // his away.
    f.project.undo_step(f.me, at(7)).unwrap();
    f.project.undo_step(f.me, at(8)).unwrap();
    let left = f.project.relations(doc).unwrap();
    assert!(
        left.iter().any(|r| r.uid == his.uid),
        "Ben's link is kept: {left:?}"
    );
}

#[test]
fn labels_created_together_are_one_undoable_step_and_all_or_nothing() {
    use claimdesk_core::label::NewLabel;
    let mut f = fresh();
    let new = |name: &str| NewLabel {
        name: name.into(),
        colour: "#112233".into(),
        hotkey: None,
        attributes: vec![],
    };
    let names = |f: &Fixture| -> Vec<String> {
        f.project
            .labels()
            .unwrap()
            .into_iter()
            .map(|l| l.name)
            .collect()
    };
    let before = names(&f);
    // A name already taken refuses the whole list.
    let error = f
        .project
        .create_labels(&[new("Theme"), new("Actor")], f.me, at(2))
        .unwrap_err();
    assert_eq!(error.code(), "bad_schema", "{error}");
    assert_eq!(names(&f), before);
    let made = f
        .project
        .create_labels(&[new("Theme"), new("Theme/Child")], f.me, at(3))
        .unwrap();
    assert_eq!(made.len(), 2);
    assert_eq!(names(&f)[before.len()..], ["Theme", "Theme/Child"]);
    f.project.undo(f.me, at(4)).unwrap();
    assert_eq!(names(&f), before);
    f.project.redo(f.me, at(5)).unwrap();
    assert_eq!(names(&f)[before.len()..], ["Theme", "Theme/Child"]);
}

/// Blind mode as a scope: a coder reads only their own work on a document until it is
/// adjudicated, then everyone's; its disagreements wait for every assigned coder's Done.
#[test]
fn a_blind_scope_shows_the_coders_own_work_until_the_document_is_adjudicated() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let (actor, claim) = (label(&f, "Actor"), label(&f, "Claim"));
    let ana = f.me;
    let ben = f.project.annotator("ben", at(1)).unwrap();
    let mut code = |who: i64, label: i64, text: &str| {
        f.project
            .create_annotation(doc, label, find_cp(SAMPLE, text), who, at(2))
            .unwrap()
    };
    let bruce = code(ben, actor, "Tammy Bruce");
    let said = code(ben, claim, "not sufficient to establish enduring peace");
    code(ana, actor, "Sergei Lavrov");
    f.project
        .create_relation("said_by", said.id, bruce.id, ben, at(3))
        .unwrap();
    let ana_name = f.project.annotator_name(ana).unwrap();
    let seen = |project: &Project, by: Option<&str>| {
        let scope = Scope {
            seen_by: by.map(str::to_string),
            ..Scope::everything()
        };
        let record = project.document_record(doc, &scope).unwrap();
        let quotes: Vec<String> = record.annotations.iter().map(|a| a.quote.clone()).collect();
        (quotes, project.statements(&scope).unwrap().len())
    };
    assert_eq!(
        seen(&f.project, Some(&ana_name)),
        (vec!["Sergei Lavrov".to_string()], 0)
    );
    assert_eq!(seen(&f.project, Some("ben")).1, 1, "ben's own statement");
    assert_eq!(
        seen(&f.project, None).0.len(),
        3,
        "no blind scope: everyone's"
    );

    // Disagreements wait for every coder assigned to the document.
    f.project.assign(ana, &[doc], at(4)).unwrap();
    f.project.assign(ben, &[doc], at(4)).unwrap();
    assert_eq!(
        f.project.not_done(doc).unwrap(),
        [ana_name.clone(), "ben".into()]
    );
    f.project.mark_done(ben, doc, true, at(5)).unwrap();
    assert_eq!(
        f.project.not_done(doc).unwrap(),
        std::slice::from_ref(&ana_name)
    );
    f.project.mark_done(ana, doc, true, at(5)).unwrap();
    assert!(f.project.not_done(doc).unwrap().is_empty());

    // Adjudicated: everyone's work is seen, statements included.
    f.project
        .finish_adjudication(doc, true, ana, at(6))
        .unwrap();
    let (quotes, statements) = seen(&f.project, Some(&ana_name));
    assert_eq!(quotes.len(), 3);
    assert_eq!(statements, 1);
}

#[test]
fn the_change_stamp_moves_with_every_change_by_anyone_and_between_openings() {
    let mut f = fresh();
    let doc = import(&mut f, HOSTILE);
    let first = f.project.change_stamp().unwrap();
    // Reading changes nothing.
    f.project.statements(&Scope::everything()).unwrap();
    f.project.documents().unwrap();
    assert_eq!(f.project.change_stamp().unwrap(), first);
    // An edit here.
    let actor = label(&f, "Actor");
    let span = find_cp(HOSTILE, "Tammy Bruce");
    let a = f
        .project
        .create_annotation(doc, actor, span, f.me, at(3))
        .unwrap();
    let edited = f.project.change_stamp().unwrap();
    assert_ne!(edited, first);
    // Reading that brings the kept statements up to date changes nothing either.
    f.project.statements(&Scope::everything()).unwrap();
    assert_eq!(f.project.change_stamp().unwrap(), edited);
    // An edit by another process (here another connection).
    let mut other = Project::open(&f.path).unwrap();
    other.delete_annotation(a.id, f.me, at(4)).unwrap();
    let theirs = f.project.change_stamp().unwrap();
    assert_ne!(theirs, edited);
    // Another opening of the same file, as after a restored backup, never shares a stamp.
    drop(other);
    let again = Project::open(&f.path).unwrap();
    assert_ne!(again.change_stamp().unwrap().0, theirs.0);
}

/// A corpus is read in batches of documents (three statements for each batch): every document
/// comes back once, in id order, with its own coding and text, across the batches' edges.
#[test]
fn a_corpus_read_in_batches_gives_every_document_once_with_its_own_coding() {
    let mut f = fresh();
    let count = 1_100;
    let mut batch = f.project.begin_import(f.me, at(1)).unwrap();
    let mut ids = Vec::new();
    for i in 0..count {
        let text = format!("Speaker {i} said: policy {i} works.");
        let speaker = format!("Speaker {i}");
        let claim = format!("policy {i} works");
        let [s, c] = [&speaker, &claim].map(|q| text.find(q.as_str()).unwrap());
        // Every third document is left uncoded: statements skip it, exports do not.
        let spans: Vec<(&str, &str, usize, usize)> = if i % 3 == 2 {
            Vec::new()
        } else {
            vec![
                ("T1", "Actor", s, s + speaker.len()),
                ("T2", "Claim", c, c + claim.len()),
            ]
        };
        let relations: &[(&str, &str, &str)] = if spans.is_empty() {
            &[]
        } else {
            &[("said_by", "T2", "T1")]
        };
        let ImportOutcome::Imported(id) = batch.add(&annotated(&text, &spans, relations)).unwrap()
        else {
            panic!("not imported")
        };
        ids.push(id);
    }
    batch.commit().unwrap();

    let statements = f.project.statements(&Scope::everything()).unwrap();
    let coded: Vec<i64> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 2)
        .map(|(_, &id)| id)
        .collect();
    assert_eq!(
        statements.iter().map(|s| s.document_id).collect::<Vec<_>>(),
        coded
    );
    for s in &statements {
        let i = ids.iter().position(|&id| id == s.document_id).unwrap();
        assert_eq!(
            (s.actor.as_str(), s.concept.as_str()),
            (
                format!("Speaker {i}").as_str(),
                format!("policy {i} works").as_str()
            )
        );
    }

    // A scope of some of them (every other coded one): the documents between, coded too, are
    // read with them by range and must be left out.
    let some: Vec<i64> = coded.iter().step_by(2).copied().collect();
    let scope = Scope {
        documents: Some(some.clone()),
        ..Scope::everything()
    };
    let of_some = f.project.statements(&scope).unwrap();
    assert_eq!(
        of_some.iter().map(|s| s.document_id).collect::<Vec<_>>(),
        some
    );

    let mut read = Vec::new();
    f.project
        .read_scope(&Scope::everything(), |doc| {
            read.push(doc);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!(read.iter().map(|d| d.id).collect::<Vec<_>>(), ids);
    for (i, doc) in read.iter().enumerate() {
        assert!(
            doc.text.starts_with(&format!("Speaker {i} said")),
            "{}",
            doc.text
        );
        let quotes: Vec<&str> = doc.annotations.iter().map(|a| a.quote.as_str()).collect();
        let relations = doc.relations.len();
        if i % 3 == 2 {
            assert_eq!((quotes.len(), relations), (0, 0));
        } else {
            assert_eq!(
                quotes,
                [format!("Speaker {i}"), format!("policy {i} works")]
            );
            assert_eq!(relations, 1);
            assert_eq!(
                doc.annotations[0].note.as_deref(),
                Some("note on T1"),
                "exports read the notes"
            );
        }
        assert_eq!(
            *doc,
            f.project
                .document_record(doc.id, &Scope::everything())
                .unwrap()
        );
    }

    // Every document marked at once (as after an upgrade, or another program's import): their
    // statements are stored again a few hundred documents a transaction, the same as derived.
    let conn = Connection::open(&f.path).unwrap();
    conn.execute("DELETE FROM statement_rows", []).unwrap();
    conn.execute("INSERT INTO statements_stale SELECT id FROM documents", [])
        .unwrap();
    assert_eq!(f.project.refresh_statements().unwrap(), count);
    assert_eq!(f.project.refresh_statements().unwrap(), 0);
    assert_eq!(
        f.project.statements(&Scope::everything()).unwrap(),
        f.project.derived_statements(&Scope::everything()).unwrap()
    );
    assert_eq!(statements.len(), coded.len());
}

/// Statements are kept beside the coding and read from there: what is read is what deriving
/// them from the coding gives, after every kind of change (coding, links, stances, entities
/// and their names, undo), in every scope of documents, also while another program holds the
/// project and the kept rows cannot be brought up to date.
#[test]
fn kept_statements_are_the_derived_ones_after_every_kind_of_change() {
    use claimdesk_core::annotation::AnnotationEdit;
    use claimdesk_core::dataset::EntityKind;
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let other_doc = import(&mut f, HOSTILE);
    let (actor, claim, position) = (
        label(&f, "Actor"),
        label(&f, "Claim"),
        label(&f, "Position"),
    );
    let scopes = [
        Scope::everything(),
        Scope {
            documents: Some(vec![doc]),
            ..Scope::everything()
        },
        Scope {
            date_from: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
            ..Scope::everything()
        },
    ];
    let same = |project: &Project, count: usize| {
        for scope in &scopes {
            let derived = project.derived_statements(scope).unwrap();
            assert_eq!(project.statements(scope).unwrap(), derived, "{scope:?}");
        }
        let all = project.statements(&Scope::everything()).unwrap();
        assert_eq!(all.len(), count, "{all:#?}");
        all
    };
    same(&f.project, 0);

    let code = |f: &mut Fixture, doc: i64, label: i64, text: &str, source: &str| {
        f.project
            .create_annotation(doc, label, find_cp(source, text), f.me, at(2))
            .unwrap()
    };
    let bruce = code(&mut f, doc, actor, "Tammy Bruce", SAMPLE);
    let said = code(
        &mut f,
        doc,
        claim,
        "not sufficient to establish enduring peace",
        SAMPLE,
    );
    f.project
        .create_relation("said_by", said.id, bruce.id, f.me, at(3))
        .unwrap();
    let all = same(&f.project, 1);
    assert_eq!(
        (all[0].actor.as_str(), all[0].stance.as_deref()),
        ("Tammy Bruce", None)
    );

    // A position about the claim, held by the actor, with a stance.
    let opposes = code(&mut f, doc, position, "Tammy Bruce", SAMPLE);
    let mut attributes = serde_json::Map::new();
    attributes.insert("stance".into(), "oppose".into());
    f.project
        .update_annotation(
            opposes.id,
            &AnnotationEdit {
                attributes: Some(attributes),
                ..Default::default()
            },
            f.me,
            at(4),
        )
        .unwrap();
    f.project
        .create_relation("about", opposes.id, said.id, f.me, at(4))
        .unwrap();
    let all = same(&f.project, 1);
    assert_eq!(all[0].stance.as_deref(), Some("oppose"));

    // Linked to an entity: named by it, and by its new name once it is renamed.
    let entity = f
        .project
        .create_entity(EntityKind::Actor, "State Department", f.me, at(5))
        .unwrap();
    f.project
        .update_annotation(
            bruce.id,
            &AnnotationEdit {
                entity_id: Some(Some(entity.id)),
                ..Default::default()
            },
            f.me,
            at(5),
        )
        .unwrap();
    assert_eq!(same(&f.project, 1)[0].actor, "State Department");
    let renamed = claimdesk_core::dataset::Entity {
        name: "US State Department".into(),
        ..entity.clone()
    };
    f.project.update_entity(&renamed, f.me, at(6)).unwrap();
    let all = same(&f.project, 1);
    assert_eq!(
        (all[0].actor.as_str(), all[0].actor_entity_id),
        ("US State Department", Some(entity.id))
    );

    // A second document's statement, then undo takes it back.
    let erdogan = code(&mut f, other_doc, actor, "Erdoğan", HOSTILE);
    let said_there = code(&mut f, other_doc, claim, "Tammy Bruce said", HOSTILE);
    f.project
        .create_relation("said_by", said_there.id, erdogan.id, f.me, at(7))
        .unwrap();
    same(&f.project, 2);
    f.project.undo(f.me, at(8)).unwrap();
    same(&f.project, 1);
    f.project.redo(f.me, at(9)).unwrap();
    same(&f.project, 2);

    // Another program changes the coding and keeps the project busy: the rows kept here cannot
    // be brought up to date, and the changed document is derived instead.
    let mut other = Project::open(&f.path).unwrap();
    other.delete_annotation(said.id, f.me, at(10)).unwrap();
    let busy = Connection::open(&f.path).unwrap();
    busy.execute_batch("BEGIN IMMEDIATE").unwrap();
    assert!(
        f.project.refresh_statements().is_err(),
        "the project is busy"
    );
    let all = same(&f.project, 1);
    assert_eq!(all[0].actor, "Erdoğan");
    busy.execute_batch("ROLLBACK").unwrap();
    assert_eq!(
        f.project.refresh_statements().unwrap(),
        1,
        "the changed document"
    );
    assert_eq!(
        f.project.refresh_statements().unwrap(),
        0,
        "nothing changed since"
    );

    // What is read comes from the kept rows (here altered behind the project's back).
    busy.execute("UPDATE statement_rows SET actor_quote = 'kept'", [])
        .unwrap();
    assert_eq!(
        f.project.statements(&Scope::everything()).unwrap()[0].actor,
        "kept"
    );
}

/// Statements of imported coding are kept by the import itself: the first reading derives none.
#[test]
fn an_import_keeps_the_statements_of_its_coding() {
    let mut f = fresh();
    let text = "Speaker said: policy works.";
    let mut batch = f.project.begin_import(f.me, at(1)).unwrap();
    batch
        .add(&annotated(
            text,
            &[("T1", "Actor", 0, 7), ("T2", "Claim", 14, 26)],
            &[("said_by", "T2", "T1")],
        ))
        .unwrap();
    batch.commit().unwrap();
    assert_eq!(f.project.refresh_statements().unwrap(), 0);
    let all = f.project.statements(&Scope::everything()).unwrap();
    assert_eq!(
        (all[0].actor.as_str(), all[0].concept.as_str()),
        ("Speaker", "policy works")
    );
}

/// Another connection to an open project (for work in the background) reads and writes the
/// same project, and what it writes moves the first connection's change stamp.
#[test]
fn a_project_opened_again_is_the_same_project() {
    let mut f = fresh();
    let doc = import(&mut f, SAMPLE);
    let mut again = f.project.open_again().unwrap();
    assert_eq!(again.documents().unwrap().len(), 1);
    let before = f.project.change_stamp().unwrap();
    let actor = label(&f, "Actor");
    again
        .create_annotation(doc, actor, find_cp(SAMPLE, "Tammy Bruce"), f.me, at(2))
        .unwrap();
    assert_eq!(f.project.annotations(doc).unwrap().len(), 1);
    assert_ne!(f.project.change_stamp().unwrap(), before);
}
