//! `make bench`: the agreement report over 1,000 documents coded by 3 coders, 20 spans each
//! (the target: under a second), read from a real project file.

use std::path::PathBuf;
use std::time::Instant;

use chrono::Utc;
use claimdesk_core::document::NewDocument;
use claimdesk_core::imported::{ImportedAnnotation, ImportedDocument};
use claimdesk_export::agreement::{agreement, AgreementRequest};
use claimdesk_store::Project;

const DOCUMENTS: usize = 1_000;
const CODERS: [&str; 3] = ["ana", "ben", "cem"];
const SPANS: usize = 20;
const WORDS: usize = 1_000;

fn main() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("agreement-bench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("agreement.claimdesk");
    let started = Instant::now();
    build(&path);
    println!(
        "agreement bench: built {DOCUMENTS} documents of {WORDS} words, {} coders × {SPANS} spans each, in {:.1} s",
        CODERS.len(),
        started.elapsed().as_secs_f64()
    );
    let project = Project::open_existing(&path).unwrap();
    let mut best = f64::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let report = agreement(&project, &AgreementRequest::default()).unwrap();
        best = best.min(started.elapsed().as_secs_f64());
        assert_eq!(report.documents, DOCUMENTS);
        assert!(report.token_alpha.overall.value.is_some());
    }
    println!("  agreement report (token α, uα, κ per pair, Fleiss' κ, F1, statements, per document): {best:.3} s (best of 3; target < 1 s)");
}

/// A project where each coder coded every document: shared spans (most), and some of their own.
fn build(path: &std::path::Path) {
    let mut project = Project::open(path).unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for coder in CODERS {
        let me = project.annotator(coder, Utc::now()).unwrap();
        let mut batch = project.begin_import(me, Utc::now()).unwrap();
        batch.add_coding_to_existing();
        for d in 0..DOCUMENTS {
            // The same text for every coder (same seed per document), so their coding meets.
            let text: String = (0..WORDS)
                .map(|w| format!("w{}x{}", d, (w * 7919 + d) % 5000))
                .collect::<Vec<_>>()
                .join(" ");
            let word_start = |w: usize| text.split(' ').take(w).map(|x| x.len() + 1).sum::<usize>();
            let annotations = (0..SPANS)
                .map(|k| {
                    // Spans every coder has, shifted now and then for some coders.
                    let first = (k * 47 + d) % (WORDS - 10);
                    let shift = if next(4) == 0 { 1 } else { 0 };
                    let start = word_start(first + shift);
                    let end = word_start(first + 3 + shift) - 1;
                    ImportedAnnotation {
                        key: format!("T{k}"),
                        label: ["Actor", "Claim", "Position"][k % 3].into(),
                        start,
                        end,
                        attributes: Default::default(),
                        note: None,
                    }
                })
                .collect();
            let doc = ImportedDocument {
                document: NewDocument::from_plain_text(&text, &format!("doc{d}.txt")),
                annotations,
                relations: Vec::new(),
            };
            batch.add(&doc).unwrap();
        }
        batch.commit().unwrap();
    }
}
