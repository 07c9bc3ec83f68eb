//! `make bench`: exports of a large project to JSON Lines and Parquet, with throughput and the
//! exporting process's peak memory, at two project sizes (peak memory should not grow with
//! the project).
//!
//! Each export runs in a child process (this binary again, with `--child`), so its peak
//! resident memory is its own and not the project builder's.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use chrono::Utc;
use claimdesk_core::dataset::Scope;
use claimdesk_core::document::NewDocument;
use claimdesk_core::imported::{ImportedAnnotation, ImportedDocument};
use claimdesk_formats::write::ExportFormat;
use claimdesk_store::Project;

const ANNOTATIONS_PER_DOCUMENT: usize = 100;

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
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("export-bench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    println!("export bench: documents of ~5 KB with {ANNOTATIONS_PER_DOCUMENT} annotations each");
    for documents in [1_000, 10_000] {
        let project = dir.join(format!("p{documents}.claimdesk"));
        let started = Instant::now();
        build(&project, documents);
        println!(
            "  built a project of {documents} documents and {} annotations in {:.1} s",
            documents * ANNOTATIONS_PER_DOCUMENT,
            started.elapsed().as_secs_f64()
        );
        for format in ["jsonl", "parquet"] {
            let out = dir.join(format!("out{documents}.{format}"));
            let report = Command::new(std::env::current_exe().unwrap())
                .args(["--child", format])
                .arg(&project)
                .arg(&out)
                .output()
                .unwrap();
            assert!(
                report.status.success(),
                "{}",
                String::from_utf8_lossy(&report.stderr)
            );
            print!("{}", String::from_utf8_lossy(&report.stdout));
            let _ = std::fs::remove_dir_all(&out);
            let _ = std::fs::remove_file(&out);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A project of `documents` articles, each with its annotations, through the bulk import.
fn build(path: &Path, documents: usize) {
    let mut project = Project::open(path).unwrap();
    let me = project.annotator("bench", Utc::now()).unwrap();
    let mut batch = project.begin_import(me, Utc::now()).unwrap();
    let sentence = "Minister Kaja Kallas said the ceasefire « must hold » in Kyiv 🇺🇦, café talks. ";
    let per = sentence.chars().count();
    for d in 0..documents {
        let mut text = format!(" date 2025-02-18 Article {d}\n\n");
        let head = text.chars().count();
        while text.len() < 5_000 {
            text.push_str(sentence);
        }
        let sentences = (text.chars().count() - head) / per;
        let annotations = (0..ANNOTATIONS_PER_DOCUMENT)
            .map(|i| {
                let s = head + (i % sentences) * per;
                let (start, end, label) = match i % 3 {
                    0 => (s + 9, s + 20, "Actor"),
                    1 => (s + 30, s + 60, "Claim"),
                    _ => (s + 60, s + 76, "Position"),
                };
                ImportedAnnotation {
                    key: format!("T{i}"),
                    label: label.into(),
                    start,
                    end,
                    attributes: Default::default(),
                    note: None,
                }
            })
            .collect();
        let mut doc = ImportedDocument::plain(NewDocument::from_plain_text(&text, "bench.txt"));
        doc.annotations = annotations;
        batch.add(&doc).unwrap();
    }
    batch.commit().unwrap();
}

fn child(format: &str, project: &Path, out: &Path) {
    let format = ExportFormat::from_name(format).unwrap();
    let project = Project::open_existing(project).unwrap();
    let request = claimdesk_export::Request::new(format, out.to_path_buf(), Scope::everything());
    let started = Instant::now();
    let done = claimdesk_export::run(&project, &request, &AtomicBool::new(false), |_| {}).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "  {:<8} {:>6} documents, {:>9} annotations: {:>7.1} MB in {:>5.2} s = {:>6.1} MB/s, {:>8.0} annotations/s, peak memory {:>6.1} MB",
        format.name(),
        done.summary.documents,
        done.summary.annotations,
        done.bytes as f64 / 1e6,
        seconds,
        done.bytes as f64 / 1e6 / seconds,
        done.summary.annotations as f64 / seconds,
        peak_memory_mb()
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
