//! The library: lists of documents — all of them, or the ones a query selects, a page at a
//! time with their count, in a sort order, and where one of them stands in it — and
//! full-text search. One document's own row and text are `documents.rs`'s.

use std::time::{Duration, Instant};

use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension};

use claimdesk_core::library::{
    find_ignoring_case, snippet_parts, LibraryQuery, SearchHit, SearchPage, SortKey,
};
use claimdesk_core::DocumentSummary;

use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::rows::{summary_from_row, SUMMARY_COLUMNS};

/// How long a search counts its matches before answering the newest first without a full count.
const COUNT_BUDGET: Duration = Duration::from_millis(60);

/// Marks around matches in FTS5 snippets; control characters never occur in a title or query.
const OPEN: char = '\u{2}';
const CLOSE: char = '\u{3}';

/// A page of the library: the rows from `offset`, and how many documents the query selects.
#[derive(Clone, Debug, PartialEq)]
pub struct LibraryPage {
    pub total: usize,
    pub offset: usize,
    pub rows: Vec<DocumentSummary>,
}

/// What the library reads from: the documents with their kept annotation counts. Queries using
/// [`library_filter`] with [`LIBRARY_ID`] read `FROM` this.
pub(crate) const LIBRARY_FROM: &str = "documents d JOIN document_stats s ON s.document_id = d.id";
pub(crate) const LIBRARY_ID: &str = "d.id";

/// The tables a library query needs, and the column naming the document. A query that sorts
/// and filters on neither the documents' columns nor their counts reads `document_stats`
/// alone: a row of two integers per document, where a row of `documents` holds a whole text,
/// so walking a million of them (counting, or skipping to a page far down) reads megabytes
/// instead of gigabytes.
struct Source {
    from: &'static str,
    id: &'static str,
}

fn library_source(query: &LibraryQuery) -> Source {
    let documents = query.date_from.is_some()
        || query.date_to.is_some()
        || matches!(query.sort, SortKey::Title | SortKey::Date | SortKey::Source);
    let stats = query.unannotated || query.sort == SortKey::Annotations;
    match (documents, stats) {
        (true, true) => Source {
            from: LIBRARY_FROM,
            id: LIBRARY_ID,
        },
        (true, false) => Source {
            from: "documents d",
            id: "d.id",
        },
        (false, _) => Source {
            from: "document_stats s",
            id: "s.document_id",
        },
    }
}

/// The `AND …` conditions of a library query on documents named by the column `id`, and their
/// parameters. Label and coder filters go through the annotations' indexes: coded documents
/// are few in a large corpus.
pub(crate) fn library_filter(query: &LibraryQuery, id: &str) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some(label) = query.label_id {
        sql.push_str(&format!(
            " AND {id} IN (SELECT a.document_id FROM annotations a WHERE a.label_id = ?)"
        ));
        params.push(label.into());
    }
    if let Some(annotator) = &query.annotator {
        sql.push_str(&format!(
            " AND {id} IN (SELECT a.document_id FROM annotations a
                           WHERE a.annotator_id = (SELECT id FROM annotators WHERE name = ?))"
        ));
        params.push(annotator.clone().into());
    }
    // Written with the leading term of the date indexes, `date IS NULL`, so they can seek.
    if let Some(from) = query.date_from {
        sql.push_str(" AND (d.date IS NULL) = 0 AND d.date >= ?");
        params.push(from.to_string().into());
    }
    if let Some(to) = query.date_to {
        sql.push_str(" AND (d.date IS NULL) = 0 AND d.date <= ?");
        params.push(to.to_string().into());
    }
    if query.unannotated {
        sql.push_str(" AND s.annotation_count = 0");
    }
    if let Some(set) = query.set_id {
        sql.push_str(&format!(
            " AND {id} IN (SELECT m.document_id FROM document_set_members m WHERE m.set_id = ?)"
        ));
        params.push(set.into());
    }
    (sql, params)
}

/// The `ORDER BY` terms of a library query on documents named by `id`, written as the indexes
/// of schema version 3 are, so SQLite reads a page straight from an index. Undated documents
/// and those without a source go last either way; ties go by import order.
fn library_order(query: &LibraryQuery, id: &str) -> String {
    match (query.sort, query.descending) {
        (SortKey::Imported, false) => id.to_string(),
        (SortKey::Imported, true) => format!("{id} DESC"),
        (SortKey::Title, false) => "d.title COLLATE NOCASE, d.id".into(),
        (SortKey::Title, true) => "d.title COLLATE NOCASE DESC, d.id DESC".into(),
        (SortKey::Date, false) => "d.date IS NULL, d.date, d.id".into(),
        (SortKey::Date, true) => "d.date IS NULL, d.date DESC, d.id DESC".into(),
        (SortKey::Source, false) => "d.source IS NULL, d.source COLLATE NOCASE, d.id".into(),
        (SortKey::Source, true) => {
            "d.source IS NULL, d.source COLLATE NOCASE DESC, d.id DESC".into()
        }
        (SortKey::Annotations, false) => "s.annotation_count, s.document_id".into(),
        (SortKey::Annotations, true) => "s.annotation_count DESC, s.document_id DESC".into(),
    }
}

impl Project {
    /// The document whose text has this sha256 digest, if the project has it.
    pub fn document_by_sha256(&self, sha256: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM documents WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Every document's id, in import order.
    pub fn document_ids(&self) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM documents ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// All documents, without their text, in import order.
    pub fn documents(&self) -> Result<Vec<DocumentSummary>> {
        self.library_rows(&LibraryQuery::default(), 0, usize::MAX)
    }

    /// The documents `query` selects, in its order, without their text.
    pub fn library(&self, query: &LibraryQuery) -> Result<Vec<DocumentSummary>> {
        Ok(self.library_page(query, 0, usize::MAX)?.rows)
    }

    /// One page of the documents `query` selects (`limit` rows from `offset`, in its order) and
    /// how many it selects in all. Sorting, filtering and counting happen in SQL on indexes
    /// (schema version 3), so a page of a million-document library costs about what a page of
    /// a small one does.
    pub fn library_page(
        &self,
        query: &LibraryQuery,
        offset: usize,
        limit: usize,
    ) -> Result<LibraryPage> {
        let source = library_source(query);
        let (filter, params) = library_filter(query, source.id);
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM {} WHERE 1 = 1{filter}", source.from),
            params_from_iter(params.iter()),
            |r| r.get(0),
        )?;
        let rows = self.library_rows(query, offset, limit)?;
        Ok(LibraryPage {
            total: usize::try_from(total).unwrap_or(0),
            offset,
            rows,
        })
    }

    /// The rows of a page without counting the whole selection: what scrolling asks for, once
    /// the first page has said how many there are. The page's documents are found on the
    /// indexes alone (skipping `offset` index entries, not `offset` rows with their texts),
    /// then read one by one.
    pub fn library_rows(
        &self,
        query: &LibraryQuery,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<DocumentSummary>> {
        let source = library_source(query);
        let (filter, mut params) = library_filter(query, source.id);
        let sql = format!(
            "SELECT {} FROM {} WHERE 1 = 1{filter} ORDER BY {} LIMIT ? OFFSET ?",
            source.id,
            source.from,
            library_order(query, source.id)
        );
        params.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        params.push(i64::try_from(offset).unwrap_or(i64::MAX).into());
        let ids = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(params), |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        let mut row = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM {LIBRARY_FROM} WHERE d.id = ?1"
        ))?;
        ids.into_iter()
            .map(|id| row.query_row([id], |r| Ok(summary_from_row(r)))?)
            .collect()
    }

    /// The ids of every document `query` selects, in its order: a library filter as the scope
    /// of an analysis or an export.
    pub fn library_ids(&self, query: &LibraryQuery) -> Result<Vec<i64>> {
        let source = library_source(query);
        let (filter, params) = library_filter(query, source.id);
        let sql = format!(
            "SELECT {} FROM {} WHERE 1 = 1{filter} ORDER BY {}",
            source.id,
            source.from,
            library_order(query, source.id)
        );
        let ids = self
            .conn
            .prepare(&sql)?
            .query_map(params_from_iter(params), |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// Where document `id` stands in the order `query` gives, if it is among the documents the
    /// query selects: for showing the open document's row in a library read a page at a time.
    /// The place is a count of the documents before it in that order, on the order's index (a
    /// tenth of a second for the last of a million), not a numbering of every row.
    pub fn library_position(&self, query: &LibraryQuery, id: i64) -> Result<Option<usize>> {
        let source = library_source(query);
        let (filter, params) = library_filter(query, source.id);
        let (from, column) = (source.from, source.id);
        let selected: bool = self.conn.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM {from} WHERE {column} = ?{filter})"),
            params_from_iter(std::iter::once(Value::from(id)).chain(params.iter().cloned())),
            |r| r.get(0),
        )?;
        if !selected {
            return Ok(None);
        }
        let before = if query.descending { ">" } else { "<" };
        // The sort key as stored, and as compared (with its collation); whether it may be NULL
        // (such documents come last in either direction).
        let (stored, compared, nullable) = match query.sort {
            SortKey::Imported => ("", "", false),
            SortKey::Title => ("d.title", "d.title COLLATE NOCASE", false),
            SortKey::Date => ("d.date", "d.date", true),
            SortKey::Source => ("d.source", "d.source COLLATE NOCASE", true),
            SortKey::Annotations => ("s.annotation_count", "s.annotation_count", false),
        };
        let mut params = params;
        let condition = if query.sort == SortKey::Imported {
            params.push(id.into());
            format!("{column} {before} ?")
        } else {
            let key: Value = self.conn.query_row(
                &format!("SELECT {stored} FROM {LIBRARY_FROM} WHERE d.id = ?1"),
                [id],
                |r| r.get(0),
            )?;
            if key == Value::Null {
                // After every document with the key, and among those without it by import order.
                params.push(id.into());
                format!("({compared} IS NOT NULL OR {column} {before} ?)")
            } else {
                params.push(key);
                params.push(id.into());
                let not_null = if nullable {
                    format!("{compared} IS NOT NULL AND ")
                } else {
                    String::new()
                };
                format!("{not_null}({compared}, {column}) {before} (?, ?)")
            }
        };
        let n: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM {from} WHERE 1 = 1{filter} AND {condition}"),
            params_from_iter(params),
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).ok())
    }

    /// Documents matching a full-text query (words, "phrases", prefix*, AND/OR/NOT), best first,
    /// with a snippet around the match and where the first match is.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        Ok(self.search_page(query, limit)?.hits)
    }

    /// The first `limit` documents matching a full-text query, and how many match: best first
    /// when at most [`SearchPage::RANKED_UP_TO`] do and counting them was quick, else the newest
    /// imported first (see [`SearchPage::ranked`]).
    pub fn search_page(&self, query: &str, limit: usize) -> Result<SearchPage> {
        let query = query.trim();
        if query.is_empty() {
            return Ok(SearchPage {
                hits: Vec::new(),
                matches: 0,
                complete: true,
                ranked: true,
            });
        }
        let bad_search = |e: rusqlite::Error| match &e {
            rusqlite::Error::SqliteFailure(f, message)
                if f.code == rusqlite::ErrorCode::Unknown =>
            {
                StoreError::BadSearch(format!("{query:?} ({})", message.as_deref().unwrap_or("")))
            }
            _ => StoreError::from(e),
        };
        // Counted a row at a time, for at most COUNT_BUDGET: a phrase of common words is
        // checked in every document holding the words, which takes as long as the corpus is big.
        let deadline = Instant::now() + COUNT_BUDGET;
        let mut counted = 0usize;
        let mut complete = true;
        {
            let mut probe = self
                .conn
                .prepare_cached(
                    "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1 LIMIT ?2",
                )
                .map_err(bad_search)?;
            let mut rows = probe
                .query((query, SearchPage::RANKED_UP_TO as i64 + 1))
                .map_err(bad_search)?;
            while rows.next().map_err(bad_search)?.is_some() {
                counted += 1;
                if Instant::now() > deadline {
                    complete = false;
                    break;
                }
            }
        }
        complete &= counted <= SearchPage::RANKED_UP_TO;
        let ranked = complete;
        let order = if ranked {
            "rank"
        } else {
            "documents_fts.rowid DESC"
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT d.id AS id, d.title AS title,
                    snippet(documents_fts, 1, char(2), char(3), '…', 16) AS marked,
                    d.text AS text
             FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
             WHERE documents_fts MATCH ?1 ORDER BY {order} LIMIT ?2"
        ))?;
        let rows = stmt.query_map((query, limit as i64), |r| {
            // A search hit is no table's row: its columns are read by name here.
            Ok((
                r.get::<_, i64>("id")?,
                r.get::<_, String>("title")?,
                r.get::<_, String>("marked")?,
                r.get::<_, String>("text")?,
            ))
        });
        let rows = rows
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(bad_search)?;
        let hits: Vec<SearchHit> = rows
            .into_iter()
            .map(|(document_id, title, marked, text)| {
                let snippet = snippet_parts(&marked, OPEN, CLOSE);
                let first_match = snippet
                    .iter()
                    .find(|p| p.hit)
                    .and_then(|p| find_ignoring_case(&text, &p.text));
                let first_match16 = first_match.as_ref().map(|m| {
                    let mut units = text.chars().map(char::len_utf16);
                    let start: usize = units.by_ref().take(m.start).sum();
                    start..start + units.take(m.end - m.start).sum::<usize>()
                });
                SearchHit {
                    document_id,
                    title,
                    snippet,
                    first_match,
                    first_match16,
                }
            })
            .collect();
        // Fewer hits than asked for are all there are.
        let complete = complete || hits.len() < limit;
        let matches = if complete && !ranked {
            hits.len()
        } else {
            counted.max(hits.len()).min(SearchPage::RANKED_UP_TO)
        };
        Ok(SearchPage {
            hits,
            matches,
            complete,
            ranked,
        })
    }
}
