//! Generated corrected articles, with where every annotation truly belongs after the correction.
//!
//! An article is written from sentences about named actors (names repeat, as in real news, so a
//! short quote is often found in more than one place) and coded: each actor's name and each
//! claim is a span. Then it is corrected the ways articles are: sentences inserted and deleted,
//! whitespace reflowed, straight and curly quotes swapped, a paragraph moved, typos fixed inside
//! words. Every character remembers the character of the original it came from, so the truth is
//! known: a span belongs over the characters that came from its own, or nowhere if they are gone.

#![allow(dead_code)]

/// A small deterministic generator (splitmix64): the same seed, the same articles.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const ACTORS: &[&str] = &[
    "Tammy Bruce",
    "Marco Rubio",
    "Sergei Lavrov",
    "the State Department",
    "Kremlin spokesman Dmitry Peskov",
    "Volodymyr Zelensky",
    "the European Commission",
    "Mohammed bin Salman",
    "Keith Kellogg",
    "NATO",
    "Ursula von der Leyen",
    "Olaf Scholz",
    "Antony Blinken",
    "Emmanuel Macron",
    "the Foreign Ministry in Moscow",
    "Yuri Ushakov",
    "Andriy Yermak",
    "Mark Rutte",
    "Kaja Kallas",
    "the White House press office",
    "Steve Witkoff",
    "Faisal bin Farhan",
    "Maria Zakharova",
    "Donald Tusk",
];

const CUES: &[&str] = &[
    "said",
    "told reporters",
    "added",
    "warned",
    "argued",
    "insisted",
    "claimed",
    "stressed",
    "wrote on X",
    "told the BBC",
    "suggested",
    "conceded",
];

/// Claims are a subject and a predicate, so the same one rarely comes twice in an article.
const SUBJECTS: &[&str] = &[
    "the delegation",
    "Washington",
    "Moscow",
    "Kyiv",
    "the European Union",
    "the ceasefire plan",
    "the energy deal",
    "the sanctions regime",
    "the next round",
    "the peace framework",
    "the prisoner exchange",
    "the Black Sea corridor",
];

const CLAIMS: &[&str] = &[
    "the talks in Riyadh would continue next week",
    "no agreement was possible without Ukraine at the table",
    "sanctions would stay in place until a ceasefire",
    "the meeting had been constructive",
    "Europe must spend more on its own defence",
    "the embassy staff would return to Moscow",
    "any deal had to respect international law",
    "the negotiations were only a first step",
    "a summit could take place before the summer",
    "the United States wanted a lasting peace",
    "the proposal was unacceptable",
    "prisoners would be exchanged within days",
];

/// What makes each claim its own: real claims rarely repeat word for word.
const DETAILS: &[&str] = &[
    "by the end of March",
    "in Geneva",
    "within thirty days",
    "after the election",
    "despite the objections of Kyiv",
    "according to the draft",
    "if the ceasefire holds",
    "before the G20 summit",
    "at the request of Washington",
    "for the first time since 2022",
    "unless Moscow changed course",
    "as early as Thursday",
    "with the support of Saudi Arabia",
    "in a phone call on Sunday",
    "once the prisoners were released",
    "in spite of the sanctions",
];

const PREDICATES: &[&str] = &[
    "would not be rushed",
    "had already been agreed",
    "was still under discussion",
    "could collapse",
    "deserved more credit",
    "was the only way forward",
    "would be reviewed",
    "had been misrepresented",
    "needed guarantees",
    "was moving too slowly",
    "would cost billions",
    "had support in Congress",
];

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const FILLER: &[&str] = &[
    "The meeting took place in the Diriyah Palace.",
    "Delegations arrived on Tuesday morning.",
    "Reporters waited outside for several hours.",
    "Oil prices rose slightly after the announcement.",
    "It was the first such meeting in three years.",
    "The talks lasted four and a half hours.",
];

/// One character of a text and the index of the original character it came from.
#[derive(Clone, Copy)]
struct Char {
    c: char,
    origin: Option<u32>,
}

/// A generated article: its text, its spans, and its paragraphs and sentences as ranges.
pub struct Article {
    chars: Vec<Char>,
    /// Spans of the original text, code points.
    pub spans: Vec<(usize, usize)>,
}

impl Article {
    /// Writes an article of about `size` characters.
    pub fn write(rng: &mut Rng, size: usize) -> Article {
        let mut text = String::new();
        let mut spans = Vec::new();
        while text.chars().count() < size {
            let sentences = 2 + rng.below(4);
            for s in 0..sentences {
                if s > 0 {
                    text.push(' ');
                }
                let mut add = |text: &mut String, piece: &str, coded: bool| {
                    let start = text.chars().count();
                    text.push_str(piece);
                    if coded {
                        spans.push((start, start + piece.chars().count()));
                    }
                };
                let actor = rng.pick(ACTORS);
                let cue = rng.pick(CUES);
                let day = 1 + rng.below(28);
                let month = rng.pick(MONTHS);
                let claim = &match rng.below(2) {
                    0 => format!(
                        "{} {} (as of {day} {month})",
                        rng.pick(CLAIMS),
                        rng.pick(DETAILS)
                    ),
                    _ => format!(
                        "{} {} {}",
                        rng.pick(SUBJECTS),
                        rng.pick(PREDICATES),
                        rng.pick(DETAILS)
                    ),
                };
                match rng.below(4) {
                    0 => {
                        add(&mut text, &capitalise(actor), true);
                        add(&mut text, &format!(" {cue} that "), false);
                        add(&mut text, claim, true);
                        add(&mut text, ".", false);
                    }
                    1 => {
                        add(&mut text, "\"", false);
                        add(&mut text, &capitalise(claim), true);
                        add(&mut text, ",\" ", false);
                        add(&mut text, actor, true);
                        add(&mut text, &format!(" {cue}."), false);
                    }
                    2 => {
                        add(&mut text, "According to ", false);
                        add(&mut text, actor, true);
                        add(&mut text, ", ", false);
                        add(&mut text, claim, true);
                        add(&mut text, ".", false);
                    }
                    _ => {
                        let filler = rng.pick(FILLER);
                        let detail = rng.pick(DETAILS);
                        add(
                            &mut text,
                            &format!("{} {detail}.", filler.trim_end_matches('.')),
                            false,
                        );
                    }
                }
            }
            text.push_str("\n\n");
        }
        let chars = text
            .chars()
            .enumerate()
            .map(|(i, c)| Char {
                c,
                origin: Some(i as u32),
            })
            .collect();
        Article { chars, spans }
    }

    pub fn text(&self) -> String {
        self.chars.iter().map(|c| c.c).collect()
    }

    /// Sentence ranges (a sentence ends at ". " or a paragraph break).
    fn sentences(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 0..self.chars.len() {
            let end_of_sentence =
                self.chars[i].c == '.' && self.chars.get(i + 1).is_none_or(|n| n.c.is_whitespace());
            if end_of_sentence {
                out.push((start, i + 1));
                start = i + 1;
                while start < self.chars.len() && self.chars[start].c.is_whitespace() {
                    start += 1;
                }
            }
        }
        out
    }

    fn paragraphs(&self) -> Vec<(usize, usize)> {
        let text: Vec<char> = self.chars.iter().map(|c| c.c).collect();
        let mut out = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i + 1 < text.len() {
            if text[i] == '\n' && text[i + 1] == '\n' {
                out.push((start, i + 2));
                start = i + 2;
                i += 2;
            } else {
                i += 1;
            }
        }
        out
    }

    /// Applies `n` corrections of the kinds news articles get.
    pub fn correct(&mut self, rng: &mut Rng, n: usize) {
        for _ in 0..n {
            match rng.below(7) {
                0 => self.insert_sentence(rng),
                1 => self.delete_sentence(rng),
                2 => self.reflow(rng),
                3 => self.swap_quotes(),
                4 => self.move_paragraph(rng),
                _ => self.fix_typo(rng),
            }
        }
    }

    fn insert_sentence(&mut self, rng: &mut Rng) {
        let sentences = self.sentences();
        let Some(&(_, at)) = sentences.get(rng.below(sentences.len().max(1))) else {
            return;
        };
        let sentence = format!(
            " {} {}.",
            rng.pick(FILLER).trim_end_matches('.'),
            rng.pick(DETAILS)
        );
        let new = sentence.chars().map(|c| Char { c, origin: None });
        self.chars.splice(at..at, new);
    }

    fn delete_sentence(&mut self, rng: &mut Rng) {
        let sentences = self.sentences();
        if sentences.len() < 2 {
            return;
        }
        let (start, end) = sentences[rng.below(sentences.len())];
        // The sentence and the space after it.
        let end = if self.chars.get(end).is_some_and(|c| c.c == ' ') {
            end + 1
        } else {
            end
        };
        self.chars.drain(start..end);
    }

    fn reflow(&mut self, rng: &mut Rng) {
        // Paragraph breaks become single line breaks or spaces, or spaces double.
        let kind = rng.below(3);
        let mut i = 0;
        while i + 1 < self.chars.len() {
            let here = (self.chars[i].c, self.chars[i + 1].c);
            match (kind, here) {
                (0, ('\n', '\n')) => {
                    self.chars.remove(i + 1);
                }
                (1, ('\n', '\n')) => {
                    self.chars[i].c = ' ';
                    self.chars.remove(i + 1);
                }
                (2, (' ', c)) if c != ' ' && rng.chance(10) => {
                    self.chars.insert(
                        i,
                        Char {
                            c: ' ',
                            origin: None,
                        },
                    );
                    i += 1;
                }
                _ => {}
            }
            i += 1;
        }
    }

    fn swap_quotes(&mut self) {
        let mut open = true;
        for ch in &mut self.chars {
            ch.c = match ch.c {
                '"' => {
                    open = !open;
                    if open {
                        '”'
                    } else {
                        '“'
                    }
                }
                '“' | '”' => '"',
                '\'' => '’',
                '’' => '\'',
                c => c,
            };
        }
    }

    fn move_paragraph(&mut self, rng: &mut Rng) {
        let paragraphs = self.paragraphs();
        if paragraphs.len() < 3 {
            return;
        }
        let (start, end) = paragraphs[rng.below(paragraphs.len())];
        let moved: Vec<Char> = self.chars.drain(start..end).collect();
        let paragraphs = self.paragraphs();
        let at = paragraphs[rng.below(paragraphs.len())].1;
        self.chars.splice(at..at, moved);
    }

    fn fix_typo(&mut self, rng: &mut Rng) {
        // A letter inside a word of five or more letters is doubled, dropped or replaced.
        for _ in 0..20 {
            let i = 2 + rng.below(self.chars.len().saturating_sub(4).max(1));
            let word = |k: usize| self.chars.get(k).is_some_and(|c| c.c.is_alphabetic());
            if !(word(i - 2) && word(i - 1) && word(i) && word(i + 1) && word(i + 2)) {
                continue;
            }
            match rng.below(3) {
                0 => self.chars.insert(
                    i,
                    Char {
                        c: self.chars[i].c,
                        origin: None,
                    },
                ),
                1 => {
                    self.chars.remove(i);
                }
                _ => self.chars[i].c = if self.chars[i].c == 'e' { 'a' } else { 'e' },
            }
            return;
        }
    }

    /// Where each original span truly is now: over the characters that came from it, or
    /// nowhere if fewer than half of them are left.
    pub fn truth(&self) -> Vec<Option<(usize, usize)>> {
        let mut at = std::collections::HashMap::new();
        for (i, ch) in self.chars.iter().enumerate() {
            if let Some(o) = ch.origin {
                at.insert(o as usize, i);
            }
        }
        self.spans
            .iter()
            .map(|&(start, end)| {
                let kept: Vec<usize> = (start..end).filter_map(|o| at.get(&o).copied()).collect();
                if kept.len() * 2 < end - start {
                    return None;
                }
                let (lo, hi) = (*kept.iter().min()?, *kept.iter().max()?);
                // A span torn apart (its halves moved apart) has no one true place.
                (hi + 1 - lo <= (end - start) * 2).then_some((lo, hi + 1))
            })
            .collect()
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What re-anchoring did, against the truth.
#[derive(Default, Debug)]
pub struct Tally {
    /// Spans with a true place.
    pub placeable: usize,
    /// Of those, placed exactly there.
    pub exact: usize,
    /// Of those, left orphaned.
    pub orphaned: usize,
    /// Spans whose text is gone.
    pub gone: usize,
    /// Of those, rightly orphaned.
    pub gone_orphaned: usize,
    /// Placed somewhere that is not their true place (a span with no true place counts too).
    pub wrong: usize,
}

impl Tally {
    pub fn add(&mut self, truth: &[Option<(usize, usize)>], placed: &[Option<(usize, usize)>]) {
        for (truth, placed) in truth.iter().zip(placed) {
            match (truth, placed) {
                (Some(t), Some(p)) if t == p => {
                    self.placeable += 1;
                    self.exact += 1;
                }
                (Some(_), Some(_)) => {
                    self.placeable += 1;
                    self.wrong += 1;
                }
                (Some(_), None) => {
                    self.placeable += 1;
                    self.orphaned += 1;
                }
                (None, None) => {
                    self.gone += 1;
                    self.gone_orphaned += 1;
                }
                (None, Some(_)) => {
                    self.gone += 1;
                    self.wrong += 1;
                }
            }
        }
    }

    pub fn exact_share(&self) -> f64 {
        self.exact as f64 / self.placeable.max(1) as f64
    }
}
