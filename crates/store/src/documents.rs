//! One document: its row, whether it exists, its text (whole, or up to a span for UTF-16
//! offsets), and the project's labels. Lists of documents — pages, filters, sort orders and
//! full-text search — are the library's (`library.rs`); imports are `import.rs`'s.

use rusqlite::OptionalExtension;

use claimdesk_core::{Document, Label};

use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::rows::{document_from_row, label_from_row, DOCUMENT_COLUMNS, LABEL_COLUMNS};

impl Project {
    /// One document with its text.
    pub fn document(&self, id: i64) -> Result<Document> {
        self.conn
            .query_row(
                &format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?1"),
                [id],
                |r| Ok(document_from_row(r)),
            )
            .optional()?
            .ok_or(StoreError::UnknownDocument(id))?
    }

    /// Whether the project holds document `id`.
    pub fn document_exists(&self, id: i64) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM documents WHERE id = ?1)",
            [id],
            |r| r.get(0),
        )?)
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

/// The project's labels, in schema order.
pub(crate) fn read_labels(conn: &rusqlite::Connection) -> Result<Vec<Label>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LABEL_COLUMNS} FROM labels ORDER BY position, id"
    ))?;
    let rows = stmt.query_map([], |r| Ok(label_from_row(r)))?;
    rows.map(|row| row?).collect()
}
