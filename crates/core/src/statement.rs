//! Statements: the unit of discourse-network analysis — an actor, a claim (or its concept) and a
//! stance — derived from annotations and relations.
//!
//! The rule, applied to one document:
//! 1. Every relation `X said_by A` or `X held_by A` makes A (an annotation, usually an Actor)
//!    the speaker of X.
//! 2. If X is `about` one or more claims C (X is a position), each C gives one statement:
//!    actor A, claim C, stance = X's `stance` attribute, position X.
//! 3. Otherwise X is itself the claim. Its stance is its own `stance` attribute if it has one;
//!    else every position P with `P about X` whose speakers (by `held_by`/`said_by`) include A —
//!    or that has no speaker at all — gives a statement with P's stance; with no such P the
//!    stance is unknown (`None`).
//! 4. Statements are de-duplicated on (actor annotation, claim annotation, position annotation).
//!
//! The actor is named by its linked entity if any, else by its quote; the concept likewise by
//! the claim's linked entity, else the claim's quote. Networks are built over these names' keys
//! ([`Statement::actor_key`]), so two mentions linked to one entity are one node.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dataset::{AnnotationRecord, DocumentRecord, ProjectInfo};

/// Relation kinds that name who says or holds something.
pub const SPEAKER_KINDS: [&str; 2] = ["said_by", "held_by"];
/// The relation kind that ties a position to the claim it is about.
pub const ABOUT: &str = "about";
/// The attribute that carries a stance.
pub const STANCE: &str = "stance";

/// One statement: who claims what, with which stance, where and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub document_id: i64,
    pub date: Option<NaiveDate>,
    pub source: Option<String>,
    pub title: String,
    /// The actor's entity name, or the quote of its annotation when it is not linked.
    pub actor: String,
    pub actor_entity_id: Option<i64>,
    pub actor_annotation_id: i64,
    /// The concept's entity name, or the quote of the claim when it is not linked.
    pub concept: String,
    pub concept_entity_id: Option<i64>,
    pub claim_annotation_id: i64,
    pub stance: Option<String>,
    pub position_annotation_id: Option<i64>,
}

impl Statement {
    /// The actor as a network node: its entity when linked, else its text.
    pub fn actor_key(&self) -> NodeKey {
        NodeKey::new("actor", self.actor_entity_id, &self.actor)
    }

    /// The concept as a network node.
    pub fn concept_key(&self) -> NodeKey {
        NodeKey::new("concept", self.concept_entity_id, &self.concept)
    }
}

/// A node of a discourse network: `actor:4` for entity 4, `actor:text:Putin` for an unlinked
/// mention. The label is the entity name or the text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeKey {
    pub id: String,
    pub label: String,
    pub kind: &'static str,
    pub entity_id: Option<i64>,
}

impl NodeKey {
    fn new(kind: &'static str, entity_id: Option<i64>, label: &str) -> NodeKey {
        let id = match entity_id {
            Some(id) => format!("{kind}:{id}"),
            None => format!("{kind}:text:{}", label.trim()),
        };
        NodeKey {
            id,
            label: label.to_string(),
            kind,
            entity_id,
        }
    }
}

/// The statements of one document, in the order of the relations that make them.
pub fn statements(doc: &DocumentRecord, project: &ProjectInfo) -> Vec<Statement> {
    let annotation = |id: i64| doc.annotation(id);
    let speakers_of = |x: i64| -> Vec<i64> {
        doc.relations
            .iter()
            .filter(|r| r.from_id == x && SPEAKER_KINDS.contains(&r.kind.as_str()))
            .map(|r| r.to_id)
            .collect()
    };
    let stance_of = |a: &AnnotationRecord| a.attribute_text(STANCE).map(str::to_string);

    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut push = |actor: &AnnotationRecord,
                    claim: &AnnotationRecord,
                    stance: Option<String>,
                    position: Option<i64>| {
        if !seen.insert((actor.id, claim.id, position)) {
            return;
        }
        let (actor_name, actor_entity_id) = name(actor, project);
        let (concept, concept_entity_id) = name(claim, project);
        out.push(Statement {
            document_id: doc.id,
            date: doc.date,
            source: doc.source.clone(),
            title: doc.title.clone(),
            actor: actor_name,
            actor_entity_id,
            actor_annotation_id: actor.id,
            concept,
            concept_entity_id,
            claim_annotation_id: claim.id,
            stance,
            position_annotation_id: position,
        });
    };

    for r in doc
        .relations
        .iter()
        .filter(|r| SPEAKER_KINDS.contains(&r.kind.as_str()))
    {
        let (Some(x), Some(actor)) = (annotation(r.from_id), annotation(r.to_id)) else {
            continue;
        };
        let claims: Vec<&AnnotationRecord> = doc
            .relations
            .iter()
            .filter(|a| a.kind == ABOUT && a.from_id == x.id)
            .filter_map(|a| annotation(a.to_id))
            .collect();
        if !claims.is_empty() {
            for claim in claims {
                push(actor, claim, stance_of(x), Some(x.id));
            }
            continue;
        }
        if let Some(stance) = stance_of(x) {
            push(actor, x, Some(stance), None);
            continue;
        }
        let positions: Vec<&AnnotationRecord> = doc
            .relations
            .iter()
            .filter(|a| a.kind == ABOUT && a.to_id == x.id)
            .filter_map(|a| annotation(a.from_id))
            .filter(|p| {
                let speakers = speakers_of(p.id);
                speakers.is_empty() || speakers.contains(&actor.id)
            })
            .collect();
        if positions.is_empty() {
            push(actor, x, None, None);
        }
        for p in positions {
            push(actor, x, stance_of(p), Some(p.id));
        }
    }
    out
}

fn name(a: &AnnotationRecord, project: &ProjectInfo) -> (String, Option<i64>) {
    match a.entity_id.and_then(|id| project.entity(id)) {
        Some(entity) => (entity.name.clone(), Some(entity.id)),
        None => (a.quote.clone(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Entity, EntityKind, RelationRecord};
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    fn ann(id: i64, label: &str, quote: &str, attrs: serde_json::Value) -> AnnotationRecord {
        let at = Utc.with_ymd_and_hms(2025, 2, 18, 0, 0, 0).unwrap();
        AnnotationRecord {
            uid: String::new(),
            id,
            label: label.into(),
            start: 0,
            end: quote.chars().count(),
            quote: quote.into(),
            prefix: String::new(),
            suffix: String::new(),
            attributes: attrs.as_object().cloned().unwrap_or_default(),
            note: None,
            entity_id: None,
            annotator: "ana".into(),
            created_at: at,
            updated_at: at,
        }
    }

    fn rel(id: i64, kind: &str, from_id: i64, to_id: i64) -> RelationRecord {
        RelationRecord {
            uid: String::new(),
            id,
            kind: kind.into(),
            from_id,
            to_id,
            annotator: "ana".into(),
            created_at: Utc.with_ymd_and_hms(2025, 2, 18, 0, 0, 0).unwrap(),
        }
    }

    fn doc(annotations: Vec<AnnotationRecord>, relations: Vec<RelationRecord>) -> DocumentRecord {
        DocumentRecord {
            id: 1,
            title: "t".into(),
            date: None,
            source: None,
            author: None,
            url: None,
            language: None,
            metadata: Default::default(),
            sha256: String::new(),
            imported_at: Utc.with_ymd_and_hms(2025, 2, 18, 0, 0, 0).unwrap(),
            text: String::new(),
            annotations,
            relations,
        }
    }

    fn summary(s: &[Statement]) -> Vec<(String, String, Option<String>)> {
        s.iter()
            .map(|s| (s.actor.clone(), s.concept.clone(), s.stance.clone()))
            .collect()
    }

    #[test]
    fn a_claim_said_by_an_actor_takes_the_stance_of_that_actors_position() {
        let d = doc(
            vec![
                ann(1, "Actor", "Bruce", json!({})),
                ann(2, "Claim", "no peace yet", json!({})),
                ann(3, "Position", "not sufficient", json!({"stance": "oppose"})),
                ann(4, "Actor", "Lavrov", json!({})),
                ann(5, "Position", "welcomed", json!({"stance": "support"})),
            ],
            vec![
                rel(1, "said_by", 2, 1),
                rel(2, "held_by", 3, 1),
                rel(3, "about", 3, 2),
                rel(4, "held_by", 5, 4),
                rel(5, "about", 5, 2),
            ],
        );
        let s = statements(&d, &ProjectInfo::default());
        assert_eq!(
            summary(&s),
            [
                ("Bruce".into(), "no peace yet".into(), Some("oppose".into())),
                (
                    "Lavrov".into(),
                    "no peace yet".into(),
                    Some("support".into())
                ),
            ]
        );
        assert_eq!(s[0].position_annotation_id, Some(3));
    }

    #[test]
    fn a_claim_without_any_position_has_no_stance() {
        let d = doc(
            vec![
                ann(1, "Actor", "Bruce", json!({})),
                ann(2, "Claim", "talks go on", json!({})),
            ],
            vec![rel(1, "said_by", 2, 1)],
        );
        assert_eq!(
            summary(&statements(&d, &ProjectInfo::default())),
            [("Bruce".into(), "talks go on".into(), None)]
        );
    }

    #[test]
    fn a_claim_with_its_own_stance_keeps_it() {
        let d = doc(
            vec![
                ann(1, "Actor", "Bruce", json!({})),
                ann(2, "Claim", "talks go on", json!({"stance": "neutral"})),
            ],
            vec![rel(1, "said_by", 2, 1)],
        );
        assert_eq!(
            statements(&d, &ProjectInfo::default())[0].stance.as_deref(),
            Some("neutral")
        );
    }

    #[test]
    fn linked_mentions_are_named_by_their_entity() {
        let mut putin = ann(1, "Actor", "Путин", json!({}));
        putin.entity_id = Some(9);
        let d = doc(
            vec![putin, ann(2, "Claim", "no", json!({}))],
            vec![rel(1, "said_by", 2, 1)],
        );
        let project = ProjectInfo {
            entities: vec![Entity {
                uid: String::new(),
                id: 9,
                kind: EntityKind::Actor,
                name: "Vladimir Putin".into(),
                aliases: vec![],
            }],
            ..Default::default()
        };
        let s = statements(&d, &project);
        assert_eq!(s[0].actor, "Vladimir Putin");
        assert_eq!(s[0].actor_key().id, "actor:9");
        assert_eq!(s[0].concept_key().id, "concept:text:no");
    }

    #[test]
    fn a_position_said_and_linked_twice_gives_one_statement() {
        let d = doc(
            vec![
                ann(1, "Actor", "Bruce", json!({})),
                ann(2, "Claim", "c", json!({})),
                ann(3, "Position", "p", json!({"stance": "oppose"})),
            ],
            vec![
                rel(1, "said_by", 2, 1),
                rel(2, "held_by", 3, 1),
                rel(3, "about", 3, 2),
            ],
        );
        assert_eq!(statements(&d, &ProjectInfo::default()).len(), 1);
    }
}
