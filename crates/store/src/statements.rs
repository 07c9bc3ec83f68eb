//! Statements kept beside the coding (schema 10): each coded document's statements as the core's
//! rule derived them, so the Analysis views read 100,000 statements as rows of one table instead
//! of deriving them from every annotation and link at each opening.
//!
//! Triggers mark a document whose coding changes, whichever path changes it; a read derives a
//! marked document's statements afresh, so what is read never depends on the kept rows being
//! current. Before reading, the marked documents' rows are derived again and stored (when the
//! project can be written): the work of an edit is paid at the next read, once.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;

use rusqlite::{Connection, OptionalExtension};

use claimdesk_core::dataset::{DocumentRecord, ProjectInfo, Scope};
use claimdesk_core::statement::Statement;

use crate::dataset::{coded_scope_documents, Reader, CODING_AT_ONCE};
use crate::error::Result;
use crate::open::Project;
use crate::rows::parse_date;

/// A statement as kept: named by its annotations' own quotes and entity ids, not yet by names.
struct Kept {
    actor_annotation_id: i64,
    actor_entity_id: Option<i64>,
    actor_quote: String,
    claim_annotation_id: i64,
    concept_entity_id: Option<i64>,
    claim_quote: String,
    stance: Option<String>,
    position_annotation_id: Option<i64>,
}

impl Project {
    /// The statements of every document in `scope`, by document in id order, as the core's rule
    /// derives them, from one consistent snapshot.
    pub fn statements(&self, scope: &Scope) -> Result<Vec<Statement>> {
        // A scope that keeps some annotations and not others changes what a document's
        // statements are: derived from what it keeps.
        if scope.labels.is_some() || scope.annotators.is_some() || scope.seen_by.is_some() {
            return self.derived_statements(scope);
        }
        // Keeping them current is only quicker: a project that cannot be written now (read
        // only, or another process writing) is read with its marked documents derived.
        let _ = self.refresh_statements();
        self.in_snapshot(|| read_kept(&self.conn, scope))
    }

    /// The statements of `scope`, derived from the coding of each document (what
    /// [`Project::statements`] answers, without the kept rows).
    pub fn derived_statements(&self, scope: &Scope) -> Result<Vec<Statement>> {
        let mut out = Vec::new();
        self.in_snapshot(|| self.each_coded(scope, |_, statements| out.extend(statements)))?;
        Ok(out)
    }

    /// Derives and stores the statements of the documents whose coding changed since they were
    /// last kept; answers how many documents that was. A few hundred documents a transaction:
    /// after an upgrade or another program's import, the work of a whole corpus never holds the
    /// write lock for more than a moment, and an edit waits for one part at most.
    pub fn refresh_statements(&self) -> Result<usize> {
        let mut refreshed = 0;
        loop {
            // Most reads find nothing marked: they take no write lock.
            let marked: bool =
                self.conn
                    .query_row("SELECT EXISTS (SELECT 1 FROM statements_stale)", [], |r| {
                        r.get(0)
                    })?;
            if !marked {
                return Ok(refreshed);
            }
            let before = self.conn.total_changes();
            // Not worth a wait: while another program writes, a reader derives what is marked.
            self.conn.busy_handler(None)?;
            let began = self.conn.execute_batch("BEGIN IMMEDIATE");
            self.conn.busy_handler(Some(crate::open::wait_for_turn))?;
            began?;
            let done = refresh(&self.conn, Some(CODING_AT_ONCE));
            let end = match done {
                Ok(_) => self.conn.execute_batch("COMMIT"),
                Err(_) => self.conn.execute_batch("ROLLBACK"),
            };
            // Kept rows are not a change of the project: its change stamp leaves them out.
            let derived = self.conn.total_changes().saturating_sub(before);
            self.derived_changes
                .fetch_add(derived as i64, Ordering::Relaxed);
            refreshed += done?;
            end?;
        }
    }
}

/// Derives and stores, in the transaction under way, the statements of the marked documents
/// (`most` of them, or all).
pub(crate) fn refresh(conn: &Connection, most: Option<usize>) -> Result<usize> {
    let limit = most.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    let marked: Vec<i64> = conn
        .prepare("SELECT document_id FROM statements_stale ORDER BY document_id LIMIT ?1")?
        .query_map([limit], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if marked.is_empty() {
        return Ok(0);
    }
    let reader = Reader::coding(conn, &Scope::everything())?;
    // Names are left to the reading: derived without entities, an actor is named by its quote.
    let unnamed = ProjectInfo::default();
    let mut drop_rows = conn.prepare_cached("DELETE FROM statement_rows WHERE document_id = ?1")?;
    let mut unmark = conn.prepare_cached("DELETE FROM statements_stale WHERE document_id = ?1")?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO statement_rows (document_id, seq, actor_annotation_id, actor_entity_id,
             actor_quote, claim_annotation_id, concept_entity_id, claim_quote, stance,
             position_annotation_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for batch in marked.chunks(CODING_AT_ONCE) {
        for &id in batch {
            drop_rows.execute([id])?;
            unmark.execute([id])?;
        }
        for doc in reader.documents(&existing(conn, batch)?)? {
            for (seq, kept) in kept_of(&doc, &unnamed).into_iter().enumerate() {
                insert.execute(rusqlite::params![
                    doc.id,
                    seq as i64,
                    kept.actor_annotation_id,
                    kept.actor_entity_id,
                    kept.actor_quote,
                    kept.claim_annotation_id,
                    kept.concept_entity_id,
                    kept.claim_quote,
                    kept.stance,
                    kept.position_annotation_id,
                ])?;
            }
        }
    }
    Ok(marked.len())
}

/// Those of `ids` that are documents of the project (a marked one may have been deleted).
fn existing(conn: &Connection, ids: &[i64]) -> Result<Vec<i64>> {
    let mut exists =
        conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM documents WHERE id = ?1)")?;
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        if exists.query_row([id], |r| r.get::<_, bool>(0))? {
            out.push(id);
        }
    }
    Ok(out)
}

/// A kept statement named: its actor and concept by their entity when it exists (as the core
/// names them), else by their quotes; with its document's date, source and title.
fn named(
    kept: Kept,
    names: &HashMap<i64, String>,
    document_id: i64,
    date: Option<chrono::NaiveDate>,
    source: &Option<String>,
    title: &str,
) -> Statement {
    let name = |entity: Option<i64>, quote: String| match entity.and_then(|id| names.get(&id)) {
        Some(name) => (name.clone(), entity),
        None => (quote, None),
    };
    let (actor, actor_entity_id) = name(kept.actor_entity_id, kept.actor_quote);
    let (concept, concept_entity_id) = name(kept.concept_entity_id, kept.claim_quote);
    Statement {
        document_id,
        date,
        source: source.clone(),
        title: title.to_string(),
        actor,
        actor_entity_id,
        actor_annotation_id: kept.actor_annotation_id,
        concept,
        concept_entity_id,
        claim_annotation_id: kept.claim_annotation_id,
        stance: kept.stance,
        position_annotation_id: kept.position_annotation_id,
    }
}

/// A document's statements with their annotations' own quotes and entity ids.
fn kept_of(doc: &DocumentRecord, unnamed: &ProjectInfo) -> Vec<Kept> {
    let entity_of = |id: i64| doc.annotation(id).and_then(|a| a.entity_id);
    claimdesk_core::statement::statements(doc, unnamed)
        .into_iter()
        .map(|s| Kept {
            actor_entity_id: entity_of(s.actor_annotation_id),
            actor_annotation_id: s.actor_annotation_id,
            actor_quote: s.actor,
            concept_entity_id: entity_of(s.claim_annotation_id),
            claim_annotation_id: s.claim_annotation_id,
            claim_quote: s.concept,
            stance: s.stance,
            position_annotation_id: s.position_annotation_id,
        })
        .collect()
}

/// The statements of the coded documents of `scope` (a scope of documents, not of annotations):
/// the kept rows, and marked documents derived.
fn read_kept(conn: &Connection, scope: &Scope) -> Result<Vec<Statement>> {
    let names: HashMap<i64, String> = conn
        .prepare("SELECT id, name FROM entities")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let marked: HashSet<i64> = conn
        .prepare("SELECT document_id FROM statements_stale")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let in_scope: Option<HashSet<i64>> = if scope.is_everything() {
        None
    } else {
        Some(coded_scope_documents(conn, scope)?.into_iter().collect())
    };
    let wanted = |id: i64| in_scope.as_ref().is_none_or(|ids| ids.contains(&id));

    let mut out = Vec::new();
    let mut document =
        conn.prepare_cached("SELECT date, source, title FROM documents WHERE id = ?1")?;
    let mut meta: Option<(i64, Option<chrono::NaiveDate>, Option<String>, String)> = None;
    let mut stmt = conn.prepare(
        "SELECT document_id, actor_annotation_id, actor_entity_id, actor_quote,
                claim_annotation_id, concept_entity_id, claim_quote, stance, position_annotation_id
         FROM statement_rows ORDER BY document_id, seq",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let document_id: i64 = r.get(0)?;
        if marked.contains(&document_id) || !wanted(document_id) {
            continue;
        }
        if meta.as_ref().is_none_or(|m| m.0 != document_id) {
            // A row of a deleted document (its mark met by the next refresh) is not read.
            let Some(found) = document
                .query_row([document_id], |d| {
                    Ok((d.get::<_, Option<String>>(0)?, d.get(1)?, d.get(2)?))
                })
                .optional()?
            else {
                continue;
            };
            meta = Some((document_id, parse_date(found.0)?, found.1, found.2));
        }
        let Some((_, date, source, title)) = &meta else {
            continue;
        };
        let kept = Kept {
            actor_annotation_id: r.get(1)?,
            actor_entity_id: r.get(2)?,
            actor_quote: r.get(3)?,
            claim_annotation_id: r.get(4)?,
            concept_entity_id: r.get(5)?,
            claim_quote: r.get(6)?,
            stance: r.get(7)?,
            position_annotation_id: r.get(8)?,
        };
        out.push(named(kept, &names, document_id, *date, source, title));
    }

    // Documents changed since their rows were kept: derived here, named as the rows are, and put
    // in their place.
    let mut fresh: Vec<i64> = marked.into_iter().filter(|&id| wanted(id)).collect();
    if !fresh.is_empty() {
        fresh.sort_unstable();
        let reader = Reader::coding(conn, &Scope::everything())?;
        let unnamed = ProjectInfo::default();
        for batch in existing(conn, &fresh)?.chunks(CODING_AT_ONCE) {
            for doc in reader.documents(batch)? {
                for kept in kept_of(&doc, &unnamed) {
                    out.push(named(
                        kept,
                        &names,
                        doc.id,
                        doc.date,
                        &doc.source,
                        &doc.title,
                    ));
                }
            }
        }
        // Stable: each document's statements keep their order.
        out.sort_by_key(|s| s.document_id);
    }
    Ok(out)
}
