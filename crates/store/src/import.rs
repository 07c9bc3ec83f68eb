//! Bulk import: many documents in few transactions, each document all-or-nothing.
//!
//! A [`Batch`] holds one write transaction open and commits at [`Batch::checkpoint`] and
//! [`Batch::commit`]; each [`Batch::add`] runs inside a savepoint, so a document that fails
//! (a span off its text, a relation to nowhere) leaves no trace while the batch goes on.
//! What was added since the last commit is not yet durable: callers report a file as imported
//! once a commit covering it has returned.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use claimdesk_core::annotation::CONTEXT_CHARS;
use claimdesk_core::document::sha256_hex;
use claimdesk_core::imported::ImportedDocument;
use claimdesk_core::{Span, TextIndex};

use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::time;

/// What became of a document handed to an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported(i64),
    /// The project already holds this exact text, as the document with this id.
    Duplicate(i64),
}

/// Colours for labels that imports bring in, in turn.
/// The pause between a checkpoint's commit and the next transaction: several times the
/// interval at which a waiting writer tries again.
const LET_OTHERS_IN: std::time::Duration = std::time::Duration::from_millis(10);

const PALETTE: [&str; 8] = [
    "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6",
];

/// An import in progress. Dropping it without [`Batch::commit`] rolls back what was added since
/// the last checkpoint.
pub struct Batch<'p> {
    pub(crate) conn: &'p Connection,
    pub(crate) annotator_id: i64,
    pub(crate) at: String,
    pub(crate) labels: HashMap<String, i64>,
    /// Documents with ids above this are not in the full-text index yet.
    indexed_upto: i64,
    open: bool,
}

impl Project {
    /// Starts a bulk import attributed to `annotator_id` at `now`.
    pub fn begin_import(&mut self, annotator_id: i64, now: DateTime<Utc>) -> Result<Batch<'_>> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let indexed_upto =
            self.conn
                .query_row("SELECT coalesce(max(id), 0) FROM documents", [], |r| {
                    r.get(0)
                })?;
        let mut batch = Batch {
            conn: &self.conn,
            annotator_id,
            at: time::to_sql(now),
            labels: HashMap::new(),
            indexed_upto,
            open: true,
        };
        batch.load_labels()?;
        Ok(batch)
    }

    /// Imports one document (with any annotations it carries) in its own transaction.
    pub fn import_document(
        &mut self,
        doc: &claimdesk_core::NewDocument,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<ImportOutcome> {
        let mut batch = self.begin_import(annotator_id, now)?;
        let outcome = batch.add(&ImportedDocument::plain(doc.clone()))?;
        batch.commit()?;
        Ok(outcome)
    }
}

impl Batch<'_> {
    pub(crate) fn load_labels(&mut self) -> Result<()> {
        let mut stmt = self.conn.prepare_cached("SELECT name, id FROM labels")?;
        self.labels = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(())
    }

    /// Adds one document, all or nothing: on error nothing of it remains and the batch goes on.
    pub fn add(&mut self, doc: &ImportedDocument) -> Result<ImportOutcome> {
        self.conn.execute_batch("SAVEPOINT document")?;
        match self.insert(doc) {
            Ok(outcome) => {
                self.conn.execute_batch("RELEASE document")?;
                Ok(outcome)
            }
            Err(error) => {
                self.conn
                    .execute_batch("ROLLBACK TO document; RELEASE document")?;
                // Labels created for the failed document went with it.
                self.load_labels()?;
                Err(error)
            }
        }
    }

    /// Adds the documents of one file, all or nothing: if any fails, none of them remains.
    pub fn add_all(&mut self, docs: &[ImportedDocument]) -> Result<Vec<ImportOutcome>> {
        self.conn.execute_batch("SAVEPOINT file")?;
        let outcomes: Result<Vec<_>> = docs.iter().map(|doc| self.add(doc)).collect();
        match outcomes {
            Ok(outcomes) => {
                self.conn.execute_batch("RELEASE file")?;
                Ok(outcomes)
            }
            Err(error) => {
                self.conn.execute_batch("ROLLBACK TO file; RELEASE file")?;
                self.load_labels()?;
                Err(error)
            }
        }
    }

    /// Makes everything added so far durable and goes on in a new transaction, after a pause
    /// that lets another program's waiting write (an analyst coding in the app) take its turn.
    pub fn checkpoint(&mut self) -> Result<()> {
        self.flush_index()?;
        self.conn.execute_batch("COMMIT")?;
        std::thread::sleep(LET_OTHERS_IN);
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    /// Makes everything added durable and ends the batch.
    pub fn commit(mut self) -> Result<()> {
        self.flush_index()?;
        self.open = false;
        self.conn.execute_batch("COMMIT")?;
        Ok(())
    }

    /// Adds the documents stored since the last flush to the full-text index, in the same
    /// transaction, so a committed document is always searchable. Outside any savepoint, FTS5
    /// builds its index in memory and writes it once.
    fn flush_index(&mut self) -> Result<()> {
        let newest: i64 =
            self.conn
                .query_row("SELECT coalesce(max(id), 0) FROM documents", [], |r| {
                    r.get(0)
                })?;
        if newest > self.indexed_upto {
            self.conn.execute(
                "INSERT INTO documents_fts (rowid, title, text)
                 SELECT id, title, text FROM documents WHERE id > ?1 ORDER BY id",
                [self.indexed_upto],
            )?;
            self.indexed_upto = newest;
        }
        Ok(())
    }

    pub(crate) fn label_id(&mut self, name: &str) -> Result<i64> {
        if let Some(&id) = self.labels.get(name) {
            return Ok(id);
        }
        let position: i64 = self.conn.query_row(
            "SELECT coalesce(max(position), -1) + 1 FROM labels",
            [],
            |r| r.get(0),
        )?;
        let colour = PALETTE[self.labels.len() % PALETTE.len()];
        self.conn.execute(
            "INSERT INTO labels (name, colour, hotkey, attributes, position) VALUES (?1, ?2, NULL, '[]', ?3)",
            (name, colour, position),
        )?;
        let id = self.conn.last_insert_rowid();
        self.labels.insert(name.to_string(), id);
        Ok(id)
    }

    fn insert(&mut self, imported: &ImportedDocument) -> Result<ImportOutcome> {
        let doc = &imported.document;
        let sha256 = sha256_hex(&doc.text);
        let existing = self
            .conn
            .prepare_cached("SELECT id FROM documents WHERE sha256 = ?1")?
            .query_row([&sha256], |r| r.get(0))
            .optional()?;
        if let Some(id) = existing {
            return Ok(ImportOutcome::Duplicate(id));
        }
        let index = TextIndex::new(&doc.text);
        self.conn
            .prepare_cached(
                "INSERT INTO documents (text, char_count, title, date, source, author, url, language,
                                        metadata, sha256, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute((
                &doc.text,
                index.len(claimdesk_core::Unit::CodePoint) as i64,
                &doc.title,
                doc.date.map(|d| d.to_string()),
                &doc.source,
                &doc.author,
                &doc.url,
                &doc.language,
                serde_json::to_string(&doc.metadata)?,
                &sha256,
                &self.at,
            ))?;
        let document_id = self.conn.last_insert_rowid();

        let mut ids: HashMap<&str, i64> = HashMap::with_capacity(imported.annotations.len());
        for a in &imported.annotations {
            let span = index.check(Span::new(a.start, a.end)?)?;
            if span.is_empty() {
                return Err(StoreError::EmptySpan);
            }
            let (prefix, suffix) = index.context(span, CONTEXT_CHARS)?;
            let label_id = self.label_id(&a.label)?;
            self.conn
                .prepare_cached(
                    "INSERT INTO annotations (document_id, label_id, start, end, quote, prefix, suffix,
                                              attributes, note, annotator_id, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
                )?
                .execute(rusqlite::params![
                    document_id,
                    label_id,
                    span.start() as i64,
                    span.end() as i64,
                    index.slice(span)?,
                    prefix,
                    suffix,
                    serde_json::to_string(&a.attributes)?,
                    a.note,
                    self.annotator_id,
                    self.at,
                ])?;
            if ids
                .insert(a.key.as_str(), self.conn.last_insert_rowid())
                .is_some()
            {
                return Err(StoreError::Import(format!(
                    "two annotations share the key {:?}",
                    a.key
                )));
            }
        }
        for r in &imported.relations {
            let endpoint = |key: &str| {
                ids.get(key).copied().ok_or_else(|| {
                    StoreError::Import(format!("relation {:?} points to unknown {key:?}", r.kind))
                })
            };
            let (from, to) = (endpoint(&r.from)?, endpoint(&r.to)?);
            ensure_relation_type(self.conn, &r.kind)?;
            self.conn
                .prepare_cached(
                    "INSERT INTO relations (kind, from_id, to_id, annotator_id, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute((&r.kind, from, to, self.annotator_id, &self.at))?;
        }
        let payload = serde_json::json!({
            "id": document_id,
            "title": doc.title,
            "sha256": sha256,
            "annotations": imported.annotations.len(),
            "relations": imported.relations.len(),
        });
        self.conn
            .prepare_cached(
                "INSERT INTO events (at, annotator_id, action, kind, document_id, payload)
                 VALUES (?1, ?2, 'import', 'document_imported', ?3, ?4)",
            )?
            .execute((
                &self.at,
                self.annotator_id,
                document_id,
                payload.to_string(),
            ))?;
        Ok(ImportOutcome::Imported(document_id))
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        if self.open {
            // Nothing to report to: the caller is gone. The rollback only fails if the
            // connection is broken, and then SQLite rolls back on close anyway.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// Makes `kind` a relation type if it is not one yet, linking any labels: relations brought in
/// from other tools keep their kinds.
pub(crate) fn ensure_relation_type(conn: &Connection, kind: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO relation_types (name, position)
         VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM relation_types))",
    )?
    .execute([kind])?;
    Ok(())
}
