//! Mentions of known entities: every name and alias, as whole words, longest match first.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use crate::text::is_word_char;
use crate::Span;

/// How names and text are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Fold {
    /// Exactly as written (runs of whitespace still count as one space).
    None,
    /// Ignoring case; `’` counts as `'`.
    #[default]
    Case,
    /// Ignoring case and diacritics: "Erdogan" finds "Erdoğan" and "ERDOĞAN".
    CaseAndDiacritics,
}

/// One mention: where it is and which entity (an index into the names given) it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mention {
    pub span: Span,
    pub entity: usize,
}

/// A folded text and, for each of its bytes, the code point of the original it came from.
struct Folded {
    text: String,
    /// `origin[b]` is the original code point index that folded byte `b` belongs to; one extra
    /// entry for the end.
    origin: Vec<usize>,
    /// Whether folded byte `b` starts the folding of an original code point.
    boundary: Vec<bool>,
}

fn fold(text: &str, mode: Fold) -> Folded {
    let mut out = Folded {
        text: String::with_capacity(text.len()),
        origin: Vec::with_capacity(text.len() + 1),
        boundary: Vec::with_capacity(text.len() + 1),
    };
    let mut count = 0;
    let mut in_space = false;
    for (i, c) in text.chars().enumerate() {
        count = i + 1;
        let before = out.text.len();
        if c.is_whitespace() {
            if !in_space {
                out.text.push(' ');
            }
            in_space = true;
        } else {
            in_space = false;
            push_folded(&mut out.text, c, mode);
        }
        let added = out.text.len() - before;
        for k in 0..added {
            out.origin.push(i);
            out.boundary.push(k == 0);
        }
    }
    out.origin.push(count);
    out.boundary.push(true);
    out
}

fn push_folded(out: &mut String, c: char, mode: Fold) {
    match mode {
        Fold::None => out.push(c),
        Fold::Case => push_lower(out, c),
        Fold::CaseAndDiacritics => {
            let mut base = String::new();
            decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    base.push(d);
                }
            });
            for d in base.chars() {
                push_lower(out, special_base(d));
            }
        }
    }
}

/// Letters that carry their stroke or ligature in the base letter and so do not decompose.
fn special_base(c: char) -> char {
    match c {
        'ø' => 'o',
        'Ø' => 'O',
        'ł' => 'l',
        'Ł' => 'L',
        'đ' => 'd',
        'Đ' => 'D',
        'ħ' => 'h',
        'Ħ' => 'H',
        'ı' => 'i',
        _ => c,
    }
}

fn push_lower(out: &mut String, c: char) {
    if c == '\u{2019}' {
        out.push('\'');
        return;
    }
    for l in c.to_lowercase() {
        // "İ" lower-cases to "i" and a combining dot; the dot is dropped so "İstanbul"
        // folds like "Istanbul".
        if l != '\u{0307}' || c != 'İ' {
            out.push(l);
        }
    }
}

/// Finds mentions of `entities` (each a name followed by its aliases) in `text`.
///
/// Matches are whole words (no letter, digit or combining mark on either side); where matches
/// overlap the longest wins, then the earliest, then the entity listed first. The result is
/// in text order and never overlaps. Empty names are ignored.
pub fn find_mentions(text: &str, entities: &[Vec<String>], fold_mode: Fold) -> Vec<Mention> {
    let folded = fold(text, fold_mode);
    let chars: Vec<char> = text.chars().collect();
    let mut candidates: Vec<Mention> = Vec::new();
    for (entity, names) in entities.iter().enumerate() {
        for name in names {
            let needle = fold(name.trim(), fold_mode).text;
            if needle.is_empty() || needle == " " {
                continue;
            }
            for (b, _) in folded.text.match_indices(&needle) {
                let e = b + needle.len();
                if !folded.boundary[b] || !folded.boundary[e] {
                    continue;
                }
                let span = Span {
                    start: folded.origin[b],
                    end: folded.origin[e],
                };
                if span.is_empty() {
                    continue;
                }
                let word_before = span.start > 0 && is_word_char(chars[span.start - 1]);
                let joined_before =
                    word_before && is_word_char(chars[span.start]) && !is_cjk(chars[span.start]);
                let word_after = span.end < chars.len() && is_word_char(chars[span.end]);
                let joined_after =
                    word_after && is_word_char(chars[span.end - 1]) && !is_cjk(chars[span.end]);
                if joined_before || joined_after {
                    continue;
                }
                candidates.push(Mention { span, entity });
            }
        }
    }
    candidates.sort_by_key(|m| (std::cmp::Reverse(m.span.len()), m.span.start, m.entity));
    let mut occupied = vec![false; chars.len()];
    let mut taken: Vec<Mention> = Vec::new();
    for m in candidates {
        let cells = &mut occupied[m.span.start..m.span.end];
        if !cells.iter().any(|c| *c) {
            cells.fill(true);
            taken.push(m);
        }
    }
    taken.sort_by_key(|m| m.span.start);
    taken
}

/// Scripts written without spaces, where any match is a whole word.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}')
}
