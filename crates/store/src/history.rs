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
use crate::rows::{qualified, StoredEvent, EVENT_COLUMNS};
use crate::time;

/// Which way through history a step goes.
#[derive(Clone, Copy)]
enum Direction {
    Undo,
    Redo,
}

impl Project {
    /// Reverts the coder's most recent edit still in effect. Returns the change applied to
    /// revert it, or `None` when there is nothing to undo.
    pub fn undo(&mut self, annotator_id: i64, now: DateTime<Utc>) -> Result<Option<Change>> {
        Ok(self.undo_step(annotator_id, now)?.change)
    }

    /// Re-applies the coder's most recently undone edit. Returns the change applied, or `None`.
    pub fn redo(&mut self, annotator_id: i64, now: DateTime<Utc>) -> Result<Option<Change>> {
        Ok(self.redo_step(annotator_id, now)?.change)
    }

    /// [`Project::undo`], saying also how many edits could not be undone because another coder
    /// had changed what they touched since (those leave the coder's history).
    pub fn undo_step(&mut self, annotator_id: i64, now: DateTime<Utc>) -> Result<Step> {
        self.step(Direction::Undo, annotator_id, now)
    }

    /// [`Project::redo`], with the edits that could not be redone.
    pub fn redo_step(&mut self, annotator_id: i64, now: DateTime<Utc>) -> Result<Step> {
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
    ) -> Result<Step> {
        let (from, to, action) = match direction {
            Direction::Undo => ("undo_stack", "redo_stack", "undo"),
            Direction::Redo => ("redo_stack", "undo_stack", "redo"),
        };
        let tx = self.conn.transaction()?;
        let mut skipped = 0;
        loop {
            let top = tx
                .query_row(
                    &format!(
                        "SELECT s.seq AS seq, {} FROM {from} s JOIN events e ON e.id = s.event_id
                         WHERE s.annotator_id = ?1 ORDER BY s.seq DESC LIMIT 1",
                        qualified("e", EVENT_COLUMNS)
                    ),
                    [annotator_id],
                    |r| Ok((r.get::<_, i64>("seq")?, StoredEvent::from_row(r)?)),
                )
                .optional()?;
            let Some((
                seq,
                StoredEvent {
                    id: event_id,
                    payload,
                    ..
                },
            )) = top
            else {
                tx.commit()?;
                return Ok(Step {
                    change: None,
                    skipped,
                });
            };
            // A team copy's change made again on top of another copy's took this form.
            let payload = crate::replication::rebased(&tx, event_id)?.unwrap_or(payload);
            let edit: Change = serde_json::from_str(&payload)?;
            let change = match direction {
                Direction::Undo => edit.inverse(),
                Direction::Redo => edit,
            };
            tx.execute(&format!("DELETE FROM {from} WHERE seq = ?1"), [seq])?;
            // Coders undo their own edits, so another coder may have changed or removed what
            // an edit touched since: such an edit no longer applies and leaves the history.
            tx.execute_batch("SAVEPOINT step")?;
            let applied = still_applies(&tx, &change).and_then(|fits| {
                if fits {
                    apply(&tx, &change, now).map(|()| true)
                } else {
                    Ok(false)
                }
            });
            match applied {
                Ok(true) => tx.execute_batch("RELEASE step")?,
                Ok(false) => {
                    tx.execute_batch("ROLLBACK TO step; RELEASE step")?;
                    skipped += 1;
                    continue;
                }
                Err(e) if conflicts(&e) => {
                    tx.execute_batch("ROLLBACK TO step; RELEASE step")?;
                    skipped += 1;
                    continue;
                }
                Err(e) => return Err(e),
            }
            append_event(&tx, action, Some(event_id), &change, annotator_id, now)?;
            tx.execute(
                &format!("INSERT INTO {to} (event_id, annotator_id) VALUES (?1, ?2)"),
                [event_id, annotator_id],
            )?;
            tx.commit()?;
            return Ok(Step {
                change: Some(change),
                skipped,
            });
        }
    }
}

/// What one undo or redo did.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The change applied; `None` when there was nothing (more) to undo or redo.
    pub change: Option<Change>,
    /// Edits passed over because another coder had changed what they touched since.
    pub skipped: usize,
}

/// Whether an error applying an undo or redo means the data moved on under it (another
/// coder's edit), rather than a failure of the project.
fn conflicts(error: &crate::error::StoreError) -> bool {
    use crate::error::StoreError as E;
    match error {
        E::UnknownAnnotation(_)
        | E::UnknownDocument(_)
        | E::Overtaken(_)
        | E::UnknownRelation(_)
        | E::UnknownEntity(_)
        | E::UnknownLabel(_)
        | E::UnknownRelationType(_) => true,
        E::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
            e.code == rusqlite::ErrorCode::ConstraintViolation
        }
        _ => false,
    }
}

/// Whether the data still is as the change expects to find it: an annotation's edit is undone
/// only while the annotation is as the edit left it.
fn still_applies(tx: &rusqlite::Connection, change: &Change) -> Result<bool> {
    match change {
        Change::AnnotationUpdated { before, .. } => {
            let now = match crate::annotations::read_annotation_by_id(tx, before.id) {
                Ok(a) => a,
                Err(crate::error::StoreError::UnknownAnnotation(_)) => return Ok(false),
                Err(e) => return Err(e),
            };
            Ok(
                (before.uid.is_empty() || now.uid.is_empty() || now.uid == before.uid)
                    && now.label_id == before.label_id
                    && now.attributes == before.attributes
                    && now.note == before.note
                    && now.entity_id == before.entity_id
                    && (now.start, now.end) == (before.start, before.end),
            )
        }
        // Ids are handed out again once free, so an edit undone after another coder's row took
        // the id of the row it removed, or made, touches only its own row: known by uid.
        Change::RelationDeleted { relation, .. } => Ok(tx
            .prepare_cached(
                "SELECT 1 FROM relations WHERE id = ?1 AND (?2 = '' OR uid IS NULL OR uid = ?2)",
            )?
            .exists((relation.id, &relation.uid))?),
        Change::AnnotationDeleted { annotation, .. } => Ok(tx
            .prepare_cached(
                "SELECT 1 FROM annotations WHERE id = ?1 AND (?2 = '' OR uid IS NULL OR uid = ?2)",
            )?
            .exists((annotation.id, &annotation.uid))?),
        // A label or an entity is taken away (the undoing of its making) only while no
        // annotation another coder made since uses it.
        Change::LabelDeleted {
            label, annotations, ..
        } => {
            let used: Vec<i64> = tx
                .prepare_cached("SELECT id FROM annotations WHERE label_id = ?1")?
                .query_map([label.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(used
                .iter()
                .all(|id| annotations.iter().any(|a| a.id == *id)))
        }
        Change::EntityDeleted { entity } => Ok(!tx
            .prepare_cached("SELECT 1 FROM annotations WHERE entity_id = ?1")?
            .exists([entity.id])?),
        // A text is replaced back only while it is the text this change left.
        Change::TextReplaced {
            document_id,
            before,
            ..
        } => Ok(tx
            .query_row(
                "SELECT sha256 = ?2 FROM documents WHERE id = ?1",
                (document_id, claimdesk_core::document::sha256_hex(before)),
                |r| r.get::<_, bool>(0),
            )
            .optional()?
            .unwrap_or(false)),
        Change::Several { changes } => {
            // An orphan brought back earlier in the step is not an annotation yet: the edit
            // that places it is judged by its text once it is applied.
            let restored: Vec<i64> = changes
                .iter()
                .filter_map(|c| match c {
                    Change::OrphanRestored { annotation, .. } => Some(annotation.id),
                    _ => None,
                })
                .collect();
            for c in changes {
                if let Change::AnnotationUpdated { before, .. } = c {
                    if restored.contains(&before.id) {
                        continue;
                    }
                }
                if !still_applies(tx, c)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Change::SuggestionsDecided { changes, .. } => {
            for c in changes {
                if !still_applies(tx, c)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        // An annotation (or an orphan) comes back with its old id only while nobody holds it:
        // once deleted, a new annotation may have taken the id and been set aside as an orphan
        // since, and two things with one id could never be placed again.
        Change::AnnotationCreated { annotation, .. }
        | Change::OrphanRecreated { annotation, .. } => Ok(!id_held(tx, annotation.id, true)?),
        Change::OrphanRestored { annotation, .. } => Ok(!id_held(tx, annotation.id, false)?),
        _ => Ok(true),
    }
}

/// Whether an annotation (or, with `orphans`, an orphan too) has the id `id`.
fn id_held(tx: &rusqlite::Connection, id: i64, orphans: bool) -> Result<bool> {
    let sql = if orphans {
        "SELECT EXISTS (SELECT 1 FROM annotations WHERE id = ?1)
             OR EXISTS (SELECT 1 FROM orphans WHERE id = ?1)"
    } else {
        "SELECT EXISTS (SELECT 1 FROM annotations WHERE id = ?1)"
    };
    Ok(tx.query_row(sql, [id], |r| r.get(0))?)
}

/// Applies a change to the data tables (not the log).
pub(crate) fn apply(tx: &rusqlite::Connection, change: &Change, now: DateTime<Utc>) -> Result<()> {
    match change {
        Change::AnnotationCreated {
            annotation,
            relations,
        } => {
            // Brought back (an undone deletion, a redone creation): only onto the text it was
            // made on, which a replacement since may have changed.
            crate::versions::check_quotes(tx, std::slice::from_ref(annotation))?;
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
        } => {
            crate::versions::check_quotes(tx, annotations)?;
            crate::schema::restore_label(tx, label, *position, annotations, relations)?
        }
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
        Change::TextReplaced { .. }
        | Change::AnnotationOrphaned { .. }
        | Change::OrphanRestored { .. }
        | Change::OrphanDeleted { .. }
        | Change::OrphanRecreated { .. } => crate::versions::apply(tx, change, now)?,
        Change::SuggestionsDecided { changes, .. } => {
            for c in changes {
                apply(tx, c, now)?;
            }
            crate::suggestions::apply(tx, change, now)?;
        }
        Change::Several { changes } => {
            for change in changes {
                apply(tx, change, now)?;
            }
            // A text replaced (or replaced back) must leave every annotation of the document
            // on its quote: one made by another coder on the text in between does not fit
            // the other text, and the step is passed over rather than break it.
            for change in changes {
                if let Change::TextReplaced { document_id, .. } = change {
                    crate::versions::check_fit(tx, *document_id)?;
                }
            }
            // An orphan placed again (a redo) lands only where the text still has its quote.
            for change in changes {
                if let Change::AnnotationUpdated { after, .. } = change {
                    let placed = changes.iter().any(|c| {
                        matches!(c, Change::OrphanRestored { annotation, .. } if annotation.id == after.id)
                    });
                    if placed {
                        crate::versions::check_quotes(tx, std::slice::from_ref(after))?;
                    }
                }
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
    tx: &rusqlite::Connection,
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
    tx: &rusqlite::Connection,
    action: &str,
    target_id: Option<i64>,
    change: &Change,
    annotator_id: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let global = crate::replication::global(tx, change)?;
    crate::rows::append_event(
        tx,
        &crate::rows::EventRow {
            uid: &crate::uid::new(),
            at: &time::to_sql(now),
            annotator_id,
            action,
            target_id,
            kind: change.kind(),
            document_id: change.document(),
            payload: &serde_json::to_string(change)?,
            global: global.as_deref(),
        },
    )
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
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {}, a.name AS coder FROM events e JOIN annotators a ON a.id = e.annotator_id
             WHERE e.document_id = ?1 AND e.action <> 'import' ORDER BY e.id",
            qualified("e", EVENT_COLUMNS)
        ))?;
        let rows = stmt.query_map([document], |r| {
            Ok((StoredEvent::from_row(r)?, r.get::<_, String>("coder")?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (event, annotator) = row?;
            let change: Change = serde_json::from_str(&event.payload)?;
            if touches(&change, id) {
                out.push(HistoryEntry {
                    event_id: event.id,
                    at: time::from_sql(&event.at)?,
                    annotator,
                    action: event.action,
                    kind: event.kind,
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
        Change::Several { changes } | Change::SuggestionsDecided { changes, .. } => {
            changes.iter().any(|c| touches(c, id))
        }
        _ => false,
    }
}

/// One entry of the event log, for replication: who, what, when, and the change as logged.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedEvent {
    pub id: i64,
    /// The entry's global identity (a UUID).
    pub uid: String,
    pub coder: String,
    /// `do`, `undo`, `redo` or `import`.
    pub action: String,
    pub kind: String,
    /// The sha256 of the document's text, for an entry about one document.
    pub document: Option<String>,
    /// The change as logged (JSON).
    pub payload: String,
    pub at: DateTime<Utc>,
}

impl Project {
    /// The event log from entry `after` on (exclusive), oldest first.
    pub fn log_since(&self, after: i64) -> Result<Vec<LoggedEvent>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {}, a.name AS coder, d.sha256 AS sha256 FROM events e
             JOIN annotators a ON a.id = e.annotator_id
             LEFT JOIN documents d ON d.id = e.document_id
             WHERE e.id > ?1 ORDER BY e.id",
            qualified("e", EVENT_COLUMNS)
        ))?;
        let rows = stmt.query_map([after], |r| {
            Ok((
                StoredEvent::from_row(r)?,
                r.get::<_, String>("coder")?,
                r.get::<_, Option<String>>("sha256")?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (event, coder, document) = row?;
            out.push(LoggedEvent {
                id: event.id,
                uid: event.uid.unwrap_or_default(),
                coder,
                action: event.action,
                kind: event.kind,
                document,
                payload: event.payload,
                at: time::from_sql(&event.at)?,
            });
        }
        Ok(out)
    }
}
