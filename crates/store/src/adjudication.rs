//! Adjudication: settling the coders' disagreements on a document into the curated layer.
//!
//! The curated layer is a coder of its own kind ([`crate::CURATED`]): its annotations are
//! copies of the coders' accepted ones, so the reader, statements, networks and exports treat
//! it like any coder. Each step — accepting what the coders agree on, accepting one coder's
//! version of a disagreement, rejecting them all — is one undoable change by the adjudicator,
//! who is the one whose Ctrl+Z takes it back.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use claimdesk_core::adjudication::{plan, CodedSpan, Plan, Rule, Unit};
use claimdesk_core::{Annotation, Change, Decision, Relation};

use crate::annotations::{annotations_where, insert_annotation, insert_relation, relations_where};
use crate::error::{Result, StoreError};
use crate::open::Project;

/// A document's coding sorted out for adjudication, with what has been decided.
#[derive(Clone, Debug, PartialEq)]
pub struct Adjudication {
    pub document_id: i64,
    /// The coders compared, ascending by id.
    pub coders: Vec<i64>,
    pub plan: Plan,
    /// For each disagreement of the plan, how it was settled (`None`: not yet).
    pub decisions: Vec<Option<Decision>>,
    /// Agreed units not in the curated layer yet.
    pub agreed_pending: usize,
    /// The curated layer's own annotations of the document.
    pub curated: Vec<Annotation>,
    /// Whether the document was marked adjudicated.
    pub finished: bool,
}

impl Project {
    /// The coders of a document worth comparing: everyone but the curated layer who annotated
    /// it or marked it done.
    pub fn document_coders(&self, document_id: i64) -> Result<Vec<i64>> {
        document_coders(&self.conn, document_id)
    }

    /// Where `coders` (default: all of the document's coders) agree and disagree on a
    /// document under `rule`, and what has been decided so far.
    pub fn adjudication(
        &self,
        document_id: i64,
        coders: Option<&[i64]>,
        rule: Rule,
    ) -> Result<Adjudication> {
        adjudication(&self.conn, document_id, coders, rule)
    }

    /// Copies every agreed unit not yet in the curated layer into it, as one step. Answers the
    /// change (`None` when there was nothing to copy).
    pub fn accept_agreed(
        &mut self,
        document_id: i64,
        coders: Option<&[i64]>,
        rule: Rule,
        adjudicator: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Change>> {
        let tx = self.conn.transaction()?;
        let state = adjudication(&tx, document_id, coders, rule)?;
        if state.agreed_pending == 0 {
            return Ok(None);
        }
        let curated = crate::coders::curated_coder(&tx, now)?;
        let units: Vec<&Unit> = state
            .plan
            .agreed
            .iter()
            .map(|&i| &state.plan.units[i])
            .collect();
        let changes = copy_units(&tx, &units, curated, now)?;
        if changes.is_empty() {
            return Ok(None);
        }
        let change = Change::Several { changes };
        crate::history::record(&tx, &change, adjudicator, now)?;
        tx.commit()?;
        Ok(Some(change))
    }

    /// Settles the disagreement at `disagreement` (its index in the plan): the version of
    /// `accepted` (a coder id) goes into the curated layer, or with `None` nothing does.
    /// Refused when it was settled already (undo that first).
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
        &mut self,
        document_id: i64,
        coders: Option<&[i64]>,
        rule: Rule,
        disagreement: usize,
        accepted: Option<i64>,
        adjudicator: i64,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        let tx = self.conn.transaction()?;
        let state = adjudication(&tx, document_id, coders, rule)?;
        let d = state.plan.disagreements.get(disagreement).ok_or_else(|| {
            StoreError::BadCoder(format!(
                "the document has {} disagreements; there is no number {}",
                state.plan.disagreements.len(),
                disagreement + 1
            ))
        })?;
        if state.decisions[disagreement].is_some() {
            return Err(StoreError::BadCoder(
                "this disagreement was settled already; undo (Ctrl+Z) to settle it again".into(),
            ));
        }
        let mut changes = Vec::new();
        let accepted_name = match accepted {
            Some(coder) => {
                let (_, version) =
                    d.versions
                        .iter()
                        .find(|(c, _)| *c == coder)
                        .ok_or_else(|| {
                            StoreError::BadCoder("that coder did not code this document".into())
                        })?;
                let curated = crate::coders::curated_coder(&tx, now)?;
                let units: Vec<&Unit> = version.iter().map(|&i| &state.plan.units[i]).collect();
                changes = copy_units(&tx, &units, curated, now)?;
                Some(crate::coders::name_of(&tx, coder)?)
            }
            None => None,
        };
        let decision = Decision {
            document_id,
            start: d.start,
            end: d.end,
            accepted: accepted_name,
        };
        let record = Change::DecisionRecorded { decision };
        apply(&tx, &record)?;
        changes.push(record);
        let change = Change::Several { changes };
        crate::history::record(&tx, &change, adjudicator, now)?;
        tx.commit()?;
        Ok(change)
    }

    /// Marks the document adjudicated (blind mode then shows every coder's work on it), or not
    /// adjudicated again.
    pub fn finish_adjudication(
        &mut self,
        document_id: i64,
        finished: bool,
        adjudicator: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        crate::annotations::ensure_document(&self.conn, document_id)?;
        if finished {
            self.conn.execute(
                "INSERT INTO adjudications (document_id, annotator_id, adjudicated_at)
                 VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                (document_id, adjudicator, crate::time::to_sql(now)),
            )?;
        } else {
            self.conn.execute(
                "DELETE FROM adjudications WHERE document_id = ?1",
                [document_id],
            )?;
        }
        Ok(())
    }
}

fn adjudication(
    conn: &rusqlite::Connection,
    document_id: i64,
    coders: Option<&[i64]>,
    rule: Rule,
) -> Result<Adjudication> {
    crate::annotations::ensure_document(conn, document_id)?;
    let all = annotations_where(conn, "document_id = ?1", document_id)?;
    let curated_id: Option<i64> = conn
        .query_row(
            "SELECT id FROM annotators WHERE kind = 'curated'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let coders = match coders {
        Some(c) => c.to_vec(),
        None => document_coders(conn, document_id)?,
    };
    let spans: Vec<CodedSpan> = all
        .iter()
        .filter(|a| Some(a.annotator_id) != curated_id)
        .map(|a| CodedSpan {
            annotation_id: a.id,
            coder: a.annotator_id,
            label_id: a.label_id,
            start: a.start,
            end: a.end,
            attributes: a.attributes.clone(),
        })
        .collect();
    let plan = plan(&spans, &coders, rule);
    let curated: Vec<Annotation> = all
        .into_iter()
        .filter(|a| Some(a.annotator_id) == curated_id)
        .collect();
    let agreed_pending = plan
        .agreed
        .iter()
        .filter(|&&i| !in_layer(&curated, &plan.units[i]))
        .count();
    let mut decisions = Vec::with_capacity(plan.disagreements.len());
    let mut stmt = conn.prepare_cached(
        "SELECT accepted FROM adjudication_decisions
         WHERE document_id = ?1 AND start = ?2 AND end = ?3",
    )?;
    for d in &plan.disagreements {
        let accepted: Option<Option<String>> = stmt
            .query_row((document_id, d.start as i64, d.end as i64), |r| r.get(0))
            .optional()?;
        decisions.push(accepted.map(|accepted| Decision {
            document_id,
            start: d.start,
            end: d.end,
            accepted,
        }));
    }
    let finished = conn
        .prepare_cached("SELECT 1 FROM adjudications WHERE document_id = ?1")?
        .exists([document_id])?;
    let mut coders = coders;
    coders.sort_unstable();
    Ok(Adjudication {
        document_id,
        coders,
        plan,
        decisions,
        agreed_pending,
        curated,
        finished,
    })
}

fn document_coders(conn: &rusqlite::Connection, document_id: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM annotators WHERE kind = 'coder' AND id IN (
             SELECT annotator_id FROM annotations WHERE document_id = ?1
             UNION SELECT annotator_id FROM assignments
             WHERE document_id = ?1 AND done_at IS NOT NULL)
         ORDER BY id",
    )?;
    let ids = stmt
        .query_map([document_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// Whether the curated layer already has the unit (label, span and attribute values).
fn in_layer(curated: &[Annotation], unit: &Unit) -> bool {
    curated.iter().any(|a| {
        a.label_id == unit.label_id
            && a.start == unit.start
            && a.end == unit.end
            && a.attributes == unit.attributes
    })
}

/// Copies units into the curated layer (those it lacks), with the links the coder drew between
/// annotations whose counterparts are in the layer; applied, and answered as changes.
fn copy_units(
    tx: &Connection,
    units: &[&Unit],
    curated: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Change>> {
    let mut changes = Vec::new();
    // Each source annotation with its curated copy.
    let mut copied: Vec<(i64, i64)> = Vec::new();
    // The layer as it is in the document, read once and kept up to date with the copies.
    let mut layer: Option<Vec<Annotation>> = None;
    for unit in units {
        let Some(&source_id) = unit.annotations.first() else {
            continue;
        };
        let source = crate::annotations::read_annotation_by_id(tx, source_id)?;
        let layer = match &mut layer {
            Some(layer) => layer,
            None => layer.insert(
                annotations_where(tx, "document_id = ?1", source.document_id)?
                    .into_iter()
                    .filter(|a| a.annotator_id == curated)
                    .collect(),
            ),
        };
        if in_layer(layer, unit) {
            continue;
        }
        let mut copy = Annotation {
            id: 0,
            uid: crate::uid::new(),
            annotator_id: curated,
            created_at: now,
            updated_at: now,
            ..source
        };
        copy.id = insert_annotation(tx, &copy, None)?;
        copied.push((source_id, copy.id));
        layer.push(copy.clone());
        changes.push(Change::AnnotationCreated {
            annotation: copy,
            relations: Vec::new(),
        });
    }
    // Links: a source's relation whose other end has a counterpart in the layer.
    for &(source_id, copy_id) in &copied {
        let source = crate::annotations::read_annotation_by_id(tx, source_id)?;
        for r in relations_where(tx, "from_id = ?1 OR to_id = ?1", source_id)? {
            let other = if r.from_id == source_id {
                r.to_id
            } else {
                r.from_id
            };
            let Some(counterpart) = counterpart(tx, other, curated)? else {
                continue;
            };
            let (from, to) = if r.from_id == source_id {
                (copy_id, counterpart)
            } else {
                (counterpart, copy_id)
            };
            let exists = tx
                .prepare_cached(
                    "SELECT 1 FROM relations WHERE from_id = ?1 AND to_id = ?2 AND kind = ?3",
                )?
                .exists((from, to, &r.kind))?;
            if exists {
                continue;
            }
            let id = crate::annotations::next_relation_id(tx)?;
            let relation = Relation {
                id,
                uid: crate::uid::new(),
                kind: r.kind.clone(),
                from_id: from,
                to_id: to,
                annotator_id: curated,
                created_at: now,
            };
            insert_relation(tx, &relation)?;
            changes.push(Change::RelationCreated {
                relation,
                document_id: source.document_id,
            });
        }
    }
    Ok(changes)
}

/// The curated layer's annotation with the same label, span and attribute values as
/// annotation `id`.
fn counterpart(tx: &Connection, id: i64, curated: i64) -> Result<Option<i64>> {
    Ok(tx
        .prepare_cached(
            "SELECT c.id FROM annotations a JOIN annotations c
               ON c.document_id = a.document_id AND c.start = a.start AND c.end = a.end
              AND c.label_id = a.label_id AND c.attributes = a.attributes
             WHERE a.id = ?1 AND c.annotator_id = ?2
             LIMIT 1",
        )?
        .query_row((id, curated), |r| r.get(0))
        .optional()?)
}

/// Applies a decision's recording or removal.
pub(crate) fn apply(tx: &Connection, change: &Change) -> Result<()> {
    match change {
        Change::DecisionRecorded { decision: d } => {
            tx.execute(
                "INSERT INTO adjudication_decisions (document_id, start, end, accepted)
                 VALUES (?1, ?2, ?3, ?4)",
                (d.document_id, d.start as i64, d.end as i64, &d.accepted),
            )?;
        }
        Change::DecisionRemoved { decision: d } => {
            tx.execute(
                "DELETE FROM adjudication_decisions WHERE document_id = ?1 AND start = ?2 AND end = ?3",
                (d.document_id, d.start as i64, d.end as i64),
            )?;
        }
        _ => {}
    }
    Ok(())
}
