//! Drawing a sample of documents to code: simple random or stratified, reproducible from a seed.
//!
//! Nobody codes a whole archive: analysts draw a sample from a filter or a search. The same
//! candidates, size and seed always give the same sample, so the seed recorded with a sample is
//! enough to draw it again (and to report how it was drawn).
//!
//! ```
//! use claimdesk_core::sample::{draw, Candidate};
//!
//! let candidates: Vec<Candidate> = (1..=100).map(|id| Candidate { id, stratum: None }).collect();
//! let sample = draw(&candidates, 10, 42);
//! assert_eq!(sample.len(), 10);
//! assert_eq!(sample, draw(&candidates, 10, 42));
//! ```

use std::collections::BTreeMap;

/// A document that may be drawn, with its stratum (a source, a month, a metadata value) when
/// the sample is stratified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub stratum: Option<String>,
}

/// SplitMix64: small, fast and well mixed; a sample is reproducible from its seed on any build.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`, without the bias of a plain modulo.
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// `k` of `ids` drawn at random (a partial Fisher–Yates shuffle of the ids in ascending order).
fn simple(mut ids: Vec<i64>, k: usize, rng: &mut SplitMix) -> Vec<i64> {
    ids.sort_unstable();
    let k = k.min(ids.len());
    for i in 0..k {
        let j = i + rng.below((ids.len() - i) as u64) as usize;
        ids.swap(i, j);
    }
    ids.truncate(k);
    ids
}

/// How many of `n` go to each stratum of the given sizes: in proportion, the remainders by the
/// largest fraction (ties to the larger stratum, then the first).
fn allocate(sizes: &[usize], n: usize) -> Vec<usize> {
    let total: usize = sizes.iter().sum();
    if total == 0 {
        return vec![0; sizes.len()];
    }
    let n = n.min(total);
    let mut shares: Vec<usize> = sizes.iter().map(|&s| s * n / total).collect();
    let mut left = n - shares.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    // Largest remainder first: compare s*n mod total, then the stratum's size.
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(sizes[i] * n % total),
            std::cmp::Reverse(sizes[i]),
            i,
        )
    });
    for i in order {
        if left == 0 {
            break;
        }
        if shares[i] < sizes[i] {
            shares[i] += 1;
            left -= 1;
        }
    }
    shares
}

/// A sample of `n` candidates drawn with `seed`, in ascending id order. With strata (any
/// candidate carries one; those without form a stratum of their own), each stratum gets its
/// share in proportion to its size and is sampled on its own; otherwise the sample is simple
/// random. Asking for more than there are gives them all.
pub fn draw(candidates: &[Candidate], n: usize, seed: u64) -> Vec<i64> {
    let mut rng = SplitMix(seed);
    let stratified = candidates.iter().any(|c| c.stratum.is_some());
    let mut drawn = if stratified {
        let mut strata: BTreeMap<Option<&str>, Vec<i64>> = BTreeMap::new();
        for c in candidates {
            strata.entry(c.stratum.as_deref()).or_default().push(c.id);
        }
        let sizes: Vec<usize> = strata.values().map(Vec::len).collect();
        let shares = allocate(&sizes, n);
        strata
            .into_values()
            .zip(shares)
            .flat_map(|(ids, k)| simple(ids, k, &mut rng))
            .collect()
    } else {
        simple(candidates.iter().map(|c| c.id).collect(), n, &mut rng)
    };
    drawn.sort_unstable();
    drawn
}

/// How many documents of each stratum a stratified sample holds, for its report.
pub fn strata_counts(candidates: &[Candidate], sample: &[i64]) -> BTreeMap<String, usize> {
    let chosen: std::collections::HashSet<i64> = sample.iter().copied().collect();
    let mut counts = BTreeMap::new();
    for c in candidates.iter().filter(|c| chosen.contains(&c.id)) {
        *counts
            .entry(c.stratum.clone().unwrap_or_else(|| "(none)".into()))
            .or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(ids: impl IntoIterator<Item = i64>) -> Vec<Candidate> {
        ids.into_iter()
            .map(|id| Candidate { id, stratum: None })
            .collect()
    }

    #[test]
    fn the_same_seed_draws_the_same_sample_and_another_seed_another() {
        let candidates = plain(1..=10_000);
        let a = draw(&candidates, 50, 7);
        assert_eq!(a.len(), 50);
        assert_eq!(a, draw(&candidates, 50, 7));
        assert_ne!(a, draw(&candidates, 50, 8));
        assert!(a.windows(2).all(|w| w[0] < w[1]), "ascending, no repeats");
        // The order the candidates come in does not matter.
        let mut reversed = candidates.clone();
        reversed.reverse();
        assert_eq!(a, draw(&reversed, 50, 7));
    }

    #[test]
    fn asking_for_more_than_there_are_gives_them_all() {
        assert_eq!(draw(&plain([5, 3, 9]), 10, 1), [3, 5, 9]);
        assert!(draw(&[], 10, 1).is_empty());
        assert!(draw(&plain(1..=5), 0, 1).is_empty());
    }

    #[test]
    fn a_stratified_sample_gives_each_stratum_its_share() {
        // 600 from one source, 300 from another, 100 from a third: a sample of 50 holds 30, 15, 5.
        let mut candidates = Vec::new();
        for (source, count, first) in [("a", 600, 0), ("b", 300, 1000), ("c", 100, 2000)] {
            for i in 0..count {
                candidates.push(Candidate {
                    id: first + i,
                    stratum: Some(source.into()),
                });
            }
        }
        let sample = draw(&candidates, 50, 99);
        let counts = strata_counts(&candidates, &sample);
        assert_eq!(counts.get("a"), Some(&30));
        assert_eq!(counts.get("b"), Some(&15));
        assert_eq!(counts.get("c"), Some(&5));
        assert_eq!(sample, draw(&candidates, 50, 99));
    }

    #[test]
    fn remainders_go_to_the_largest_fractions() {
        // 10 of 3 + 3 + 4: shares 3.0, 3.0, 4.0 → exact; 5 of them: 1.5, 1.5, 2.0 → 2, 1, 2 or
        // 1, 2, 2 — the tie goes to the first.
        assert_eq!(allocate(&[3, 3, 4], 10), [3, 3, 4]);
        assert_eq!(allocate(&[3, 3, 4], 5), [2, 1, 2]);
        assert_eq!(allocate(&[1, 1, 1], 2), [1, 1, 0]);
        assert_eq!(allocate(&[2, 0], 5), [2, 0]);
    }

    #[test]
    fn a_random_sample_is_spread_over_the_candidates() {
        // Ten thousand draws of one from ten: every candidate comes up, none far too often.
        let candidates = plain(0..10);
        let mut seen = [0usize; 10];
        for seed in 0..10_000 {
            seen[draw(&candidates, 1, seed)[0] as usize] += 1;
        }
        assert!(seen.iter().all(|&n| (800..1200).contains(&n)), "{seen:?}");
    }
}
