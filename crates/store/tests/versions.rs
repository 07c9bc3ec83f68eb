//! A document's text replaced by a corrected version: annotations re-anchored, orphans kept
//! with their links, the whole step undone and redone, orphans placed by hand or deleted.

use chrono::{DateTime, TimeZone, Utc};
use claimdesk_core::{NewDocument, Span};
use claimdesk_store::{ImportOutcome, Project, StoreError};

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, minute, 0).unwrap()
}

const OLD: &str = "Riyadh talks 👩‍👩‍👧\n\nTammy Bruce said the talks were \"a first step\".\n\nRubio met Lavrov. The meeting lasted hours.\r\nLater, Rubio said nothing.";
const NEW: &str = "Riyadh talks 👩‍👩‍👧 (updated)\n\nTammy  Bruce said the talks were “a first step”.\n\nThe meeting lasted four hours.\r\nLater, Rubio said nothing.";

fn span(text: &str, needle: &str, nth: usize) -> Span {
    let byte = text.match_indices(needle).nth(nth).unwrap().0;
    let start = text[..byte].chars().count();
    Span::new(start, start + needle.chars().count()).unwrap()
}

/// A fresh project in a temporary folder, with Ana coding (Ben too, for tests of two coders).
fn fresh() -> (tempfile::TempDir, Project, i64, i64) {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(&dir.path().join("p.claimdesk")).unwrap();
    let ana = project.annotator("Ana", at(0)).unwrap();
    let ben = project.annotator("Ben", at(0)).unwrap();
    (dir, project, ana, ben)
}

/// Imports `doc`, answering its id.
fn import(project: &mut Project, doc: &NewDocument, by: i64) -> i64 {
    match project.import_document(doc, by, at(1)).unwrap() {
        ImportOutcome::Imported(id) => id,
        other => panic!("expected an import, got {other:?}"),
    }
}

fn quotes(project: &Project, doc: i64) -> Vec<String> {
    let mut q: Vec<String> = project
        .annotations(doc)
        .unwrap()
        .into_iter()
        .map(|a| a.quote)
        .collect();
    q.sort();
    q
}

#[test]
fn replacing_a_text_re_anchors_orphans_and_undoes_as_one_step() {
    let (_dir, mut project, me, _) = fresh();
    let doc = import(
        &mut project,
        &NewDocument::from_plain_text(OLD, "riyadh.txt"),
        me,
    );
    let labels = project.labels().unwrap();
    let (actor, claim) = (labels[0].id, labels[1].id);
    let bruce = project
        .create_annotation(doc, actor, span(OLD, "Tammy Bruce", 0), me, at(2))
        .unwrap();
    let step = project
        .create_annotation(doc, claim, span(OLD, "\"a first step\"", 0), me, at(2))
        .unwrap();
    let lavrov = project
        .create_annotation(doc, actor, span(OLD, "Lavrov", 0), me, at(2))
        .unwrap();
    let met = project
        .create_annotation(doc, claim, span(OLD, "Rubio met Lavrov", 0), me, at(2))
        .unwrap();
    let later = project
        .create_annotation(doc, actor, span(OLD, "Rubio", 1), me, at(2))
        .unwrap();
    project
        .create_relation("said_by", step.id, bruce.id, me, at(3))
        .unwrap();
    project
        .create_relation("said_by", met.id, lavrov.id, me, at(3))
        .unwrap();
    let before = quotes(&project, doc);

    let report = project.replace_text(doc, NEW, me, at(4)).unwrap();
    assert_eq!(project.document_text(doc).unwrap(), NEW);
    assert_eq!(report.kept, 1, "{report:?}"); // the later Rubio
    assert_eq!(report.adjusted, 2, "{report:?}"); // Tammy  Bruce, “a first step”
    let mut gone: Vec<_> = report.orphaned.iter().map(|o| o.quote.as_str()).collect();
    gone.sort();
    assert_eq!(gone, ["Lavrov", "Rubio met Lavrov"]);
    // Every annotation left is exactly on its text in the new version.
    for a in project.annotations(doc).unwrap() {
        let text: String = NEW.chars().skip(a.start).take(a.end - a.start).collect();
        assert_eq!(a.quote, text);
    }
    assert_eq!(
        quotes(&project, doc),
        ["Rubio", "Tammy  Bruce", "“a first step”"]
    );
    let moved = project.annotation(later.id).unwrap();
    assert_eq!(
        (moved.start, moved.end),
        (span(NEW, "Rubio", 0).start(), span(NEW, "Rubio", 0).end())
    );
    // The link between the two that stayed is there; the orphans keep theirs.
    assert_eq!(project.relations(doc).unwrap().len(), 1);
    let orphans = project.orphans(doc).unwrap();
    assert_eq!(orphans.len(), 2);
    assert!(orphans
        .iter()
        .all(|o| o.relations.len() == 1 && !o.reason.is_empty()));
    // Search knows the new text and forgets the old.
    assert!(!project.search("four", 10).unwrap().is_empty());
    assert!(project.search("met", 10).unwrap().is_empty());

    // One undo: the old text, every annotation where it was, both links, no orphans.
    project.undo(me, at(5)).unwrap().unwrap();
    assert_eq!(project.document_text(doc).unwrap(), OLD);
    assert_eq!(quotes(&project, doc), before);
    assert_eq!(
        project.annotation(lavrov.id).unwrap().start,
        span(OLD, "Lavrov", 0).start()
    );
    assert_eq!(project.relations(doc).unwrap().len(), 2);
    assert!(project.orphans(doc).unwrap().is_empty());
    assert!(project.search("four", 10).unwrap().is_empty());
    // And redo.
    project.redo(me, at(6)).unwrap().unwrap();
    assert_eq!(project.document_text(doc).unwrap(), NEW);
    assert_eq!(project.orphans(doc).unwrap().len(), 2);

    // Placing the claim by hand, then its actor: the link comes back with the second.
    let place = span(NEW, "The meeting lasted four hours", 0);
    let placed = project
        .place_orphan(met.id, place.start(), place.end(), me, at(7))
        .unwrap();
    assert_eq!(placed.quote, "The meeting lasted four hours");
    assert_eq!(placed.label_id, claim);
    assert_eq!(project.relations(doc).unwrap().len(), 1);
    let rubio = span(NEW, "Rubio", 0);
    project
        .place_orphan(lavrov.id, rubio.start(), rubio.end(), me, at(8))
        .unwrap();
    assert_eq!(project.relations(doc).unwrap().len(), 2);
    assert!(project.orphans(doc).unwrap().is_empty());
    // Undo the last placement: an orphan again, and its link with it; redo: placed again.
    project.undo(me, at(9)).unwrap().unwrap();
    assert_eq!(project.orphans(doc).unwrap().len(), 1);
    assert_eq!(project.relations(doc).unwrap().len(), 1);
    let step = project.redo_step(me, at(9)).unwrap();
    assert_eq!(step.skipped, 0, "{step:?}");
    assert_eq!(project.annotation(lavrov.id).unwrap().quote, "Rubio");
    assert_eq!(project.relations(doc).unwrap().len(), 2);
    project.undo(me, at(9)).unwrap().unwrap();
    assert_eq!(project.orphans(doc).unwrap().len(), 1);
    // Deleting it for good, undoable too.
    project.delete_orphan(lavrov.id, me, at(10)).unwrap();
    assert!(project.orphans(doc).unwrap().is_empty());
    assert!(project.annotation(lavrov.id).is_err());
    project.undo(me, at(11)).unwrap().unwrap();
    assert_eq!(project.orphans(doc).unwrap().len(), 1);

    // Two orphans linked to each other: deleting one leaves the link with the other, and
    // undoing the deletion brings it back as it was.
    project.undo(me, at(12)).unwrap().unwrap();
    assert_eq!(project.orphans(doc).unwrap().len(), 2);
    project.delete_orphan(met.id, me, at(13)).unwrap();
    assert_eq!(project.orphans(doc).unwrap().len(), 1);
    let step = project.undo_step(me, at(14)).unwrap();
    assert_eq!(step.skipped, 0, "the deletion is undone, not passed over");
    assert_eq!(project.orphans(doc).unwrap().len(), 2);
    assert!(project
        .orphans(doc)
        .unwrap()
        .iter()
        .all(|o| o.relations.len() == 1));
}

#[test]
fn bad_replacements_change_nothing() {
    let (_dir, mut project, me, _) = fresh();
    let ids: Vec<i64> = [OLD, NEW]
        .iter()
        .map(|text| {
            import(
                &mut project,
                &NewDocument::from_plain_text(text, "a.txt"),
                me,
            )
        })
        .collect();
    for (text, why) in [
        (OLD, "the same"),
        (NEW, "already the text of document"),
        ("  \n", "empty"),
    ] {
        match project.replace_text(ids[0], text, me, at(2)) {
            Err(StoreError::BadEdit(message)) => assert!(message.contains(why), "{message}"),
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        project.replace_text(999, NEW, me, at(2)),
        Err(StoreError::UnknownDocument(999))
    ));
    assert!(matches!(
        project.place_orphan(1, 0, 1, me, at(2)),
        Err(StoreError::UnknownAnnotation(1))
    ));
    assert_eq!(project.document_text(ids[0]).unwrap(), OLD);
}

#[test]
fn an_orphan_keeps_its_id_when_it_is_the_largest() {
    let (_dir, mut project, me, _) = fresh();
    let doc = import(
        &mut project,
        &NewDocument::from_plain_text(OLD, "riyadh.txt"),
        me,
    );
    let actor = project.labels().unwrap()[0].id;
    project
        .create_annotation(doc, actor, span(OLD, "Tammy Bruce", 0), me, at(2))
        .unwrap();
    let last = project
        .create_annotation(doc, actor, span(OLD, "Lavrov", 0), me, at(2))
        .unwrap();
    project.replace_text(doc, NEW, me, at(3)).unwrap();
    assert_eq!(project.orphans(doc).unwrap()[0].annotation.id, last.id);
    // A new annotation goes past it.
    let newest = project
        .create_annotation(doc, actor, span(NEW, "Later", 0), me, at(4))
        .unwrap();
    assert_eq!(newest.id, last.id + 1);
    let at_end = span(NEW, "nothing", 0);
    project
        .place_orphan(last.id, at_end.start(), at_end.end(), me, at(5))
        .unwrap();
    assert_eq!(project.annotation(last.id).unwrap().quote, "nothing");
}

#[test]
fn an_orphan_without_its_label_is_refused_a_place_but_can_go_and_an_overtaken_replace_is_passed_over(
) {
    let (_dir, mut project, ana, ben) = fresh();
    let doc = import(
        &mut project,
        &NewDocument::from_plain_text(OLD, "riyadh.txt"),
        ana,
    );
    let label = project
        .create_label(
            &claimdesk_store::new_label("Witness", "#123456", None),
            ana,
            at(1),
        )
        .unwrap();
    let lavrov = project
        .create_annotation(doc, label.id, span(OLD, "Lavrov", 0), ana, at(2))
        .unwrap();
    project.replace_text(doc, NEW, ana, at(3)).unwrap();
    project.delete_label(label.id, ana, at(4)).unwrap();
    match project.place_orphan(lavrov.id, 0, 6, ana, at(5)) {
        Err(StoreError::BadEdit(message)) => {
            assert!(message.contains("label has been deleted"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    project.delete_orphan(lavrov.id, ana, at(6)).unwrap();
    assert!(project.orphans(doc).unwrap().is_empty());
    project.undo(ana, at(7)).unwrap().unwrap();
    assert_eq!(project.orphans(doc).unwrap().len(), 1);

    // Ben replaces the text again; Ana's replacement no longer applies and is passed over.
    project
        .replace_text(doc, "Another version altogether.", ben, at(8))
        .unwrap();
    project.undo(ana, at(9)).unwrap(); // the label's deletion
                                       // Passed over: the replacement, and the creation of Lavrov's annotation (an orphan now);
                                       // undone: the label's creation.
    let step = project.undo_step(ana, at(10)).unwrap();
    assert_eq!(step.skipped, 2, "{step:?}");
    assert!(matches!(
        step.change,
        Some(claimdesk_core::Change::LabelDeleted { .. })
    ));
    assert_eq!(
        project.document_text(doc).unwrap(),
        "Another version altogether."
    );
}

#[test]
fn undoing_a_replacement_never_leaves_another_coders_annotation_off_its_text() {
    let (_dir, mut project, ana, ben) = fresh();
    let doc = import(
        &mut project,
        &NewDocument::from_plain_text("Short text.", "a.txt"),
        ana,
    );
    let longer = "Short text, now with a long correction at its end.";
    project.replace_text(doc, longer, ana, at(2)).unwrap();
    let actor = project.labels().unwrap()[0].id;
    // Ben codes words the old text never had.
    project
        .create_annotation(doc, actor, span(longer, "correction", 0), ben, at(3))
        .unwrap();
    let step = project.undo_step(ana, at(4)).unwrap();
    assert_eq!(step.skipped, 1, "{step:?}");
    assert_eq!(project.document_text(doc).unwrap(), longer);
    for a in project.annotations(doc).unwrap() {
        let quote: String = longer.chars().skip(a.start).take(a.end - a.start).collect();
        assert_eq!(quote, a.quote);
    }
}

fn article(text: &str, url: Option<&str>, source: Option<&str>) -> NewDocument {
    NewDocument {
        text: text.into(),
        title: "Talks in Riyadh".into(),
        date: chrono::NaiveDate::from_ymd_opt(2025, 2, 18),
        source: source.map(str::to_string),
        author: None,
        url: url.map(str::to_string),
        language: None,
        metadata: Default::default(),
    }
}

#[test]
fn an_import_can_take_a_file_as_a_new_version_of_a_document_with_its_url_or_title_date_and_source()
{
    use claimdesk_core::imported::ImportedDocument;
    let (_dir, mut project, me, _) = fresh();
    let url = Some("https://news.example/riyadh");
    let doc = import(&mut project, &article(OLD, url, None), me);
    let other = import(
        &mut project,
        &article("Another article.", None, Some("Reuters")),
        me,
    );
    let actor = project.labels().unwrap()[0].id;
    project
        .create_annotation(doc, actor, span(OLD, "Tammy Bruce", 0), me, at(2))
        .unwrap();
    project
        .create_annotation(doc, actor, span(OLD, "Lavrov", 0), me, at(2))
        .unwrap();

    let mut batch = project.begin_import(me, at(3)).unwrap();
    batch.treat_matches_as_new_versions();
    // By URL: the text of the first document is replaced.
    let by_url = batch
        .add(&ImportedDocument::plain(article(NEW, url, None)))
        .unwrap();
    // By title, date and source: the second.
    let by_meta = batch
        .add(&ImportedDocument::plain(article(
            "Another article, corrected.",
            None,
            Some("Reuters"),
        )))
        .unwrap();
    // Title and date alone (no source) match nothing: a new document.
    let unmatched = batch
        .add(&ImportedDocument::plain(article(
            "A third text.",
            None,
            None,
        )))
        .unwrap();
    batch.commit().unwrap();
    assert_eq!(
        by_url,
        ImportOutcome::NewVersion {
            id: doc,
            placed: 1,
            orphaned: 1
        }
    );
    assert_eq!(
        by_meta,
        ImportOutcome::NewVersion {
            id: other,
            placed: 0,
            orphaned: 0
        }
    );
    assert!(matches!(unmatched, ImportOutcome::Imported(_)));
    assert_eq!(project.documents().unwrap().len(), 3);
    assert_eq!(project.document_text(doc).unwrap(), NEW);
    assert_eq!(project.orphans(doc).unwrap()[0].annotation.quote, "Lavrov");
    assert_eq!(project.annotations(doc).unwrap()[0].quote, "Tammy  Bruce");
    // Each replacement is an undoable step of the importing coder.
    project.undo(me, at(4)).unwrap().unwrap();
    assert_eq!(project.document_text(other).unwrap(), "Another article.");
    project.undo(me, at(5)).unwrap().unwrap();
    assert_eq!(project.document_text(doc).unwrap(), OLD);
    assert!(project.orphans(doc).unwrap().is_empty());

    // Two documents with the URL: no answer, so the file is a new document.
    project
        .import_document(
            &article("A copy under the same address.", url, None),
            me,
            at(6),
        )
        .unwrap();
    let mut batch = project.begin_import(me, at(7)).unwrap();
    batch.treat_matches_as_new_versions();
    let ambiguous = batch
        .add(&ImportedDocument::plain(article(
            "Yet another text.",
            url,
            None,
        )))
        .unwrap();
    batch.commit().unwrap();
    assert!(
        matches!(ambiguous, ImportOutcome::Imported(_)),
        "{ambiguous:?}"
    );
}

#[test]
fn an_annotation_deleted_before_a_replacement_does_not_come_back_off_its_text() {
    let (_dir, mut project, ana, ben) = fresh();
    let doc = import(
        &mut project,
        &NewDocument::from_plain_text(OLD, "riyadh.txt"),
        ana,
    );
    let labels = project.labels().unwrap();
    let lavrov = project
        .create_annotation(doc, labels[0].id, span(OLD, "Lavrov", 0), ben, at(2))
        .unwrap();
    let label = project
        .create_label(
            &claimdesk_store::new_label("Witness", "#123456", None),
            ben,
            at(2),
        )
        .unwrap();
    project
        .create_annotation(doc, label.id, span(OLD, "Rubio", 1), ben, at(2))
        .unwrap();
    project.delete_annotation(lavrov.id, ben, at(3)).unwrap();
    project.delete_label(label.id, ben, at(3)).unwrap();
    // Ana replaces the text; Ben's undos would bring his annotations back at offsets into the
    // old text: passed over instead.
    project
        .replace_text(doc, "A wholly different text.", ana, at(4))
        .unwrap();
    let step = project.undo_step(ben, at(5)).unwrap();
    assert!(step.skipped >= 2, "{step:?}");
    for a in project.annotations(doc).unwrap() {
        let quote: String = "A wholly different text."
            .chars()
            .skip(a.start)
            .take(a.end - a.start)
            .collect();
        assert_eq!(quote, a.quote);
    }
}

#[test]
fn an_undone_annotation_whose_id_an_orphan_holds_is_not_brought_back() {
    let (_dir, mut project, ana, ben) = fresh();
    let doc = import(
        &mut project,
        &NewDocument::from_plain_text(OLD, "riyadh.txt"),
        ana,
    );
    let actor = project.labels().unwrap()[0].id;
    // Ana's annotation, the newest, undone: its id is free again.
    let anas = project
        .create_annotation(doc, actor, span(OLD, "Tammy Bruce", 0), ana, at(2))
        .unwrap();
    project.undo(ana, at(3)).unwrap().unwrap();
    // Ben's new annotation takes that id, and a new text sets it aside as an orphan.
    let bens = project
        .create_annotation(doc, actor, span(OLD, "Lavrov", 0), ben, at(4))
        .unwrap();
    assert_eq!(bens.id, anas.id);
    // The sentence with Lavrov goes; Ana's words stay where they were.
    let new = OLD.replace("Rubio met Lavrov. ", "");
    project.replace_text(doc, &new, ben, at(5)).unwrap();
    assert_eq!(project.orphans(doc).unwrap()[0].annotation.id, bens.id);
    // Ana's redo would give the id to two things: it is passed over, and the orphan can be
    // placed.
    let step = project.redo_step(ana, at(6)).unwrap();
    assert_eq!((step.change.is_none(), step.skipped), (true, 1));
    let at_end = span(&new, "nothing", 0);
    project
        .place_orphan(bens.id, at_end.start(), at_end.end(), ben, at(7))
        .unwrap();
    assert_eq!(project.annotation(bens.id).unwrap().quote, "nothing");
}
