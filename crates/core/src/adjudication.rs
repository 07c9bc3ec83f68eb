//! Adjudication: where coders disagree on a document, and what they agree on.
//!
//! Every coder's annotations of a document are grouped into *units*: the same label on the same
//! span with the same attribute values. A unit enough coders share (the [`Rule`]) is agreed and
//! goes into the curated layer as it is. The other units are gathered into *disagreements*:
//! runs of overlapping units (whatever their label), each offered as one version per coder —
//! the units that coder has there, possibly none. The adjudicator accepts one version, or
//! rejects them all.
//!
//! ```
//! use claimdesk_core::adjudication::{plan, CodedSpan, Rule};
//!
//! let span = |annotation_id, coder, start, end| CodedSpan {
//!     annotation_id,
//!     coder,
//!     label_id: 1,
//!     start,
//!     end,
//!     attributes: Default::default(),
//! };
//! // Both coders marked 0..5; only coder 2 marked 10..15, and they cut 20.. differently.
//! let spans = [span(1, 1, 0, 5), span(2, 2, 0, 5), span(3, 2, 10, 15), span(4, 1, 20, 30), span(5, 2, 20, 25)];
//! let plan = plan(&spans, &[1, 2], Rule::All);
//! assert_eq!(plan.agreed.len(), 1);
//! assert_eq!(plan.disagreements.len(), 2);
//! assert_eq!((plan.disagreements[1].start, plan.disagreements[1].end), (20, 30));
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One coder's annotation, as adjudication compares it. Offsets in code points.
#[derive(Clone, Debug, PartialEq)]
pub struct CodedSpan {
    pub annotation_id: i64,
    pub coder: i64,
    pub label_id: i64,
    pub start: usize,
    pub end: usize,
    pub attributes: serde_json::Map<String, serde_json::Value>,
}

/// How many coders must share a unit for it to be accepted without asking.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", content = "coders", rename_all = "snake_case")]
pub enum Rule {
    /// Every coder of the document.
    #[default]
    All,
    /// More than half of them.
    Majority,
    /// At least this many.
    AtLeast(usize),
}

impl Rule {
    /// Whether `sharing` of `coders` coders agreeing is enough.
    pub fn accepts(self, sharing: usize, coders: usize) -> bool {
        match self {
            Rule::All => sharing == coders,
            Rule::Majority => 2 * sharing > coders,
            Rule::AtLeast(n) => sharing >= n.max(1),
        }
    }
}

/// A label on a span with its attribute values, and the coders who coded exactly that.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub label_id: i64,
    pub start: usize,
    pub end: usize,
    pub attributes: serde_json::Map<String, serde_json::Value>,
    /// The coders who have it, ascending.
    pub coders: Vec<i64>,
    /// Their annotations, in the coders' order.
    pub annotations: Vec<i64>,
}

/// One stretch of text where the coders' units differ.
#[derive(Clone, Debug, PartialEq)]
pub struct Disagreement {
    /// The stretch: from the first unit's start to the last one's end.
    pub start: usize,
    pub end: usize,
    /// One version per coder, in the coders' order: the indices (into [`Plan::units`]) of the
    /// units that coder has here; empty when the coder marked nothing.
    pub versions: Vec<(i64, Vec<usize>)>,
}

/// A document's coding sorted out for adjudication.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Every distinct unit, by start, end, label.
    pub units: Vec<Unit>,
    /// The units the rule accepts (indices into `units`).
    pub agreed: Vec<usize>,
    /// The rest, as disagreements in text order.
    pub disagreements: Vec<Disagreement>,
}

/// Sorts a document's coding by `coders` into agreed units and disagreements.
pub fn plan(spans: &[CodedSpan], coders: &[i64], rule: Rule) -> Plan {
    let mut coders = coders.to_vec();
    coders.sort_unstable();
    coders.dedup();
    // Same label, span and attribute values: one unit. Attributes compare by their JSON text,
    // whose keys serde_json keeps sorted.
    let mut grouped: BTreeMap<(usize, usize, i64, String), Unit> = BTreeMap::new();
    for span in spans.iter().filter(|s| coders.contains(&s.coder)) {
        let attributes = serde_json::Value::Object(span.attributes.clone()).to_string();
        let unit = grouped
            .entry((span.start, span.end, span.label_id, attributes))
            .or_insert_with(|| Unit {
                label_id: span.label_id,
                start: span.start,
                end: span.end,
                attributes: span.attributes.clone(),
                coders: Vec::new(),
                annotations: Vec::new(),
            });
        if !unit.coders.contains(&span.coder) {
            unit.coders.push(span.coder);
            unit.annotations.push(span.annotation_id);
        }
    }
    let units: Vec<Unit> = grouped.into_values().collect();
    let (agreed, open): (Vec<usize>, Vec<usize>) =
        (0..units.len()).partition(|&i| rule.accepts(units[i].coders.len(), coders.len()));

    // Units come sorted by start: a run of units each starting before the run's end so far
    // is one disagreement.
    let mut disagreements: Vec<Disagreement> = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    let mut run_end = 0;
    for i in open {
        if !run.is_empty() && units[i].start >= run_end {
            disagreements.push(disagreement(&units, &run, &coders));
            run.clear();
        }
        run_end = if run.is_empty() {
            units[i].end
        } else {
            run_end.max(units[i].end)
        };
        run.push(i);
    }
    if !run.is_empty() {
        disagreements.push(disagreement(&units, &run, &coders));
    }
    Plan {
        units,
        agreed,
        disagreements,
    }
}

fn disagreement(units: &[Unit], run: &[usize], coders: &[i64]) -> Disagreement {
    let start = run.iter().map(|&i| units[i].start).min().unwrap_or(0);
    let end = run.iter().map(|&i| units[i].end).max().unwrap_or(0);
    let versions = coders
        .iter()
        .map(|&c| {
            let mine = run
                .iter()
                .copied()
                .filter(|&i| units[i].coders.contains(&c))
                .collect();
            (c, mine)
        })
        .collect();
    Disagreement {
        start,
        end,
        versions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: i64, coder: i64, label: i64, start: usize, end: usize) -> CodedSpan {
        CodedSpan {
            annotation_id: id,
            coder,
            label_id: label,
            start,
            end,
            attributes: Default::default(),
        }
    }

    #[test]
    fn units_shared_by_all_are_agreed_and_the_rest_grouped_where_they_overlap() {
        let spans = [
            span(1, 1, 1, 0, 5),
            span(2, 2, 1, 0, 5),
            // A claim cut differently, and an actor inside it by one coder only.
            span(3, 1, 2, 10, 30),
            span(4, 2, 2, 12, 30),
            span(5, 2, 1, 14, 18),
            // Nobody else saw this one.
            span(6, 1, 1, 40, 45),
        ];
        let p = plan(&spans, &[2, 1], Rule::All);
        assert_eq!(p.agreed.len(), 1);
        assert_eq!(p.units[p.agreed[0]].annotations, [1, 2]);
        assert_eq!(p.disagreements.len(), 2);
        let d = &p.disagreements[0];
        assert_eq!((d.start, d.end), (10, 30));
        let ids =
            |v: &[usize]| -> Vec<i64> { v.iter().map(|&i| p.units[i].annotations[0]).collect() };
        assert_eq!(d.versions[0].0, 1);
        assert_eq!(ids(&d.versions[0].1), [3]);
        assert_eq!(ids(&d.versions[1].1), [4, 5]);
        let last = &p.disagreements[1];
        assert_eq!(ids(&last.versions[0].1), [6]);
        assert!(
            last.versions[1].1.is_empty(),
            "coder 2 marked nothing there"
        );
    }

    #[test]
    fn different_attribute_values_are_a_disagreement() {
        let mut a = span(1, 1, 3, 0, 5);
        a.attributes.insert("stance".into(), "support".into());
        let mut b = span(2, 2, 3, 0, 5);
        b.attributes.insert("stance".into(), "oppose".into());
        let p = plan(&[a, b], &[1, 2], Rule::All);
        assert!(p.agreed.is_empty());
        assert_eq!(p.disagreements.len(), 1);
    }

    #[test]
    fn the_rule_decides_how_many_coders_must_share_a_unit() {
        let spans = [
            span(1, 1, 1, 0, 5),
            span(2, 2, 1, 0, 5),
            span(3, 3, 1, 7, 9),
        ];
        assert_eq!(plan(&spans, &[1, 2, 3], Rule::All).agreed.len(), 0);
        assert_eq!(plan(&spans, &[1, 2, 3], Rule::Majority).agreed.len(), 1);
        assert_eq!(plan(&spans, &[1, 2, 3], Rule::AtLeast(1)).agreed.len(), 2);
        // Coders not asked about are left out.
        assert_eq!(plan(&spans, &[1, 2], Rule::All).units.len(), 1);
    }

    #[test]
    fn touching_units_are_separate_disagreements() {
        let spans = [span(1, 1, 1, 0, 5), span(2, 2, 1, 5, 9)];
        assert_eq!(plan(&spans, &[1, 2], Rule::All).disagreements.len(), 2);
    }
}
