//! Coders: who coded which documents, the curated layer, assignments and blind mode.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::rows::{coder_from_row, StoredCoder, CODER_COLUMNS, CODER_WITH_COUNTS_COLUMNS};
use crate::time;

/// The name the curated layer (the adjudicated version) goes by.
pub const CURATED: &str = "curated";

/// The project setting that hides other coders' work until a document is adjudicated.
const BLIND_MODE: &str = "blind_mode";

/// One coder of the project, with how much they coded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Coder {
    pub id: i64,
    pub name: String,
    /// True for the curated layer.
    pub curated: bool,
    pub annotations: i64,
    /// Documents with at least one of the coder's annotations.
    pub documents: i64,
    /// Documents assigned to the coder, and how many of those they marked done.
    pub assigned: i64,
    pub done: i64,
}

impl Project {
    /// Everyone who has worked on the project, with their counts, in the order they joined.
    pub fn coders(&self) -> Result<Vec<Coder>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {CODER_WITH_COUNTS_COLUMNS} FROM annotators c ORDER BY c.id"
        ))?;
        let coders = stmt
            .query_map([], coder_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(coders)
    }

    /// The id of the coder called `name`, or [`StoreError::UnknownCoder`].
    pub fn coder_id(&self, name: &str) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT id FROM annotators WHERE name = ?1",
                [name.trim()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::UnknownCoder(name.trim().to_string()))
    }

    /// The curated layer's coder id, made on first use. Refused when a person already goes by
    /// the curated layer's name.
    pub fn curated_coder(&mut self, now: DateTime<Utc>) -> Result<i64> {
        let tx = self.conn.transaction()?;
        let id = curated_coder(&tx, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// For each document with annotations by at least `at_least` of `coders`, those coders,
    /// in document order. A coder counts for a document when they annotated it or marked their
    /// assignment of it done (having found nothing to code is coding too).
    pub fn coded_documents(
        &self,
        coders: &[i64],
        at_least: usize,
    ) -> Result<BTreeMap<i64, Vec<i64>>> {
        let mut by_document: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT document_id FROM annotations WHERE annotator_id = ?1
             UNION SELECT document_id FROM assignments
             WHERE annotator_id = ?1 AND done_at IS NOT NULL",
        )?;
        for &coder in coders {
            for document in stmt.query_map([coder], |r| r.get::<_, i64>(0))? {
                by_document.entry(document?).or_default().push(coder);
            }
        }
        by_document.retain(|_, who| who.len() >= at_least);
        Ok(by_document)
    }

    /// Whether blind mode is on: each coder sees only their own annotations on documents not
    /// yet adjudicated.
    pub fn blind_mode(&self) -> Result<bool> {
        blind_mode(&self.conn)
    }

    /// Turns blind mode on or off.
    pub fn set_blind_mode(&mut self, on: bool) -> Result<()> {
        self.conn.execute(
            "INSERT INTO project_settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (BLIND_MODE, if on { "true" } else { "false" }),
        )?;
        Ok(())
    }

    /// A setting that travels with the project file (a JSON value), if set.
    pub fn setting(&self, key: &str) -> Result<Option<serde_json::Value>> {
        let value: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM project_settings WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        Ok(value.map(|v| serde_json::from_str(&v)).transpose()?)
    }

    /// Sets a setting that travels with the project file.
    pub fn set_setting(&mut self, key: &str, value: &serde_json::Value) -> Result<()> {
        self.conn.execute(
            "INSERT INTO project_settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value.to_string()),
        )?;
        Ok(())
    }

    /// Assigns documents to a coder (again assigning one already assigned changes nothing).
    pub fn assign(&mut self, coder: i64, documents: &[i64], now: DateTime<Utc>) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut added = 0;
        for &document in documents {
            let exists = tx
                .prepare_cached("SELECT 1 FROM documents WHERE id = ?1")?
                .exists([document])?;
            if !exists {
                return Err(StoreError::UnknownDocument(document));
            }
            added += tx
                .prepare_cached(
                    "INSERT INTO assignments (annotator_id, document_id, assigned_at)
                     VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                )?
                .execute((coder, document, time::to_sql(now)))?;
        }
        tx.commit()?;
        Ok(added)
    }

    /// Refuses with [`StoreError::UnknownDocument`] if any of the documents is not in the
    /// project.
    pub fn check_documents(&self, documents: &[i64]) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM documents WHERE id = ?1")?;
        for &document in documents {
            if !stmt.exists([document])? {
                return Err(StoreError::UnknownDocument(document));
            }
        }
        Ok(())
    }

    /// The documents of a sample (document set), by id.
    pub fn set_documents(&self, set_id: i64) -> Result<Vec<i64>> {
        self.document_set(set_id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT document_id FROM document_set_members WHERE set_id = ?1 ORDER BY document_id",
        )?;
        let ids = stmt
            .query_map([set_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// Marks a coder's assigned document done, or not done again.
    pub fn mark_done(
        &mut self,
        coder: i64,
        document: i64,
        done: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE assignments SET done_at = ?3 WHERE annotator_id = ?1 AND document_id = ?2",
            (coder, document, done.then(|| time::to_sql(now))),
        )?;
        if changed == 0 {
            return Err(StoreError::BadCoder(format!(
                "document {document} is not assigned to this coder"
            )));
        }
        Ok(())
    }

    /// Whether the coder marked the document done.
    pub fn is_done(&self, coder: i64, document: i64) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM assignments
                 WHERE annotator_id = ?1 AND document_id = ?2 AND done_at IS NOT NULL",
            )?
            .exists((coder, document))?)
    }

    /// Whether a document's disagreements have been adjudicated.
    pub fn adjudicated(&self, document: i64) -> Result<bool> {
        adjudicated(&self.conn, document)
    }

    /// The coders assigned to the document who have not marked it done, by name. In blind
    /// mode its disagreements stay closed until this is empty, so nobody sees another coder's
    /// work before their own is finished.
    pub fn not_done(&self, document: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.name FROM assignments s JOIN annotators c ON c.id = s.annotator_id
             WHERE s.document_id = ?1 AND s.done_at IS NULL ORDER BY c.name",
        )?;
        let names = stmt.query_map([document], |r| r.get("name"))?;
        Ok(names.collect::<rusqlite::Result<_>>()?)
    }
}

/// Whether the document is adjudicated (see [`Project::adjudicated`]).
pub(crate) fn adjudicated(conn: &rusqlite::Connection, document: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM adjudications WHERE document_id = ?1")?
        .exists([document])?)
}

/// A coder's name.
pub(crate) fn name_of(conn: &rusqlite::Connection, id: i64) -> Result<String> {
    conn.query_row("SELECT name FROM annotators WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| StoreError::BadCoder(format!("there is no coder {id}")))
}

/// Whether blind mode is on (see [`Project::blind_mode`]), read in `conn`.
pub(crate) fn blind_mode(conn: &rusqlite::Connection) -> Result<bool> {
    let value: Option<String> = conn
        .query_row(
            "SELECT value FROM project_settings WHERE key = ?1",
            [BLIND_MODE],
            |r| r.get(0),
        )
        .optional()?;
    Ok(value.as_deref() == Some("true"))
}

/// The curated layer's coder id, registered on first use (within the caller's transaction).
pub(crate) fn curated_coder(conn: &rusqlite::Connection, now: DateTime<Utc>) -> Result<i64> {
    let found = conn
        .query_row(
            &format!("SELECT {CODER_COLUMNS} FROM annotators WHERE name = ?1"),
            [CURATED],
            StoredCoder::from_row,
        )
        .optional()?;
    match found {
        Some(coder) if coder.kind == "curated" => Ok(coder.id),
        Some(_) => Err(StoreError::BadCoder(format!(
            "a coder is called {CURATED:?}; rename them before adjudicating"
        ))),
        None => {
            conn.execute(
                "INSERT INTO annotators (name, created_at, kind) VALUES (?1, ?2, 'curated')",
                (CURATED, time::to_sql(now)),
            )?;
            Ok(conn.last_insert_rowid())
        }
    }
}
