//! The Analysis views: which statements and which network the view asks for, and the network
//! and the timeline it draws (numbers from `claimdesk_core::analysis`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use claimdesk_core::analysis::{
    Filter, Mode, Network, NetworkRequest, Normalisation, Period, Tie, Timeline,
};
use claimdesk_core::dataset::Scope;

use crate::args::{date_range, MAX_NAME_BYTES, MAX_SCOPE_DOCUMENTS, MAX_SCOPE_LABELS};
use crate::error::ErrorDto;

use super::entities::StatementDto;
use super::library::LibraryQueryDto;

/// The most stances a filter may name.
const MAX_STANCES: usize = 64;

/// Which statements an Analysis view counts: the project's (or some documents', labels',
/// coders' or a sample's), dated between two days, with some stances.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnalysisFilterDto {
    #[serde(default)]
    pub documents: Option<Vec<i64>>,
    #[serde(default)]
    pub labels: Option<Vec<String>>,
    #[serde(default)]
    pub coders: Option<Vec<String>>,
    #[serde(default)]
    pub set_id: Option<i64>,
    #[serde(default)]
    pub date_from: Option<String>,
    #[serde(default)]
    pub date_to: Option<String>,
    /// `""` stands for an unknown stance.
    #[serde(default)]
    pub stances: Option<Vec<String>>,
    #[serde(default)]
    pub min_weight: Option<f64>,
    /// Only the documents the library's filter selects.
    #[serde(default)]
    pub library: Option<LibraryQueryDto>,
}

impl AnalysisFilterDto {
    /// The scope, with the library's filter resolved to its documents in `project`, and the
    /// core's filter; or why these values cannot be one.
    pub fn resolved(
        mut self,
        project: &claimdesk_store::Project,
    ) -> Result<(Scope, Filter), ErrorDto> {
        let library = self.library.take().map(LibraryQueryDto::into_query);
        let (mut scope, filter) = self.checked()?;
        if let Some(query) = library {
            let selected = project.library_ids(&query?)?;
            scope.documents = Some(match scope.documents.take() {
                Some(chosen) => {
                    let chosen: std::collections::HashSet<i64> = chosen.into_iter().collect();
                    selected
                        .into_iter()
                        .filter(|id| chosen.contains(id))
                        .collect()
                }
                None => selected,
            });
        }
        Ok((scope, filter))
    }

    /// The scope of the statements and the core's filter, or why these values cannot be one.
    pub fn checked(self) -> Result<(Scope, Filter), ErrorDto> {
        let bad = ErrorDto::bad_request;
        let (date_from, date_to) = date_range(self.date_from, self.date_to)?;
        let too_many = |n: Option<usize>, max: usize, what: &str| match n {
            Some(n) if n > max => Err(ErrorDto::too_large(&format!("the {what}"), max, what)),
            _ => Ok(()),
        };
        too_many(
            self.documents.as_ref().map(Vec::len),
            MAX_SCOPE_DOCUMENTS,
            "documents",
        )?;
        too_many(
            self.labels.as_ref().map(Vec::len),
            MAX_SCOPE_LABELS,
            "labels",
        )?;
        too_many(
            self.coders.as_ref().map(Vec::len),
            MAX_SCOPE_LABELS,
            "coders",
        )?;
        too_many(self.stances.as_ref().map(Vec::len), MAX_STANCES, "stances")?;
        let long = [&self.labels, &self.coders, &self.stances]
            .into_iter()
            .flatten()
            .flatten()
            .any(|name| name.len() > MAX_NAME_BYTES);
        if long {
            return Err(ErrorDto::too_large("a name", MAX_NAME_BYTES, "bytes"));
        }
        let min_weight = self.min_weight.unwrap_or(0.0);
        if !min_weight.is_finite() || min_weight < 0.0 {
            return Err(bad(format!(
                "the minimum edge weight must be a number of 0 or more, not {min_weight}"
            )));
        }
        let scope = Scope {
            documents: self.documents,
            labels: self.labels.filter(|l| !l.is_empty()),
            annotators: self.coders.filter(|c| !c.is_empty()),
            set_id: self.set_id,
            ..Scope::everything()
        };
        let filter = Filter {
            date_from,
            date_to,
            stances: self.stances,
            min_weight,
        };
        Ok((scope, filter))
    }
}

/// A layout to start: where each node starts, and the edges as two node indexes and a weight.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LayoutStartDto {
    pub positions: Vec<[f32; 2]>,
    pub edges: Vec<(usize, usize, f32)>,
}

/// Where a step of the layout left it.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayoutStepDto {
    /// Each node's place, in the order the layout was started with.
    pub positions: Vec<[f32; 2]>,
    pub iterations: usize,
    /// Milliseconds each of the step's iterations took.
    pub per_iteration: f64,
    pub settled: bool,
}

/// The network an Analysis view asks for.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkRequestDto {
    #[serde(default)]
    pub mode: Mode,
    #[serde(default)]
    pub tie: Tie,
    #[serde(default)]
    pub normalisation: Normalisation,
    /// None or null: every statement.
    #[serde(default)]
    pub filter: Option<AnalysisFilterDto>,
}

impl NetworkRequestDto {
    pub fn resolved(
        self,
        project: &claimdesk_store::Project,
    ) -> Result<(Scope, NetworkRequest), ErrorDto> {
        let (scope, filter) = self.filter.unwrap_or_default().resolved(project)?;
        Ok((
            scope,
            NetworkRequest {
                mode: self.mode,
                tie: self.tie,
                normalisation: self.normalisation,
                filter,
            },
        ))
    }
}

/// A timeline an Analysis view asks for: statements per period, of one node or all.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimelineRequestDto {
    #[serde(default)]
    pub period: Period,
    /// An actor's or concept's node id (`actor:4`, `concept:text:…`), or none for all.
    #[serde(default)]
    pub node: Option<String>,
    /// None or null: every statement.
    #[serde(default)]
    pub filter: Option<AnalysisFilterDto>,
}

/// A node's statements an Analysis view asks for.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeStatementsRequestDto {
    /// An actor's or concept's node id.
    pub node: String,
    #[serde(default)]
    pub filter: Option<AnalysisFilterDto>,
}

/// The first of a node's statements, and how many it has.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeStatementsDto {
    pub statements: Vec<StatementDto>,
    pub total: usize,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CountDto {
    pub key: String,
    pub name: String,
    pub count: usize,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentCountDto {
    pub document_id: i64,
    pub title: String,
    pub annotations: usize,
    pub statements: usize,
}

/// The Counts view's figures; `documents` holds the most coded documents, at most
/// [`COUNTED_DOCUMENTS`] of `documents_coded`.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CountsDto {
    pub labels: Vec<CountDto>,
    pub coders: Vec<CountDto>,
    pub documents: Vec<DocumentCountDto>,
    pub documents_coded: usize,
    pub actors: Vec<CountDto>,
    pub concepts: Vec<CountDto>,
    pub documents_in_view: usize,
    pub not_coded: usize,
    pub annotations: usize,
    pub statements: usize,
}

/// The most documents the Counts view lists.
pub const COUNTED_DOCUMENTS: usize = 1000;

impl From<claimdesk_core::analysis::Counts> for CountsDto {
    fn from(c: claimdesk_core::analysis::Counts) -> CountsDto {
        let counts = |list: Vec<claimdesk_core::analysis::Count>| {
            list.into_iter()
                .map(|c| CountDto {
                    key: c.key,
                    name: c.name,
                    count: c.count,
                })
                .collect()
        };
        CountsDto {
            labels: counts(c.labels),
            coders: counts(c.coders),
            documents_coded: c.documents.len(),
            documents: c
                .documents
                .into_iter()
                .take(COUNTED_DOCUMENTS)
                .map(|d| DocumentCountDto {
                    document_id: d.document_id,
                    title: d.title,
                    annotations: d.annotations,
                    statements: d.statements,
                })
                .collect(),
            actors: counts(c.actors),
            concepts: counts(c.concepts),
            documents_in_view: c.documents_in_view,
            not_coded: c.not_coded,
            annotations: c.annotations,
            statements: c.statements,
        }
    }
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeDto {
    pub id: String,
    pub label: String,
    /// "actor" or "concept".
    pub kind: &'static str,
    pub entity_id: Option<i64>,
    pub statements: usize,
    pub degree: usize,
}

/// An edge as the view receives it: `[source, target, weight, stances, through]`, its ends as
/// indexes into the network's nodes. A picture's tens of thousands of edges are then a third of
/// the JSON they are with named fields and node ids, and read that much faster by the view.
#[derive(Clone)]
pub struct EdgeDto {
    pub source: u32,
    pub target: u32,
    pub weight: f64,
    pub stances: BTreeMap<String, usize>,
    /// Shared with the core's edges: serialised as the list of ids it is.
    pub through: claimdesk_core::analysis::Through,
}

impl Serialize for EdgeDto {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (
            self.source,
            self.target,
            self.weight,
            &self.stances,
            &self.through,
        )
            .serialize(serializer)
    }
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkDto {
    pub nodes: Vec<NodeDto>,
    /// The heaviest edges, at most [`MAX_SHOWN_EDGES`], heaviest first (ties in the network's
    /// order, by source and target).
    pub edges: Vec<EdgeDto>,
    /// Edges of the whole network (more than `edges` holds when it was cut).
    pub edges_in_all: usize,
    pub statements: usize,
}

/// The most edges a picture is sent: a dense one-mode network of a large corpus has millions,
/// more than a picture can show or a window hold. Its heaviest edges are drawn, and the analyst
/// told how many there are in all (exports carry them all).
pub const MAX_SHOWN_EDGES: usize = 100_000;

impl From<Network> for NetworkDto {
    fn from(mut n: Network) -> NetworkDto {
        let edges_in_all = n.edges.len();
        // Heaviest first, ties in the network's order (a stable sort): the picture paints the
        // heaviest while it changes, and a network too large to draw keeps those.
        n.edges.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        n.edges.truncate(MAX_SHOWN_EDGES);
        // Every edge's ends are nodes of its network.
        let index: std::collections::HashMap<String, u32> = n
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| (node.key.id.clone(), i as u32))
            .collect();
        NetworkDto {
            edges_in_all,
            nodes: n
                .nodes
                .into_iter()
                .map(|node| NodeDto {
                    id: node.key.id,
                    label: node.key.label,
                    kind: node.key.kind,
                    entity_id: node.key.entity_id,
                    statements: node.statements,
                    degree: node.degree,
                })
                .collect(),
            edges: n
                .edges
                .into_iter()
                .filter_map(|e| {
                    Some(EdgeDto {
                        source: *index.get(&*e.source)?,
                        target: *index.get(&*e.target)?,
                        weight: e.weight,
                        stances: e.stances,
                        through: e.through,
                    })
                })
                .collect(),
            statements: n.statements,
        }
    }
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketDto {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub stances: BTreeMap<String, usize>,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineDto {
    pub buckets: Vec<BucketDto>,
    pub undated: usize,
}

impl From<Timeline> for TimelineDto {
    fn from(t: Timeline) -> TimelineDto {
        TimelineDto {
            buckets: t
                .buckets
                .into_iter()
                .map(|b| BucketDto {
                    start: b.start,
                    end: b.end,
                    stances: b.stances,
                })
                .collect(),
            undated: t.undated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_too_large_to_draw_sends_its_heaviest_edges_first_and_says_how_many_in_all() {
        let extra = 10;
        let edges = (0..MAX_SHOWN_EDGES + extra)
            .map(|i| claimdesk_core::analysis::Edge {
                source: format!("actor:{i:07}").into(),
                target: "concept:1".into(),
                // Light edges at the end and, one of them, in the middle.
                weight: if i >= MAX_SHOWN_EDGES || i == 5 {
                    1.0
                } else {
                    2.0
                },
                stances: BTreeMap::new(),
                through: Default::default(),
            })
            .collect();
        let node = |id: String, kind| claimdesk_core::analysis::Node {
            key: claimdesk_core::statement::NodeKey {
                label: id.clone(),
                id,
                kind,
                entity_id: None,
            },
            statements: 1,
            degree: 1,
        };
        let nodes = (0..MAX_SHOWN_EDGES + extra)
            .map(|i| node(format!("actor:{i:07}"), "actor"))
            .chain([node("concept:1".into(), "concept")])
            .collect();
        let n = NetworkDto::from(Network {
            nodes,
            edges,
            statements: 0,
        });
        let source = |e: &EdgeDto| n.nodes[e.source as usize].id.as_str();
        assert!(n
            .edges
            .iter()
            .all(|e| n.nodes[e.target as usize].id == "concept:1"));
        assert_eq!(n.edges_in_all, MAX_SHOWN_EDGES + extra);
        assert_eq!(n.edges.len(), MAX_SHOWN_EDGES);
        assert!(n
            .edges
            .iter()
            .all(|e| e.weight == 2.0 || source(e) == "actor:0000005"));
        assert!(
            n.edges[..MAX_SHOWN_EDGES - 1]
                .windows(2)
                .all(|w| w[0].weight == 2.0 && source(&w[0]) < source(&w[1])),
            "heaviest first, ties in the network's order"
        );
        // Of the equally light ones, the first in the network's order is kept, last.
        assert_eq!(source(&n.edges[MAX_SHOWN_EDGES - 1]), "actor:0000005");
        // As the view receives it: the ends as indexes into the nodes.
        let json = serde_json::to_value(&n.edges[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!([0, MAX_SHOWN_EDGES + extra, 2.0, {}, []])
        );
    }

    #[test]
    fn a_filter_checks_its_dates_lists_and_weight() {
        let f = |json: serde_json::Value| {
            serde_json::from_value::<AnalysisFilterDto>(json)
                .unwrap()
                .checked()
        };
        let (scope, filter) = f(serde_json::json!({
            "coders": ["ana"], "dateFrom": "2025-01-01", "stances": ["support", ""], "minWeight": 2
        }))
        .unwrap();
        assert_eq!(scope.annotators, Some(vec!["ana".to_string()]));
        assert_eq!(filter.date_from, Some("2025-01-01".parse().unwrap()));
        assert_eq!(filter.min_weight, 2.0);
        for refused in [
            serde_json::json!({ "dateFrom": "2025-02-01", "dateTo": "2025-01-01" }),
            serde_json::json!({ "dateTo": "yesterday" }),
            serde_json::json!({ "minWeight": -1 }),
            serde_json::json!({ "stances": vec!["x"; 65] }),
        ] {
            assert!(f(refused.clone()).is_err(), "{refused}");
        }
    }
}
