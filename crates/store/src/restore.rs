//! Restoring Claimdesk's own export: documents with their annotations, relations, entities,
//! annotators and timestamps, as they were.
//!
//! Into a project that has no documents yet, ids are kept and the export's schema replaces the
//! default one, so exporting the restored project gives the same bytes as the export it came
//! from. Into a project with documents, everything gets new ids, labels are matched by name
//! (missing ones are added) and entities by kind and name.

use std::collections::HashMap;

use rusqlite::OptionalExtension;

use claimdesk_core::annotation::CONTEXT_CHARS;
use claimdesk_core::dataset::{DocumentRecord, ProjectInfo};
use claimdesk_core::document::sha256_hex;
use claimdesk_core::{Span, TextIndex, Unit};

use crate::error::{Result, StoreError};
use crate::import::{Batch, ImportOutcome};
use crate::time;

/// What a restore maps from the export's ids and names to this project's.
pub struct Restore {
    keep_ids: bool,
    entities: HashMap<i64, i64>,
    annotators: HashMap<String, i64>,
}

impl Batch<'_> {
    /// Prepares to restore documents of an export with this header: brings in its labels,
    /// entities and annotators.
    pub fn begin_restore(&mut self, header: &ProjectInfo) -> Result<Restore> {
        let documents: i64 = self
            .conn
            .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?;
        let keep_ids = documents == 0;
        if keep_ids && !header.labels.is_empty() {
            // No document means no annotation uses a label: the export's schema replaces ours.
            self.conn.execute("DELETE FROM labels", [])?;
        }
        for (position, label) in header.labels.iter().enumerate() {
            if self.labels.contains_key(&label.name) && !keep_ids {
                continue;
            }
            let hotkey_taken = match &label.hotkey {
                Some(key) => self
                    .conn
                    .query_row("SELECT 1 FROM labels WHERE hotkey = ?1", [key], |_| Ok(()))
                    .optional()?
                    .is_some(),
                None => false,
            };
            let position: i64 = if keep_ids {
                position as i64
            } else {
                self.conn.query_row(
                    "SELECT coalesce(max(position), -1) + 1 FROM labels",
                    [],
                    |r| r.get(0),
                )?
            };
            self.conn.execute(
                "INSERT INTO labels (name, colour, hotkey, attributes, position) VALUES (?1, ?2, ?3, ?4, ?5)",
                (
                    &label.name,
                    &label.colour,
                    label.hotkey.as_ref().filter(|_| !hotkey_taken),
                    serde_json::to_string(&label.attributes)?,
                    position,
                ),
            )?;
        }
        self.load_labels()?;
        self.restore_relation_types(header, keep_ids)?;

        let mut entities = HashMap::new();
        for e in &header.entities {
            let existing: Option<i64> = self
                .conn
                .query_row(
                    "SELECT id FROM entities WHERE kind = ?1 AND name = ?2",
                    (e.kind.name(), &e.name),
                    |r| r.get(0),
                )
                .optional()?;
            let id = match existing {
                Some(id) => id,
                None => {
                    let free = keep_ids
                        && self
                            .conn
                            .query_row("SELECT 1 FROM entities WHERE id = ?1", [e.id], |_| Ok(()))
                            .optional()?
                            .is_none();
                    self.conn.execute(
                        "INSERT INTO entities (id, kind, name, created_at, uid)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        (
                            free.then_some(e.id),
                            e.kind.name(),
                            &e.name,
                            &self.at,
                            crate::uid::or_new(&e.uid),
                        ),
                    )?;
                    self.conn.last_insert_rowid()
                }
            };
            for alias in &e.aliases {
                self.conn.execute(
                    "INSERT OR IGNORE INTO entity_aliases (entity_id, alias) VALUES (?1, ?2)",
                    (id, alias),
                )?;
            }
            entities.insert(e.id, id);
        }

        let mut restore = Restore {
            keep_ids,
            entities,
            annotators: HashMap::new(),
        };
        for name in &header.annotators {
            self.restore_annotator(&mut restore, name)?;
        }
        Ok(restore)
    }

    /// Brings in the export's relation types. In an empty project they replace the defaults
    /// (whose label ids went with the default labels); an export without any gets the defaults.
    fn restore_relation_types(&mut self, header: &ProjectInfo, keep_ids: bool) -> Result<()> {
        if keep_ids && !header.labels.is_empty() {
            self.conn.execute("DELETE FROM relation_types", [])?;
            if header.relation_types.is_empty() {
                // The defaults, as the migration that introduced relation types makes them.
                let defaults = include_str!("migrations/0002_relation_types.sql");
                let inserts = &defaults[defaults.find("INSERT").unwrap_or(defaults.len())..];
                self.conn.execute_batch(inserts)?;
                return Ok(());
            }
        }
        for t in &header.relation_types {
            let ids = |names: &[String]| -> Vec<i64> {
                names
                    .iter()
                    .filter_map(|n| self.labels.get(n).copied())
                    .collect()
            };
            self.conn.execute(
                "INSERT OR IGNORE INTO relation_types (name, from_labels, to_labels, position)
                 VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), -1) + 1 FROM relation_types))",
                (
                    &t.name,
                    serde_json::to_string(&ids(&t.from_labels))?,
                    serde_json::to_string(&ids(&t.to_labels))?,
                ),
            )?;
        }
        Ok(())
    }

    fn restore_annotator(&mut self, restore: &mut Restore, name: &str) -> Result<i64> {
        if let Some(&id) = restore.annotators.get(name) {
            return Ok(id);
        }
        if name.trim().is_empty() {
            return Err(StoreError::EmptyAnnotatorName);
        }
        self.conn.execute(
            "INSERT INTO annotators (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            (name, &self.at),
        )?;
        let id = self
            .conn
            .query_row("SELECT id FROM annotators WHERE name = ?1", [name], |r| {
                r.get(0)
            })?;
        restore.annotators.insert(name.to_string(), id);
        Ok(id)
    }

    /// Restores one document, all or nothing.
    pub fn restore(
        &mut self,
        restore: &mut Restore,
        doc: &DocumentRecord,
    ) -> Result<ImportOutcome> {
        self.conn.execute_batch("SAVEPOINT document")?;
        match self.insert_record(restore, doc) {
            Ok(outcome) => {
                self.conn.execute_batch("RELEASE document")?;
                Ok(outcome)
            }
            Err(error) => {
                self.conn
                    .execute_batch("ROLLBACK TO document; RELEASE document")?;
                self.load_labels()?;
                Err(error)
            }
        }
    }

    fn insert_record(
        &mut self,
        restore: &mut Restore,
        doc: &DocumentRecord,
    ) -> Result<ImportOutcome> {
        let invalid = |what: String| StoreError::Import(format!("document {}: {what}", doc.id));
        let sha256 = sha256_hex(&doc.text);
        if !doc.sha256.is_empty() && doc.sha256 != sha256 {
            return Err(invalid(
                "the text does not match its sha256; was it edited?".into(),
            ));
        }
        let existing = self
            .conn
            .prepare_cached("SELECT id FROM documents WHERE sha256 = ?1")?
            .query_row([&sha256], |r| r.get(0))
            .optional()?;
        if let Some(id) = existing {
            return Ok(ImportOutcome::Duplicate(id));
        }
        let newest: i64 =
            self.conn
                .query_row("SELECT coalesce(max(id), 0) FROM documents", [], |r| {
                    r.get(0)
                })?;
        // Ids only ever grow, so the full-text index catches every new document.
        let keep = restore.keep_ids && doc.id > newest;
        let index = TextIndex::new(&doc.text);
        let document_id = crate::rows::insert_document(
            self.conn,
            &crate::rows::DocumentRow {
                id: keep.then_some(doc.id),
                text: &doc.text,
                char_count: index.len(Unit::CodePoint) as i64,
                title: &doc.title,
                date: doc.date.map(|d| d.to_string()).as_deref(),
                source: doc.source.as_deref(),
                author: doc.author.as_deref(),
                url: doc.url.as_deref(),
                language: doc.language.as_deref(),
                metadata: &serde_json::to_string(&doc.metadata)?,
                sha256: &sha256,
                imported_at: &time::to_sql(doc.imported_at),
            },
        )?;

        let mut ids: HashMap<i64, i64> = HashMap::with_capacity(doc.annotations.len());
        for a in &doc.annotations {
            let span = index.check(Span::new(a.start, a.end)?)?;
            if span.is_empty() {
                return Err(StoreError::EmptySpan);
            }
            let quote = index.slice(span)?;
            if quote != a.quote {
                return Err(invalid(format!(
                    "annotation {}: offsets {}..{} give {quote:?}, not its quote {:?}",
                    a.id, a.start, a.end, a.quote
                )));
            }
            let (prefix, suffix) = index.context(span, CONTEXT_CHARS)?;
            let label_id = self.label_id(&a.label)?;
            let entity_id = match a.entity_id {
                None => None,
                Some(id) => Some(*restore.entities.get(&id).ok_or_else(|| {
                    invalid(format!(
                        "annotation {} refers to entity {id}, which the header lacks",
                        a.id
                    ))
                })?),
            };
            let annotator_id = self.restore_annotator(restore, &a.annotator)?;
            let id = crate::rows::insert_annotation(
                self.conn,
                &crate::rows::AnnotationRow {
                    id: keep.then_some(a.id),
                    uid: &crate::uid::or_new(&a.uid),
                    document_id,
                    label_id,
                    start: a.start as i64,
                    end: a.end as i64,
                    quote,
                    prefix,
                    suffix,
                    attributes: &serde_json::to_string(&a.attributes)?,
                    note: a.note.as_deref(),
                    entity_id,
                    annotator_id,
                    created_at: &time::to_sql(a.created_at),
                    updated_at: &time::to_sql(a.updated_at),
                },
            )?;
            if ids.insert(a.id, id).is_some() {
                return Err(invalid(format!("two annotations share the id {}", a.id)));
            }
        }
        for r in &doc.relations {
            let endpoint = |id: i64| {
                ids.get(&id).copied().ok_or_else(|| {
                    invalid(format!(
                        "relation {} points to annotation {id}, not in this document",
                        r.id
                    ))
                })
            };
            let (from, to) = (endpoint(r.from_id)?, endpoint(r.to_id)?);
            crate::import::ensure_relation_type(self.conn, &r.kind)?;
            let annotator_id = self.restore_annotator(restore, &r.annotator)?;
            crate::rows::insert_relation(
                self.conn,
                &crate::rows::RelationRow {
                    id: keep.then_some(r.id),
                    uid: &crate::uid::or_new(&r.uid),
                    kind: &r.kind,
                    from_id: from,
                    to_id: to,
                    annotator_id,
                    created_at: &time::to_sql(r.created_at),
                },
            )?;
        }
        let payload = serde_json::json!({
            "id": document_id,
            "title": doc.title,
            "sha256": sha256,
            "annotations": doc.annotations.len(),
            "relations": doc.relations.len(),
            "restored_from": doc.id,
        });
        self.log("document_imported", Some(document_id), &payload)?;
        Ok(ImportOutcome::Imported(document_id))
    }

    /// Opens an all-or-nothing group of documents (one file); see [`Batch::end_group`].
    pub fn begin_group(&mut self) -> Result<()> {
        self.conn.execute_batch("SAVEPOINT file")?;
        Ok(())
    }

    /// Keeps (`keep`) or drops everything since [`Batch::begin_group`].
    pub fn end_group(&mut self, keep: bool) -> Result<()> {
        if keep {
            self.conn.execute_batch("RELEASE file")?;
        } else {
            self.conn.execute_batch("ROLLBACK TO file; RELEASE file")?;
            self.load_labels()?;
        }
        Ok(())
    }
}
