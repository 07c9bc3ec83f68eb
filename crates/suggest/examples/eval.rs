//! Scores the attribution finder against the PolNeAR gold standard.
//!
//! ```text
//! cargo run --release -p claimdesk-suggest --example eval -- <PolNeAR checkout> [--split train|dev] [--show N]
//! ```
//!
//! Each article's text (`data/<split>/text/NAME.txt`) is read with the first of its annotation
//! files by name (`data/<split>/attributions/NAME_<annotator>.ann`; several annotators coded
//! some articles, one version is used). Files go through Claimdesk's brat reader: a `Source`
//! span is an Actor, `Content` a Claim, and the `Attribution` event's `Source`/`Content`
//! arguments are the said-by link. A discontinuous brat span is one gold span of fragments.
//!
//! Scores, for contents, sources and source–content pairs:
//! - exact: the same fragments at the same offsets (whitespace at the edges ignored);
//! - overlap: the prediction covers at least half the gold span's tokens (runs of letters and
//!   digits), one-to-one;
//! - mutual: overlap both ways (at least half of the gold tokens and half of the predicted
//!   ones), which also penalises predictions much longer than the gold span.
//!
//! A pair matches when its content and its source match (two absent sources match).
//! The test split is held out and refused.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use claimdesk_formats::read::brat;
use claimdesk_suggest::{find_attributions, Rules};

/// A span of one or more fragments, as code-point ranges sorted by start.
type Frags = Vec<(usize, usize)>;

#[derive(Clone)]
struct Item {
    content: Frags,
    source: Option<Frags>,
}

struct Doc {
    name: String,
    text: String,
    gold: Vec<Item>,
}

#[derive(Default, Clone, Copy)]
struct Count {
    tp: usize,
    predicted: usize,
    gold: usize,
}

impl Count {
    fn add(&mut self, other: Count) {
        self.tp += other.tp;
        self.predicted += other.predicted;
        self.gold += other.gold;
    }

    fn line(&self, label: &str) -> String {
        let p = ratio(self.tp, self.predicted);
        let r = ratio(self.tp, self.gold);
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        format!(
            "{label:<18} P {p:.3}  R {r:.3}  F1 {f:.3}   ({} matched, {} predicted, {} gold)",
            self.tp, self.predicted, self.gold
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Exact,
    Overlap,
    Mutual,
}

const MODES: [(Mode, &str); 3] = [
    (Mode::Exact, "exact"),
    (Mode::Overlap, "overlap"),
    (Mode::Mutual, "mutual"),
];

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("eval: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut root: Option<PathBuf> = None;
    let mut split = "dev".to_string();
    let mut show = 0usize;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--split" => split = args.next().ok_or("--split needs train or dev")?,
            "--show" => {
                show = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--show needs a number")?
            }
            _ if root.is_none() => root = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    let root = root.ok_or(
        "usage: eval <PolNeAR checkout> [--split train|dev] [--show N]\n\
         (the test split is held out and cannot be chosen)",
    )?;
    if split != "train" && split != "dev" {
        return Err(format!(
            "split {split:?} refused: only train and dev are used here; test is held out"
        ));
    }
    let docs = load(&root.join("data").join(&split))?;
    let rules = Rules::english();

    let mut counts: HashMap<(&str, usize), Count> = HashMap::new();
    let mut elapsed = Duration::ZERO;
    let mut slowest = (Duration::ZERO, 0usize);
    let mut shown_miss = 0;
    let mut shown_fp = 0;
    let mut words = 0usize;
    for doc in &docs {
        let started = Instant::now();
        let found = find_attributions(&doc.text, rules);
        let took = started.elapsed();
        elapsed += took;
        let doc_words = doc.text.split_whitespace().count();
        words += doc_words;
        if took > slowest.0 {
            slowest = (took, doc_words);
        }
        let predicted: Vec<Item> = found
            .iter()
            .map(|a| Item {
                content: a.parts.iter().map(|s| (s.start, s.end)).collect(),
                source: a.source.map(|s| vec![(s.start, s.end)]),
            })
            .collect();
        let tokens = Tokens::new(&doc.text);
        for (m, (mode, _)) in MODES.iter().enumerate() {
            let gold_contents = dedup(doc.gold.iter().map(|g| g.content.clone()));
            let pred_contents = dedup(predicted.iter().map(|p| p.content.clone()));
            let gold_sources = dedup(doc.gold.iter().filter_map(|g| g.source.clone()));
            let pred_sources = dedup(predicted.iter().filter_map(|p| p.source.clone()));
            let (c, unmatched) = score(&doc.text, &tokens, &pred_contents, &gold_contents, *mode);
            counts.entry(("content", m)).or_default().add(c);
            let (s, _) = score(&doc.text, &tokens, &pred_sources, &gold_sources, *mode);
            counts.entry(("source", m)).or_default().add(s);
            let (p, _) = score_pairs(&doc.text, &tokens, &predicted, &doc.gold, *mode);
            counts.entry(("pair", m)).or_default().add(p);
            if *mode == Mode::Overlap && (shown_miss < show || shown_fp < show) {
                let (missed, false_pos) = unmatched;
                for g in missed {
                    if shown_miss < show {
                        shown_miss += 1;
                        let source = doc
                            .gold
                            .iter()
                            .find(|item| item.content == gold_contents[g])
                            .and_then(|item| item.source.as_ref())
                            .map_or(String::from("-"), |s| quote(&doc.text, s));
                        println!(
                            "MISS [{}] {}  <= {}",
                            doc.name,
                            quote(&doc.text, &gold_contents[g]),
                            source
                        );
                    }
                }
                for p in false_pos {
                    if shown_fp < show {
                        shown_fp += 1;
                        let source = predicted
                            .iter()
                            .find(|item| item.content == pred_contents[p])
                            .and_then(|item| item.source.as_ref())
                            .map_or(String::from("-"), |s| quote(&doc.text, s));
                        println!(
                            "FALSE [{}] {}  <= {}",
                            doc.name,
                            quote(&doc.text, &pred_contents[p]),
                            source
                        );
                    }
                }
            }
        }
    }

    println!(
        "PolNeAR {split}: {} documents, {} gold attributions",
        docs.len(),
        docs.iter().map(|d| d.gold.len()).sum::<usize>()
    );
    for (what, label) in [
        ("content", "content"),
        ("source", "source"),
        ("pair", "pair"),
    ] {
        for (m, (_, mode)) in MODES.iter().enumerate() {
            let c = counts.get(&(what, m)).copied().unwrap_or_default();
            println!("{}", c.line(&format!("{label} {mode}")));
        }
    }
    let secs = elapsed.as_secs_f64().max(1e-9);
    println!(
        "speed: {:.0} docs/s, {:.0} words/s; slowest document {:.2} ms ({} words)",
        docs.len() as f64 / secs,
        words as f64 / secs,
        slowest.0.as_secs_f64() * 1000.0,
        slowest.1
    );
    // A long article made of the split's texts, to check the time budget for 5,000 words.
    let mut long = String::new();
    for doc in &docs {
        if long.split_whitespace().count() >= 5000 {
            break;
        }
        long.push_str(&doc.text);
        long.push_str("\n\n");
    }
    let long_words = long.split_whitespace().count();
    let runs = 20;
    let started = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(find_attributions(&long, rules));
    }
    println!(
        "a {long_words}-word article: {:.2} ms",
        started.elapsed().as_secs_f64() * 1000.0 / runs as f64
    );
    Ok(())
}

fn quote(text: &str, frags: &Frags) -> String {
    let pieces: Vec<String> = frags
        .iter()
        .map(|&(s, e)| text.chars().skip(s).take(e - s).collect::<String>())
        .collect();
    format!("{:?}", pieces.join(" | "))
}

fn dedup(items: impl Iterator<Item = Frags>) -> Vec<Frags> {
    let mut out: Vec<Frags> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Reads every text of a split with the first annotation file of it by name.
fn load(dir: &Path) -> Result<Vec<Doc>, String> {
    let texts = dir.join("text");
    let anns = dir.join("attributions");
    let mut by_article: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&anns)
        .map_err(|e| format!("cannot list {}: {e}", anns.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ann"))
        .collect();
    entries.sort();
    for path in entries {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        // NAME_<annotator>.ann: the annotator suffix follows the last underscore.
        if let Some((article, _)) = stem.rsplit_once('_') {
            by_article.entry(article.to_string()).or_insert(path);
        }
    }
    let mut docs = Vec::new();
    let mut refused = 0;
    for (article, ann_path) in by_article {
        let txt_path = texts.join(format!("{article}.txt"));
        let (Ok(txt), Ok(ann)) = (std::fs::read(&txt_path), std::fs::read(&ann_path)) else {
            refused += 1;
            continue;
        };
        let name = format!("{article}.txt");
        match brat::parse(&txt, &ann, &name) {
            Ok(imported) => docs.push(Doc {
                gold: gold_items(&imported),
                text: imported.document.text,
                name: article,
            }),
            Err(e) => {
                eprintln!("skipped {article}: {e}");
                refused += 1;
            }
        }
    }
    if refused > 0 {
        eprintln!("{refused} articles skipped");
    }
    Ok(docs)
}

/// Attribution events as the brat reader maps them: relations named `Content` and `Source`
/// from the event's trigger annotation.
fn gold_items(doc: &claimdesk_formats::ImportedDocument) -> Vec<Item> {
    let fragments = |key: &str| -> Frags {
        let mut frags: Frags = doc
            .annotations
            .iter()
            .filter(|a| {
                a.key == key
                    || a.key
                        .strip_prefix(key)
                        .is_some_and(|rest| rest.starts_with('#'))
            })
            .map(|a| (a.start, a.end))
            .collect();
        frags.sort();
        frags
    };
    let mut items = Vec::new();
    for trigger in doc.annotations.iter().filter(|a| a.label == "Attribution") {
        let target = |kind: &str| {
            doc.relations
                .iter()
                .find(|r| r.from == trigger.key && r.kind == kind)
                .map(|r| fragments(&r.to))
        };
        if let Some(content) = target("Content").filter(|c| !c.is_empty()) {
            items.push(Item {
                content,
                source: target("Source").filter(|s| !s.is_empty()),
            });
        }
    }
    items
}

/// Token numbers per code point: runs of letters and digits are tokens; whitespace and
/// punctuation are not counted.
struct Tokens {
    of: Vec<Option<u32>>,
}

impl Tokens {
    fn new(text: &str) -> Tokens {
        let mut of = Vec::new();
        let mut n = 0u32;
        let mut in_token = false;
        for c in text.chars() {
            if c.is_alphanumeric() {
                if !in_token {
                    n += 1;
                }
                in_token = true;
                of.push(Some(n));
            } else {
                in_token = false;
                of.push(None);
            }
        }
        Tokens { of }
    }

    fn set(&self, frags: &Frags) -> Vec<u32> {
        let mut set: Vec<u32> = frags
            .iter()
            .flat_map(|&(s, e)| self.of[s.min(self.of.len())..e.min(self.of.len())].iter())
            .flatten()
            .copied()
            .collect();
        set.sort_unstable();
        set.dedup();
        set
    }
}

fn trimmed(text: &[char], frags: &Frags) -> Frags {
    frags
        .iter()
        .map(|&(mut s, mut e)| {
            while s < e && text[s].is_whitespace() {
                s += 1;
            }
            while e > s && text[e - 1].is_whitespace() {
                e -= 1;
            }
            (s, e)
        })
        .collect()
}

fn shared(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// How well `pred` matches `gold`, or `None` when it does not under `mode`.
fn similarity(
    chars: &[char],
    tokens: &Tokens,
    pred: &Frags,
    gold: &Frags,
    mode: Mode,
) -> Option<f64> {
    if trimmed(chars, pred) == trimmed(chars, gold) {
        return Some(2.0);
    }
    if mode == Mode::Exact {
        return None;
    }
    let (p, g) = (tokens.set(pred), tokens.set(gold));
    if g.is_empty() || p.is_empty() {
        return None;
    }
    let common = shared(&p, &g);
    let recall = common as f64 / g.len() as f64;
    let precision = common as f64 / p.len() as f64;
    let ok = recall >= 0.5 && (mode == Mode::Overlap || precision >= 0.5);
    ok.then_some(recall + precision)
}

/// One-to-one matching, best pairs first. Returns the counts and the unmatched gold and
/// predicted indices.
fn score(
    text: &str,
    tokens: &Tokens,
    pred: &[Frags],
    gold: &[Frags],
    mode: Mode,
) -> (Count, (Vec<usize>, Vec<usize>)) {
    let chars: Vec<char> = text.chars().collect();
    let mut pairs = Vec::new();
    for (i, p) in pred.iter().enumerate() {
        for (j, g) in gold.iter().enumerate() {
            if let Some(s) = similarity(&chars, tokens, p, g, mode) {
                pairs.push((s, i, j));
            }
        }
    }
    let (tp, used_p, used_g) = assign(pairs, pred.len(), gold.len());
    let missed = (0..gold.len()).filter(|j| !used_g[*j]).collect();
    let false_pos = (0..pred.len()).filter(|i| !used_p[*i]).collect();
    (
        Count {
            tp,
            predicted: pred.len(),
            gold: gold.len(),
        },
        (missed, false_pos),
    )
}

fn score_pairs(
    text: &str,
    tokens: &Tokens,
    pred: &[Item],
    gold: &[Item],
    mode: Mode,
) -> (Count, ()) {
    let chars: Vec<char> = text.chars().collect();
    let mut pairs = Vec::new();
    for (i, p) in pred.iter().enumerate() {
        for (j, g) in gold.iter().enumerate() {
            let Some(c) = similarity(&chars, tokens, &p.content, &g.content, mode) else {
                continue;
            };
            let s = match (&p.source, &g.source) {
                (None, None) => Some(2.0),
                (Some(ps), Some(gs)) => similarity(&chars, tokens, ps, gs, mode),
                _ => None,
            };
            if let Some(s) = s {
                pairs.push((c + s, i, j));
            }
        }
    }
    let (tp, _, _) = assign(pairs, pred.len(), gold.len());
    (
        Count {
            tp,
            predicted: pred.len(),
            gold: gold.len(),
        },
        (),
    )
}

fn assign(
    mut pairs: Vec<(f64, usize, usize)>,
    n_pred: usize,
    n_gold: usize,
) -> (usize, Vec<bool>, Vec<bool>) {
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut used_p = vec![false; n_pred];
    let mut used_g = vec![false; n_gold];
    let mut tp = 0;
    for (_, i, j) in pairs {
        if !used_p[i] && !used_g[j] {
            used_p[i] = true;
            used_g[j] = true;
            tp += 1;
        }
    }
    (tp, used_p, used_g)
}
