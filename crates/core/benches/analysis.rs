//! `make bench`: what the Analysis views compute, at the scale — 100,000 statements by
//! 2,000 actors on 500 concepts, dated daily over ten years.
//!
//! The targets: the network computed in under 300 ms, the time chart (10 years of daily
//! statements) drawn in under 200 ms. This times `analysis::network` for every kind of network
//! with the normalisations none and Jaccard, and `analysis::timeline` per week, month and year;
//! each figure is the median of several runs, printed beside its target with PASS or OVER. The
//! picture's layout of the actor–concept network (`layout::Layout`) is timed from random places
//! until it settles, against the 5 s the layout may take to settle on screen.
//!
//! The statements are the ones `tests/bench/analysis.mjs` writes as a coded project for the app
//! (the same generator, the same seed, so the app's network is this one): 10,000 documents of
//! 10 statements, 2.7 documents a day from 2015-01-01 to 2024-12-31 (every day has some);
//! actors and concepts drawn with Zipf-like weights (`1 / (rank + 10)` and `1 / (rank + 5)`: a
//! few are in much of the debate, every one is in some); each actor keeps one stance on a
//! concept 80 % of the time (support, oppose or neutral), else any of the three.

use std::time::Instant;

use chrono::{Days, NaiveDate};
use claimdesk_core::analysis::{
    network, timeline, Filter, Mode, NetworkRequest, Normalisation, Period, Tie,
};
use claimdesk_core::statement::Statement;

const DOCUMENTS: usize = 10_000;
const PER_DOCUMENT: usize = 10;
const ACTORS: usize = 2_000;
const CONCEPTS: usize = 500;
const STANCES: [&str; 3] = ["support", "oppose", "neutral"];
const SEED: u32 = 2025;
/// 2015-01-01 to 2024-12-31.
const DAYS: usize = 3_653;

const TARGET_NETWORK_MS: f64 = 300.0;
const TARGET_TIMELINE_MS: f64 = 200.0;
/// The layout settles in under 5 s on screen; this is its computation.
const TARGET_LAYOUT_MS: f64 = 5000.0;

/// Mulberry32, as `tests/bench/analysis.mjs` has it: the same numbers from the same seed.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }
}

/// Draws ranks `0..n` with weights `1 / (rank + offset)`.
struct Zipf(Vec<f64>);

impl Zipf {
    fn new(n: usize, offset: f64) -> Zipf {
        let mut total = 0.0;
        Zipf(
            (0..n)
                .map(|rank| {
                    total += 1.0 / (rank as f64 + offset);
                    total
                })
                .collect(),
        )
    }

    fn draw(&self, rng: &mut Rng) -> usize {
        let u = rng.next() * self.0[self.0.len() - 1];
        self.0.partition_point(|&c| c <= u).min(self.0.len() - 1)
    }
}

/// The statements of the generated project (document ids and annotation ids as the generator
/// writes them; actors are entities 1–2,000, concepts 2,001–2,500).
fn generate() -> Vec<Statement> {
    let mut rng = Rng(SEED);
    let actors = Zipf::new(ACTORS, 10.0);
    let concepts = Zipf::new(CONCEPTS, 5.0);
    let first = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
    let mut out = Vec::with_capacity(DOCUMENTS * PER_DOCUMENT);
    let mut annotation = 0;
    for d in 0..DOCUMENTS {
        let date = first + Days::new((d * DAYS / DOCUMENTS) as u64);
        for _ in 0..PER_DOCUMENT {
            let actor = actors.draw(&mut rng);
            let concept = concepts.draw(&mut rng);
            let keeps = rng.next() < 0.8;
            let any = rng.next();
            let stance = if keeps {
                (actor * 7_919 + concept * 104_729) % 3
            } else {
                ((any * 3.0) as usize).min(2)
            };
            out.push(Statement {
                document_id: d as i64 + 1,
                date: Some(date),
                source: Some("Wire".into()),
                title: format!("Debate {}", d + 1),
                actor: format!("Actor {}", actor + 1),
                actor_entity_id: Some(actor as i64 + 1),
                actor_annotation_id: annotation + 1,
                concept: format!("Concept {}", concept + 1),
                concept_entity_id: Some((ACTORS + concept) as i64 + 1),
                claim_annotation_id: annotation + 2,
                stance: Some(STANCES[stance].into()),
                position_annotation_id: Some(annotation + 3),
            });
            annotation += 3;
        }
    }
    out
}

/// Runs `f` at least three times (up to `most`, while under ten seconds in all); the median ms.
fn median_ms<T>(most: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::new();
    let mut spent = 0.0;
    let mut last;
    loop {
        let started = Instant::now();
        last = f();
        let took = started.elapsed().as_secs_f64() * 1e3;
        times.push(took);
        spent += took;
        if times.len() >= most || (times.len() >= 3 && spent > 10_000.0) {
            break;
        }
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], last)
}

fn verdict(ms: f64, target: f64) -> &'static str {
    if ms < target {
        "PASS"
    } else {
        "OVER"
    }
}

fn main() {
    let started = Instant::now();
    let statements = generate();
    let distinct = |f: fn(&Statement) -> Option<i64>| {
        statements
            .iter()
            .filter_map(f)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    println!(
        "analysis bench: {} statements by {} actors on {} concepts, {} to {}, generated in {:.0} ms",
        statements.len(),
        distinct(|s| s.actor_entity_id),
        distinct(|s| s.concept_entity_id),
        statements[0].date.unwrap(),
        statements[statements.len() - 1].date.unwrap(),
        started.elapsed().as_secs_f64() * 1e3
    );

    println!(
        "network (analysis::network, median of up to 7 runs; target < {TARGET_NETWORK_MS} ms)"
    );
    let kinds = [
        ("actor–concept", Mode::ActorConcept, Tie::Congruence),
        ("actor–actor congruence", Mode::ActorActor, Tie::Congruence),
        ("actor–actor conflict", Mode::ActorActor, Tie::Conflict),
        (
            "concept–concept congruence",
            Mode::ConceptConcept,
            Tie::Congruence,
        ),
        (
            "concept–concept conflict",
            Mode::ConceptConcept,
            Tie::Conflict,
        ),
    ];
    for (what, mode, tie) in kinds {
        for (norm, normalisation) in [
            ("none", Normalisation::None),
            ("jaccard", Normalisation::Jaccard),
        ] {
            let request = NetworkRequest {
                mode,
                tie,
                normalisation,
                filter: Filter::default(),
            };
            let (ms, net) = median_ms(7, || network(&statements, &request));
            let json = serde_json::to_vec(&net).unwrap().len();
            let note = if mode == Mode::ActorConcept && normalisation != Normalisation::None {
                " (normalisation applies to one-mode networks only)"
            } else {
                ""
            };
            println!(
                "  {what:<27} {norm:<8} {ms:>9.1} ms  target < {TARGET_NETWORK_MS} ms: {}   {} nodes, {} edges, {:.1} MB as JSON{note}",
                verdict(ms, TARGET_NETWORK_MS),
                net.nodes.len(),
                net.edges.len(),
                json as f64 / 1e6,
            );
        }
    }

    println!(
        "timeline (analysis::timeline, all statements, median of 11 runs; target < {TARGET_TIMELINE_MS} ms to draw, of which this is the computation)"
    );
    for (what, period) in [
        ("week", Period::Week),
        ("month", Period::Month),
        ("year", Period::Year),
    ] {
        let (ms, t) = median_ms(11, || {
            timeline(&statements, period, &Filter::default(), None)
        });
        println!(
            "  per {what:<5} {ms:>9.1} ms  target < {TARGET_TIMELINE_MS} ms: {}   {} buckets",
            verdict(ms, TARGET_TIMELINE_MS),
            t.buckets.len()
        );
    }
    // One node's time chart, as the view draws it for a chosen node: the busiest actor.
    let (ms, t) = median_ms(11, || {
        timeline(
            &statements,
            Period::Week,
            &Filter::default(),
            Some("actor:1"),
        )
    });
    println!(
        "  per week, the busiest actor {ms:>5.1} ms  target < {TARGET_TIMELINE_MS} ms: {}   {} buckets, {} statements",
        verdict(ms, TARGET_TIMELINE_MS),
        t.buckets.len(),
        t.buckets
            .iter()
            .flat_map(|b| b.stances.values())
            .sum::<usize>()
    );

    // The picture's layout of the actor–concept network, from random places (as the view starts
    // a network it has not laid out before) until it settles, in the view's steps.
    let net = network(
        &statements,
        &NetworkRequest {
            mode: Mode::ActorConcept,
            tie: Tie::Congruence,
            normalisation: Normalisation::None,
            filter: Filter::default(),
        },
    );
    let index: std::collections::HashMap<&str, usize> = net
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.key.id.as_str(), i))
        .collect();
    let edges: Vec<claimdesk_core::layout::Edge> = net
        .edges
        .iter()
        .map(|e| (index[&*e.source], index[&*e.target], e.weight as f32))
        .collect();
    let mut rng = Rng(SEED);
    let spread = 10.0 * ((net.nodes.len() + 1) as f64).sqrt();
    let positions: Vec<[f32; 2]> = net
        .nodes
        .iter()
        .map(|_| {
            [
                ((rng.next() - 0.5) * spread) as f32,
                ((rng.next() - 0.5) * spread) as f32,
            ]
        })
        .collect();
    println!("layout (layout::Layout, ForceAtlas2 from random places until settled; target < {TARGET_LAYOUT_MS} ms)");
    let (ms, step) = median_ms(3, || {
        let mut layout = claimdesk_core::layout::Layout::new(&positions, &edges).unwrap();
        let mut step = layout.step(20);
        while !step.settled {
            step = layout.step(20);
        }
        step
    });
    println!(
        "  actor–concept, {} nodes, {} edges {ms:>9.1} ms  target < {TARGET_LAYOUT_MS} ms: {}   {} iterations",
        net.nodes.len(),
        net.edges.len(),
        verdict(ms, TARGET_LAYOUT_MS),
        step.iterations
    );
}
