//! The network picture's layout: ForceAtlas2 (the `fa2` crate) run in steps of a given number
//! of iterations, so that a view can draw the picture between steps, pause it, and stop it when
//! it has settled. The algorithm's own state (each node's speed and swing) is kept from step to step,
//! as in one long run. Positions are the layout's own units; the view fits them to its frame.

use fa2::{FA2Data, FA2Layout, FA2Settings};

/// Below this mean movement of a node per iteration, as a share of the picture's extent, the
/// layout has settled: a node then moves by less than a pixel of an 800-pixel picture per
/// iteration, whatever the layout's own scale (which grows with the network).
const SETTLED: f32 = 0.001;
/// A layout stops after this many iterations even if it still moves (it can be started again
/// from where it is).
pub const MOST_ITERATIONS: usize = 3000;
/// From this many nodes on, repulsion is approximated (Barnes–Hut) with Gephi's accuracy (theta
/// 1.2): exact repulsion costs the square of the nodes.
const BARNES_HUT_FROM: usize = 500;

/// An edge of a layout: two node indexes and a weight.
pub type Edge = (usize, usize, f32);

/// Why a layout could not start.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LayoutError {
    #[error("the layout's edge {index} joins node {node}, but there are only {nodes} nodes")]
    UnknownNode {
        index: usize,
        node: usize,
        nodes: usize,
    },
    #[error("the layout's {what} {index} is not a finite number")]
    NotFinite { what: &'static str, index: usize },
}

/// Where a step left the layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Each node's place, in the order the layout was given them.
    pub positions: Vec<[f32; 2]>,
    /// Iterations run since the start.
    pub iterations: usize,
    /// Nothing moves enough to run on (or the layout has run as long as it may).
    pub settled: bool,
}

/// A network being laid out.
pub struct Layout {
    /// None for a network without nodes: nothing to lay out.
    run: Option<FA2Layout<f32>>,
    iterations: usize,
    settled: bool,
}

impl Layout {
    /// A layout of nodes starting at `positions`, joined by `edges` (two node indexes and a
    /// weight). An edge from a node to itself is left out: it neither pulls nor pushes.
    pub fn new(positions: &[[f32; 2]], edges: &[Edge]) -> Result<Layout, LayoutError> {
        let nodes = positions.len();
        let mut data = FA2Data::<f32>::with_capacity(nodes, edges.len());
        for (index, &[x, y]) in positions.iter().enumerate() {
            if !x.is_finite() || !y.is_finite() {
                return Err(LayoutError::NotFinite {
                    what: "position",
                    index,
                });
            }
            data.add_node_with_position(x, y);
        }
        for (index, &(a, b, weight)) in edges.iter().enumerate() {
            for node in [a, b] {
                if node >= nodes {
                    return Err(LayoutError::UnknownNode { index, node, nodes });
                }
            }
            if !weight.is_finite() {
                return Err(LayoutError::NotFinite {
                    what: "edge weight",
                    index,
                });
            }
            if a != b {
                data.add_edge_with_weight(a, b, weight);
            }
        }
        let mut settings = FA2Settings::from_graph_order(nodes);
        if nodes >= BARNES_HUT_FROM {
            settings = settings.with_barnes_hut_theta(1.2);
        }
        Ok(Layout {
            run: (nodes > 0).then(|| settings.build(data)),
            iterations: 0,
            settled: nodes == 0,
        })
    }

    /// Runs `count` iterations (none once settled) and says where the nodes are and whether
    /// the layout has settled.
    pub fn step(&mut self, count: usize) -> Step {
        let Some(run) = self.run.as_mut() else {
            return Step {
                positions: Vec::new(),
                iterations: 0,
                settled: true,
            };
        };
        let count = count.max(1);
        if !self.settled {
            let before: Vec<(f32, f32)> = run.data().positions().collect();
            run.run(count);
            self.iterations += count;
            let (mut moved, mut low, mut high) = (0.0f32, [f32::MAX; 2], [f32::MIN; 2]);
            for ((x0, y0), (x, y)) in before.iter().zip(run.data().positions()) {
                moved += ((x - x0).powi(2) + (y - y0).powi(2)).sqrt();
                low = [low[0].min(x), low[1].min(y)];
                high = [high[0].max(x), high[1].max(y)];
            }
            let extent = (high[0] - low[0]).max(high[1] - low[1]).max(1.0);
            let nodes = before.len() as f32;
            self.settled = moved / nodes / count as f32 / extent < SETTLED
                || !moved.is_finite()
                || self.iterations >= MOST_ITERATIONS;
        }
        Step {
            positions: run.data().positions().map(|(x, y)| [x, y]).collect(),
            iterations: self.iterations,
            settled: self.settled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two cliques of five joined by one edge, every node starting on a circle.
    fn two_groups() -> (Vec<[f32; 2]>, Vec<Edge>) {
        let positions = (0..10)
            .map(|i| {
                let a = i as f32 * 0.6283;
                [10.0 * a.cos(), 10.0 * a.sin()]
            })
            .collect();
        let mut edges = Vec::new();
        for group in [0, 5] {
            for a in group..group + 5 {
                for b in a + 1..group + 5 {
                    edges.push((a, b, 1.0));
                }
            }
        }
        edges.push((0, 5, 1.0));
        (positions, edges)
    }

    fn centre(p: &[[f32; 2]]) -> [f32; 2] {
        let n = p.len() as f32;
        [
            p.iter().map(|q| q[0]).sum::<f32>() / n,
            p.iter().map(|q| q[1]).sum::<f32>() / n,
        ]
    }

    fn distance(a: [f32; 2], b: [f32; 2]) -> f32 {
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
    }

    #[test]
    fn a_layout_settles_with_each_group_together_and_the_groups_apart() {
        let (positions, edges) = two_groups();
        let mut layout = Layout::new(&positions, &edges).unwrap();
        let mut step = layout.step(10);
        while !step.settled {
            step = layout.step(10);
        }
        assert!(
            step.iterations < MOST_ITERATIONS,
            "settled by itself, after {}",
            step.iterations
        );
        let p = &step.positions;
        assert_eq!(p.len(), 10);
        assert!(p.iter().all(|q| q[0].is_finite() && q[1].is_finite()));
        let (a, b) = (centre(&p[..5]), centre(&p[5..]));
        let spread =
            |group: &[[f32; 2]], c| group.iter().map(|q| distance(*q, c)).fold(0.0, f32::max);
        assert!(
            distance(a, b) > spread(&p[..5], a).max(spread(&p[5..], b)),
            "{p:?}"
        );
        // Settled: another step changes nothing.
        let again = layout.step(10);
        assert_eq!(
            (again.positions, again.iterations, again.settled),
            (step.positions, step.iterations, true)
        );
    }

    #[test]
    fn a_step_runs_the_iterations_it_is_asked_for_and_goes_on_from_where_it_was() {
        let (positions, edges) = two_groups();
        let mut whole = Layout::new(&positions, &edges).unwrap();
        let mut parts = Layout::new(&positions, &edges).unwrap();
        assert_eq!(parts.step(3).iterations, 3);
        let parts = parts.step(4);
        let whole = whole.step(7);
        assert_eq!(parts.iterations, 7);
        // Each node's speed and swing are kept between steps: in parts as in one run.
        assert_eq!(parts.positions, whole.positions);
    }

    #[test]
    fn nothing_to_lay_out_is_settled_at_once() {
        let mut layout = Layout::new(&[], &[]).unwrap();
        let step = layout.step(5);
        assert!(step.settled && step.positions.is_empty());
        let mut one = Layout::new(&[[3.0, 4.0]], &[(0, 0, 1.0)]).unwrap();
        assert!(one.step(5).positions[0].iter().all(|v| v.is_finite()));
    }

    #[test]
    fn edges_to_unknown_nodes_and_numbers_that_are_not_finite_are_refused() {
        assert_eq!(
            Layout::new(&[[0.0, 0.0]], &[(0, 1, 1.0)]).err(),
            Some(LayoutError::UnknownNode {
                index: 0,
                node: 1,
                nodes: 1
            })
        );
        assert!(matches!(
            Layout::new(&[[f32::NAN, 0.0]], &[]),
            Err(LayoutError::NotFinite { .. })
        ));
        assert!(matches!(
            Layout::new(&[[0.0, 0.0], [1.0, 1.0]], &[(0, 1, f32::INFINITY)]),
            Err(LayoutError::NotFinite { .. })
        ));
    }
}
