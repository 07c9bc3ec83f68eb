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

impl Project {
    /// The documents `query` selects, in its order, without their text.
    pub fn library(&self, query: &LibraryQuery) -> Result<Vec<DocumentSummary>> {
        let mut sql = String::from(
            "SELECT d.id, d.title, d.date, d.source, d.imported_at,
                    (SELECT count(*) FROM annotations a WHERE a.document_id = d.id) AS n
             FROM documents d WHERE 1 = 1",
        );
        let mut params: Vec<Value> = Vec::new();
        if let Some(label) = query.label_id {
            sql.push_str(
                " AND EXISTS (SELECT 1 FROM annotations a WHERE a.document_id = d.id AND a.label_id = ?)",
            );
            params.push(label.into());
        }
        if let Some(annotator) = &query.annotator {
            sql.push_str(
                " AND EXISTS (SELECT 1 FROM annotations a JOIN annotators p ON p.id = a.annotator_id
                              WHERE a.document_id = d.id AND p.name = ?)",
            );
            params.push(annotator.clone().into());
        }
        if let Some(from) = query.date_from {
            sql.push_str(" AND d.date >= ?");
            params.push(from.to_string().into());
        }
        if let Some(to) = query.date_to {
            sql.push_str(" AND d.date <= ?");
            params.push(to.to_string().into());
        }
        if query.unannotated {
            sql.push_str(
                " AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.document_id = d.id)",
            );
        }
        let column = match query.sort {
            SortKey::Imported => "d.id",
            SortKey::Title => "d.title COLLATE NOCASE",
            // Undated documents go last either way.
            SortKey::Date => "d.date IS NULL, d.date",
            SortKey::Source => "d.source IS NULL, d.source COLLATE NOCASE",
            SortKey::Annotations => "n",
        };
        let direction = if query.descending { " DESC" } else { "" };
        let order: Vec<String> = column
            .split(", ")
            .map(|c| {
                if c.ends_with("IS NULL") {
                    c.to_string()
                } else {
                    format!("{c}{direction}")
                }
            })
            .collect();
        sql.push_str(&format!(" ORDER BY {}, d.id{direction}", order.join(", ")));
        let mut stmt = self.conn.prepare(&sql)?;
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
