//! Re-anchoring: how well and how fast annotations are carried over to corrected articles.
//!
//! Prints the share of annotations placed exactly where their text went, how many were left
//! orphaned, how many landed on the wrong text (the figure that must stay at zero), and the time
//! to re-anchor 20,000 annotations on a 1 MB text.

#[path = "../tests/corrections/mod.rs"]
mod corrections;

use std::time::Instant;

use claimdesk_core::anchor::reanchor;
use corrections::{Article, Rng, Tally};

fn main() {
    for (seed, corrections) in [(1, 3), (2, 6), (3, 12)] {
        let mut rng = Rng::new(seed);
        let mut tally = Tally::default();
        for _ in 0..1_000 {
            let mut article = Article::write(&mut rng, 3_000);
            let old = article.text();
            article.correct(&mut rng, corrections);
            let placed: Vec<_> = reanchor(&old, &article.text(), &article.spans)
                .iter()
                .map(|p| p.span())
                .collect();
            tally.add(&article.truth(), &placed);
        }
        println!(
            "1,000 articles, {corrections:>2} corrections each: {:.2} % of {} annotations placed exactly, {} orphaned, {} wrong; {} of {} whose text went orphaned",
            100.0 * tally.exact_share(),
            tally.placeable,
            tally.orphaned,
            tally.wrong,
            tally.gone_orphaned,
            tally.gone,
        );
    }

    let mut rng = Rng::new(4);
    let mut article = Article::write(&mut rng, 1_000_000);
    // A second coder's annotations on some of the same spans, up to 20,000 in all.
    let extra: Vec<_> = article
        .spans
        .iter()
        .copied()
        .take(20_000usize.saturating_sub(article.spans.len()))
        .collect();
    article.spans.extend(extra);
    let old = article.text();
    article.correct(&mut rng, 200);
    let new = article.text();
    let started = Instant::now();
    let placed = reanchor(&old, &new, &article.spans);
    let took = started.elapsed();
    let mut tally = Tally::default();
    tally.add(
        &article.truth(),
        &placed.iter().map(|p| p.span()).collect::<Vec<_>>(),
    );
    println!(
        "{} annotations on a {:.1} MB text with 200 corrections: {:.0} ms ({:.2} % exact, {} wrong)",
        article.spans.len(),
        new.len() as f64 / 1e6,
        took.as_secs_f64() * 1e3,
        100.0 * tally.exact_share(),
        tally.wrong
    );
}
