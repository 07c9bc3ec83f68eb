//! The library: the document list with its filters and sort orders, and full-text search.

use rusqlite::params_from_iter;
use rusqlite::types::Value;

use claimdesk_core::library::{
    find_ignoring_case, snippet_parts, LibraryQuery, SearchHit, SortKey,
};
use claimdesk_core::DocumentSummary;

use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::time;

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
/// [`library_filter`] and [`library_order`] read `FROM` this.
pub(crate) const LIBRARY_FROM: &str = "documents d JOIN document_stats s ON s.document_id = d.id";

/// The `AND …` conditions of a library query, and their parameters. Label and coder filters go
/// through the annotations' indexes: coded documents are few in a large corpus.
pub(crate) fn library_filter(query: &LibraryQuery) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some(label) = query.label_id {
        sql.push_str(" AND d.id IN (SELECT a.document_id FROM annotations a WHERE a.label_id = ?)");
        params.push(label.into());
    }
    if let Some(annotator) = &query.annotator {
        sql.push_str(
            " AND d.id IN (SELECT a.document_id FROM annotations a
                           WHERE a.annotator_id = (SELECT id FROM annotators WHERE name = ?))",
        );
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
        sql.push_str(
            " AND d.id IN (SELECT m.document_id FROM document_set_members m WHERE m.set_id = ?)",
        );
        params.push(set.into());
    }
    (sql, params)
}

/// The `ORDER BY` terms of a library query, written as the indexes of schema version 3 are, so
/// SQLite reads a page straight from the index. Undated documents and those without a source
/// go last either way; ties go by import order.
fn library_order(query: &LibraryQuery) -> &'static str {
    match (query.sort, query.descending) {
        (SortKey::Imported, false) => "d.id",
        (SortKey::Imported, true) => "d.id DESC",
        (SortKey::Title, false) => "d.title COLLATE NOCASE, d.id",
        (SortKey::Title, true) => "d.title COLLATE NOCASE DESC, d.id DESC",
        (SortKey::Date, false) => "d.date IS NULL, d.date, d.id",
        (SortKey::Date, true) => "d.date IS NULL, d.date DESC, d.id DESC",
        (SortKey::Source, false) => "d.source IS NULL, d.source COLLATE NOCASE, d.id",
        (SortKey::Source, true) => "d.source IS NULL, d.source COLLATE NOCASE DESC, d.id DESC",
        (SortKey::Annotations, false) => "s.annotation_count, s.document_id",
        (SortKey::Annotations, true) => "s.annotation_count DESC, s.document_id DESC",
    }
}

impl Project {
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
        let (filter, params) = library_filter(query);
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM {LIBRARY_FROM} WHERE 1 = 1{filter}"),
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
    /// the first page has said how many there are.
    pub fn library_rows(
        &self,
        query: &LibraryQuery,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<DocumentSummary>> {
        let (filter, params) = library_filter(query);
        let sql = format!(
            "SELECT d.id, d.title, d.date, d.source, d.imported_at, s.annotation_count
             FROM {LIBRARY_FROM} WHERE 1 = 1{filter} ORDER BY {} LIMIT ? OFFSET ?",
            library_order(query)
        );
        let mut params = params;
        params.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        params.push(i64::try_from(offset).unwrap_or(i64::MAX).into());
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(params), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (id, title, date, source, imported_at, annotation_count) = row?;
            Ok(DocumentSummary {
                id,
                title,
                date: crate::documents::parse_date(date)?,
                source,
                annotation_count,
                imported_at: time::from_sql(&imported_at)?,
            })
        })
        .collect()
    }

    /// Where document `id` stands in the order `query` gives, if it is among the documents the
    /// query selects: for showing the open document's row in a library read a page at a time.
    pub fn library_position(&self, query: &LibraryQuery, id: i64) -> Result<Option<usize>> {
        let (filter, mut params) = library_filter(query);
        // In import order (the default) the place is a count on the primary key: no need to
        // number every row before it.
        if query.sort == SortKey::Imported {
            let selected: bool = self.conn.query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM {LIBRARY_FROM} WHERE d.id = ?{filter})"),
                params_from_iter(std::iter::once(Value::from(id)).chain(params.iter().cloned())),
                |r| r.get(0),
            )?;
            if !selected {
                return Ok(None);
            }
            let before = if query.descending { ">" } else { "<" };
            params.push(id.into());
            let n: i64 = self.conn.query_row(
                &format!(
                    "SELECT count(*) FROM {LIBRARY_FROM} WHERE 1 = 1{filter} AND d.id {before} ?"
                ),
                params_from_iter(params),
                |r| r.get(0),
            )?;
            return Ok(usize::try_from(n).ok());
        }
        params.push(id.into());
        let sql = format!(
            "SELECT n FROM (SELECT d.id, row_number() OVER (ORDER BY {}) - 1 AS n
                            FROM {LIBRARY_FROM} WHERE 1 = 1{filter})
             WHERE id = ?",
            library_order(query)
        );
        let found = self
            .conn
            .query_row(&sql, params_from_iter(params), |r| r.get::<_, i64>(0));
        match found {
            Ok(n) => Ok(usize::try_from(n).ok()),
            Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether the project holds document `id`.
    pub fn document_exists(&self, id: i64) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM documents WHERE id = ?1)",
            [id],
            |r| r.get(0),
        )?)
    }

    /// Documents matching a full-text query (words, "phrases", prefix*, AND/OR/NOT), best first,
    /// with a snippet around the match and where the first match is.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let query = query.trim();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.title, snippet(documents_fts, 1, char(2), char(3), '…', 16), d.text
             FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
             WHERE documents_fts MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map((query, limit as i64), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        });
        let rows = rows.and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>());
        let rows = rows.map_err(|e| match &e {
            rusqlite::Error::SqliteFailure(f, message)
                if f.code == rusqlite::ErrorCode::Unknown =>
            {
                StoreError::BadSearch(format!("{query:?} ({})", message.as_deref().unwrap_or("")))
            }
            _ => StoreError::from(e),
        })?;
        Ok(rows
            .into_iter()
            .map(|(document_id, title, marked, text)| {
                let snippet = snippet_parts(&marked, OPEN, CLOSE);
                let first_match = snippet
                    .iter()
                    .find(|p| p.hit)
                    .and_then(|p| find_ignoring_case(&text, &p.text));
                SearchHit {
                    document_id,
                    title,
                    snippet,
                    first_match,
                }
            })
            .collect())
    }
}
