//! Documents and labels: importing and reading.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row};

use claimdesk_core::library::LibraryQuery;
use claimdesk_core::{Document, DocumentSummary, Label};

use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::time;

impl Project {
    /// All documents, without their text, in import order.
    pub fn documents(&self) -> Result<Vec<DocumentSummary>> {
        self.library_rows(&LibraryQuery::default(), 0, usize::MAX)
    }

    /// One document with its text.
    pub fn document(&self, id: i64) -> Result<Document> {
        self.conn
            .query_row(
                "SELECT id, text, title, date, source, author, url, language, metadata, sha256,
                        imported_at
                 FROM documents WHERE id = ?1",
                [id],
                |r| Ok(read_document(r)),
            )
            .optional()?
            .ok_or(StoreError::UnknownDocument(id))?
    }

    /// A span's offsets in UTF-16 code units (for a webview), reading the text only up to the
    /// span's end.
    pub fn utf16_span(&self, document_id: i64, start: usize, end: usize) -> Result<(usize, usize)> {
        let head: String = self
            .conn
            .query_row(
                "SELECT substr(text, 1, ?2) FROM documents WHERE id = ?1",
                (document_id, end as i64),
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::UnknownDocument(document_id))?;
        let mut units = head.chars().map(char::len_utf16);
        let start16: usize = units.by_ref().take(start).sum();
        Ok((start16, start16 + units.sum::<usize>()))
    }

    /// Just the text of a document.
    pub fn document_text(&self, id: i64) -> Result<String> {
        read_text(&self.conn, id)
    }

    /// The project's labels, in schema order.
    pub fn labels(&self) -> Result<Vec<Label>> {
        read_labels(&self.conn)
    }
}

/// A document's text, or [`StoreError::UnknownDocument`].
pub(crate) fn read_text(conn: &rusqlite::Connection, id: i64) -> Result<String> {
    conn.query_row("SELECT text FROM documents WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or(StoreError::UnknownDocument(id))
}

pub(crate) fn read_labels(conn: &rusqlite::Connection) -> Result<Vec<Label>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, colour, hotkey, attributes FROM labels ORDER BY position, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    rows.map(|row| {
        let (id, name, colour, hotkey, attributes) = row?;
        Ok(Label {
            id,
            name,
            colour,
            hotkey,
            attributes: serde_json::from_str(&attributes)?,
        })
    })
    .collect()
}

pub(crate) fn parse_date(date: Option<String>) -> Result<Option<NaiveDate>> {
    date.map(|d| {
        NaiveDate::parse_from_str(&d, "%Y-%m-%d")
            .map_err(|e| StoreError::Corrupt(format!("bad document date {d:?}: {e}")))
    })
    .transpose()
}

pub(crate) fn read_document(r: &Row<'_>) -> Result<Document> {
    Ok(Document {
        id: r.get(0)?,
        text: r.get(1)?,
        title: r.get(2)?,
        date: parse_date(r.get(3)?)?,
        source: r.get(4)?,
        author: r.get(5)?,
        url: r.get(6)?,
        language: r.get(7)?,
        metadata: serde_json::from_str(&r.get::<_, String>(8)?)?,
        sha256: r.get(9)?,
        imported_at: time::from_sql(&r.get::<_, String>(10)?)?,
    })
}
