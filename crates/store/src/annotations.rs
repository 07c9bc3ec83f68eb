//! Annotations and relations: creating, deleting, reading.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use claimdesk_core::annotation::CONTEXT_CHARS;
use claimdesk_core::{
    Annotation, AnnotationEdit, AttributeDef, AttributeKind, Change, OffsetError, Relation, Span,
    TextIndex,
};

use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::rows::{annotation_from_row, relation_from_row, ANNOTATION_COLUMNS, RELATION_COLUMNS};
use crate::time;

impl Project {
    /// The annotations of a document, ordered by start, then longest first.
    pub fn annotations(&self, document_id: i64) -> Result<Vec<Annotation>> {
        ensure_document(&self.conn, document_id)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE document_id = ?1
             ORDER BY start, end DESC, id"
        ))?;
        let rows = stmt.query_map([document_id], |r| Ok(annotation_from_row(r)))?;
        rows.map(|row| row?).collect()
    }

    /// One annotation.
    pub fn annotation(&self, id: i64) -> Result<Annotation> {
        read_annotation_by_id(&self.conn, id)
    }

    /// Labels `span` (code points) of a document. The span must lie within the text and cover at
    /// least one character; the label and document must exist.
    pub fn create_annotation(
        &mut self,
        document_id: i64,
        label_id: i64,
        span: Span,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Annotation> {
        self.create_annotation_located(document_id, label_id, |_| Ok(span), annotator_id, now)
    }

    /// As [`Project::create_annotation`], with the span found by `locate` in the document's
    /// indexed text: a caller holding offsets in another unit converts them there, and the
    /// text is read and indexed once.
    pub fn create_annotation_located(
        &mut self,
        document_id: i64,
        label_id: i64,
        locate: impl FnOnce(&TextIndex<'_>) -> std::result::Result<Span, OffsetError>,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Annotation> {
        let tx = self.conn.transaction()?;
        let text = crate::documents::read_text(&tx, document_id)?;
        let index = TextIndex::new(&text);
        let located = locate(&index)?;
        let label_exists = tx
            .query_row("SELECT 1 FROM labels WHERE id = ?1", [label_id], |_| Ok(()))
            .optional()?
            .is_some();
        if !label_exists {
            return Err(StoreError::UnknownLabel(label_id));
        }
        let annotation = insert_new_annotation(
            &tx,
            &index,
            (document_id, label_id),
            located,
            None,
            annotator_id,
            now,
        )?;
        let change = Change::AnnotationCreated {
            annotation: annotation.clone(),
            relations: Vec::new(),
        };
        crate::history::record(&tx, &change, annotator_id, now)?;
        tx.commit()?;
        Ok(annotation)
    }

    /// Deletes an annotation and the relations that touch it; undo brings both back.
    pub fn delete_annotation(
        &mut self,
        id: i64,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        let tx = self.conn.transaction()?;
        let annotation = read_annotation_by_id(&tx, id)?;
        let relations = relations_touching(&tx, id)?;
        let change = Change::AnnotationDeleted {
            annotation,
            relations,
        };
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(change)
    }
}

/// The longest note accepted, in characters.
const MAX_NOTE_CHARS: usize = 100_000;
/// The longest free-text attribute value accepted, in characters.
const MAX_TEXT_ATTRIBUTE_CHARS: usize = 10_000;

impl Project {
    /// Changes an annotation's label, attributes, note or linked entity. Attributes are checked
    /// against the label's definitions (a choice must be one of its options, yes/no a boolean,
    /// text at most 10,000 characters); when the label changes, attributes the new label does
    /// not define are dropped. Undo restores the annotation as it was.
    pub fn update_annotation(
        &mut self,
        id: i64,
        edit: &AnnotationEdit,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Annotation> {
        let tx = self.conn.transaction()?;
        let before = read_annotation_by_id(&tx, id)?;
        let mut after = before.clone();
        if let Some(label_id) = edit.label_id {
            after.label_id = label_id;
        }
        let defs = label_attributes(&tx, after.label_id)?;
        if let Some(attributes) = &edit.attributes {
            after.attributes = attributes.clone();
        }
        if edit.label_id.is_some() && edit.attributes.is_none() {
            after
                .attributes
                .retain(|name, _| defs.iter().any(|d| &d.name == name));
        }
        after.attributes.retain(|_, v| !v.is_null());
        check_attributes(&after.attributes, &defs)?;
        if let Some(note) = &edit.note {
            let note = note
                .as_ref()
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty());
            if note
                .as_ref()
                .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
            {
                return Err(StoreError::BadEdit(format!(
                    "a note may have at most {MAX_NOTE_CHARS} characters"
                )));
            }
            after.note = note;
        }
        if let Some(entity_id) = edit.entity_id {
            if let Some(entity) = entity_id {
                let exists = tx
                    .query_row("SELECT 1 FROM entities WHERE id = ?1", [entity], |_| Ok(()))
                    .optional()?
                    .is_some();
                if !exists {
                    return Err(StoreError::UnknownEntity(entity));
                }
            }
            after.entity_id = entity_id;
        }
        if after == before {
            return Ok(before);
        }
        after.updated_at = now;
        let change = Change::AnnotationUpdated {
            before,
            after: after.clone(),
        };
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(after)
    }
}

fn label_attributes(conn: &rusqlite::Connection, label_id: i64) -> Result<Vec<AttributeDef>> {
    let json: String = conn
        .query_row(
            "SELECT attributes FROM labels WHERE id = ?1",
            [label_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(StoreError::UnknownLabel(label_id))?;
    Ok(serde_json::from_str(&json)?)
}

fn check_attributes(
    values: &serde_json::Map<String, serde_json::Value>,
    defs: &[AttributeDef],
) -> Result<()> {
    for (name, value) in values {
        let def = defs.iter().find(|d| &d.name == name).ok_or_else(|| {
            let shown: String = name.chars().take(60).collect();
            let more = if shown.len() < name.len() { "…" } else { "" };
            StoreError::BadEdit(format!("the label has no attribute {shown:?}{more}"))
        })?;
        let ok = match (&def.kind, value) {
            (AttributeKind::Choice { options }, serde_json::Value::String(v)) => {
                options.contains(v)
            }
            (AttributeKind::Text, serde_json::Value::String(v)) => {
                v.chars().count() <= MAX_TEXT_ATTRIBUTE_CHARS
            }
            (AttributeKind::Bool, serde_json::Value::Bool(_)) => true,
            _ => false,
        };
        if !ok {
            return Err(StoreError::BadEdit(match &def.kind {
                AttributeKind::Choice { options } => {
                    format!("{name} must be one of {}", options.join(", "))
                }
                AttributeKind::Text => {
                    format!("{name} must be text of at most {MAX_TEXT_ATTRIBUTE_CHARS} characters")
                }
                AttributeKind::Bool => format!("{name} must be yes or no"),
            }));
        }
    }
    Ok(())
}

pub(crate) fn update_annotation_row(tx: &rusqlite::Connection, a: &Annotation) -> Result<()> {
    let changed = tx.execute(
        "UPDATE annotations SET label_id = ?2, attributes = ?3, note = ?4,
                entity_id = (SELECT id FROM entities WHERE id = ?5), updated_at = ?6,
                start = ?7, end = ?8, quote = ?9, prefix = ?10, suffix = ?11
         WHERE id = ?1",
        rusqlite::params![
            a.id,
            a.label_id,
            serde_json::to_string(&a.attributes)?,
            a.note,
            a.entity_id,
            time::to_sql(a.updated_at),
            a.start as i64,
            a.end as i64,
            a.quote,
            a.prefix,
            a.suffix,
        ],
    )?;
    if changed == 0 {
        return Err(StoreError::UnknownAnnotation(a.id));
    }
    Ok(())
}

/// The longest relation kind accepted.
const MAX_KIND_CHARS: usize = 64;

impl Project {
    /// Links two annotations of the same document with a typed, directed relation
    /// (`from` `kind` `to`, e.g. a Claim `said_by` an Actor).
    pub fn create_relation(
        &mut self,
        kind: &str,
        from_id: i64,
        to_id: i64,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Relation> {
        let kind = kind.trim();
        if kind.is_empty() || kind.chars().count() > MAX_KIND_CHARS {
            return Err(StoreError::BadRelation(format!(
                "a relation kind needs 1 to {MAX_KIND_CHARS} characters"
            )));
        }
        if from_id == to_id {
            return Err(StoreError::BadRelation(
                "an annotation cannot be linked to itself".into(),
            ));
        }
        let tx = self.conn.transaction()?;
        let from = read_annotation_by_id(&tx, from_id)?;
        let to = read_annotation_by_id(&tx, to_id)?;
        if from.document_id != to.document_id {
            return Err(StoreError::BadRelation(format!(
                "annotations {from_id} and {to_id} are in different documents"
            )));
        }
        let types = crate::schema::read_relation_types(&tx)?;
        let rt = types.iter().find(|t| t.name == kind).ok_or_else(|| {
            StoreError::BadRelation(format!(
                "there is no relation type {kind:?}; add it to the schema first"
            ))
        })?;
        if !rt.allows(from.label_id, to.label_id) {
            let labels = crate::documents::read_labels(&tx)?;
            let name = |id: i64| {
                labels
                    .iter()
                    .find(|l| l.id == id)
                    .map(|l| l.name.clone())
                    .unwrap_or_default()
            };
            return Err(StoreError::BadRelation(format!(
                "{kind} does not link a {} to a {}",
                name(from.label_id),
                name(to.label_id)
            )));
        }
        let id = next_relation_id(&tx)?;
        let relation = Relation {
            id,
            uid: crate::uid::new(),
            kind: kind.to_string(),
            from_id,
            to_id,
            annotator_id,
            created_at: now,
        };
        let change = Change::RelationCreated {
            relation: relation.clone(),
            document_id: from.document_id,
        };
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(relation)
    }

    /// Removes a relation; undo draws it again.
    pub fn delete_relation(
        &mut self,
        id: i64,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        let tx = self.conn.transaction()?;
        let relation = relations_where(&tx, "id = ?1", id)?
            .pop()
            .ok_or(StoreError::UnknownRelation(id))?;
        let document_id = read_annotation_by_id(&tx, relation.from_id)?.document_id;
        let change = Change::RelationDeleted {
            relation,
            document_id,
        };
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(change)
    }

    /// The relations of a document, by id.
    pub fn relations(&self, document_id: i64) -> Result<Vec<Relation>> {
        ensure_document(&self.conn, document_id)?;
        relations_where(
            &self.conn,
            "from_id IN (SELECT id FROM annotations WHERE document_id = ?1)",
            document_id,
        )
    }
}

/// The annotations matching an SQL condition on one id parameter (`?1`), by id.
pub(crate) fn annotations_where(
    conn: &rusqlite::Connection,
    filter: &str,
    id: i64,
) -> Result<Vec<Annotation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE {filter} ORDER BY id"
    ))?;
    let rows = stmt.query_map([id], |r| Ok(annotation_from_row(r)))?;
    rows.map(|row| row?).collect()
}

/// The relations of one kind, by id.
pub(crate) fn relations_of_kind(conn: &rusqlite::Connection, kind: &str) -> Result<Vec<Relation>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM relations WHERE kind = ?1 ORDER BY id")?;
    let ids: Vec<i64> = stmt
        .query_map([kind], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.extend(relations_where(conn, "id = ?1", id)?);
    }
    Ok(out)
}

pub(crate) fn ensure_document(conn: &rusqlite::Connection, id: i64) -> Result<()> {
    conn.query_row("SELECT 1 FROM documents WHERE id = ?1", [id], |_| Ok(()))
        .optional()?
        .ok_or(StoreError::UnknownDocument(id))
}

pub(crate) fn read_annotation_by_id(conn: &rusqlite::Connection, id: i64) -> Result<Annotation> {
    conn.query_row(
        &format!("SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE id = ?1"),
        [id],
        |r| Ok(annotation_from_row(r)),
    )
    .optional()?
    .ok_or(StoreError::UnknownAnnotation(id))?
}

/// The id the next annotation (or an orphan coming in) takes: past every annotation and
/// orphan.
pub(crate) fn next_annotation_id(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT max((SELECT coalesce(max(id), 0) FROM annotations),
                    (SELECT coalesce(max(id), 0) FROM orphans)) + 1",
        [],
        |r| r.get(0),
    )?)
}

/// The id the next link takes.
pub(crate) fn next_relation_id(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM relations", [], |r| {
            r.get(0)
        })?,
    )
}

/// Inserts an annotation row; with `id` it keeps the given id (undo and redo bring an annotation
/// back under its old id, so history and relations keep pointing at it).
/// Stores a new annotation of `span` in a document with a label (checked against the text:
/// within it, on character boundaries, not empty), with its quote and context, and answers it
/// with its new id.
pub(crate) fn insert_new_annotation(
    tx: &rusqlite::Connection,
    index: &TextIndex<'_>,
    (document_id, label_id): (i64, i64),
    span: Span,
    entity_id: Option<i64>,
    annotator_id: i64,
    now: DateTime<Utc>,
) -> Result<Annotation> {
    let span = index.check(span)?;
    if span.is_empty() {
        return Err(StoreError::EmptySpan);
    }
    let (prefix, suffix) = index.context(span, CONTEXT_CHARS)?;
    let mut annotation = Annotation {
        id: 0,
        uid: crate::uid::new(),
        document_id,
        label_id,
        start: span.start(),
        end: span.end(),
        quote: index.slice(span)?.to_string(),
        prefix: prefix.to_string(),
        suffix: suffix.to_string(),
        attributes: serde_json::Map::new(),
        note: None,
        entity_id,
        annotator_id,
        created_at: now,
        updated_at: now,
    };
    annotation.id = insert_annotation(tx, &annotation, None)?;
    Ok(annotation)
}

pub(crate) fn insert_annotation(
    tx: &rusqlite::Connection,
    a: &Annotation,
    id: Option<i64>,
) -> Result<i64> {
    crate::rows::insert_annotation(
        tx,
        &crate::rows::AnnotationRow {
            id,
            uid: &crate::uid::or_new(&a.uid),
            document_id: a.document_id,
            label_id: a.label_id,
            start: a.start as i64,
            end: a.end as i64,
            quote: &a.quote,
            prefix: &a.prefix,
            suffix: &a.suffix,
            attributes: &serde_json::to_string(&a.attributes)?,
            note: a.note.as_deref(),
            entity_id: a.entity_id,
            annotator_id: a.annotator_id,
            created_at: &time::to_sql(a.created_at),
            updated_at: &time::to_sql(a.updated_at),
        },
    )
}

pub(crate) fn insert_relation(tx: &rusqlite::Connection, r: &Relation) -> Result<()> {
    crate::rows::insert_relation(
        tx,
        &crate::rows::RelationRow {
            id: Some(r.id),
            uid: &crate::uid::or_new(&r.uid),
            kind: &r.kind,
            from_id: r.from_id,
            to_id: r.to_id,
            annotator_id: r.annotator_id,
            created_at: &time::to_sql(r.created_at),
        },
    )?;
    Ok(())
}

pub(crate) fn delete_annotation_row(tx: &rusqlite::Connection, id: i64) -> Result<()> {
    if tx.execute("DELETE FROM annotations WHERE id = ?1", [id])? == 0 {
        return Err(StoreError::UnknownAnnotation(id));
    }
    Ok(())
}

pub(crate) fn relations_touching(conn: &rusqlite::Connection, id: i64) -> Result<Vec<Relation>> {
    relations_where(conn, "from_id = ?1 OR to_id = ?1", id)
}

pub(crate) fn relations_where(
    conn: &rusqlite::Connection,
    filter: &str,
    id: i64,
) -> Result<Vec<Relation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RELATION_COLUMNS} FROM relations WHERE {filter} ORDER BY id"
    ))?;
    let rows = stmt.query_map([id], |r| Ok(relation_from_row(r)))?;
    rows.map(|row| row?).collect()
}
