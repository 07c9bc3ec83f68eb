//! `make bench`: figures for suggestions, printed one per line.
//!
//! A 5 KB article run through the finder and kept (what opening a document costs), and a run
//! over a generated corpus of 10,000 such articles with 300 known actors, with the memory it
//! holds after the first 1,000 and after all 10,000 (flat in corpus size: a run keeps one
//! document at a time).

use std::time::{Duration, Instant};

use chrono::Utc;
use claimdesk_core::dataset::EntityKind;
use claimdesk_core::NewDocument;
use claimdesk_store::{Project, SuggestOptions, SAMPLE_ARTICLE};

const ARTICLES: usize = 10_000;

/// The resident memory of this process, in MB (Linux).
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// About 5 KB: the sample article and a paragraph of reported speech of its own.
fn article(i: usize) -> String {
    format!(
        "Article {i}\n{SAMPLE_ARTICLE}\n\nPerson {} told reporters on day {i} that the talks would go on. \
         “We will be back next week,” said Person {}, adding that a deal was “not yet in sight”. \
         According to officials in Geneva, a further round is planned for month {}.\n\n{}",
        i % 300,
        (i * 7) % 300,
        i % 12 + 1,
        "The delegations met again in the afternoon. Analysts in Brussels warned that the \
         agreement could collapse if either side pressed for more, and one diplomat, who asked \
         not to be named, insisted that nothing had been signed. “There is a long road ahead,” \
         the diplomat said. Markets barely moved on the news, while the foreign ministry in Kyiv \
         said in a statement that it had not been consulted and would not accept the outcome. \
         "
        .repeat(3)
    )
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("suggest.claimdesk");
    let mut project = Project::open(&path).expect("new project");
    let me = project.annotator("bench", Utc::now()).expect("annotator");
    for name in [
        "Tammy Bruce",
        "Sergei Lavrov",
        "Yuri Ushakov",
        "Marco Rubio",
    ] {
        project
            .create_entity(EntityKind::Actor, name, me, Utc::now())
            .expect("entity");
    }
    for i in 0..296 {
        project
            .create_entity(EntityKind::Actor, &format!("Person {i}"), me, Utc::now())
            .expect("entity");
    }
    let mut ids = Vec::with_capacity(ARTICLES);
    for i in 0..ARTICLES {
        let doc = NewDocument::from_plain_text(&article(i), &format!("{i}.txt"));
        match project
            .import_document(&doc, me, Utc::now())
            .expect("import")
        {
            claimdesk_store::ImportOutcome::Imported(id) => ids.push(id),
            other => panic!("{other:?}"),
        }
    }
    let options = SuggestOptions::default();

    // One article, as it opens: found, kept, and the open ones read back.
    let bytes = article(0).len();
    let mut times = Vec::new();
    let mut open = 0;
    for round in 0..50 {
        // A fresh run each time: another article, so nothing is kept from before.
        let id = ids[round * 7];
        let started = Instant::now();
        let found = project
            .suggest(id, &options, me, Utc::now())
            .expect("suggest");
        times.push(started.elapsed());
        open = found.open.len();
    }
    times.sort();
    println!(
        "suggest on opening one article ({:.1} KB, {open} suggestions): median {:.1} ms, max {:.1} ms over 50 articles (target < 20 ms)",
        bytes as f64 / 1024.0,
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );

    // The whole corpus, with progress as the app shows it.
    let mut at_1000 = 0.0;
    let mut progress_calls = 0;
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    let mut last = Instant::now();
    let run = project
        .suggest_documents(&ids, &options, me, Utc::now(), |done, _| {
            progress_calls += 1;
            slowest = slowest.max(last.elapsed());
            last = Instant::now();
            if done == 1_000 {
                at_1000 = rss_mb();
            }
            true
        })
        .expect("run");
    let took = started.elapsed().as_secs_f64();
    println!(
        "suggest over {} articles: {took:.1} s ({:.0} articles/s; target < 15 s), {} suggestions, {} progress reports, slowest article {:.1} ms",
        run.documents,
        run.documents as f64 / took,
        run.found,
        progress_calls,
        slowest.as_secs_f64() * 1e3
    );
    println!(
        "suggest memory: {at_1000:.0} MB resident after 1,000 articles, {:.0} MB after {}",
        rss_mb(),
        run.documents
    );

    // The finder alone on the same texts (one core), to tell its share from the store's.
    let names: Vec<Vec<String>> = project
        .entities(Some(EntityKind::Actor))
        .expect("entities")
        .into_iter()
        .map(|(e, _)| std::iter::once(e.name).chain(e.aliases).collect())
        .collect();
    let texts: Vec<String> = (0..ARTICLES).map(article).collect();
    let started = Instant::now();
    let mut found = 0;
    for text in &texts {
        found +=
            claimdesk_suggest::find_attributions(text, claimdesk_suggest::Rules::english()).len();
    }
    let attributions = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let finder = claimdesk_suggest::MentionFinder::new(&names, claimdesk_suggest::Fold::Case);
    for text in &texts {
        found += finder.find(text).len();
    }
    let mentions = started.elapsed().as_secs_f64();
    drop(texts);
    println!(
        "finder alone over {ARTICLES} articles: attributions {attributions:.1} s, mentions of {} actors {mentions:.1} s ({found} found)",
        names.len()
    );
}
