//! Attributions by rule: reporting cues, the noun phrase that speaks and the clause or
//! quotation that is said.
//!
//! The finder works sentence by sentence on tokens. A cue is a reporting verb (with its
//! auxiliaries: "has said", "would later add") or an "according to" phrase. Around a verb the
//! source is looked for on the left ("Bruce added"), then on the right ("said Bruce"), then at
//! the start of the sentence for a participle ("…, saying …"); the content is the rest of the
//! sentence after the cue, or, when nothing follows the cue, the sentence before the source.
//! Quotations are units: a sentence never ends inside one, and a quotation-only sentence right
//! after a direct quotation continues it (`“…,” Bruce added. “…”`).

use crate::rules::{PhraseSet, Rules};
use crate::text::{find_quotes, split_sentences, tokenize, Quote, Token};
use crate::{Attribution, AttributionKind, Span};

/// A token range `[start, end)`.
type Range = (usize, usize);

struct Found {
    parts: Vec<Range>,
    source: Option<Range>,
    cue: Option<Range>,
    resolved: Option<Range>,
    direct: bool,
}

struct Doc<'a> {
    tokens: Vec<Token>,
    quotes: Vec<Quote>,
    quote_of: Vec<Option<usize>>,
    quote_words: Vec<usize>,
    rules: &'a Rules,
}

pub(crate) fn find(text: &str, rules: &Rules) -> Vec<Attribution> {
    let chars: Vec<char> = text.chars().collect();
    let tokens = tokenize(&chars);
    let quotes = find_quotes(&chars, rules);
    let mut quote_of = vec![None; tokens.len()];
    let mut quote_words = vec![0; quotes.len()];
    let mut q = 0;
    for (t, token) in tokens.iter().enumerate() {
        while q < quotes.len() && quotes[q].end <= token.start {
            q += 1;
        }
        if q < quotes.len() && quotes[q].start <= token.start {
            quote_of[t] = Some(q);
            if token.word {
                quote_words[q] += 1;
            }
        }
    }
    let sentences = split_sentences(&tokens, &chars, &quote_of, &quotes, rules);
    let doc = Doc {
        tokens,
        quotes,
        quote_of,
        quote_words,
        rules,
    };
    let found = doc.find_all(&sentences);
    found
        .into_iter()
        .filter_map(|f| doc.to_attribution(f))
        .collect()
}

impl Doc<'_> {
    fn norm(&self, i: usize) -> &str {
        &self.tokens[i].norm
    }

    fn is_word(&self, i: usize) -> bool {
        self.tokens[i].word
    }

    fn is(&self, i: usize, s: &str) -> bool {
        self.tokens[i].norm == s
    }

    fn phrase_at(&self, set: &PhraseSet, i: usize, end: usize) -> usize {
        set.longest_at(|k| {
            let t = i + k;
            (t < end && self.tokens[t].word).then(|| self.tokens[t].norm.as_str())
        })
    }

    fn in_stop(&self, i: usize) -> bool {
        self.is_word(i) && self.rules.stop.contains(self.norm(i)) && !self.is_acronym(i)
    }

    /// "US" is a name, not the pronoun "us".
    fn is_acronym(&self, i: usize) -> bool {
        self.tokens[i].acronym
    }

    fn is_pronoun(&self, i: usize) -> bool {
        self.is_word(i) && self.rules.pronouns.contains(self.norm(i)) && !self.is_acronym(i)
    }

    fn is_determiner(&self, i: usize) -> bool {
        self.is_word(i) && self.rules.determiners.contains(self.norm(i))
    }

    /// A period glued to an abbreviation or title ("Sen.", "U.S.", "Calif.").
    fn is_abbreviation_period(&self, i: usize) -> bool {
        i > 0
            && self.is(i, ".")
            && self.is_word(i - 1)
            && self.tokens[i - 1].end == self.tokens[i].start
            && {
                let with = format!("{}.", self.norm(i - 1));
                self.rules.abbreviations.contains(&with)
                    || self.rules.titles.contains(&with)
                    || self.norm(i - 1).contains('.')
                    || self.tokens[i - 1].end - self.tokens[i - 1].start == 1
            }
    }

    /// The quotation that token `i` closes, if it is a closing mark.
    fn closes_quote(&self, i: usize) -> Option<usize> {
        self.quote_of[i].filter(|&q| self.tokens[i].end == self.quotes[q].end)
    }

    fn opens_quote(&self, i: usize) -> Option<usize> {
        self.quote_of[i].filter(|&q| self.tokens[i].start == self.quotes[q].start)
    }

    fn long_quote(&self, q: usize) -> bool {
        self.quote_words[q] >= self.rules.min_quote_words
    }

    /// `end` moved left past punctuation that ends a clause (a closing quotation mark stays).
    fn trim_right(&self, start: usize, mut end: usize) -> usize {
        while end > start {
            let t = end - 1;
            if self.is_word(t) || self.closes_quote(t).is_some() || self.is_abbreviation_period(t) {
                break;
            }
            if matches!(self.norm(t), ")" | "]" | "%" | "$") {
                break;
            }
            end -= 1;
        }
        end
    }

    fn trim_left(&self, mut start: usize, end: usize) -> usize {
        while start < end
            && !self.is_word(start)
            && self.opens_quote(start).is_none()
            && !matches!(self.norm(start), "(" | "[" | "$" | "#" | "@")
        {
            start += 1;
        }
        start
    }

    fn word_count(&self, (s, e): Range) -> usize {
        (s..e).filter(|&i| self.is_word(i)).count()
    }

    fn find_all(&self, sentences: &[Range]) -> Vec<Found> {
        let mut found: Vec<Found> = Vec::new();
        // A cue that ends its sentence with a colon waits for the quotation that follows.
        let mut pending: Option<Found> = None;
        // The direct attribution that a following quotation-only sentence continues.
        let mut continuing: Option<usize> = None;
        for &(a, b) in sentences {
            let before = found.len();
            let quote_only = self.quote_only(a, b);
            if let (Some(mut f), Some(part)) = (pending.take(), quote_only) {
                f.parts.push(part);
                f.direct = true;
                found.push(f);
                continuing = Some(found.len() - 1);
                continue;
            }
            if let (Some(i), Some(part)) = (continuing, quote_only) {
                found[i].parts.push(part);
                continue;
            }
            self.sentence(a, b, &mut found, &mut pending);
            continuing = found[before..]
                .iter()
                .rposition(|f| f.direct)
                .map(|i| before + i);
        }
        self.resolve(&mut found);
        found
    }

    /// The quotation that makes up the whole sentence `[a, b)`, if any.
    fn quote_only(&self, a: usize, b: usize) -> Option<Range> {
        let s = self.trim_left(a, b);
        let e = self.trim_right(s, b);
        if s >= e {
            return None;
        }
        let q = self.opens_quote(s)?;
        (self.closes_quote(e - 1) == Some(q) && self.long_quote(q)).then_some((s, e))
    }

    fn sentence(&self, a: usize, b: usize, found: &mut Vec<Found>, pending: &mut Option<Found>) {
        let rules = self.rules;
        let mut t = a;
        let mut seen: Vec<Vec<Range>> = Vec::new();
        while t < b {
            if self.quote_of[t].is_some() || !self.is_word(t) {
                t += 1;
                continue;
            }
            let according = self.phrase_at(&rules.according, t, b);
            if according > 0 {
                if let Some(f) = self.according(a, b, t, t + according) {
                    if !seen.contains(&f.parts) {
                        seen.push(f.parts.clone());
                        found.push(f);
                    }
                }
                t += according;
                continue;
            }
            let verb = self.phrase_at(&rules.verbs, t, b);
            if verb > 0 && self.can_be_cue(a, t) {
                match self.verb(a, b, t, t + verb) {
                    Some(f) if f.parts.is_empty() => *pending = Some(f),
                    Some(f) if !seen.contains(&f.parts) => {
                        seen.push(f.parts.clone());
                        found.push(f);
                    }
                    _ => {}
                }
                t += verb;
                continue;
            }
            t += 1;
        }
    }

    /// Whether the verb form at `t` is used as a verb: not a capitalised word inside the
    /// sentence ("the Islamic State"), not after "to", a determiner or a possessive ("his
    /// remarks", "Editor’s note").
    fn can_be_cue(&self, a: usize, t: usize) -> bool {
        if self.tokens[t].capital && t != self.trim_left(a, t + 1) && !self.title_case(a, t) {
            return false;
        }
        if t == a || !self.is_word(t - 1) {
            return true;
        }
        let before = self.norm(t - 1);
        let noun_marker = self.is_determiner(t - 1) && before != "that";
        let possessive = before.ends_with("'s") || before.ends_with("s'");
        !(noun_marker || possessive || before == "to" || before == "of")
    }

    /// Whether the sentence around `t` is a headline in title case ("Trump Says He Will Win").
    fn title_case(&self, a: usize, t: usize) -> bool {
        let end = self.tokens.len().min(t + 8);
        let words: Vec<bool> = (a.max(t.saturating_sub(8))..end)
            .filter(|&i| self.is_word(i) && !self.in_stop(i))
            .map(|i| self.tokens[i].capital)
            .collect();
        words.len() >= 3 && words.iter().all(|c| *c)
    }

    /// `According to X, CONTENT.` and `CONTENT, according to X.`
    fn according(&self, a: usize, b: usize, c: usize, ce: usize) -> Option<Found> {
        let (ss, se) = self.np_right(ce, b)?;
        let start = self.trim_left(a, b);
        let parts = if start == c {
            let s = self.trim_left(se, b);
            let e = self.trim_right(s, b);
            vec![(s, e)]
        } else {
            let e = self.trim_right(start, c);
            // "…, according to X, CONTENT" continues after the source as well.
            let s2 = self.trim_left(se, b);
            let e2 = self.trim_right(s2, b);
            if s2 < e2 && self.is(se.min(b - 1), ",") && self.word_count((s2, e2)) > 3 {
                vec![(start, e), (s2, e2)]
            } else {
                vec![(start, e)]
            }
        };
        self.finish(parts, Some((ss, se)), Some((c, ce)))
    }

    fn verb(&self, a: usize, b: usize, c: usize, ce: usize) -> Option<Found> {
        let rules = self.rules;
        let mut cs = c;
        while cs > a && self.is_word(cs - 1) && rules.auxiliaries.contains_word(self.norm(cs - 1)) {
            cs -= 1;
        }
        let participle = self.phrase_at(&rules.participles, c, b) == ce - c;
        let left = (cs > a).then(|| cs - 1);
        let cue = Some((cs, ce));

        // The source stands on the left: "Bruce added", "the state department said".
        let source_left = match left {
            Some(l) if self.is_pronoun(l) => Some((l, l + 1)),
            Some(l) if self.is_word(l) && !self.in_stop(l) => Some((self.np_left(l, a), l + 1)),
            Some(l) if self.is(l, ",") && !participle => {
                if self.np_right_to_end(ce, b).is_some() {
                    None
                } else {
                    self.appositive(l, a)
                }
            }
            _ => None,
        };
        if let Some((s, e)) = source_left {
            return self.content_after_left_source(a, b, (s, e), cue, ce);
        }

        // The source follows the cue: "“…,” said Bruce." and "…, said the spokesperson."
        if let Some(l) = left {
            if self.is(l, ",") || self.closes_quote(l).is_some() {
                if let Some(source) = self.np_right_to_end(ce, b) {
                    let s = self.trim_left(a, b);
                    let e = self.trim_right(s, l + 1);
                    return self.finish(vec![(s, e)], Some(source), cue);
                }
            }
        }

        // A participle or a second verb shares the subject of the sentence:
        // "The ministry went further, saying …", "Trump spoke and said …".
        let shared = left.is_some_and(|l| self.is(l, ",") || self.is(l, "and"));
        if participle || shared {
            let subject = self.subject(a, cs);
            let s = self.content_start(c, ce, b);
            let e = self.trim_right(s, b);
            let e = self.cut_at_according(s, e);
            if s < e && (subject.is_some() || participle) {
                return self.finish(vec![(s, e)], subject, cue);
            }
        }
        None
    }

    fn content_after_left_source(
        &self,
        a: usize,
        b: usize,
        (s, e): Range,
        cue: Option<Range>,
        ce: usize,
    ) -> Option<Found> {
        let c = cue.map_or(ce, |(c, _)| c);
        let r = self.content_start(c, ce, b);
        let comma_after = r > ce && self.is(r - 1, ",");
        let end = self.trim_right(r, b);
        let end = self.cut_at_according(r, end);
        let source = Some((s, e));
        if r < end {
            let before_end = if s > a && self.is(s - 1, ",") {
                self.trim_right(a, s - 1)
            } else if s > a && self.closes_quote(s - 1).is_some() {
                s
            } else {
                a
            };
            let start = self.trim_left(a, before_end);
            if comma_after && start < before_end {
                return self.finish(vec![(start, before_end), (r, end)], source, cue);
            }
            return self.finish(vec![(r, end)], source, cue);
        }
        // Nothing follows the cue: the content came first ("…,” Bruce added.").
        let start = self.trim_left(a, s);
        let before_end = self.trim_right(start, s);
        if start < before_end {
            return self.finish(vec![(start, before_end)], source, cue);
        }
        // "Cruz continued:" at the end of a paragraph introduces the next quotation.
        if r > ce && self.is(r - 1, ":") || (ce < b && self.is(ce, ":")) {
            return Some(Found {
                parts: Vec::new(),
                source,
                cue,
                resolved: None,
                direct: true,
            });
        }
        None
    }

    /// Where the content starts after a cue: past the hearer of "told", time and place
    /// adjuncts, and a comma or colon.
    fn content_start(&self, c: usize, ce: usize, b: usize) -> usize {
        let rules = self.rules;
        let mut r = ce;
        if self.phrase_at(&rules.object_verbs, c, b) == ce - c {
            r = self.skip_hearer(r, b);
        }
        r = self.skip_adjuncts(r, b);
        // "said during a speech at the council that …": a prepositional phrase before "that".
        if r < b && self.is_word(r) && self.rules.prepositions.contains(self.norm(r)) {
            let limit = (r + 12).min(b);
            let stops = |t: usize| {
                self.is(t, "that") || !self.is_word(t) && !self.is_abbreviation_period(t)
            };
            match (r + 1..limit).find(|&t| stops(t)) {
                Some(t) if self.is(t, "that") => r = t,
                // Without "that" the phrase is an adjunct, and the content stands elsewhere.
                _ => return b,
            }
        }
        if r < b && (self.is(r, ",") || self.is(r, ":")) {
            r += 1;
            r = self.skip_adjuncts(r, b);
        }
        r
    }

    fn skip_adjuncts(&self, mut r: usize, b: usize) -> usize {
        loop {
            let n = self.phrase_at(&self.rules.adjuncts, r, b);
            if n == 0 {
                return r;
            }
            r += n;
        }
    }

    fn skip_hearer(&self, r: usize, b: usize) -> usize {
        if r >= b || !self.is_word(r) || self.in_stop(r) {
            return r;
        }
        let mut i = r;
        if self.is_determiner(i) {
            i += 1;
        }
        if i < b && self.is_word(i) && !self.tokens[i].capital && !self.in_stop(i) {
            return i + 1;
        }
        while i < b
            && (self.is_word(i) && self.tokens[i].capital && !self.in_stop(i)
                || self.is_abbreviation_period(i))
        {
            i += 1;
        }
        i
    }

    /// Ends the content before ", according to …", which is a second attribution.
    fn cut_at_according(&self, s: usize, e: usize) -> usize {
        for t in s..e {
            if self.quote_of[t].is_none()
                && self.phrase_at(&self.rules.according, t, e) > 0
                && t > s
                && self.is(t - 1, ",")
            {
                return self.trim_right(s, t);
            }
        }
        e
    }

    /// The noun phrase that ends at token `l` and begins no earlier than `a`.
    fn np_left(&self, l: usize, a: usize) -> usize {
        let rules = self.rules;
        let mut s = l;
        let mut words = 1;
        while s > a {
            let p = s - 1;
            if self.is_word(p) {
                let word = self.norm(p);
                if self.is_determiner(p) && !self.in_stop(p) {
                    s = p;
                    if p > a && self.is(p - 1, "of") && words < rules.max_source_words {
                        continue;
                    }
                    break;
                }
                if self.in_stop(p) {
                    let joins = p > a
                        && self.is_word(p - 1)
                        && !self.in_stop(p - 1)
                        && words < rules.max_source_words
                        && (word == "of"
                            || word == "and"
                                && self.tokens[p - 1].capital
                                && self.tokens[p + 1].capital);
                    if joins {
                        s = p;
                        continue;
                    }
                    break;
                }
                if self.is_pronoun(p) {
                    break;
                }
                words += 1;
                if words > rules.max_source_words {
                    break;
                }
                s = p;
            } else if self.is_abbreviation_period(p) {
                s = p;
            } else {
                break;
            }
        }
        // A phrase never starts with "of"/"and".
        while s < l && self.in_stop(s) {
            s += 1;
        }
        s
    }

    /// `Name, apposition, said` → the name and its apposition, without the last comma.
    fn appositive(&self, comma: usize, a: usize) -> Option<Range> {
        let max = self.rules.max_source_words;
        let mut p = comma;
        let mut words = 0;
        while p > a {
            p -= 1;
            if self.is(p, ",") {
                break;
            }
            if !self.is_word(p) && !self.is_abbreviation_period(p) {
                return None;
            }
            if self.is_word(p) {
                words += 1;
                let cue = self.phrase_at(&self.rules.verbs, p, comma) > 0;
                if words > max || cue {
                    return None;
                }
            }
        }
        if p <= a || !self.is(p, ",") || !self.is_word(p - 1) {
            return None;
        }
        let head = p - 1;
        if !(self.tokens[head].capital || self.is_pronoun(head)) || self.in_stop(head) {
            return None;
        }
        let s = if self.is_pronoun(head) {
            head
        } else {
            self.np_left(head, a)
        };
        Some((s, comma))
    }

    /// A noun phrase right after `r` (past adjuncts), up to a comma or the sentence's end.
    fn np_right(&self, r: usize, b: usize) -> Option<Range> {
        let rules = self.rules;
        let s = self.skip_adjuncts(r, b);
        let mut e = s;
        let mut words = 0;
        while e < b {
            if self.is_word(e) {
                if self.quote_of[e].is_some() {
                    break;
                }
                let w = self.norm(e);
                let first = e == s;
                let allowed = !rules.stop.contains(w)
                    || first && self.is_pronoun(e)
                    || (w == "of" || w == "for" || w == "and" || w == "at")
                        && e + 1 < b
                        && (self.tokens[e + 1].capital || self.is_determiner(e + 1));
                if !allowed || self.phrase_at(&rules.verbs, e, b) > 0 && !first {
                    break;
                }
                words += 1;
                if words > rules.max_source_words {
                    return None;
                }
                e += 1;
            } else if self.is_abbreviation_period(e) || self.is(e, "-") || self.is(e, "&") {
                e += 1;
            } else {
                break;
            }
        }
        let e = self.trim_right(s, e);
        (s < e).then_some((s, e))
    }

    /// `… said Bruce.` / `… said Tammy Bruce, the spokesperson.`: a source that runs from the
    /// cue to the end of the sentence.
    fn np_right_to_end(&self, ce: usize, b: usize) -> Option<Range> {
        let end = self.trim_right(ce, b);
        let (s, e) = self.np_right(ce, end)?;
        if !(self.tokens[s].capital || self.is_determiner(s) || self.is_pronoun(s)) {
            return None;
        }
        if e == end {
            return Some((s, e));
        }
        if self.is(e, ",") {
            let apposition = (e + 1, end);
            let cue = (e + 1..end).any(|t| self.phrase_at(&self.rules.verbs, t, end) > 0);
            let words = self.word_count(apposition);
            if !cue && words > 0 && words <= self.rules.max_source_words {
                return Some((s, end));
            }
        }
        None
    }

    /// The subject at the start of the sentence: a pronoun, or a name with its determiner,
    /// possessives and a speaker noun ("Russia’s foreign ministry").
    fn subject(&self, a: usize, limit: usize) -> Option<Range> {
        let rules = self.rules;
        let mut i = self.trim_left(a, limit);
        while i < limit && self.tokens[i].capital && self.in_stop(i) && !self.is_pronoun(i) {
            i += 1;
            if i < limit && self.is(i, ",") {
                i += 1;
            }
        }
        if i >= limit {
            return None;
        }
        if self.is_pronoun(i) && !rules.relative_pronouns.contains(self.norm(i)) {
            return Some((i, i + 1));
        }
        let s = i;
        if self.is_determiner(i) {
            i += 1;
        }
        let mut named = false;
        while i < limit {
            let name_like = self.is_word(i) && self.tokens[i].capital && !self.in_stop(i);
            if name_like || self.is_abbreviation_period(i) {
                named |= name_like;
                i += 1;
            } else if self.is(i, "of") && i + 1 < limit && self.tokens[i + 1].capital {
                i += 1;
            } else {
                break;
            }
        }
        // Lower-case words up to a speaker noun: "Russia’s foreign ministry".
        let mut j = i;
        let mut last_head = None;
        while j < limit && j < i + 3 && self.is_word(j) && !self.in_stop(j) {
            if rules.heads.contains(self.norm(j)) {
                last_head = Some(j);
            }
            j += 1;
        }
        if let Some(h) = last_head {
            return Some((s, h + 1));
        }
        (named && i > s).then_some((s, i))
    }

    fn finish(
        &self,
        parts: Vec<Range>,
        source: Option<Range>,
        cue: Option<Range>,
    ) -> Option<Found> {
        let parts: Vec<Range> = parts.into_iter().filter(|(s, e)| s < e).collect();
        if parts.is_empty() {
            return None;
        }
        let words: usize = parts.iter().map(|p| self.word_count(*p)).sum();
        if words == 0 || words > self.rules.max_content_words {
            return None;
        }
        let direct = parts.iter().all(|&(s, e)| {
            self.opens_quote(s)
                .is_some_and(|q| self.closes_quote(e - 1) == Some(q) && self.long_quote(q))
        });
        // A relative pronoun stands for the phrase just before its comma.
        let resolved = source.and_then(|(s, e)| {
            let relative = e == s + 1 && self.rules.relative_pronouns.contains(self.norm(s));
            (relative && s >= 2 && self.is(s - 1, ",") && self.tokens[s - 2].capital)
                .then(|| (self.np_left(s - 2, s.saturating_sub(2 + 8)), s - 1))
        });
        Some(Found {
            parts,
            source,
            cue,
            resolved,
            direct,
        })
    }

    /// Whether a source names someone: a capitalised word that is not a pronoun, determiner,
    /// title or common speaker noun.
    fn is_named(&self, (s, e): Range) -> bool {
        let rules = self.rules;
        (s..e).any(|i| {
            let t = &self.tokens[i];
            t.word
                && t.capital
                && !rules.pronouns.contains(&t.norm)
                && !rules.determiners.contains(&t.norm)
                && !rules.heads.contains(&t.norm)
                && !rules.stop.contains(&t.norm)
                && !t.norm.chars().all(|c| c.is_numeric())
        })
    }

    /// Points pronouns and "the spokesperson" to the nearest earlier named source.
    fn resolve(&self, found: &mut [Found]) {
        let rules = self.rules;
        let mut order: Vec<usize> = (0..found.len()).collect();
        order.sort_by_key(|&i| found[i].source.map_or(usize::MAX, |s| s.0));
        let mut last_named: Option<Range> = None;
        let mut last_person: Option<Range> = None;
        for i in order {
            let Some((s, e)) = found[i].source else {
                continue;
            };
            if found[i].resolved.is_some() {
                continue;
            }
            if self.is_named((s, e)) {
                last_named = Some((s, e));
                // A person: no speaker noun before an apposition ("Tammy Bruce, spokesperson").
                let name_end = (s..e).find(|&t| self.is(t, ",")).unwrap_or(e);
                if !(s..name_end).any(|t| rules.heads.contains(self.norm(t))) {
                    last_person = Some((s, e));
                }
                continue;
            }
            let pronoun = e == s + 1
                && self.is_pronoun(s)
                && matches!(self.norm(s), "he" | "she" | "they" | "it")
                || rules.pronouns.contains(self.norm(s))
                    && e == s + 1
                    && !matches!(self.norm(s), "i" | "we" | "you")
                    && !rules.relative_pronouns.contains(self.norm(s));
            let speaker_noun = e > s + 1
                && self.is_determiner(s)
                && rules.heads.contains(self.norm(e - 1))
                && matches!(self.norm(s), "the" | "this" | "that");
            if pronoun && matches!(self.norm(s), "he" | "she") {
                found[i].resolved = last_person.or(last_named);
            } else if pronoun || speaker_noun {
                found[i].resolved = last_named;
            }
        }
    }

    fn span(&self, (s, e): Range) -> Span {
        Span {
            start: self.tokens[s].start,
            end: self.tokens[e - 1].end,
        }
    }

    fn to_attribution(&self, f: Found) -> Option<Attribution> {
        let mut parts: Vec<Span> = f.parts.iter().map(|&p| self.span(p)).collect();
        parts.sort_by_key(|p| (p.start, p.end));
        let content = Span {
            start: parts.first()?.start,
            end: parts.last()?.end,
        };
        Some(Attribution {
            content,
            parts,
            source: f.source.map(|r| self.span(r)),
            cue: f.cue.map(|r| self.span(r)),
            resolved: f.resolved.map(|r| self.span(r)),
            kind: if f.direct {
                AttributionKind::Direct
            } else {
                AttributionKind::Indirect
            },
        })
    }
}
