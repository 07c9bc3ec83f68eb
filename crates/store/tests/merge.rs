//! Merging one project file into another: real project files in a temporary folder, as two
//! coders' projects are made and merged.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use claimdesk_core::dataset::EntityKind;
use claimdesk_core::label::NewLabel;
use claimdesk_core::{AnnotationEdit, AttributeDef, AttributeKind, NewDocument, Span};
use claimdesk_store::{ImportOutcome, MergeConflict, MergeReport, Project, SCHEMA_VERSION};
use rusqlite::Connection;

/// The article both coders imported: flags, a family emoji (ZWJ), combining marks, CRLF line
/// breaks, Arabic and Hebrew (right to left).
const SHARED: &str = "Talks 🇺🇦🇪🇺 in Riyadh\r\n\r\nPresident Zelensky 👩‍👩‍👧 said: “A ceasefire is possible.” Marco Rubio agreed; Erdog\u{306}an e\u{301}tait re\u{301}servé.\r\nقال الوزير: السلام قريب. אמר השר: השלום קרוב.\r\n";
const ANA_ONLY: &str = "Ana's article\n\nKaja Kallas said the sanctions must hold.\n";
const BEN_ONLY: &str =
    "Ben's article\n\nSergey Lavrov called the talks useful. Quokkas were not discussed.\n";

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 5, minute, 0).unwrap()
}

/// Finds `needle` in `text` as Python's `str.find` does, in code points.
fn span(text: &str, needle: &str) -> Span {
    let byte = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let start = text[..byte].chars().count();
    Span::new(start, start + needle.chars().count()).unwrap()
}

/// A coder's project file, open.
struct Coder {
    path: PathBuf,
    project: Project,
    me: i64,
}

impl Coder {
    fn new(dir: &Path, name: &str) -> Coder {
        Coder::in_file(dir.join(format!("{}.claimdesk", name.to_lowercase())), name)
    }

    fn in_file(path: PathBuf, name: &str) -> Coder {
        let mut project = Project::open(&path).unwrap();
        let me = project.annotator(name, at(0)).unwrap();
        Coder { path, project, me }
    }

    fn import(&mut self, text: &str) -> i64 {
        let doc = NewDocument::from_plain_text(text, "article.txt");
        match self.project.import_document(&doc, self.me, at(1)).unwrap() {
            ImportOutcome::Imported(id) => id,
            other => panic!("expected an import, got {other:?}"),
        }
    }

    fn label(&self, name: &str) -> i64 {
        self.project
            .labels()
            .unwrap()
            .into_iter()
            .find(|l| l.name == name)
            .unwrap_or_else(|| panic!("no label {name}"))
            .id
    }

    fn annotate(&mut self, doc: i64, text: &str, needle: &str, label: &str, minute: u32) -> i64 {
        let label = self.label(label);
        self.project
            .create_annotation(doc, label, span(text, needle), self.me, at(minute))
            .unwrap()
            .id
    }

    fn edit(&mut self, id: i64, edit: AnnotationEdit, minute: u32) {
        self.project
            .update_annotation(id, &edit, self.me, at(minute))
            .unwrap();
    }

    fn link(&mut self, kind: &str, from: i64, to: i64, minute: u32) {
        self.project
            .create_relation(kind, from, to, self.me, at(minute))
            .unwrap();
    }

    fn entity(&mut self, name: &str, aliases: &[&str]) -> i64 {
        self.entity_of_kind(EntityKind::Actor, name, aliases)
    }

    fn concept(&mut self, name: &str, aliases: &[&str]) -> i64 {
        self.entity_of_kind(EntityKind::Concept, name, aliases)
    }

    fn entity_of_kind(&mut self, kind: EntityKind, name: &str, aliases: &[&str]) -> i64 {
        let mut e = self
            .project
            .create_entity(kind, name, self.me, at(2))
            .unwrap();
        e.aliases = aliases.iter().map(|a| a.to_string()).collect();
        self.project.update_entity(&e, self.me, at(2)).unwrap().id
    }

    fn new_label(&mut self, name: &str, hotkey: Option<&str>, attributes: Vec<AttributeDef>) {
        let label = NewLabel {
            name: name.into(),
            colour: "#123456".into(),
            hotkey: hotkey.map(str::to_string),
            attributes,
        };
        self.project.create_label(&label, self.me, at(2)).unwrap();
    }

    fn merge(&mut self, other: &Path) -> MergeReport {
        self.project.merge_project(other, self.me, at(50)).unwrap()
    }
}

fn choice(name: &str, options: &[&str]) -> AttributeDef {
    AttributeDef {
        name: name.into(),
        kind: AttributeKind::Choice {
            options: options.iter().map(|o| o.to_string()).collect(),
        },
    }
}

fn attributes(pairs: &[(&str, &str)]) -> AnnotationEdit {
    AnnotationEdit {
        attributes: Some(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
                .collect(),
        ),
        ..Default::default()
    }
}

fn note(text: &str) -> AnnotationEdit {
    AnnotationEdit {
        note: Some(Some(text.into())),
        ..Default::default()
    }
}

/// Ana's project: the shared article and one of her own, coded with overlapping spans, an
/// entity with an alias, a label only she has, links, a note.
fn ana(dir: &Path) -> Coder {
    let mut c = Coder::new(dir, "Ana");
    let shared = c.import(SHARED);
    let own = c.import(ANA_ONLY);
    c.new_label(
        "Frame",
        Some("4"),
        vec![choice("frame", &["security", "economy"])],
    );
    let zelensky = c.entity("Volodymyr Zelensky", &["Zelensky"]);
    let actor = c.annotate(shared, SHARED, "President Zelensky", "Actor", 3);
    c.edit(
        actor,
        AnnotationEdit {
            entity_id: Some(Some(zelensky)),
            ..attributes(&[("kind", "person")])
        },
        4,
    );
    let claim = c.annotate(shared, SHARED, "A ceasefire is possible.", "Claim", 5);
    let position = c.annotate(shared, SHARED, "ceasefire is possible", "Position", 6);
    c.edit(position, attributes(&[("stance", "support")]), 7);
    c.link("said_by", claim, actor, 8);
    c.link("held_by", position, actor, 9);
    c.link("about", position, claim, 10);
    let frame = c.annotate(shared, SHARED, "السلام قريب", "Frame", 11);
    c.edit(frame, note("RTL: the minister's words 🇺🇦"), 12);
    let kallas = c.annotate(own, ANA_ONLY, "Kaja Kallas", "Actor", 13);
    let sanctions = c.annotate(own, ANA_ONLY, "the sanctions must hold", "Claim", 14);
    c.link("said_by", sanctions, kallas, 15);
    c
}

/// Ben's project: the shared article and one of his own; his spans overlap Ana's, his entity
/// is named by one of her aliases, and he deleted one of his annotations.
fn ben(dir: &Path) -> Coder {
    let mut c = Coder::new(dir, "Ben");
    let shared = c.import(SHARED);
    let own = c.import(BEN_ONLY);
    let zelensky = c.entity("Zelensky", &["Володимир Зеленський"]);
    let rubio = c.entity("Marco Rubio", &[]);
    let actor = c.annotate(shared, SHARED, "Zelensky 👩‍👩‍👧", "Actor", 20);
    c.edit(
        actor,
        AnnotationEdit {
            entity_id: Some(Some(zelensky)),
            ..Default::default()
        },
        21,
    );
    let claim = c.annotate(shared, SHARED, "ceasefire is possible.", "Claim", 22);
    c.link("said_by", claim, actor, 23);
    let agreed = c.annotate(shared, SHARED, "Marco Rubio", "Actor", 24);
    c.edit(
        agreed,
        AnnotationEdit {
            entity_id: Some(Some(rubio)),
            ..note("e\u{301} and Erdog\u{306}an in the same sentence")
        },
        25,
    );
    let dropped = c.annotate(shared, SHARED, "السلام", "Claim", 26);
    c.project.delete_annotation(dropped, c.me, at(27)).unwrap();
    let lavrov = c.annotate(own, BEN_ONLY, "Sergey Lavrov", "Actor", 28);
    let useful = c.annotate(own, BEN_ONLY, "called the talks useful", "Claim", 29);
    c.link("said_by", useful, lavrov, 30);
    c
}

/// An annotation as (document SHA-256, coder, label, start, end, attributes, note, identity).
type AnnotationRow = (
    String,
    String,
    String,
    i64,
    i64,
    String,
    Option<String>,
    String,
);

/// A link as (identity, kind, coder, its ends' identities).
type RelationRow = (String, String, String, String, String);

/// A label as (name, colour, hotkey, attribute definitions as JSON).
type LabelRow = (String, String, Option<String>, String);

/// A relation type as (name, the labels it links from, the labels it links to), by name.
type RelationTypeRow = (String, Vec<String>, Vec<String>);

/// An entity as (kind, every name it goes by: its name and its aliases). Which of the names
/// is the entity's own depends on the order of the merges when two entities are merged through
/// an alias (the project merged into keeps its name), so the names are compared as one set.
type EntityRow = (String, BTreeSet<String>);

/// An annotation linked to an entity: (the annotation's identity, the entity as above).
type EntityLinkRow = (String, EntityRow);

/// What a project holds, as sets that do not depend on its ids.
#[derive(Debug, PartialEq)]
struct Content {
    documents: BTreeSet<String>,
    annotations: BTreeSet<AnnotationRow>,
    relations: BTreeSet<RelationRow>,
    labels: BTreeSet<String>,
    label_definitions: BTreeSet<LabelRow>,
    relation_types: BTreeSet<RelationTypeRow>,
    entities: BTreeSet<EntityRow>,
    entity_links: BTreeSet<EntityLinkRow>,
}

fn content(path: &Path) -> Content {
    let conn = Connection::open(path).unwrap();
    let set = |sql: &str| -> BTreeSet<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| r.get("name"))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let mut stmt = conn
        .prepare(
            "SELECT d.sha256 AS document, c.name AS coder, l.name AS label, a.start, a.end,
                    a.attributes, a.note, a.uid
             FROM annotations a JOIN documents d ON d.id = a.document_id
             JOIN annotators c ON c.id = a.annotator_id JOIN labels l ON l.id = a.label_id",
        )
        .unwrap();
    let annotations = stmt
        .query_map([], |r| {
            Ok((
                r.get("document")?,
                r.get("coder")?,
                r.get("label")?,
                r.get("start")?,
                r.get("end")?,
                r.get("attributes")?,
                r.get("note")?,
                r.get("uid")?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut stmt = conn
        .prepare(
            "SELECT r.uid, r.kind, c.name AS coder, f.uid AS from_uid, t.uid AS to_uid
             FROM relations r
             JOIN annotators c ON c.id = r.annotator_id
             JOIN annotations f ON f.id = r.from_id JOIN annotations t ON t.id = r.to_id",
        )
        .unwrap();
    let relations = stmt
        .query_map([], |r| {
            Ok((
                r.get("uid")?,
                r.get("kind")?,
                r.get("coder")?,
                r.get("from_uid")?,
                r.get("to_uid")?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();

    // Attribute definitions are compared as JSON values, not as the text that stores them.
    let json = |text: String| -> serde_json::Value { serde_json::from_str(&text).unwrap() };
    let mut stmt = conn
        .prepare("SELECT id, name, colour, hotkey, attributes FROM labels")
        .unwrap();
    let mut label_names = std::collections::HashMap::new();
    let mut label_definitions = BTreeSet::new();
    for row in stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>("id")?,
                r.get::<_, String>("name")?,
                r.get::<_, String>("colour")?,
                r.get::<_, Option<String>>("hotkey")?,
                r.get::<_, String>("attributes")?,
            ))
        })
        .unwrap()
    {
        let (id, name, colour, hotkey, attributes) = row.unwrap();
        label_names.insert(id, name.clone());
        label_definitions.insert((name, colour, hotkey, json(attributes).to_string()));
    }
    // A relation type's ends are label ids in a JSON array: compared by the labels' names.
    let names = |ids: String| -> Vec<String> {
        let ids: Vec<i64> = serde_json::from_str(&ids).unwrap();
        let mut names: Vec<String> = ids.iter().map(|id| label_names[id].clone()).collect();
        names.sort();
        names
    };
    let mut stmt = conn
        .prepare("SELECT name, from_labels, to_labels FROM relation_types")
        .unwrap();
    let relation_types = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>("name")?,
                r.get::<_, String>("from_labels")?,
                r.get::<_, String>("to_labels")?,
            ))
        })
        .unwrap()
        .map(|row| {
            let (name, from, to) = row.unwrap();
            (name, names(from), names(to))
        })
        .collect();
    let mut stmt = conn
        .prepare(
            "SELECT e.id, e.kind, e.name, a.alias FROM entities e
             LEFT JOIN entity_aliases a ON a.entity_id = e.id",
        )
        .unwrap();
    let mut by_entity: std::collections::HashMap<i64, EntityRow> = Default::default();
    for row in stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>("id")?,
                r.get::<_, String>("kind")?,
                r.get::<_, String>("name")?,
                r.get::<_, Option<String>>("alias")?,
            ))
        })
        .unwrap()
    {
        let (id, kind, name, alias) = row.unwrap();
        let (_, names) = by_entity
            .entry(id)
            .or_insert_with(|| (kind, BTreeSet::new()));
        names.insert(name);
        names.extend(alias);
    }
    let mut stmt = conn
        .prepare("SELECT uid, entity_id FROM annotations WHERE entity_id IS NOT NULL")
        .unwrap();
    let entity_links = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>("uid")?, r.get::<_, i64>("entity_id")?))
        })
        .unwrap()
        .map(|row| {
            let (uid, entity) = row.unwrap();
            (uid, by_entity[&entity].clone())
        })
        .collect();
    let entities = by_entity.into_values().collect();
    Content {
        documents: set("SELECT sha256 AS name FROM documents"),
        annotations,
        relations,
        labels: set("SELECT name FROM labels"),
        label_definitions,
        relation_types,
        entities,
        entity_links,
    }
}

/// How many rows each table holds: what a refused merge must leave as it was.
fn counts(path: &Path) -> Vec<(String, i64)> {
    let conn = Connection::open(path).unwrap();
    [
        "documents",
        "annotations",
        "relations",
        "labels",
        "relation_types",
        "entities",
        "entity_aliases",
        "annotators",
        "events",
        "assignments",
        "document_sets",
    ]
    .iter()
    .map(|t| {
        let n = conn
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap();
        (t.to_string(), n)
    })
    .collect()
}

fn added(report: &MergeReport) -> u64 {
    report.documents_added
        + report.annotations_added
        + report.relations_added
        + report.labels_added
        + report.relation_types_added
        + report.entities_added
        + report.coders_added
        + report.events_added
        + report.assignments_added
        + report.adjudications_added
        + report.decisions_added
        + report.samples_added
}

#[test]
fn merging_the_same_file_twice_adds_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut ana = ana(dir.path());
    let ben = ben(dir.path());
    let ben_path = ben.path.clone();
    drop(ben);

    let first = ana.merge(&ben_path);
    assert_eq!(first.documents_added, 1, "{first:#?}");
    assert_eq!(first.documents_matched, 1);
    assert_eq!(first.annotations_added, 5, "the deleted one stays deleted");
    assert_eq!(first.annotations_present, 0);
    assert_eq!(first.relations_added, 2);
    assert_eq!(first.coders_added, 1);
    assert_eq!(first.entities_added, 1, "Marco Rubio");
    assert_eq!(first.entities_merged_by_alias, 1, "Zelensky");
    assert_eq!(
        first.events_added, 11,
        "six creations, two edits, two links and a deletion"
    );
    let after_first = content(&ana.path);
    let rows_after_first = counts(&ana.path);

    let second = ana.merge(&ben_path);
    assert_eq!(added(&second), 0, "{second:#?}");
    assert_eq!(second.documents_matched, 2);
    assert_eq!(second.annotations_present, 5);
    assert_eq!(second.relations_present, 2);
    assert_eq!(content(&ana.path), after_first);
    // Only the log grew, by the entry for the second merge itself.
    let mut expected = rows_after_first;
    expected.iter_mut().find(|(t, _)| t == "events").unwrap().1 += 1;
    assert_eq!(counts(&ana.path), expected);
}

#[test]
fn two_coders_projects_merged_into_a_third_in_either_order_give_the_same_content() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ana, mut ben) = (ana(dir.path()), ben(dir.path()));
    // Beyond the coding: in both projects a relation type (one of the same name in both), a
    // label with attributes, entities with aliases (one of the same name in both, with other
    // aliases), and annotations linked to them.
    let shared = ana.project.documents().unwrap()[0].id;
    let own = ana.project.documents().unwrap()[1].id;
    let claim = ana.label("Claim");
    ana.project
        .create_relation_type("contradicts", &[claim], &[claim], ana.me, at(16))
        .unwrap();
    let truce = ana.concept("Ceasefire", &["armistice"]);
    let kallas = ana.entity("Kaja Kallas", &["Kallas", "Каја Калас"]);
    let agreed = ana.annotate(shared, SHARED, "Marco Rubio agreed", "Claim", 17);
    let ceasefire = annotation_id(&ana, shared, "A ceasefire is possible.");
    ana.link("contradicts", agreed, ceasefire, 18);
    ana.edit(
        ceasefire,
        AnnotationEdit {
            entity_id: Some(Some(truce)),
            ..Default::default()
        },
        19,
    );
    let kallas_span = annotation_id(&ana, own, "Kaja Kallas");
    ana.edit(
        kallas_span,
        AnnotationEdit {
            entity_id: Some(Some(kallas)),
            ..Default::default()
        },
        19,
    );

    let shared = ben.project.documents().unwrap()[0].id;
    ben.new_label(
        "Tone",
        Some("5"),
        vec![choice("tone", &["hopeful", "sceptical"])],
    );
    let (claim, tone) = (ben.label("Claim"), ben.label("Tone"));
    ben.project
        .create_relation_type("contradicts", &[claim], &[claim], ben.me, at(31))
        .unwrap();
    ben.project
        .create_relation_type("answers", &[tone], &[claim], ben.me, at(31))
        .unwrap();
    let truce = ben.concept("Ceasefire", &["truce", "cease-fire"]);
    let hopeful = ben.annotate(shared, SHARED, "Marco Rubio agreed", "Tone", 32);
    ben.edit(hopeful, attributes(&[("tone", "hopeful")]), 33);
    let ceasefire = annotation_id(&ben, shared, "ceasefire is possible.");
    ben.link("answers", hopeful, ceasefire, 34);
    ben.edit(
        ceasefire,
        AnnotationEdit {
            entity_id: Some(Some(truce)),
            ..Default::default()
        },
        35,
    );

    let (ana_path, ben_path) = (ana.path.clone(), ben.path.clone());
    let (ana_content, ben_content) = (content(&ana_path), content(&ben_path));
    drop((ana, ben));

    let mut first = Coder::new(&dir.path().join("a-then-b"), "Lead");
    first.merge(&ana_path);
    first.merge(&ben_path);
    let mut second = Coder::new(&dir.path().join("b-then-a"), "Lead");
    second.merge(&ben_path);
    second.merge(&ana_path);

    let merged = content(&first.path);
    assert_eq!(merged, content(&second.path));
    assert_eq!(
        merged.annotations,
        &ana_content.annotations | &ben_content.annotations,
        "every annotation of both, as each coder made it"
    );
    assert_eq!(
        merged.relations,
        &ana_content.relations | &ben_content.relations
    );
    assert_eq!(merged.documents.len(), 3);
    assert!(merged.labels.contains("Frame"), "a label only Ana made");
    assert_eq!(
        merged.label_definitions,
        &ana_content.label_definitions | &ben_content.label_definitions,
        "each label once, with its colour, hotkey and attributes"
    );
    assert_eq!(
        merged.relation_types,
        &ana_content.relation_types | &ben_content.relation_types,
        "relation types by name, their ends by label name"
    );
    assert!(merged.relation_types.contains(&(
        "answers".to_string(),
        vec!["Tone".to_string()],
        vec!["Claim".to_string()]
    )));
    let names =
        |names: &[&str]| -> BTreeSet<String> { names.iter().map(|n| n.to_string()).collect() };
    assert!(
        merged.entities.contains(&(
            "concept".to_string(),
            names(&["Ceasefire", "armistice", "cease-fire", "truce"])
        )),
        "the same entity in both, by kind and name: its aliases unioned: {:#?}",
        merged.entities
    );
    assert!(
        merged.entities.contains(&(
            "actor".to_string(),
            names(&["Volodymyr Zelensky", "Zelensky", "Володимир Зеленський"])
        )),
        "one's name among the other's aliases: one entity with every name: {:#?}",
        merged.entities
    );
    assert_eq!(
        merged.entity_links.len(),
        ana_content.entity_links.len() + ben_content.entity_links.len(),
        "every annotation keeps its entity: {:#?}",
        merged.entity_links
    );
}

/// The id of the annotation of `doc` quoting `quote`.
fn annotation_id(c: &Coder, doc: i64, quote: &str) -> i64 {
    c.project
        .annotations(doc)
        .unwrap()
        .into_iter()
        .find(|a| a.quote == quote)
        .unwrap_or_else(|| panic!("no annotation quoting {quote:?}"))
        .id
}

#[test]
fn a_label_with_other_attributes_is_reported_and_its_annotations_still_come() {
    let dir = tempfile::tempdir().unwrap();
    let mut ana = Coder::new(dir.path(), "Ana");
    ana.import(SHARED);
    ana.new_label("Tone", Some("4"), vec![]);
    let mut ben = Coder::new(dir.path(), "Ben");
    let doc = ben.import(SHARED);
    let position = ben.label("Position");
    let mut label = ben
        .project
        .labels()
        .unwrap()
        .into_iter()
        .find(|l| l.id == position)
        .unwrap();
    label.attributes.push(choice("certainty", &["high", "low"]));
    ben.project.update_label(&label, ben.me, at(3)).unwrap();
    ben.new_label("Frame", Some("4"), vec![]);
    let a = ben.annotate(doc, SHARED, "agreed", "Position", 4);
    ben.edit(
        a,
        attributes(&[("stance", "support"), ("certainty", "high")]),
        5,
    );
    ben.annotate(doc, SHARED, "Talks", "Frame", 6);
    let ben_path = ben.path.clone();
    drop(ben);

    let report = ana.merge(&ben_path);
    let ours = ana.project.labels().unwrap();
    let position = ours.iter().find(|l| l.name == "Position").unwrap();
    assert_eq!(
        report.conflicts[0],
        MergeConflict::LabelAttributes {
            label: "Position".into(),
            ours: position.attributes.clone(),
            theirs: label.attributes.clone(),
        }
    );
    assert_eq!(position.attributes.len(), 1, "ours are kept");
    assert!(report.conflicts.contains(&MergeConflict::HotkeyTaken {
        label: "Frame".into(),
        hotkey: "4".into()
    }));
    let frame = ours.iter().find(|l| l.name == "Frame").unwrap();
    assert_eq!(frame.hotkey, None, "Ana's Tone keeps the key");
    assert_eq!(report.labels_added, 1);

    let doc = ana.project.documents().unwrap()[0].id;
    let merged = ana.project.annotations(doc).unwrap();
    let brought = merged.iter().find(|a| a.label_id == position.id).unwrap();
    assert_eq!(
        brought.attributes["certainty"], "high",
        "the value comes along"
    );
    assert_eq!(merged.len(), 2);
    assert!(report.conflicts.iter().all(|c| !c.to_string().is_empty()));
}

#[test]
fn an_entity_named_by_an_alias_is_merged_into_ours_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut ana = ana(dir.path());
    let ben_path = ben(dir.path()).path.clone();

    let report = ana.merge(&ben_path);
    assert!(
        report
            .conflicts
            .contains(&MergeConflict::EntityMergedByAlias {
                entity_kind: "actor".into(),
                theirs: "Zelensky".into(),
                ours: "Volodymyr Zelensky".into(),
            }),
        "{:#?}",
        report.conflicts
    );
    let entities = ana.project.entities(None).unwrap();
    let names: Vec<&str> = entities.iter().map(|(e, _)| e.name.as_str()).collect();
    assert_eq!(names, ["Marco Rubio", "Volodymyr Zelensky"]);
    let (zelensky, mentions) = entities
        .iter()
        .find(|(e, _)| e.name == "Volodymyr Zelensky")
        .unwrap();
    assert_eq!(
        zelensky.aliases,
        ["Zelensky", "Володимир Зеленський"],
        "aliases unioned"
    );
    assert_eq!(*mentions, 2, "Ana's mention and Ben's");
}

#[test]
fn merged_annotations_keep_their_identity_times_coder_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut ana = ana(dir.path());
    let ben = ben(dir.path());
    let shared_there = ben.project.documents().unwrap()[0].id;
    let theirs = ben.project.annotations(shared_there).unwrap();
    let rubio_there = theirs
        .iter()
        .find(|a| a.quote == "Marco Rubio")
        .unwrap()
        .clone();
    let history_there = ben.project.annotation_history(rubio_there.id).unwrap();
    let ben_path = ben.path.clone();
    drop(ben);

    ana.merge(&ben_path);
    let shared = ana.project.documents().unwrap()[0].id;
    let rubio = ana
        .project
        .annotations(shared)
        .unwrap()
        .into_iter()
        .find(|a| a.uid == rubio_there.uid)
        .expect("found by its identity");
    assert_eq!(rubio.created_at, at(24));
    assert_eq!(rubio.updated_at, at(25));
    assert_eq!(rubio.note, rubio_there.note);
    assert_eq!(
        ana.project.annotator_name(rubio.annotator_id).unwrap(),
        "Ben"
    );
    assert_ne!(rubio.annotator_id, ana.me);

    let history = ana.project.annotation_history(rubio.id).unwrap();
    let seen = |h: &[claimdesk_store::HistoryEntry]| -> Vec<(String, String, DateTime<Utc>)> {
        h.iter()
            .map(|e| (e.kind.clone(), e.annotator.clone(), e.at))
            .collect()
    };
    assert_eq!(seen(&history), seen(&history_there));
    assert_eq!(
        seen(&history),
        [
            ("annotation_created".to_string(), "Ben".to_string(), at(24)),
            ("annotation_updated".to_string(), "Ben".to_string(), at(25)),
        ]
    );
    // Ana's own annotations do not pick up Ben's history, and nothing merged can be undone.
    let ana_actor = ana
        .project
        .annotations(shared)
        .unwrap()
        .into_iter()
        .find(|a| a.quote == "President Zelensky")
        .unwrap();
    let hers = ana.project.annotation_history(ana_actor.id).unwrap();
    assert!(hers.iter().all(|e| e.annotator == "Ana"), "{hers:#?}");
    let ben_here = ana.project.coder_id("Ben").unwrap();
    assert_eq!(ana.project.history_depth(ben_here).unwrap(), (0, 0));
    // The annotation Ben deleted has no counterpart here: its history names it by a negative
    // id, which no annotation has.
    let conn = Connection::open(&ana.path).unwrap();
    let deleted: String = conn
        .query_row(
            "SELECT payload FROM events WHERE kind = 'annotation_deleted'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let deleted: serde_json::Value = serde_json::from_str(&deleted).unwrap();
    assert!(
        deleted["annotation"]["id"].as_i64().unwrap() < 0,
        "{deleted}"
    );
    assert_eq!(deleted["annotation"]["document_id"], shared);
}

#[test]
fn the_merge_is_logged_once_with_its_counts_and_new_documents_are_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let mut ana = ana(dir.path());
    let ben_path = ben(dir.path()).path.clone();
    assert!(ana.project.search("Quokkas", 10).unwrap().is_empty());

    let report = ana.merge(&ben_path);
    let hits = ana.project.search("Quokkas", 10).unwrap();
    assert_eq!(hits.len(), 1, "Ben's article is searchable");
    assert_eq!(ana.project.unindexed_documents().unwrap(), 0);

    let conn = Connection::open(&ana.path).unwrap();
    let (who, payload): (String, String) = conn
        .query_row(
            "SELECT c.name, e.payload FROM events e JOIN annotators c ON c.id = e.annotator_id
             WHERE e.kind = 'project_merged'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(who, "Ana");
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["file"], "ben.claimdesk");
    assert_eq!(payload["annotations_added"], report.annotations_added);
    assert_eq!(payload["conflicts"], report.conflicts.len());
}

#[test]
fn the_same_coders_work_imported_into_both_projects_is_found_by_its_span() {
    let dir = tempfile::tempdir().unwrap();
    let mut ana = Coder::new(dir.path(), "Ana");
    // Ana's coding, imported into a second project on its own (say, from an export).
    let mut copy = Coder::in_file(dir.path().join("copy.claimdesk"), "Ana");
    for c in [&mut ana, &mut copy] {
        let doc = c.import(SHARED);
        let actor = c.annotate(doc, SHARED, "Marco Rubio", "Actor", 3);
        let claim = c.annotate(doc, SHARED, "agreed", "Claim", 4);
        c.link("said_by", claim, actor, 5);
    }
    let report = ana.merge(&copy.path);
    assert_eq!(report.annotations_present, 2, "{report:#?}");
    assert_eq!(report.annotations_added, 0);
    assert_eq!(
        report.relations_present, 1,
        "the link is found between the mapped ends"
    );
    assert_eq!(report.relations_added, 0);
}

#[test]
fn samples_and_assignments_come_mapped_and_a_sample_that_differs_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut ana = ana(dir.path());
    let mut ben = ben(dir.path());
    let spec = |size| claimdesk_store::SampleSpec {
        query: Default::default(),
        search: None,
        size,
        seed: 7,
        strata: None,
    };
    ana.project.draw_sample("pilot", &spec(1), at(40)).unwrap();
    ben.project.draw_sample("pilot", &spec(2), at(40)).unwrap();
    ben.project
        .draw_sample("second round", &spec(2), at(40))
        .unwrap();
    let docs: Vec<i64> = ben
        .project
        .documents()
        .unwrap()
        .iter()
        .map(|d| d.id)
        .collect();
    ben.project.assign(ben.me, &docs, at(41)).unwrap();
    ben.project
        .mark_done(ben.me, docs[0], true, at(43))
        .unwrap();
    // Ana's project already knows Ben was given the shared article, and that he finished it
    // earlier than his own file says.
    let ben_in_ana = ana.project.annotator("Ben", at(0)).unwrap();
    let shared = ana.project.documents().unwrap()[0].id;
    ana.project.assign(ben_in_ana, &[shared], at(42)).unwrap();
    ana.project
        .mark_done(ben_in_ana, shared, true, at(42))
        .unwrap();
    let ben_path = ben.path.clone();
    drop(ben);

    let report = ana.merge(&ben_path);
    assert!(report.conflicts.contains(&MergeConflict::SampleMembers {
        sample: "pilot".into()
    }));
    assert_eq!(report.samples_added, 1);
    let second = ana
        .project
        .document_set_named("second round")
        .unwrap()
        .unwrap();
    assert_eq!(second.documents, 2);
    assert_eq!(
        ana.project
            .document_set_named("pilot")
            .unwrap()
            .unwrap()
            .documents,
        1
    );

    assert_eq!(report.assignments_added, 1, "Ben's own article");
    let conn = Connection::open(&ana.path).unwrap();
    let (assigned_at, done_at): (String, Option<String>) = conn
        .query_row(
            "SELECT assigned_at, done_at FROM assignments WHERE annotator_id = ?1 AND document_id = ?2",
            [ben_in_ana, shared],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        assigned_at.starts_with("2026-03-04T05:41"),
        "the earlier assignment"
    );
    assert!(
        done_at.unwrap().starts_with("2026-03-04T05:42"),
        "the earlier done"
    );
}

#[test]
fn a_file_that_is_not_a_project_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut ana = ana(dir.path());
    let before = counts(&ana.path);
    let text = dir.path().join("notes.claimdesk");
    std::fs::write(&text, "not a project, just words ".repeat(100)).unwrap();
    let foreign = dir.path().join("foreign.sqlite");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    for (path, code) in [
        (text.clone(), "not_a_project"),
        (foreign.clone(), "not_a_project"),
        (dir.path().join("missing.claimdesk"), "bad_merge"),
    ] {
        let error = ana
            .project
            .merge_project(&path, ana.me, at(50))
            .unwrap_err();
        assert_eq!(error.code(), code, "{path:?}: {error}");
    }
    assert_eq!(counts(&ana.path), before);
    assert_eq!(
        std::fs::read_to_string(&text).unwrap(),
        "not a project, just words ".repeat(100),
        "the other file is not touched"
    );
}

#[test]
fn merging_a_project_into_itself_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut ana = ana(dir.path());
    let before = counts(&ana.path);
    let same = dir.path().join(".").join("ana.claimdesk");
    let error = ana
        .project
        .merge_project(&same, ana.me, at(50))
        .unwrap_err();
    assert_eq!(error.code(), "bad_merge");
    assert!(
        error.to_string().contains("is this project itself"),
        "{error}"
    );
    assert_eq!(counts(&ana.path), before);
}

#[test]
fn a_project_from_a_newer_claimdesk_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut ana = ana(dir.path());
    let ben_path = ben(dir.path()).path.clone();
    Connection::open(&ben_path)
        .unwrap()
        .execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1))
        .unwrap();
    let before = counts(&ana.path);
    let error = ana
        .project
        .merge_project(&ben_path, ana.me, at(50))
        .unwrap_err();
    assert_eq!(error.code(), "schema_too_new");
    assert_eq!(counts(&ana.path), before);
}

#[test]
fn an_older_project_is_merged_from_an_upgraded_copy_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v3.claimdesk");
    let sql = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v3.sql"),
    )
    .unwrap();
    Connection::open(&old).unwrap().execute_batch(&sql).unwrap();
    let bytes = std::fs::read(&old).unwrap();
    let mut ana = ana(dir.path());

    let first = ana.merge(&old);
    assert_eq!(first.documents_added, 3, "{first:#?}");
    assert_eq!(first.annotations_added, 14);
    assert_eq!(first.relations_added, 9);
    assert!(first.events_added > 0);
    assert_eq!(
        std::fs::read(&old).unwrap(),
        bytes,
        "the old file is not touched"
    );
    let version: i64 = Connection::open(&old)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3);

    // Its identities are given anew by each upgrade; what it holds is found all the same.
    let second = ana.merge(&old);
    assert_eq!(added(&second), 0, "{second:#?}");
    assert_eq!(second.annotations_present, 14);
    assert_eq!(second.relations_present, 9);
}

#[test]
fn an_adjudicated_project_brings_its_curated_layer_decisions_and_their_history() {
    use claimdesk_core::adjudication::Rule;
    let dir = tempfile::tempdir().unwrap();
    let mut lead = Coder::new(dir.path(), "Ana");
    let doc = lead.import(SHARED);
    let (ana, ben) = (lead.me, lead.project.annotator("Ben", at(0)).unwrap());
    let judge = lead.project.annotator("Judge", at(0)).unwrap();
    let (actor, claim) = (lead.label("Actor"), lead.label("Claim"));
    for (who, claim_text) in [(ana, "agreed"), (ben, "Rubio agreed")] {
        for (label, text) in [(actor, "Marco Rubio"), (claim, claim_text)] {
            lead.project
                .create_annotation(doc, label, span(SHARED, text), who, at(3))
                .unwrap();
        }
    }
    lead.project
        .accept_agreed(doc, None, Rule::All, judge, at(4))
        .unwrap()
        .unwrap();
    lead.project
        .decide(doc, None, Rule::All, 0, Some(ben), judge, at(5))
        .unwrap();
    lead.project
        .finish_adjudication(doc, true, judge, at(6))
        .unwrap();
    let there = lead.project.adjudication(doc, None, Rule::All).unwrap();
    let lead_path = lead.path.clone();
    drop(lead);

    // A project with work of its own, so that every id is another one here.
    let mut copy = Coder::new(&dir.path().join("copy"), "Lead");
    let own = copy.import(ANA_ONLY);
    copy.annotate(own, ANA_ONLY, "Kaja Kallas", "Actor", 1);
    copy.annotate(own, ANA_ONLY, "sanctions", "Claim", 1);
    let report = copy.merge(&lead_path);
    assert_eq!(report.decisions_added, 1, "{report:#?}");
    assert_eq!(report.adjudications_added, 1);
    assert!(report.conflicts.is_empty(), "{:#?}", report.conflicts);
    let doc = copy.project.documents().unwrap()[1].id;
    assert_ne!(doc, there.document_id);
    let here = copy.project.adjudication(doc, None, Rule::All).unwrap();
    assert!(here.finished);
    assert_eq!(here.agreed_pending, 0);
    let decided = |a: &claimdesk_store::Adjudication| -> Vec<Option<String>> {
        a.decisions
            .iter()
            .map(|d| d.as_ref().unwrap().accepted.clone())
            .collect()
    };
    assert_eq!(decided(&here), decided(&there));
    assert_eq!(decided(&here), [Some("Ben".to_string())]);
    let quotes = |a: &claimdesk_store::Adjudication| -> Vec<String> {
        a.curated.iter().map(|c| c.quote.clone()).collect()
    };
    assert_eq!(quotes(&here), quotes(&there));
    let curated = copy
        .project
        .coders()
        .unwrap()
        .into_iter()
        .find(|c| c.name == claimdesk_store::CURATED)
        .unwrap();
    assert!(curated.curated, "the curated layer keeps its kind");
    let history = copy.project.annotation_history(here.curated[0].id).unwrap();
    let seen: Vec<(&str, &str)> = history
        .iter()
        .map(|e| (e.kind.as_str(), e.annotator.as_str()))
        .collect();
    assert_eq!(
        seen,
        [("several", "Judge")],
        "accepted as one step by the judge"
    );
}

/// The body both copies share: a real article, long enough that a sentence is a small part.
const BODY: &str = include_str!("../sample/riyadh-talks-2025-02-18.txt");

/// Ana's copy of the article as the project has it, and Ben's, from another source: reflowed,
/// straight quotes, a typo fixed, one sentence gone.
fn copies() -> (String, String) {
    let ana = format!("Talks in Riyadh\n\nTammy Bruce said the talks were “a first step”. The goverment agreed.\n\nLavrov met Rubio for hours. Observers were hopeful.\n\n{BODY}");
    let ben = format!("Talks in Riyadh\n\nTammy  Bruce said the talks were \"a first step\". The government agreed.\nObservers were hopeful.\n\n{BODY}");
    (ana, ben)
}

#[test]
fn a_slightly_different_copy_is_recognised_and_with_the_option_its_coding_lands_on_our_text() {
    let dir = tempfile::tempdir().unwrap();
    let (ana_copy, ben_copy) = copies();
    let (ana_text, ben_text) = (ana_copy.as_str(), ben_copy.as_str());
    let mut ben = Coder::new(dir.path(), "Ben");
    let doc = ben.import(ben_text);
    ben.annotate(doc, ben_text, "Tammy  Bruce", "Actor", 2);
    let claim = ben.annotate(doc, ben_text, "\"a first step\"", "Claim", 2);
    ben.annotate(doc, ben_text, "The government", "Actor", 2);
    let observers = ben.annotate(doc, ben_text, "Observers", "Actor", 2);
    ben.project
        .create_relation("said_by", claim, observers, ben.me, at(3))
        .unwrap();
    drop(ben.project);

    // Without the option: said, and added as a document of its own.
    let mut plain = Coder::new(dir.path(), "Ana");
    plain.import(ana_text);
    let report = plain
        .project
        .merge_project(&ben.path, plain.me, at(5))
        .unwrap();
    assert_eq!((report.documents_added, report.documents_matched), (1, 0));
    let said: Vec<String> = report.conflicts.iter().map(|c| c.to_string()).collect();
    assert!(
        said.iter().any(|c| c
            .contains("looks like document #1 here (it differs in whitespace, quote marks and")),
        "{said:?}"
    );

    // With it: the same document, Ben's coding on Ana's text.
    let mut ana = Coder::in_file(dir.path().join("ana-2.claimdesk"), "Ana");
    let ours = ana.import(ana_text);
    let options = claimdesk_store::MergeOptions {
        match_similar: true,
    };
    let report = ana
        .project
        .merge_project_with(&ben.path, options, ana.me, at(6))
        .unwrap();
    assert_eq!(
        (report.documents_added, report.documents_matched),
        (0, 1),
        "{report:?}"
    );
    assert_eq!(
        (report.annotations_added, report.annotations_orphaned),
        (4, 0),
        "{report:?}"
    );
    let mut quotes: Vec<(String, usize)> = ana
        .project
        .annotations(ours)
        .unwrap()
        .into_iter()
        .map(|a| {
            let text: String = ana_text
                .chars()
                .skip(a.start)
                .take(a.end - a.start)
                .collect();
            assert_eq!(text, a.quote, "every annotation on its quote in our text");
            (a.quote, a.start)
        })
        .collect();
    quotes.sort();
    assert_eq!(
        quotes.iter().map(|(q, _)| q.as_str()).collect::<Vec<_>>(),
        [
            "Observers",
            "Tammy Bruce",
            "The goverment",
            "“a first step”"
        ]
    );
    assert_eq!(ana.project.relations(ours).unwrap().len(), 1);
    // Merging again adds nothing.
    let again = ana
        .project
        .merge_project_with(&ben.path, options, ana.me, at(7))
        .unwrap();
    assert_eq!(
        (
            again.annotations_added,
            again.annotations_orphaned,
            again.relations_added
        ),
        (0, 0, 0),
        "{again:?}"
    );
}

#[test]
fn coding_of_a_copy_that_cannot_be_placed_is_kept_as_orphans_with_its_links() {
    let dir = tempfile::tempdir().unwrap();
    let mut ben = Coder::new(dir.path(), "Ben");
    let theirs = &format!("Talks in Riyadh\n\nTammy Bruce said the talks were a first step. Lavrov met Rubio for hours on Tuesday.\n\n{BODY}");
    let doc = ben.import(theirs);
    let lavrov = ben.annotate(doc, theirs, "Lavrov", "Actor", 2);
    let met = ben.annotate(doc, theirs, "met Rubio for hours", "Claim", 2);
    ben.project
        .create_relation("said_by", met, lavrov, ben.me, at(3))
        .unwrap();
    drop(ben.project);
    let mut ana = Coder::new(dir.path(), "Ana");
    let ours_text = &format!("Talks in Riyadh\n\nTammy Bruce said the talks were a first step. Observers were hopeful on Tuesday.\n\n{BODY}");
    let ours = ana.import(ours_text);
    let options = claimdesk_store::MergeOptions {
        match_similar: true,
    };
    let report = ana
        .project
        .merge_project_with(&ben.path, options, ana.me, at(5))
        .unwrap();
    assert_eq!(
        (report.documents_matched, report.annotations_orphaned),
        (1, 2),
        "{report:?}"
    );
    let orphans = ana.project.orphans(ours).unwrap();
    assert_eq!(orphans.len(), 2);
    assert!(
        orphans.iter().all(|o| o.relations.len() == 1),
        "{orphans:?}"
    );
    // Placed by hand, both: the link comes back.
    let place = |needle: &str| span(ours_text, needle);
    let (claim, actor) = (
        orphans
            .iter()
            .find(|o| o.annotation.quote == "met Rubio for hours")
            .unwrap()
            .annotation
            .id,
        orphans
            .iter()
            .find(|o| o.annotation.quote == "Lavrov")
            .unwrap()
            .annotation
            .id,
    );
    let s = place("were hopeful");
    ana.project
        .place_orphan(claim, s.start(), s.end(), ana.me, at(6))
        .unwrap();
    let s = place("Observers");
    ana.project
        .place_orphan(actor, s.start(), s.end(), ana.me, at(7))
        .unwrap();
    assert_eq!(ana.project.relations(ours).unwrap().len(), 1);
    // Merged again: the orphans are not made twice.
    let again = ana
        .project
        .merge_project_with(&ben.path, options, ana.me, at(8))
        .unwrap();
    assert_eq!(again.annotations_orphaned, 0, "{again:?}");
}

#[test]
fn their_orphans_come_over_with_their_links_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut ben = Coder::new(dir.path(), "Ben");
    let old = "Talks in Riyadh\n\nLavrov met Rubio for hours. Bruce said it was a first step.\n";
    let new = "Talks in Riyadh\n\nBruce said it was a first step.\n";
    let doc = ben.import(old);
    let bruce = ben.annotate(doc, old, "Bruce", "Actor", 2);
    let met = ben.annotate(doc, old, "met Rubio for hours", "Claim", 2);
    ben.project
        .create_relation("said_by", met, bruce, ben.me, at(3))
        .unwrap();
    ben.project.replace_text(doc, new, ben.me, at(4)).unwrap();
    assert_eq!(ben.project.orphans(doc).unwrap().len(), 1);
    drop(ben.project);

    let mut ana = Coder::new(dir.path(), "Ana");
    let report = ana.project.merge_project(&ben.path, ana.me, at(5)).unwrap();
    assert_eq!(
        (report.annotations_added, report.annotations_orphaned),
        (1, 1),
        "{report:?}"
    );
    let ours = ana.project.documents().unwrap()[0].id;
    let orphans = ana.project.orphans(ours).unwrap();
    assert_eq!(orphans.len(), 1);
    let placed_bruce = ana.project.annotations(ours).unwrap()[0].id;
    assert_eq!(orphans[0].relations.len(), 1);
    assert_eq!(
        orphans[0].relations[0].to_id, placed_bruce,
        "the link is remapped to our Bruce"
    );
    assert_eq!(orphans[0].annotation.document_id, ours);
    // Again: not twice.
    let again = ana.project.merge_project(&ben.path, ana.me, at(6)).unwrap();
    assert_eq!(again.annotations_orphaned, 0, "{again:?}");
    assert_eq!(ana.project.orphans(ours).unwrap().len(), 1);
    // Placed here: the link comes back.
    let s = span(new, "it was a first step");
    ana.project
        .place_orphan(orphans[0].annotation.id, s.start(), s.end(), ana.me, at(7))
        .unwrap();
    assert_eq!(ana.project.relations(ours).unwrap().len(), 1);
}
