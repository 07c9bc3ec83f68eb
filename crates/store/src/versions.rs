//! New versions of a document's text: its annotations re-anchored, those that cannot be placed
//! kept as orphans for the analyst.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use claimdesk_core::anchor::{reanchor, How, Placement};
use claimdesk_core::annotation::CONTEXT_CHARS;
use claimdesk_core::document::sha256_hex;
use claimdesk_core::{Annotation, Change, OffsetError, Relation, Span, TextIndex};

use crate::annotations::{
    annotations_where, insert_annotation, insert_relation, relations_touching,
};
use crate::documents::read_text;
use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::rows::{orphan_from_row, ORPHAN_COLUMNS};
use crate::time;

/// What replacing a document's text did to its annotations.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReplaceReport {
    pub document_id: i64,
    /// Annotations over the very same characters (perhaps at other offsets).
    pub kept: usize,
    /// Annotations whose text differs in whitespace, quote marks or a few characters.
    pub adjusted: usize,
    /// Annotations found elsewhere by their text and the text around it.
    pub found: usize,
    /// Annotations that could not be placed, set aside as orphans.
    pub orphaned: Vec<OrphanSummary>,
}

/// One annotation set aside, for the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrphanSummary {
    pub annotation_id: i64,
    pub quote: String,
    pub reason: String,
}

/// An annotation set aside because it could not be placed on a new text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Orphan {
    /// The annotation as it was on the old text (its offsets are into that text).
    pub annotation: Annotation,
    /// Its links, brought back when it is placed.
    pub relations: Vec<Relation>,
    pub reason: String,
    pub orphaned_at: DateTime<Utc>,
}

impl Project {
    /// Replaces a document's text with a new version and re-anchors every annotation (of every
    /// coder) onto it; those that cannot be placed with confidence become orphans. One step:
    /// undo brings back the old text and every annotation where it was.
    pub fn replace_text(
        &mut self,
        document_id: i64,
        text: &str,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<ReplaceReport> {
        let tx = self.conn.transaction()?;
        let (old, change, report) = plan(&tx, document_id, text, now)?;
        drop(old);
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(report)
    }

    /// The orphans of a document, oldest first.
    pub fn orphans(&self, document_id: i64) -> Result<Vec<Orphan>> {
        crate::annotations::ensure_document(&self.conn, document_id)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ORPHAN_COLUMNS} FROM orphans
             WHERE document_id = ?1 ORDER BY orphaned_at, id"
        ))?;
        let rows = stmt.query_map([document_id], |r| Ok(orphan_from_row(r)))?;
        rows.map(|row| row?).collect()
    }

    /// Places an orphan by hand at `start..end` (code points of the document's current text):
    /// it is an annotation again, with its label, attributes, note, entity and the links whose
    /// other end is there. One undoable step.
    pub fn place_orphan(
        &mut self,
        annotation_id: i64,
        start: usize,
        end: usize,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Annotation> {
        self.place_orphan_located(annotation_id, |_| Span::new(start, end), annotator_id, now)
    }

    /// As [`Project::place_orphan`], with the span found by `locate` in the document's indexed
    /// text (a caller holding UTF-16 offsets converts them there).
    pub fn place_orphan_located(
        &mut self,
        annotation_id: i64,
        locate: impl FnOnce(&TextIndex<'_>) -> std::result::Result<Span, OffsetError>,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Annotation> {
        let tx = self.conn.transaction()?;
        let orphan = read_orphan(&tx, annotation_id)?;
        let text = read_text(&tx, orphan.annotation.document_id)?;
        let label_there = tx
            .query_row(
                "SELECT 1 FROM labels WHERE id = ?1",
                [orphan.annotation.label_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !label_there {
            return Err(StoreError::BadEdit(
                "its label has been deleted: undo the label's deletion to place it, or delete the orphan"
                    .into(),
            ));
        }
        let index = TextIndex::new(&text);
        let span = locate(&index)?;
        let mut after = orphan.annotation.clone();
        place(&index, &mut after, span.start(), span.end())?;
        after.updated_at = now;
        let change = Change::Several {
            changes: vec![
                Change::OrphanRestored {
                    annotation: orphan.annotation.clone(),
                    relations: orphan.relations,
                    reason: orphan.reason,
                },
                Change::AnnotationUpdated {
                    before: orphan.annotation,
                    after: after.clone(),
                },
            ],
        };
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(after)
    }

    /// Deletes an orphan (and the links it kept) for good. One undoable step.
    pub fn delete_orphan(
        &mut self,
        annotation_id: i64,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let orphan = read_orphan(&tx, annotation_id)?;
        let change = Change::OrphanDeleted {
            annotation: orphan.annotation,
            relations: orphan.relations,
            reason: orphan.reason,
        };
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(())
    }
}

/// Works out the step that replaces the text: orphans set aside, the text, annotations moved.
pub(crate) fn plan(
    tx: &Connection,
    document_id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(String, Change, ReplaceReport)> {
    let old = read_text(tx, document_id)?;
    if text.trim().is_empty() {
        return Err(StoreError::BadEdit("the new text is empty".into()));
    }
    if text == old {
        return Err(StoreError::BadEdit(
            "the new text is the same as the document's; nothing changed".into(),
        ));
    }
    let sha = sha256_hex(text);
    let twin: Option<i64> = tx
        .query_row(
            "SELECT id FROM documents WHERE sha256 = ?1 AND id != ?2",
            (&sha, document_id),
            |r| r.get(0),
        )
        .optional()?;
    if let Some(twin) = twin {
        return Err(StoreError::BadEdit(format!(
            "the new text is already the text of document {twin}"
        )));
    }
    let annotations = annotations_where(tx, "document_id = ?1", document_id)?;
    let spans: Vec<(usize, usize)> = annotations.iter().map(|a| (a.start, a.end)).collect();
    let placements = reanchor(&old, text, &spans);
    let index = TextIndex::new(text);
    let mut report = ReplaceReport {
        document_id,
        ..ReplaceReport::default()
    };
    let mut orphaned = Vec::new();
    let mut moved = Vec::new();
    for (annotation, placement) in annotations.into_iter().zip(placements) {
        match placement {
            Placement::Placed { start, end, how } => {
                match how {
                    How::Unchanged => report.kept += 1,
                    How::Normalised | How::Edited => report.adjusted += 1,
                    How::Found | How::Fuzzy => report.found += 1,
                }
                let mut after = annotation.clone();
                place(&index, &mut after, start, end)?;
                if after != annotation {
                    after.updated_at = now;
                    moved.push(Change::AnnotationUpdated {
                        before: annotation,
                        after,
                    });
                }
            }
            Placement::Orphaned { reason } => {
                report.orphaned.push(OrphanSummary {
                    annotation_id: annotation.id,
                    quote: annotation.quote.clone(),
                    reason: reason.describe().to_string(),
                });
                let relations = relations_touching(tx, annotation.id)?;
                orphaned.push(Change::AnnotationOrphaned {
                    annotation,
                    relations,
                    reason: reason.describe().to_string(),
                });
            }
        }
    }
    let mut changes = orphaned;
    changes.push(Change::TextReplaced {
        document_id,
        before: old.clone(),
        after: text.to_string(),
    });
    changes.extend(moved);
    Ok((old, Change::Several { changes }, report))
}

/// Sets an annotation's offsets, quote and context on a text.
pub(crate) fn place(
    index: &TextIndex<'_>,
    annotation: &mut Annotation,
    start: usize,
    end: usize,
) -> Result<()> {
    let span = index.check(Span::new(start, end)?)?;
    if span.is_empty() {
        return Err(StoreError::EmptySpan);
    }
    let (prefix, suffix) = index.context(span, CONTEXT_CHARS)?;
    annotation.start = span.start();
    annotation.end = span.end();
    annotation.quote = index.slice(span)?.to_string();
    annotation.prefix = prefix.to_string();
    annotation.suffix = suffix.to_string();
    Ok(())
}

fn read_orphan(tx: &Connection, annotation_id: i64) -> Result<Orphan> {
    tx.query_row(
        &format!("SELECT {ORPHAN_COLUMNS} FROM orphans WHERE id = ?1"),
        [annotation_id],
        |r| Ok(orphan_from_row(r)),
    )
    .optional()?
    .ok_or(StoreError::UnknownAnnotation(annotation_id))?
}

/// Checks that annotations about to come back lie on their quotes in their documents' texts
/// as they are now (a text replaced since they went may no longer have them there).
pub(crate) fn check_quotes(tx: &Connection, annotations: &[Annotation]) -> Result<()> {
    // A document's text is read and indexed once, however many of its annotations come back,
    // and kept for the next call by the digest of the text: a run of changes on one document
    // (another coder's coding, pulled) reads it once.
    let mut by_document: Vec<&Annotation> = annotations.iter().collect();
    by_document.sort_by_key(|a| a.document_id);
    for group in by_document.chunk_by(|a, b| a.document_id == b.document_id) {
        let text = indexed_text(tx, group[0].document_id)?;
        for a in group {
            let fits = text
                .slice(a.start, a.end)
                .is_some_and(|quote| quote == a.quote);
            if !fits {
                return Err(StoreError::Overtaken(format!(
                    "annotation {} no longer fits the text of document {}",
                    a.id, a.document_id
                )));
            }
        }
    }
    Ok(())
}

/// A text with the byte offset of each code point (one more for the end).
struct IndexedText {
    sha256: String,
    text: String,
    byte: Vec<u32>,
}

impl IndexedText {
    fn slice(&self, start: usize, end: usize) -> Option<&str> {
        let (from, to) = (*self.byte.get(start)?, *self.byte.get(end)?);
        (start <= end).then(|| &self.text[from as usize..to as usize])
    }
}

thread_local! {
    /// The text last checked against, on this thread.
    static LAST_TEXT: std::cell::RefCell<Option<std::rc::Rc<IndexedText>>> =
        const { std::cell::RefCell::new(None) };
}

fn indexed_text(tx: &Connection, document_id: i64) -> Result<std::rc::Rc<IndexedText>> {
    let sha256: String = tx
        .prepare_cached("SELECT sha256 FROM documents WHERE id = ?1")?
        .query_row([document_id], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::UnknownDocument(document_id))?;
    if let Some(last) = LAST_TEXT.with(|l| l.borrow().clone()) {
        if last.sha256 == sha256 {
            return Ok(last);
        }
    }
    let text = read_text(tx, document_id)?;
    let mut byte: Vec<u32> = text.char_indices().map(|(b, _)| b as u32).collect();
    byte.push(text.len() as u32);
    let indexed = std::rc::Rc::new(IndexedText { sha256, text, byte });
    LAST_TEXT.with(|l| *l.borrow_mut() = Some(indexed.clone()));
    Ok(indexed)
}

/// Checks that every annotation of a document lies on its quote in the document's text.
pub(crate) fn check_fit(tx: &Connection, document_id: i64) -> Result<()> {
    check_quotes(tx, &annotations_where(tx, "document_id = ?1", document_id)?)
}

/// Applies the changes of this module to the data tables.
pub(crate) fn apply(tx: &Connection, change: &Change, now: DateTime<Utc>) -> Result<()> {
    match change {
        Change::TextReplaced {
            document_id,
            before,
            after,
        } => {
            let title: String = tx
                .query_row(
                    "SELECT title FROM documents WHERE id = ?1 AND sha256 = ?2",
                    (document_id, sha256_hex(before)),
                    |r| r.get(0),
                )
                .optional()?
                // The text is not the one this change replaces: someone changed it since.
                .ok_or(StoreError::UnknownDocument(*document_id))?;
            tx.execute(
                "UPDATE documents SET text = ?2, sha256 = ?3, char_count = ?4 WHERE id = ?1",
                (
                    document_id,
                    after,
                    sha256_hex(after),
                    after.chars().count() as i64,
                ),
            )?;
            // A change another copy of a team project made on the text before still finds the
            // document (`document:SHA`), and the text it was made on (`document-text:SHA`).
            let (old_sha, new_sha) = (sha256_hex(before), sha256_hex(after));
            for (key, target) in [
                (format!("document:{old_sha}"), new_sha.as_str()),
                (format!("document-text:{old_sha}"), before.as_str()),
            ] {
                tx.execute(
                    "INSERT INTO replica_aliases (key, target) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET target = excluded.target",
                    (key, target),
                )?;
            }
            tx.execute(
                "DELETE FROM replica_aliases WHERE key = ?1",
                [format!("document:{new_sha}")],
            )?;
            // What the finder found was found on the other text: found again when asked.
            tx.execute(
                "DELETE FROM suggestions WHERE document_id = ?1",
                [document_id],
            )?;
            // The full-text index, if it already holds this document.
            if *document_id <= crate::import::index_watermark(tx)? {
                tx.execute(
                    "INSERT INTO documents_fts (documents_fts, rowid, title, text)
                     VALUES ('delete', ?1, ?2, ?3)",
                    (document_id, &title, before),
                )?;
                tx.execute(
                    "INSERT INTO documents_fts (rowid, title, text) VALUES (?1, ?2, ?3)",
                    (document_id, &title, after),
                )?;
            }
        }
        Change::OrphanDeleted { annotation, .. } => {
            if tx.execute("DELETE FROM orphans WHERE id = ?1", [annotation.id])? == 0 {
                return Err(StoreError::UnknownAnnotation(annotation.id));
            }
        }
        Change::AnnotationOrphaned {
            annotation,
            relations,
            reason,
        }
        | Change::OrphanRecreated {
            annotation,
            relations,
            reason,
        } => {
            // Its relations go with it (ON DELETE CASCADE) and are kept in the orphan.
            if matches!(change, Change::AnnotationOrphaned { .. }) {
                crate::annotations::delete_annotation_row(tx, annotation.id)?;
            }
            crate::rows::insert_orphan(tx, annotation, relations, reason, &time::to_sql(now))?;
        }
        Change::OrphanRestored {
            annotation,
            relations,
            ..
        } => {
            if tx.execute("DELETE FROM orphans WHERE id = ?1", [annotation.id])? == 0 {
                return Err(StoreError::UnknownAnnotation(annotation.id));
            }
            insert_annotation(tx, annotation, Some(annotation.id))?;
            // The links whose other end is there (an orphan's partner may still be an orphan:
            // the link comes back with whichever of the two returns last).
            for relation in relations {
                let (ends, same, id_taken): (i64, bool, bool) = tx.query_row(
                    "SELECT (SELECT count(*) FROM annotations WHERE id IN (?1, ?2)),
                            EXISTS (SELECT 1 FROM relations WHERE uid = ?3),
                            EXISTS (SELECT 1 FROM relations WHERE id = ?4)",
                    (relation.from_id, relation.to_id, &relation.uid, relation.id),
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?;
                if ends < 2 || same {
                    continue;
                }
                // Its id may have gone to a link drawn while it was set aside.
                let mut relation = relation.clone();
                if id_taken {
                    relation.id = crate::annotations::next_relation_id(tx)?;
                }
                insert_relation(tx, &relation)?;
            }
        }
        _ => unreachable!("not a change of a document's text"),
    }
    Ok(())
}
