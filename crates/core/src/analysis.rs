//! What the Analysis views draw, computed from statements: a filtered network with weights and
//! node sizes, and statements over time. Pure: statements in, numbers out; the app lays out and
//! draws.
//!
//! **Networks.** The two-mode network ties an actor to each concept they made a statement on,
//! weighted by the number of statements, with the count of each stance. The one-mode networks
//! follow Discourse Network Analyzer (Leifeld 2017, "Discourse network analysis: policy debates
//! as dynamic networks", in *The Oxford Handbook of Political Networks*; rDNA's
//! `dna_network(networkType = "onemode")`), on the binary incidence of each node with
//! (other-mode node, stance) pairs — a statement repeated is counted once, as DNA does with
//! duplicates ignored:
//!
//! - *congruence* of two actors: the number of (concept, stance) pairs both hold — they
//!   support the same concept, or both oppose it;
//! - *conflict*: the number of (concept, stance, other stance) combinations where one holds a
//!   stance and the other its opposite (support / oppose) on the same concept.
//!
//! Concept–concept networks are the same with the modes swapped (two concepts tied by the
//! actors who take the same stance on both). Statements with an unknown stance tie nothing.
//!
//! Normalisation of a one-mode edge between `a` and `b`, where `n_a` counts `a`'s pairs:
//! none; *average* activity, `w / ((n_a + n_b) / 2)`; *Jaccard*, `w / |A ∪ B|` (the pairs
//! only `a` holds, only `b` holds, and both hold); *cosine*, `w / √(n_a · n_b)`. (DNA 3
//! divides by `n_a · n_b` for "cosine"; this is the cosine similarity of the two incidence
//! vectors.)
//!
//! **Time.** Statements per week (ISO weeks, from Monday), month or year, each bucket with its
//! count per stance, from the first dated statement's bucket to the last one's, empty buckets
//! included so a chart's axis is even; undated statements are counted apart.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::statement::{NodeKey, Statement};

/// Stances that are each other's opposite, for conflict.
const OPPOSITES: [(&str, &str); 1] = [("support", "oppose")];

/// Which network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Actors tied to concepts (two-mode).
    #[default]
    ActorConcept,
    /// Actors tied by the concepts they agree or disagree on.
    ActorActor,
    /// Concepts tied by the actors who agree or disagree on them.
    ConceptConcept,
}

/// What ties two nodes of a one-mode network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tie {
    #[default]
    Congruence,
    Conflict,
}

/// How one-mode edge weights are normalised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalisation {
    #[default]
    None,
    Average,
    Jaccard,
    Cosine,
}

/// Which statements count, and which edges are kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Statements dated on or after this day (undated ones are then left out).
    pub date_from: Option<NaiveDate>,
    /// Statements dated on or before this day.
    pub date_to: Option<NaiveDate>,
    /// Only statements with these stances; `""` stands for an unknown stance.
    pub stances: Option<Vec<String>>,
    /// Edges lighter than this are left out (and nodes left without an edge with them).
    pub min_weight: f64,
}

impl Filter {
    /// Whether a statement counts.
    pub fn keeps(&self, s: &Statement) -> bool {
        if self.date_from.is_some() || self.date_to.is_some() {
            let Some(date) = s.date else {
                return false;
            };
            if self.date_from.is_some_and(|from| date < from)
                || self.date_to.is_some_and(|to| date > to)
            {
                return false;
            }
        }
        self.stances.as_ref().is_none_or(|stances| {
            let stance = s.stance.as_deref().unwrap_or("");
            stances.iter().any(|wanted| wanted == stance)
        })
    }
}

/// A network to compute.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkRequest {
    pub mode: Mode,
    pub tie: Tie,
    pub normalisation: Normalisation,
    pub filter: Filter,
}

/// A node with what sizes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    #[serde(flatten)]
    pub key: NodeKey,
    /// Statements the node is part of (after the filter).
    pub statements: usize,
    /// Edges kept at the node.
    pub degree: usize,
}

/// An edge. `source` and `target` are node ids; in a two-mode network the source is the actor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Edge {
    pub source: String,
    pub target: String,
    /// Statements (two-mode), or the normalised congruence or conflict (one-mode).
    pub weight: f64,
    /// Two-mode: statements per stance (`""` for unknown). One-mode: empty.
    pub stances: BTreeMap<String, usize>,
    /// One-mode: the ids of the other-mode nodes that tie the two (the concepts two actors
    /// agree or disagree on). Two-mode: empty.
    pub through: Vec<String>,
}

/// A network as the view draws it: nodes in id order (actors first), edges by source, target.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Network {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Statements that passed the filter.
    pub statements: usize,
}

/// The network of `statements` that `request` asks for.
pub fn network(statements: &[Statement], request: &NetworkRequest) -> Network {
    let kept: Vec<&Statement> = statements
        .iter()
        .filter(|s| request.filter.keeps(s))
        .collect();
    let mut keys: BTreeMap<String, NodeKey> = BTreeMap::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut edges = match request.mode {
        Mode::ActorConcept => two_mode(&kept, &mut keys, &mut counts),
        Mode::ActorActor | Mode::ConceptConcept => one_mode(&kept, request, &mut keys, &mut counts),
    };
    edges.retain(|e| e.weight >= request.filter.min_weight);

    let mut degree: HashMap<&str, usize> = HashMap::new();
    for e in &edges {
        *degree.entry(&e.source).or_default() += 1;
        *degree.entry(&e.target).or_default() += 1;
    }
    // With a minimum weight, a node left without an edge goes too.
    let keep_isolates = request.filter.min_weight <= 0.0;
    let mut nodes: Vec<Node> = keys
        .into_values()
        .filter(|k| keep_isolates || degree.contains_key(k.id.as_str()))
        .map(|key| Node {
            statements: counts.get(&key.id).copied().unwrap_or(0),
            degree: degree.get(key.id.as_str()).copied().unwrap_or(0),
            key,
        })
        .collect();
    nodes.sort_by(|a, b| {
        (a.key.kind != "actor", &a.key.id).cmp(&(b.key.kind != "actor", &b.key.id))
    });
    Network {
        nodes,
        edges,
        statements: kept.len(),
    }
}

fn two_mode(
    kept: &[&Statement],
    keys: &mut BTreeMap<String, NodeKey>,
    counts: &mut HashMap<String, usize>,
) -> Vec<Edge> {
    let mut edges: BTreeMap<(String, String), BTreeMap<String, usize>> = BTreeMap::new();
    for s in kept {
        let (actor, concept) = (s.actor_key(), s.concept_key());
        *counts.entry(actor.id.clone()).or_default() += 1;
        *counts.entry(concept.id.clone()).or_default() += 1;
        let stance = s.stance.clone().unwrap_or_default();
        *edges
            .entry((actor.id.clone(), concept.id.clone()))
            .or_default()
            .entry(stance)
            .or_default() += 1;
        keys.entry(actor.id.clone()).or_insert(actor);
        keys.entry(concept.id.clone()).or_insert(concept);
    }
    edges
        .into_iter()
        .map(|((source, target), stances)| Edge {
            source,
            target,
            weight: stances.values().sum::<usize>() as f64,
            stances,
            through: Vec::new(),
        })
        .collect()
}

fn one_mode(
    kept: &[&Statement],
    request: &NetworkRequest,
    keys: &mut BTreeMap<String, NodeKey>,
    counts: &mut HashMap<String, usize>,
) -> Vec<Edge> {
    // Each node's pairs of (other-mode node, stance), and who holds each pair.
    let mut pairs: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    let mut holders: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for s in kept {
        let (node, other) = match request.mode {
            Mode::ConceptConcept => (s.concept_key(), s.actor_key()),
            _ => (s.actor_key(), s.concept_key()),
        };
        *counts.entry(node.id.clone()).or_default() += 1;
        if let Some(stance) = s.stance.as_deref().filter(|st| !st.is_empty()) {
            pairs
                .entry(node.id.clone())
                .or_default()
                .insert((other.id.clone(), stance.to_string()));
            holders
                .entry(other.id.clone())
                .or_default()
                .entry(stance.to_string())
                .or_default()
                .insert(node.id.clone());
        }
        keys.entry(node.id.clone()).or_insert(node);
    }

    // Raw ties of each pair of nodes, found through the other-mode nodes they share.
    #[derive(Default)]
    struct Raw {
        congruence: usize,
        conflict: usize,
        agreed_through: BTreeSet<String>,
        opposed_through: BTreeSet<String>,
    }
    let mut raw: BTreeMap<(String, String), Raw> = BTreeMap::new();
    for (other, by_stance) in &holders {
        for (stance, nodes) in by_stance {
            let nodes: Vec<&String> = nodes.iter().collect();
            for (i, a) in nodes.iter().enumerate() {
                for b in &nodes[i + 1..] {
                    let r = raw.entry(((*a).clone(), (*b).clone())).or_default();
                    r.congruence += 1;
                    r.agreed_through.insert(other.clone());
                }
            }
            for (x, y) in OPPOSITES {
                if stance != x {
                    continue;
                }
                let Some(opposed) = by_stance.get(y) else {
                    continue;
                };
                for a in &nodes {
                    for b in opposed.iter().filter(|b| b != a) {
                        let key = if *a < b {
                            ((*a).clone(), b.clone())
                        } else {
                            (b.clone(), (*a).clone())
                        };
                        let r = raw.entry(key).or_default();
                        r.conflict += 1;
                        r.opposed_through.insert(other.clone());
                    }
                }
            }
        }
    }

    let size = |id: &str| pairs.get(id).map_or(0, BTreeSet::len) as f64;
    raw.into_iter()
        .filter_map(|((a, b), r)| {
            let (value, through) = match request.tie {
                Tie::Congruence => (r.congruence, r.agreed_through),
                Tie::Conflict => (r.conflict, r.opposed_through),
            };
            let value = value as f64;
            if value == 0.0 {
                return None;
            }
            let (na, nb) = (size(&a), size(&b));
            let norm = match request.normalisation {
                Normalisation::None => 1.0,
                Normalisation::Average => (na + nb) / 2.0,
                Normalisation::Jaccard => {
                    let both = pairs[&a].intersection(&pairs[&b]).count() as f64;
                    na + nb - both
                }
                Normalisation::Cosine => (na * nb).sqrt(),
            };
            Some(Edge {
                source: a,
                target: b,
                weight: value / norm,
                stances: BTreeMap::new(),
                through: through.into_iter().collect(),
            })
        })
        .collect()
}

/// The width of a time bucket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Week,
    #[default]
    Month,
    Year,
}

impl Period {
    /// The first day of the bucket holding `date`.
    pub fn start(self, date: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => date - Days::new(u64::from(date.weekday().num_days_from_monday())),
            Period::Month => date.with_day(1).expect("every month has a first day"),
            Period::Year => NaiveDate::from_ymd_opt(date.year(), 1, 1).expect("1 January"),
        }
    }

    /// The first day of the next bucket.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => start + Days::new(7),
            Period::Month => start + Months::new(1),
            Period::Year => start + Months::new(12),
        }
    }
}

/// Statements in one bucket of time, `start` included, `end` excluded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Statements per stance (`""` for unknown).
    pub stances: BTreeMap<String, usize>,
}

/// Statements over time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub buckets: Vec<Bucket>,
    /// Statements without a date (not in any bucket).
    pub undated: usize,
}

/// The statements that pass `filter` (its dates included), and, if `node` is given, that
/// actor or concept (a node id) is part of, per `period`.
pub fn timeline(
    statements: &[Statement],
    period: Period,
    filter: &Filter,
    node: Option<&str>,
) -> Timeline {
    let mut counts: BTreeMap<NaiveDate, BTreeMap<String, usize>> = BTreeMap::new();
    let mut undated = 0;
    for s in statements.iter().filter(|s| filter.keeps(s)) {
        if let Some(id) = node {
            if s.actor_key().id != id && s.concept_key().id != id {
                continue;
            }
        }
        let Some(date) = s.date else {
            undated += 1;
            continue;
        };
        *counts
            .entry(period.start(date))
            .or_default()
            .entry(s.stance.clone().unwrap_or_default())
            .or_default() += 1;
    }
    let mut buckets = Vec::new();
    if let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) {
        let mut start = first;
        while start <= last {
            let end = period.next(start);
            buckets.push(Bucket {
                start,
                end,
                stances: counts.remove(&start).unwrap_or_default(),
            });
            start = end;
        }
    }
    Timeline { buckets, undated }
}

/// The statements that pass `filter` (its dates and stances) and that `node` (an actor's or a
/// concept's id) is part of: what a node of the network stands for, in document order.
pub fn statements_of<'s>(
    statements: &'s [Statement],
    filter: &Filter,
    node: &str,
) -> Vec<&'s Statement> {
    statements
        .iter()
        .filter(|s| filter.keeps(s) && (s.actor_key().id == node || s.concept_key().id == node))
        .collect()
}

/// How many of something there are, with its name and what it is keyed by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Count {
    /// The label or coder name, or the node id of an actor or a concept.
    pub key: String,
    pub name: String,
    pub count: usize,
}

/// A document's coding, counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentCount {
    pub document_id: i64,
    pub title: String,
    pub annotations: usize,
    pub statements: usize,
}

/// The Counts view's figures: annotations per label, coder and document; statements per actor
/// and concept; documents nobody has coded yet. Lists are sorted by count, largest first (then
/// by name); `documents` holds coded documents only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub labels: Vec<Count>,
    pub coders: Vec<Count>,
    pub documents: Vec<DocumentCount>,
    pub actors: Vec<Count>,
    pub concepts: Vec<Count>,
    /// Documents in view.
    pub documents_in_view: usize,
    /// Documents in view without an annotation (of the labels and coders in view).
    pub not_coded: usize,
    pub annotations: usize,
    pub statements: usize,
}

/// Adds up counts as documents and statements come in.
#[derive(Debug, Default)]
pub struct Counter {
    labels: BTreeMap<String, usize>,
    coders: BTreeMap<String, usize>,
    documents: Vec<DocumentCount>,
    nodes: BTreeMap<String, (NodeKey, usize)>,
    statements: usize,
}

impl Counter {
    /// Counts one coded document's annotations, and the statements of it that `filter` keeps.
    pub fn document(
        &mut self,
        doc: &crate::dataset::DocumentRecord,
        statements: &[Statement],
        filter: &Filter,
    ) {
        for a in &doc.annotations {
            *self.labels.entry(a.label.clone()).or_default() += 1;
            *self.coders.entry(a.annotator.clone()).or_default() += 1;
        }
        let kept: Vec<&Statement> = statements.iter().filter(|s| filter.keeps(s)).collect();
        for s in &kept {
            for key in [s.actor_key(), s.concept_key()] {
                self.nodes
                    .entry(key.id.clone())
                    .or_insert_with(|| (key, 0))
                    .1 += 1;
            }
        }
        self.statements += kept.len();
        if !doc.annotations.is_empty() {
            self.documents.push(DocumentCount {
                document_id: doc.id,
                title: doc.title.clone(),
                annotations: doc.annotations.len(),
                statements: kept.len(),
            });
        }
    }

    /// The figures, for `in_view` documents in all.
    pub fn finish(self, in_view: usize) -> Counts {
        fn sorted(mut counts: Vec<Count>) -> Vec<Count> {
            counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
            counts
        }
        let named = |map: BTreeMap<String, usize>| {
            sorted(
                map.into_iter()
                    .map(|(name, count)| Count {
                        key: name.clone(),
                        name,
                        count,
                    })
                    .collect(),
            )
        };
        let (mut actors, mut concepts) = (Vec::new(), Vec::new());
        for (id, (key, count)) in self.nodes {
            let count = Count {
                key: id,
                name: key.label,
                count,
            };
            if key.kind == "actor" {
                actors.push(count);
            } else {
                concepts.push(count);
            }
        }
        let mut documents = self.documents;
        documents.sort_by(|a, b| {
            b.annotations
                .cmp(&a.annotations)
                .then(a.document_id.cmp(&b.document_id))
        });
        let annotations = documents.iter().map(|d| d.annotations).sum();
        Counts {
            labels: named(self.labels),
            coders: named(self.coders),
            not_coded: in_view.saturating_sub(documents.len()),
            documents,
            actors: sorted(actors),
            concepts: sorted(concepts),
            documents_in_view: in_view,
            annotations,
            statements: self.statements,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(actor: &str, concept: &str, stance: Option<&str>, date: Option<&str>) -> Statement {
        Statement {
            document_id: 1,
            date: date.map(|d| d.parse().unwrap()),
            source: None,
            title: String::new(),
            actor: actor.into(),
            actor_entity_id: None,
            actor_annotation_id: 1,
            concept: concept.into(),
            concept_entity_id: None,
            claim_annotation_id: 2,
            stance: stance.map(str::to_string),
            position_annotation_id: None,
        }
    }

    /// Three actors on two concepts: A and B support the truce, C opposes it; A and C support
    /// the talks; B says nothing of the talks; D speaks with no known stance.
    fn debate() -> Vec<Statement> {
        vec![
            st("A", "truce", Some("support"), Some("2025-01-06")),
            st("A", "truce", Some("support"), Some("2025-01-20")),
            st("B", "truce", Some("support"), Some("2025-02-03")),
            st("C", "truce", Some("oppose"), Some("2025-02-04")),
            st("A", "talks", Some("support"), Some("2025-03-01")),
            st("C", "talks", Some("support"), None),
            st("D", "talks", None, Some("2025-03-02")),
        ]
    }

    fn edge<'n>(n: &'n Network, a: &str, b: &str) -> Option<&'n Edge> {
        let (a, b) = (format!("actor:text:{a}"), format!("actor:text:{b}"));
        n.edges.iter().find(|e| e.source == a && e.target == b)
    }

    fn request(mode: Mode, tie: Tie, normalisation: Normalisation) -> NetworkRequest {
        NetworkRequest {
            mode,
            tie,
            normalisation,
            filter: Filter::default(),
        }
    }

    #[test]
    fn the_two_mode_network_counts_statements_per_stance() {
        let n = network(&debate(), &NetworkRequest::default());
        assert_eq!(n.statements, 7);
        let ids: Vec<&str> = n.nodes.iter().map(|n| n.key.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "actor:text:A",
                "actor:text:B",
                "actor:text:C",
                "actor:text:D",
                "concept:text:talks",
                "concept:text:truce"
            ]
        );
        let a_truce = n
            .edges
            .iter()
            .find(|e| e.source == "actor:text:A" && e.target == "concept:text:truce")
            .unwrap();
        assert_eq!(a_truce.weight, 2.0);
        assert_eq!(a_truce.stances, BTreeMap::from([("support".into(), 2)]));
        let a = &n.nodes[0];
        assert_eq!((a.statements, a.degree), (3, 2));
        assert_eq!(n.edges.len(), 6);
    }

    #[test]
    fn congruence_and_conflict_follow_discourse_network_analysis() {
        let congruence = network(
            &debate(),
            &request(Mode::ActorActor, Tie::Congruence, Normalisation::None),
        );
        // A–B share (truce, support); A–C share (talks, support); B–C nothing.
        assert_eq!(edge(&congruence, "A", "B").unwrap().weight, 1.0);
        assert_eq!(edge(&congruence, "A", "C").unwrap().weight, 1.0);
        assert_eq!(
            edge(&congruence, "A", "C").unwrap().through,
            ["concept:text:talks"]
        );
        assert!(edge(&congruence, "B", "C").is_none());
        assert_eq!(congruence.edges.len(), 2);
        // D has no known stance: a node, tied to nobody.
        let d = congruence
            .nodes
            .iter()
            .find(|n| n.key.id == "actor:text:D")
            .unwrap();
        assert_eq!((d.statements, d.degree), (1, 0));

        let conflict = network(
            &debate(),
            &request(Mode::ActorActor, Tie::Conflict, Normalisation::None),
        );
        assert_eq!(edge(&conflict, "A", "C").unwrap().weight, 1.0);
        assert_eq!(edge(&conflict, "B", "C").unwrap().weight, 1.0);
        assert_eq!(
            edge(&conflict, "B", "C").unwrap().through,
            ["concept:text:truce"]
        );
        assert!(edge(&conflict, "A", "B").is_none());
    }

    #[test]
    fn normalisations_divide_by_activity_union_or_geometric_mean() {
        // A holds {(truce, support), (talks, support)}: 2; C holds {(truce, oppose),
        // (talks, support)}: 2; they share 1. A–B: A 2, B 1, share 1.
        let weight = |norm, a, b| {
            let n = network(&debate(), &request(Mode::ActorActor, Tie::Congruence, norm));
            edge(&n, a, b).unwrap().weight
        };
        assert_eq!(weight(Normalisation::Average, "A", "C"), 1.0 / 2.0);
        assert_eq!(weight(Normalisation::Average, "A", "B"), 1.0 / 1.5);
        assert_eq!(weight(Normalisation::Jaccard, "A", "C"), 1.0 / 3.0);
        assert_eq!(weight(Normalisation::Jaccard, "A", "B"), 1.0 / 2.0);
        assert_eq!(weight(Normalisation::Cosine, "A", "C"), 1.0 / 2.0);
        assert_eq!(weight(Normalisation::Cosine, "A", "B"), 1.0 / 2f64.sqrt());
    }

    #[test]
    fn concepts_are_tied_by_the_actors_who_agree_on_both() {
        let n = network(
            &debate(),
            &request(Mode::ConceptConcept, Tie::Congruence, Normalisation::None),
        );
        // A supports both: one tie through A.
        assert_eq!(n.edges.len(), 1);
        let e = &n.edges[0];
        assert_eq!(
            (e.source.as_str(), e.target.as_str()),
            ("concept:text:talks", "concept:text:truce")
        );
        assert_eq!(e.weight, 1.0);
        assert_eq!(e.through, ["actor:text:A"]);
        assert!(n.nodes.iter().all(|n| n.key.kind == "concept"));
    }

    #[test]
    fn filters_narrow_the_statements_and_drop_light_edges() {
        let mut r = request(Mode::ActorConcept, Tie::Congruence, Normalisation::None);
        r.filter.date_from = Some("2025-02-01".parse().unwrap());
        r.filter.date_to = Some("2025-02-28".parse().unwrap());
        let n = network(&debate(), &r);
        assert_eq!(
            n.statements, 2,
            "B and C in February; undated ones left out"
        );

        let mut r = request(Mode::ActorConcept, Tie::Congruence, Normalisation::None);
        r.filter.stances = Some(vec!["".into()]);
        assert_eq!(network(&debate(), &r).statements, 1, "D's unknown stance");

        let mut r = request(Mode::ActorConcept, Tie::Congruence, Normalisation::None);
        r.filter.min_weight = 2.0;
        let n = network(&debate(), &r);
        assert_eq!(n.edges.len(), 1);
        let ids: Vec<&str> = n.nodes.iter().map(|n| n.key.id.as_str()).collect();
        assert_eq!(
            ids,
            ["actor:text:A", "concept:text:truce"],
            "nodes without an edge go"
        );
    }

    #[test]
    fn a_timeline_has_every_bucket_from_the_first_to_the_last() {
        let t = timeline(&debate(), Period::Month, &Filter::default(), None);
        assert_eq!(t.undated, 1);
        let months: Vec<(String, usize)> = t
            .buckets
            .iter()
            .map(|b| (b.start.to_string(), b.stances.values().sum()))
            .collect();
        assert_eq!(
            months,
            [
                ("2025-01-01".to_string(), 2),
                ("2025-02-01".to_string(), 2),
                ("2025-03-01".to_string(), 2)
            ]
        );
        assert_eq!(t.buckets[1].stances["oppose"], 1);
        assert_eq!(t.buckets[2].stances[""], 1);
        assert_eq!(t.buckets[0].end.to_string(), "2025-02-01");

        // Weeks start on Monday; empty weeks are there.
        let weeks = timeline(
            &debate(),
            Period::Week,
            &Filter::default(),
            Some("actor:text:A"),
        );
        let starts: Vec<String> = weeks.buckets.iter().map(|b| b.start.to_string()).collect();
        assert_eq!(starts.first().unwrap(), "2025-01-06");
        assert_eq!(
            starts.last().unwrap(),
            "2025-02-24",
            "1 March 2025 is a Saturday"
        );
        assert_eq!(starts.len(), 8);
        let total: usize = weeks.buckets.iter().flat_map(|b| b.stances.values()).sum();
        assert_eq!(total, 3, "A's three statements");

        let years = timeline(&debate(), Period::Year, &Filter::default(), None);
        assert_eq!(years.buckets.len(), 1);
        assert_eq!(years.buckets[0].end.to_string(), "2026-01-01");
    }

    /// A document with annotations of these labels by these coders, from JSON.
    fn coded(id: i64, annotations: &[(&str, &str)]) -> crate::dataset::DocumentRecord {
        let annotations: Vec<serde_json::Value> = annotations
            .iter()
            .enumerate()
            .map(|(i, (label, coder))| {
                serde_json::json!({
                    "id": i, "label": label, "start": 0, "end": 1, "quote": "x", "prefix": "",
                    "suffix": "", "attributes": {}, "note": null, "entity_id": null,
                    "annotator": coder, "created_at": "2025-02-18T00:00:00Z",
                    "updated_at": "2025-02-18T00:00:00Z"
                })
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "id": id, "title": format!("doc {id}"), "date": null, "source": null, "author": null,
            "url": null, "language": null, "metadata": {}, "sha256": "", "text": "x",
            "imported_at": "2025-02-18T00:00:00Z", "annotations": annotations, "relations": []
        }))
        .unwrap()
    }

    #[test]
    fn a_nodes_statements_are_those_the_filter_keeps_where_it_is_actor_or_concept() {
        let all = debate();
        let filter = Filter::default();
        assert_eq!(statements_of(&all, &filter, "actor:text:A").len(), 3);
        assert_eq!(statements_of(&all, &filter, "concept:text:talks").len(), 3);
        let supporting = Filter {
            stances: Some(vec!["support".into()]),
            date_to: "2025-02-28".parse().ok(),
            ..Filter::default()
        };
        // The truce before March, supported: A twice and B.
        let kept = statements_of(&all, &supporting, "concept:text:truce");
        assert_eq!(
            kept.iter().map(|s| s.actor.as_str()).collect::<Vec<_>>(),
            ["A", "A", "B"]
        );
        assert!(statements_of(&all, &filter, "actor:text:nobody").is_empty());
    }

    #[test]
    fn counts_add_up_annotations_by_label_coder_and_document_and_statements_by_node() {
        let mut counter = Counter::default();
        let filter = Filter {
            stances: Some(vec!["support".into()]),
            ..Filter::default()
        };
        let statements = debate();
        counter.document(
            &coded(1, &[("Actor", "ana"), ("Claim", "ana"), ("Actor", "ben")]),
            &statements[..3],
            &filter,
        );
        counter.document(&coded(2, &[("Claim", "ben")]), &statements[3..], &filter);
        // A document read without annotations (all filtered out) is not coded.
        counter.document(&coded(3, &[]), &[], &filter);
        let c = counter.finish(5);
        let pairs = |list: &[Count]| {
            list.iter()
                .map(|c| (c.name.clone(), c.count))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            pairs(&c.labels),
            [("Actor".to_string(), 2), ("Claim".to_string(), 2)]
        );
        assert_eq!(
            pairs(&c.coders),
            [("ana".to_string(), 2), ("ben".to_string(), 2)]
        );
        assert_eq!(
            c.documents
                .iter()
                .map(|d| (d.document_id, d.annotations, d.statements))
                .collect::<Vec<_>>(),
            [(1, 3, 3), (2, 1, 2)],
            "most annotations first; statements as the filter keeps them"
        );
        // Supporting statements: A thrice (truce twice, talks), B once, C once (talks).
        assert_eq!(
            pairs(&c.actors),
            [
                ("A".to_string(), 3),
                ("B".to_string(), 1),
                ("C".to_string(), 1)
            ]
        );
        assert_eq!(c.actors[0].key, "actor:text:A");
        assert_eq!(
            pairs(&c.concepts),
            [("truce".to_string(), 3), ("talks".to_string(), 2)]
        );
        assert_eq!((c.documents_in_view, c.not_coded), (5, 3));
        assert_eq!((c.annotations, c.statements), (4, 5));
    }
}
