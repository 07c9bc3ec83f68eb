//! Agreement reports: how far the project's coders agree, over the documents at least two of
//! them coded. The coefficients are computed by `claimdesk_core::agreement`; this module reads
//! the coding out of the project, lays every coder's spans over the same word tokens
//! (`claimdesk_formats::write::word_spans`) and gathers the figures into one report that the
//! CLI prints and the app shows.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use claimdesk_core::agreement::{
    cohen_kappa_table, exact_match_f1, fleiss_kappa_weighted, set_agreement, unitizing_alpha,
    Coincidences, Figure, MatchCounts, SpanMatch, Unitization,
};
use claimdesk_core::dataset::{DocumentRecord, ProjectInfo, Scope};
use claimdesk_core::statement::statements;
use claimdesk_formats::write::word_spans;
use claimdesk_store::{Project, StoreError};

/// Which coding to compare.
#[derive(Clone, Debug, Default)]
pub struct AgreementRequest {
    /// These coders, by name; `None` for every coder except the curated layer.
    pub coders: Option<Vec<String>>,
    /// Only annotations with these labels; `None` for all.
    pub labels: Option<Vec<String>>,
    /// Only these documents; `None` for all.
    pub documents: Option<Vec<i64>>,
}

/// A coefficient and what it rests on.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Value {
    /// `None` where the coefficient is undefined (no units, or no variation to measure against).
    pub value: Option<f64>,
    pub units: usize,
}

impl From<Figure> for Value {
    fn from(f: Figure) -> Value {
        Value {
            value: f.value,
            units: f.units,
        }
    }
}

/// A coefficient overall and for each label.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measure {
    pub overall: Value,
    pub per_label: BTreeMap<String, Value>,
}

/// Exact matches between two coders' sets (spans or statements).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Matches {
    pub matches: usize,
    pub only_a: usize,
    pub only_b: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

impl From<MatchCounts> for Matches {
    fn from(m: MatchCounts) -> Matches {
        Matches {
            matches: m.matches,
            only_a: m.only_a,
            only_b: m.only_b,
            precision: m.precision(),
            recall: m.recall(),
            f1: m.f1(),
        }
    }
}

/// Two coders compared over the documents both coded.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairAgreement {
    pub a: String,
    pub b: String,
    pub documents: usize,
    /// Cohen's κ on the word tokens (overall: the set of labels covering each token; per
    /// label: the label or not).
    pub cohen_kappa: Measure,
    /// Krippendorff's α on the same tokens, for these two coders.
    pub token_alpha: Measure,
    /// Krippendorff's uα on the code points, for these two coders.
    pub unitizing_alpha: Measure,
    /// Spans with the same label, start and end.
    pub exact_match: Matches,
    pub exact_match_per_label: BTreeMap<String, Matches>,
    /// Statements (actor, concept, stance) both coders derived.
    pub statements: Matches,
}

/// One document's agreement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentAgreement {
    pub id: i64,
    pub title: String,
    pub coders: Vec<String>,
    pub token_alpha: Value,
    pub unitizing_alpha: Value,
    /// Spans of this document matched exactly, pooled over the coders' pairs.
    pub exact_match: Matches,
}

/// Statement agreement over all coders.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatementAgreement {
    /// Krippendorff's α over the union of the statements in each document (each statement a
    /// unit, each coder's value present or absent).
    pub alpha: Value,
    /// Exact matches pooled over every pair of coders.
    pub matches: Matches,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AgreementReport {
    pub coders: Vec<String>,
    pub labels: Vec<String>,
    /// Documents coded by at least two of the coders: the ones compared.
    pub documents: usize,
    /// Documents coded by only one of them, left out.
    pub excluded_documents: usize,
    /// Krippendorff's α, nominal, one unit per word token: overall and per label.
    pub token_alpha: Measure,
    /// Krippendorff's uα over the documents all the coders coded.
    pub unitizing_alpha: Measure,
    /// Documents uα leaves out because not every coder coded them.
    pub unitizing_excluded: usize,
    /// Fleiss' κ on the tokens of the documents every coder coded (more than two coders).
    pub fleiss_kappa: Option<Measure>,
    pub pairs: Vec<PairAgreement>,
    pub statements: StatementAgreement,
    pub per_document: Vec<DocumentAgreement>,
}

/// One coder's spans in a document, labels as indices into the report's labels.
type Spans = Vec<(usize, usize, usize)>;

/// A token's value for one coder: the set of labels of their spans overlapping it, one bit per
/// label (0: the coder coded nothing there). The same value as the core's `TokenCode`, kept as
/// bits so a corpus of millions of tokens is compared without an allocation per token.
type Mask = u128;

/// The most labels one report compares (the bits of a [`Mask`]).
const MAX_LABELS: usize = Mask::BITS as usize;

/// Two coders, by index, the first the smaller.
type Pair = (usize, usize);

/// A statement as agreement compares it: actor, concept, stance.
type StatementKey = (String, String, Option<String>);

/// Reads the coding the request names and measures agreement on it.
pub fn agreement(
    project: &Project,
    request: &AgreementRequest,
) -> Result<AgreementReport, StoreError> {
    let info = project.project_info()?;
    let all = project.coders()?;
    let coders: Vec<(i64, String)> = match &request.coders {
        Some(names) => {
            let mut chosen = Vec::new();
            for name in names {
                let id = project.coder_id(name)?;
                if !chosen.iter().any(|(c, _)| *c == id) {
                    chosen.push((id, name.trim().to_string()));
                }
            }
            chosen
        }
        None => all
            .iter()
            .filter(|c| !c.curated && c.annotations > 0)
            .map(|c| (c.id, c.name.clone()))
            .collect(),
    };
    if coders.len() < 2 {
        return Err(StoreError::BadCoder(
            "agreement needs at least two coders who coded something".into(),
        ));
    }
    let labels: Vec<String> = match &request.labels {
        Some(names) => {
            for name in names {
                if !info.labels.iter().any(|l| &l.name == name) {
                    return Err(StoreError::BadCoder(format!("there is no label {name:?}")));
                }
            }
            names.clone()
        }
        None => info.labels.iter().map(|l| l.name.clone()).collect(),
    };
    if labels.len() > MAX_LABELS {
        return Err(StoreError::BadCoder(format!(
            "agreement compares up to {MAX_LABELS} labels at once; choose some with --labels"
        )));
    }
    let ids: Vec<i64> = coders.iter().map(|(id, _)| *id).collect();
    let mut coded = project.coded_documents(&ids, 1)?;
    if let Some(only) = &request.documents {
        let only: BTreeSet<i64> = only.iter().copied().collect();
        coded.retain(|doc, _| only.contains(doc));
    }
    let excluded = coded.values().filter(|who| who.len() < 2).count();
    coded.retain(|_, who| who.len() >= 2);

    let names: Vec<String> = coders.iter().map(|(_, n)| n.clone()).collect();
    let mut tally = Tally::new(&names, &labels);
    let scope = Scope {
        documents: Some(coded.keys().copied().collect()),
        labels: Some(labels.clone()),
        annotators: Some(names.clone()),
        ..Default::default()
    };
    if !coded.is_empty() {
        project.read_scope(&scope, |doc| -> Result<(), StoreError> {
            let who: Vec<usize> = coded[&doc.id]
                .iter()
                .filter_map(|id| ids.iter().position(|c| c == id))
                .collect();
            tally.add(&doc, &who, &info)
        })?;
    }
    Ok(tally.finish(excluded))
}

/// What the report gathers document by document.
struct Tally<'a> {
    coders: &'a [String],
    labels: &'a [String],
    /// The tokens tabulated by the values their coders gave them (sorted: α and Fleiss' κ do
    /// not depend on which coder gave which), with how many tokens got each combination.
    tokens: HashMap<Vec<Mask>, u64>,
    /// Per pair (i < j): how many tokens got each pair of values (a contingency table).
    pair_tables: BTreeMap<Pair, HashMap<(Mask, Mask), u64>>,
    pair_documents: BTreeMap<Pair, usize>,
    pair_spans: BTreeMap<Pair, SpanMatch<usize>>,
    pair_units: BTreeMap<Pair, Vec<Unitization<usize, usize>>>,
    /// The tokens of the documents every coder coded, tabulated the same way, for Fleiss' κ.
    complete: HashMap<Vec<Mask>, u64>,
    units: Vec<Unitization<usize, usize>>,
    statements: Vec<BTreeMap<usize, BTreeSet<StatementKey>>>,
    per_document: Vec<DocumentAgreement>,
}

impl<'a> Tally<'a> {
    fn new(coders: &'a [String], labels: &'a [String]) -> Tally<'a> {
        Tally {
            coders,
            labels,
            tokens: HashMap::new(),
            pair_tables: BTreeMap::new(),
            pair_documents: BTreeMap::new(),
            pair_spans: BTreeMap::new(),
            pair_units: BTreeMap::new(),
            complete: HashMap::new(),
            units: Vec::new(),
            statements: Vec::new(),
            per_document: Vec::new(),
        }
    }

    /// Adds one document, coded by the coders `who` (indices into the report's coders).
    fn add(
        &mut self,
        doc: &DocumentRecord,
        who: &[usize],
        info: &ProjectInfo,
    ) -> Result<(), StoreError> {
        let tokens = word_spans(&doc.text);
        let length = doc.text.chars().count();
        let spans: BTreeMap<usize, Spans> = who
            .iter()
            .map(|&c| {
                let mine = doc
                    .annotations
                    .iter()
                    .filter(|a| a.annotator == self.coders[c])
                    .filter_map(|a| {
                        let label = self.labels.iter().position(|l| *l == a.label)?;
                        Some((label, a.start, a.end))
                    })
                    .collect();
                (c, mine)
            })
            .collect();
        let codes: BTreeMap<usize, Vec<Mask>> = spans
            .iter()
            .map(|(&c, s)| (c, label_masks(&tokens, s)))
            .collect();

        // Token α, overall and per label, and this document's own.
        let mut own = Coincidences::new();
        let complete = who.len() == self.coders.len() && self.coders.len() > 2;
        let mut values: Vec<Mask> = Vec::with_capacity(codes.len());
        for t in 0..tokens.len() {
            values.clear();
            values.extend(codes.values().map(|c| c[t]));
            own.add_unit(&values);
            values.sort_unstable();
            tabulate(&mut self.tokens, &values);
            if complete {
                tabulate(&mut self.complete, &values);
            }
        }

        // Pairs.
        let mut document_spans = SpanMatch::default();
        for (i, &a) in who.iter().enumerate() {
            for &b in &who[i + 1..] {
                let key = (a.min(b), a.max(b));
                let table = self.pair_tables.entry(key).or_default();
                for (x, y) in codes[&key.0].iter().zip(&codes[&key.1]) {
                    *table.entry((*x, *y)).or_insert(0) += 1;
                }
                *self.pair_documents.entry(key).or_default() += 1;
                let matched = exact_match_f1(&spans[&key.0], &spans[&key.1]);
                document_spans.add(&matched);
                self.pair_spans.entry(key).or_default().add(&matched);
                self.pair_units.entry(key).or_default().push(Unitization {
                    length,
                    coders: [key.0, key.1]
                        .iter()
                        .map(|c| (*c, spans[c].clone()))
                        .collect(),
                });
            }
        }

        // uα: the document as every coder who coded it unitized it.
        let unitization = Unitization {
            length,
            coders: spans.clone(),
        };
        let own_units = unitizing_alpha(std::slice::from_ref(&unitization))
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.units.push(unitization);

        // Statements: each coder's own, from their own annotations and links.
        let mut by_coder = BTreeMap::new();
        for &c in who {
            let mine = coder_view(doc, &self.coders[c]);
            let set: BTreeSet<_> = statements(&mine, info)
                .into_iter()
                .map(|s| (s.actor_key().id, s.concept_key().id, s.stance))
                .collect();
            by_coder.insert(c, set);
        }
        self.statements.push(by_coder);

        self.per_document.push(DocumentAgreement {
            id: doc.id,
            title: doc.title.clone(),
            coders: who.iter().map(|&c| self.coders[c].clone()).collect(),
            token_alpha: own.alpha().into(),
            unitizing_alpha: own_units.overall.into(),
            exact_match: document_spans.overall.into(),
        });
        Ok(())
    }

    fn finish(self, excluded: usize) -> AgreementReport {
        let label_name = |l: &usize| self.labels[*l].clone();
        let measure = |overall: Figure, per_label: BTreeMap<String, Value>| Measure {
            overall: overall.into(),
            per_label,
        };
        let bit = |l: usize| move |v: &Mask| v & (1 << l) != 0;
        let mut token = Coincidences::new();
        for (values, n) in &self.tokens {
            token.add_units(values, *n);
        }
        let per_label_alpha: BTreeMap<String, Value> = (0..self.labels.len())
            .map(|l| {
                let mut tally = Coincidences::new();
                for (values, n) in &self.tokens {
                    let present: Vec<bool> = values.iter().map(bit(l)).collect();
                    tally.add_units(&present, *n);
                }
                (self.labels[l].clone(), tally.alpha().into())
            })
            .collect();
        let token_alpha = measure(token.alpha(), per_label_alpha);
        let units = unitizing_alpha(&self.units).unwrap_or_else(|_| empty_units());
        let unitizing = Measure {
            overall: units.overall.into(),
            per_label: units
                .per_label
                .iter()
                .map(|(l, f)| (label_name(l), (*f).into()))
                .collect(),
        };
        let fleiss = (self.coders.len() > 2).then(|| {
            let rows: Vec<(Vec<Option<Mask>>, u64)> = self
                .complete
                .iter()
                .map(|(values, n)| (values.iter().map(|v| Some(*v)).collect(), *n))
                .collect();
            let overall = fleiss_kappa_weighted(&rows).figure;
            let per_label = (0..self.labels.len())
                .map(|l| {
                    let rows: Vec<(Vec<Option<bool>>, u64)> = self
                        .complete
                        .iter()
                        .map(|(values, n)| (values.iter().map(|v| Some(bit(l)(v))).collect(), *n))
                        .collect();
                    (
                        self.labels[l].clone(),
                        fleiss_kappa_weighted(&rows).figure.into(),
                    )
                })
                .collect();
            measure(overall, per_label)
        });

        let statement_agreement = set_agreement(&self.statements);
        let mut pairs = Vec::new();
        for (key, table) in &self.pair_tables {
            let kappa = cohen_kappa_table(table.iter().map(|((x, y), n)| ((x, y), *n)));
            let mut pair_alpha = Coincidences::new();
            for ((x, y), n) in table {
                pair_alpha.add_units([x, y], *n);
            }
            let mut kappa_per_label = BTreeMap::new();
            let mut alpha_per_label = BTreeMap::new();
            for (l, name) in self.labels.iter().enumerate() {
                // The same table with each value reduced to the label or not.
                let mut bits: BTreeMap<(bool, bool), u64> = BTreeMap::new();
                for ((x, y), n) in table {
                    *bits.entry((bit(l)(x), bit(l)(y))).or_insert(0) += n;
                }
                let k = cohen_kappa_table(bits.iter().map(|((x, y), n)| ((x, y), *n)));
                kappa_per_label.insert(name.clone(), k.into());
                let mut t = Coincidences::new();
                for ((x, y), n) in &bits {
                    t.add_units([x, y], *n);
                }
                alpha_per_label.insert(name.clone(), t.alpha().into());
            }
            let pair_units =
                unitizing_alpha(&self.pair_units[key]).unwrap_or_else(|_| empty_units());
            let spans = &self.pair_spans[key];
            let statements = statement_agreement
                .pairs
                .get(key)
                .copied()
                .unwrap_or_default();
            pairs.push(PairAgreement {
                a: self.coders[key.0].clone(),
                b: self.coders[key.1].clone(),
                documents: self.pair_documents[key],
                cohen_kappa: measure(kappa, kappa_per_label),
                token_alpha: measure(pair_alpha.alpha(), alpha_per_label),
                unitizing_alpha: Measure {
                    overall: pair_units.overall.into(),
                    per_label: pair_units
                        .per_label
                        .iter()
                        .map(|(l, f)| (label_name(l), (*f).into()))
                        .collect(),
                },
                exact_match: spans.overall.into(),
                exact_match_per_label: spans
                    .per_label
                    .iter()
                    .map(|(l, m)| (label_name(l), (*m).into()))
                    .collect(),
                statements: statements.into(),
            });
        }
        AgreementReport {
            coders: self.coders.to_vec(),
            labels: self.labels.to_vec(),
            documents: self.per_document.len(),
            excluded_documents: excluded,
            token_alpha,
            unitizing_alpha: unitizing,
            unitizing_excluded: units.excluded,
            fleiss_kappa: fleiss,
            pairs,
            statements: StatementAgreement {
                alpha: statement_agreement.alpha.into(),
                matches: statement_agreement.pooled().into(),
            },
            per_document: self.per_document,
        }
    }
}

/// Counts one more token with these (sorted) values.
fn tabulate(table: &mut HashMap<Vec<Mask>, u64>, values: &[Mask]) {
    match table.get_mut(values) {
        Some(n) => *n += 1,
        None => {
            table.insert(values.to_vec(), 1);
        }
    }
}

/// Each token's labels for one coder, as bits: the labels of the coder's spans that overlap the
/// token by at least one code point. Tokens are sorted and do not overlap.
fn label_masks(tokens: &[(usize, usize)], spans: &Spans) -> Vec<Mask> {
    let mut masks = vec![0; tokens.len()];
    for &(label, start, end) in spans {
        // The first token ending after the span's start, then every token starting before its end.
        let first = tokens.partition_point(|&(_, token_end)| token_end <= start);
        for (t, &(token_start, _)) in tokens.iter().enumerate().skip(first) {
            if token_start >= end {
                break;
            }
            masks[t] |= 1 << label;
        }
    }
    masks
}

fn empty_units() -> claimdesk_core::agreement::UnitizingAlpha<usize> {
    claimdesk_core::agreement::UnitizingAlpha {
        overall: Figure {
            value: None,
            units: 0,
        },
        per_label: BTreeMap::new(),
        coders: 0,
        documents: 0,
        excluded: 0,
    }
}

/// The document as one coder coded it: their annotations, and the links between them.
fn coder_view(doc: &DocumentRecord, coder: &str) -> DocumentRecord {
    let annotations: Vec<_> = doc
        .annotations
        .iter()
        .filter(|a| a.annotator == coder)
        .cloned()
        .collect();
    let kept: BTreeSet<i64> = annotations.iter().map(|a| a.id).collect();
    let relations = doc
        .relations
        .iter()
        .filter(|r| kept.contains(&r.from_id) && kept.contains(&r.to_id))
        .cloned()
        .collect();
    // Statements need the document's date, source and title, not its text.
    DocumentRecord {
        id: doc.id,
        title: doc.title.clone(),
        date: doc.date,
        source: doc.source.clone(),
        author: None,
        url: None,
        language: None,
        metadata: Default::default(),
        sha256: String::new(),
        imported_at: doc.imported_at,
        text: String::new(),
        annotations,
        relations,
    }
}

/// A span or statement match as a figure: F1 on the spans compared.
pub fn span_value(m: &Matches) -> Value {
    Value {
        value: m.f1,
        units: m.matches + m.only_a + m.only_b,
    }
}

/// Writes the report as CSV, one figure per row:
/// `measure,label,coder_a,coder_b,document,value,units` (an empty label is the overall figure;
/// empty coders are all coders; an empty value is undefined).
pub fn write_csv(out: &mut dyn std::io::Write, r: &AgreementReport) -> std::io::Result<()> {
    writeln!(out, "measure,label,coder_a,coder_b,document,value,units")?;
    let mut line = |measure: &str,
                    label: &str,
                    a: &str,
                    b: &str,
                    document: Option<i64>,
                    v: Value|
     -> std::io::Result<()> {
        writeln!(
            out,
            "{measure},{},{},{},{},{},{}",
            field(label),
            field(a),
            field(b),
            document.map_or(String::new(), |d| d.to_string()),
            v.value.map_or(String::new(), |v| v.to_string()),
            v.units
        )
    };
    let measure = |line: &mut dyn FnMut(&str, &str, Value) -> std::io::Result<()>,
                   name: &str,
                   m: &Measure|
     -> std::io::Result<()> {
        line(name, "", m.overall)?;
        for (label, v) in &m.per_label {
            line(name, label, *v)?;
        }
        Ok(())
    };
    measure(
        &mut |n, l, v| line(n, l, "", "", None, v),
        "token_alpha",
        &r.token_alpha,
    )?;
    measure(
        &mut |n, l, v| line(n, l, "", "", None, v),
        "unitizing_alpha",
        &r.unitizing_alpha,
    )?;
    if let Some(fleiss) = &r.fleiss_kappa {
        measure(
            &mut |n, l, v| line(n, l, "", "", None, v),
            "fleiss_kappa",
            fleiss,
        )?;
    }
    for p in &r.pairs {
        let mut pair = |n: &str, l: &str, v: Value| line(n, l, &p.a, &p.b, None, v);
        measure(&mut pair, "cohen_kappa", &p.cohen_kappa)?;
        measure(&mut pair, "token_alpha", &p.token_alpha)?;
        measure(&mut pair, "unitizing_alpha", &p.unitizing_alpha)?;
        pair("exact_match_f1", "", span_value(&p.exact_match))?;
        for (label, m) in &p.exact_match_per_label {
            pair("exact_match_f1", label, span_value(m))?;
        }
        pair("statement_f1", "", span_value(&p.statements))?;
    }
    line("statement_alpha", "", "", "", None, r.statements.alpha)?;
    line(
        "statement_f1",
        "",
        "",
        "",
        None,
        span_value(&r.statements.matches),
    )?;
    for d in &r.per_document {
        line("token_alpha", "", "", "", Some(d.id), d.token_alpha)?;
        line("unitizing_alpha", "", "", "", Some(d.id), d.unitizing_alpha)?;
        line(
            "exact_match_f1",
            "",
            "",
            "",
            Some(d.id),
            span_value(&d.exact_match),
        )?;
    }
    Ok(())
}

/// A CSV field, quoted when it needs to be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
