//! `make bench`: import throughput, printed one figure per line.
//!
//! 1. 10,000 plain-text articles of about 5 KB, generated from the sample corpora (about 50 MB),
//!    imported from a folder into a new project, full-text index included.
//! 2. One 1 MB brat document carrying 20,000 spans.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use chrono::Utc;
use claimdesk_import::{plan, run, Request};
use claimdesk_store::Project;

const LEE: &str = include_str!("../../../tests/corpus/lee-abc-news/lee_background.cor");

/// A tiny deterministic generator, so every run imports the same corpus.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn article(i: usize, lines: &[&str], rng: &mut Lcg) -> String {
    let mut text = format!(
        " date 2024-{:02}-{:02} Generated article {i}\n\n",
        1 + i % 12,
        1 + i % 28
    );
    while text.len() < 5_000 {
        text.push_str(lines[rng.next(lines.len())]);
        text.push_str("\n\n");
    }
    text
}

fn import_folder(folder: &Path, project_path: &Path) -> (usize, f64) {
    let mut project = Project::open(project_path).expect("project");
    let me = project.annotator("bench", Utc::now()).expect("annotator");
    let request = Request::new(vec![folder.to_path_buf()]);
    let started = Instant::now();
    let jobs = plan(&request);
    let summary = run(
        &mut project,
        &request,
        jobs,
        me,
        Utc::now(),
        &AtomicBool::new(false),
        |_| {},
    )
    .expect("import");
    let took = started.elapsed().as_secs_f64();
    assert_eq!(summary.failed(), 0);
    (summary.imported(), took)
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let lines: Vec<&str> = LEE.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut rng = Lcg(7);

    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).expect("folder");
    let mut bytes = 0;
    for i in 0..10_000 {
        let text = article(i, &lines, &mut rng);
        bytes += text.len();
        std::fs::write(articles.join(format!("{i:05}.txt")), text).expect("write");
    }
    let (docs, took) = import_folder(&articles, &dir.path().join("articles.claimdesk"));
    println!(
        "import 10,000 articles of ~5 KB ({:.1} MB) from a folder, with full-text index: {docs} documents in {took:.2} s = {:.0} documents/s, {:.1} MB/s (target: under 2 s)",
        bytes as f64 / 1e6,
        docs as f64 / took,
        bytes as f64 / 1e6 / took
    );

    // One long document: 1 MB of text and 20,000 spans, as brat standoff.
    let brat = dir.path().join("brat");
    std::fs::create_dir(&brat).expect("folder");
    let mut text = String::new();
    while text.len() < 1_000_000 {
        text.push_str(lines[rng.next(lines.len())]);
        text.push_str("\n\n");
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let total = chars.len();
    let mut ann = String::new();
    for i in 0..20_000 {
        let start = i * (total - 40) / 20_000;
        let end = start + 5 + rng.next(30);
        let quote: String = text[chars[start].0..chars[end].0].replace(['\n', '\r'], " ");
        let label = ["PER", "ORG", "LOC", "Claim"][i % 4];
        ann.push_str(&format!("T{}\t{label} {start} {end}\t{quote}\n", i + 1));
        if i % 10 == 9 {
            ann.push_str(&format!(
                "R{}\trelated Arg1:T{} Arg2:T{}\n",
                i + 1,
                i + 1,
                i
            ));
        }
    }
    std::fs::write(brat.join("long.txt"), &text).expect("write");
    std::fs::write(brat.join("long.ann"), &ann).expect("write");
    let (docs, took) = import_folder(&brat, &dir.path().join("brat.claimdesk"));
    println!(
        "import one brat document of {:.1} MB with 20,000 spans and 2,000 relations: {docs} document in {:.3} s (target: under 1 s)",
        text.len() as f64 / 1e6,
        took
    );
}
