//! Export runs against real project files: round trip, self-check, scopes, atomic replacement.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{NaiveDate, TimeZone, Utc};
use claimdesk_core::dataset::Scope;
use claimdesk_export::{run, Done, Failure, Request};
use claimdesk_formats::write::ExportFormat;
use claimdesk_store::Project;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/fixture.jsonl")
}

/// A new project holding the fixture corpus, restored from its native export.
fn project(dir: &Path, name: &str, source: &Path) -> Project {
    let mut project = Project::open(&dir.join(name)).unwrap();
    let me = project.annotator("importer", Utc::now()).unwrap();
    let request = claimdesk_import::Request::new(vec![source.to_path_buf()]);
    let jobs = claimdesk_import::plan(&request);
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let summary = claimdesk_import::run(
        &mut project,
        &request,
        jobs,
        me,
        at,
        &AtomicBool::new(false),
        |_| {},
    )
    .unwrap();
    assert_eq!(summary.failed(), 0, "{:?}", summary.files);
    // Imports leave the full-text index to be built after them, as the CLI and the app do.
    claimdesk_import::index(&mut project, &AtomicBool::new(false), |_| {}).unwrap();
    project
}

fn export(
    project: &Project,
    format: ExportFormat,
    out: &Path,
    scope: Scope,
) -> Result<Done, Failure> {
    run(
        project,
        &Request::new(format, out.to_path_buf(), scope),
        &AtomicBool::new(false),
        |_| {},
    )
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-"))
        .collect()
}

#[test]
fn the_native_export_of_a_restored_export_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let a = project(dir.path(), "a.claimdesk", &fixture());
    let first = dir.path().join("first.jsonl");
    let done = export(&a, ExportFormat::Jsonl, &first, Scope::everything()).unwrap();
    assert_eq!(
        (
            done.summary.documents,
            done.summary.annotations,
            done.summary.relations,
            done.summary.statements
        ),
        (3, 14, 9, 4)
    );
    // The fixture was written from the same corpus with the same ids: restoring it into an
    // empty project and exporting again reproduces it exactly, schema and entities included.
    assert!(std::fs::read(&first).unwrap() == std::fs::read(fixture()).unwrap());

    let b = project(dir.path(), "b.claimdesk", &first);
    let second = dir.path().join("second.jsonl");
    export(&b, ExportFormat::Jsonl, &second, Scope::everything()).unwrap();
    assert!(std::fs::read(&first).unwrap() == std::fs::read(&second).unwrap());
}

#[test]
fn restoring_into_a_project_with_documents_renumbers_and_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Project::open(&dir.path().join("p.claimdesk")).unwrap();
    let me = p.annotator("ana", Utc::now()).unwrap();
    let doc = claimdesk_core::NewDocument::from_plain_text("An earlier article.", "x.txt");
    p.import_document(&doc, me, Utc::now()).unwrap();
    drop(p);
    let p = {
        let mut p = Project::open(&dir.path().join("p.claimdesk")).unwrap();
        let request = claimdesk_import::Request::new(vec![fixture()]);
        let jobs = claimdesk_import::plan(&request);
        claimdesk_import::run(
            &mut p,
            &request,
            jobs,
            me,
            Utc::now(),
            &AtomicBool::new(false),
            |_| {},
        )
        .unwrap();
        p
    };
    let info = p.project_info().unwrap();
    assert_eq!(info.entities.len(), 4);
    let ids = p.scope_documents(&Scope::everything()).unwrap();
    assert_eq!(ids, [1, 2, 3, 4]);
    let hostile = p.document_record(2, &Scope::everything()).unwrap();
    assert_eq!(hostile.annotations.len(), 11);
    assert_eq!(hostile.relations.len(), 6);
    let zelensky = hostile
        .annotations
        .iter()
        .find(|a| a.quote == "Zelensky")
        .unwrap();
    let entity = info.entity(zelensky.entity_id.unwrap()).unwrap();
    assert_eq!(entity.name, "Volodymyr Zelensky");
}

#[test]
fn a_quote_that_disagrees_with_the_text_stops_the_export_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.claimdesk", &fixture());
    drop(p);
    let conn = rusqlite_free_update(&dir.path().join("p.claimdesk"));
    assert!(conn);
    let p = Project::open(&dir.path().join("p.claimdesk")).unwrap();
    for format in ExportFormat::ALL {
        let out = dir.path().join(format!("out-{}", format.name()));
        match export(&p, format, &out, Scope::everything()) {
            Err(Failure::Export(e)) if e.code() == "export_self_check" => {
                assert!(e.to_string().contains("annotation 4"), "{format:?}: {e}");
            }
            Err(e) if e.code() == "export_invalid" && e.to_string().contains("not written yet") => {
            }
            other => panic!("{format:?}: expected a self-check failure, got {other:?}"),
        }
        assert!(!out.exists(), "{format:?} left {out:?}");
    }
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

/// Damages annotation 4's quote behind the store's back, as a corrupt file or a bug would.
fn rusqlite_free_update(path: &Path) -> bool {
    let status = std::process::Command::new("python3")
        .arg("-c")
        .arg("import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE annotations SET quote='Putim' WHERE id=4\"); c.commit()")
        .arg(path)
        .status()
        .unwrap();
    status.success()
}

#[test]
fn an_existing_file_is_replaced_whole_and_kept_when_the_export_fails() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.claimdesk", &fixture());
    let out = dir.path().join("out.jsonl");
    std::fs::write(&out, "previous export").unwrap();
    let bad = Scope {
        search: Some("\"unbalanced".into()),
        ..Scope::default()
    };
    let error = export(&p, ExportFormat::Jsonl, &out, bad).unwrap_err();
    assert_eq!(error.code(), "bad_search");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous export");
    export(&p, ExportFormat::Jsonl, &out, Scope::everything()).unwrap();
    assert!(std::fs::read(&out).unwrap() == std::fs::read(fixture()).unwrap());
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn a_cancelled_export_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.claimdesk", &fixture());
    let out = dir.path().join("tables");
    let cancel = AtomicBool::new(true);
    let request = Request::new(ExportFormat::Csv, out.clone(), Scope::everything());
    let error = run(&p, &request, &cancel, |_| {}).unwrap_err();
    assert_eq!(error.code(), "cancelled");
    assert!(!out.exists());
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn a_folder_export_into_an_existing_folder_keeps_the_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.claimdesk", &fixture());
    let out = dir.path().join("tables");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("statements.csv"), "old").unwrap();
    let done = export(&p, ExportFormat::Csv, &out, Scope::everything()).unwrap();
    assert_eq!(done.files.len(), 5);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    let statements = std::fs::read_to_string(out.join("statements.csv")).unwrap();
    assert!(statements.starts_with("document_id,date,"));
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn a_single_file_format_into_a_folder_uses_its_default_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.claimdesk", &fixture());
    let done = export(&p, ExportFormat::Jsonl, dir.path(), Scope::everything()).unwrap();
    assert_eq!(done.path, dir.path().join("export.jsonl"));
    assert!(done.path.is_file());
}

#[test]
fn destinations_that_cannot_be_written_safely_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.claimdesk", &fixture());
    let missing = dir.path().join("no/such/folder/out.jsonl");
    assert_eq!(
        export(&p, ExportFormat::Jsonl, &missing, Scope::everything())
            .unwrap_err()
            .code(),
        "bad_destination"
    );
    let target = dir.path().join("elsewhere.jsonl");
    std::fs::write(&target, "keep me").unwrap();
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert_eq!(
        export(&p, ExportFormat::Jsonl, &link, Scope::everything())
            .unwrap_err()
            .code(),
        "bad_destination"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    assert_eq!(
        export(&p, ExportFormat::Csv, &file, Scope::everything())
            .unwrap_err()
            .code(),
        "bad_destination"
    );
}

#[test]
fn scopes_select_documents_and_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.claimdesk", &fixture());
    let count = |scope: Scope| {
        let out = dir.path().join("scoped.jsonl");
        let s = export(&p, ExportFormat::Jsonl, &out, scope)
            .unwrap()
            .summary;
        (s.documents, s.annotations, s.relations, s.statements)
    };
    assert_eq!(
        count(Scope {
            documents: Some(vec![2]),
            ..Scope::default()
        }),
        (1, 3, 3, 1)
    );
    let day = NaiveDate::from_ymd_opt(2025, 2, 18);
    assert_eq!(
        count(Scope {
            date_from: day,
            date_to: day,
            ..Scope::default()
        }),
        (1, 3, 3, 1)
    );
    // Only Actor and Claim: the relations to positions go, the statements lose their stance.
    let actors_and_claims = Scope {
        labels: Some(vec!["Actor".into(), "Claim".into()]),
        ..Scope::default()
    };
    assert_eq!(count(actors_and_claims), (3, 11, 3, 3));
    assert_eq!(
        count(Scope {
            annotators: Some(vec!["ben".into()]),
            ..Scope::default()
        }),
        (3, 7, 2, 1)
    );
    assert_eq!(
        count(Scope {
            search: Some("Riyadh".into()),
            ..Scope::default()
        }),
        (1, 3, 3, 1)
    );
}

#[test]
fn a_scope_naming_what_the_project_lacks_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.claimdesk", &fixture());
    let out = dir.path().join("x.jsonl");
    let codes: Vec<&str> = [
        Scope {
            documents: Some(vec![1, 99]),
            ..Scope::default()
        },
        Scope {
            labels: Some(vec!["Actor".into(), "Villain".into()]),
            ..Scope::default()
        },
        Scope {
            annotators: Some(vec!["nobody".into()]),
            ..Scope::default()
        },
    ]
    .into_iter()
    .map(|scope| {
        export(&p, ExportFormat::Jsonl, &out, scope)
            .unwrap_err()
            .code()
    })
    .collect();
    assert_eq!(
        codes,
        ["unknown_document", "unknown_label", "unknown_annotator"]
    );
    assert!(!out.exists());
}

#[test]
fn a_folder_in_the_way_of_an_export_file_is_named_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.claimdesk", &fixture());
    let out = dir.path().join("tables");
    // A folder where the export's statements.csv must go: the file system refuses the move
    // even for root, where permissions would not.
    let blocker = out.join("statements.csv");
    std::fs::create_dir_all(&blocker).unwrap();
    std::fs::write(blocker.join("mine.txt"), "mine").unwrap();
    let error = export(&p, ExportFormat::Csv, &out, Scope::everything()).unwrap_err();
    assert_eq!(error.code(), "write_failed");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "cannot write the export to {}: ",
            blocker.display()
        )),
        "{message}"
    );
    assert!(
        message.ends_with(
            "; something of that name is in the way; move it or choose another destination"
        ),
        "{message}"
    );
    assert_eq!(
        std::fs::read_to_string(blocker.join("mine.txt")).unwrap(),
        "mine"
    );
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn an_export_whose_folder_vanishes_names_the_destination_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.claimdesk", &fixture());
    let folder = dir.path().join("usb-stick");
    std::fs::create_dir(&folder).unwrap();
    let out = folder.join("out.jsonl");
    // The folder goes away mid-export (a drive unplugged, a folder deleted): the move into
    // place finds nothing, which the OS reports only as "No such file or directory".
    let request = Request::new(ExportFormat::Jsonl, out.clone(), Scope::everything());
    let error = run(&p, &request, &AtomicBool::new(false), |progress| {
        if progress.documents_done == 1 {
            std::fs::remove_dir_all(&folder).unwrap();
        }
    })
    .unwrap_err();
    assert_eq!(error.code(), "write_failed");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("cannot write the export to {}: ", out.display())),
        "{message}"
    );
    assert!(
        message.ends_with(
            "; its folder is gone or cannot be reached; choose an existing folder you can write to"
        ),
        "{message}"
    );
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn a_destination_in_a_missing_folder_or_under_a_file_says_which_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.claimdesk", &fixture());
    let missing = dir.path().join("no/such");
    let error = export(
        &p,
        ExportFormat::Jsonl,
        &missing.join("out.jsonl"),
        Scope::everything(),
    )
    .unwrap_err();
    assert_eq!(error.code(), "bad_destination");
    assert!(
        error.to_string().ends_with(&format!(
            ": its folder {} does not exist; create it or choose an existing folder",
            missing.display()
        )),
        "{error}"
    );
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "x").unwrap();
    let error = export(
        &p,
        ExportFormat::Graphml,
        &file.join("graphs"),
        Scope::everything(),
    )
    .unwrap_err();
    assert_eq!(error.code(), "bad_destination");
    assert!(
        error.to_string().ends_with(&format!(
            ": {} is a file, not a folder; choose a destination in a folder",
            file.display()
        )),
        "{error}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}
