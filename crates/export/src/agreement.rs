//! Agreement reports: how far the project's coders agree, over the documents at least two of
//! them coded. The coefficients are computed by `claimdesk_core::agreement`; this module reads
//! the coding out of the project, lays every coder's spans over the same word tokens
//! (`claimdesk_formats::export::word_spans`) and gathers the figures into one report that the
//! CLI prints and the app shows.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use claimdesk_core::agreement::{
    cohen_kappa, exact_match_f1, fleiss_kappa, set_agreement, token_labels, unitizing_alpha,
    Coincidences, Figure, MatchCounts, SpanMatch, TokenCode, Unitization,
};
use claimdesk_core::dataset::{DocumentRecord, ProjectInfo, Scope};
use claimdesk_core::statement::statements;
use claimdesk_formats::export::word_spans;
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
    token: Coincidences<TokenCode<usize>>,
    token_per_label: Vec<Coincidences<bool>>,
    /// Per pair (i < j): both coders' token codes, in step.
    pair_tokens: BTreeMap<Pair, [Vec<TokenCode<usize>>; 2]>,
    pair_documents: BTreeMap<Pair, usize>,
    pair_spans: BTreeMap<Pair, SpanMatch<usize>>,
    pair_units: BTreeMap<Pair, Vec<Unitization<usize, usize>>>,
    /// Rows of every coder's token code, for Fleiss' κ (documents all coders coded).
    fleiss_rows: Vec<Vec<Option<TokenCode<usize>>>>,
    units: Vec<Unitization<usize, usize>>,
    statements: Vec<BTreeMap<usize, BTreeSet<StatementKey>>>,
    per_document: Vec<DocumentAgreement>,
}

impl<'a> Tally<'a> {
    fn new(coders: &'a [String], labels: &'a [String]) -> Tally<'a> {
        Tally {
            coders,
            labels,
            token: Coincidences::new(),
            token_per_label: labels.iter().map(|_| Coincidences::new()).collect(),
            pair_tokens: BTreeMap::new(),
            pair_documents: BTreeMap::new(),
            pair_spans: BTreeMap::new(),
            pair_units: BTreeMap::new(),
            fleiss_rows: Vec::new(),
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
        let codes: BTreeMap<usize, Vec<TokenCode<usize>>> = spans
            .iter()
            .map(|(&c, s)| (c, token_labels(&tokens, s)))
            .collect();

        // Token α, overall and per label, and this document's own.
        let mut own = Coincidences::new();
        for t in 0..tokens.len() {
            let values: Vec<&TokenCode<usize>> = codes.values().map(|c| &c[t]).collect();
            self.token.add_unit(values.iter().copied());
            own.add_unit(values.iter().copied());
            for (label, tally) in self.token_per_label.iter_mut().enumerate() {
                let present: Vec<bool> =
                    values.iter().map(|v| v.labels().contains(&label)).collect();
                tally.add_unit(present.iter());
            }
        }
        if who.len() == self.coders.len() && self.coders.len() > 2 {
            for t in 0..tokens.len() {
                self.fleiss_rows
                    .push(codes.values().map(|c| Some(c[t].clone())).collect());
            }
        }

        // Pairs.
        let mut document_spans = SpanMatch::default();
        for (i, &a) in who.iter().enumerate() {
            for &b in &who[i + 1..] {
                let key = (a.min(b), a.max(b));
                let entry = self.pair_tokens.entry(key).or_default();
                entry[0].extend(codes[&key.0].iter().cloned());
                entry[1].extend(codes[&key.1].iter().cloned());
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
        let per_label_alpha: BTreeMap<String, Value> = self
            .token_per_label
            .iter()
            .enumerate()
            .map(|(l, t)| (self.labels[l].clone(), t.alpha().into()))
            .collect();
        let token_alpha = measure(self.token.alpha(), per_label_alpha);
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
            let overall = fleiss_kappa(&self.fleiss_rows).figure;
            let per_label = (0..self.labels.len())
                .map(|l| {
                    let rows: Vec<Vec<Option<bool>>> = self
                        .fleiss_rows
                        .iter()
                        .map(|row| {
                            row.iter()
                                .map(|v| v.as_ref().map(|v| v.labels().contains(&l)))
                                .collect()
                        })
                        .collect();
                    (self.labels[l].clone(), fleiss_kappa(&rows).figure.into())
                })
                .collect();
            measure(overall, per_label)
        });

        let statement_agreement = set_agreement(&self.statements);
        let mut pairs = Vec::new();
        for (key, [a, b]) in &self.pair_tokens {
            let kappa = cohen_kappa(a, b).unwrap_or(Figure {
                value: None,
                units: 0,
            });
            let mut kappa_per_label = BTreeMap::new();
            let mut alpha_per_label = BTreeMap::new();
            for (l, name) in self.labels.iter().enumerate() {
                let a: Vec<bool> = a.iter().map(|v| v.labels().contains(&l)).collect();
                let b: Vec<bool> = b.iter().map(|v| v.labels().contains(&l)).collect();
                let k = cohen_kappa(&a, &b).unwrap_or(Figure {
                    value: None,
                    units: 0,
                });
                kappa_per_label.insert(name.clone(), k.into());
                let mut t = Coincidences::new();
                for (x, y) in a.iter().zip(&b) {
                    t.add_unit([x, y]);
                }
                alpha_per_label.insert(name.clone(), t.alpha().into());
            }
            let mut pair_alpha = Coincidences::new();
            for (x, y) in a.iter().zip(b) {
                pair_alpha.add_unit([x, y]);
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
    DocumentRecord {
        annotations,
        relations,
        text: String::new(),
        ..doc.clone()
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
