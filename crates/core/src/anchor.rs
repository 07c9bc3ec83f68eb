//! Re-anchoring: carrying annotations over to a changed text.
//!
//! An article is corrected after publication, arrives again from another source with other
//! whitespace or quote marks, or has an OCR error fixed. Its annotations are spans of the old
//! text; [`reanchor`] says where each one belongs in the new text, or that it cannot be placed
//! with confidence (an *orphan*). A wrong placement is worse than an orphan, so every rule below
//! prefers to give up.
//!
//! How it works:
//! 1. Both texts are *folded*: runs of whitespace become one space, curly and straight quote
//!    marks become straight ones, dashes become hyphens, invisible characters go. A reflowed
//!    paragraph or a change of quote style is then no change at all.
//! 2. The folded texts are compared word by word (patience diff), changed stretches character by
//!    character, and a stretch that was deleted in one place and inserted in another (a moved
//!    paragraph) is matched up too. This maps most characters of the old text to the new.
//! 3. An annotation whose characters all map, in order, lands where they went. One whose first
//!    and last characters map, with few changes between, lands between them (a typo fixed inside
//!    it). Otherwise its quote is searched in the new text and placed where the text around it
//!    (prefix and suffix) matches, or matched with a bounded edit distance near where it was
//!    expected. Anything else is an orphan, with the reason.
//!
//! All offsets are code points, end exclusive.
//!
//! ```
//! use claimdesk_core::anchor::{reanchor, How, Placement};
//!
//! let old = "Tammy Bruce said: \"We will talk.\"\n\nRubio  agreed.";
//! let new = "Update: Tammy Bruce said: “We will talk.” Rubio agreed.";
//! let placed = reanchor(old, new, &[(0, 11), (18, 33), (35, 40)]);
//! assert_eq!(placed[0], Placement::Placed { start: 8, end: 19, how: How::Unchanged });
//! assert_eq!(placed[1], Placement::Placed { start: 26, end: 41, how: How::Normalised });
//! assert_eq!(placed[2], Placement::Placed { start: 42, end: 47, how: How::Unchanged });
//! ```

use std::collections::HashMap;

use serde::Serialize;
use similar::{capture_diff_slices, Algorithm, DiffOp};

/// Where an annotation of the old text belongs in the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "placement", rename_all = "snake_case")]
pub enum Placement {
    /// Placed at `start..end` of the new text (code points).
    Placed { start: usize, end: usize, how: How },
    /// Not placed: the reason, for the analyst.
    Orphaned { reason: Orphaned },
}

/// How an annotation was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// The same characters (perhaps at another offset).
    Unchanged,
    /// The same text but for whitespace, quote marks or dashes.
    Normalised,
    /// A few characters inside it changed; its ends are where they were.
    Edited,
    /// Its text was found elsewhere, where the text around it matches.
    Found,
    /// Matched with a few differences near where it was expected.
    Fuzzy,
}

/// Why an annotation could not be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Orphaned {
    /// Its text is not in the new version.
    Gone,
    /// Its text is there more than once and the text around it does not say which.
    Ambiguous,
    /// Too much of it changed to say where it now begins and ends.
    Changed,
    /// Its offsets were outside the old text.
    OutOfRange,
}

impl Orphaned {
    /// A sentence for the analyst.
    pub fn describe(self) -> &'static str {
        match self {
            Orphaned::Gone => "its text is not in the new version",
            Orphaned::Ambiguous => {
                "its text is in the new version more than once, and the text around it does not say where"
            }
            Orphaned::Changed => "too much of its text changed to say where it begins and ends",
            Orphaned::OutOfRange => "its offsets were outside the old text",
        }
    }
}

impl Placement {
    /// The new span, if placed.
    pub fn span(&self) -> Option<(usize, usize)> {
        match *self {
            Placement::Placed { start, end, .. } => Some((start, end)),
            Placement::Orphaned { .. } => None,
        }
    }
}

/// Places each span (`start..end` in code points of `old`) in `new`.
pub fn reanchor(old: &str, new: &str, spans: &[(usize, usize)]) -> Vec<Placement> {
    let old_chars: Vec<char> = old.chars().collect();
    let new_chars: Vec<char> = new.chars().collect();
    let a = Folded::new(&old_chars);
    let b = Folded::new(&new_chars);
    let map = Mapping::new(&a.chars, &b.chars);
    let mut search = None;
    let mut placed: Vec<Placement> = spans
        .iter()
        .map(|&(start_old, end_old)| {
            let (start, end) = (start_old, end_old);
            if start >= end || end > old_chars.len() {
                return Placement::Orphaned {
                    reason: Orphaned::OutOfRange,
                };
            }
            let (fs, fe) = (a.first[start] as usize, a.first[end] as usize);
            if fs >= fe {
                // Nothing but invisible characters: nothing to find it by.
                return Placement::Orphaned {
                    reason: Orphaned::Gone,
                };
            }
            let search = search.get_or_insert_with(|| Search::new(&b.chars));
            let placed = match map.carry(fs, fe) {
                // An edited match loses to the very same text found elsewhere in its context
                // (a near-duplicate sentence took the diff's eye).
                Ok(edited @ (_, _, How::Edited)) => {
                    Ok(search.exact(&a.chars, &b.chars, fs, fe).unwrap_or(edited))
                }
                Ok(carried) => Ok(carried),
                Err(_) => search.find(&a.chars, &b.chars, &map, fs, fe),
            };
            match placed {
                Ok((ns, ne, how)) => {
                    // Invisible characters and extra whitespace at the ends of the old span
                    // have no folded character: take as many along where the new text has them.
                    let mut lead = a.origin[fs] as usize - start_old;
                    let mut tail = end_old - (a.origin[fe - 1] as usize + 1);
                    let (mut start, mut end) =
                        (b.origin[ns] as usize, b.origin[ne - 1] as usize + 1);
                    while lead > 0 && start > 0 && unfolded(new_chars[start - 1]) {
                        (start, lead) = (start - 1, lead - 1);
                    }
                    while tail > 0 && end < new_chars.len() && unfolded(new_chars[end]) {
                        (end, tail) = (end + 1, tail - 1);
                    }
                    let how = match how {
                        How::Unchanged | How::Normalised => {
                            if old_chars[start_old..end_old] == new_chars[start..end] {
                                How::Unchanged
                            } else {
                                How::Normalised
                            }
                        }
                        other => other,
                    };
                    Placement::Placed { start, end, how }
                }
                Err(reason) => Placement::Orphaned { reason },
            }
        })
        .collect();
    settle_conflicts(&old_chars, &new_chars, spans, &mut placed);
    placed
}

/// How two versions of a text differ: enough to tell a copy of the same article (reflowed,
/// other quote marks, a typo fixed) from another article, and to say what differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Likeness {
    /// The share of the longer text's characters (whitespace, quote marks and dashes folded)
    /// that the other has in the same order: 1.0 for texts that differ only in those.
    pub share: f64,
    /// Characters (folded) deleted or inserted from one to the other.
    pub changed: usize,
    /// Whether the whitespace, the quote marks, the dashes differ.
    pub whitespace: bool,
    pub quotes: bool,
    pub dashes: bool,
}

impl Likeness {
    /// What differs, for the analyst: e.g. "whitespace, quote marks and 12 characters".
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.whitespace {
            parts.push("whitespace".into());
        }
        if self.quotes {
            parts.push("quote marks".into());
        }
        if self.dashes {
            parts.push("dashes".into());
        }
        if self.changed > 0 {
            parts.push(format!(
                "{} character{}",
                self.changed,
                if self.changed == 1 { "" } else { "s" }
            ));
        }
        match parts.len() {
            0 => "nothing".into(),
            1 => parts.remove(0),
            n => format!("{} and {}", parts[..n - 1].join(", "), parts[n - 1]),
        }
    }
}

/// Compares two versions of a text (see [`Likeness`]).
pub fn likeness(a: &str, b: &str) -> Likeness {
    let a_chars: Vec<char> = a.chars().collect();
    let b_chars: Vec<char> = b.chars().collect();
    let (fa, fb) = (Folded::new(&a_chars), Folded::new(&b_chars));
    let map = Mapping::new(&fa.chars, &fb.chars);
    let mapped = map.to_new.iter().filter(|&&j| j != NONE).count();
    let longer = fa.chars.len().max(fb.chars.len()).max(1);
    let runs = |chars: &[char], keep: fn(char) -> bool| -> Vec<String> {
        chars
            .split(|&c| !keep(c))
            .filter(|run| !run.is_empty())
            .map(|run| run.iter().collect())
            .collect()
    };
    let quote = |c: char| matches!(fold(c), Some('"' | '\''));
    let dash = |c: char| fold(c) == Some('-');
    Likeness {
        share: mapped as f64 / longer as f64,
        changed: (fa.chars.len() - mapped) + (fb.chars.len() - mapped),
        whitespace: runs(&a_chars, char::is_whitespace) != runs(&b_chars, char::is_whitespace),
        quotes: runs(&a_chars, quote) != runs(&b_chars, quote),
        dashes: runs(&a_chars, dash) != runs(&b_chars, dash),
    }
}

/// Two different spans of the old text cannot both belong on the same span of the new one (a
/// sentence went, and its actor was found in the next sentence that names the same actor). Of
/// those, the one whose surrounding text matches best keeps the place; the others are orphans.
/// Several annotations on one old span (two coders, two labels) move together and do not
/// conflict.
fn settle_conflicts(
    old: &[char],
    new: &[char],
    spans: &[(usize, usize)],
    placed: &mut [Placement],
) {
    let mut by_place: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for (i, placement) in placed.iter().enumerate() {
        if let Some(place) = placement.span() {
            by_place.entry(place).or_default().push(i);
        }
    }
    for ((ns, ne), claimants) in by_place {
        let mut origins: Vec<(usize, usize)> = claimants.iter().map(|&i| spans[i]).collect();
        origins.sort_unstable();
        origins.dedup();
        if origins.len() < 2 {
            continue;
        }
        // One carried there by the diff, with a long stretch of its own text around it
        // unchanged, is where it was; else the one whose surrounding text matches best.
        let fit = |&(s, e): &(usize, usize)| {
            let (before, after) = context(old, new, s, e, ns, ne);
            let carried = claimants.iter().any(|&i| {
                spans[i] == (s, e)
                    && matches!(
                        placed[i],
                        Placement::Placed {
                            how: How::Unchanged | How::Normalised,
                            ..
                        }
                    )
            });
            (carried && before.max(after) >= CONTEXT, before + after)
        };
        let mut fits: Vec<_> = origins.iter().map(|o| (fit(o), *o)).collect();
        fits.sort_unstable_by_key(|&(fit, _)| std::cmp::Reverse(fit));
        let winner = (fits[0].0 > fits[1].0).then_some(fits[0].1);
        for &i in &claimants {
            if Some(spans[i]) != winner {
                placed[i] = Placement::Orphaned {
                    reason: Orphaned::Ambiguous,
                };
            }
        }
    }
}

/// Whether a character can be left out of the folded text (whitespace after the first of a run,
/// and invisible characters).
fn unfolded(c: char) -> bool {
    c.is_whitespace() || fold(c).is_none()
}

/// A character as the folded text has it: whitespace a space, quote marks straight, dashes a
/// hyphen; `None` for an invisible character, which the folded text leaves out.
fn fold(c: char) -> Option<char> {
    Some(match c {
        c if c.is_whitespace() => ' ',
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => return None,
        '“' | '”' | '„' | '‟' | '«' | '»' | '″' | '〝' | '〞' | '＂' => '"',
        '‘' | '’' | '‚' | '‛' | '′' | '‹' | '›' | '＇' => '\'',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
        c => c,
    })
}

/// A text with whitespace, quote marks and dashes folded, and the way back.
struct Folded {
    chars: Vec<char>,
    /// `origin[k]`: the original index of folded character `k` (of the first character of a
    /// whitespace run).
    origin: Vec<u32>,
    /// `first[i]`: how many folded characters come from original characters before `i`; one
    /// entry per original index and one for the end.
    first: Vec<u32>,
}

impl Folded {
    fn new(text: &[char]) -> Folded {
        let mut chars = Vec::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        let mut first = Vec::with_capacity(text.len() + 1);
        for (i, &c) in text.iter().enumerate() {
            first.push(chars.len() as u32);
            // A run of whitespace is one space.
            let folded = match fold(c) {
                None => continue,
                Some(' ') if c.is_whitespace() && chars.last() == Some(&' ') => continue,
                Some(f) => f,
            };
            chars.push(folded);
            origin.push(i as u32);
        }
        first.push(chars.len() as u32);
        Folded {
            chars,
            origin,
            first,
        }
    }
}

const NONE: u32 = u32::MAX;

/// Which folded character of the old text became which of the new.
struct Mapping {
    /// Old folded index → new folded index, or [`NONE`].
    to_new: Vec<u32>,
    /// Whether a new folded character has an old one.
    has_old: Vec<bool>,
}

/// Stretches longer than this are not compared character by character.
const MAX_CHAR_DIFF: usize = 20_000;
/// A deleted and an inserted stretch at least this long may be the same text moved.
const MIN_MOVED: usize = 32;
/// At most this many deleted × inserted pairs are compared for moves.
const MAX_MOVE_PAIRS: usize = 400;

impl Mapping {
    fn new(old: &[char], new: &[char]) -> Mapping {
        let mut mapping = Mapping {
            to_new: vec![NONE; old.len()],
            has_old: vec![false; new.len()],
        };
        let (old_tokens, new_tokens) = tokens(old, new);
        let old_ids: Vec<u32> = old_tokens.iter().map(|t| t.id).collect();
        let new_ids: Vec<u32> = new_tokens.iter().map(|t| t.id).collect();
        let mut ops = capture_diff_slices(Algorithm::Patience, &old_ids, &new_ids);
        slide(
            &mut ops,
            (&old_ids, &sentence_starts(old, &old_tokens)),
            (&new_ids, &sentence_starts(new, &new_tokens)),
        );
        let chars = |tokens: &[Token], at: usize, len: usize| -> (usize, usize) {
            if len == 0 {
                let at = tokens
                    .get(at)
                    .map_or_else(|| tokens.last().map_or(0, |t| t.start + t.len), |t| t.start);
                return (at, at);
            }
            let first = &tokens[at];
            let last = &tokens[at + len - 1];
            (first.start, last.start + last.len)
        };
        // Stretches left unmatched, to look for moves among.
        let mut deleted = Vec::new();
        let mut inserted = Vec::new();
        for op in ops {
            match op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => {
                    let (os, oe) = chars(&old_tokens, old_index, len);
                    let (ns, _) = chars(&new_tokens, new_index, len);
                    for i in os..oe {
                        mapping.link(i, ns + (i - os));
                    }
                }
                DiffOp::Delete {
                    old_index, old_len, ..
                } => deleted.push(chars(&old_tokens, old_index, old_len)),
                DiffOp::Insert {
                    new_index, new_len, ..
                } => inserted.push(chars(&new_tokens, new_index, new_len)),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    let o = chars(&old_tokens, old_index, old_len);
                    let n = chars(&new_tokens, new_index, new_len);
                    if o.1 - o.0 + n.1 - n.0 <= MAX_CHAR_DIFF
                        && mapping.by_chars(old, new, o, n) * 2 >= (o.1 - o.0).min(n.1 - n.0)
                    {
                        continue;
                    }
                    // Mostly different: perhaps text moved in or out.
                    deleted.push(o);
                    inserted.push(n);
                }
            }
        }
        mapping.moves(old, new, &deleted, &inserted);
        mapping
    }

    fn link(&mut self, old: usize, new: usize) {
        self.to_new[old] = new as u32;
        self.has_old[new] = true;
    }

    /// Maps the equal characters of two stretches; answers how many it mapped.
    fn by_chars(
        &mut self,
        old: &[char],
        new: &[char],
        o: (usize, usize),
        n: (usize, usize),
    ) -> usize {
        let mut linked = 0;
        for op in capture_diff_slices(Algorithm::Myers, &old[o.0..o.1], &new[n.0..n.1]) {
            if let DiffOp::Equal {
                old_index,
                new_index,
                len,
            } = op
            {
                for k in 0..len {
                    let (i, j) = (o.0 + old_index + k, n.0 + new_index + k);
                    if self.to_new[i] == NONE && !self.has_old[j] {
                        self.link(i, j);
                        linked += 1;
                    }
                }
            }
        }
        linked
    }

    /// Matches deleted stretches with inserted ones that hold mostly the same text (a moved
    /// paragraph, perhaps edited on the way).
    fn moves(
        &mut self,
        old: &[char],
        new: &[char],
        deleted: &[(usize, usize)],
        inserted: &[(usize, usize)],
    ) {
        let long = |s: &&(usize, usize)| s.1 - s.0 >= MIN_MOVED && s.1 - s.0 <= MAX_CHAR_DIFF;
        let deleted: Vec<_> = deleted.iter().filter(long).collect();
        let inserted: Vec<_> = inserted.iter().filter(long).collect();
        if deleted.len() * inserted.len() > MAX_MOVE_PAIRS {
            return;
        }
        for &&o in &deleted {
            for &&n in &inserted {
                let (lo, ln) = (o.1 - o.0, n.1 - n.0);
                if lo.min(ln) * 3 < lo.max(ln) {
                    continue;
                }
                // Only the same text moved counts, not two stretches that share common words:
                // keep the match only if most of the deleted text is in the inserted one.
                let mut trial = Mapping {
                    to_new: vec![NONE; lo],
                    has_old: vec![false; ln],
                };
                let linked = trial.by_chars(&old[o.0..o.1], &new[n.0..n.1], (0, lo), (0, ln));
                if linked * 10 < lo * 8 {
                    continue;
                }
                for (i, &j) in trial.to_new.iter().enumerate() {
                    if j != NONE && self.to_new[o.0 + i] == NONE && !self.has_old[n.0 + j as usize]
                    {
                        self.link(o.0 + i, n.0 + j as usize);
                    }
                }
            }
        }
    }

    /// Whether the text around a carried span came along with it: a few characters just
    /// before or just after it map to just before or just after its new place (or it is at the
    /// same end of both texts). A name carried into another sentence by a diff that matched
    /// common words is not settled, and is searched for by its context instead.
    fn settled(&self, fs: usize, fe: usize, ns: usize, ne: usize) -> bool {
        const AROUND: usize = 16;
        let before = (1..=AROUND.min(fs))
            .take_while(|&k| ns >= k && self.to_new[fs - k] == (ns - k) as u32)
            .count();
        let after = (0..AROUND.min(self.to_new.len() - fe))
            .take_while(|&k| self.to_new[fe + k] == (ne + k) as u32)
            .count();
        // Text that matches all the way to the start (or end) of both texts is as good as more.
        let before = if before == fs && fs == ns {
            AROUND
        } else {
            before
        };
        let after = if fe + after == self.to_new.len() && ne + after == self.has_old.len() {
            AROUND
        } else {
            after
        };
        before + after >= AROUND
    }

    /// Carries folded `fs..fe` over through the mapping, if its ends are clear.
    fn carry(&self, fs: usize, fe: usize) -> Result<(usize, usize, How), Orphaned> {
        let span = &self.to_new[fs..fe];
        let first = span[0];
        if first != NONE && span.iter().enumerate().all(|(k, &j)| j == first + k as u32) {
            let (ns, ne) = (first as usize, first as usize + span.len());
            return if self.settled(fs, fe, ns, ne) {
                Ok((ns, ne, How::Normalised))
            } else {
                Err(Orphaned::Changed)
            };
        }
        // The first and last characters that map, and how far inside the span they are.
        let Some(lead) = span.iter().position(|&j| j != NONE) else {
            return Err(Orphaned::Gone);
        };
        let trail = span.iter().rposition(|&j| j != NONE).unwrap_or(lead);
        let (a, z) = (span[lead] as usize, span[trail] as usize);
        if z < a {
            return Err(Orphaned::Changed);
        }
        // Old characters before the first mapped one were replaced by the new characters just
        // before it that came from nowhere (at most as many); the same at the end.
        let unmapped_before = self.has_old[..a]
            .iter()
            .rev()
            .take(lead)
            .take_while(|&&h| !h)
            .count();
        let unmapped_after = self.has_old[z + 1..]
            .iter()
            .take(span.len() - 1 - trail)
            .take_while(|&&h| !h)
            .count();
        if (lead > 0 && unmapped_before == 0) || (trail + 1 < span.len() && unmapped_after == 0) {
            // An end was deleted, not replaced: where the span ends now is a guess.
            if lead + (span.len() - 1 - trail) > 0 {
                return Err(Orphaned::Changed);
            }
        }
        let (ns, ne) = (a - unmapped_before, z + 1 + unmapped_after);
        let mapped_inside = span
            .iter()
            .filter(|&&j| j != NONE && (a..=z).contains(&(j as usize)))
            .count();
        let changes = (span.len() - mapped_inside) + (ne - ns - mapped_inside);
        if changes <= (span.len() / 5).max(2) && self.settled(fs, fe, ns, ne) {
            Ok((ns, ne, How::Edited))
        } else {
            Err(Orphaned::Changed)
        }
    }
}

/// Whether each token (and the end) begins a sentence.
fn sentence_starts(text: &[char], tokens: &[Token]) -> Vec<bool> {
    let char_of = |i: usize| (tokens[i].len == 1).then(|| text[tokens[i].start]);
    (0..=tokens.len())
        .map(|i| {
            i == 0
                || i == tokens.len()
                || (i >= 2
                    && char_of(i - 1) == Some(' ')
                    && matches!(char_of(i - 2), Some('.' | '!' | '?' | '"' | '\'' | ':')))
        })
        .collect()
}

/// Slides each deletion and insertion along the text it repeats, to where it begins and ends
/// at sentence boundaries. When a sentence goes from between two that start alike ("According
/// to Rubio, …"), a diff may say the end of one and the start of the next went; the sentence
/// that went is the truer answer, and the annotations of the other stay put.
fn slide(ops: &mut [DiffOp], old: (&[u32], &[bool]), new: (&[u32], &[bool])) {
    for k in 1..ops.len() {
        let (head, tail) = ops.split_at_mut(k);
        let Some(DiffOp::Equal { len: before, .. }) = head.last_mut() else {
            continue;
        };
        let (op, tail) = tail.split_first_mut().expect("k < len");
        let after = match tail.first() {
            Some(DiffOp::Equal { len, .. }) => *len,
            None => 0,
            Some(_) => continue,
        };
        let ((ids, starts), at, len) = match *op {
            DiffOp::Delete {
                old_index, old_len, ..
            } => (old, old_index, old_len),
            DiffOp::Insert {
                new_index, new_len, ..
            } => (new, new_index, new_len),
            _ => continue,
        };
        let left = (0..*before)
            .take_while(|&d| ids[at - 1 - d] == ids[at + len - 1 - d])
            .count();
        let right = (0..after)
            .take_while(|&d| ids[at + d] == ids[at + len + d])
            .count();
        let score = |shift: isize| {
            let from = (at as isize + shift) as usize;
            usize::from(starts[from]) + usize::from(starts[from + len])
        };
        // The best place; of equally good ones, the nearest (the diff's own first).
        let shift = (-(left as isize)..=right as isize)
            .max_by_key(|&d| (score(d), std::cmp::Reverse(d.unsigned_abs())))
            .unwrap_or(0);
        if shift == 0 {
            continue;
        }
        let moved = |i: &mut usize| *i = (*i as isize + shift) as usize;
        *before = (*before as isize + shift) as usize;
        match op {
            DiffOp::Delete {
                old_index,
                new_index,
                ..
            }
            | DiffOp::Insert {
                old_index,
                new_index,
                ..
            } => {
                moved(old_index);
                moved(new_index);
            }
            _ => unreachable!("only deletions and insertions slide"),
        }
        if let Some(DiffOp::Equal {
            old_index,
            new_index,
            len,
        }) = tail.first_mut()
        {
            moved(old_index);
            moved(new_index);
            *len = (*len as isize - shift) as usize;
        }
    }
}

/// The folded text cut into words (runs of letters and digits) and single other characters,
/// each with an id shared by equal tokens of both texts.
struct Token {
    id: u32,
    start: usize,
    len: usize,
}

fn tokens<'t>(old: &'t [char], new: &'t [char]) -> (Vec<Token>, Vec<Token>) {
    let mut ids: HashMap<&'t [char], u32> = HashMap::new();
    let a = cut(old, &mut ids);
    let b = cut(new, &mut ids);
    (a, b)
}

fn cut<'t>(text: &'t [char], ids: &mut HashMap<&'t [char], u32>) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 3);
    let mut i = 0;
    while i < text.len() {
        let mut j = i + 1;
        if text[i].is_alphanumeric() {
            while j < text.len() && text[j].is_alphanumeric() {
                j += 1;
            }
        }
        let next = ids.len() as u32;
        let id = *ids.entry(&text[i..j]).or_insert(next);
        out.push(Token {
            id,
            start: i,
            len: j - i,
        });
        i = j;
    }
    out
}

/// Looks for a quote in the new text by its words and the text around it.
struct Search {
    text: String,
    /// Byte offset of each folded character of the new text, and one for the end.
    bytes: Vec<u32>,
    /// The old folded text, made when first needed.
    old_text: std::cell::RefCell<Option<String>>,
}

/// A quote this long found exactly once needs no context to be placed.
const LONG: usize = 24;

/// How many characters around a span are compared.
const CONTEXT: usize = 48;

impl Search {
    fn new(new: &[char]) -> Search {
        let text: String = new.iter().collect();
        let mut bytes: Vec<u32> = text.char_indices().map(|(b, _)| b as u32).collect();
        bytes.push(text.len() as u32);
        Search {
            text,
            bytes,
            old_text: std::cell::RefCell::new(None),
        }
    }

    /// How many times (up to two) a quote is in the old text.
    fn old_count(&self, old: &[char], quote: &str) -> usize {
        let mut old_text = self.old_text.borrow_mut();
        let old_text = old_text.get_or_insert_with(|| old.iter().collect());
        old_text.match_indices(quote).take(2).count()
    }

    fn find(
        &self,
        old: &[char],
        new: &[char],
        map: &Mapping,
        fs: usize,
        fe: usize,
    ) -> Result<(usize, usize, How), Orphaned> {
        match self.exact(old, new, fs, fe) {
            Err(Orphaned::Gone) => self.fuzzy(old, new, map, fs, fe),
            other => other,
        }
    }

    /// The quote itself, where the text around it says.
    fn exact(
        &self,
        old: &[char],
        new: &[char],
        fs: usize,
        fe: usize,
    ) -> Result<(usize, usize, How), Orphaned> {
        let quote: String = old[fs..fe].iter().collect();
        let len = fe - fs;
        let mut scored = Vec::new();
        for (byte, _) in self.text.match_indices(&quote).take(1000) {
            let at = self.bytes.partition_point(|&b| (b as usize) < byte);
            scored.push((context(old, new, fs, fe, at, at + len), at));
        }
        if !scored.is_empty() {
            scored.sort_unstable_by_key(|&((before, after), _)| std::cmp::Reverse(before + after));
            let (best, at) = scored[0];
            let clear = scored
                .get(1)
                .is_none_or(|second| second.0 .0 + second.0 .1 < best.0 + best.1);
            // A long quote found once is its own proof; a short one (a name) needs the text
            // on both sides of it.
            let once = scored.len() == 1 && self.old_count(old, &quote) == 1;
            let enough = (once && len >= LONG && best.0 + best.1 >= 12)
                || (best.0.min(best.1) >= 8 && best.0 + best.1 >= 24);
            return if clear && enough {
                Ok((at, at + len, How::Found))
            } else {
                Err(Orphaned::Ambiguous)
            };
        }
        Err(Orphaned::Gone)
    }

    /// Matches the quote with a bounded edit distance between the new characters that the
    /// old ones just before and just after it became.
    fn fuzzy(
        &self,
        old: &[char],
        new: &[char],
        map: &Mapping,
        fs: usize,
        fe: usize,
    ) -> Result<(usize, usize, How), Orphaned> {
        let len = fe - fs;
        let before = map.to_new[..fs]
            .iter()
            .rev()
            .take(4 * CONTEXT)
            .find(|&&j| j != NONE);
        let after = map.to_new[fe..]
            .iter()
            .take(4 * CONTEXT)
            .find(|&&j| j != NONE);
        let (Some(&before), Some(&after)) = (before, after) else {
            return Err(Orphaned::Gone);
        };
        let (lo, hi) = (before as usize + 1, after as usize);
        if hi <= lo || hi - lo > 3 * len + 2 * CONTEXT {
            return Err(Orphaned::Gone);
        }
        let budget = (len / 6).max(1);
        match best_substring(&old[fs..fe], &new[lo..hi], budget) {
            Some((s, e, _))
                if {
                    let (before, after) = context(old, new, fs, fe, lo + s, lo + e);
                    before.min(after) >= CONTEXT / 4 && before + after >= CONTEXT
                } =>
            {
                Ok((lo + s, lo + e, How::Fuzzy))
            }
            Some(_) => Err(Orphaned::Changed),
            None => Err(Orphaned::Gone),
        }
    }
}

/// How many characters just before and just after `ns..ne` in the new text match those around
/// `fs..fe` in the old (up to [`CONTEXT`] on each side).
fn context(
    old: &[char],
    new: &[char],
    fs: usize,
    fe: usize,
    ns: usize,
    ne: usize,
) -> (usize, usize) {
    let before = old[..fs]
        .iter()
        .rev()
        .zip(new[..ns].iter().rev())
        .take(CONTEXT)
        .take_while(|(a, b)| a == b)
        .count();
    let after = old[fe..]
        .iter()
        .zip(new[ne..].iter())
        .take(CONTEXT)
        .take_while(|(a, b)| a == b)
        .count();
    // Text that matches all the way to the start (or end) of both texts is as good as more.
    let at_start = if before == fs && fs == ns {
        CONTEXT
    } else {
        before
    };
    let at_end = if fe + after == old.len() && ne + after == new.len() {
        CONTEXT
    } else {
        after
    };
    (at_start, at_end)
}

/// The substring of `text` closest to `pattern` by edit distance, if within `budget`: its start,
/// end and distance. A tie between two different places is no answer.
fn best_substring(pattern: &[char], text: &[char], budget: usize) -> Option<(usize, usize, usize)> {
    // Sellers: column `j` holds, for each prefix of the pattern, the distance of its best match
    // ending at text position `j`, with where that match starts.
    let m = pattern.len();
    let mut cost: Vec<usize> = (0..=m).collect();
    let mut from: Vec<usize> = vec![0; m + 1];
    let mut best: Option<(usize, usize, usize)> = None;
    let mut tied = false;
    for (j, &c) in text.iter().enumerate() {
        let (mut diagonal, mut diagonal_from) = (cost[0], j);
        cost[0] = 0;
        from[0] = j + 1;
        for i in 1..=m {
            let (up, up_from) = (cost[i], from[i]);
            let substitute = diagonal + usize::from(pattern[i - 1] != c);
            let (mut value, mut start) = (substitute, diagonal_from);
            if up + 1 < value {
                (value, start) = (up + 1, up_from);
            }
            if cost[i - 1] + 1 < value {
                (value, start) = (cost[i - 1] + 1, from[i - 1]);
            }
            (diagonal, diagonal_from) = (up, up_from);
            cost[i] = value;
            from[i] = start;
        }
        let distance = cost[m];
        if distance <= budget {
            match best {
                Some((_, _, d)) if d < distance => {}
                Some((s, _, d)) if d == distance => {
                    // The same match grown by one character is not a second place.
                    if from[m] != s && from[m] + m < j + 1 - budget {
                        tied = true;
                    }
                }
                _ => {
                    best = Some((from[m], j + 1, distance));
                    tied = false;
                }
            }
        }
    }
    if tied {
        None
    } else {
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(old: &str, new: &str, quote: &str) -> Placement {
        let at = old.find(quote).expect("quote in old");
        let start = old[..at].chars().count();
        reanchor(old, new, &[(start, start + quote.chars().count())]).remove(0)
    }

    fn text_of(new: &str, placement: &Placement) -> Option<String> {
        placement
            .span()
            .map(|(s, e)| new.chars().skip(s).take(e - s).collect())
    }

    #[test]
    fn unchanged_text_keeps_every_span() {
        let text = "A 👩‍👩‍👧 family, e\u{301}te\u{301}, 🇺🇦 and עברית.";
        let n = text.chars().count();
        let chars: Vec<char> = text.chars().collect();
        // Every span with something visible in it (a span of a lone joiner has nothing to
        // find it by).
        let spans: Vec<_> = (0..n)
            .flat_map(|s| (s + 1..=n).map(move |e| (s, e)))
            .filter(|&(s, e)| chars[s..e].iter().any(|&c| !unfolded(c)))
            .collect();
        for (span, placement) in spans.iter().zip(reanchor(text, text, &spans)) {
            assert_eq!(placement.span(), Some(*span));
        }
    }

    #[test]
    fn insertions_and_deletions_shift_spans() {
        let old = "Rubio met Lavrov in Riyadh. They talked for hours.";
        let new = "On Tuesday, Rubio met Lavrov in Riyadh. They talked.";
        let p = placed(old, new, "Lavrov");
        assert_eq!(text_of(new, &p).as_deref(), Some("Lavrov"));
        assert!(matches!(
            p,
            Placement::Placed {
                how: How::Unchanged,
                ..
            }
        ));
        assert_eq!(
            placed(old, new, "for hours"),
            Placement::Orphaned {
                reason: Orphaned::Gone
            }
        );
    }

    #[test]
    fn a_typo_fixed_inside_keeps_the_ends() {
        let old = "The goverment spokesman said nothing.";
        let new = "The government spokesman said nothing.";
        let p = placed(old, new, "goverment spokesman");
        assert_eq!(text_of(new, &p).as_deref(), Some("government spokesman"));
        assert!(matches!(
            p,
            Placement::Placed {
                how: How::Edited,
                ..
            }
        ));
    }

    #[test]
    fn a_moved_paragraph_takes_its_spans_along() {
        let first = "Bruce said the talks would go on, and that the United States wanted peace.";
        let second = "Lavrov answered that Russia would not accept any deal made without it.";
        let third = "Observers expected a further meeting before the end of the month.";
        let old = format!("{first}\n\n{second}\n\n{third}");
        let new = format!("{second}\n\n{third}\n\n{first}");
        let p = placed(&old, &new, "the United States wanted peace");
        assert_eq!(
            text_of(&new, &p).as_deref(),
            Some("the United States wanted peace")
        );
    }

    #[test]
    fn a_short_quote_whose_sentence_went_is_an_orphan_not_a_wrong_place() {
        let old = "Rubio spoke first. Then Lavrov spoke. Rubio left early.";
        let new = "Rubio spoke first. Rubio left early.";
        assert!(matches!(
            placed(old, new, "Lavrov"),
            Placement::Orphaned { .. }
        ));
    }

    #[test]
    fn a_repeated_quote_goes_where_its_context_is() {
        let old = "He said no. Later, in Riyadh, he said no again to the press.";
        let new = "He said no. Much later, in Riyadh, he said no again to the press.";
        let at = old.rfind("said no").unwrap();
        let start = old[..at].chars().count();
        let p = reanchor(old, new, &[(start, start + 7)]).remove(0);
        let expected = new.rfind("said no").unwrap();
        assert_eq!(p.span(), Some((expected, expected + 7)));
    }

    #[test]
    fn out_of_range_spans_are_orphans() {
        assert_eq!(
            reanchor("abc", "abc", &[(2, 9), (2, 2)]),
            vec![
                Placement::Orphaned {
                    reason: Orphaned::OutOfRange
                };
                2
            ]
        );
    }

    #[test]
    fn likeness_says_what_differs() {
        let a = "Tammy Bruce said: \"We will talk.\"\n\nRubio agreed – later.";
        let b = "Tammy  Bruce said: “We will talk.” Rubio agreed - later.";
        let same = likeness(a, b);
        assert_eq!(same.share, 1.0);
        assert_eq!(same.describe(), "whitespace, quote marks and dashes");
        let typo = likeness("The goverment said no.", "The government said no.");
        assert_eq!((typo.changed, typo.describe().as_str()), (1, "1 character"));
        assert!(typo.share > 0.95);
        assert!(likeness("Rubio met Lavrov in Riyadh.", "Oil prices rose on Tuesday.").share < 0.5);
        assert_eq!(likeness("same", "same").describe(), "nothing");
    }

    #[test]
    fn fuzzy_matching_is_bounded() {
        assert_eq!(
            best_substring(&['a', 'b', 'c'], &"xxabcxx".chars().collect::<Vec<_>>(), 1),
            Some((2, 5, 0))
        );
        assert_eq!(
            best_substring(
                &"hello".chars().collect::<Vec<_>>(),
                &"xxhallox".chars().collect::<Vec<_>>(),
                1
            ),
            Some((2, 7, 1))
        );
        assert_eq!(
            best_substring(
                &"hello".chars().collect::<Vec<_>>(),
                &"xxhaxlox".chars().collect::<Vec<_>>(),
                1
            ),
            None
        );
    }
}
