//! Rows: the one place each kind of row is written and read. Editing, undo, import, restore
//! and merge bring their rows here in one shape, and every query that reads a row of a kind
//! reads it with the reader here, so a column added to a table is added here and nowhere else.
//!
//! Written here: documents, annotations, links, orphans and events. Read here: those, and
//! labels, relation types, entities (with their aliases), coders, a document's line in the
//! library and an entity's mentions — whose few writes stay with their editing. Each kind has
//! a `*_COLUMNS` list to SELECT and a reader beside it that reads that list by column name
//! (`row.get("quote")`), never by position, so a SELECT and its reader cannot drift apart. A
//! query on a join names the columns with [`qualified`] (`a.quote AS quote`). The `Stored*`
//! readers give a row as stored (times and JSON as text: what a merge copies to another
//! project unchanged); the `*_from_row` readers give the domain type.
//!
//! Left where they are: queries of one value — a count, an id, an existence test, a PRAGMA —
//! read it with `r.get(0)`, which is idiomatic (there is no other column to confuse it with);
//! so do the few that compute several figures in SQL at once (counts, the newest ids, state
//! marks), which are no table's row. A merge reads just the id and hash of each of the other's
//! documents (not its text), by name; a search hit (a document with its snippet) is read by
//! name in `library.rs`. Assignments, adjudications, adjudication decisions and samples are
//! not among the kinds here yet: the few queries reading several of their columns (`sets.rs`
//! listing samples, `merge.rs` copying them) still read by position.

use chrono::NaiveDate;
use rusqlite::{Connection, Row};

use claimdesk_core::dataset::Entity;
use claimdesk_core::{Annotation, Document, DocumentSummary, Label, Relation, RelationType};

use crate::coders::Coder;
use crate::entities::Mention;
use crate::error::{Result, StoreError};
use crate::time;
use crate::versions::Orphan;

/// `columns` (a `*_COLUMNS` list) of the table a query calls `alias`, each under its own name:
/// `qualified("a", "id, quote")` is `a.id AS id, a.quote AS quote`.
pub(crate) fn qualified(alias: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(str::trim)
        .map(|c| format!("{alias}.{c} AS {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

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

/// Column `i` of a row read with one of the `*_COLUMNS` lists, by its place: looking a column up
/// by name scans the row's names, at every row of a read of the whole corpus. Debug builds
/// check the name, so a list and the reader of its rows cannot drift apart unseen.
fn column<T: rusqlite::types::FromSql>(r: &Row<'_>, i: usize, name: &str) -> rusqlite::Result<T> {
    debug_assert_eq!(
        r.as_ref().column_name(i).ok(),
        Some(name),
        "column {i} of a row"
    );
    r.get(i)
}

/// The columns [`StoredAnnotation::from_row`] and [`annotation_from_row`] read, in this order.
pub(crate) const ANNOTATION_COLUMNS: &str = "id, uid, document_id, label_id, start, end, quote, \
     prefix, suffix, attributes, note, entity_id, annotator_id, created_at, updated_at";

/// [`ANNOTATION_COLUMNS`] without identity, context (prefix and suffix) or note: for what reads
/// the coding alone (statements, counts), where they would be a third of what is read.
pub(crate) const ANNOTATION_COLUMNS_FOR_CODING: &str =
    "id, NULL AS uid, document_id, label_id, start, end, quote, '' AS prefix, '' AS suffix, \
     attributes, NULL AS note, entity_id, annotator_id, created_at, updated_at";

/// An annotation as read back, its times and attributes as stored.
#[derive(Clone)]
pub(crate) struct StoredAnnotation {
    pub id: i64,
    /// `None` in rows written before identities.
    pub uid: Option<String>,
    pub document_id: i64,
    pub label_id: i64,
    pub start: i64,
    pub end: i64,
    pub quote: String,
    pub prefix: String,
    pub suffix: String,
    /// A JSON object.
    pub attributes: String,
    pub note: Option<String>,
    pub entity_id: Option<i64>,
    pub annotator_id: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl StoredAnnotation {
    /// Reads [`ANNOTATION_COLUMNS`].
    pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<StoredAnnotation> {
        Ok(StoredAnnotation {
            id: column(r, 0, "id")?,
            uid: column(r, 1, "uid")?,
            document_id: column(r, 2, "document_id")?,
            label_id: column(r, 3, "label_id")?,
            start: column(r, 4, "start")?,
            end: column(r, 5, "end")?,
            quote: column(r, 6, "quote")?,
            prefix: column(r, 7, "prefix")?,
            suffix: column(r, 8, "suffix")?,
            attributes: column(r, 9, "attributes")?,
            note: column(r, 10, "note")?,
            entity_id: column(r, 11, "entity_id")?,
            annotator_id: column(r, 12, "annotator_id")?,
            created_at: column(r, 13, "created_at")?,
            updated_at: column(r, 14, "updated_at")?,
        })
    }

    pub(crate) fn into_annotation(self) -> Result<Annotation> {
        Ok(Annotation {
            id: self.id,
            uid: self.uid.unwrap_or_default(),
            document_id: self.document_id,
            label_id: self.label_id,
            start: self.start as usize,
            end: self.end as usize,
            quote: self.quote,
            prefix: self.prefix,
            suffix: self.suffix,
            // Most annotations have none: no parse for those.
            attributes: if self.attributes == "{}" {
                serde_json::Map::new()
            } else {
                serde_json::from_str(&self.attributes)?
            },
            note: self.note,
            entity_id: self.entity_id,
            annotator_id: self.annotator_id,
            created_at: time::from_sql(&self.created_at)?,
            updated_at: time::from_sql(&self.updated_at)?,
        })
    }
}

/// Reads an annotation from [`ANNOTATION_COLUMNS`].
pub(crate) fn annotation_from_row(r: &Row<'_>) -> Result<Annotation> {
    StoredAnnotation::from_row(r)?.into_annotation()
}

/// The columns [`mention_from_row`] reads: an annotation that names an entity, with its
/// document's title, from `annotations a JOIN documents d`.
pub(crate) const MENTION_COLUMNS: &str = "a.id AS annotation_id, a.document_id AS document_id, \
     d.title AS document_title, a.quote AS quote, a.start AS start, a.end AS end, \
     a.annotator_id AS annotator_id";

pub(crate) fn mention_from_row(r: &Row<'_>) -> rusqlite::Result<Mention> {
    Ok(Mention {
        annotation_id: r.get("annotation_id")?,
        document_id: r.get("document_id")?,
        document_title: r.get("document_title")?,
        quote: r.get("quote")?,
        start: r.get::<_, i64>("start")? as usize,
        end: r.get::<_, i64>("end")? as usize,
        annotator_id: r.get("annotator_id")?,
    })
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

/// The columns [`StoredOrphan::from_row`] and [`orphan_from_row`] read (the orphan's id,
/// identity, document and coder are its annotation's, kept beside it for lookups).
pub(crate) const ORPHAN_COLUMNS: &str = "annotation, relations, reason, orphaned_at";

/// An orphan as read back: its annotation and links as stored JSON, its time as stored.
pub(crate) struct StoredOrphan {
    pub annotation: String,
    pub relations: String,
    pub reason: String,
    pub orphaned_at: String,
}

impl StoredOrphan {
    /// Reads [`ORPHAN_COLUMNS`].
    pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<StoredOrphan> {
        Ok(StoredOrphan {
            annotation: r.get("annotation")?,
            relations: r.get("relations")?,
            reason: r.get("reason")?,
            orphaned_at: r.get("orphaned_at")?,
        })
    }

    pub(crate) fn into_orphan(self) -> Result<Orphan> {
        Ok(Orphan {
            annotation: serde_json::from_str(&self.annotation)?,
            relations: serde_json::from_str(&self.relations)?,
            reason: self.reason,
            orphaned_at: time::from_sql(&self.orphaned_at)?,
        })
    }
}

/// Reads an orphan from [`ORPHAN_COLUMNS`].
pub(crate) fn orphan_from_row(r: &Row<'_>) -> Result<Orphan> {
    StoredOrphan::from_row(r)?.into_orphan()
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

/// The columns [`StoredRelation::from_row`] and [`relation_from_row`] read.
/// In this order (see [`column`]).
pub(crate) const RELATION_COLUMNS: &str = "id, uid, kind, from_id, to_id, annotator_id, created_at";

/// A link as read back, its time as stored.
pub(crate) struct StoredRelation {
    pub id: i64,
    /// `None` in rows written before identities.
    pub uid: Option<String>,
    pub kind: String,
    pub from_id: i64,
    pub to_id: i64,
    pub annotator_id: i64,
    pub created_at: String,
}

impl StoredRelation {
    /// Reads [`RELATION_COLUMNS`].
    pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<StoredRelation> {
        Ok(StoredRelation {
            id: column(r, 0, "id")?,
            uid: column(r, 1, "uid")?,
            kind: column(r, 2, "kind")?,
            from_id: column(r, 3, "from_id")?,
            to_id: column(r, 4, "to_id")?,
            annotator_id: column(r, 5, "annotator_id")?,
            created_at: column(r, 6, "created_at")?,
        })
    }

    pub(crate) fn into_relation(self) -> Result<Relation> {
        Ok(Relation {
            id: self.id,
            uid: self.uid.unwrap_or_default(),
            kind: self.kind,
            from_id: self.from_id,
            to_id: self.to_id,
            annotator_id: self.annotator_id,
            created_at: time::from_sql(&self.created_at)?,
        })
    }
}

/// Reads a link from [`RELATION_COLUMNS`].
pub(crate) fn relation_from_row(r: &Row<'_>) -> Result<Relation> {
    StoredRelation::from_row(r)?.into_relation()
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
    /// The change in the form every replica reads (JSON), if it has one.
    pub global: Option<&'a str>,
}

/// Appends to the event log; answers the entry's id.
pub(crate) fn append_event(conn: &Connection, e: &EventRow<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO events (uid, at, annotator_id, action, target_id, kind, document_id, payload,
                             global)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
        e.global,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The columns [`StoredEvent::from_row`] reads.
pub(crate) const EVENT_COLUMNS: &str =
    "id, uid, at, annotator_id, action, target_id, kind, document_id, payload";

/// An entry of the event log as read back (its change is the JSON `payload`).
pub(crate) struct StoredEvent {
    pub id: i64,
    /// `None` in rows written before identities.
    pub uid: Option<String>,
    pub at: String,
    pub annotator_id: i64,
    pub action: String,
    pub target_id: Option<i64>,
    pub kind: String,
    pub document_id: Option<i64>,
    pub payload: String,
}

impl StoredEvent {
    /// Reads [`EVENT_COLUMNS`].
    pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<StoredEvent> {
        Ok(StoredEvent {
            id: r.get("id")?,
            uid: r.get("uid")?,
            at: r.get("at")?,
            annotator_id: r.get("annotator_id")?,
            action: r.get("action")?,
            target_id: r.get("target_id")?,
            kind: r.get("kind")?,
            document_id: r.get("document_id")?,
            payload: r.get("payload")?,
        })
    }
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

/// The columns [`StoredDocument::from_row`] and [`document_from_row`] read, in this order.
pub(crate) const DOCUMENT_COLUMNS: &str = "id, text, char_count, title, date, source, author, \
     url, language, metadata, sha256, imported_at";

/// The document's columns with an empty text: for what reads the coding alone (statements,
/// counts), where the texts would be most of what is read.
pub(crate) const DOCUMENT_COLUMNS_WITHOUT_TEXT: &str = "id, '' AS text, char_count, title, date, \
     source, author, url, language, metadata, sha256, imported_at";

/// A document as read back, its date, metadata and time as stored.
pub(crate) struct StoredDocument {
    pub id: i64,
    pub text: String,
    pub char_count: i64,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    pub metadata: String,
    pub sha256: String,
    pub imported_at: String,
}

impl StoredDocument {
    /// Reads [`DOCUMENT_COLUMNS`].
    pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<StoredDocument> {
        Ok(StoredDocument {
            id: column(r, 0, "id")?,
            text: column(r, 1, "text")?,
            char_count: column(r, 2, "char_count")?,
            title: column(r, 3, "title")?,
            date: column(r, 4, "date")?,
            source: column(r, 5, "source")?,
            author: column(r, 6, "author")?,
            url: column(r, 7, "url")?,
            language: column(r, 8, "language")?,
            metadata: column(r, 9, "metadata")?,
            sha256: column(r, 10, "sha256")?,
            imported_at: column(r, 11, "imported_at")?,
        })
    }

    /// The row to write it as, under `id` (`None`: a new id).
    pub(crate) fn as_row(&self, id: Option<i64>) -> DocumentRow<'_> {
        DocumentRow {
            id,
            text: &self.text,
            char_count: self.char_count,
            title: &self.title,
            date: self.date.as_deref(),
            source: self.source.as_deref(),
            author: self.author.as_deref(),
            url: self.url.as_deref(),
            language: self.language.as_deref(),
            metadata: &self.metadata,
            sha256: &self.sha256,
            imported_at: &self.imported_at,
        }
    }

    pub(crate) fn into_document(self) -> Result<Document> {
        Ok(Document {
            id: self.id,
            text: self.text,
            title: self.title,
            date: parse_date(self.date)?,
            source: self.source,
            author: self.author,
            url: self.url,
            language: self.language,
            metadata: serde_json::from_str(&self.metadata)?,
            sha256: self.sha256,
            imported_at: time::from_sql(&self.imported_at)?,
        })
    }
}

/// Reads a document from [`DOCUMENT_COLUMNS`].
pub(crate) fn document_from_row(r: &Row<'_>) -> Result<Document> {
    StoredDocument::from_row(r)?.into_document()
}

/// A document's date as stored (`YYYY-MM-DD`).
pub(crate) fn parse_date(date: Option<String>) -> Result<Option<NaiveDate>> {
    date.map(|d| {
        NaiveDate::parse_from_str(&d, "%Y-%m-%d")
            .map_err(|e| StoreError::Corrupt(format!("bad document date {d:?}: {e}")))
    })
    .transpose()
}

/// The columns [`summary_from_row`] reads: a document's row in the library, from
/// [`crate::library::LIBRARY_FROM`] (`documents d` with its kept annotation count).
pub(crate) const SUMMARY_COLUMNS: &str = "d.id AS id, d.title AS title, d.date AS date, \
     d.source AS source, d.imported_at AS imported_at, s.annotation_count AS annotation_count";

/// Reads a document without its text from [`SUMMARY_COLUMNS`].
pub(crate) fn summary_from_row(r: &Row<'_>) -> Result<DocumentSummary> {
    Ok(DocumentSummary {
        id: r.get("id")?,
        title: r.get("title")?,
        date: parse_date(r.get("date")?)?,
        source: r.get("source")?,
        annotation_count: r.get("annotation_count")?,
        imported_at: time::from_sql(&r.get::<_, String>("imported_at")?)?,
    })
}

/// The columns [`label_from_row`] reads.
pub(crate) const LABEL_COLUMNS: &str = "id, name, colour, hotkey, attributes";

/// Reads a label from [`LABEL_COLUMNS`].
pub(crate) fn label_from_row(r: &Row<'_>) -> Result<Label> {
    Ok(Label {
        id: r.get("id")?,
        name: r.get("name")?,
        colour: r.get("colour")?,
        hotkey: r.get("hotkey")?,
        attributes: serde_json::from_str(&r.get::<_, String>("attributes")?)?,
    })
}

/// The columns [`relation_type_from_row`] reads.
pub(crate) const RELATION_TYPE_COLUMNS: &str = "id, name, from_labels, to_labels";

/// Reads a relation type from [`RELATION_TYPE_COLUMNS`].
pub(crate) fn relation_type_from_row(r: &Row<'_>) -> Result<RelationType> {
    Ok(RelationType {
        id: r.get("id")?,
        name: r.get("name")?,
        from_labels: serde_json::from_str(&r.get::<_, String>("from_labels")?)?,
        to_labels: serde_json::from_str(&r.get::<_, String>("to_labels")?)?,
    })
}

/// The columns [`entity_from_row`] reads.
pub(crate) const ENTITY_COLUMNS: &str = "id, uid, kind, name";

/// Reads an entity from [`ENTITY_COLUMNS`], without its aliases (rows of `entity_aliases`,
/// which the caller adds).
pub(crate) fn entity_from_row(r: &Row<'_>) -> Result<Entity> {
    Ok(Entity {
        id: r.get("id")?,
        uid: r.get::<_, Option<String>>("uid")?.unwrap_or_default(),
        kind: crate::dataset::entity_kind(&r.get::<_, String>("kind")?)?,
        name: r.get("name")?,
        aliases: Vec::new(),
    })
}

/// The columns [`alias_from_row`] reads (of `entity_aliases`).
pub(crate) const ALIAS_COLUMNS: &str = "entity_id, alias";

/// Reads an entity's alias from [`ALIAS_COLUMNS`]: the entity's id and the alias.
pub(crate) fn alias_from_row(r: &Row<'_>) -> rusqlite::Result<(i64, String)> {
    Ok((r.get("entity_id")?, r.get("alias")?))
}

/// The columns [`StoredCoder::from_row`] reads (of `annotators`).
pub(crate) const CODER_COLUMNS: &str = "id, name, kind, created_at";

/// A coder as stored: `kind` is `coder` or `curated`.
pub(crate) struct StoredCoder {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub created_at: String,
}

impl StoredCoder {
    /// Reads [`CODER_COLUMNS`].
    pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<StoredCoder> {
        Ok(StoredCoder {
            id: r.get("id")?,
            name: r.get("name")?,
            kind: r.get("kind")?,
            created_at: r.get("created_at")?,
        })
    }
}

/// The columns [`coder_from_row`] reads, from `annotators c`: the coder (as
/// [`CODER_COLUMNS`]) and how much they coded.
pub(crate) const CODER_WITH_COUNTS_COLUMNS: &str = "c.id AS id, c.name AS name, c.kind AS kind,
        c.created_at AS created_at,
        (SELECT count(*) FROM annotations a WHERE a.annotator_id = c.id) AS annotations,
        (SELECT count(DISTINCT a.document_id) FROM annotations a
         WHERE a.annotator_id = c.id) AS documents,
        (SELECT count(*) FROM assignments s WHERE s.annotator_id = c.id) AS assigned,
        (SELECT count(*) FROM assignments s
         WHERE s.annotator_id = c.id AND s.done_at IS NOT NULL) AS done";

/// Reads a coder with their counts from [`CODER_WITH_COUNTS_COLUMNS`].
pub(crate) fn coder_from_row(r: &Row<'_>) -> rusqlite::Result<Coder> {
    let coder = StoredCoder::from_row(r)?;
    Ok(Coder {
        id: coder.id,
        name: coder.name,
        curated: coder.kind == "curated",
        annotations: r.get("annotations")?,
        documents: r.get("documents")?,
        assigned: r.get("assigned")?,
        done: r.get("done")?,
    })
}
