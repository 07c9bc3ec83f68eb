//! `make bench`: import throughput, printed one figure per line.
//!
//! 1. 10,000 plain-text articles of about 5 KB, generated from the sample corpora (about 50 MB),
//!    imported from a folder into a new project, full-text index included.
//! 2. One 1 MB brat document carrying 20,000 spans.
//! 3. Corpus scale: 1,000,000 articles of about 2 KB as one JSON Lines file (about 2 GB), and
//!    100,000 of them as a folder of files (a folder of a million files takes longer to create
//!    on an ordinary disk than to import). Each import runs in a child process, so its peak
//!    memory is its own: seconds until imported, until searchable (the full-text index is
//!    built after the import returns), peak memory, project size. Then the JSON Lines import
//!    is cancelled halfway and run again, which skips what is there and goes on.
//!
//! `CLAIMDESK_BENCH_ARTICLES=100000 cargo bench -p claimdesk-import --bench import` runs the
//! corpus-scale cases on fewer articles (the folder gets a tenth of them).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
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

/// Imports a folder into a new project: documents, seconds until imported, until searchable.
fn import_folder(folder: &Path, project_path: &Path) -> (usize, f64, f64) {
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
    let imported = started.elapsed().as_secs_f64();
    claimdesk_import::index(&mut project, &AtomicBool::new(false), |_| {}).expect("index");
    let searchable = started.elapsed().as_secs_f64();
    assert_eq!(summary.failed(), 0);
    (summary.imported(), imported, searchable)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let cancel_at: f64 = args[i + 3].parse().expect("cancel fraction");
        child(Path::new(&args[i + 1]), Path::new(&args[i + 2]), cancel_at);
        return;
    }
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
    let (docs, imported, took) = import_folder(&articles, &dir.path().join("articles.claimdesk"));
    println!(
        "import 10,000 articles of ~5 KB ({:.1} MB) from a folder, with full-text index: {docs} documents in {took:.2} s (imported after {imported:.2} s) = {:.0} documents/s, {:.1} MB/s (target: under 2 s)",
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
    let (docs, _, took) = import_folder(&brat, &dir.path().join("brat.claimdesk"));
    println!(
        "import one brat document of {:.1} MB with 20,000 spans and 2,000 relations: {docs} document in {:.3} s (target: under 1 s)",
        text.len() as f64 / 1e6,
        took
    );

    corpus_scale(dir.path(), &lines);
}

const SOURCES: [&str; 4] = ["wire", "paper", "blog", "broadcast"];

/// An article of about 2 KB as a JSON Lines record; `tok{i}` makes each findable on its own.
fn record(i: usize, lines: &[&str], rng: &mut Lcg) -> String {
    let mut text = format!("Generated article {i}, tok{i}.\n\n");
    // Lines are a few hundred bytes: this ends near 2 KB.
    while text.len() < 1_700 {
        text.push_str(lines[rng.next(lines.len())]);
        text.push_str("\n\n");
    }
    let record = serde_json::json!({
        "title": format!("Article {i}"),
        "date": format!("20{:02}-{:02}-{:02}", 10 + i % 15, 1 + i % 12, 1 + i % 28),
        "source": SOURCES[i % SOURCES.len()],
        "text": text,
    });
    record.to_string()
}

fn corpus_scale(dir: &Path, lines: &[&str]) {
    let articles: usize = std::env::var("CLAIMDESK_BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.trim().replace(['_', ','], "").parse().ok())
        .unwrap_or(1_000_000);
    let mut rng = Lcg(11);

    let started = Instant::now();
    let jsonl = dir.join("articles.jsonl");
    let mut out =
        std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&jsonl).unwrap());
    for i in 0..articles {
        writeln!(out, "{}", record(i, lines, &mut rng)).unwrap();
    }
    out.flush().unwrap();
    drop(out);
    let bytes = std::fs::metadata(&jsonl).unwrap().len();
    println!(
        "corpus scale: generated {articles} articles of ~2 KB as one JSON Lines file ({:.0} MB) in {:.1} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let project = dir.join("scale.claimdesk");
    run_child(&jsonl, &project, 1.0);
    remove_project(&project);
    // Cancelled halfway, then run again: the second run skips the first half as duplicates.
    run_child(&jsonl, &project, 0.5);
    remove_project(&project);
    std::fs::remove_file(&jsonl).unwrap();

    let files = articles / 10;
    let folder = dir.join("folder");
    std::fs::create_dir(&folder).unwrap();
    let started = Instant::now();
    for i in 0..files {
        // A hundred subfolders, as corpora are usually laid out.
        let sub = folder.join(format!("{:02}", i % 100));
        if i < 100 {
            std::fs::create_dir(&sub).unwrap();
        }
        let mut text = format!(
            " date 2024-{:02}-{:02} Article {i} tok{i}\n\n",
            1 + i % 12,
            1 + i % 28
        );
        while text.len() < 1_700 {
            text.push_str(lines[rng.next(lines.len())]);
            text.push_str("\n\n");
        }
        std::fs::write(sub.join(format!("{i:07}.txt")), text).unwrap();
    }
    println!(
        "corpus scale: generated {files} articles of ~2 KB as a folder of files in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    run_child(&folder, &project, 1.0);
    remove_project(&project);
}

fn remove_project(project: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = project.as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(path));
    }
}

fn run_child(input: &Path, project: &Path, cancel_at: f64) {
    let report = Command::new(std::env::current_exe().unwrap())
        .arg("--child")
        .arg(input)
        .arg(project)
        .arg(cancel_at.to_string())
        .output()
        .unwrap();
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    print!("{}", String::from_utf8_lossy(&report.stdout));
}

/// One import into a new project: `cancel_at` below 1 cancels it once that share of the bytes
/// is done and imports again.
fn child(input: &Path, project_path: &Path, cancel_at: f64) {
    let mut project = Project::open(project_path).expect("project");
    let me = project.annotator("bench", Utc::now()).expect("annotator");
    let mut request = Request::new(vec![input.to_path_buf()]);
    request.format = None;
    let what = if input.is_dir() {
        "folder"
    } else {
        "JSON Lines"
    };
    // Also when the first new document was stored: in a second run, how long skipping took.
    let import = |project: &mut Project, cancel_at: f64| {
        let cancel = AtomicBool::new(false);
        let started = Instant::now();
        let mut first_new = None;
        let summary = run(
            project,
            &request,
            plan(&request),
            me,
            Utc::now(),
            &cancel,
            |p| {
                if p.bytes_done as f64 >= cancel_at * p.bytes_total as f64 {
                    cancel.store(true, Ordering::Relaxed);
                }
                if p.documents > 0 && first_new.is_none() {
                    first_new = Some(started.elapsed().as_secs_f64());
                }
            },
        )
        .expect("import");
        assert_eq!(summary.failed(), 0);
        (summary, started.elapsed().as_secs_f64(), first_new)
    };
    if cancel_at < 1.0 {
        let (first, took, _) = import(&mut project, cancel_at);
        assert!(first.cancelled);
        let (again, retook, skipped_after) = import(&mut project, 1.0);
        let skipped_after = skipped_after.unwrap_or(retook);
        println!(
            "  {what}: cancelled after {} documents ({took:.1} s); run again: {} skipped as already there in {skipped_after:.1} s ({:.0} records/s), then {} imported, {retook:.1} s in all",
            first.imported(),
            again.duplicates(),
            again.duplicates() as f64 / skipped_after,
            again.imported(),
        );
        return;
    }
    let (summary, took, _) = import(&mut project, 1.0);
    let docs = summary.imported();
    let waiting = project.unindexed_documents().expect("unindexed");
    let started = Instant::now();
    let indexed =
        claimdesk_import::index(&mut project, &AtomicBool::new(false), |_| {}).expect("index");
    let index_took = started.elapsed().as_secs_f64();
    assert_eq!(project.unindexed_documents().expect("unindexed"), 0);
    let last = format!("tok{}", docs - 1);
    let hits = project.search(&last, 5).expect("search");
    assert_eq!(hits.len(), 1, "{last} is found once");
    let size: u64 = ["", "-wal"]
        .iter()
        .map(|s| {
            let mut path = project_path.as_os_str().to_owned();
            path.push(s);
            std::fs::metadata(PathBuf::from(path))
                .map(|m| m.len())
                .unwrap_or(0)
        })
        .sum();
    println!(
        "  {what}: {docs} articles imported in {took:.1} s = {:.0} articles/s (target: under 60 s for 1,000,000); searchable after {:.1} s (the index built in {index_took:.1} s after the import; target: under 120 s); peak memory {:.0} MB (target: under 500 MB); project {:.0} MB",
        docs as f64 / took,
        took + index_took,
        peak_memory_mb(),
        size as f64 / 1e6
    );
    assert_eq!(indexed.indexed, waiting);
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
