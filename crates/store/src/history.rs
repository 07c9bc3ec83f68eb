//! The event log and undo/redo.
//!
//! Each edit appends a `do` event carrying its [`Change`] and goes on the undo stack, clearing
//! the redo stack. Undo pops the undo stack, applies the inverse change, appends an `undo` event
//! and pushes the edit onto the redo stack; redo does the reverse. All of it happens in the same
//! transaction as the edit, so history is exactly as durable as the data.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};

use claimdesk_core::Change;

use crate::annotations::{
    delete_annotation_row, insert_annotation, insert_relation, update_annotation_row,
};
use crate::error::Result;
use crate::open::Project;
use crate::time;

/// Which way through history a step goes.
#[derive(Clone, Copy)]
enum Direction {
    Undo,
    Redo,
}

impl Project {
    /// Reverts the most recent edit still in effect. Returns the change applied to revert it, or
    /// `None` when there is nothing to undo.
    pub fn undo(&mut self, annotator_id: i64, now: DateTime<Utc>) -> Result<Option<Change>> {
        self.step(Direction::Undo, annotator_id, now)
    }

    /// Re-applies the most recently undone edit. Returns the change applied, or `None`.
    pub fn redo(&mut self, annotator_id: i64, now: DateTime<Utc>) -> Result<Option<Change>> {
        self.step(Direction::Redo, annotator_id, now)
    }

    /// How many of the coder's edits can be undone and redone.
    pub fn history_depth(&self, annotator_id: i64) -> Result<(i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM undo_stack WHERE annotator_id = ?1),
                    (SELECT count(*) FROM redo_stack WHERE annotator_id = ?1)",
            [annotator_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    fn step(
        &mut self,
        direction: Direction,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Change>> {
        let (from, to, action) = match direction {
            Direction::Undo => ("undo_stack", "redo_stack", "undo"),
            Direction::Redo => ("redo_stack", "undo_stack", "redo"),
        };
        let tx = self.conn.transaction()?;
        let top = tx
            .query_row(
                &format!(
                    "SELECT s.seq, e.id, e.payload FROM {from} s JOIN events e ON e.id = s.event_id
                     WHERE s.annotator_id = ?1 ORDER BY s.seq DESC LIMIT 1"
                ),
                [annotator_id],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((seq, event_id, payload)) = top else {
            return Ok(None);
        };
        let edit: Change = serde_json::from_str(&payload)?;
        let change = match direction {
            Direction::Undo => edit.inverse(),
            Direction::Redo => edit,
        };
        apply(&tx, &change, now)?;
        append_event(&tx, action, Some(event_id), &change, annotator_id, now)?;
        tx.execute(&format!("DELETE FROM {from} WHERE seq = ?1"), [seq])?;
        tx.execute(
            &format!("INSERT INTO {to} (event_id, annotator_id) VALUES (?1, ?2)"),
            [event_id, annotator_id],
        )?;
        tx.commit()?;
        Ok(Some(change))
    }
}

/// Applies a change to the data tables (not the log).
pub(crate) fn apply(tx: &Transaction<'_>, change: &Change, now: DateTime<Utc>) -> Result<()> {
    match change {
        Change::AnnotationCreated {
            annotation,
            relations,
        } => {
            insert_annotation(tx, annotation, Some(annotation.id))?;
            for relation in relations {
                insert_relation(tx, relation)?;
            }
        }
        Change::AnnotationDeleted { annotation, .. } => {
            // Relations go with the annotation through ON DELETE CASCADE.
            delete_annotation_row(tx, annotation.id)?;
        }
        Change::AnnotationUpdated { after, .. } => update_annotation_row(tx, after)?,
        Change::RelationCreated { relation, .. } => insert_relation(tx, relation)?,
        Change::RelationDeleted { relation, .. } => {
            if tx.execute("DELETE FROM relations WHERE id = ?1", [relation.id])? == 0 {
                return Err(crate::error::StoreError::UnknownRelation(relation.id));
            }
        }
        Change::LabelCreated {
            label,
            position,
            annotations,
            relations,
        } => crate::schema::restore_label(tx, label, *position, annotations, relations)?,
        Change::RelationTypeCreated {
            relation_type,
            position,
            relations,
        } => {
            crate::schema::insert_relation_type(tx, relation_type, *position)?;
            for relation in relations {
                insert_relation(tx, relation)?;
            }
        }
        Change::LabelUpdated { .. }
        | Change::LabelDeleted { .. }
        | Change::RelationTypeUpdated { .. }
        | Change::RelationTypeDeleted { .. } => crate::schema::apply(tx, change)?,
        Change::EntityCreated { .. }
        | Change::EntityDeleted { .. }
        | Change::EntityUpdated { .. }
        | Change::EntitiesMerged { .. }
        | Change::EntitiesSplit { .. } => crate::entities::apply(tx, change, now)?,
        Change::DecisionRecorded { .. } | Change::DecisionRemoved { .. } => {
            crate::adjudication::apply(tx, change)?
        }
        Change::Several { changes } => {
            for change in changes {
                apply(tx, change, now)?;
            }
        }
    }
    Ok(())
}

/// Makes an edit: applies it, logs it as the next one to undo, and commits.
pub(crate) fn commit(
    tx: Transaction<'_>,
    change: &Change,
    annotator_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    apply(&tx, change, now)?;
    record(&tx, change, annotator_id, now)?;
    tx.commit()?;
    Ok(())
}

/// Logs a new edit, already applied, and makes it the next one to undo.
pub(crate) fn record(
    tx: &Transaction<'_>,
    change: &Change,
    annotator_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let event_id = append_event(tx, "do", None, change, annotator_id, now)?;
    tx.execute(
        "INSERT INTO undo_stack (event_id, annotator_id) VALUES (?1, ?2)",
        [event_id, annotator_id],
    )?;
    tx.execute(
        "DELETE FROM redo_stack WHERE annotator_id = ?1",
        [annotator_id],
    )?;
    Ok(())
}

fn append_event(
    tx: &Transaction<'_>,
    action: &str,
    target_id: Option<i64>,
    change: &Change,
    annotator_id: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO events (at, annotator_id, action, target_id, kind, document_id, payload, uid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        (
            time::to_sql(now),
            annotator_id,
            action,
            target_id,
            change.kind(),
            change.document(),
            serde_json::to_string(change)?,
            crate::uid::new(),
        ),
    )?;
    Ok(tx.last_insert_rowid())
}

/// One line of an annotation's history: who changed what, when.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct HistoryEntry {
    pub event_id: i64,
    pub at: DateTime<Utc>,
    pub annotator: String,
    /// `do`, `undo` or `redo`.
    pub action: String,
    /// The kind of change, e.g. `annotation_updated` or `relation_created`.
    pub kind: String,
}

impl Project {
    /// Every logged change that touched annotation `id` (itself or its relations), oldest first.
    pub fn annotation_history(&self, id: i64) -> Result<Vec<HistoryEntry>> {
        let document: i64 = self
            .conn
            .query_row(
                "SELECT document_id FROM annotations WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(crate::error::StoreError::UnknownAnnotation(id))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.id, e.at, a.name, e.action, e.kind, e.payload
             FROM events e JOIN annotators a ON a.id = e.annotator_id
             WHERE e.document_id = ?1 AND e.action <> 'import' ORDER BY e.id",
        )?;
        let rows = stmt.query_map([document], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (event_id, at, annotator, action, kind, payload) = row?;
            let change: Change = serde_json::from_str(&payload)?;
            if touches(&change, id) {
                out.push(HistoryEntry {
                    event_id,
                    at: time::from_sql(&at)?,
                    annotator,
                    action,
                    kind,
                });
            }
        }
        Ok(out)
    }
}

fn touches(change: &Change, id: i64) -> bool {
    match change {
        Change::AnnotationCreated { annotation, .. }
        | Change::AnnotationDeleted { annotation, .. } => annotation.id == id,
        Change::AnnotationUpdated { after, .. } => after.id == id,
        Change::RelationCreated { relation, .. } | Change::RelationDeleted { relation, .. } => {
            relation.from_id == id || relation.to_id == id
        }
        Change::Several { changes } => changes.iter().any(|c| touches(c, id)),
        _ => false,
    }
}
