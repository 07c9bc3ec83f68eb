//! The language data of the attribution finder, read from a small line-based file.
//!
//! The format is documented at the top of `data/en.rules`: comments with `#`, `[section]`
//! headers, comma-separated entries (an entry may be several words), `key = value` lines in
//! `[params]` and `open close` mark pairs in `[quotes]`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Why a rules file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("rules line {line}: unknown section [{name}]; check the spelling against en.rules")]
    UnknownSection { line: usize, name: String },
    #[error("rules line {line}: an entry before any [section] header")]
    NoSection { line: usize },
    #[error("rules line {line}: {reason}")]
    Malformed { line: usize, reason: String },
    #[error("rules file has no [{0}] section; every section of en.rules is required")]
    MissingSection(&'static str),
}

/// Word sequences looked up by their first word, longest first.
#[derive(Debug, Default, Clone)]
pub(crate) struct PhraseSet {
    by_first: HashMap<String, Vec<Vec<String>>>,
}

impl PhraseSet {
    fn insert(&mut self, phrase: &str) {
        let words: Vec<String> = phrase.split_whitespace().map(normalize_word).collect();
        if let Some(first) = words.first() {
            let list = self.by_first.entry(first.clone()).or_default();
            if !list.contains(&words) {
                list.push(words);
                list.sort_by_key(|w| std::cmp::Reverse(w.len()));
            }
        }
    }

    /// The length in words of the longest phrase that `words` starts with.
    pub(crate) fn longest_at<'a>(&self, mut words: impl FnMut(usize) -> Option<&'a str>) -> usize {
        let Some(first) = words(0) else { return 0 };
        let Some(list) = self.by_first.get(first) else {
            return 0;
        };
        list.iter()
            .find(|phrase| {
                phrase
                    .iter()
                    .enumerate()
                    .skip(1)
                    .all(|(i, w)| words(i) == Some(w.as_str()))
            })
            .map_or(0, Vec::len)
    }

    pub(crate) fn contains_word(&self, word: &str) -> bool {
        self.by_first
            .get(word)
            .is_some_and(|list| list.iter().any(|p| p.len() == 1))
    }
}

/// Lower-cases a word and writes the typographic apostrophe as `'`, as tokens are compared.
pub(crate) fn normalize_word(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect()
}

/// The cue lists, word lists, quotation marks and parameters of one language.
#[derive(Debug, Clone)]
pub struct Rules {
    pub(crate) quotes: Vec<(char, char)>,
    pub(crate) verbs: PhraseSet,
    pub(crate) participles: PhraseSet,
    pub(crate) object_verbs: PhraseSet,
    pub(crate) according: PhraseSet,
    pub(crate) adjuncts: PhraseSet,
    pub(crate) auxiliaries: PhraseSet,
    pub(crate) pronouns: HashSet<String>,
    pub(crate) relative_pronouns: HashSet<String>,
    pub(crate) determiners: HashSet<String>,
    pub(crate) stop: HashSet<String>,
    pub(crate) heads: HashSet<String>,
    pub(crate) prepositions: HashSet<String>,
    pub(crate) titles: HashSet<String>,
    pub(crate) abbreviations: HashSet<String>,
    pub(crate) sentence_starters: HashSet<String>,
    pub(crate) min_quote_words: usize,
    pub(crate) max_source_words: usize,
    pub(crate) max_content_words: usize,
    pub(crate) paragraph_continues_quote: bool,
}

const SECTIONS: [&str; 17] = [
    "params",
    "quotes",
    "verbs",
    "participles",
    "object_verbs",
    "according",
    "adjuncts",
    "auxiliaries",
    "pronouns",
    "relative_pronouns",
    "determiners",
    "stop",
    "heads",
    "prepositions",
    "titles",
    "abbreviations",
    "sentence_starters",
];

impl Rules {
    /// The English rules shipped with the crate (`data/en.rules`), parsed once.
    pub fn english() -> &'static Rules {
        static ENGLISH: OnceLock<Rules> = OnceLock::new();
        ENGLISH.get_or_init(|| {
            // The file is part of the crate and checked by its tests; a failure here is a
            // build defect, not a user error.
            Rules::parse(include_str!("../data/en.rules")).expect("data/en.rules is valid")
        })
    }

    /// Parses a rules file in the format of `data/en.rules`.
    pub fn parse(text: &str) -> Result<Rules, RulesError> {
        let mut section: Option<&'static str> = None;
        let mut seen: HashSet<&'static str> = HashSet::new();
        let mut phrases: HashMap<&'static str, PhraseSet> = HashMap::new();
        let mut words: HashMap<&'static str, HashSet<String>> = HashMap::new();
        let mut quotes = Vec::new();
        let mut params: HashMap<String, String> = HashMap::new();

        for (number, raw) in text.lines().enumerate() {
            let line_no = number + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                let name = name.trim();
                let known = SECTIONS.iter().find(|s| **s == name).ok_or_else(|| {
                    RulesError::UnknownSection {
                        line: line_no,
                        name: name.to_string(),
                    }
                })?;
                section = Some(known);
                seen.insert(known);
                continue;
            }
            let current = section.ok_or(RulesError::NoSection { line: line_no })?;
            let malformed = |reason: String| RulesError::Malformed {
                line: line_no,
                reason,
            };
            match current {
                "params" => {
                    let (key, value) = line
                        .split_once('=')
                        .ok_or_else(|| malformed(format!("{line:?} is not `key = value`")))?;
                    params.insert(key.trim().to_string(), value.trim().to_string());
                }
                "quotes" => {
                    for entry in entries(line) {
                        let marks: Vec<char> = entry.chars().filter(|c| *c != ' ').collect();
                        let [open, close] = marks[..] else {
                            return Err(malformed(format!(
                                "quote pair {entry:?} is not two marks separated by a space"
                            )));
                        };
                        quotes.push((open, close));
                    }
                }
                "verbs" | "participles" | "object_verbs" | "according" | "adjuncts"
                | "auxiliaries" => {
                    let set = phrases.entry(current).or_default();
                    for entry in entries(line) {
                        set.insert(entry);
                    }
                }
                _ => {
                    let set = words.entry(current).or_default();
                    for entry in entries(line) {
                        set.insert(normalize_word(entry));
                    }
                }
            }
        }

        for name in &SECTIONS {
            if !seen.contains(name) {
                return Err(RulesError::MissingSection(name));
            }
        }
        let number = |key: &'static str, default: usize| -> Result<usize, RulesError> {
            match params.get(key) {
                None => Ok(default),
                Some(v) => v.parse().map_err(|_| RulesError::Malformed {
                    line: 0,
                    reason: format!("parameter {key} = {v:?} is not a whole number"),
                }),
            }
        };
        let flag = |key: &'static str, default: bool| -> Result<bool, RulesError> {
            match params.get(key).map(String::as_str) {
                None => Ok(default),
                Some("true") => Ok(true),
                Some("false") => Ok(false),
                Some(v) => Err(RulesError::Malformed {
                    line: 0,
                    reason: format!("parameter {key} = {v:?} is neither true nor false"),
                }),
            }
        };
        let mut phrase = |name: &str| phrases.remove(name).unwrap_or_default();
        let verbs = phrase("verbs");
        let participles = phrase("participles");
        let object_verbs = phrase("object_verbs");
        let according = phrase("according");
        let adjuncts = phrase("adjuncts");
        let auxiliaries = phrase("auxiliaries");
        let mut word = |name: &str| words.remove(name).unwrap_or_default();
        Ok(Rules {
            quotes,
            verbs,
            participles,
            object_verbs,
            according,
            adjuncts,
            auxiliaries,
            pronouns: word("pronouns"),
            relative_pronouns: word("relative_pronouns"),
            determiners: word("determiners"),
            stop: word("stop"),
            heads: word("heads"),
            prepositions: word("prepositions"),
            titles: word("titles"),
            abbreviations: word("abbreviations"),
            sentence_starters: word("sentence_starters"),
            min_quote_words: number("min_quote_words", 3)?,
            max_source_words: number("max_source_words", 9)?.max(1),
            max_content_words: number("max_content_words", 220)?.max(1),
            paragraph_continues_quote: flag("paragraph_continues_quote", true)?,
        })
    }
}

fn entries(line: &str) -> impl Iterator<Item = &str> {
    line.split(',').map(str::trim).filter(|e| !e.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_rules_parse_with_every_section() {
        let rules = Rules::english();
        assert!(rules.quotes.contains(&('“', '”')));
        assert!(rules.verbs.contains_word("said"));
        assert!(rules.abbreviations.contains("sen."));
        assert_eq!(rules.min_quote_words, 3);
    }

    #[test]
    fn unknown_section_is_refused_with_its_line() {
        let err = Rules::parse("[params]\n[verb]\nsaid\n").unwrap_err();
        assert_eq!(
            err,
            RulesError::UnknownSection {
                line: 2,
                name: "verb".into()
            }
        );
    }

    #[test]
    fn missing_section_is_refused() {
        let err = Rules::parse("[params]\nmin_quote_words = 2\n").unwrap_err();
        assert_eq!(err, RulesError::MissingSection("quotes"));
    }

    #[test]
    fn phrases_match_longest_first() {
        let mut set = PhraseSet::default();
        set.insert("said");
        set.insert("said in a statement");
        let words = ["said", "in", "a", "statement", "that"];
        assert_eq!(set.longest_at(|i| words.get(i).copied()), 4);
        let words = ["said", "in", "a", "speech"];
        assert_eq!(set.longest_at(|i| words.get(i).copied()), 1);
    }
}
