//! Re-anchoring on generated corrected articles: nearly every annotation lands exactly where
//! its text went, and none lands on the wrong text.

mod corrections;

use claimdesk_core::anchor::reanchor;
use corrections::{Article, Rng, Tally};

fn run(seed: u64, articles: usize, size: usize, corrections: usize) -> Tally {
    let mut rng = Rng::new(seed);
    let mut tally = Tally::default();
    for _ in 0..articles {
        let mut article = Article::write(&mut rng, size);
        let old = article.text();
        article.correct(&mut rng, corrections);
        let new = article.text();
        let placed: Vec<_> = reanchor(&old, &new, &article.spans)
            .iter()
            .map(|p| p.span())
            .collect();
        tally.add(&article.truth(), &placed);
    }
    tally
}

#[test]
fn corrected_articles_keep_their_coding() {
    let tally = run(2026, 300, 3_000, 6);
    eprintln!("{tally:?}");
    assert!(tally.placeable > 10_000, "{tally:?}");
    assert!(tally.gone > 100, "the set deletes sentences: {tally:?}");
    assert_eq!(tally.wrong, 0, "{tally:?}");
    assert!(tally.exact_share() >= 0.99, "{tally:?}");
}

#[test]
fn an_unchanged_article_keeps_everything_exactly() {
    let tally = run(7, 50, 3_000, 0);
    assert_eq!(tally.exact, tally.placeable);
    assert_eq!((tally.gone, tally.wrong), (0, 0));
}
