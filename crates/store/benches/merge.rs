//! Merging one coder's project into another's: 10,000 documents of ~5 KB with 200,000
//! annotations and 50,000 links, merged into a project that has the same documents, then the
//! same file again (everything already there), then into an empty project (every document
//! new, indexed for search in the merge). Prints time and peak memory; asserts nothing about
//! either.
//!
//! `cargo bench -p claimdesk-store --bench merge`. Each merge runs in a child process (this
//! binary again, with `--child`), so its peak resident memory is its own and not the builder's.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::Utc;
use claimdesk_core::document::NewDocument;
use claimdesk_core::imported::{ImportedAnnotation, ImportedDocument, ImportedRelation};
use claimdesk_core::Span;
use claimdesk_store::Project;

const DOCUMENTS: usize = 10_000;
const ANNOTATIONS_PER_DOCUMENT: usize = 20;
const RELATIONS_PER_DOCUMENT: usize = 5;
/// Edits made one at a time, so the other project has a history to bring.
const EDITS: usize = 1_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(
            &args[i + 1],
            Path::new(&args[i + 2]),
            Path::new(&args[i + 3]),
        );
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("merge-bench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (theirs, same_documents, empty) = (
        dir.join("theirs.claimdesk"),
        dir.join("same-documents.claimdesk"),
        dir.join("empty.claimdesk"),
    );
    let started = Instant::now();
    build(&theirs, true);
    build(&same_documents, false);
    Project::open(&empty).unwrap();
    println!(
        "merge bench: built two projects of {DOCUMENTS} documents (~5 KB), one with {} annotations, {} links and {EDITS} logged edits, in {:.1} s",
        DOCUMENTS * ANNOTATIONS_PER_DOCUMENT,
        DOCUMENTS * RELATIONS_PER_DOCUMENT,
        started.elapsed().as_secs_f64()
    );
    let into = dir.join("into.claimdesk");
    std::fs::copy(&same_documents, &into).unwrap();
    run_child("into a project with the same documents", &into, &theirs);
    run_child("the same file again", &into, &theirs);
    std::fs::copy(&empty, &into).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("into.claimdesk{suffix}")));
    }
    run_child("into an empty project", &into, &theirs);
    let _ = std::fs::remove_dir_all(&dir);
}

fn run_child(what: &str, into: &Path, theirs: &Path) {
    let report = Command::new(std::env::current_exe().unwrap())
        .args(["--child", what])
        .arg(into)
        .arg(theirs)
        .output()
        .unwrap();
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    print!("{}", String::from_utf8_lossy(&report.stdout));
}

fn article(d: usize) -> String {
    let sentence = "Minister Kaja Kallas said the ceasefire « must hold » in Kyiv 🇺🇦, café talks. ";
    let mut text = format!(" date 2025-02-18 Article {d}\n\n");
    while text.len() < 5_000 {
        text.push_str(sentence);
    }
    text
}

/// A project of the bench's documents; `coded`: with their annotations, links and some edits.
fn build(path: &Path, coded: bool) {
    let mut project = Project::open(path).unwrap();
    let me = project
        .annotator(if coded { "ben" } else { "ana" }, Utc::now())
        .unwrap();
    let mut batch = project.begin_import(me, Utc::now()).unwrap();
    for d in 0..DOCUMENTS {
        let text = article(d);
        let mut doc = ImportedDocument::plain(NewDocument::from_plain_text(&text, "bench.txt"));
        if coded {
            doc.annotations = (0..ANNOTATIONS_PER_DOCUMENT)
                .map(|i| ImportedAnnotation {
                    key: format!("T{i}"),
                    label: ["Actor", "Claim", "Position"][i % 3].into(),
                    start: 40 + i * 60,
                    end: 40 + i * 60 + 5 + i % 20,
                    attributes: Default::default(),
                    note: None,
                })
                .collect();
            doc.relations = (0..RELATIONS_PER_DOCUMENT)
                .map(|i| ImportedRelation {
                    kind: "said_by".into(),
                    from: format!("T{}", 3 * i + 1),
                    to: format!("T{}", 3 * i),
                })
                .collect();
        }
        batch.add(&doc).unwrap();
        if d % 1_000 == 999 {
            batch.checkpoint().unwrap();
        }
    }
    batch.commit().unwrap();
    if coded {
        let label = project.labels().unwrap()[0].id;
        for i in 0..EDITS {
            let document = 1 + (i * 7 % DOCUMENTS) as i64;
            let span = Span::new(2_000 + i % 500, 2_010 + i % 500).unwrap();
            project
                .create_annotation(document, label, span, me, Utc::now())
                .unwrap();
        }
    }
}

fn child(what: &str, into: &Path, theirs: &Path) {
    let mut project = Project::open_existing(into).unwrap();
    let me = project.annotator("lead", Utc::now()).unwrap();
    let started = Instant::now();
    let report = project.merge_project(theirs, me, Utc::now()).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "  {what:<40} {seconds:>6.2} s, peak memory {:>6.1} MB: documents {} added / {} matched, annotations {} added / {} present, links {} added / {} present, {} history entries added",
        peak_memory_mb(),
        report.documents_added,
        report.documents_matched,
        report.annotations_added,
        report.annotations_present,
        report.relations_added,
        report.relations_present,
        report.events_added,
    );
}

/// The process's peak resident memory (VmHWM), in MB.
fn peak_memory_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}
