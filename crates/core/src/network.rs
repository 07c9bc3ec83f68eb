//! Discourse networks from statements, as Discourse Network Analyzer builds them: a two-mode
//! actor–concept network and a one-mode actor–actor network whose edges count the concepts two
//! actors agree on (congruence) and disagree on (conflict).
//!
//! Nodes are entities where mentions are linked, so "Putin" and "the Russian president" are one
//! actor. Statements with an unknown stance count in the two-mode network (stance empty) but
//! never make congruence or conflict.

use std::collections::{BTreeMap, BTreeSet};

use crate::statement::{NodeKey, Statement};

/// Stances that are each other's opposite, for conflict.
const OPPOSITES: [(&str, &str); 1] = [("support", "oppose")];

/// Statements gathered for network building. Holds only node keys and counts, not texts.
#[derive(Clone, Debug, Default)]
pub struct Networks {
    nodes: BTreeMap<String, NodeKey>,
    /// (actor id, concept id, stance or "") → statements.
    two_mode: BTreeMap<(String, String, String), usize>,
    /// actor id → concept id → stances used.
    stances: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
}

/// An edge of the two-mode network: this actor made this many statements on this concept with
/// this stance (empty when unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConceptEdge<'n> {
    pub actor: &'n NodeKey,
    pub concept: &'n NodeKey,
    pub stance: &'n str,
    pub weight: usize,
}

/// An edge of the one-mode network between two actors (`source` < `target` by id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActorEdge<'n> {
    pub source: &'n NodeKey,
    pub target: &'n NodeKey,
    /// Concepts both actors coded with the same stance.
    pub congruence: usize,
    /// Concepts on which one supports and the other opposes.
    pub conflict: usize,
}

impl Networks {
    pub fn add(&mut self, statement: &Statement) {
        let actor = statement.actor_key();
        let concept = statement.concept_key();
        let stance = statement.stance.clone().unwrap_or_default();
        *self
            .two_mode
            .entry((actor.id.clone(), concept.id.clone(), stance.clone()))
            .or_default() += 1;
        if !stance.is_empty() {
            self.stances
                .entry(actor.id.clone())
                .or_default()
                .entry(concept.id.clone())
                .or_default()
                .insert(stance);
        }
        self.nodes.entry(actor.id.clone()).or_insert(actor);
        self.nodes.entry(concept.id.clone()).or_insert(concept);
    }

    /// Every node, actors first, each group sorted by id.
    pub fn nodes(&self) -> Vec<&NodeKey> {
        let mut nodes: Vec<&NodeKey> = self.nodes.values().collect();
        nodes.sort_by_key(|n| (n.kind != "actor", n.id.as_str()));
        nodes
    }

    pub fn actors(&self) -> Vec<&NodeKey> {
        self.nodes()
            .into_iter()
            .filter(|n| n.kind == "actor")
            .collect()
    }

    pub fn concepts(&self) -> Vec<&NodeKey> {
        self.nodes()
            .into_iter()
            .filter(|n| n.kind == "concept")
            .collect()
    }

    pub fn concept_edges(&self) -> Vec<ConceptEdge<'_>> {
        self.two_mode
            .iter()
            .map(|((a, c, s), &weight)| ConceptEdge {
                actor: &self.nodes[a],
                concept: &self.nodes[c],
                stance: s,
                weight,
            })
            .collect()
    }

    /// Pairs of actors with any congruence or conflict.
    pub fn actor_edges(&self) -> Vec<ActorEdge<'_>> {
        let actors: Vec<(&String, &BTreeMap<String, BTreeSet<String>>)> =
            self.stances.iter().collect();
        let mut edges = Vec::new();
        for (i, (a, a_concepts)) in actors.iter().enumerate() {
            for (b, b_concepts) in &actors[i + 1..] {
                let (mut congruence, mut conflict) = (0, 0);
                for (concept, a_stances) in a_concepts.iter() {
                    let Some(b_stances) = b_concepts.get(concept) else {
                        continue;
                    };
                    if !a_stances.is_disjoint(b_stances) {
                        congruence += 1;
                    }
                    let opposed = OPPOSITES.iter().any(|(x, y)| {
                        (a_stances.contains(*x) && b_stances.contains(*y))
                            || (a_stances.contains(*y) && b_stances.contains(*x))
                    });
                    if opposed {
                        conflict += 1;
                    }
                }
                if congruence + conflict > 0 {
                    edges.push(ActorEdge {
                        source: &self.nodes[*a],
                        target: &self.nodes[*b],
                        congruence,
                        conflict,
                    });
                }
            }
        }
        edges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(actor: (&str, Option<i64>), concept: &str, stance: Option<&str>) -> Statement {
        Statement {
            document_id: 1,
            date: None,
            source: None,
            title: String::new(),
            actor: actor.0.into(),
            actor_entity_id: actor.1,
            actor_annotation_id: 1,
            concept: concept.into(),
            concept_entity_id: None,
            claim_annotation_id: 2,
            stance: stance.map(str::to_string),
            position_annotation_id: None,
        }
    }

    #[test]
    fn two_actors_opposing_on_one_concept_and_agreeing_on_another() {
        let mut n = Networks::default();
        n.add(&st(("Putin", Some(1)), "truce", Some("oppose")));
        n.add(&st(("Vladimir Putin", Some(1)), "truce", Some("oppose")));
        n.add(&st(("Zelensky", Some(4)), "truce", Some("support")));
        n.add(&st(("Putin", Some(1)), "talks", Some("support")));
        n.add(&st(("Zelensky", Some(4)), "talks", Some("support")));
        n.add(&st(("Bruce", None), "talks", None));

        let edges = n.actor_edges();
        assert_eq!(edges.len(), 1);
        assert_eq!(
            (edges[0].source.id.as_str(), edges[0].target.id.as_str()),
            ("actor:1", "actor:4")
        );
        assert_eq!((edges[0].congruence, edges[0].conflict), (1, 1));

        let two_mode: Vec<_> = n
            .concept_edges()
            .iter()
            .map(|e| {
                (
                    e.actor.id.clone(),
                    e.concept.id.clone(),
                    e.stance.to_string(),
                    e.weight,
                )
            })
            .collect();
        assert!(two_mode.contains(&(
            "actor:1".into(),
            "concept:text:truce".into(),
            "oppose".into(),
            2
        )));
        assert!(two_mode.contains(&(
            "actor:text:Bruce".into(),
            "concept:text:talks".into(),
            "".into(),
            1
        )));
        assert_eq!(n.actors().len(), 3);
        assert_eq!(n.concepts().len(), 2);
    }
}
