//! The crate's one integration-test binary: attributions, mentions, offsets and the seed
//! article.

mod attributions;
mod mentions;
mod seed;
mod unicode;

use claimdesk_suggest::{find_attributions, Attribution, Rules, Span};

/// The attributions of `text` as (content parts, source, resolved) texts.
pub fn found(text: &str) -> Vec<(Vec<String>, Option<String>, Option<String>)> {
    find_attributions(text, Rules::english())
        .iter()
        .map(|a| texts(text, a))
        .collect()
}

pub fn texts(text: &str, a: &Attribution) -> (Vec<String>, Option<String>, Option<String>) {
    let s = |span: Span| span.slice(text).to_string();
    (
        a.parts.iter().map(|p| s(*p)).collect(),
        a.source.map(s),
        a.resolved.map(s),
    )
}
