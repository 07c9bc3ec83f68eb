//! Suggestions crossing to the webview: each span in code points and in UTF-16, with its text;
//! edited boundaries coming back in UTF-16, converted on the document's text.

use serde::{Deserialize, Serialize};

use claimdesk_core::suggestion::{SuggestedSpan, Suggestion, SuggestionKind};
use claimdesk_core::{Span, TextIndex, Unit};
use claimdesk_store::{Fold, OpenSuggestion, SuggestOptions, SuggestRun};

use crate::error::ErrorDto;

/// A span of a suggestion.
#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SuggestedSpanDto {
    pub start: usize,
    pub end: usize,
    pub start16: usize,
    pub end16: usize,
    pub quote: String,
}

/// One open suggestion.
#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SuggestionDto {
    pub key: String,
    /// `attribution` or `mention`.
    pub kind: &'static str,
    pub quoted: bool,
    pub content: Option<SuggestedSpanDto>,
    pub source: Option<SuggestedSpanDto>,
    pub cue: Option<SuggestedSpanDto>,
    /// The earlier name a pronoun source stands for.
    pub resolved: Option<SuggestedSpanDto>,
    pub entity_id: Option<i64>,
    pub entity_name: Option<String>,
}

/// A document's open suggestions.
#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SuggestionsDto {
    pub document_id: i64,
    pub items: Vec<SuggestionDto>,
    /// Why the finder could not read the document (then there are no items).
    pub unread: Option<String>,
    /// After an acceptance: why the claim and its source were not linked, if they were not.
    pub unlinked: Option<String>,
}

impl SuggestionsDto {
    pub fn new(
        document_id: i64,
        text: &str,
        open: Vec<OpenSuggestion>,
    ) -> Result<SuggestionsDto, ErrorDto> {
        let index = TextIndex::new(text);
        let span = |at: Option<SuggestedSpan>,
                    quote: Option<String>|
         -> Result<Option<SuggestedSpanDto>, ErrorDto> {
            let (Some(at), Some(quote)) = (at, quote) else {
                return Ok(None);
            };
            let (start16, end16) = index.span_in(Span::new(at.start, at.end)?, Unit::Utf16)?;
            Ok(Some(SuggestedSpanDto {
                start: at.start,
                end: at.end,
                start16,
                end16,
                quote,
            }))
        };
        let items = open
            .into_iter()
            .map(|s| {
                Ok(SuggestionDto {
                    kind: s.suggestion.kind.name(),
                    quoted: s.suggestion.quoted,
                    content: span(s.suggestion.content, s.content_quote)?,
                    source: span(s.suggestion.source, s.source_quote)?,
                    cue: span(s.suggestion.cue, s.cue_quote)?,
                    resolved: span(s.suggestion.resolved, s.resolved_quote)?,
                    entity_id: s.suggestion.entity_id,
                    entity_name: s.entity_name,
                    key: s.key,
                })
            })
            .collect::<Result<_, ErrorDto>>()?;
        Ok(SuggestionsDto {
            document_id,
            items,
            unread: None,
            unlinked: None,
        })
    }
}

/// What to find, and how names match.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SuggestOptionsDto {
    /// `attribution`, `mention`; default both.
    #[serde(default)]
    pub kinds: Option<Vec<String>>,
    /// `exact`, `case` (default) or `diacritics`.
    #[serde(default)]
    pub fold: Option<String>,
}

impl SuggestOptionsDto {
    pub fn options(&self) -> Result<SuggestOptions, ErrorDto> {
        let mut options = SuggestOptions::default();
        if let Some(kinds) = &self.kinds {
            if kinds.len() > 2 {
                return Err(ErrorDto::bad_request("there are two kinds of suggestion"));
            }
            options.kinds = kinds
                .iter()
                .map(|k| {
                    SuggestionKind::from_name(k).ok_or_else(|| {
                        ErrorDto::bad_request(format!(
                            "there is no kind of suggestion {}; say attribution or mention",
                            crate::args::shown(k)
                        ))
                    })
                })
                .collect::<Result<_, _>>()?;
        }
        options.fold = match self.fold.as_deref() {
            None | Some("case") => Fold::Case,
            Some("exact") => Fold::None,
            Some("diacritics") => Fold::CaseAndDiacritics,
            Some(other) => {
                return Err(ErrorDto::bad_request(format!(
                    "names match exact, case or diacritics, not {}",
                    crate::args::shown(other)
                )))
            }
        };
        Ok(options)
    }
}

/// Run the finder on one document.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SuggestRequestDto {
    pub document_id: i64,
    /// Run the finder (default), or only read what the last run kept.
    #[serde(default = "yes")]
    pub run: bool,
    #[serde(default)]
    pub options: Option<SuggestOptionsDto>,
}

fn yes() -> bool {
    true
}

/// Accept (with boundaries as edited) or reject one suggestion.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SuggestionDecisionDto {
    pub document_id: i64,
    pub key: String,
    /// The content's boundaries as edited, UTF-16.
    #[serde(default)]
    pub content16: Option<(usize, usize)>,
    /// The source's boundaries as edited, UTF-16.
    #[serde(default)]
    pub source16: Option<(usize, usize)>,
}

impl SuggestionDecisionDto {
    /// The found suggestion with the edited boundaries, converted to code points on `text`;
    /// `None` when nothing was edited.
    pub fn edited(&self, text: &str, found: &Suggestion) -> Result<Option<Suggestion>, ErrorDto> {
        if self.content16.is_none() && self.source16.is_none() {
            return Ok(None);
        }
        let index = TextIndex::new(text);
        let convert = |at: (usize, usize)| -> Result<SuggestedSpan, ErrorDto> {
            let span = index.span_from_utf16(at.0, at.1)?;
            Ok(SuggestedSpan {
                start: span.start(),
                end: span.end(),
            })
        };
        let mut edited = found.clone();
        if let Some(at) = self.content16 {
            if found.content.is_none() {
                return Err(ErrorDto::bad_request("a mention has no content to edit"));
            }
            edited.content = Some(convert(at)?);
        }
        if let Some(at) = self.source16 {
            edited.source = Some(convert(at)?);
        }
        Ok(Some(edited))
    }
}

/// Progress of a run over documents.
#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SuggestProgressDto {
    pub done: usize,
    pub total: usize,
}

/// How a run over documents ended.
#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SuggestResultDto {
    pub documents: usize,
    /// Documents the finder could not read.
    pub unread: usize,
    pub found: usize,
    pub open: usize,
    pub cancelled: bool,
    pub error: Option<ErrorDto>,
}

impl SuggestResultDto {
    pub fn new(result: Result<SuggestRun, ErrorDto>) -> SuggestResultDto {
        match result {
            Ok(run) => SuggestResultDto {
                documents: run.documents,
                unread: run.unread,
                found: run.found,
                open: run.open,
                cancelled: run.cancelled,
                error: None,
            },
            Err(error) => SuggestResultDto {
                documents: 0,
                unread: 0,
                found: 0,
                open: 0,
                cancelled: false,
                error: Some(error),
            },
        }
    }
}
