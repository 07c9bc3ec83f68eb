//! Suggestions in a project: found, kept, accepted (one undo step), rejected for good.

use chrono::{DateTime, TimeZone, Utc};
use claimdesk_core::dataset::EntityKind;
use claimdesk_core::suggestion::{SuggestedSpan, SuggestionKind};
use claimdesk_core::{Change, NewDocument};
use claimdesk_store::{ImportOutcome, OpenSuggestion, Project, StoreError, SuggestOptions};

const TEXT: &str = "Talks in Riyadh\n\n“We are ready to talk,” Tammy Bruce said on Tuesday.\n\n\
Sergei Lavrov arrived late. The ministers met for four hours.\n";

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, minute, 0).unwrap()
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    project: Project,
    me: i64,
    doc: i64,
}

fn fresh() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.claimdesk");
    let mut project = Project::open(&path).unwrap();
    let me = project.annotator("Ana", at(0)).unwrap();
    let doc = match project
        .import_document(&NewDocument::from_plain_text(TEXT, "t.txt"), me, at(1))
        .unwrap()
    {
        ImportOutcome::Imported(id) => id,
        other => panic!("{other:?}"),
    };
    for name in ["Tammy Bruce", "Sergei Lavrov"] {
        project
            .create_entity(EntityKind::Actor, name, me, at(2))
            .unwrap();
    }
    Fixture {
        _dir: dir,
        path,
        project,
        me,
        doc,
    }
}

fn bruce(open: &[OpenSuggestion]) -> &OpenSuggestion {
    open.iter()
        .find(|s| s.suggestion.kind == SuggestionKind::Attribution)
        .unwrap_or_else(|| panic!("no attribution in {open:#?}"))
}

fn label_names(f: &Fixture) -> Vec<(String, String, Option<i64>)> {
    let labels = f.project.labels().unwrap();
    let mut out: Vec<_> = f
        .project
        .annotations(f.doc)
        .unwrap()
        .into_iter()
        .map(|a| {
            let name = labels
                .iter()
                .find(|l| l.id == a.label_id)
                .unwrap()
                .name
                .clone();
            (name, a.quote, a.entity_id)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn finds_a_quote_and_a_mention_with_their_entities() {
    let mut f = fresh();
    let open = f
        .project
        .suggest(f.doc, &SuggestOptions::default(), f.me, at(3))
        .unwrap()
        .open;
    let quote = bruce(&open);
    assert_eq!(quote.source_quote.as_deref(), Some("Tammy Bruce"));
    assert!(
        quote
            .content_quote
            .as_deref()
            .unwrap()
            .contains("We are ready to talk"),
        "{quote:#?}"
    );
    assert!(quote.suggestion.quoted);
    assert_eq!(quote.entity_name.as_deref(), Some("Tammy Bruce"));
    let lavrov = open
        .iter()
        .find(|s| s.suggestion.kind == SuggestionKind::Mention)
        .expect("a mention of Lavrov");
    assert_eq!(lavrov.source_quote.as_deref(), Some("Sergei Lavrov"));
    assert_eq!(lavrov.entity_name.as_deref(), Some("Sergei Lavrov"));
    // Bruce is proposed once, as the quote's source, not again as a mention.
    assert_eq!(
        open.iter()
            .filter(|s| s.source_quote.as_deref() == Some("Tammy Bruce"))
            .count(),
        1
    );
    // Kept: read back without running the finder.
    assert_eq!(f.project.open_suggestions(f.doc, f.me).unwrap(), open);
}

#[test]
fn accepting_makes_the_coders_annotations_and_link_in_one_undo_step() {
    let mut f = fresh();
    let open = f
        .project
        .suggest(f.doc, &SuggestOptions::default(), f.me, at(3))
        .unwrap()
        .open;
    let key = bruce(&open).key.clone();
    let change = f
        .project
        .accept_suggestion(f.doc, &key, None, f.me, at(4))
        .unwrap();
    assert!(matches!(change, Change::SuggestionsDecided { .. }));
    let bruce_id = f
        .project
        .entities(Some(EntityKind::Actor))
        .unwrap()
        .into_iter()
        .find(|(e, _)| e.name == "Tammy Bruce")
        .unwrap()
        .0
        .id;
    let made = label_names(&f);
    assert_eq!(made.len(), 2, "{made:?}");
    assert!(made.contains(&("Actor".into(), "Tammy Bruce".into(), Some(bruce_id))));
    assert!(made
        .iter()
        .any(|(l, q, _)| l == "Claim" && q.contains("ready to talk")));
    let relations = f.project.relations(f.doc).unwrap();
    assert_eq!(relations.len(), 1);
    assert_eq!(relations[0].kind, "said_by");
    assert_eq!(relations[0].annotator_id, f.me);
    // The history of the claim says it came from a suggestion.
    let claim = f.project.annotations(f.doc).unwrap();
    let history = f.project.annotation_history(claim[0].id).unwrap();
    assert_eq!(history[0].kind, "suggestions_decided");
    assert!(!f
        .project
        .open_suggestions(f.doc, f.me)
        .unwrap()
        .iter()
        .any(|s| s.key == key));

    // Undo: the annotations go and the suggestion is open again; redo brings both back.
    f.project.undo(f.me, at(5)).unwrap().unwrap();
    assert!(label_names(&f).is_empty());
    assert!(f.project.relations(f.doc).unwrap().is_empty());
    assert!(f
        .project
        .open_suggestions(f.doc, f.me)
        .unwrap()
        .iter()
        .any(|s| s.key == key));
    f.project.redo(f.me, at(6)).unwrap().unwrap();
    assert_eq!(label_names(&f), made);
    assert!(!f
        .project
        .open_suggestions(f.doc, f.me)
        .unwrap()
        .iter()
        .any(|s| s.key == key));
}

#[test]
fn a_rejection_lasts_through_runs_and_restarts_and_is_the_coders_own() {
    let mut f = fresh();
    let open = f
        .project
        .suggest(f.doc, &SuggestOptions::default(), f.me, at(3))
        .unwrap()
        .open;
    let key = bruce(&open).key.clone();
    f.project
        .reject_suggestion(f.doc, &key, f.me, at(4))
        .unwrap();
    let again = f
        .project
        .suggest(f.doc, &SuggestOptions::default(), f.me, at(5))
        .unwrap()
        .open;
    assert!(!again.iter().any(|s| s.key == key));
    assert_eq!(again.len(), open.len() - 1);
    assert!(label_names(&f).is_empty(), "a rejection makes nothing");
    let Fixture { project, path, .. } = f;
    drop(project);
    let mut project = Project::open(&path).unwrap();
    let ana = project.annotator("Ana", at(6)).unwrap();
    let ben = project.annotator("Ben", at(6)).unwrap();
    let doc = project.documents().unwrap()[0].id;
    assert!(!project
        .open_suggestions(doc, ana)
        .unwrap()
        .iter()
        .any(|s| s.key == key));
    assert!(project
        .open_suggestions(doc, ben)
        .unwrap()
        .iter()
        .any(|s| s.key == key));
    // Undo reopens it.
    project.undo(ana, at(7)).unwrap().unwrap();
    assert!(project
        .open_suggestions(doc, ana)
        .unwrap()
        .iter()
        .any(|s| s.key == key));
}

#[test]
fn accept_all_is_one_step_and_edited_boundaries_are_kept() {
    let mut f = fresh();
    let open = f
        .project
        .suggest(f.doc, &SuggestOptions::default(), f.me, at(3))
        .unwrap()
        .open;
    // The quote's content edited to its first word only.
    let first = bruce(&open);
    let mut edited = first.suggestion.clone();
    let content = edited.content.unwrap();
    let we = TEXT.chars().collect::<Vec<_>>();
    let start = (content.start..content.end)
        .find(|&i| we[i] == 'W')
        .unwrap();
    edited.content = Some(SuggestedSpan {
        start,
        end: start + 2,
    });
    f.project
        .accept_suggestion(f.doc, &first.key, Some(&edited), f.me, at(4))
        .unwrap();
    assert!(label_names(&f).contains(&("Claim".into(), "We".into(), None)));
    // The rest in one go, undone in one go.
    let before = label_names(&f);
    let rest = f.project.open_suggestions(f.doc, f.me).unwrap();
    assert_eq!(rest.len(), open.len() - 1);
    f.project
        .accept_all_suggestions(f.doc, f.me, at(5))
        .unwrap()
        .unwrap();
    assert!(f.project.open_suggestions(f.doc, f.me).unwrap().is_empty());
    assert!(label_names(&f).len() > before.len());
    f.project.undo(f.me, at(6)).unwrap().unwrap();
    assert_eq!(label_names(&f), before);
    assert_eq!(f.project.open_suggestions(f.doc, f.me).unwrap(), rest);
    assert!(f
        .project
        .accept_all_suggestions(f.doc, f.me, at(7))
        .unwrap()
        .is_some());
    assert!(f
        .project
        .accept_all_suggestions(f.doc, f.me, at(8))
        .unwrap()
        .is_none());
}

#[test]
fn what_the_coder_has_already_coded_is_not_proposed() {
    let mut f = fresh();
    let open = f
        .project
        .suggest(f.doc, &SuggestOptions::default(), f.me, at(3))
        .unwrap()
        .open;
    let lavrov = open
        .iter()
        .find(|s| s.suggestion.kind == SuggestionKind::Mention)
        .unwrap();
    let span = lavrov.suggestion.source.unwrap();
    let actor = f
        .project
        .labels()
        .unwrap()
        .into_iter()
        .find(|l| l.name == "Actor")
        .unwrap()
        .id;
    f.project
        .create_annotation(
            f.doc,
            actor,
            claimdesk_core::Span::new(span.start, span.end).unwrap(),
            f.me,
            at(4),
        )
        .unwrap();
    let now = f.project.open_suggestions(f.doc, f.me).unwrap();
    assert!(!now.iter().any(|s| s.key == lavrov.key));
}

#[test]
fn bad_requests_change_nothing() {
    let mut f = fresh();
    f.project
        .suggest(f.doc, &SuggestOptions::default(), f.me, at(3))
        .unwrap();
    let err = f
        .project
        .accept_suggestion(f.doc, "a:1-2:-", None, f.me, at(4))
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownSuggestion(_)), "{err}");
    let err = f
        .project
        .reject_suggestion(f.doc, "nothing", f.me, at(4))
        .unwrap_err();
    assert_eq!(err.code(), "unknown_suggestion");
    assert!(label_names(&f).is_empty());
    assert_eq!(
        f.project.history_depth(f.me).unwrap().0,
        2,
        "two entities made"
    );
    let err = f
        .project
        .suggest(999, &SuggestOptions::default(), f.me, at(4))
        .unwrap_err();
    assert_eq!(err.code(), "unknown_document");
    // An edited span outside the text.
    let open = f.project.open_suggestions(f.doc, f.me).unwrap();
    let mut edited = bruce(&open).suggestion.clone();
    edited.content = Some(SuggestedSpan {
        start: 5,
        end: 100_000,
    });
    let err = f
        .project
        .accept_suggestion(f.doc, &bruce(&open).key, Some(&edited), f.me, at(5))
        .unwrap_err();
    assert!(err.code().starts_with("offset"), "{err}");
    assert!(label_names(&f).is_empty());
    assert_eq!(f.project.open_suggestions(f.doc, f.me).unwrap(), open);
}

#[test]
fn a_run_over_documents_reports_progress_and_stops_when_asked() {
    let mut f = fresh();
    let mut ids = vec![f.doc];
    for i in 0..3 {
        let text = format!("Note {i}\n\n“Number {i},” Tammy Bruce said.\n");
        match f
            .project
            .import_document(&NewDocument::from_plain_text(&text, "n.txt"), f.me, at(2))
            .unwrap()
        {
            ImportOutcome::Imported(id) => ids.push(id),
            other => panic!("{other:?}"),
        }
    }
    let mut seen = Vec::new();
    let run = f
        .project
        .suggest_documents(
            &ids,
            &SuggestOptions::default(),
            f.me,
            at(3),
            |done, total| {
                seen.push((done, total));
                done < 2
            },
        )
        .unwrap();
    assert!(run.cancelled);
    assert_eq!(run.documents, 2);
    assert_eq!(seen, vec![(1, 4), (2, 4)]);
    assert!(!f.project.open_suggestions(ids[1], f.me).unwrap().is_empty());
    assert!(f.project.open_suggestions(ids[2], f.me).unwrap().is_empty());
    let run = f
        .project
        .suggest_documents(&ids, &SuggestOptions::default(), f.me, at(4), |_, _| true)
        .unwrap();
    assert!(!run.cancelled);
    assert_eq!(run.documents, 4);
    assert!(run.open >= 5, "{run:?}");
    // The next document with open suggestions, coming round to the start.
    let next = |p: &Project, after| {
        p.next_with_suggestions(f.me, after)
            .unwrap()
            .map(|(id, _)| id)
    };
    assert_eq!(next(&f.project, ids[0]), Some(ids[1]));
    assert_eq!(next(&f.project, ids[3]), Some(ids[0]));
    f.project
        .accept_all_suggestions(ids[1], f.me, at(5))
        .unwrap();
    assert_eq!(
        next(&f.project, ids[0]),
        Some(ids[2]),
        "a document with none open is passed over"
    );
}

#[test]
fn running_again_on_an_unchanged_document_writes_nothing() {
    let mut f = fresh();
    f.project
        .suggest(f.doc, &SuggestOptions::default(), f.me, at(3))
        .unwrap();
    let stamp = f.project.change_stamp().unwrap();
    f.project
        .suggest(f.doc, &SuggestOptions::default(), f.me, at(4))
        .unwrap();
    assert_eq!(f.project.change_stamp().unwrap(), stamp);
}

#[test]
fn a_document_in_another_language_gets_no_suggestions_and_a_reason() {
    let mut f = fresh();
    let mut doc = NewDocument::from_plain_text("„Wir bleiben hier“, sagte Müller.", "de.txt");
    doc.language = Some("de".into());
    let id = match f.project.import_document(&doc, f.me, at(1)).unwrap() {
        ImportOutcome::Imported(id) => id,
        other => panic!("{other:?}"),
    };
    let found = f
        .project
        .suggest(id, &SuggestOptions::default(), f.me, at(3))
        .unwrap();
    assert!(found.open.is_empty());
    assert!(found.unread.unwrap().contains("\"de\""));
    let run = f
        .project
        .suggest_documents(
            &[f.doc, id],
            &SuggestOptions::default(),
            f.me,
            at(4),
            |_, _| true,
        )
        .unwrap();
    assert_eq!((run.documents, run.unread), (2, 1));
}

#[test]
fn a_replaced_text_keeps_no_findings_of_the_old_one() {
    let mut f = fresh();
    f.project
        .suggest(f.doc, &SuggestOptions::default(), f.me, at(3))
        .unwrap();
    assert!(!f.project.open_suggestions(f.doc, f.me).unwrap().is_empty());
    let new_text = format!("A correction.\n\n{TEXT}");
    f.project
        .replace_text(f.doc, &new_text, f.me, at(4))
        .unwrap();
    assert!(f.project.open_suggestions(f.doc, f.me).unwrap().is_empty());
    // Found again on the new text, at its offsets.
    let open = f
        .project
        .suggest(f.doc, &SuggestOptions::default(), f.me, at(5))
        .unwrap()
        .open;
    let quote = bruce(&open);
    let chars: Vec<char> = new_text.chars().collect();
    let at_ = quote.suggestion.source.unwrap();
    assert_eq!(
        chars[at_.start..at_.end].iter().collect::<String>(),
        "Tammy Bruce"
    );
}

#[test]
fn an_edited_source_is_not_linked_to_the_entity_found_for_the_other() {
    let mut f = fresh();
    let open = f
        .project
        .suggest(f.doc, &SuggestOptions::default(), f.me, at(3))
        .unwrap()
        .open;
    let found = bruce(&open);
    let mut edited = found.suggestion.clone();
    let source = edited.source.unwrap();
    edited.source = Some(SuggestedSpan {
        start: source.start + 6,
        end: source.end,
    });
    f.project
        .accept_suggestion(f.doc, &found.key, Some(&edited), f.me, at(4))
        .unwrap();
    assert!(label_names(&f).contains(&("Actor".into(), "Bruce".into(), None)));
}

#[test]
fn a_run_asking_for_one_kind_keeps_every_kind_for_the_others() {
    let mut f = fresh();
    let mentions_only = SuggestOptions {
        kinds: vec![SuggestionKind::Mention],
        ..Default::default()
    };
    let open = f
        .project
        .suggest(f.doc, &mentions_only, f.me, at(3))
        .unwrap()
        .open;
    assert!(open
        .iter()
        .all(|s| s.suggestion.kind == SuggestionKind::Mention));
    assert!(f
        .project
        .open_suggestions(f.doc, f.me)
        .unwrap()
        .iter()
        .any(|s| s.suggestion.kind == SuggestionKind::Attribution));
    assert!(f.project.suggestion_link_missing().unwrap().is_none());
}

#[test]
fn a_merged_project_brings_its_coders_decisions() {
    // Ana rejects the quote and the mention in her own file.
    let mut theirs = fresh();
    let open = theirs
        .project
        .suggest(theirs.doc, &SuggestOptions::default(), theirs.me, at(3))
        .unwrap()
        .open;
    for s in &open {
        if s.suggestion.content.is_some() || s.suggestion.kind == SuggestionKind::Mention {
            theirs
                .project
                .reject_suggestion(theirs.doc, &s.key, theirs.me, at(4))
                .unwrap();
        }
    }
    let Fixture { project, path, .. } = theirs;
    drop(project);
    // A team file with the same article and no entities yet: they come with the merge.
    let dir = tempfile::tempdir().unwrap();
    let mut ours = Project::open(&dir.path().join("team.claimdesk")).unwrap();
    let lead = ours.annotator("Lead", at(0)).unwrap();
    ours.import_document(&NewDocument::from_plain_text(TEXT, "t.txt"), lead, at(1))
        .unwrap();
    let report = ours.merge_project(&path, lead, at(5)).unwrap();
    assert_eq!(report.suggestion_decisions_added, open.len() as u64);
    let doc = ours.documents().unwrap()[0].id;
    let ana = ours.coder_id("Ana").unwrap();
    let here = ours
        .suggest(doc, &SuggestOptions::default(), ana, at(6))
        .unwrap()
        .open;
    assert!(here.is_empty(), "Ana rejected all of them: {here:#?}");
    assert!(!ours
        .suggest(doc, &SuggestOptions::default(), lead, at(6))
        .unwrap()
        .open
        .is_empty());
}
