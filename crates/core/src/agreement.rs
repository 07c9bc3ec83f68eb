//! Inter-coder agreement: how far two or more coders who coded the same documents agree, and
//! how much of that agreement chance alone would give.
//!
//! Every figure comes back as a [`Figure`]: the coefficient, or `None` where it is undefined, and
//! the number of units it rests on, so that a report can say "α = 0.71 on 1,240 tokens".
//!
//! ```
//! use claimdesk_core::agreement::{alpha_nominal, token_labels, Coincidences};
//!
//! // A reliability data matrix: one row per unit, one column per coder, `None` where the coder
//! // gave no value.
//! let units = [
//!     [Some("actor"), Some("actor"), None],
//!     [Some("claim"), Some("claim"), Some("claim")],
//!     [Some("actor"), Some("claim"), Some("actor")],
//! ];
//! let alpha = alpha_nominal(&units);
//! assert_eq!(alpha.units, 3);
//! assert!(alpha.value.unwrap() < 1.0);
//!
//! // Token by token: each coder's spans become one value per token, pooled over documents.
//! let tokens = [(0, 5), (6, 11), (12, 17)];
//! let ana = token_labels(&tokens, &[("actor", 0, 5)]);
//! let ben = token_labels(&tokens, &[("actor", 0, 11)]);
//! let mut tally = Coincidences::new();
//! for (a, b) in ana.iter().zip(&ben) {
//!     tally.add_unit([a, b]);
//! }
//! assert_eq!(tally.alpha().units, 3);
//! ```
//!
//! # Missing data is not "nothing"
//!
//! A coder who read a token and coded nothing there has given a value, the empty
//! [`TokenCode`], and it counts against a coder who labelled the token. Data are missing only
//! where a coder did not code the document at all: in a reliability data matrix that is a `None`
//! cell; in [`set_agreement`] and [`unitizing_alpha`] it is a coder absent from the document's
//! map.
//!
//! # Formulas
//!
//! **Krippendorff's α, nominal** — [`alpha_nominal`], [`Coincidences`]. Krippendorff, K. (2011),
//! *Computing Krippendorff's Alpha-Reliability*, Annenberg School for Communication, section C;
//! Krippendorff, K. (2004), *Content Analysis: An Introduction to Its Methodology* (2nd ed.),
//! Sage, chapter 11. A unit with fewer than two values is not pairable and is dropped. For a
//! pairable unit u with m_u values, n_uc of them c, the coincidences are
//! o_ck = Σ_u n_uc·n_uk / (m_u − 1); n_c = Σ_k o_ck is how often c was used and n = Σ_c n_c.
//!
//! > α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k
//!
//! It equals Python's `krippendorff.alpha(reliability_data, level_of_measurement="nominal")`.
//! With the values `true`/`false` it is the binary α of presence. It is undefined (`None`) when
//! no unit is pairable, or when every pairable value is the same: then Σ_{c≠k} n_c·n_k = 0 and
//! there is no variation for agreement to be measured against (the Python package raises or
//! returns NaN there).
//!
//! **Cohen's κ** — [`cohen_kappa`]. Cohen, J. (1960), "A coefficient of agreement for nominal
//! scales", *Educational and Psychological Measurement* 20, 37–46. With N units, p_o the share
//! on which the two coders agree and a_c, b_c how often each used c,
//!
//! > κ = (p_o − p_e) / (1 − p_e),  p_e = Σ_c (a_c / N)·(b_c / N)
//!
//! It equals scikit-learn's unweighted `cohen_kappa_score`. It is undefined (`None`) when
//! p_e = 1, that is when both coders used one and the same value throughout; scikit-learn
//! returns NaN there.
//!
//! **Fleiss' κ** — [`fleiss_kappa`]. Fleiss, J. L. (1971), "Measuring nominal scale agreement
//! among many raters", *Psychological Bulletin* 76(5), 378–382. N subjects, each rated by m
//! raters, n_ij of them into category j:
//!
//! > P_i = (Σ_j n_ij² − m) / (m(m − 1)),  P̄ = Σ_i P_i / N,  p_j = Σ_i n_ij / (N·m),
//! > P̄_e = Σ_j p_j²,  κ = (P̄ − P̄_e) / (1 − P̄_e)
//!
//! **Krippendorff's unitizing α (uα)** — [`unitizing_alpha`]. Krippendorff, K. (1995), "On the
//! reliability of unitizing continuous data", *Sociological Methodology* 25, 47–76; Krippendorff,
//! K. (2004), "Measuring the reliability of qualitative text analysis data", *Quality & Quantity*
//! 38, 787–800, and *Content Analysis* (2nd ed.), chapter 11. This is the 2004 definition;
//! Krippendorff, Mathet, Bouvry & Widlöcher (2016), *Quality & Quantity* 50, 2347–2364, revise
//! it for more than two coders, and that revision is not what is computed here.
//!
//! For one category c, each of the m coders' continua of length L is cut into sections: the
//! coder's units of c, and the gaps between them (anything that is not a c-unit, including
//! other categories' units). Section g of coder i begins at b_ig, has length l_ig, and is a unit
//! (w_ig = 1) or a gap (w_ig = 0). Two sections g of coder i and h of coder j differ by
//!
//! - (b_ig − b_jh)² + (b_ig + l_ig − b_jh − l_jh)², when both are units and they overlap;
//! - l_ig², when g is a unit that lies within the gap h;
//! - l_jh², when h is a unit that lies within the gap g;
//! - 0 otherwise (two gaps; units that do not meet; a unit that only partly overlaps a gap,
//!   whose difference is counted with the unit it overlaps).
//!
//! > cuD_o = Σ_i Σ_{j≠i} Σ_g Σ_h δ²(ig, jh) / (m(m − 1)·L²)
//! >
//! > cuD_e = (2 / L) · Σ_{units u} [ (N_c − 1)·(2l_u³ − 3l_u² + l_u)/3
//! >                              + l_u² · Σ_{gaps g, l_g ≥ l_u} (l_g − l_u + 1) ]
//! >         / [ mL(mL − 1) − Σ_{units u} l_u(l_u − 1) ]
//! >
//! > cuα = 1 − cuD_o / cuD_e,  uα = 1 − Σ_c cuD_o / Σ_c cuD_e
//!
//! where the units u and gaps g of D_e are those of all coders pooled and N_c is their number
//! of units of c. cuα is the per-label (binary) figure, uα the overall one. Documents are pooled
//! as one continuum of their summed lengths whose gaps end at document boundaries, so no unit
//! is imagined to straddle two documents.
//!
//! **Exact match** — [`exact_match_f1`]. Two coders' spans agree when label, start and end are
//! all equal. With coder a as reference, precision = matches / |b|, recall = matches / |a| and
//! F1 = 2·matches / (|a| + |b|), which does not depend on which coder is the reference.
//!
//! Offsets are Unicode code points, `[start, end)` with the end exclusive, as everywhere in
//! Claimdesk.

use std::collections::{BTreeMap, BTreeSet};

/// A coefficient and the number of units it rests on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figure {
    /// The coefficient; `None` where it is undefined (each function says when).
    pub value: Option<f64>,
    /// How many units the figure rests on: pairable units for α, coded units for Cohen's κ,
    /// subjects for Fleiss' κ, code points for uα.
    pub units: usize,
}

impl Figure {
    fn new(value: Option<f64>, units: usize) -> Figure {
        Figure { value, units }
    }
}

/// Why agreement could not be computed: the input breaks a rule that the caller controls.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgreementError {
    #[error(
        "cannot compare codings of different lengths ({a} and {b} values): give both coders' \
         values for the same units, in the same order"
    )]
    LengthMismatch { a: usize, b: usize },
    #[error(
        "segment [{start}, {end}) of document {document} does not lie within its {length} code \
         points: check the segment's offsets"
    )]
    SegmentOutsideDocument {
        document: usize,
        start: usize,
        end: usize,
        length: usize,
    },
}

// ---------------------------------------------------------------------------------------------
// Krippendorff's α, nominal
// ---------------------------------------------------------------------------------------------

/// The coincidences of Krippendorff's nominal α, summed unit by unit.
///
/// Nominal α needs only how often each value was used (n_c) and, for each unit, how many of its
/// value pairs disagree; both are kept as integers, so the result does not depend on the order
/// of units or coders and a corpus can be added one token at a time without building the whole
/// reliability data matrix.
#[derive(Clone, Debug)]
pub struct Coincidences<V> {
    /// n_c: how often each value occurs in pairable units.
    totals: BTreeMap<V, u64>,
    /// For each unit size m (the index), Σ over units of that size of (m² − Σ_c n_uc²): the
    /// ordered pairs of disagreeing values, to be divided by m − 1 once, at the end.
    disagreeing: Vec<u128>,
    units: usize,
}

impl<V: Ord + Clone> Default for Coincidences<V> {
    fn default() -> Self {
        Coincidences {
            totals: BTreeMap::new(),
            disagreeing: Vec::new(),
            units: 0,
        }
    }
}

impl<V: Ord + Clone> Coincidences<V> {
    /// An empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one unit: the values its coders gave it, missing ones left out. A unit with fewer
    /// than two values cannot be paired and is ignored, as Krippendorff defines.
    pub fn add_unit<'v>(&mut self, values: impl IntoIterator<Item = &'v V>)
    where
        V: 'v,
    {
        self.add_units(values, 1);
    }

    /// Adds `times` units that all got these values: a corpus tabulated by its distinct value
    /// combinations (a few hundred) tallies as fast as its tokens would one by one.
    pub fn add_units<'v>(&mut self, values: impl IntoIterator<Item = &'v V>, times: u64)
    where
        V: 'v,
    {
        if times == 0 {
            return;
        }
        // A unit has a value per coder, a handful: kept on the stack, so a corpus of millions
        // of tokens is tallied without an allocation per token.
        const SMALL: usize = 8;
        let mut values = values.into_iter();
        let Some(first) = values.next() else {
            return;
        };
        let mut small = [first; SMALL];
        let mut spilled: Vec<&V> = Vec::new();
        let mut m = 1;
        for value in values {
            if m < SMALL {
                small[m] = value;
            } else {
                if spilled.is_empty() {
                    spilled.extend_from_slice(&small);
                }
                spilled.push(value);
            }
            m += 1;
        }
        if m < 2 {
            return;
        }
        let values: &mut [&V] = if m <= SMALL {
            &mut small[..m]
        } else {
            &mut spilled
        };
        values.sort_unstable();
        let mut agreeing = 0u128;
        for run in values.chunk_by(|a, b| a == b) {
            let n = run.len() as u64;
            agreeing += u128::from(n) * u128::from(n);
            match self.totals.get_mut(run[0]) {
                Some(total) => *total += n * times,
                None => {
                    self.totals.insert(run[0].clone(), n * times);
                }
            }
        }
        if self.disagreeing.len() <= m {
            self.disagreeing.resize(m + 1, 0);
        }
        self.disagreeing[m] += ((m as u128) * (m as u128) - agreeing) * u128::from(times);
        self.units += times as usize;
    }

    /// Krippendorff's nominal α over the units added so far, resting on the pairable units.
    /// `None` when there are none, or when all their values are the same.
    pub fn alpha(&self) -> Figure {
        let n: u128 = self.totals.values().map(|&c| u128::from(c)).sum();
        let same: u128 = self
            .totals
            .values()
            .map(|&c| u128::from(c) * u128::from(c))
            .sum();
        // Σ_{c≠k} n_c·n_k: the disagreeing pairs that chance alone would give, times n − 1.
        let expected = n * n - same;
        if expected == 0 {
            return Figure::new(None, self.units);
        }
        // Σ_{c≠k} o_ck, each unit size divided once by its m − 1.
        let observed: f64 = self
            .disagreeing
            .iter()
            .enumerate()
            .skip(2)
            .map(|(m, &pairs)| pairs as f64 / (m - 1) as f64)
            .sum();
        let value = 1.0 - (n - 1) as f64 * observed / expected as f64;
        Figure::new(Some(value), self.units)
    }
}

/// Krippendorff's nominal α of a reliability data matrix: one row per unit, one cell per coder,
/// `None` where that coder gave the unit no value (rows may differ in length; absent cells are
/// missing too). Note the orientation: Python's `krippendorff` takes coders as rows.
///
/// The figure rests on the pairable units (those with two values or more). For presence/absence
/// data, use `bool` values. See the module documentation for the formula and when it is `None`.
pub fn alpha_nominal<V, R>(units: &[R]) -> Figure
where
    V: Ord + Clone,
    R: AsRef<[Option<V>]>,
{
    let mut tally = Coincidences::new();
    for unit in units {
        tally.add_unit(unit.as_ref().iter().flatten());
    }
    tally.alpha()
}

// ---------------------------------------------------------------------------------------------
// Cohen's κ and Fleiss' κ
// ---------------------------------------------------------------------------------------------

/// Cohen's (unweighted) κ between two coders who each gave one value to the same units, in the
/// same order; equal to scikit-learn's `cohen_kappa_score(a, b)`.
///
/// The figure rests on the number of units. Its value is `None` when there are no units or when
/// chance agreement is certain (p_e = 1: both coders used one and the same value throughout),
/// where scikit-learn returns NaN.
pub fn cohen_kappa<V: Ord>(a: &[V], b: &[V]) -> Result<Figure, AgreementError> {
    if a.len() != b.len() {
        return Err(AgreementError::LengthMismatch {
            a: a.len(),
            b: b.len(),
        });
    }
    let n = a.len() as u128;
    let agreeing = a.iter().zip(b).filter(|(x, y)| x == y).count() as u128;
    let (count_a, count_b) = (counts(a), counts(b));
    // N² · p_e, exactly.
    let chance: u128 = count_a
        .iter()
        .map(|(value, &x)| x * count_b.get(value).copied().unwrap_or(0))
        .sum();
    // κ = (p_o − p_e) / (1 − p_e), both sides multiplied by N².
    let value = (n * n != chance)
        .then(|| ((n * agreeing) as f64 - chance as f64) / (n * n - chance) as f64);
    Ok(Figure::new(value, a.len()))
}

/// Cohen's κ from a contingency table: each pair of values the two coders gave one unit, with
/// how many units got that pair. The same figure as [`cohen_kappa`] over the units themselves.
pub fn cohen_kappa_table<'v, V: Ord + 'v>(
    table: impl IntoIterator<Item = ((&'v V, &'v V), u64)>,
) -> Figure {
    let (mut n, mut agreeing) = (0u128, 0u128);
    let (mut count_a, mut count_b): (BTreeMap<&V, u128>, BTreeMap<&V, u128>) = Default::default();
    for ((x, y), times) in table {
        let times = u128::from(times);
        n += times;
        if x == y {
            agreeing += times;
        }
        *count_a.entry(x).or_insert(0) += times;
        *count_b.entry(y).or_insert(0) += times;
    }
    let chance: u128 = count_a
        .iter()
        .map(|(value, &x)| x * count_b.get(value).copied().unwrap_or(0))
        .sum();
    let value = (n * n != chance)
        .then(|| ((n * agreeing) as f64 - chance as f64) / (n * n - chance) as f64);
    Figure::new(value, n as usize)
}

/// How often each value occurs.
fn counts<V: Ord>(values: &[V]) -> BTreeMap<&V, u128> {
    let mut counts = BTreeMap::new();
    for value in values {
        *counts.entry(value).or_insert(0) += 1;
    }
    counts
}

/// Fleiss' κ and the subjects it rests on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FleissKappa {
    /// The coefficient over the subjects rated by every rater, and their number.
    pub figure: Figure,
    /// m: the raters, the length of the longest row.
    pub raters: usize,
    /// Subjects left out because not every rater rated them.
    pub excluded: usize,
}

/// Fleiss' κ for m raters who each rated the same subjects. Rows are subjects, cells raters,
/// `None` where a rater gave no rating; m is the length of the longest row. Fleiss' formula needs
/// every subject rated m times, so a subject with fewer ratings is left out and counted in
/// [`FleissKappa::excluded`].
///
/// `None` when fewer than two raters, no complete subject, or P̄_e = 1 (every rating the same).
pub fn fleiss_kappa<V, R>(units: &[R]) -> FleissKappa
where
    V: Ord,
    R: AsRef<[Option<V>]>,
{
    let weighted: Vec<(&[Option<V>], u64)> = units.iter().map(|u| (u.as_ref(), 1)).collect();
    fleiss_kappa_weighted(&weighted)
}

/// [`fleiss_kappa`] over subjects tabulated by their ratings: each row with how many subjects
/// were rated so.
pub fn fleiss_kappa_weighted<V, R>(units: &[(R, u64)]) -> FleissKappa
where
    V: Ord,
    R: AsRef<[Option<V>]>,
{
    let m = units
        .iter()
        .map(|(u, _)| u.as_ref().len())
        .max()
        .unwrap_or(0);
    let mut totals: BTreeMap<&V, u128> = BTreeMap::new();
    let (mut subjects, mut excluded, mut agreeing) = (0usize, 0usize, 0u128);
    for (unit, times) in units {
        let ratings: Vec<&V> = unit.as_ref().iter().flatten().collect();
        if ratings.len() != m || m < 2 {
            excluded += *times as usize;
            continue;
        }
        subjects += *times as usize;
        let times = u128::from(*times);
        for (value, n) in counts(&ratings) {
            agreeing += n * n * times;
            *totals.entry(*value).or_insert(0) += n * times;
        }
    }
    let value = fleiss_value(subjects, m, agreeing, &totals);
    FleissKappa {
        figure: Figure::new(value, subjects),
        raters: m,
        excluded,
    }
}

/// κ from N subjects, m raters, S = Σ_i Σ_j n_ij² and the category totals T_j:
/// P̄ = (S − Nm) / (Nm(m − 1)), P̄_e = Σ_j T_j² / (Nm)².
fn fleiss_value<V>(
    subjects: usize,
    m: usize,
    agreeing: u128,
    totals: &BTreeMap<V, u128>,
) -> Option<f64> {
    let ratings = (subjects * m) as u128;
    let chance: u128 = totals.values().map(|t| t * t).sum();
    if subjects == 0 || ratings * ratings == chance {
        return None;
    }
    let observed = (agreeing - ratings) as f64 / (ratings * (m as u128 - 1)) as f64;
    let expected = chance as f64 / (ratings * ratings) as f64;
    Some((observed - expected) / (1.0 - expected))
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

/// What one coder said of one token: the labels of the spans over it, sorted and without
/// repeats, so that a combination such as {actor, claim} is one nominal value.
///
/// The empty code, [`TokenCode::nothing`], is a value: the coder read the token and labelled
/// nothing there. It is not missing data; a coder who did not code the document has no
/// `TokenCode` at all.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokenCode<L>(Vec<L>);

impl<L: Ord> TokenCode<L> {
    /// The code of a token the coder left unlabelled.
    pub fn nothing() -> Self {
        TokenCode(Vec::new())
    }

    /// The code of a token under these labels, in any order, repeats allowed.
    pub fn new(labels: impl IntoIterator<Item = L>) -> Self {
        let mut labels: Vec<L> = labels.into_iter().collect();
        labels.sort_unstable();
        labels.dedup();
        TokenCode(labels)
    }

    /// The labels, sorted.
    pub fn labels(&self) -> &[L] {
        &self.0
    }

    /// Whether the coder labelled nothing on this token.
    pub fn is_nothing(&self) -> bool {
        self.0.is_empty()
    }
}

/// Each token's code under one coder's spans: the labels of the spans that share at least one
/// code point with it. Tokens and spans are `[start, end)` in code points.
///
/// Tokens as a tokenizer gives them (in text order, not overlapping) cost O(log T) per span plus
/// the tokens it covers; tokens in any other arrangement are still handled, by comparing every
/// token with every span.
pub fn token_labels<L: Ord + Clone>(
    tokens: &[(usize, usize)],
    spans: &[(L, usize, usize)],
) -> Vec<TokenCode<L>> {
    let mut labels: Vec<Vec<L>> = vec![Vec::new(); tokens.len()];
    let ordered = tokens.iter().all(|t| t.0 <= t.1) && tokens.windows(2).all(|w| w[0].1 <= w[1].0);
    for (label, start, end) in spans {
        let first = if ordered {
            tokens.partition_point(|t| t.1 <= *start)
        } else {
            0
        };
        for (i, token) in tokens.iter().enumerate().skip(first) {
            if ordered && token.0 >= *end {
                break;
            }
            if token.1.min(*end) > token.0.max(*start) {
                labels[i].push(label.clone());
            }
        }
    }
    labels.into_iter().map(TokenCode::new).collect()
}

// ---------------------------------------------------------------------------------------------
// Exact match and sets
// ---------------------------------------------------------------------------------------------

/// How two coders' items compare: found by both, or by one only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MatchCounts {
    /// Items both coders have.
    pub matches: usize,
    /// Items only coder a has.
    pub only_a: usize,
    /// Items only coder b has.
    pub only_b: usize,
}

impl MatchCounts {
    /// Adds another comparison's counts, to pool documents or labels (micro-averaging).
    pub fn add(&mut self, other: MatchCounts) {
        self.matches += other.matches;
        self.only_a += other.only_a;
        self.only_b += other.only_b;
    }

    /// Coder b's precision with a as reference: matches / |b|; `None` when b has nothing.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.matches, self.matches + self.only_b)
    }

    /// Coder b's recall with a as reference: matches / |a|; `None` when a has nothing.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.matches, self.matches + self.only_a)
    }

    /// F1 = 2·matches / (|a| + |b|), the same whichever coder is the reference; `None` when
    /// neither coder has anything.
    pub fn f1(&self) -> Option<f64> {
        ratio(
            2 * self.matches,
            2 * self.matches + self.only_a + self.only_b,
        )
    }
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Exact-match agreement of two coders' spans, per label and pooled over labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanMatch<L> {
    /// All labels together (micro-averaged).
    pub overall: MatchCounts,
    /// Each label that either coder used.
    pub per_label: BTreeMap<L, MatchCounts>,
}

impl<L: Ord + Clone> SpanMatch<L> {
    /// Adds another document's comparison, so that a corpus is pooled document by document.
    pub fn add(&mut self, other: &SpanMatch<L>) {
        self.overall.add(other.overall);
        for (label, counts) in &other.per_label {
            self.per_label
                .entry(label.clone())
                .or_default()
                .add(*counts);
        }
    }
}

impl<L> Default for SpanMatch<L> {
    fn default() -> Self {
        SpanMatch {
            overall: MatchCounts::default(),
            per_label: BTreeMap::new(),
        }
    }
}

/// Compares two coders' spans `(label, start, end)` of one document: a span matches only a span
/// of the other coder with the same label, start and end. Repeated spans count once.
pub fn exact_match_f1<L: Ord + Clone>(
    a: &[(L, usize, usize)],
    b: &[(L, usize, usize)],
) -> SpanMatch<L> {
    let a: BTreeSet<&(L, usize, usize)> = a.iter().collect();
    let b: BTreeSet<&(L, usize, usize)> = b.iter().collect();
    let mut result = SpanMatch::default();
    let mut count = |span: &(L, usize, usize), field: fn(&mut MatchCounts) -> &mut usize| {
        *field(&mut result.overall) += 1;
        *field(result.per_label.entry(span.0.clone()).or_default()) += 1;
    };
    for span in &a {
        if b.contains(span) {
            count(span, |c| &mut c.matches);
        } else {
            count(span, |c| &mut c.only_a);
        }
    }
    for span in b.difference(&a) {
        count(span, |c| &mut c.only_b);
    }
    result
}

/// Agreement on sets of items (statements, for instance) over documents.
#[derive(Clone, Debug, PartialEq)]
pub struct SetAgreement<C> {
    /// Each pair of coders (the smaller id first), pooled over the documents both coded.
    pub pairs: BTreeMap<(C, C), MatchCounts>,
    /// Nominal α of presence: each item of a document's union is a unit, each coder of the
    /// document says present or absent. It rests on the pairable items.
    pub alpha: Figure,
    /// Documents coded by at least two coders.
    pub documents: usize,
}

impl<C> SetAgreement<C> {
    /// All pairs pooled, for one F1 over the whole corpus.
    pub fn pooled(&self) -> MatchCounts {
        let mut total = MatchCounts::default();
        for counts in self.pairs.values() {
            total.add(*counts);
        }
        total
    }
}

/// Agreement on the items each coder found in each document. A document maps each coder who
/// coded it to that coder's items; a coder absent from the map did not code the document
/// (missing data), while a coder present with an empty set found nothing (a value).
///
/// α is `None` when every coder lists every item of every document (all values "present", so no
/// variation) or when no document has two coders; the pairwise F1 still tells the story.
pub fn set_agreement<C, T>(documents: &[BTreeMap<C, BTreeSet<T>>]) -> SetAgreement<C>
where
    C: Ord + Clone,
    T: Ord,
{
    let mut pairs: BTreeMap<(C, C), MatchCounts> = BTreeMap::new();
    let mut tally = Coincidences::new();
    let mut coded = 0;
    for document in documents {
        if document.len() < 2 {
            continue;
        }
        coded += 1;
        let sets: Vec<(&C, &BTreeSet<T>)> = document.iter().collect();
        for (i, (a, items_a)) in sets.iter().enumerate() {
            for (b, items_b) in &sets[i + 1..] {
                pairs
                    .entry(((*a).clone(), (*b).clone()))
                    .or_default()
                    .add(compare_sets(items_a, items_b));
            }
        }
        let union: BTreeSet<&T> = sets.iter().flat_map(|(_, items)| items.iter()).collect();
        for item in union {
            let present: Vec<bool> = sets.iter().map(|(_, items)| items.contains(item)).collect();
            tally.add_unit(&present);
        }
    }
    SetAgreement {
        pairs,
        alpha: tally.alpha(),
        documents: coded,
    }
}

fn compare_sets<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> MatchCounts {
    let matches = a.intersection(b).count();
    MatchCounts {
        matches,
        only_a: a.len() - matches,
        only_b: b.len() - matches,
    }
}

// ---------------------------------------------------------------------------------------------
// Krippendorff's unitizing α
// ---------------------------------------------------------------------------------------------

/// One document as its coders unitized it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unitization<C, L> {
    /// The continuum: the document's length in code points.
    pub length: usize,
    /// Each coder who coded the document, with that coder's segments `(label, start, end)`.
    /// A coder with no segments found nothing, which is data; a coder absent from the map did
    /// not code the document. Overlapping segments of one label by one coder are taken as their
    /// union (a continuum is cut into non-overlapping sections); touching ones stay two units.
    /// Empty segments are ignored.
    pub coders: BTreeMap<C, Vec<(L, usize, usize)>>,
}

/// Krippendorff's uα, overall and for each label.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitizingAlpha<L> {
    /// All labels as categories: uα = 1 − Σ_c cuD_o / Σ_c cuD_e; it rests on the code points of
    /// the documents used.
    pub overall: Figure,
    /// cuα of each label: that label's segments against everything else.
    pub per_label: BTreeMap<L, Figure>,
    /// m: every coder who appears in any document.
    pub coders: usize,
    /// Documents coded by all m coders, the ones the figures rest on.
    pub documents: usize,
    /// Documents left out because not all m coders coded them.
    pub excluded: usize,
}

/// Krippendorff's unitizing α (2004 definition) over documents laid end to end; see the module
/// documentation for the formulas. Every coder who appears in any document must have coded a
/// document for it to count; the others are left out and counted.
///
/// A figure is `None` when there are fewer than two coders, nothing to compare, or its expected
/// disagreement is zero. Fails on a segment that does not lie within its document.
pub fn unitizing_alpha<C, L>(
    documents: &[Unitization<C, L>],
) -> Result<UnitizingAlpha<L>, AgreementError>
where
    C: Ord,
    L: Ord + Clone,
{
    check_segments(documents)?;
    let coders: BTreeSet<&C> = documents.iter().flat_map(|d| d.coders.keys()).collect();
    let m = coders.len();
    let used: Vec<&Unitization<C, L>> = documents.iter().filter(|d| d.coders.len() == m).collect();
    let labels: BTreeSet<&L> = used
        .iter()
        .flat_map(|d| d.coders.values().flatten())
        .filter(|s| s.1 < s.2)
        .map(|s| &s.0)
        .collect();
    let length: u64 = used.iter().map(|d| d.length as u64).sum();
    let mut tallies: BTreeMap<&L, LabelTally> =
        labels.iter().map(|&l| (l, LabelTally::default())).collect();
    for document in &used {
        add_document(document, &mut tallies);
    }
    let units = length as usize;
    let mut per_label = BTreeMap::new();
    let (mut observed, mut expected) = (0.0, 0.0);
    for (label, tally) in &tallies {
        let (d_o, d_e) = tally.disagreements(m as u64, length);
        observed += d_o;
        expected += d_e;
        per_label.insert((*label).clone(), Figure::new(alpha_of(d_o, d_e, m), units));
    }
    Ok(UnitizingAlpha {
        overall: Figure::new(alpha_of(observed, expected, m), units),
        per_label,
        coders: m,
        documents: used.len(),
        excluded: documents.len() - used.len(),
    })
}

fn alpha_of(observed: f64, expected: f64, coders: usize) -> Option<f64> {
    (coders >= 2 && expected > 0.0).then(|| 1.0 - observed / expected)
}

fn check_segments<C, L>(documents: &[Unitization<C, L>]) -> Result<(), AgreementError> {
    for (index, document) in documents.iter().enumerate() {
        for &(_, start, end) in document.coders.values().flatten() {
            if start > end || end > document.length {
                return Err(AgreementError::SegmentOutsideDocument {
                    document: index,
                    start,
                    end,
                    length: document.length,
                });
            }
        }
    }
    Ok(())
}

/// One stretch of a coder's continuum for one label: a unit of the label, or a gap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Section {
    start: u64,
    end: u64,
    unit: bool,
}

impl Section {
    fn len(self) -> u64 {
        self.end - self.start
    }

    fn contains(self, other: Section) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// What one label's uα needs from the documents: the observed differences and all sections'
/// lengths, pooled.
#[derive(Clone, Debug, Default)]
struct LabelTally {
    /// Σ_i Σ_{j≠i} Σ_g Σ_h δ²(ig, jh), summed over documents.
    observed: u128,
    unit_lengths: Vec<u64>,
    gap_lengths: Vec<u64>,
}

impl LabelTally {
    /// (cuD_o, cuD_e) for m coders over a pooled continuum of `length` code points.
    fn disagreements(&self, m: u64, length: u64) -> (f64, f64) {
        if m < 2 || length == 0 {
            return (0.0, 0.0);
        }
        let (m, length) = (u128::from(m), u128::from(length));
        let observed = self.observed as f64 / (m * (m - 1) * length * length) as f64;
        (observed, self.expected(m, length))
    }

    /// cuD_e, with the sums of gaps at least as long as each unit found by binary search.
    fn expected(&self, m: u128, length: u128) -> f64 {
        let mut gaps = self.gap_lengths.clone();
        gaps.sort_unstable();
        // suffix[i] = Σ_{k ≥ i} (l_k + 1) over the sorted gaps.
        let mut suffix = vec![0u128; gaps.len() + 1];
        for i in (0..gaps.len()).rev() {
            suffix[i] = suffix[i + 1] + u128::from(gaps[i]) + 1;
        }
        let others = self.unit_lengths.len().saturating_sub(1) as u128;
        let (mut numerator, mut within) = (0u128, 0u128);
        for &l in &self.unit_lengths {
            let l = u128::from(l);
            // l(l − 1)(2l − 1) = 2l³ − 3l² + l is six times a sum of squares, so /3 is exact.
            numerator += others * l * l.saturating_sub(1) * (2 * l).saturating_sub(1) / 3;
            let first = gaps.partition_point(|&g| u128::from(g) < l);
            let fitting = (gaps.len() - first) as u128;
            numerator += l * l * (suffix[first] - fitting * l);
            within += l * l.saturating_sub(1);
        }
        let denominator = (m * length * (m * length - 1)).saturating_sub(within);
        if denominator == 0 {
            return 0.0;
        }
        2.0 * numerator as f64 / (length as f64 * denominator as f64)
    }
}

/// Adds one document, coded by every coder, to each label's tally.
fn add_document<C, L: Ord>(document: &Unitization<C, L>, tallies: &mut BTreeMap<&L, LabelTally>) {
    let length = document.length as u64;
    let by_coder: Vec<BTreeMap<&L, Vec<(u64, u64)>>> = document
        .coders
        .values()
        .map(|s| units_by_label(s))
        .collect();
    for (label, tally) in tallies.iter_mut() {
        let continua: Vec<Vec<Section>> = by_coder
            .iter()
            .map(|units| sections(units.get(*label).map_or(&[][..], Vec::as_slice), length))
            .collect();
        for (i, a) in continua.iter().enumerate() {
            for b in &continua[i + 1..] {
                // δ² is symmetric: the pair (i, j) and the pair (j, i) differ alike.
                tally.observed += 2 * pair_disagreement(a, b);
            }
            for section in a {
                let lengths = if section.unit {
                    &mut tally.unit_lengths
                } else {
                    &mut tally.gap_lengths
                };
                lengths.push(section.len());
            }
        }
    }
}

/// One coder's non-empty segments, label by label, sorted, overlapping ones merged.
fn units_by_label<L: Ord>(segments: &[(L, usize, usize)]) -> BTreeMap<&L, Vec<(u64, u64)>> {
    let mut by_label: BTreeMap<&L, Vec<(u64, u64)>> = BTreeMap::new();
    for (label, start, end) in segments.iter().filter(|s| s.1 < s.2) {
        by_label
            .entry(label)
            .or_default()
            .push((*start as u64, *end as u64));
    }
    for units in by_label.values_mut() {
        units.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(units.len());
        for &(start, end) in units.iter() {
            match merged.last_mut() {
                Some(last) if start < last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        *units = merged;
    }
    by_label
}

/// Cuts `[0, length)` into the given sorted, disjoint units and the gaps between them.
fn sections(units: &[(u64, u64)], length: u64) -> Vec<Section> {
    let mut sections = Vec::with_capacity(2 * units.len() + 1);
    let mut at = 0;
    for &(start, end) in units {
        if start > at {
            sections.push(Section {
                start: at,
                end: start,
                unit: false,
            });
        }
        sections.push(Section {
            start,
            end,
            unit: true,
        });
        at = end;
    }
    if at < length {
        sections.push(Section {
            start: at,
            end: length,
            unit: false,
        });
    }
    sections
}

/// Σ_g Σ_h δ²(g, h) over two coders' sections. Only sections that share a code point can differ
/// (overlapping units, or a unit within a gap), so one sweep over both lists suffices: it
/// visits every such pair exactly once.
fn pair_disagreement(a: &[Section], b: &[Section]) -> u128 {
    let (mut i, mut j, mut sum) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        sum += difference(a[i], b[j]);
        match a[i].end.cmp(&b[j].end) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// δ² of two sections that share at least one code point.
fn difference(g: Section, h: Section) -> u128 {
    let square = |x: u64| u128::from(x) * u128::from(x);
    match (g.unit, h.unit) {
        (true, true) => square(g.start.abs_diff(h.start)) + square(g.end.abs_diff(h.end)),
        (true, false) if h.contains(g) => square(g.len()),
        (false, true) if g.contains(h) => square(h.len()),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(actual: Option<f64>, expected: f64, tolerance: f64) {
        let actual = actual.expect("a defined value");
        assert!(
            (actual - expected).abs() <= tolerance,
            "{actual} is not {expected} ± {tolerance}"
        );
    }

    // --- Krippendorff's α ---------------------------------------------------------------

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C, the
    /// nominal example with missing data: 4 coders (rows A–D there, columns here) × 12 units.
    fn krippendorff_2011() -> Vec<[Option<u8>; 4]> {
        let rows: [[u8; 12]; 4] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ];
        (0..12)
            .map(|u| rows.map(|row| Some(row[u]).filter(|&v| v != 0)))
            .collect()
    }

    #[test]
    fn alpha_matches_krippendorffs_2011_nominal_example() {
        // The paper gives α = 0.743; Python's krippendorff 0.9.0 gives 0.743421052631579.
        // Unit 12 has a single value and is not pairable: α rests on 11 units.
        let alpha = alpha_nominal(&krippendorff_2011());
        assert_eq!(alpha.units, 11);
        close(alpha.value, 0.743, 0.0005);
        close(alpha.value, 0.743_421_052_631_579, 1e-12);
    }

    #[test]
    fn alpha_matches_the_python_package_on_strings_with_gaps() {
        // Units (a,a), (a,b,a), (b,b,b), (c,c), (c,c): n_a = n_b = n_c = 4, n = 12. Only the
        // second unit disagrees: (3² − (2² + 1²)) / (3 − 1) = 2. α = 1 − 11·2 / (144 − 48)
        // = 1 − 22/96. Python's krippendorff 0.9.0 gives 0.7708333333333333 (with coders as
        // rows and a, b, c as 0, 1, 2).
        let units = [
            vec![Some("a"), Some("a"), None],
            vec![Some("a"), Some("b"), Some("a")],
            vec![Some("b"), Some("b"), Some("b")],
            vec![None, Some("c"), Some("c")],
            vec![Some("c"), None, Some("c")],
        ];
        close(alpha_nominal(&units).value, 1.0 - 22.0 / 96.0, 1e-12);
        close(alpha_nominal(&units).value, 0.770_833_333_333_333_3, 1e-12);
    }

    #[test]
    fn figures_match_the_python_packages_on_random_data() {
        // Drawn with numpy's default_rng(7); the expected values were printed by
        // krippendorff 0.9.0 (alpha, nominal, coders as rows), scikit-learn 1.9.1
        // (cohen_kappa_score) and statsmodels 0.15.0 (fleiss_kappa of aggregate_raters).
        let n = None;
        let units = [
            [n, Some(2), Some(2), Some(3)],
            [Some(2), Some(3), n, Some(0)],
            [Some(0), Some(1), Some(1), Some(3)],
            [n, Some(0), Some(1), n],
            [Some(0), Some(3), Some(0), Some(1)],
            [Some(3), Some(1), Some(1), n],
            [Some(2), n, Some(3), n],
            [Some(1), n, Some(2), Some(2)],
            [Some(2), Some(3), n, Some(3)],
            [Some(2), Some(2), Some(1), n],
            [n, Some(0), Some(3), n],
            [Some(3), Some(2), Some(0), Some(0)],
            [Some(1), n, n, Some(2)],
            [Some(3), Some(1), Some(3), Some(3)],
            [n, Some(2), n, n],
            [Some(1), Some(1), Some(1), Some(0)],
            [Some(3), Some(0), Some(0), Some(0)],
            [Some(3), Some(2), Some(3), Some(0)],
            [n, Some(1), n, Some(0)],
            [Some(2), n, Some(2), Some(0)],
        ];
        let alpha = alpha_nominal(&units);
        assert_eq!(alpha.units, 19);
        close(alpha.value, 0.014_059_304_703_476_383, 1e-12);

        let a = [
            2, 0, 2, 1, 1, 2, 2, 1, 0, 2, 0, 0, 0, 0, 2, 1, 0, 0, 1, 1, 0, 2, 2, 1, 2,
        ];
        let b = [
            1, 0, 0, 0, 2, 0, 1, 0, 2, 0, 1, 2, 1, 2, 2, 2, 2, 1, 1, 2, 1, 2, 2, 1, 1,
        ];
        close(
            cohen_kappa(&a, &b).unwrap().value,
            -0.136_363_636_363_636_46,
            1e-12,
        );

        let rows = [
            [2, 2, 0, 0],
            [0, 1, 0, 1],
            [1, 2, 2, 0],
            [2, 2, 2, 2],
            [0, 2, 0, 1],
            [2, 2, 0, 0],
            [1, 1, 2, 0],
            [0, 0, 1, 0],
            [0, 2, 2, 2],
            [1, 0, 2, 1],
            [2, 1, 0, 1],
            [1, 1, 1, 0],
        ];
        let rows: Vec<[Option<u8>; 4]> = rows.iter().map(|r| r.map(Some)).collect();
        close(
            fleiss_kappa(&rows).figure.value,
            0.037_908_496_732_026_05,
            1e-12,
        );
    }

    #[test]
    fn alpha_is_undefined_without_pairable_units_or_without_variation() {
        let lonely: [[Option<u8>; 2]; 2] = [[Some(1), None], [None, Some(2)]];
        assert_eq!(alpha_nominal(&lonely), Figure::new(None, 0));
        // Perfect agreement on a single value: Krippendorff's α has nothing to measure against.
        let same = [[Some(true), Some(true)], [Some(true), Some(true)]];
        assert_eq!(alpha_nominal(&same), Figure::new(None, 2));
        let empty: [[Option<u8>; 2]; 0] = [];
        assert_eq!(alpha_nominal(&empty), Figure::new(None, 0));
    }

    #[test]
    fn binary_alpha_is_alpha_over_true_and_false() {
        // Hand-computed: units (T,T), (T,F), (F,F), (F,F). Coincidences: o_TT = 2, o_FF = 4,
        // o_TF = o_FT = 1; n_T = 3, n_F = 5, n = 8. α = 1 − 7·2 / (2·3·5) = 1 − 14/30 = 8/15.
        let units = [
            [Some(true), Some(true)],
            [Some(true), Some(false)],
            [Some(false), Some(false)],
            [Some(false), Some(false)],
        ];
        close(alpha_nominal(&units).value, 8.0 / 15.0, 1e-12);
    }

    /// α straight from the coincidence matrix, as the formula reads, for the property test.
    fn alpha_by_matrix(units: &[Vec<Option<u8>>]) -> Option<f64> {
        let mut o = [[0.0f64; 4]; 4];
        for unit in units {
            let values: Vec<u8> = unit.iter().flatten().copied().collect();
            let m = values.len();
            if m < 2 {
                continue;
            }
            for (i, &c) in values.iter().enumerate() {
                for (j, &k) in values.iter().enumerate() {
                    if i != j {
                        o[c as usize][k as usize] += 1.0 / (m - 1) as f64;
                    }
                }
            }
        }
        let n_c: Vec<f64> = o.iter().map(|row| row.iter().sum()).collect();
        let n: f64 = n_c.iter().sum();
        let (mut observed, mut expected) = (0.0, 0.0);
        for c in 0..4 {
            for k in 0..4 {
                if c != k {
                    observed += o[c][k];
                    expected += n_c[c] * n_c[k];
                }
            }
        }
        (expected > 0.0).then(|| 1.0 - (n - 1.0) * observed / expected)
    }

    // --- Cohen's κ ----------------------------------------------------------------------

    #[test]
    fn cohen_kappa_of_a_hand_checked_case() {
        // a = 1 2 3 1 2 3 1 1, b = 1 2 2 1 3 3 2 1. Agreement on units 1, 2, 4, 6, 8: p_o = 5/8.
        // a uses 1,2,3 four, two, two times; b three, three, two times:
        // p_e = (4·3 + 2·3 + 2·2) / 64 = 22/64. κ = (40/64 − 22/64) / (42/64) = 18/42 = 3/7.
        // scikit-learn 1.9.1's cohen_kappa_score gives 0.4285714285714286.
        let a = [1, 2, 3, 1, 2, 3, 1, 1];
        let b = [1, 2, 2, 1, 3, 3, 2, 1];
        let kappa = cohen_kappa(&a, &b).unwrap();
        assert_eq!(kappa.units, 8);
        close(kappa.value, 3.0 / 7.0, 1e-12);
        // κ is symmetric.
        assert_eq!(cohen_kappa(&b, &a).unwrap(), kappa);
    }

    #[test]
    fn cohen_kappa_is_undefined_when_chance_agreement_is_certain() {
        // p_e = 1: both coders used only "x". scikit-learn returns NaN here.
        assert_eq!(
            cohen_kappa(&["x", "x"], &["x", "x"]).unwrap(),
            Figure::new(None, 2)
        );
        assert_eq!(cohen_kappa::<u8>(&[], &[]).unwrap(), Figure::new(None, 0));
        // One coder constant, the other not: p_e = 1/2 · 1 and κ = 0, as scikit-learn gives.
        close(cohen_kappa(&[1, 1], &[1, 2]).unwrap().value, 0.0, 1e-12);
    }

    #[test]
    fn cohen_kappa_refuses_codings_of_different_lengths() {
        assert_eq!(
            cohen_kappa(&[1, 2], &[1]),
            Err(AgreementError::LengthMismatch { a: 2, b: 1 })
        );
    }

    // --- Fleiss' κ ----------------------------------------------------------------------

    /// Rows of category counts turned into rows of ratings.
    fn ratings(counts: &[[usize; 5]]) -> Vec<Vec<Option<usize>>> {
        counts
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .flat_map(|(category, &n)| std::iter::repeat_n(Some(category), n))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn fleiss_kappa_matches_fleiss_1971() {
        // Fleiss (1971), Psychological Bulletin 76(5), the worked example (Table 1, p. 379):
        // 30 patients, each diagnosed by 6 psychiatrists into 5 categories; κ = .430. The table
        // is as transcribed by the DKPro Statistics test suite (Fleiss1971Test), which checks
        // P̄ = .5556, P̄_e = .2201 and κ = .430; statsmodels 0.15's fleiss_kappa gives
        // 0.43024452006014074.
        let table: [[usize; 6]; 30] = [
            [4, 4, 4, 4, 4, 4],
            [2, 2, 2, 5, 5, 5],
            [2, 3, 3, 3, 3, 5],
            [5, 5, 5, 5, 5, 5],
            [2, 2, 2, 4, 4, 4],
            [1, 1, 3, 3, 3, 3],
            [3, 3, 3, 3, 5, 5],
            [1, 1, 3, 3, 3, 4],
            [1, 1, 4, 4, 4, 4],
            [5, 5, 5, 5, 5, 5],
            [1, 4, 4, 4, 4, 4],
            [1, 2, 4, 4, 4, 4],
            [2, 2, 2, 3, 3, 3],
            [1, 4, 4, 4, 4, 4],
            [2, 2, 4, 4, 4, 5],
            [3, 3, 3, 3, 3, 5],
            [1, 1, 1, 4, 5, 5],
            [1, 1, 1, 1, 1, 2],
            [2, 2, 4, 4, 4, 4],
            [1, 3, 3, 5, 5, 5],
            [5, 5, 5, 5, 5, 5],
            [2, 4, 4, 4, 4, 4],
            [2, 2, 4, 5, 5, 5],
            [1, 1, 4, 4, 4, 4],
            [1, 4, 4, 4, 4, 5],
            [2, 2, 2, 2, 2, 4],
            [1, 1, 1, 1, 5, 5],
            [2, 2, 4, 4, 4, 4],
            [1, 3, 3, 3, 3, 3],
            [5, 5, 5, 5, 5, 5],
        ];
        let units: Vec<[Option<usize>; 6]> = table.iter().map(|row| row.map(Some)).collect();
        let kappa = fleiss_kappa(&units);
        assert_eq!(
            (kappa.figure.units, kappa.raters, kappa.excluded),
            (30, 6, 0)
        );
        close(kappa.figure.value, 0.430, 0.0005);
        close(kappa.figure.value, 0.430_244_520_060_140_74, 1e-12);
    }

    #[test]
    fn fleiss_kappa_matches_the_widely_reproduced_ten_subject_example() {
        // The example of the Wikipedia article "Fleiss' kappa" (often attributed to Fleiss
        // 1971, but not the paper's own): 10 subjects, 14 raters, 5 categories; P̄ = 0.378,
        // P̄_e = 0.213, κ = 0.210. statsmodels 0.15's fleiss_kappa gives 0.20993070442195522.
        let counts = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let kappa = fleiss_kappa(&ratings(&counts));
        assert_eq!((kappa.figure.units, kappa.raters), (10, 14));
        close(kappa.figure.value, 0.210, 0.0005);
        close(kappa.figure.value, 0.209_930_704_421_955_22, 1e-12);
    }

    #[test]
    fn fleiss_kappa_leaves_out_and_counts_incomplete_subjects() {
        // Three raters; the second subject lacks one rating. The two complete subjects:
        // (a,a,a) and (a,b,b). S = 9 + (1 + 4) = 14, Nm = 6: P̄ = (14 − 6) / (6·2) = 2/3.
        // Totals a = 4, b = 2: P̄_e = (16 + 4) / 36 = 5/9. κ = (2/3 − 5/9) / (4/9) = 1/4.
        let units = [
            vec![Some('a'), Some('a'), Some('a')],
            vec![Some('a'), None, Some('b')],
            vec![Some('a'), Some('b'), Some('b')],
        ];
        let kappa = fleiss_kappa(&units);
        assert_eq!(
            (kappa.figure.units, kappa.excluded, kappa.raters),
            (2, 1, 3)
        );
        close(kappa.figure.value, 0.25, 1e-12);
        let constant = [[Some(1), Some(1)], [Some(1), Some(1)]];
        assert_eq!(fleiss_kappa(&constant).figure.value, None);
    }

    // --- Tokens -------------------------------------------------------------------------

    #[test]
    fn tokens_take_every_label_that_touches_them_and_nothing_is_a_value() {
        // "Tammy Bruce said talks" — tokens at 0..5, 6..11, 12..16, 17..22.
        let tokens = [(0, 5), (6, 11), (12, 16), (17, 22)];
        let spans = [("actor", 0, 11), ("claim", 10, 16), ("actor", 4, 5)];
        let codes = token_labels(&tokens, &spans);
        assert_eq!(
            codes,
            [
                TokenCode::new(["actor"]),
                TokenCode::new(["claim", "actor"]),
                TokenCode::new(["claim"]),
                TokenCode::nothing(),
            ]
        );
        assert_eq!(codes[1].labels(), ["actor", "claim"]);
        assert!(codes[3].is_nothing());
        // A span that ends where a token starts does not touch it.
        assert!(token_labels(&[(5, 9)], &[("x", 0, 5)])[0].is_nothing());
    }

    #[test]
    fn tokens_out_of_order_get_the_same_labels() {
        let tokens = [(6, 11), (0, 5), (3, 8), (12, 12)];
        let spans = [("a", 4, 7), ("b", 12, 20)];
        let codes = token_labels(&tokens, &spans);
        assert_eq!(
            codes,
            [
                TokenCode::new(["a"]),
                TokenCode::new(["a"]),
                TokenCode::new(["a"]),
                TokenCode::nothing(),
            ]
        );
    }

    #[test]
    fn a_token_left_unlabelled_counts_against_one_that_is_labelled() {
        // Two coders, two tokens: both label the first, only one labels the second. The empty
        // code is a value, so the second unit is a disagreement: units ({x},{x}), ({x},∅);
        // n_x = 3, n_∅ = 1, n = 4; o_x∅ + o_∅x = 2. α = 1 − 3·2 / (2·3·1) = 0.
        let tokens = [(0, 3), (4, 7)];
        let a = token_labels(&tokens, &[("x", 0, 7)]);
        let b = token_labels(&tokens, &[("x", 0, 3)]);
        let mut tally = Coincidences::new();
        for (x, y) in a.iter().zip(&b) {
            tally.add_unit([x, y]);
        }
        close(tally.alpha().value, 0.0, 1e-12);
    }

    #[test]
    fn a_thousand_documents_of_three_coders_are_measured_in_one_pass() {
        // The size a corpus report must handle: 1,000 documents × 3 coders × 20 spans, ~1,000
        // tokens each (about 0.3 s in a release build on a two-core machine). The
        // third coder misses the last span of every document; the second did not code every
        // tenth document (missing data, not "nothing").
        let tokens: Vec<(usize, usize)> = (0..1000).map(|i| (i * 6, i * 6 + 5)).collect();
        let spans: Vec<(u32, usize, usize)> = (0..20usize)
            .map(|s| (s as u32 % 3, s * 300, s * 300 + 40))
            .collect();
        let started = std::time::Instant::now();
        let mut tally = Coincidences::new();
        let mut documents = Vec::new();
        for document in 0..1000 {
            let a = token_labels(&tokens, &spans);
            let b = (document % 10 != 0).then(|| token_labels(&tokens, &spans));
            let c = token_labels(&tokens, &spans[..19]);
            for t in 0..tokens.len() {
                let values = [Some(&a[t]), b.as_ref().map(|b| &b[t]), Some(&c[t])];
                tally.add_unit(values.into_iter().flatten());
            }
            let mut coders = BTreeMap::from([(1, spans.clone()), (3, spans[..19].to_vec())]);
            if document % 10 != 0 {
                coders.insert(2, spans.clone());
            }
            documents.push(Unitization {
                length: 6000,
                coders,
            });
        }
        let alpha = tally.alpha();
        let unitizing = unitizing_alpha(&documents).unwrap();
        eprintln!("1,000 documents measured in {:?}", started.elapsed());
        assert_eq!(alpha.units, 1_000_000);
        let value = alpha.value.unwrap();
        assert!(value > 0.9 && value < 1.0, "{value}");
        assert_eq!((unitizing.documents, unitizing.excluded), (900, 100));
        assert_eq!(unitizing.overall.units, 5_400_000);
        let value = unitizing.overall.value.unwrap();
        assert!(value > 0.9 && value < 1.0, "{value}");
    }

    // --- Exact match and sets -----------------------------------------------------------

    #[test]
    fn exact_match_counts_per_label_and_overall() {
        let a = [
            ("actor", 0, 5),
            ("claim", 10, 20),
            ("claim", 30, 40),
            ("actor", 0, 5),
        ];
        let b = [("actor", 0, 5), ("claim", 10, 21), ("stance", 30, 40)];
        let result = exact_match_f1(&a, &b);
        let counts = |matches, only_a, only_b| MatchCounts {
            matches,
            only_a,
            only_b,
        };
        assert_eq!(result.overall, counts(1, 2, 2));
        assert_eq!(result.per_label["actor"], counts(1, 0, 0));
        assert_eq!(result.per_label["claim"], counts(0, 2, 1));
        assert_eq!(result.per_label["stance"], counts(0, 0, 1));
        // a is the reference: precision 1/3 of b's spans, recall 1/3 of a's; F1 = 2/6.
        close(result.overall.precision(), 1.0 / 3.0, 1e-12);
        close(result.overall.recall(), 1.0 / 3.0, 1e-12);
        close(result.overall.f1(), 1.0 / 3.0, 1e-12);
        assert_eq!(result.per_label["stance"].recall(), None);
        assert_eq!(result.per_label["stance"].precision(), Some(0.0));
        // F1 does not depend on the reference.
        let swapped = exact_match_f1(&b, &a);
        assert_eq!(swapped.overall.f1(), result.overall.f1());
        assert_eq!(MatchCounts::default().f1(), None);
    }

    #[test]
    fn exact_match_pools_documents() {
        let mut corpus = exact_match_f1(&[("x", 0, 1)], &[("x", 0, 1)]);
        corpus.add(&exact_match_f1(&[("x", 0, 1)], &[("y", 0, 1)]));
        assert_eq!(corpus.overall.matches, 1);
        assert_eq!(corpus.per_label["x"].only_a, 1);
        assert_eq!(corpus.per_label["y"].only_b, 1);
    }

    /// A test statement: (actor, concept).
    type Item = (&'static str, &'static str);

    fn coded(items: &[(&'static str, &[Item])]) -> BTreeMap<&'static str, BTreeSet<Item>> {
        items
            .iter()
            .map(|(coder, set)| (*coder, set.iter().copied().collect()))
            .collect()
    }

    #[test]
    fn set_agreement_pairs_coders_and_pools_alpha_over_the_union() {
        // Document 1: ana {p, q}, ben {p}, cy {p, r}. Document 2: ana {s}, ben has nothing,
        // cy did not code it. Document 3: only ana (no pair, left out).
        let documents = [
            coded(&[
                ("ana", &[("putin", "war"), ("biden", "aid")]),
                ("ben", &[("putin", "war")]),
                ("cy", &[("putin", "war"), ("xi", "trade")]),
            ]),
            coded(&[("ana", &[("scholz", "tanks")]), ("ben", &[])]),
            coded(&[("ana", &[("macron", "talks")])]),
        ];
        let result = set_agreement(&documents);
        assert_eq!(result.documents, 2);
        let counts = |matches, only_a, only_b| MatchCounts {
            matches,
            only_a,
            only_b,
        };
        assert_eq!(result.pairs[&("ana", "ben")], counts(1, 2, 0));
        assert_eq!(result.pairs[&("ana", "cy")], counts(1, 1, 1));
        assert_eq!(result.pairs[&("ben", "cy")], counts(1, 0, 1));
        assert_eq!(result.pooled(), counts(3, 3, 2));
        // Units (values present/absent): war (T,T,T), aid (T,F,F), trade (F,F,T),
        // tanks (T,F). n_T = 6, n_F = 5, n = 11. Σ_{c≠k} o_ck: war 0, aid 2·2/2 = 2,
        // trade 2, tanks 2·1/1 = 2 → 6. α = 1 − 10·6 / (2·6·5) = 0.
        assert_eq!(result.alpha.units, 4);
        close(result.alpha.value, 0.0, 1e-12);
    }

    #[test]
    fn set_agreement_is_undefined_when_everyone_lists_everything() {
        let documents = [coded(&[("ana", &[("a", "b")]), ("ben", &[("a", "b")])])];
        let result = set_agreement(&documents);
        assert_eq!(result.alpha, Figure::new(None, 1));
        assert_eq!(result.pooled().f1(), Some(1.0));
    }

    // --- Krippendorff's uα --------------------------------------------------------------

    /// A test segment: (label, start, end).
    type Segment = (&'static str, usize, usize);

    fn document(length: usize, coders: &[(u32, &[Segment])]) -> Unitization<u32, &'static str> {
        Unitization {
            length,
            coders: coders
                .iter()
                .map(|(coder, segments)| (*coder, segments.to_vec()))
                .collect(),
        }
    }

    /// Krippendorff (2004), Content Analysis (2nd ed.), the unitizing example (p. 254, as the
    /// DKPro Statistics test suite cites it): two observers i and j on a continuum from 150 to
    /// 450, shifted here to start at 0.
    fn krippendorff_2004() -> Unitization<u32, &'static str> {
        document(
            300,
            &[
                (
                    0,
                    &[
                        ("c", 75, 145),
                        ("c", 220, 250),
                        ("k", 30, 90),
                        ("k", 150, 200),
                    ],
                ),
                (
                    1,
                    &[
                        ("c", 70, 150),
                        ("c", 205, 225),
                        ("c", 250, 270),
                        ("k", 30, 90),
                        ("k", 150, 200),
                    ],
                ),
            ],
        )
    }

    #[test]
    fn unitizing_alpha_matches_krippendorffs_2004_example() {
        // Published (to four decimals): cuD_o = .0144, cuD_e = .0532, cuα = .7286 for c;
        // kuD_o = 0, kuα = 1 for k. These are the book's figures as reproduced in the
        // DKPro Statistics test suite (Krippendorff2004Test); the book page itself was not
        // available to check. By hand, for c: the differing pairs are the units 225–295 vs
        // 220–300 (5² + 5² = 50), 370–400 vs 355–375 (15² + 25² = 850) and the unit 400–420
        // within the gap 400–450 (20² = 400): D_o = 2·1300 / (2·1·300²) = 0.014444.
        let docs = [krippendorff_2004()];
        let mut tallies: BTreeMap<&&str, LabelTally> =
            [(&"c", LabelTally::default()), (&"k", LabelTally::default())].into();
        add_document(&docs[0], &mut tallies);
        let (d_o, d_e) = tallies[&"c"].disagreements(2, 300);
        assert!((d_o - 0.0144).abs() < 0.00005, "{d_o}");
        assert!((d_o - 1300.0 / 90000.0).abs() < 1e-15);
        assert!((d_e - 0.0532).abs() < 0.00005, "{d_e}");
        let (k_o, k_e) = tallies[&"k"].disagreements(2, 300);
        assert_eq!(k_o, 0.0);
        assert!((k_e - 0.0490).abs() < 0.00005, "{k_e}");

        let alpha = unitizing_alpha(&docs).unwrap();
        close(alpha.per_label["c"].value, 0.7286, 0.00005);
        close(alpha.per_label["k"].value, 1.0, 1e-12);
        // Overall: 1 − (.014444 + 0) / (.053222 + .048980) = .8587.
        close(alpha.overall.value, 0.8587, 0.00005);
        assert_eq!(alpha.overall.units, 300);
        assert_eq!((alpha.coders, alpha.documents, alpha.excluded), (2, 1, 0));
    }

    #[test]
    fn unitizing_alpha_of_two_units_that_differ_at_the_start() {
        // L = 10, coder 1 has X at [2, 6), coder 2 at [3, 6).
        // Sections: coder 1 gap 0–2, unit 2–6, gap 6–10; coder 2 gap 0–3, unit 3–6, gap 6–10.
        // Only the two units differ: (2 − 3)² + (6 − 6)² = 1, counted for (1,2) and (2,1):
        //   D_o = 2 / (m(m − 1)L²) = 2 / (2·1·100) = 0.01.
        // Units l = 4 and 3, N_c = 2; gaps 2, 4, 3, 4.
        //   denominator = mL(mL − 1) − Σ l(l − 1) = 20·19 − (12 + 6) = 362.
        //   l = 4: (N_c − 1)·4·3·7/3 = 28; gaps ≥ 4: 4, 4 → 1 + 1 = 2, ·16 = 32; total 60.
        //   l = 3: 1·3·2·5/3 = 10; gaps ≥ 3: 4, 3, 4 → 2 + 1 + 2 = 5, ·9 = 45; total 55.
        //   D_e = (2/L)·(60 + 55)/362 = 23/362.
        // α = 1 − 0.01 / (23/362) = 1 − 3.62/23 = 0.842608…
        let docs = [document(10, &[(1, &[("X", 2, 6)]), (2, &[("X", 3, 6)])])];
        let alpha = unitizing_alpha(&docs).unwrap();
        close(alpha.per_label["X"].value, 1.0 - 3.62 / 23.0, 1e-12);
        close(alpha.overall.value, 1.0 - 3.62 / 23.0, 1e-12);
    }

    #[test]
    fn unitizing_alpha_of_a_unit_the_other_coder_did_not_find() {
        // L = 10, coder 1 has X at [2, 4), coder 2 found nothing (a value, not missing data).
        // Coder 2's continuum is one gap 0–10; coder 1's unit lies within it: δ² = 2² = 4,
        // counted twice: D_o = 8 / (2·1·100) = 0.04.
        // One unit (N_c = 1, so its first term is 0), l = 2; gaps 2, 6 (coder 1) and 10.
        //   denominator = 20·19 − 2·1 = 378.
        //   gaps ≥ 2: (2 − 2 + 1) + (6 − 2 + 1) + (10 − 2 + 1) = 15, ·4 = 60.
        //   D_e = (2/10)·60/378 = 12/378.
        // α = 1 − 0.04·378/12 = 1 − 1.26 = −0.26: worse than chance.
        let docs = [document(10, &[(1, &[("X", 2, 4)]), (2, &[])])];
        let alpha = unitizing_alpha(&docs).unwrap();
        close(alpha.per_label["X"].value, -0.26, 1e-12);
    }

    #[test]
    fn unitizing_alpha_approaches_krippendorffs_1995_figures() {
        // Krippendorff (1995), Sociological Methodology 25, the four pairs of observers of
        // p. 57 on a continuum of 24 (their units as (begin, length)). The paper's continuum is
        // continuous; stretched 50,000 times the discrete figures come close to it. The
        // observed disagreements do not depend on the stretch and are exact by hand, e.g. A:
        // (2·2² + (1² + 3²)) ·2 / (2·1·24²) = 36/1152 = 0.03125. The α values .553, −.926, .679
        // and .066 are those the DKPro Statistics test suite (Krippendorff1995Test) gives for
        // the paper, which it checks only to ±.02, noting an apparent slip in the paper's D_e;
        // C is the one that differs here by more than .002 (0.693).
        type Pair = [&'static [(usize, usize)]; 2];
        let pairs: [(&str, Pair, f64, f64, f64); 4] = [
            (
                "A",
                [&[(2, 8), (14, 6)], &[(4, 4), (15, 2)]],
                0.03125,
                0.553,
                0.0005,
            ),
            (
                "B",
                [
                    &[(0, 18)],
                    &[(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)],
                ],
                2.26736,
                -0.926,
                0.005,
            ),
            (
                "C",
                [
                    &[(2, 6), (10, 2), (14, 4), (20, 2)],
                    &[(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)],
                ],
                0.02778,
                0.679,
                0.02,
            ),
            (
                "D",
                [
                    &[(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)],
                    &[(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)],
                ],
                0.38715,
                0.066,
                0.0005,
            ),
        ];
        let stretch = 50_000;
        for (name, observers, observed, published, tolerance) in pairs {
            let coders = observers.iter().enumerate().map(|(i, units)| {
                let segments = units
                    .iter()
                    .map(|&(b, l)| (name, b * stretch, (b + l) * stretch))
                    .collect();
                (i as u32, segments)
            });
            let doc = Unitization {
                length: 24 * stretch,
                coders: coders.collect(),
            };
            let mut tallies: BTreeMap<&&str, LabelTally> = [(&name, LabelTally::default())].into();
            add_document(&doc, &mut tallies);
            let (d_o, _) = tallies[&name].disagreements(2, doc.length as u64);
            assert!((d_o - observed).abs() < 0.000005, "{name}: D_o {d_o}");
            let alpha = unitizing_alpha(&[doc]).unwrap();
            close(alpha.per_label[name].value, published, tolerance);
        }
    }

    #[test]
    fn section_differences_follow_the_cases_of_the_definition() {
        let unit = |start, end| Section {
            start,
            end,
            unit: true,
        };
        let gap = |start, end| Section {
            start,
            end,
            unit: false,
        };
        // Krippendorff (2004)'s cases, with begin and length as in the book's notation.
        assert_eq!(difference(unit(5, 11), unit(4, 6)), 1 + 25);
        assert_eq!(difference(unit(5, 11), unit(6, 10)), 1 + 1);
        assert_eq!(difference(unit(5, 11), gap(4, 11)), 36);
        assert_eq!(difference(gap(2, 5), unit(2, 4)), 4);
        assert_eq!(
            difference(unit(2, 6), gap(4, 9)),
            0,
            "a unit only partly in a gap"
        );
        assert_eq!(difference(gap(0, 4), gap(2, 9)), 0);
    }

    #[test]
    fn unitizing_pools_documents_and_leaves_out_incomplete_ones() {
        let docs = [
            document(10, &[(1, &[("X", 2, 6)]), (2, &[("X", 3, 6)])]),
            document(20, &[(1, &[("Y", 0, 20)]), (2, &[("Y", 0, 20)])]),
            document(5, &[(1, &[("X", 0, 5)])]),
        ];
        let alpha = unitizing_alpha(&docs).unwrap();
        assert_eq!((alpha.documents, alpha.excluded), (2, 1));
        assert_eq!(alpha.overall.units, 30);
        close(alpha.per_label["Y"].value, 1.0, 1e-12);
        let x = alpha.per_label["X"].value.unwrap();
        assert!(x > 0.0 && x < 1.0, "{x}");
    }

    #[test]
    fn unitizing_refuses_segments_outside_their_document() {
        let docs = [document(10, &[(1, &[("X", 2, 11)]), (2, &[])])];
        assert_eq!(
            unitizing_alpha(&docs),
            Err(AgreementError::SegmentOutsideDocument {
                document: 0,
                start: 2,
                end: 11,
                length: 10
            })
        );
    }

    #[test]
    fn overlapping_segments_of_one_label_are_one_unit() {
        let merged = units_by_label(&[("X", 5, 9), ("X", 0, 6), ("X", 9, 12), ("Y", 3, 3)]);
        assert_eq!(merged[&"X"], [(0, 9), (9, 12)]);
        assert!(!merged.contains_key(&"Y"));
    }

    fn unitization_strategy() -> impl Strategy<Value = Vec<Unitization<u32, u8>>> {
        let segment = (0u8..3, 0usize..40, 0usize..40);
        let coder = prop::collection::vec(segment, 0..5);
        let doc = (1usize..40, prop::collection::vec(coder, 2..5));
        prop::collection::vec(doc, 1..4).prop_map(|docs| {
            let m = docs.iter().map(|(_, c)| c.len()).min().unwrap_or(2);
            docs.into_iter()
                .map(|(length, coders)| Unitization {
                    length,
                    coders: coders
                        .into_iter()
                        .take(m)
                        .enumerate()
                        .map(|(i, segments)| {
                            let clamp = |x: usize| x.min(length);
                            let segments = segments
                                .into_iter()
                                .map(|(l, a, b)| (l, clamp(a.min(b)), clamp(a.max(b))))
                                .collect();
                            (i as u32, segments)
                        })
                        .collect(),
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn nominal_alpha_agrees_with_the_coincidence_matrix(
            units in prop::collection::vec(prop::collection::vec(prop::option::of(0u8..4), 0..5), 0..30)
        ) {
            let fast = alpha_nominal(&units).value;
            let slow = alpha_by_matrix(&units);
            prop_assert_eq!(fast.is_some(), slow.is_some());
            if let (Some(fast), Some(slow)) = (fast, slow) {
                prop_assert!((fast - slow).abs() < 1e-9, "{} vs {}", fast, slow);
                prop_assert!(fast <= 1.0 + 1e-12);
            }
            // Coders in another order: the same figure, to the bit.
            let reversed: Vec<Vec<Option<u8>>> =
                units.iter().map(|u| u.iter().rev().copied().collect()).collect();
            prop_assert_eq!(alpha_nominal(&reversed), alpha_nominal(&units));
        }

        #[test]
        fn unitizing_alpha_is_at_most_one_and_ignores_coder_order(docs in unitization_strategy()) {
            let alpha = unitizing_alpha(&docs).unwrap();
            for figure in alpha.per_label.values().chain([&alpha.overall]) {
                if let Some(value) = figure.value {
                    prop_assert!(value <= 1.0 + 1e-12, "{}", value);
                }
            }
            let renamed: Vec<Unitization<u32, u8>> = docs
                .iter()
                .map(|d| Unitization {
                    length: d.length,
                    coders: d.coders.iter().map(|(c, s)| (100 - c, s.clone())).collect(),
                })
                .collect();
            prop_assert_eq!(unitizing_alpha(&renamed).unwrap(), alpha);
        }

        #[test]
        fn unitizing_alpha_is_one_when_all_coders_agree(docs in unitization_strategy()) {
            let agreeing: Vec<Unitization<u32, u8>> = docs
                .iter()
                .map(|d| {
                    let first = d.coders.values().next().cloned().unwrap_or_default();
                    Unitization {
                        length: d.length,
                        coders: d.coders.keys().map(|c| (*c, first.clone())).collect(),
                    }
                })
                .collect();
            let alpha = unitizing_alpha(&agreeing).unwrap();
            for figure in alpha.per_label.values().chain([&alpha.overall]) {
                if let Some(value) = figure.value {
                    prop_assert_eq!(value, 1.0);
                }
            }
        }
    }

    #[test]
    fn tabulated_units_give_the_figures_of_the_units_one_by_one() {
        let a = [1, 1, 2, 3, 1, 2, 2, 3, 3, 1, 1, 2];
        let b = [1, 2, 2, 3, 1, 1, 2, 3, 1, 1, 2, 2];
        let mut table: BTreeMap<(i32, i32), u64> = BTreeMap::new();
        for (x, y) in a.iter().zip(&b) {
            *table.entry((*x, *y)).or_insert(0) += 1;
        }
        let by_units = cohen_kappa(&a, &b).unwrap();
        let by_table = cohen_kappa_table(table.iter().map(|((x, y), n)| ((x, y), *n)));
        assert_eq!(by_units, by_table);

        let mut one_by_one = Coincidences::new();
        let mut tabulated = Coincidences::new();
        for (x, y) in a.iter().zip(&b) {
            one_by_one.add_unit([x, y]);
        }
        for ((x, y), n) in &table {
            tabulated.add_units([x, y], *n);
        }
        assert_eq!(one_by_one.alpha(), tabulated.alpha());

        let rows: Vec<[Option<i32>; 3]> = a
            .iter()
            .zip(&b)
            .map(|(x, y)| [Some(*x), Some(*y), Some(1)])
            .collect();
        let weighted: Vec<([Option<i32>; 3], u64)> = rows.iter().map(|r| (*r, 1)).collect();
        assert_eq!(fleiss_kappa(&rows), fleiss_kappa_weighted(&weighted));
    }
}
