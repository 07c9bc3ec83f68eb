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

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

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
    pub source: Arc<str>,
    pub target: Arc<str>,
    /// Statements (two-mode), or the normalised congruence or conflict (one-mode).
    pub weight: f64,
    /// Two-mode: statements per stance (`""` for unknown). One-mode: empty.
    pub stances: BTreeMap<String, usize>,
    /// One-mode: the ids of the other-mode nodes that tie the two (the concepts two actors
    /// agree or disagree on). Two-mode: empty.
    pub through: Through,
}

/// The ids of the nodes through which an edge ties its two ends: a window onto lists every
/// edge of a network shares, so a network of a million edges makes no million lists (it is
/// read, compared and serialised as the list of ids it is).
#[derive(Clone, Default)]
pub struct Through {
    names: Arc<[Arc<str>]>,
    all: Arc<[u32]>,
    start: u32,
    end: u32,
}

impl Through {
    /// The ids, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.all[self.start as usize..self.end as usize]
            .iter()
            .map(|&i| &*self.names[i as usize])
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The ids, `separator` between them.
    pub fn join(&self, separator: &str) -> String {
        self.iter().collect::<Vec<_>>().join(separator)
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Through {
    fn from_iter<I: IntoIterator<Item = S>>(ids: I) -> Through {
        let names: Arc<[Arc<str>]> = ids.into_iter().map(|s| Arc::from(s.as_ref())).collect();
        let all: Arc<[u32]> = (0..names.len() as u32).collect();
        Through {
            end: names.len() as u32,
            names,
            all,
            start: 0,
        }
    }
}

impl PartialEq for Through {
    fn eq(&self, other: &Through) -> bool {
        self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for Through {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Through {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
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
    let filter = &request.filter;
    let kept = statements.iter().filter(|s| filter.keeps(s));
    let built = match request.mode {
        Mode::ActorConcept => two_mode(kept, filter.min_weight),
        Mode::ActorActor | Mode::ConceptConcept => one_mode(kept, request),
    };
    // With a minimum weight, a node left without an edge goes too.
    let keep_isolates = filter.min_weight <= 0.0;
    let mut nodes: Vec<Node> = built
        .keys
        .into_iter()
        .zip(built.counts)
        .zip(built.degree)
        .filter(|&(_, degree)| keep_isolates || degree > 0)
        .map(|((key, statements), degree)| Node {
            key,
            statements,
            degree,
        })
        .collect();
    nodes.sort_by(|a, b| {
        (a.key.kind != "actor", &a.key.id).cmp(&(b.key.kind != "actor", &b.key.id))
    });
    Network {
        nodes,
        edges: built.edges,
        statements: built.statements,
    }
}

/// A network before its nodes are filtered: every node of the statements, in id order, with
/// its statements and degree; the edges kept, by source, target.
struct Built {
    keys: Vec<NodeKey>,
    counts: Vec<usize>,
    degree: Vec<usize>,
    edges: Vec<Edge>,
    /// Statements that passed the filter.
    statements: usize,
}

/// The nodes of one mode, numbered as they first come; a node's key is that of the first
/// statement it is in. A node is found by its mention (entity and text as written), so its id
/// is made once per mention, not once per statement.
#[derive(Default)]
struct Nodes<'s> {
    mentions: HashMap<(Option<i64>, &'s str), u32>,
    ids: HashMap<String, u32>,
    keys: Vec<NodeKey>,
}

impl<'s> Nodes<'s> {
    /// The number of the node mentioned as `text` (and `entity`), whose key `key` makes.
    fn node(&mut self, entity: Option<i64>, text: &'s str, key: impl FnOnce() -> NodeKey) -> u32 {
        if let Some(&n) = self.mentions.get(&(entity, text)) {
            return n;
        }
        let key = key();
        let next = u32::try_from(self.keys.len()).expect("fewer than 2^32 nodes");
        let n = *self.ids.entry(key.id.clone()).or_insert(next);
        if n == next {
            self.keys.push(key);
        }
        self.mentions.insert((entity, text), n);
        n
    }

    /// The keys in id order, and each node's place in that order (by its number).
    fn into_sorted(self) -> (Vec<NodeKey>, Vec<u32>) {
        let mut keys: Vec<(NodeKey, u32)> = self.keys.into_iter().zip(0..).collect();
        keys.sort_unstable_by(|a, b| a.0.id.cmp(&b.0.id));
        let mut place = vec![0; keys.len()];
        for (i, (_, n)) in (0..).zip(&keys) {
            place[*n as usize] = i;
        }
        (keys.into_iter().map(|(key, _)| key).collect(), place)
    }
}

/// Stances, numbered as they first come.
#[derive(Default)]
struct Stances<'s> {
    numbers: HashMap<&'s str, u32>,
    names: Vec<&'s str>,
}

impl<'s> Stances<'s> {
    fn stance(&mut self, name: &'s str) -> u32 {
        *self.numbers.entry(name).or_insert_with(|| {
            self.names.push(name);
            u32::try_from(self.names.len() - 1).expect("fewer than 2^32 stances")
        })
    }

    fn number(&self, name: &str) -> Option<u32> {
        self.numbers.get(name).copied()
    }
}

fn two_mode<'s>(kept: impl Iterator<Item = &'s Statement>, min_weight: f64) -> Built {
    let (mut actors, mut concepts) = (Nodes::default(), Nodes::default());
    let mut stances = Stances::default();
    // (actor, concept, stance) of each statement.
    let mut ties: Vec<(u32, u32, u32)> = Vec::new();
    for s in kept {
        let actor = actors.node(s.actor_entity_id, &s.actor, || s.actor_key());
        let concept = concepts.node(s.concept_entity_id, &s.concept, || s.concept_key());
        let stance = stances.stance(s.stance.as_deref().unwrap_or(""));
        ties.push((actor, concept, stance));
    }
    let (mut keys, actor_place) = actors.into_sorted();
    let (concept_keys, concept_place) = concepts.into_sorted();
    let first_concept = keys.len();
    keys.extend(concept_keys);
    let mut counts = vec![0; keys.len()];
    for t in &mut ties {
        t.0 = actor_place[t.0 as usize];
        t.1 = concept_place[t.1 as usize];
        counts[t.0 as usize] += 1;
        counts[first_concept + t.1 as usize] += 1;
    }
    // Places are in id order, so this is by source, target.
    ties.sort_unstable();
    let mut degree = vec![0; keys.len()];
    let mut edges = Vec::new();
    let heavy = ties
        .chunk_by(|x, y| (x.0, x.1) == (y.0, y.1))
        .map(|tie| (tie, tie.len() as f64))
        .filter(|&(_, weight)| weight >= min_weight);
    for (tie, weight) in heavy {
        let (actor, concept) = (tie[0].0 as usize, first_concept + tie[0].1 as usize);
        degree[actor] += 1;
        degree[concept] += 1;
        edges.push(Edge {
            source: keys[actor].id.as_str().into(),
            target: keys[concept].id.as_str().into(),
            weight,
            stances: tie
                .chunk_by(|x, y| x.2 == y.2)
                .map(|same| (stances.names[same[0].2 as usize].to_string(), same.len()))
                .collect(),
            through: Through::default(),
        });
    }
    Built {
        keys,
        counts,
        degree,
        edges,
        statements: ties.len(),
    }
}

/// Offsets into a list of lists: list `i` is `items[starts[i]..starts[i + 1]]`.
struct Lists {
    starts: Vec<usize>,
    items: Vec<u32>,
}

impl Lists {
    fn get(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.items[self.starts[i]..self.starts[i + 1]]
    }
}

/// The binary incidence of the nodes of one mode with (other-mode node, stance) pairs, all
/// numbered in id order.
struct Incidence<'s> {
    /// The nodes, in id order, and their statements.
    keys: Vec<NodeKey>,
    counts: Vec<usize>,
    /// The other-mode nodes, in id order.
    other_keys: Vec<NodeKey>,
    /// The pairs (other-mode node, stance) held, by other-mode node, then stance.
    pairs: Vec<(u32, u32)>,
    /// Each pair's holders, in order.
    holders: Lists,
    /// Each node's pairs, in order (so by other-mode node).
    held: Lists,
    stances: Stances<'s>,
    /// Statements that passed the filter.
    statements: usize,
}

fn incidence<'s>(kept: impl Iterator<Item = &'s Statement>, concepts_tied: bool) -> Incidence<'s> {
    let (mut nodes, mut others) = (Nodes::default(), Nodes::default());
    let mut stances = Stances::default();
    let mut counts: Vec<usize> = Vec::new();
    let mut statements = 0;
    // (other-mode node, stance, node) of each statement with a known stance.
    let mut held: Vec<(u32, u32, u32)> = Vec::new();
    for s in kept {
        statements += 1;
        let actor = (s.actor_entity_id, s.actor.as_str());
        let concept = (s.concept_entity_id, s.concept.as_str());
        let node = if concepts_tied {
            nodes.node(concept.0, concept.1, || s.concept_key())
        } else {
            nodes.node(actor.0, actor.1, || s.actor_key())
        };
        if node as usize == counts.len() {
            counts.push(0);
        }
        counts[node as usize] += 1;
        if let Some(stance) = s.stance.as_deref().filter(|st| !st.is_empty()) {
            let other = if concepts_tied {
                others.node(actor.0, actor.1, || s.actor_key())
            } else {
                others.node(concept.0, concept.1, || s.concept_key())
            };
            held.push((other, stances.stance(stance), node));
        }
    }
    let (keys, node_place) = nodes.into_sorted();
    let (other_keys, other_place) = others.into_sorted();
    let mut sorted_counts = vec![0; keys.len()];
    for (node, count) in node_place.iter().zip(counts) {
        sorted_counts[*node as usize] = count;
    }
    for h in &mut held {
        h.0 = other_place[h.0 as usize];
        h.2 = node_place[h.2 as usize];
    }
    // Binary: a statement repeated counts once.
    held.sort_unstable();
    held.dedup();

    let mut pairs = Vec::new();
    let mut holders = Lists {
        starts: vec![0],
        items: Vec::with_capacity(held.len()),
    };
    for pair in held.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
        pairs.push((pair[0].0, pair[0].1));
        holders.items.extend(pair.iter().map(|h| h.2));
        holders.starts.push(holders.items.len());
    }
    let n = keys.len();
    let mut held = Lists {
        starts: vec![0; n + 1],
        items: vec![0; holders.items.len()],
    };
    for &node in &holders.items {
        held.starts[node as usize + 1] += 1;
    }
    for i in 0..n {
        held.starts[i + 1] += held.starts[i];
    }
    let mut fill = held.starts.clone();
    for p in 0..pairs.len() as u32 {
        for &node in holders.get(p) {
            held.items[fill[node as usize]] = p;
            fill[node as usize] += 1;
        }
    }
    Incidence {
        keys,
        counts: sorted_counts,
        other_keys,
        pairs,
        holders,
        held,
        stances,
        statements,
    }
}

/// Congruence or conflict, row by row: each node's ties to the nodes after it (in id order)
/// are counted through its pairs into dense arrays, then reset through the list of the nodes
/// touched, so no pair of nodes is ever looked up.
fn one_mode<'s>(kept: impl Iterator<Item = &'s Statement>, request: &NetworkRequest) -> Built {
    let Incidence {
        keys,
        counts,
        other_keys,
        pairs,
        holders,
        held,
        stances,
        statements,
    } = incidence(kept, request.mode == Mode::ConceptConcept);
    let n = keys.len();

    // The pairs through which a node's pair ties it to their holders: the same pair
    // (congruence), or the same other-mode node with the opposite stance (conflict; for
    // (x, y), x is tied to y and y to x).
    let conflict = request.tie == Tie::Conflict;
    let mut opposite: Vec<Vec<u32>> = vec![Vec::new(); stances.names.len()];
    for (x, y) in OPPOSITES {
        if let (Some(x), Some(y)) = (stances.number(x), stances.number(y)) {
            opposite[x as usize].push(y);
            opposite[y as usize].push(x);
        }
    }
    let mut tied = Lists {
        starts: vec![0],
        items: Vec::new(),
    };
    for (p, &(other, stance)) in (0..).zip(&pairs) {
        if conflict {
            for &y in &opposite[stance as usize] {
                if let Ok(q) = pairs.binary_search(&(other, y)) {
                    tied.items.push(q as u32);
                }
            }
        } else {
            tied.items.push(p);
        }
        tied.starts.push(tied.items.len());
    }
    // The holders of a pair after node `a`.
    let after = |q: u32, a: u32| -> &[u32] {
        let hs = holders.get(q);
        &hs[hs.partition_point(|&b| b <= a)..]
    };

    let size = |node: usize| (held.starts[node + 1] - held.starts[node]) as f64;
    let normalisation = request.normalisation;
    let jaccard_of_conflict = conflict && normalisation == Normalisation::Jaccard;
    let min_weight = request.filter.min_weight;

    // Per node of the row: the tie's value, the pairs both hold (for the Jaccard index of a
    // conflict), where its other-mode nodes go in `through` and how many are there so far,
    // and the last one put there.
    const NONE: usize = usize::MAX;
    let mut value = vec![0u32; n];
    let mut both = vec![0u32; n];
    let mut slot = vec![NONE; n];
    let mut filled = vec![0usize; n];
    let mut last = vec![u32::MAX; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut row: Vec<(u32, f64)> = Vec::new();
    let mut through: Vec<u32> = Vec::new();
    let mut degree = vec![0; n];
    // The edges kept as numbers (source, target, weight, and where their other-mode nodes end
    // in `ties_through`), made edges at the end, all at once.
    let mut ties: Vec<(u32, u32, f64, usize)> = Vec::new();
    let mut ties_through: Vec<u32> = Vec::new();
    for a in 0..n as u32 {
        let mine = held.get(a);
        for &p in mine {
            for &q in tied.get(p) {
                for &b in after(q, a) {
                    let v = &mut value[b as usize];
                    if *v == 0 {
                        touched.push(b);
                    }
                    *v += 1;
                }
            }
        }
        if touched.is_empty() {
            continue;
        }
        if jaccard_of_conflict {
            for &p in mine {
                for &b in after(p, a) {
                    if value[b as usize] > 0 {
                        both[b as usize] += 1;
                    }
                }
            }
        }
        // In order: sorted if few, else read off the dense array.
        if touched.len() * 16 < n - a as usize {
            touched.sort_unstable();
        } else {
            touched.clear();
            touched.extend((a + 1..n as u32).filter(|&b| value[b as usize] > 0));
        }

        let na = size(a as usize);
        let mut total = 0;
        for &b in &touched {
            let count = value[b as usize];
            let nb = size(b as usize);
            let norm = match normalisation {
                Normalisation::None => 1.0,
                Normalisation::Average => (na + nb) / 2.0,
                Normalisation::Jaccard => {
                    // The pairs both hold are the congruence.
                    let both = if conflict { both[b as usize] } else { count };
                    na + nb - f64::from(both)
                }
                Normalisation::Cosine => (na * nb).sqrt(),
            };
            let weight = f64::from(count) / norm;
            if weight >= min_weight {
                slot[b as usize] = total;
                total += count as usize;
                row.push((b, weight));
            }
        }

        if !row.is_empty() {
            // The other-mode nodes of the ties kept, once each and in id order, as `mine` is.
            through.clear();
            through.resize(total, 0);
            for &p in mine {
                let other = pairs[p as usize].0;
                for &q in tied.get(p) {
                    for &b in after(q, a) {
                        let b = b as usize;
                        if slot[b] != NONE && last[b] != other {
                            through[slot[b] + filled[b]] = other;
                            filled[b] += 1;
                            last[b] = other;
                        }
                    }
                }
            }
            degree[a as usize] += row.len();
            for &(b, weight) in &row {
                let (at, len) = (slot[b as usize], filled[b as usize]);
                degree[b as usize] += 1;
                ties_through.extend_from_slice(&through[at..at + len]);
                ties.push((a, b, weight, ties_through.len()));
            }
            row.clear();
        }
        for &b in &touched {
            let b = b as usize;
            value[b] = 0;
            both[b] = 0;
            slot[b] = NONE;
            filled[b] = 0;
            last[b] = u32::MAX;
        }
        touched.clear();
    }

    let names: Arc<[Arc<str>]> = other_keys
        .iter()
        .map(|k| Arc::from(k.id.as_str()))
        .collect();
    let all: Arc<[u32]> = ties_through.into();
    let ids: Vec<Arc<str>> = keys.iter().map(|k| Arc::from(k.id.as_str())).collect();
    let mut edges = Vec::with_capacity(ties.len());
    let mut start = 0;
    for (a, b, weight, end) in ties {
        edges.push(Edge {
            source: ids[a as usize].clone(),
            target: ids[b as usize].clone(),
            weight,
            stances: BTreeMap::new(),
            through: Through {
                names: names.clone(),
                all: all.clone(),
                start: start as u32,
                end: end as u32,
            },
        });
        start = end;
    }
    Built {
        keys,
        counts,
        degree,
        edges,
        statements,
    }
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
        n.edges.iter().find(|e| *e.source == *a && *e.target == *b)
    }

    fn request(mode: Mode, tie: Tie, normalisation: Normalisation) -> NetworkRequest {
        NetworkRequest {
            mode,
            tie,
            normalisation,
            filter: Filter::default(),
        }
    }

    /// The network as first written, straight from the definitions (string maps and sets,
    /// every pair of holders): what `network` must give, to the bit.
    mod reference {
        use std::collections::{BTreeMap, BTreeSet, HashMap};

        use super::super::OPPOSITES;
        use super::super::{Edge, Mode, Network, NetworkRequest, Node, Normalisation, Tie};
        use crate::statement::{NodeKey, Statement};

        pub fn network(statements: &[Statement], request: &NetworkRequest) -> Network {
            let kept: Vec<&Statement> = statements
                .iter()
                .filter(|s| request.filter.keeps(s))
                .collect();
            let mut keys: BTreeMap<String, NodeKey> = BTreeMap::new();
            let mut counts: HashMap<String, usize> = HashMap::new();
            let mut edges = match request.mode {
                Mode::ActorConcept => two_mode(&kept, &mut keys, &mut counts),
                Mode::ActorActor | Mode::ConceptConcept => {
                    one_mode(&kept, request, &mut keys, &mut counts)
                }
            };
            edges.retain(|e| e.weight >= request.filter.min_weight);
            let mut degree: HashMap<&str, usize> = HashMap::new();
            for e in &edges {
                *degree.entry(&e.source).or_default() += 1;
                *degree.entry(&e.target).or_default() += 1;
            }
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
                    source: source.into(),
                    target: target.into(),
                    weight: stances.values().sum::<usize>() as f64,
                    stances,
                    through: Default::default(),
                })
                .collect()
        }

        fn one_mode(
            kept: &[&Statement],
            request: &NetworkRequest,
            keys: &mut BTreeMap<String, NodeKey>,
            counts: &mut HashMap<String, usize>,
        ) -> Vec<Edge> {
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
                        source: a.into(),
                        target: b.into(),
                        weight: value / norm,
                        stances: BTreeMap::new(),
                        through: through.into_iter().collect(),
                    })
                })
                .collect()
        }
    }

    /// `count` statements drawn from `seed`: actors and concepts linked to entities or not (the
    /// same entity under other texts; " A" and "A", "B " and "B" one node each), few of them or
    /// many (`wide`), with every kind of stance, some repeated, some undated.
    fn random_statements(seed: u64, count: usize, wide: bool) -> Vec<Statement> {
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let texts = ["A", " A", "B ", "B", "Cé", "D", "E", "F", "G"];
        let stances = [
            Some("support"),
            Some("oppose"),
            Some("support"),
            Some("oppose"),
            Some("neutral"),
            Some(""),
            None,
        ];
        let (actors, concepts) = if wide {
            (30 + next(50), 20 + next(30))
        } else {
            (6 + next(9), 4 + next(8))
        };
        // Numbers 0–2 are entities, named this way or that; the others plain text.
        let text = |n: usize, next: &mut dyn FnMut(usize) -> usize| match n {
            0..3 => texts[next(texts.len())].to_string(),
            3..12 => texts[n - 3].to_string(),
            _ => format!("T{n}"),
        };
        (0..count)
            .map(|_| {
                let (actor, concept) = (next(actors), next(concepts));
                let mut s = st(
                    &text(actor, &mut next),
                    &text(concept, &mut next),
                    stances[next(stances.len())],
                    None,
                );
                s.actor_entity_id = (actor < 3).then_some(actor as i64 + 1);
                s.concept_entity_id = (concept < 3).then_some(concept as i64 + 101);
                s.date = (next(5) > 0).then(|| {
                    NaiveDate::from_ymd_opt(2025, 1 + next(12) as u32, 1 + next(28) as u32).unwrap()
                });
                s
            })
            .collect()
    }

    #[test]
    fn networks_are_those_of_the_definitions_on_random_statements() {
        let filters = [
            Filter::default(),
            Filter {
                min_weight: 0.3,
                ..Filter::default()
            },
            Filter {
                min_weight: 2.0,
                ..Filter::default()
            },
            Filter {
                min_weight: -1.0,
                date_from: "2025-03-01".parse().ok(),
                date_to: "2025-10-31".parse().ok(),
                ..Filter::default()
            },
            Filter {
                stances: Some(vec!["support".into(), "oppose".into(), "".into()]),
                min_weight: 0.5,
                ..Filter::default()
            },
            Filter {
                stances: Some(vec!["support".into(), "neutral".into()]),
                ..Filter::default()
            },
            Filter {
                min_weight: f64::NAN,
                ..Filter::default()
            },
        ];
        let mut edges = 0;
        for seed in 0..20 {
            let statements = random_statements(seed, 50 + 20 * seed as usize, seed % 2 == 1);
            for mode in [Mode::ActorConcept, Mode::ActorActor, Mode::ConceptConcept] {
                for tie in [Tie::Congruence, Tie::Conflict] {
                    if mode == Mode::ActorConcept && tie == Tie::Conflict {
                        continue; // The same two-mode network.
                    }
                    for normalisation in [
                        Normalisation::None,
                        Normalisation::Average,
                        Normalisation::Jaccard,
                        Normalisation::Cosine,
                    ] {
                        for filter in &filters {
                            let request = NetworkRequest {
                                mode,
                                tie,
                                normalisation,
                                filter: filter.clone(),
                            };
                            let expected = reference::network(&statements, &request);
                            let got = network(&statements, &request);
                            assert_eq!(got, expected, "seed {seed}, {request:?}");
                            // To the bit, as JSON too.
                            assert_eq!(
                                serde_json::to_string(&got).unwrap(),
                                serde_json::to_string(&expected).unwrap()
                            );
                            edges += got.edges.len();
                        }
                    }
                }
            }
        }
        assert!(edges > 10_000, "the statements tie enough: {edges} edges");
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
            .find(|e| &*e.source == "actor:text:A" && &*e.target == "concept:text:truce")
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
            edge(&congruence, "A", "C").unwrap().through.to_vec(),
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
            edge(&conflict, "B", "C").unwrap().through.to_vec(),
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
            (&*e.source, &*e.target),
            ("concept:text:talks", "concept:text:truce")
        );
        assert_eq!(e.weight, 1.0);
        assert_eq!(e.through.to_vec(), ["actor:text:A"]);
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
