//! Mentions of known entities: every name and alias, as whole words, longest match first.

use std::collections::HashMap;

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
/// in text order and never overlaps. Empty names are ignored. For many texts, prepare the
/// names once with [`MentionFinder`].
pub fn find_mentions(text: &str, entities: &[Vec<String>], fold_mode: Fold) -> Vec<Mention> {
    MentionFinder::new(entities, fold_mode).find(text)
}

/// Names folded once and indexed by their first word, so a text is read once whatever the
/// number of names (a scan per name costs a corpus run most of its time with hundreds).
pub struct MentionFinder {
    mode: Fold,
    /// Each folded name or alias, with its entity.
    needles: Vec<(String, usize)>,
    /// Needles by their first run of letters and digits.
    keyed: HashMap<String, Vec<usize>>,
    /// Needles that do not start with a letter or digit (or start with a character of a script
    /// written without spaces): tried at every character.
    unkeyed: Vec<usize>,
}

/// Characters of a word in a script written with spaces: a match starts only where a run of
/// them starts.
fn is_run_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

fn first_run(s: &str) -> &str {
    let end = s
        .char_indices()
        .find(|(_, c)| !is_run_char(*c))
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}

impl MentionFinder {
    pub fn new(entities: &[Vec<String>], mode: Fold) -> MentionFinder {
        let mut finder = MentionFinder {
            mode,
            needles: Vec::new(),
            keyed: HashMap::new(),
            unkeyed: Vec::new(),
        };
        for (entity, names) in entities.iter().enumerate() {
            for name in names {
                let needle = fold(name.trim(), mode).text;
                if needle.is_empty() || needle == " " {
                    continue;
                }
                let i = finder.needles.len();
                match first_run(&needle) {
                    "" => finder.unkeyed.push(i),
                    run => finder.keyed.entry(run.to_string()).or_default().push(i),
                }
                finder.needles.push((needle, entity));
            }
        }
        finder
    }

    /// The mentions in `text`, as [`find_mentions`] finds them.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        if self.needles.is_empty() {
            return Vec::new();
        }
        let folded = fold(text, self.mode);
        let chars: Vec<char> = text.chars().collect();
        let mut candidates: Vec<Mention> = Vec::new();
        let consider = |b: usize, i: usize, candidates: &mut Vec<Mention>| {
            let (needle, entity) = &self.needles[i];
            if !folded.text[b..].starts_with(needle.as_str()) {
                return;
            }
            let e = b + needle.len();
            if !folded.boundary[b] || !folded.boundary[e] {
                return;
            }
            let span = Span {
                start: folded.origin[b],
                end: folded.origin[e],
            };
            if span.is_empty() {
                return;
            }
            let word_before = span.start > 0 && is_word_char(chars[span.start - 1]);
            let joined_before =
                word_before && is_word_char(chars[span.start]) && !is_cjk(chars[span.start]);
            let word_after = span.end < chars.len() && is_word_char(chars[span.end]);
            let joined_after =
                word_after && is_word_char(chars[span.end - 1]) && !is_cjk(chars[span.end]);
            if !(joined_before || joined_after) {
                candidates.push(Mention {
                    span,
                    entity: *entity,
                });
            }
        };
        let mut previous_in_run = false;
        for (b, c) in folded.text.char_indices() {
            let in_run = is_run_char(c);
            if folded.boundary[b] {
                if in_run && !previous_in_run {
                    if let Some(list) = self.keyed.get(first_run(&folded.text[b..])) {
                        for &i in list {
                            consider(b, i, &mut candidates);
                        }
                    }
                }
                for &i in &self.unkeyed {
                    consider(b, i, &mut candidates);
                }
            }
            previous_in_run = in_run;
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
}

/// Scripts written without spaces, where any match is a whole word.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Every name searched through the whole text, one after another: what the indexed
    /// finder must equal.
    fn one_name_at_a_time(text: &str, entities: &[Vec<String>], mode: Fold) -> Vec<Mention> {
        let folded = fold(text, mode);
        let chars: Vec<char> = text.chars().collect();
        let mut candidates = Vec::new();
        for (entity, names) in entities.iter().enumerate() {
            for name in names {
                let needle = fold(name.trim(), mode).text;
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
                    let joined_before = word_before
                        && is_word_char(chars[span.start])
                        && !is_cjk(chars[span.start]);
                    let word_after = span.end < chars.len() && is_word_char(chars[span.end]);
                    let joined_after =
                        word_after && is_word_char(chars[span.end - 1]) && !is_cjk(chars[span.end]);
                    if !(joined_before || joined_after) {
                        candidates.push(Mention { span, entity });
                    }
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

    /// Texts and names from a few pieces that make every edge: case, accents, combining marks,
    /// apostrophes, spaces and line breaks, digits, a script without spaces, punctuation.
    fn pieces() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "Li", "li", "Ana", "ANA", "Án", "e\u{301}", "é", "’s", "'", " ", "\n", "  ", "2",
                "習", "近平", "(", ")", "-", "Ø", "o", "ß", "İ", "i", ".",
            ]),
            0..12,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn the_indexed_finder_finds_what_one_name_at_a_time_finds(
            text in pieces(),
            names in prop::collection::vec(prop::collection::vec(pieces(), 1..3), 0..5),
            mode in prop::sample::select(vec![Fold::None, Fold::Case, Fold::CaseAndDiacritics]),
        ) {
            prop_assert_eq!(find_mentions(&text, &names, mode), one_name_at_a_time(&text, &names, mode));
        }
    }
}
