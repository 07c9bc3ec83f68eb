//! The library: its queries and pages, full-text search hits, and samples.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use claimdesk_core::library::{LibraryQuery, SearchHit, SnippetPart, SortKey};

use super::documents::DocumentSummaryDto;
use crate::args::{iso_date, shown, MAX_NAME_BYTES, MAX_SEARCH_BYTES};
use crate::error::ErrorDto;

/// A page of the library: its rows, where they start, and how many documents the query selects.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LibraryPageDto {
    /// Null when the call did not ask to count (scrolling, once the total is known).
    pub total: Option<usize>,
    pub offset: usize,
    pub rows: Vec<DocumentSummaryDto>,
}

impl From<claimdesk_store::LibraryPage> for LibraryPageDto {
    fn from(page: claimdesk_store::LibraryPage) -> LibraryPageDto {
        LibraryPageDto {
            total: Some(page.total),
            offset: page.offset,
            rows: page.rows.into_iter().map(Into::into).collect(),
        }
    }
}

/// What the document list shows: filters and order.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LibraryQueryDto {
    #[serde(default)]
    pub label_id: Option<i64>,
    #[serde(default)]
    pub annotator: Option<String>,
    #[serde(default)]
    pub date_from: Option<String>,
    #[serde(default)]
    pub date_to: Option<String>,
    #[serde(default)]
    pub unannotated: bool,
    /// imported, title, date, source or annotations.
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub descending: bool,
    /// Only the documents of this sample.
    #[serde(default)]
    pub set_id: Option<i64>,
}

impl LibraryQueryDto {
    pub fn into_query(self) -> Result<LibraryQuery, ErrorDto> {
        let bad = ErrorDto::bad_request;
        let date = |value: Option<String>, what: &str| -> Result<Option<NaiveDate>, ErrorDto> {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => iso_date(v)
                    .map(Some)
                    .ok_or_else(|| bad(format!("the {what} date {} is not YYYY-MM-DD", shown(v)))),
            }
        };
        let sort = match self.sort.as_deref().unwrap_or("imported") {
            "imported" => SortKey::Imported,
            "title" => SortKey::Title,
            "date" => SortKey::Date,
            "source" => SortKey::Source,
            "annotations" => SortKey::Annotations,
            other => return Err(bad(format!("cannot sort by {}", shown(other)))),
        };
        if self
            .annotator
            .as_ref()
            .is_some_and(|a| a.len() > MAX_NAME_BYTES)
        {
            return Err(ErrorDto::too_large(
                "the annotator name",
                MAX_NAME_BYTES,
                "bytes",
            ));
        }
        Ok(LibraryQuery {
            label_id: self.label_id,
            annotator: self.annotator.filter(|a| !a.trim().is_empty()),
            date_from: date(self.date_from, "from")?,
            date_to: date(self.date_to, "to")?,
            unannotated: self.unannotated,
            sort,
            descending: self.descending,
            set_id: self.set_id,
        })
    }
}

/// A document matching a full-text search, with where its first match is (UTF-16).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHitDto {
    pub document_id: i64,
    pub title: String,
    pub snippet: Vec<SnippetPart>,
    pub first_match16: Option<usize>,
    pub first_match_end16: Option<usize>,
}

impl SearchHitDto {
    /// The match in UTF-16, as the store found it.
    pub fn new(hit: SearchHit) -> SearchHitDto {
        SearchHitDto {
            document_id: hit.document_id,
            title: hit.title,
            snippet: hit.snippet,
            first_match16: hit.first_match16.as_ref().map(|m| m.start),
            first_match_end16: hit.first_match16.as_ref().map(|m| m.end),
        }
    }
}

/// The first page of a full-text search: `matches` documents match (at least that many when
/// `more`);
/// the hits are best first when `ranked`, else the newest imported first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResultsDto {
    pub hits: Vec<SearchHitDto>,
    pub matches: usize,
    pub more: bool,
    pub ranked: bool,
}

/// A sample to draw: from the library's filter (and a search), how many, the seed, the strata.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SampleRequestDto {
    pub name: String,
    pub query: LibraryQueryDto,
    #[serde(default)]
    pub search: Option<String>,
    pub size: usize,
    pub seed: u64,
    /// none, source, month or metadata (with `stratumKey`).
    #[serde(default)]
    pub strata: Option<String>,
    #[serde(default)]
    pub stratum_key: Option<String>,
}

impl SampleRequestDto {
    pub fn into_spec(self) -> Result<(String, claimdesk_store::SampleSpec), ErrorDto> {
        use claimdesk_store::Strata;
        if self.name.len() > MAX_NAME_BYTES {
            return Err(ErrorDto::too_large(
                "the sample's name",
                MAX_NAME_BYTES,
                "bytes",
            ));
        }
        if self
            .search
            .as_ref()
            .is_some_and(|s| s.len() > MAX_SEARCH_BYTES)
        {
            return Err(ErrorDto::too_large("the search", MAX_SEARCH_BYTES, "bytes"));
        }
        let key = self.stratum_key.unwrap_or_default();
        if key.len() > MAX_NAME_BYTES {
            return Err(ErrorDto::too_large(
                "the metadata field",
                MAX_NAME_BYTES,
                "bytes",
            ));
        }
        let strata = match self.strata.as_deref().unwrap_or("none") {
            "none" | "" => None,
            "source" => Some(Strata::Source),
            "month" => Some(Strata::Month),
            "metadata" => Some(Strata::Metadata(key)),
            other => {
                return Err(ErrorDto::bad_request(format!(
                    "cannot stratify by {}",
                    shown(other)
                )))
            }
        };
        let spec = claimdesk_store::SampleSpec {
            query: self.query.into_query()?,
            search: self.search.filter(|s| !s.trim().is_empty()),
            size: self.size,
            seed: self.seed,
            strata,
        };
        Ok((self.name, spec))
    }
}

/// A sample as the library lists it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SampleDto {
    pub id: i64,
    pub name: String,
    pub documents: usize,
    pub seed: u64,
    pub size: usize,
    pub strata: Option<String>,
    pub created_at: String,
}

impl From<claimdesk_store::DocumentSet> for SampleDto {
    fn from(set: claimdesk_store::DocumentSet) -> SampleDto {
        use claimdesk_store::Strata;
        SampleDto {
            id: set.id,
            name: set.name,
            documents: set.documents,
            seed: set.spec.seed,
            size: set.spec.size,
            strata: set.spec.strata.map(|s| match s {
                Strata::Source => "source".into(),
                Strata::Month => "month".into(),
                Strata::Metadata(key) => format!("metadata: {key}"),
            }),
            created_at: set.created_at.to_rfc3339(),
        }
    }
}

/// A sample just drawn: the set, what it was drawn from, and how many of each stratum.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DrawnSampleDto {
    pub sample: SampleDto,
    pub candidates: usize,
    pub strata: std::collections::BTreeMap<String, usize>,
}

impl From<claimdesk_store::DrawnSample> for DrawnSampleDto {
    fn from(drawn: claimdesk_store::DrawnSample) -> DrawnSampleDto {
        DrawnSampleDto {
            sample: drawn.set.into(),
            candidates: drawn.candidates,
            strata: drawn.strata,
        }
    }
}
