//! Tokens, quotations and sentences of a text, all counted in code points.

use crate::rules::{normalize_word, Rules};

/// A word or a single punctuation mark; whitespace is not a token.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    pub word: bool,
    /// Lower-cased text with `’` written as `'` (a punctuation token keeps its mark).
    pub norm: String,
    /// The first character is an upper-case letter (or a digit, which also opens names).
    pub capital: bool,
    /// A line break stands between this token and the one before it.
    pub after_break: bool,
    /// Two or more letters, all upper case ("US", "NATO").
    pub acronym: bool,
}

/// Combining marks, joiners and variation selectors stay inside the word they follow.
pub(crate) fn is_word_extender(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0900}'..='\u{0903}'
        | '\u{093A}'..='\u{094F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{200C}'..='\u{200D}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{E0100}'..='\u{E01EF}')
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_word_extender(c)
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Splits `chars` into words (letters and digits, joined by an inner apostrophe, hyphen,
/// period or a comma between digits) and single punctuation marks.
pub(crate) fn tokenize(chars: &[char]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut pending_break = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c.is_control() {
            pending_break |= is_line_break(c);
            i += 1;
            continue;
        }
        let start = i;
        let word = is_word_char(c) && !is_word_extender(c);
        if word {
            i += 1;
            while i < chars.len() {
                let c = chars[i];
                if is_word_char(c) {
                    i += 1;
                } else if joins_word(c, chars[i - 1], chars.get(i + 1).copied()) {
                    i += 2;
                } else {
                    break;
                }
            }
        } else {
            i += 1;
            // A mark keeps the combining marks and joiners that follow it (emoji sequences).
            while i < chars.len() && is_word_extender(chars[i]) {
                i += 1;
            }
        }
        let text: String = chars[start..i].iter().collect();
        let capital = chars[start].is_uppercase() || chars[start].is_numeric();
        tokens.push(Token {
            start,
            end: i,
            word,
            norm: if word { normalize_word(&text) } else { text },
            capital,
            after_break: pending_break,
            acronym: word
                && chars[start..i].iter().filter(|c| c.is_alphabetic()).count() >= 2
                && chars[start..i]
                    .iter()
                    .all(|c| !c.is_alphabetic() || c.is_uppercase()),
        });
        pending_break = false;
    }
    tokens
}

/// An apostrophe, hyphen or period between letters ("don’t", "co-op", "U.S"), or a comma
/// between digits ("100,000"), keeps a word together.
fn joins_word(c: char, before: char, after: Option<char>) -> bool {
    let Some(after) = after else { return false };
    match c {
        '\'' | '\u{2019}' | '-' | '.' | '\u{2010}' | '\u{2011}' => after.is_alphanumeric(),
        ',' => before.is_ascii_digit() && after.is_ascii_digit(),
        _ => false,
    }
}

/// A quotation: its marks included, `[start, end)` in code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quote {
    pub start: usize,
    pub end: usize,
}

fn opens_here(chars: &[char], i: usize) -> bool {
    let before_ok = i == 0 || {
        let p = chars[i - 1];
        p.is_whitespace()
            || is_invisible(p)
            || is_quote_mark(p)
            || matches!(p, '(' | '[' | '{' | '—' | '–' | '-' | '/' | ':')
    };
    let after_ok = chars.get(i + 1).is_some_and(|n| !n.is_whitespace());
    before_ok && after_ok
}

/// Byte-order marks and bidirectional controls: invisible, and no part of a word.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{FEFF}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_quote_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '”' | '„' | '‘' | '’' | '«' | '»' | '‹' | '›'
    )
}

fn closes_here(chars: &[char], j: usize, symmetric_or_apostrophe: bool) -> bool {
    let after_ok = chars.get(j + 1).is_none_or(|n| !n.is_alphanumeric());
    if !symmetric_or_apostrophe {
        return after_ok;
    }
    let before_ok = j > 0 && !chars[j - 1].is_whitespace();
    before_ok && after_ok
}

/// Finds quotations paragraph by paragraph. Under the English convention a quotation left open
/// at a paragraph's end continues when the next paragraph opens with the same mark; an opening
/// mark that never closes is taken for a stray mark.
pub(crate) fn find_quotes(chars: &[char], rules: &Rules) -> Vec<Quote> {
    let mut quotes = Vec::new();
    let mut i = 0;
    'outer: while i < chars.len() {
        let c = chars[i];
        for &(open, close) in &rules.quotes {
            if c != open || !opens_here(chars, i) {
                continue;
            }
            let loose = open == close || close == '’' || close == '\'';
            let mut j = i + 1;
            while j < chars.len() {
                let d = chars[j];
                if d == close && closes_here(chars, j, loose) {
                    quotes.push(Quote {
                        start: i,
                        end: j + 1,
                    });
                    i = j + 1;
                    continue 'outer;
                }
                if is_line_break(d) {
                    // The paragraph ended inside the quotation.
                    let mut k = j;
                    while k < chars.len() && chars[k].is_whitespace() {
                        k += 1;
                    }
                    if rules.paragraph_continues_quote && k < chars.len() && chars[k] == open {
                        j = k + 1;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
        }
        i += 1;
    }
    quotes
}

/// Sentences as token ranges `[first, end)`. A sentence ends at a line break or after `.`, `!`,
/// `?` or `…` (and any closing marks) when the next token opens a sentence; never inside a
/// quotation, and never after an abbreviation from the rules or a single initial.
pub(crate) fn split_sentences(
    tokens: &[Token],
    chars: &[char],
    quote_of: &[Option<usize>],
    quotes: &[Quote],
    rules: &Rules,
) -> Vec<(usize, usize)> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let inside_same_quote = |a: usize, b: usize| {
        quote_of[a].is_some()
            && quote_of[a] == quote_of[b]
            && quote_of[a].is_some_and(|q| tokens[b].start > quotes[q].start)
    };
    for t in 1..tokens.len() {
        let boundary = if tokens[t].after_break {
            !inside_same_quote(t - 1, t)
        } else {
            ends_sentence(tokens, chars, t, rules) && !inside_same_quote(t - 1, t)
        };
        if boundary {
            sentences.push((start, t));
            start = t;
        }
    }
    if start < tokens.len() {
        sentences.push((start, tokens.len()));
    }
    sentences
}

fn is_closing(c: &str) -> bool {
    matches!(c, "”" | "\"" | "’" | "'" | "»" | "›" | ")" | "]")
}

/// Whether a sentence ends just before token `t` (both on one line).
fn ends_sentence(tokens: &[Token], chars: &[char], t: usize, rules: &Rules) -> bool {
    // Step back over closing marks to the terminal punctuation.
    let mut k = t - 1;
    while k > 0 && !tokens[k].word && is_closing(&tokens[k].norm) {
        k -= 1;
    }
    let terminal = &tokens[k].norm;
    if !matches!(terminal.as_str(), "." | "!" | "?" | "…") {
        return false;
    }
    // The next token must look like a sentence opening.
    let next = &tokens[t];
    let opens = next.capital
        || (!next.word && matches!(next.norm.as_str(), "“" | "\"" | "‘" | "«" | "„" | "(" | "["));
    if !opens {
        return false;
    }
    // A space must separate the end from the next sentence ("U.S.A" stays one unit).
    if tokens[t - 1].end == next.start {
        return false;
    }
    if terminal == "." && k > 0 && tokens[k - 1].word && tokens[k - 1].end == tokens[k].start {
        let before = &tokens[k - 1];
        let with_period = format!("{}.", before.norm);
        let single_initial = before.end - before.start == 1 && chars[before.start].is_uppercase();
        let dotted = before.norm.contains('.');
        if rules.titles.contains(&with_period) && !dotted {
            return false;
        }
        if rules.abbreviations.contains(&with_period) || single_initial || dotted {
            // Dotted forms (U.S., a.m.) and company suffixes may close a sentence; a word
            // that usually opens one shows that they did.
            return rules.sentence_starters.contains(&next.norm)
                && !rules.titles.contains(&with_period);
        }
    }
    true
}
