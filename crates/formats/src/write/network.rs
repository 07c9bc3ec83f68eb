//! Discourse networks, as Discourse Network Analyzer exports them, in three notations.
//!
//! Each export is a folder with two networks: `actor-concept` (two-mode: actors and concepts,
//! one edge per actor, concept and stance, weighted by the number of statements) and
//! `actor-actor` (one-mode: `congruence` = concepts both actors code with the same stance,
//! `conflict` = concepts one supports and the other opposes; `weight` = congruence + conflict,
//! the concepts that tie the two, agreeing or not). GraphML and
//! GEXF carry node attributes `label`, `kind` (actor/concept) and `entity_id`; the CSV variant
//! writes `nodes.csv`, edge lists and matrices.
//!
//! Node ids: GraphML ids must be XML name tokens (`xs:NMTOKEN`: no spaces, no apostrophes), and
//! a node over text is named by its text, so GraphML nodes are `n0`, `n1`, … in the order of
//! [`Networks::nodes`] (actors first), the same id for an actor in both files; who a node is
//! lives in its `label`, `kind` and `entity_id`. GEXF ids may be any string (`xs:string` or
//! integer in its schema) and CSV has no id grammar, so these keep the readable keys
//! (`actor:4`, `concept:text:…`), the same in `nodes.csv`, the edge lists and the matrices. The networks are computed in the core
//! ([`claimdesk_core::network`]); the scope of the export (dates, labels, annotators) decides which
//! statements go in.
//!
//! Only node keys and counts are kept until the end, never the texts.
//!
//! **One network as a view shows it** ([`ExportOptions::network`]): the kind, tie,
//! normalisation and filter of an Analysis view, computed by [`claimdesk_core::analysis`] and
//! written as `network.graphml`, `network.gexf`, or `network-nodes.csv` and
//! `network-edges.csv`. Nodes carry `key` (the readable id), `label`, `kind`, `entity_id`,
//! `statements` and `degree`; edges `weight` (a double: normalised one-mode weights are
//! fractions), `stances` (two-mode: `support:2|oppose:1`) and `through` (one-mode: the
//! other-mode node keys that tie the two, `|`-separated). These keep the statements of the
//! scope until the end (node keys, dates and stances; no texts).

use std::collections::HashMap;
use std::io::{BufWriter, Write};

use claimdesk_core::analysis::{self, Mode, NetworkRequest};
use claimdesk_core::dataset::{DocumentRecord, ProjectInfo};
use claimdesk_core::network::Networks;
use claimdesk_core::statement::{statements, NodeKey, Statement};
use claimdesk_core::Unit;

use super::check::SpanCheck;
use super::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

#[derive(Clone, Copy, PartialEq)]
enum Notation {
    Graphml,
    Gexf,
    Csv,
}

struct NetworkExport {
    notation: Notation,
    project: ProjectInfo,
    out: Box<dyn Output>,
    networks: Networks,
    /// One network as a view shows it, and the statements it is computed from.
    shown: Option<(NetworkRequest, Vec<Statement>)>,
    summary: ExportSummary,
}

fn start(
    notation: Notation,
    project: &ProjectInfo,
    options: &ExportOptions,
    out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    Ok(Box::new(NetworkExport {
        notation,
        project: project.clone(),
        out,
        networks: Networks::default(),
        shown: options.network.clone().map(|r| (r, Vec::new())),
        summary: ExportSummary::default(),
    }))
}

pub(super) fn new_graphml(
    project: &ProjectInfo,
    options: &ExportOptions,
    out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    start(Notation::Graphml, project, options, out)
}

pub(super) fn new_gexf(
    project: &ProjectInfo,
    options: &ExportOptions,
    out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    start(Notation::Gexf, project, options, out)
}

pub(super) fn new_csv(
    project: &ProjectInfo,
    options: &ExportOptions,
    out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    start(Notation::Csv, project, options, out)
}

impl Exporter for NetworkExport {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let check = SpanCheck::new(doc);
        let statements = statements(doc, &self.project);
        for s in &statements {
            // The statements' mentions are what the network stands on: check them like spans.
            for id in [s.actor_annotation_id, s.claim_annotation_id] {
                if let Some(a) = doc.annotation(id) {
                    check.span(a.id, Unit::CodePoint, a.start, a.end)?;
                    self.summary.spans_checked += 1;
                }
            }
            match &mut self.shown {
                Some((_, kept)) => kept.push(s.clone()),
                None => self.networks.add(s),
            }
        }
        self.summary.documents += 1;
        self.summary.annotations += doc.annotations.len();
        self.summary.relations += doc.relations.len();
        self.summary.statements += statements.len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        if let Some((request, kept)) = self.shown.take() {
            let network = analysis::network(&kept, &request);
            match self.notation {
                Notation::Graphml => {
                    graphml_shown(&network, &request, self.out.create("network.graphml")?)?
                }
                Notation::Gexf => gexf_shown(&network, &request, self.out.create("network.gexf")?)?,
                Notation::Csv => csv_shown(&network, self.out.as_mut())?,
            }
            return Ok(self.summary);
        }
        match self.notation {
            Notation::Graphml => {
                let ids = GraphmlIds::new(&self.networks);
                let f = self.out.create("actor-concept.graphml")?;
                graphml_two_mode(&self.networks, &ids, f)?;
                let f = self.out.create("actor-actor.graphml")?;
                graphml_one_mode(&self.networks, &ids, f)?;
            }
            Notation::Gexf => {
                let f = self.out.create("actor-concept.gexf")?;
                gexf_two_mode(&self.networks, f)?;
                let f = self.out.create("actor-actor.gexf")?;
                gexf_one_mode(&self.networks, f)?;
            }
            Notation::Csv => csv_files(&self.networks, self.out.as_mut())?,
        }
        Ok(self.summary)
    }
}

/// XML text for attribute values and content. Line breaks and tabs are written as character
/// references so parsers do not normalise them; characters XML 1.0 cannot hold become U+FFFD.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn entity(n: &NodeKey) -> String {
    n.entity_id.map(|id| id.to_string()).unwrap_or_default()
}

fn graphml_header(w: &mut impl Write, keys: &[(&str, &str, &str, &str)]) -> std::io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    for (id, domain, name, kind) in keys {
        writeln!(
            w,
            r#"  <key id="{id}" for="{domain}" attr.name="{name}" attr.type="{kind}"/>"#
        )?;
    }
    Ok(())
}

/// GraphML node ids (`n0`, `n1`, …) by node key: plain name tokens whatever the text, one
/// numbering for both networks so an actor has one id in both files.
struct GraphmlIds(HashMap<String, String>);

impl GraphmlIds {
    fn new(n: &Networks) -> GraphmlIds {
        GraphmlIds(
            n.nodes()
                .iter()
                .enumerate()
                .map(|(i, node)| (node.id.clone(), format!("n{i}")))
                .collect(),
        )
    }

    fn of(&self, node: &NodeKey) -> std::io::Result<&str> {
        self.0.get(&node.id).map(String::as_str).ok_or_else(|| {
            std::io::Error::other(format!("network node {:?} has no GraphML id", node.id))
        })
    }
}

fn graphml_nodes<'n>(
    w: &mut impl Write,
    ids: &GraphmlIds,
    nodes: impl IntoIterator<Item = &'n NodeKey>,
) -> std::io::Result<()> {
    for n in nodes {
        writeln!(
            w,
            r#"    <node id="{}"><data key="label">{}</data><data key="kind">{}</data><data key="entity_id">{}</data></node>"#,
            ids.of(n)?,
            xml(&n.label),
            n.kind,
            entity(n)
        )?;
    }
    Ok(())
}

const NODE_KEYS: [(&str, &str, &str, &str); 3] = [
    ("label", "node", "label", "string"),
    ("kind", "node", "kind", "string"),
    ("entity_id", "node", "entity_id", "string"),
];

fn graphml_two_mode(
    n: &Networks,
    ids: &GraphmlIds,
    file: Box<dyn Write + Send>,
) -> std::io::Result<()> {
    let mut w = BufWriter::new(file);
    let mut keys = NODE_KEYS.to_vec();
    keys.push(("stance", "edge", "stance", "string"));
    keys.push(("weight", "edge", "weight", "double"));
    graphml_header(&mut w, &keys)?;
    writeln!(w, r#"  <graph id="actor-concept" edgedefault="directed">"#)?;
    graphml_nodes(&mut w, ids, n.nodes())?;
    for (i, e) in n.concept_edges().iter().enumerate() {
        writeln!(
            w,
            r#"    <edge id="e{i}" source="{}" target="{}"><data key="stance">{}</data><data key="weight">{}</data></edge>"#,
            ids.of(e.actor)?,
            ids.of(e.concept)?,
            xml(e.stance),
            e.weight
        )?;
    }
    writeln!(w, "  </graph>\n</graphml>")?;
    w.flush()
}

fn graphml_one_mode(
    n: &Networks,
    ids: &GraphmlIds,
    file: Box<dyn Write + Send>,
) -> std::io::Result<()> {
    let mut w = BufWriter::new(file);
    let mut keys = NODE_KEYS.to_vec();
    keys.push(("congruence", "edge", "congruence", "double"));
    keys.push(("conflict", "edge", "conflict", "double"));
    keys.push(("weight", "edge", "weight", "double"));
    graphml_header(&mut w, &keys)?;
    writeln!(w, r#"  <graph id="actor-actor" edgedefault="undirected">"#)?;
    graphml_nodes(&mut w, ids, n.actors())?;
    for (i, e) in n.actor_edges().iter().enumerate() {
        writeln!(
            w,
            r#"    <edge id="e{i}" source="{}" target="{}"><data key="congruence">{}</data><data key="conflict">{}</data><data key="weight">{}</data></edge>"#,
            ids.of(e.source)?,
            ids.of(e.target)?,
            e.congruence,
            e.conflict,
            e.congruence + e.conflict
        )?;
    }
    writeln!(w, "  </graph>\n</graphml>")?;
    w.flush()
}

fn gexf_open(
    w: &mut impl Write,
    edge_type: &str,
    edge_attributes: &[(&str, &str)],
) -> std::io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">"#
    )?;
    writeln!(w, r#"  <meta><creator>Claimdesk</creator></meta>"#)?;
    writeln!(
        w,
        r#"  <graph mode="static" defaultedgetype="{edge_type}">"#
    )?;
    writeln!(w, r#"    <attributes class="node">"#)?;
    writeln!(
        w,
        r#"      <attribute id="kind" title="kind" type="string"/>"#
    )?;
    writeln!(
        w,
        r#"      <attribute id="entity_id" title="entity_id" type="string"/>"#
    )?;
    writeln!(w, r#"    </attributes>"#)?;
    writeln!(w, r#"    <attributes class="edge">"#)?;
    for (id, kind) in edge_attributes {
        writeln!(
            w,
            r#"      <attribute id="{id}" title="{id}" type="{kind}"/>"#
        )?;
    }
    writeln!(w, r#"    </attributes>"#)
}

fn gexf_nodes<'n>(
    w: &mut impl Write,
    nodes: impl IntoIterator<Item = &'n NodeKey>,
) -> std::io::Result<()> {
    writeln!(w, "    <nodes>")?;
    for n in nodes {
        writeln!(
            w,
            r#"      <node id="{}" label="{}"><attvalues><attvalue for="kind" value="{}"/><attvalue for="entity_id" value="{}"/></attvalues></node>"#,
            xml(&n.id),
            xml(&n.label),
            n.kind,
            entity(n)
        )?;
    }
    writeln!(w, "    </nodes>")
}

fn gexf_two_mode(n: &Networks, file: Box<dyn Write + Send>) -> std::io::Result<()> {
    let mut w = BufWriter::new(file);
    gexf_open(&mut w, "directed", &[("stance", "string")])?;
    gexf_nodes(&mut w, n.nodes())?;
    writeln!(w, "    <edges>")?;
    for (i, e) in n.concept_edges().iter().enumerate() {
        writeln!(
            w,
            r#"      <edge id="{i}" source="{}" target="{}" weight="{}"><attvalues><attvalue for="stance" value="{}"/></attvalues></edge>"#,
            xml(&e.actor.id),
            xml(&e.concept.id),
            e.weight,
            xml(e.stance)
        )?;
    }
    writeln!(w, "    </edges>\n  </graph>\n</gexf>")?;
    w.flush()
}

fn gexf_one_mode(n: &Networks, file: Box<dyn Write + Send>) -> std::io::Result<()> {
    let mut w = BufWriter::new(file);
    gexf_open(
        &mut w,
        "undirected",
        &[("congruence", "integer"), ("conflict", "integer")],
    )?;
    gexf_nodes(&mut w, n.actors())?;
    writeln!(w, "    <edges>")?;
    for (i, e) in n.actor_edges().iter().enumerate() {
        writeln!(
            w,
            r#"      <edge id="{i}" source="{}" target="{}" weight="{}"><attvalues><attvalue for="congruence" value="{}"/><attvalue for="conflict" value="{}"/></attvalues></edge>"#,
            xml(&e.source.id),
            xml(&e.target.id),
            e.congruence + e.conflict,
            e.congruence,
            e.conflict
        )?;
    }
    writeln!(w, "    </edges>\n  </graph>\n</gexf>")?;
    w.flush()
}

/// A two-mode edge's statements per stance, `support:2|oppose:1` (`unknown` for none).
fn stance_counts(e: &analysis::Edge) -> String {
    e.stances
        .iter()
        .map(|(stance, n)| {
            let stance = if stance.is_empty() { "unknown" } else { stance };
            format!("{stance}:{n}")
        })
        .collect::<Vec<_>>()
        .join("|")
}

const SHOWN_KEYS: [(&str, &str, &str, &str); 9] = [
    ("key", "node", "key", "string"),
    ("label", "node", "label", "string"),
    ("kind", "node", "kind", "string"),
    ("entity_id", "node", "entity_id", "string"),
    ("statements", "node", "statements", "int"),
    ("degree", "node", "degree", "int"),
    ("weight", "edge", "weight", "double"),
    ("stances", "edge", "stances", "string"),
    ("through", "edge", "through", "string"),
];

fn graphml_shown(
    n: &analysis::Network,
    request: &NetworkRequest,
    file: Box<dyn Write + Send>,
) -> std::io::Result<()> {
    let mut w = BufWriter::new(file);
    graphml_header(&mut w, &SHOWN_KEYS)?;
    let directed = request.mode == Mode::ActorConcept;
    writeln!(
        w,
        r#"  <graph id="network" edgedefault="{}">"#,
        if directed { "directed" } else { "undirected" }
    )?;
    let ids: HashMap<&str, String> = n
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| (node.key.id.as_str(), format!("n{i}")))
        .collect();
    for (node, i) in n.nodes.iter().zip(0..) {
        writeln!(
            w,
            r#"    <node id="n{i}"><data key="key">{}</data><data key="label">{}</data><data key="kind">{}</data><data key="entity_id">{}</data><data key="statements">{}</data><data key="degree">{}</data></node>"#,
            xml(&node.key.id),
            xml(&node.key.label),
            node.key.kind,
            entity(&node.key),
            node.statements,
            node.degree
        )?;
    }
    let id = |key: &str| {
        ids.get(key)
            .map(String::as_str)
            .ok_or_else(|| std::io::Error::other(format!("network node {key:?} has no GraphML id")))
    };
    for (e, i) in n.edges.iter().zip(0..) {
        writeln!(
            w,
            r#"    <edge id="e{i}" source="{}" target="{}"><data key="weight">{}</data><data key="stances">{}</data><data key="through">{}</data></edge>"#,
            id(&e.source)?,
            id(&e.target)?,
            e.weight,
            xml(&stance_counts(e)),
            xml(&e.through.join("|"))
        )?;
    }
    writeln!(w, "  </graph>\n</graphml>")?;
    w.flush()
}

fn gexf_shown(
    n: &analysis::Network,
    request: &NetworkRequest,
    file: Box<dyn Write + Send>,
) -> std::io::Result<()> {
    let mut w = BufWriter::new(file);
    let directed = request.mode == Mode::ActorConcept;
    gexf_open(
        &mut w,
        if directed { "directed" } else { "undirected" },
        &[("stances", "string"), ("through", "string")],
    )?;
    writeln!(w, "    <nodes>")?;
    for node in &n.nodes {
        writeln!(
            w,
            r#"      <node id="{}" label="{}"><attvalues><attvalue for="kind" value="{}"/><attvalue for="entity_id" value="{}"/></attvalues></node>"#,
            xml(&node.key.id),
            xml(&node.key.label),
            node.key.kind,
            entity(&node.key)
        )?;
    }
    writeln!(w, "    </nodes>\n    <edges>")?;
    for (e, i) in n.edges.iter().zip(0..) {
        writeln!(
            w,
            r#"      <edge id="{i}" source="{}" target="{}" weight="{}"><attvalues><attvalue for="stances" value="{}"/><attvalue for="through" value="{}"/></attvalues></edge>"#,
            xml(&e.source),
            xml(&e.target),
            e.weight,
            xml(&stance_counts(e)),
            xml(&e.through.join("|"))
        )?;
    }
    writeln!(w, "    </edges>\n  </graph>\n</gexf>")?;
    w.flush()
}

fn csv_shown(n: &analysis::Network, out: &mut dyn Output) -> Result<(), ExportError> {
    let mut nodes = csv_writer(out, "network-nodes.csv")?;
    nodes
        .write_record(["id", "label", "kind", "entity_id", "statements", "degree"])
        .map_err(csv_error)?;
    for node in &n.nodes {
        nodes
            .write_record([
                node.key.id.as_str(),
                &node.key.label,
                node.key.kind,
                &entity(&node.key),
                &node.statements.to_string(),
                &node.degree.to_string(),
            ])
            .map_err(csv_error)?;
    }
    nodes.flush()?;
    let mut edges = csv_writer(out, "network-edges.csv")?;
    edges
        .write_record(["source", "target", "weight", "stances", "through"])
        .map_err(csv_error)?;
    for e in &n.edges {
        edges
            .write_record([
                &*e.source,
                &e.target,
                &e.weight.to_string(),
                &stance_counts(e),
                &e.through.join("|"),
            ])
            .map_err(csv_error)?;
    }
    edges.flush()?;
    Ok(())
}

fn csv_writer(
    out: &mut dyn Output,
    name: &str,
) -> Result<csv::Writer<Box<dyn Write + Send>>, ExportError> {
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out.create(name)?))
}

fn csv_error(e: csv::Error) -> ExportError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => ExportError::Io(e),
        other => ExportError::Invalid(format!("{other:?}")),
    }
}

fn csv_files(n: &Networks, out: &mut dyn Output) -> Result<(), ExportError> {
    let mut nodes = csv_writer(out, "nodes.csv")?;
    nodes
        .write_record(["id", "label", "kind", "entity_id"])
        .map_err(csv_error)?;
    for node in n.nodes() {
        nodes
            .write_record([node.id.as_str(), &node.label, node.kind, &entity(node)])
            .map_err(csv_error)?;
    }
    nodes.flush()?;

    let concept_edges = n.concept_edges();
    let mut edges = csv_writer(out, "actor-concept-edges.csv")?;
    edges
        .write_record(["source", "target", "stance", "weight"])
        .map_err(csv_error)?;
    for e in &concept_edges {
        edges
            .write_record([&e.actor.id, &e.concept.id, e.stance, &e.weight.to_string()])
            .map_err(csv_error)?;
    }
    edges.flush()?;

    let actor_edges = n.actor_edges();
    let mut edges = csv_writer(out, "actor-actor-edges.csv")?;
    edges
        .write_record(["source", "target", "congruence", "conflict"])
        .map_err(csv_error)?;
    for e in &actor_edges {
        edges
            .write_record([
                e.source.id.as_str(),
                &e.target.id,
                &e.congruence.to_string(),
                &e.conflict.to_string(),
            ])
            .map_err(csv_error)?;
    }
    edges.flush()?;

    // Matrices: rows and columns by node id, a leading column with the row's id.
    let actors = n.actors();
    let concepts = n.concepts();
    let position = |nodes: &[&NodeKey], id: &str| nodes.iter().position(|n| n.id == id);
    let mut two_mode = vec![vec![0usize; concepts.len()]; actors.len()];
    for e in &concept_edges {
        if let (Some(r), Some(c)) = (
            position(&actors, &e.actor.id),
            position(&concepts, &e.concept.id),
        ) {
            two_mode[r][c] += e.weight;
        }
    }
    matrix(
        out,
        "actor-concept-matrix.csv",
        &actors,
        &concepts,
        &two_mode,
    )?;
    let mut congruence = vec![vec![0usize; actors.len()]; actors.len()];
    let mut conflict = congruence.clone();
    for e in &actor_edges {
        if let (Some(a), Some(b)) = (
            position(&actors, &e.source.id),
            position(&actors, &e.target.id),
        ) {
            congruence[a][b] = e.congruence;
            congruence[b][a] = e.congruence;
            conflict[a][b] = e.conflict;
            conflict[b][a] = e.conflict;
        }
    }
    matrix(
        out,
        "actor-actor-congruence-matrix.csv",
        &actors,
        &actors,
        &congruence,
    )?;
    matrix(
        out,
        "actor-actor-conflict-matrix.csv",
        &actors,
        &actors,
        &conflict,
    )?;
    Ok(())
}

fn matrix(
    out: &mut dyn Output,
    name: &str,
    rows: &[&NodeKey],
    columns: &[&NodeKey],
    cells: &[Vec<usize>],
) -> Result<(), ExportError> {
    let mut w = csv_writer(out, name)?;
    let mut header = vec![String::new()];
    header.extend(columns.iter().map(|c| c.id.clone()));
    w.write_record(&header).map_err(csv_error)?;
    for (row, values) in rows.iter().zip(cells) {
        let mut record = vec![row.id.clone()];
        record.extend(values.iter().map(usize::to_string));
        w.write_record(&record).map_err(csv_error)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::testdata::{self, text};
    use crate::write::{ExportFormat, MemoryOutput};

    fn export(format: ExportFormat) -> MemoryOutput {
        let (project, docs) = (testdata::project(), testdata::documents());
        let (out, summary) =
            testdata::run(format, &project, &ExportOptions::default(), &docs).unwrap();
        assert_eq!(summary.statements, 4);
        out
    }

    #[test]
    fn putin_and_zelensky_conflict_over_the_ceasefire() {
        let out = export(ExportFormat::NetworkCsv);
        assert_eq!(
            text(&out, "actor-actor-edges.csv"),
            "source,target,congruence,conflict\r\nactor:1,actor:4,0,1\r\n"
        );
        let conflict = text(&out, "actor-actor-conflict-matrix.csv");
        assert!(
            conflict
                .starts_with(",actor:1,actor:2,actor:4,actor:text:الوزير\r\nactor:1,0,0,1,0\r\n"),
            "{conflict}"
        );
    }

    #[test]
    fn the_two_mode_network_has_one_edge_per_actor_concept_and_stance() {
        let out = export(ExportFormat::NetworkCsv);
        let edges = text(&out, "actor-concept-edges.csv");
        assert!(edges.contains("actor:1,concept:3,oppose,1\r\n"));
        assert!(edges.contains("actor:4,concept:3,support,1\r\n"));
        assert!(edges.contains("actor:text:الوزير,concept:text:השלום קרוב,,1\r\n"));
        assert_eq!(edges.lines().count(), 5);
    }

    /// The values of `attribute="…"` in `xml`, unescaped only as far as these tests need.
    fn values<'x>(xml: &'x str, attribute: &str) -> Vec<&'x str> {
        let needle = format!(" {attribute}=\"");
        xml.match_indices(&needle)
            .map(|(at, _)| {
                let rest = &xml[at + needle.len()..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect()
    }

    /// An XML name token, as GraphML's schema types node, edge and graph ids (`xs:NMTOKEN`).
    /// ASCII only is stricter than XML, and is what the ids are meant to be.
    fn is_name_token(s: &str) -> bool {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
    }

    #[test]
    fn graphml_ids_are_name_tokens_and_names_stay_in_labels() {
        let out = export(ExportFormat::Graphml);
        let two = text(&out, "actor-concept.graphml");
        let one = text(&out, "actor-actor.graphml");
        for g in [&two, &one] {
            let nodes: Vec<&str> = g
                .split("<node id=\"")
                .skip(1)
                .map(|rest| &rest[..rest.find('"').unwrap()])
                .collect();
            assert!(!nodes.is_empty());
            for attribute in ["id", "source", "target"] {
                for id in values(g, attribute) {
                    assert!(is_name_token(id), "{attribute}={id:?} is no NMTOKEN");
                }
            }
            for end in values(g, "source").into_iter().chain(values(g, "target")) {
                assert!(nodes.contains(&end), "edge end {end} names no node");
            }
        }
        // A concept over text with a space, and an actor in Arabic, keep their names as labels.
        assert!(
            two.contains(r#"<data key="label">השלום קרוב</data>"#),
            "{two}"
        );
        assert!(two.contains(r#"<data key="label">الوزير</data>"#), "{two}");
        // One numbering for both files: Putin is the same node in each.
        let putin = r#"<node id="n0"><data key="label">Vladimir Putin</data>"#;
        assert!(two.contains(putin) && one.contains(putin), "{two}\n{one}");
        assert!(
            one.contains(r#"<edge id="e0" source="n0" target="n2">"#),
            "{one}"
        );
    }

    #[test]
    fn graphml_and_gexf_name_nodes_by_entity() {
        let g = text(&export(ExportFormat::Graphml), "actor-concept.graphml");
        assert!(g.contains(
            r#"<node id="n0"><data key="label">Vladimir Putin</data><data key="kind">actor</data><data key="entity_id">1</data>"#
        ));
        assert!(g.contains(r#"edgedefault="directed""#));
        let x = text(&export(ExportFormat::Gexf), "actor-actor.gexf");
        assert!(
            x.contains(r#"<edge id="0" source="actor:1" target="actor:4" weight="1">"#),
            "{x}"
        );
    }

    #[test]
    fn line_breaks_and_markup_in_labels_are_escaped() {
        assert_eq!(
            xml("a<b>\r\n\"c\"\u{1}"),
            "a&lt;b&gt;&#13;&#10;&quot;c&quot;\u{fffd}"
        );
    }
}
