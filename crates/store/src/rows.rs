//! Rows: the one place each kind of row is written. Editing, undo, import, restore and merge
//! bring their rows here in one shape, so a column added to a table is added once.

use rusqlite::Connection;

use claimdesk_core::{Annotation, Relation};

use crate::error::Result;

/// The id a new annotation takes, as an SQL expression: SQLite's own choice (one past the
/// largest id), except that an orphan's id stays reserved for the orphan, which comes back as
/// an annotation with it when placed. NULL lets SQLite choose.
const NEW_ANNOTATION_ID: &str = "(SELECT CASE WHEN o >= a THEN o + 1 END
     FROM (SELECT coalesce(max(id), 0) AS o FROM orphans),
          (SELECT coalesce(max(id), 0) AS a FROM annotations))";

/// An annotation as stored. Times are as written in the project (`time::to_sql`), attributes
/// a JSON object.
pub(crate) struct AnnotationRow<'a> {
    /// `None`: a new id.
    pub id: Option<i64>,
    pub uid: &'a str,
    pub document_id: i64,
    pub label_id: i64,
    pub start: i64,
    pub end: i64,
    pub quote: &'a str,
    pub prefix: &'a str,
    pub suffix: &'a str,
    pub attributes: &'a str,
    pub note: Option<&'a str>,
    /// Stored only if the entity is there.
    pub entity_id: Option<i64>,
    pub annotator_id: i64,
    pub created_at: &'a str,
    pub updated_at: &'a str,
}

/// Writes an annotation; answers its id.
pub(crate) fn insert_annotation(conn: &Connection, a: &AnnotationRow<'_>) -> Result<i64> {
    conn.prepare_cached(&format!(
        "INSERT INTO annotations (id, uid, document_id, label_id, start, end, quote, prefix,
                                  suffix, attributes, note, entity_id, annotator_id, created_at,
                                  updated_at)
         VALUES (coalesce(?1, {NEW_ANNOTATION_ID}), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                 (SELECT id FROM entities WHERE id = ?12), ?13, ?14, ?15)"
    ))?
    .execute(rusqlite::params![
        a.id,
        a.uid,
        a.document_id,
        a.label_id,
        a.start,
        a.end,
        a.quote,
        a.prefix,
        a.suffix,
        a.attributes,
        a.note,
        a.entity_id,
        a.annotator_id,
        a.created_at,
        a.updated_at,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Sets an annotation aside as an orphan (under its own id, which stays reserved), with the
/// links it brings back when placed. `at` as written in the project.
pub(crate) fn insert_orphan(
    conn: &Connection,
    annotation: &Annotation,
    relations: &[Relation],
    reason: &str,
    at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO orphans (id, uid, document_id, annotator_id, annotation, relations, reason,
                              orphaned_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(rusqlite::params![
        annotation.id,
        annotation.uid,
        annotation.document_id,
        annotation.annotator_id,
        serde_json::to_string(annotation)?,
        serde_json::to_string(relations)?,
        reason,
        at,
    ])?;
    Ok(())
}

/// A link between two annotations as stored.
pub(crate) struct RelationRow<'a> {
    /// `None`: a new id.
    pub id: Option<i64>,
    pub uid: &'a str,
    pub kind: &'a str,
    pub from_id: i64,
    pub to_id: i64,
    pub annotator_id: i64,
    pub created_at: &'a str,
}

/// Writes a link; answers its id.
pub(crate) fn insert_relation(conn: &Connection, r: &RelationRow<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO relations (id, uid, kind, from_id, to_id, annotator_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(rusqlite::params![
        r.id,
        r.uid,
        r.kind,
        r.from_id,
        r.to_id,
        r.annotator_id,
        r.created_at,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// An entry of the event log.
pub(crate) struct EventRow<'a> {
    pub uid: &'a str,
    pub at: &'a str,
    pub annotator_id: i64,
    /// `do`, `undo`, `redo`, `import`, …
    pub action: &'a str,
    /// The entry an undo or redo refers to.
    pub target_id: Option<i64>,
    pub kind: &'a str,
    pub document_id: Option<i64>,
    /// JSON.
    pub payload: &'a str,
}

/// Appends to the event log; answers the entry's id.
pub(crate) fn append_event(conn: &Connection, e: &EventRow<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO events (uid, at, annotator_id, action, target_id, kind, document_id, payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(rusqlite::params![
        e.uid,
        e.at,
        e.annotator_id,
        e.action,
        e.target_id,
        e.kind,
        e.document_id,
        e.payload,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A document as stored (its full-text index is the caller's: imports index in bulk).
pub(crate) struct DocumentRow<'a> {
    /// `None`: a new id.
    pub id: Option<i64>,
    pub text: &'a str,
    pub char_count: i64,
    pub title: &'a str,
    /// `YYYY-MM-DD`.
    pub date: Option<&'a str>,
    pub source: Option<&'a str>,
    pub author: Option<&'a str>,
    pub url: Option<&'a str>,
    pub language: Option<&'a str>,
    /// A JSON object.
    pub metadata: &'a str,
    pub sha256: &'a str,
    pub imported_at: &'a str,
}

/// Writes a document; answers its id.
pub(crate) fn insert_document(conn: &Connection, d: &DocumentRow<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO documents (id, text, char_count, title, date, source, author, url, language,
                                metadata, sha256, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(rusqlite::params![
        d.id,
        d.text,
        d.char_count,
        d.title,
        d.date,
        d.source,
        d.author,
        d.url,
        d.language,
        d.metadata,
        d.sha256,
        d.imported_at,
    ])?;
    Ok(conn.last_insert_rowid())
}
