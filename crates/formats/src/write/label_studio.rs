//! Label Studio: the corpus as Label Studio tasks with their annotations, in the shape Label
//! Studio's own JSON export has, and the labeling config those tasks need. A folder:
//!
//! - `label_config.xml`: [`labeling_config`] of the project's schema. Paste it into the
//!   project's Labeling Interface (Code), or pass it as `label_config` when creating the project
//!   through the API, before importing the tasks: Label Studio refuses results whose labels,
//!   choices or relation kinds its config does not declare.
//! - `tasks.json`: the tasks, to import with Import (or the API).
//!
//! Both are written into one staging folder and moved into place together, so a config never
//! sits beside tasks of another export.
//!
//! `tasks.json` is one JSON array, written task by task. A task per document:
//!
//! ```json
//! {"id": 1, "data": {"text": "…", "title": "…", "date": null, …},
//!  "annotations": [{"id": 1, "completed_by": null, "was_cancelled": false, "ground_truth": false,
//!                   "created_at": "…", "updated_at": "…", "result": [ … ]}],
//!  "predictions": []}
//! ```
//!
//! Every document's annotations are one Label Studio annotation (relations often link spans
//! that different analysts coded, and a Label Studio relation cannot cross annotations). Its
//! `completed_by` is null, which Label Studio's importer gives to the importing user: an id or an
//! e-mail it does not know would make it refuse the file; the analysts' names are in
//! `data.annotators`. Its `result` holds, per span (region id `a<annotation id>`):
//!
//! - the region: `{"id", "from_name": "label", "to_name": "text", "type": "labels",
//!   "value": {"start", "end", "text", "labels": [label]}}`;
//! - per-region results with the same id and span, as Label Studio writes them for
//!   `perRegion` controls: each choice attribute (stance, kind) as `choices`, a yes/no attribute
//!   as `choices` `yes`/`no`, a free-text attribute as `textarea`, the linked entity's name as
//!   `textarea` `entity` and the note as `textarea` `note`;
//!
//! then each relation as `{"type": "relation", "from_id", "to_id", "direction": "right",
//! "labels": [kind]}`.
//!
//! Offsets: Label Studio's `<Text>` tag counts `start`/`end` in Unicode code points (its editor
//! converts the browser's UTF-16 selection offsets to code points; its own tests pin this with
//! an emoji before the span, and `\r\n` counts as two characters), which is Claimdesk's unit:
//! the offsets are written as they are, end exclusive, and every span is checked in code points.
//! The labeling config keeps whitespace as it is (`white-space: pre-wrap`), so the text Label
//! Studio shows is the text the offsets count.

use std::io::{BufWriter, Write};

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use claimdesk_core::dataset::{AnnotationRecord, DocumentRecord, ProjectInfo};
use claimdesk_core::label::AttributeKind;
use claimdesk_core::Unit;

use super::check::SpanCheck;
use super::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

/// The file of the export holding the labeling config.
pub const CONFIG_FILE: &str = "label_config.xml";
/// The file of the export holding the tasks.
pub const TASKS_FILE: &str = "tasks.json";

/// The labeling config for a project with the default schema (Actor, Claim, Position with
/// their `kind` and `stance` choices): what [`labeling_config`] gives for it.
#[cfg(test)]
pub const LABELING_CONFIG: &str = r##"<View>
  <Style>.htx-text { white-space: pre-wrap; }</Style>
  <Labels name="label" toName="text">
    <Label value="Actor" background="#4e79a7" hotkey="1"/>
    <Label value="Claim" background="#f28e2b" hotkey="2"/>
    <Label value="Position" background="#59a14f" hotkey="3"/>
  </Labels>
  <Relations>
    <Relation value="said_by"/>
    <Relation value="held_by"/>
    <Relation value="about"/>
  </Relations>
  <Text name="text" value="$text"/>
  <Choices name="kind" toName="text" perRegion="true" choice="single" visibleWhen="region-selected" whenTagName="label" whenLabelValue="Actor">
    <Choice value="person"/>
    <Choice value="organisation"/>
    <Choice value="state"/>
    <Choice value="other"/>
  </Choices>
  <Choices name="stance" toName="text" perRegion="true" choice="single" visibleWhen="region-selected" whenTagName="label" whenLabelValue="Position">
    <Choice value="support"/>
    <Choice value="oppose"/>
    <Choice value="neutral"/>
  </Choices>
  <TextArea name="entity" toName="text" perRegion="true" editable="true" maxSubmissions="1" visibleWhen="region-selected"/>
  <TextArea name="note" toName="text" perRegion="true" editable="true" maxSubmissions="1" visibleWhen="region-selected"/>
</View>
"##;

/// The relation kinds Claimdesk's statements are built from, always offered in the labeling
/// config (a project's own relation types follow them).
const RELATION_KINDS: [&str; 3] = ["said_by", "held_by", "about"];

/// Control names the config itself uses; an attribute with one of these names is renamed.
const RESERVED: [&str; 4] = ["label", "text", "entity", "note"];

/// How one attribute of one label is written: the control's name and type.
struct Control {
    label: String,
    attribute: String,
    name: String,
    kind: AttributeKind,
}

/// The per-region controls of a project's schema.
struct Controls(Vec<Control>);

impl Controls {
    fn new(project: &ProjectInfo) -> Controls {
        let mut controls = Vec::new();
        for label in &project.labels {
            for attribute in &label.attributes {
                // An attribute name used by two labels gets one control per label.
                let shared = project
                    .labels
                    .iter()
                    .filter(|l| l.attributes.iter().any(|a| a.name == attribute.name))
                    .count()
                    > 1;
                let name = if shared || RESERVED.contains(&attribute.name.as_str()) {
                    format!("{}_{}", label.name, attribute.name)
                } else {
                    attribute.name.clone()
                };
                controls.push(Control {
                    label: label.name.clone(),
                    attribute: attribute.name.clone(),
                    name,
                    kind: attribute.kind.clone(),
                });
            }
        }
        Controls(controls)
    }

    fn get(&self, label: &str, attribute: &str) -> Option<&Control> {
        self.0
            .iter()
            .find(|c| c.label == label && c.attribute == attribute)
    }
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// The Label Studio labeling config for `project`'s schema: its labels with their colours and
/// hotkeys, Claimdesk's relation kinds and the project's other relation types, and a per-region
/// control for each attribute (shown when a region of that label is selected), for the entity
/// and for the note. `LABELING_CONFIG` (in the tests) is this for the default schema.
pub fn labeling_config(project: &ProjectInfo) -> String {
    let mut x = String::from("<View>\n  <Style>.htx-text { white-space: pre-wrap; }</Style>\n");
    x.push_str("  <Labels name=\"label\" toName=\"text\">\n");
    for label in &project.labels {
        x.push_str(&format!(
            "    <Label value=\"{}\" background=\"{}\"",
            escape(&label.name),
            escape(&label.colour)
        ));
        if let Some(hotkey) = &label.hotkey {
            x.push_str(&format!(" hotkey=\"{}\"", escape(hotkey)));
        }
        x.push_str("/>\n");
    }
    x.push_str("  </Labels>\n  <Relations>\n");
    let mut kinds: Vec<&str> = RELATION_KINDS.to_vec();
    for t in &project.relation_types {
        if !kinds.contains(&t.name.as_str()) {
            kinds.push(&t.name);
        }
    }
    for kind in kinds {
        x.push_str(&format!("    <Relation value=\"{}\"/>\n", escape(kind)));
    }
    x.push_str("  </Relations>\n  <Text name=\"text\" value=\"$text\"/>\n");
    for c in &Controls::new(project).0 {
        let when = format!(
            "visibleWhen=\"region-selected\" whenTagName=\"label\" whenLabelValue=\"{}\"",
            escape(&c.label)
        );
        let choices = |x: &mut String, options: &[&str]| {
            x.push_str(&format!(
                "  <Choices name=\"{}\" toName=\"text\" perRegion=\"true\" choice=\"single\" {when}>\n",
                escape(&c.name)
            ));
            for o in options {
                x.push_str(&format!("    <Choice value=\"{}\"/>\n", escape(o)));
            }
            x.push_str("  </Choices>\n");
        };
        match &c.kind {
            AttributeKind::Choice { options } => {
                let options: Vec<&str> = options.iter().map(String::as_str).collect();
                choices(&mut x, &options);
            }
            AttributeKind::Bool => choices(&mut x, &["yes", "no"]),
            AttributeKind::Text => x.push_str(&format!(
                "  <TextArea name=\"{}\" toName=\"text\" perRegion=\"true\" editable=\"true\" maxSubmissions=\"1\" {when}/>\n",
                escape(&c.name)
            )),
        }
    }
    for name in ["entity", "note"] {
        x.push_str(&format!(
            "  <TextArea name=\"{name}\" toName=\"text\" perRegion=\"true\" editable=\"true\" maxSubmissions=\"1\" visibleWhen=\"region-selected\"/>\n"
        ));
    }
    x.push_str("</View>\n");
    x
}

fn region_id(annotation_id: i64) -> String {
    format!("a{annotation_id}")
}

/// A per-region result: the region's id and span with a control's value.
fn per_region(
    a: &AnnotationRecord,
    name: &str,
    kind: &str,
    key: &str,
    value: Value,
    with_text: bool,
) -> Value {
    let mut v = Map::new();
    v.insert("start".into(), a.start.into());
    v.insert("end".into(), a.end.into());
    if with_text {
        v.insert("text".into(), a.quote.clone().into());
    }
    v.insert(key.into(), value);
    json!({
        "id": region_id(a.id),
        "from_name": name,
        "to_name": "text",
        "type": kind,
        "origin": "manual",
        "value": v,
    })
}

fn attribute_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

struct LabelStudio {
    project: ProjectInfo,
    controls: Controls,
    out: BufWriter<Box<dyn Write + Send>>,
    summary: ExportSummary,
}

pub(super) fn new(
    project: &ProjectInfo,
    _options: &ExportOptions,
    mut out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let mut config = out.create(CONFIG_FILE)?;
    config.write_all(labeling_config(project).as_bytes())?;
    config.flush()?;
    let file = out.create(TASKS_FILE)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    out.write_all(b"[")?;
    Ok(Box::new(LabelStudio {
        project: project.clone(),
        controls: Controls::new(project),
        out,
        summary: ExportSummary::default(),
    }))
}

impl LabelStudio {
    fn results(&self, doc: &DocumentRecord) -> Vec<Value> {
        let mut result = Vec::with_capacity(doc.annotations.len() + doc.relations.len());
        for a in &doc.annotations {
            result.push(json!({
                "id": region_id(a.id),
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "origin": "manual",
                "value": {"start": a.start, "end": a.end, "text": a.quote, "labels": [a.label]},
            }));
            for (attribute, value) in &a.attributes {
                let Some(c) = self.controls.get(&a.label, attribute) else {
                    // Not in the schema (any more): Label Studio has no control to show it.
                    continue;
                };
                let r = match (&c.kind, value) {
                    (_, Value::Null) => continue,
                    (AttributeKind::Bool, v) => {
                        let yes = v.as_bool().unwrap_or(false);
                        let choice = if yes { "yes" } else { "no" };
                        per_region(a, &c.name, "choices", "choices", json!([choice]), true)
                    }
                    (AttributeKind::Choice { .. }, v) => per_region(
                        a,
                        &c.name,
                        "choices",
                        "choices",
                        json!([attribute_text(v)]),
                        true,
                    ),
                    (AttributeKind::Text, v) => per_region(
                        a,
                        &c.name,
                        "textarea",
                        "text",
                        json!([attribute_text(v)]),
                        false,
                    ),
                };
                result.push(r);
            }
            if let Some(entity) = a.entity_id.and_then(|id| self.project.entity(id)) {
                result.push(per_region(
                    a,
                    "entity",
                    "textarea",
                    "text",
                    json!([entity.name]),
                    false,
                ));
            }
            if let Some(note) = a.note.as_deref().filter(|n| !n.is_empty()) {
                result.push(per_region(
                    a,
                    "note",
                    "textarea",
                    "text",
                    json!([note]),
                    false,
                ));
            }
        }
        for r in &doc.relations {
            result.push(json!({
                "type": "relation",
                "from_id": region_id(r.from_id),
                "to_id": region_id(r.to_id),
                "direction": "right",
                "labels": [r.kind],
            }));
        }
        result
    }
}

impl Exporter for LabelStudio {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let check = SpanCheck::new(doc);
        for a in &doc.annotations {
            // `value.start`/`value.end` are the annotation's own code-point offsets.
            check.text(a.id, Unit::CodePoint, a.start, a.end, &a.quote)?;
        }
        self.summary.spans_checked += doc.annotations.len();

        let mut annotators: Vec<&str> = doc
            .annotations
            .iter()
            .map(|a| a.annotator.as_str())
            .chain(doc.relations.iter().map(|r| r.annotator.as_str()))
            .collect();
        annotators.sort_unstable();
        annotators.dedup();
        let data = json!({
            "text": doc.text,
            "document_id": doc.id,
            "title": doc.title,
            "date": doc.date,
            "source": doc.source,
            "author": doc.author,
            "url": doc.url,
            "language": doc.language,
            "metadata": doc.metadata,
            "annotators": annotators,
        });
        let annotations = if doc.annotations.is_empty() && doc.relations.is_empty() {
            vec![]
        } else {
            let created: Option<DateTime<Utc>> = doc
                .annotations
                .iter()
                .map(|a| a.created_at)
                .chain(doc.relations.iter().map(|r| r.created_at))
                .min();
            let updated: Option<DateTime<Utc>> = doc
                .annotations
                .iter()
                .map(|a| a.updated_at)
                .chain(doc.relations.iter().map(|r| r.created_at))
                .max();
            vec![json!({
                "id": doc.id,
                "completed_by": null,
                "was_cancelled": false,
                "ground_truth": false,
                "created_at": created,
                "updated_at": updated,
                "result": self.results(doc),
            })]
        };
        let task = json!({
            "id": doc.id,
            "data": data,
            "annotations": annotations,
            "predictions": [],
        });
        if self.summary.documents > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"\n")?;
        serde_json::to_writer(&mut self.out, &task).map_err(std::io::Error::from)?;
        self.summary.documents += 1;
        self.summary.annotations += doc.annotations.len();
        self.summary.relations += doc.relations.len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        self.out.write_all(b"\n]\n")?;
        self.out.flush()?;
        Ok(self.summary)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::write::testdata;
    use crate::write::ExportFormat;
    use claimdesk_core::dataset::{LabelInfo, RelationTypeInfo};
    use claimdesk_core::label::AttributeDef;

    fn export_with(
        project: &ProjectInfo,
        docs: &[DocumentRecord],
    ) -> Result<(String, ExportSummary), ExportError> {
        let (out, summary) = testdata::run(
            ExportFormat::LabelStudio,
            project,
            &ExportOptions::default(),
            docs,
        )?;
        assert_eq!(out.names(), [CONFIG_FILE, TASKS_FILE]);
        let bytes = out.file(TASKS_FILE).unwrap();
        Ok((String::from_utf8(bytes).unwrap(), summary))
    }

    fn export(docs: &[DocumentRecord]) -> Vec<Value> {
        let (text, _) = export_with(&testdata::project(), docs).unwrap();
        match serde_json::from_str(&text).unwrap() {
            Value::Array(tasks) => tasks,
            other => panic!("not an array: {other}"),
        }
    }

    fn results(task: &Value) -> &Vec<Value> {
        task["annotations"][0]["result"].as_array().unwrap()
    }

    fn slice(text: &str, start: &Value, end: &Value) -> String {
        let (start, end) = (start.as_u64().unwrap(), end.as_u64().unwrap());
        text.chars()
            .skip(start as usize)
            .take((end - start) as usize)
            .collect()
    }

    #[test]
    fn a_flag_span_is_this_task_exactly() {
        let mut d = testdata::doc("a🇺🇦b", &[(1, 3, "🇺🇦")]);
        d.annotations[0].attributes = json!({"kind": "state"}).as_object().cloned().unwrap();
        d.annotations[0].entity_id = Some(4);
        let tasks = export(&[d]);
        assert_eq!(
            tasks,
            [json!({
                "id": 7,
                "data": {
                    "text": "a🇺🇦b",
                    "document_id": 7,
                    "title": "t",
                    "date": null,
                    "source": null,
                    "author": null,
                    "url": null,
                    "language": null,
                    "metadata": {},
                    "annotators": ["ana"],
                },
                "annotations": [{
                    "id": 7,
                    "completed_by": null,
                    "was_cancelled": false,
                    "ground_truth": false,
                    "created_at": "2025-02-18T12:00:00Z",
                    "updated_at": "2025-02-18T12:00:00Z",
                    "result": [
                        {
                            "id": "a1", "from_name": "label", "to_name": "text",
                            "type": "labels", "origin": "manual",
                            "value": {"start": 1, "end": 3, "text": "🇺🇦", "labels": ["Actor"]},
                        },
                        {
                            "id": "a1", "from_name": "kind", "to_name": "text",
                            "type": "choices", "origin": "manual",
                            "value": {"start": 1, "end": 3, "text": "🇺🇦", "choices": ["state"]},
                        },
                        {
                            "id": "a1", "from_name": "entity", "to_name": "text",
                            "type": "textarea", "origin": "manual",
                            "value": {"start": 1, "end": 3, "text": ["Volodymyr Zelensky"]},
                        },
                    ],
                }],
                "predictions": [],
            })]
        );
    }

    #[test]
    fn the_file_is_one_json_array_with_a_task_per_line() {
        let (text, summary) = export_with(&testdata::project(), &testdata::documents()).unwrap();
        assert!(
            text.starts_with("[\n{\"") && text.ends_with("}\n]\n"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 5);
        assert_eq!(summary.documents, 3);
        assert_eq!(summary.annotations, 14);
        assert_eq!(summary.relations, 9);
        assert_eq!(summary.spans_checked, 14);
        let (empty, _) = export_with(&testdata::project(), &[]).unwrap();
        assert_eq!(empty, "[\n]\n");
        assert_eq!(serde_json::from_str::<Value>(&empty).unwrap(), json!([]));
    }

    #[test]
    fn every_region_gives_back_its_text_when_sliced_by_code_points() {
        let tasks = export(&testdata::documents());
        let mut regions = Vec::new();
        for task in &tasks[..2] {
            let text = task["data"]["text"].as_str().unwrap();
            for r in results(task) {
                if r["type"] == "relation" {
                    continue;
                }
                let v = &r["value"];
                if r["type"] != "textarea" {
                    assert_eq!(slice(text, &v["start"], &v["end"]), v["text"], "{r}");
                }
                if r["type"] == "labels" {
                    regions.push(r["id"].as_str().unwrap().to_string());
                }
            }
        }
        // All 14 spans, overlapping and nested ones included, each once.
        let mut expected: Vec<String> = (1..=14).map(|i| format!("a{i}")).collect();
        expected.sort();
        regions.sort();
        assert_eq!(regions, expected);
        // The ZWJ family inside the claim, the claim across CRLF, Arabic after Hebrew.
        let quotes: Vec<&Value> = results(&tasks[0])
            .iter()
            .filter(|r| r["type"] == "labels")
            .map(|r| &r["value"]["text"])
            .collect();
        assert!(quotes.contains(&&json!("A ceasefire 👩‍👩‍👧 is possible.")));
        assert!(quotes.contains(&&json!("it; café vs cafe\u{301}.\r\nהשלום")));
        assert!(quotes.contains(&&json!("الوزير")));
        // No annotations, no annotation.
        assert_eq!(tasks[2]["annotations"], json!([]));
    }

    #[test]
    fn attributes_are_per_region_results_on_the_same_region() {
        let tasks = export(&testdata::documents());
        let stance: Vec<&Value> = results(&tasks[0])
            .iter()
            .filter(|r| r["from_name"] == "stance")
            .collect();
        assert_eq!(stance.len(), 2);
        let rejected = stance.iter().find(|r| r["id"] == "a3").unwrap();
        assert_eq!(rejected["type"], "choices");
        assert_eq!(rejected["value"]["choices"], json!(["oppose"]));
        let region = results(&tasks[0])
            .iter()
            .find(|r| r["id"] == "a3" && r["type"] == "labels")
            .unwrap();
        assert_eq!(rejected["value"]["start"], region["value"]["start"]);
        assert_eq!(rejected["value"]["end"], region["value"]["end"]);
        let putin = results(&tasks[0])
            .iter()
            .find(|r| r["id"] == "a5" && r["from_name"] == "entity")
            .unwrap();
        assert_eq!(putin["value"]["text"], json!(["Vladimir Putin"]));
    }

    #[test]
    fn relations_link_region_ids_to_the_right() {
        let tasks = export(&testdata::documents());
        let relations: Vec<&Value> = results(&tasks[1])
            .iter()
            .filter(|r| r["type"] == "relation")
            .collect();
        assert_eq!(
            relations[0],
            &json!({"type": "relation", "from_id": "a13", "to_id": "a12", "direction": "right", "labels": ["said_by"]})
        );
        assert_eq!(relations.len(), 3);
        let ids: Vec<&Value> = results(&tasks[0])
            .iter()
            .filter(|r| r["type"] != "relation")
            .map(|r| &r["id"])
            .collect();
        for r in results(&tasks[0])
            .iter()
            .filter(|r| r["type"] == "relation")
        {
            assert!(ids.contains(&&r["from_id"]) && ids.contains(&&r["to_id"]));
        }
    }

    #[test]
    fn the_default_schema_gives_the_labeling_config_constant() {
        assert_eq!(labeling_config(&testdata::project()), LABELING_CONFIG);
    }

    #[test]
    fn the_labeling_config_of_the_project_is_written_beside_the_tasks() {
        let mut project = testdata::project();
        project.relation_types.push(RelationTypeInfo {
            name: "quotes".into(),
            from_labels: vec![],
            to_labels: vec![],
        });
        let options = ExportOptions::default();
        let (out, _) = testdata::run(ExportFormat::LabelStudio, &project, &options, &[]).unwrap();
        let config = testdata::text(&out, CONFIG_FILE);
        assert_eq!(config, labeling_config(&project));
        // A relation kind of the project's own is offered, after Claimdesk's three.
        assert!(
            config.contains("<Relation value=\"about\"/>\n    <Relation value=\"quotes\"/>\n"),
            "{config}"
        );
        assert_eq!(out.file(TASKS_FILE).unwrap(), b"[\n]\n");
    }

    #[test]
    fn attributes_shared_by_labels_get_a_control_each_and_other_kinds_their_own_tags() {
        let mut project = testdata::project();
        project.labels.push(LabelInfo {
            name: "Source <org>".into(),
            colour: "#000000".into(),
            hotkey: None,
            attributes: vec![
                AttributeDef {
                    name: "kind".into(),
                    kind: AttributeKind::Choice {
                        options: vec!["wire".into()],
                    },
                },
                AttributeDef {
                    name: "note".into(),
                    kind: AttributeKind::Text,
                },
                AttributeDef {
                    name: "anonymous".into(),
                    kind: AttributeKind::Bool,
                },
            ],
        });
        let config = labeling_config(&project);
        assert!(config.contains("<Label value=\"Source &lt;org&gt;\" background=\"#000000\"/>"));
        assert!(config.contains("<Choices name=\"Actor_kind\""));
        assert!(config.contains("<Choices name=\"Source &lt;org&gt;_kind\""));
        assert!(config.contains("<TextArea name=\"Source &lt;org&gt;_note\""));
        assert!(config.contains("<Choices name=\"anonymous\""));

        let mut d = testdata::doc("Reuters said", &[(0, 7, "Reuters")]);
        d.annotations[0].label = "Source <org>".into();
        d.annotations[0].attributes = json!({"kind": "wire", "note": "agency", "anonymous": false})
            .as_object()
            .cloned()
            .unwrap();
        let (text, _) = export_with(&project, &[d]).unwrap();
        let tasks: Value = serde_json::from_str(&text).unwrap();
        let by_name = |name: &str| {
            results(&tasks[0])
                .iter()
                .find(|r| r["from_name"] == name)
                .cloned()
                .unwrap_or_else(|| panic!("no {name} result"))
        };
        assert_eq!(
            by_name("Source <org>_kind")["value"]["choices"],
            json!(["wire"])
        );
        assert_eq!(by_name("Source <org>_note")["type"], "textarea");
        assert_eq!(
            by_name("Source <org>_note")["value"]["text"],
            json!(["agency"])
        );
        assert_eq!(by_name("anonymous")["value"]["choices"], json!(["no"]));
    }

    #[test]
    fn a_quote_that_does_not_match_its_offsets_stops_the_export() {
        let mut docs = testdata::documents();
        let zelensky = docs[0].annotations.iter_mut().find(|a| a.id == 1).unwrap();
        zelensky.quote = "Zelenskyy".into();
        let error = export_with(&testdata::project(), &docs).unwrap_err();
        assert!(
            matches!(
                error,
                ExportError::SelfCheck {
                    document_id: 1,
                    annotation_id: 1,
                    unit: Unit::CodePoint,
                    ..
                }
            ),
            "{error}"
        );
    }
}
