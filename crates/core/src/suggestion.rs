//! Suggestions: statements and mentions the finder proposes before the analyst codes them.
//!
//! A suggestion is not an annotation. It becomes annotations (owned by the coder who accepts
//! it) only when accepted; a rejected one stays rejected for that coder. Both decisions are
//! keyed by [`Suggestion::key`], which depends on what was found and where, so the same finding
//! in a later run is recognised as the one already decided.

use serde::{Deserialize, Serialize};

/// What a suggestion proposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    /// A statement: its content (a Claim), its source (an Actor) and the `said_by` link; the
    /// cue too where the schema has a Cue label.
    Attribution,
    /// A known actor named in the text: an Actor span linked to that entity.
    Mention,
}

impl SuggestionKind {
    pub fn name(self) -> &'static str {
        match self {
            SuggestionKind::Attribution => "attribution",
            SuggestionKind::Mention => "mention",
        }
    }

    pub fn from_name(name: &str) -> Option<SuggestionKind> {
        match name {
            "attribution" | "attributions" => Some(SuggestionKind::Attribution),
            "mention" | "mentions" => Some(SuggestionKind::Mention),
            _ => None,
        }
    }
}

/// A span of a suggestion, in code points, end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SuggestedSpan {
    pub start: usize,
    pub end: usize,
}

/// One proposal of the finder in one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    /// What was said (an attribution's content), proposed as a Claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<SuggestedSpan>,
    /// Who said it, or the actor mentioned, proposed as an Actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SuggestedSpan>,
    /// The reporting words ("said", "according to"), proposed where the schema has a Cue label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<SuggestedSpan>,
    /// The earlier name a pronoun or "the spokesperson" source stands for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<SuggestedSpan>,
    /// The entity the source names (a mention's entity, or an attribution whose source is a
    /// known actor's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    /// Whether the content is a direct quote.
    #[serde(default)]
    pub quoted: bool,
}

impl Suggestion {
    /// The key decisions are kept under: the kind and the spans it proposes (and a mention's
    /// entity). An analyst's edit of the boundaries does not change the key of what was found.
    pub fn key(&self) -> String {
        let span = |s: Option<SuggestedSpan>| match s {
            Some(s) => format!("{}-{}", s.start, s.end),
            None => "-".to_string(),
        };
        match self.kind {
            SuggestionKind::Attribution => {
                format!("a:{}:{}", span(self.content), span(self.source))
            }
            SuggestionKind::Mention => format!(
                "m:{}:{}",
                span(self.source),
                self.entity_id.map_or("-".to_string(), |e| e.to_string())
            ),
        }
    }

    /// Where the suggestion begins in the text, for ordering.
    pub fn start(&self) -> usize {
        [self.content, self.source, self.cue]
            .iter()
            .flatten()
            .map(|s| s.start)
            .min()
            .unwrap_or(0)
    }
}

/// What a coder decided about a suggestion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionDecision {
    Accepted,
    Rejected,
}

impl SuggestionDecision {
    pub fn name(self) -> &'static str {
        match self {
            SuggestionDecision::Accepted => "accepted",
            SuggestionDecision::Rejected => "rejected",
        }
    }

    pub fn from_name(name: &str) -> Option<SuggestionDecision> {
        match name {
            "accepted" => Some(SuggestionDecision::Accepted),
            "rejected" => Some(SuggestionDecision::Rejected),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: usize, end: usize) -> Option<SuggestedSpan> {
        Some(SuggestedSpan { start, end })
    }

    #[test]
    fn keys_name_kind_and_spans_and_survive_json() {
        let s = Suggestion {
            kind: SuggestionKind::Attribution,
            content: at(10, 40),
            source: at(0, 5),
            cue: at(6, 10),
            resolved: None,
            entity_id: None,
            quoted: true,
        };
        assert_eq!(s.key(), "a:10-40:0-5");
        assert_eq!(s.start(), 0);
        let m = Suggestion {
            kind: SuggestionKind::Mention,
            content: None,
            source: at(3, 9),
            cue: None,
            resolved: None,
            entity_id: Some(7),
            quoted: false,
        };
        assert_eq!(m.key(), "m:3-9:7");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Suggestion>(&json).unwrap(), s);
        assert_eq!(
            SuggestionKind::from_name("mentions"),
            Some(SuggestionKind::Mention)
        );
        assert_eq!(
            SuggestionDecision::from_name("rejected"),
            Some(SuggestionDecision::Rejected)
        );
    }
}
