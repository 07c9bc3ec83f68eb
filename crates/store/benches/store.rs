//! `make bench`: figures for the store, printed one per line.
//!
//! Measures durable single edits (what one key press costs) and document import throughput on
//! texts generated from the bundled sample article, and edits while a backup of a large project
//! (2 GB; `CLAIMDESK_BENCH_BACKUP_MB` for another size) is made in the background.

use std::time::{Duration, Instant};

use chrono::Utc;
use claimdesk_core::{NewDocument, Span};
use claimdesk_store::{Project, SAMPLE_ARTICLE};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("bench.claimdesk");
    let mut project = Project::open(&path).expect("new project");
    let me = project.annotator("bench", Utc::now()).expect("annotator");

    // Import: distinct texts, each a copy of the sample with a numbered first line.
    let docs = 1_000;
    let texts: Vec<String> = (0..docs)
        .map(|i| format!("Article {i}\n{SAMPLE_ARTICLE}"))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let started = Instant::now();
    for (i, text) in texts.iter().enumerate() {
        let doc = NewDocument::from_plain_text(text, &format!("{i}.txt"));
        project
            .import_document(&doc, me, Utc::now())
            .expect("import");
    }
    let took = started.elapsed().as_secs_f64();
    println!(
        "import, one transaction per document: {docs} documents, {:.1} MB in {took:.2} s = {:.0} documents/s, {:.1} MB/s",
        bytes as f64 / 1e6,
        docs as f64 / took,
        bytes as f64 / 1e6 / took
    );

    // Durable edits: each create is a committed transaction with synchronous=FULL.
    let label = project.labels().expect("labels")[0].id;
    let doc_id = project.documents().expect("documents")[0].id;
    let mut times = Vec::new();
    for i in 0..300 {
        let span = Span::new(i, i + 5).expect("span");
        let started = Instant::now();
        project
            .create_annotation(doc_id, label, span, me, Utc::now())
            .expect("create");
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "create_annotation, durable commit: median {:.2} ms, p95 {:.2} ms, max {:.2} ms over {} edits",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        times.len()
    );

    let started = Instant::now();
    for _ in 0..100 {
        project.undo(me, Utc::now()).expect("undo");
    }
    println!(
        "undo: {:.2} ms per step over 100 steps",
        started.elapsed().as_secs_f64() * 1e3 / 100.0
    );

    drop(project);
    let started = Instant::now();
    let project = Project::open(&path).expect("reopen");
    let reopened = started.elapsed();
    let annotations = project.annotations(doc_id).expect("annotations");
    println!(
        "reopen project and read {} annotations: {:.2} ms",
        annotations.len(),
        reopened.as_secs_f64() * 1e3
    );
    drop(project);
    edits_during_a_backup(dir.path());
}

/// Durable edits, one every 20 ms, before and while another connection backs the project up.
fn edits_during_a_backup(dir: &std::path::Path) {
    let megabytes: usize = std::env::var("CLAIMDESK_BENCH_BACKUP_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2048);
    let path = dir.join("large.claimdesk");
    let mut project = Project::open(&path).expect("new project");
    let me = project.annotator("bench", Utc::now()).expect("annotator");
    // Articles of about 100 KB, each distinct, until the project holds the size asked for.
    let started = Instant::now();
    let article: String = SAMPLE_ARTICLE.repeat(100_000 / SAMPLE_ARTICLE.len() + 1);
    let mut batch = project.begin_import(me, Utc::now()).expect("import");
    batch.defer_index().expect("bulk");
    for i in 0..megabytes * 10 {
        let doc = NewDocument::from_plain_text(&format!("Article {i}\n{article}"), "a.txt");
        batch
            .add(&claimdesk_core::imported::ImportedDocument::plain(doc))
            .expect("add");
        if i % 500 == 499 {
            batch.checkpoint().expect("commit");
        }
    }
    batch.commit().expect("commit");
    // Closed and opened again, as the app would find it: the write-ahead log copied in.
    drop(project);
    let mut project = Project::open(&path).expect("reopen");
    println!(
        "backup while coding: a project of {:.0} MB made in {:.1} s",
        project.file_bytes() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let label = project.labels().expect("labels")[0].id;
    let doc_id = project.documents().expect("documents")[0].id;
    let mut next = 0;
    let mut edit = |project: &mut Project| {
        let span = Span::new(next % 1000, next % 1000 + 5).expect("span");
        next += 1;
        let started = Instant::now();
        project
            .create_annotation(doc_id, label, span, me, Utc::now())
            .expect("create");
        std::thread::sleep(Duration::from_millis(20));
        started.elapsed() - Duration::from_millis(20)
    };
    let mut before: Vec<Duration> = (0..200).map(|_| edit(&mut project)).collect();
    let backing_up = {
        let path = path.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            let made = Project::open_existing(&path)
                .and_then(|p| p.backup(Utc::now()))
                .expect("backup");
            (made, started.elapsed())
        })
    };
    let mut during = vec![edit(&mut project)];
    while !backing_up.is_finished() {
        during.push(edit(&mut project));
    }
    let (backup, took) = backing_up.join().expect("backup thread");
    let figures = |times: &mut Vec<Duration>| {
        times.sort();
        format!(
            "median {:.2} ms, p95 {:.2} ms, max {:.2} ms over {} edits",
            percentile(times, 0.5).as_secs_f64() * 1e3,
            percentile(times, 0.95).as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3,
            times.len()
        )
    };
    println!("  edits before the backup: {}", figures(&mut before));
    println!(
        "  edits while the backup ({:.0} MB, {:.1} s) is made: {}",
        backup.bytes as f64 / 1e6,
        took.as_secs_f64(),
        figures(&mut during)
    );
}
