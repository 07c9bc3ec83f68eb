//! Merging another project file into this one: two coders' projects become one.
//!
//! ```no_run
//! use chrono::Utc;
//! use claimdesk_store::Project;
//!
//! let mut project = Project::open_existing("study.claimdesk".as_ref())?;
//! let me = project.annotator("Ana", Utc::now())?;
//! let report = project.merge_project("ben.claimdesk".as_ref(), me, Utc::now())?;
//! println!("{} annotations added", report.annotations_added);
//! for conflict in &report.conflicts {
//!     println!("{conflict}");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What matches what: documents by their text (SHA-256); labels, relation types, coders and
//! samples by name; entities by global identity, then by kind and name, then by alias (the
//! other's name among our aliases or ours among theirs, which is reported); annotations,
//! links and events by global identity, and an annotation also by document, coder, label and
//! span (the same coder's work imported into both projects separately has other identities).
//! What matches is kept as this project has it; what does not is added with its identity, its
//! times and its coder. Merging the same file again therefore adds nothing, and merging two
//! projects into a third gives the same annotations and links in either order.
//!
//! Disagreements are reported, never guessed: a label whose attribute definitions differ keeps
//! ours (its annotations still come, with their values), a same-named sample with other
//! documents is left out. The merge is one transaction: it happens entirely or not at all.
//!
//! The other file is only read, through a connection of its own opened read-only, inside one
//! read transaction (a consistent snapshot even if another program is writing to it). One from
//! an older version of Claimdesk is copied and the copy upgraded; the file itself is not touched.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};
use serde::Serialize;

use claimdesk_core::anchor::{likeness, reanchor, Likeness, Placement};
use claimdesk_core::annotation::CONTEXT_CHARS;
use claimdesk_core::{
    Annotation, AttributeDef, Change, Decision, Label, Relation, Span, TextIndex,
};

use crate::error::{Result, StoreError};
use crate::import::index_watermark;
use crate::open::{Project, APPLICATION_ID, SCHEMA_VERSION};
use crate::rows::{
    entity_from_row, label_from_row, qualified, relation_type_from_row, StoredAnnotation,
    StoredCoder, StoredDocument, StoredEvent, StoredOrphan, StoredRelation, ANNOTATION_COLUMNS,
    CODER_COLUMNS, DOCUMENT_COLUMNS, ENTITY_COLUMNS, EVENT_COLUMNS, LABEL_COLUMNS, ORPHAN_COLUMNS,
    RELATION_COLUMNS, RELATION_TYPE_COLUMNS,
};
use crate::time;

/// What a merge brought in, what it found already here, and what it could not settle.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MergeReport {
    pub documents_added: u64,
    /// Documents whose text this project already had: their coding goes to ours.
    pub documents_matched: u64,
    pub annotations_added: u64,
    pub annotations_present: u64,
    pub relations_added: u64,
    pub relations_present: u64,
    pub labels_added: u64,
    pub relation_types_added: u64,
    pub entities_added: u64,
    /// Entities found here by identity or by kind and name.
    pub entities_matched: u64,
    /// Entities found here through an alias (each is also listed in `conflicts`).
    pub entities_merged_by_alias: u64,
    pub coders_added: u64,
    /// Entries of the documents' history brought in.
    pub events_added: u64,
    pub assignments_added: u64,
    pub adjudications_added: u64,
    /// Adjudication decisions (how a disagreement was settled) brought in.
    pub decisions_added: u64,
    /// Coders' decisions on suggestions (accepted, rejected) brought in; where both projects
    /// decided the same suggestion for the same coder, ours is kept.
    pub suggestion_decisions_added: u64,
    pub samples_added: u64,
    /// Annotations of a slightly different copy of an article that could not be placed on
    /// this project's text: kept as orphans of our document (with `match_similar`).
    pub annotations_orphaned: u64,
    /// Everything the merge did not take as the other project has it, and why.
    pub conflicts: Vec<MergeConflict>,
}

/// One thing the merge could not take over as it was, with what it did instead.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MergeConflict {
    /// A label both projects have, with other attribute definitions: ours are kept, and the
    /// other's annotations come with their values.
    LabelAttributes {
        label: String,
        ours: Vec<AttributeDef>,
        theirs: Vec<AttributeDef>,
    },
    /// A new label's hotkey already belongs to one of ours: the label came without one.
    HotkeyTaken { label: String, hotkey: String },
    /// A relation type both projects have, linking other labels: ours is kept.
    RelationTypeEndpoints {
        relation_type: String,
        ours: (Vec<String>, Vec<String>),
        theirs: (Vec<String>, Vec<String>),
    },
    /// The other's entity `theirs` was taken for our `ours` because one's name is an alias of
    /// the other; its name and aliases became aliases of ours.
    EntityMergedByAlias {
        entity_kind: String,
        theirs: String,
        ours: String,
    },
    /// The same entity (by identity) goes by another name there: ours is kept and theirs
    /// became an alias.
    EntityRenamed {
        entity_kind: String,
        theirs: String,
        ours: String,
    },
    /// A coder of the same name is of another kind there (a person here, the curated layer
    /// there, or the reverse): their work was attributed to ours.
    CoderKind {
        coder: String,
        ours: String,
        theirs: String,
    },
    /// A sample both projects have, holding other documents: ours is kept, theirs left out.
    SampleMembers { sample: String },
    /// A disagreement both projects settled, differently (`None`: every version rejected):
    /// ours is kept.
    Decision {
        document: String,
        start: i64,
        end: i64,
        ours: Option<String>,
        theirs: Option<String>,
    },
    /// A document there looks like one here, its text slightly different (what differs is
    /// said); without `match_similar` it was added as a document of its own.
    SimilarDocument {
        theirs: String,
        ours: i64,
        differs: String,
        matched: bool,
    },
    /// Rows the merge left out.
    Skipped {
        what: String,
        count: u64,
        reason: String,
    },
}

impl fmt::Display for MergeConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeConflict::LabelAttributes { label, ours, theirs } => write!(
                f,
                "label {label:?} has other attributes there ({}) than here ({}); kept ours, and brought its annotations with their values",
                attribute_names(theirs),
                attribute_names(ours)
            ),
            MergeConflict::HotkeyTaken { label, hotkey } => write!(
                f,
                "label {label:?} was added without its hotkey {hotkey:?}, which a label here has"
            ),
            MergeConflict::RelationTypeEndpoints {
                relation_type,
                ours,
                theirs,
            } => write!(
                f,
                "relation type {relation_type:?} links {} there but {} here; kept ours",
                endpoints(theirs),
                endpoints(ours)
            ),
            MergeConflict::EntityMergedByAlias {
                entity_kind,
                theirs,
                ours,
            } => write!(
                f,
                "{entity_kind} {theirs:?} was merged into {ours:?} here through an alias; check that they are the same"
            ),
            MergeConflict::EntityRenamed {
                entity_kind,
                theirs,
                ours,
            } => write!(
                f,
                "{entity_kind} {ours:?} is called {theirs:?} there; kept our name, theirs became an alias"
            ),
            MergeConflict::CoderKind { coder, ours, theirs } => write!(
                f,
                "coder {coder:?} is a {theirs} there but a {ours} here; their work was attributed to ours"
            ),
            MergeConflict::SampleMembers { sample } => write!(
                f,
                "sample {sample:?} holds other documents there; kept ours and left theirs out"
            ),
            MergeConflict::Decision {
                document,
                start,
                end,
                ours,
                theirs,
            } => write!(
                f,
                "the disagreement at {start}..{end} of {document:?} was settled there as {} and here as {}; kept ours",
                settled(theirs),
                settled(ours)
            ),
            MergeConflict::SimilarDocument {
                theirs,
                ours,
                differs,
                matched: true,
            } => write!(
                f,
                "{theirs:?} there is a copy of document #{ours} here that differs in {differs}: its coding was re-anchored on our text"
            ),
            MergeConflict::SimilarDocument {
                theirs,
                ours,
                differs,
                matched: false,
            } => write!(
                f,
                "{theirs:?} there looks like document #{ours} here (it differs in {differs}) and was added as a document of its own; merge with the option to match similar copies to put its coding on #{ours}"
            ),
            MergeConflict::Skipped {
                what,
                count,
                reason,
            } => write!(f, "skipped {count} {what}: {reason}"),
        }
    }
}

fn attribute_names(attributes: &[AttributeDef]) -> String {
    if attributes.is_empty() {
        return "none".into();
    }
    let names: Vec<&str> = attributes.iter().map(|a| a.name.as_str()).collect();
    names.join(", ")
}

fn settled(accepted: &Option<String>) -> String {
    match accepted {
        Some(coder) => format!("{coder}'s version"),
        None => "rejected".into(),
    }
}

fn endpoints((from, to): &(Vec<String>, Vec<String>)) -> String {
    let side = |labels: &[String]| {
        if labels.is_empty() {
            "any label".to_string()
        } else {
            labels.join("/")
        }
    };
    format!("{} to {}", side(from), side(to))
}

impl Project {
    /// Merges the project file at `other` into this one, attributed to `annotator_id` at `now`
    /// (the merge itself is logged as one event; the other's history keeps its coders and
    /// times). All or nothing. The other file is only read. Refuses this project itself
    /// ([`StoreError::BadMerge`]), a file that is not a project, and one a newer Claimdesk
    /// wrote, changing nothing.
    ///
    /// New documents are indexed for search in the same transaction when every earlier
    /// document was indexed; otherwise they wait with the rest for
    /// [`Project::index_documents`].
    pub fn merge_project(
        &mut self,
        other: &Path,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<MergeReport> {
        self.merge_project_with(other, MergeOptions::default(), annotator_id, now)
    }

    /// [`Project::merge_project`] with options: with `match_similar`, a document there whose
    /// text differs only slightly from one here (same URL or title, and at least 90% of the
    /// text the same once whitespace, quote marks and dashes are folded) is taken as ours, and
    /// its coding re-anchored on our text; what cannot be placed is kept as orphans.
    pub fn merge_project_with(
        &mut self,
        other: &Path,
        options: MergeOptions,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<MergeReport> {
        let source = Source::open(other, self.path())?;
        let tx = self.conn.transaction()?;
        if !tx
            .prepare("SELECT 1 FROM annotators WHERE id = ?1")?
            .exists([annotator_id])?
        {
            return Err(StoreError::BadCoder(format!(
                "there is no coder {annotator_id}; say who is merging first"
            )));
        }
        source.conn.execute_batch("BEGIN DEFERRED")?;
        let mut merge = Merge::new(&tx, &source)?;
        merge.options = options;
        merge.now = now;
        merge.run()?;
        log_merge(&tx, &merge.report, &source.name, annotator_id, now)?;
        let report = merge.report;
        tx.commit()?;
        Ok(report)
    }
}

/// How a merge treats what is not the same on both sides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeOptions {
    /// Take a slightly different copy of one of our documents as ours (see
    /// [`Project::merge_project_with`]).
    pub match_similar: bool,
}

/// The least share of a text two copies must have in common to be one article.
const SIMILAR: f64 = 0.9;

/// The other project, open for reading. An older one is read from an upgraded copy, removed
/// when this is dropped.
struct Source {
    conn: Connection,
    /// Its identities were given by the upgrade of a copy, anew each time: its events are
    /// matched by what they say instead.
    upgraded: bool,
    /// The file's name, for the log.
    name: String,
    /// Declared after `conn`, so the connection is closed before its file is removed.
    _copy: Option<UpgradedCopy>,
}

impl Source {
    fn open(path: &Path, ours: &Path) -> Result<Source> {
        let canonical = std::fs::canonicalize(path).map_err(|_| {
            StoreError::BadMerge(format!(
                "there is no file at {}; check the name",
                path.display()
            ))
        })?;
        if std::fs::canonicalize(ours).ok().as_deref() == Some(canonical.as_path()) {
            return Err(StoreError::BadMerge(format!(
                "{} is this project itself; choose another project file",
                path.display()
            )));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let conn = open_read_only(path)?;
        let version = check_identity(&conn, path)?;
        if version == SCHEMA_VERSION {
            return Ok(Source {
                conn,
                upgraded: false,
                name,
                _copy: None,
            });
        }
        let copy = UpgradedCopy::upgraded(&conn, path)?;
        drop(conn);
        Ok(Source {
            conn: open_read_only(&copy.0)?,
            upgraded: true,
            name,
            _copy: Some(copy),
        })
    }
}

/// How long reading the other file waits for another program's write to it.
const WAIT_FOR_OTHER: Duration = Duration::from_secs(5);

fn open_read_only(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(WAIT_FOR_OTHER)?;
    Ok(conn)
}

/// Refuses what is not a Claimdesk project, one a newer build wrote, or a damaged one; answers
/// its schema version.
fn check_identity(conn: &Connection, path: &Path) -> Result<i64> {
    let not_a_project = || StoreError::NotAProject {
        path: path.to_path_buf(),
    };
    let read = |pragma: &str| -> Result<i64> {
        conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))
            .map_err(|e| match e.sqlite_error_code() {
                Some(ErrorCode::NotADatabase) => not_a_project(),
                _ => e.into(),
            })
    };
    if read("application_id")? != APPLICATION_ID {
        return Err(not_a_project());
    }
    let version = read("user_version")?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    let check: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            detail: check,
        });
    }
    Ok(version)
}

/// An upgraded copy of an older project in the temporary folder, removed (with SQLite's files
/// beside it) when dropped.
struct UpgradedCopy(PathBuf);

impl UpgradedCopy {
    /// `VACUUM INTO` copies a consistent snapshot, including what is still in the other's
    /// write-ahead log, through the read-only connection; opening the copy upgrades it.
    fn upgraded(conn: &Connection, path: &Path) -> Result<UpgradedCopy> {
        let copy = UpgradedCopy(
            std::env::temp_dir().join(format!("claimdesk-merge-{}.claimdesk", crate::uid::new())),
        );
        let target = copy.0.to_string_lossy().into_owned();
        conn.execute("VACUUM INTO ?1", [&target])?;
        Project::open_existing(&copy.0).map_err(|e| match e {
            StoreError::Damaged { detail, .. } => StoreError::Damaged {
                path: path.to_path_buf(),
                detail,
            },
            other => other,
        })?;
        Ok(copy)
    }
}

impl Drop for UpgradedCopy {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = self.0.as_os_str().to_owned();
            name.push(suffix);
            // Nothing to report to; a copy left behind in the temporary folder is harmless.
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    }
}

/// One merge under way: the open transaction on this project, the other's snapshot, and what
/// the other's ids have become here.
struct Merge<'a> {
    tx: &'a Connection,
    other: &'a Connection,
    upgraded: bool,
    report: MergeReport,
    coders: HashMap<i64, i64>,
    labels: HashMap<i64, i64>,
    entities: HashMap<i64, i64>,
    documents: HashMap<i64, i64>,
    annotations: HashMap<i64, i64>,
    /// Annotations by the other's identity: a change in the log names its annotation by id
    /// and identity, and an id may have been used again after a deletion.
    annotation_uids: HashMap<String, i64>,
    relations: HashMap<i64, i64>,
    relation_uids: HashMap<String, i64>,
    events: HashMap<i64, i64>,
    /// Rows this project had before the merge: matching by span or by alias looks only at
    /// these, so the other's own rows are never merged with each other.
    annotations_before: i64,
    entities_before: i64,
    /// Whether every document was in the search index before the merge.
    index_current: bool,
    options: MergeOptions,
    now: DateTime<Utc>,
    /// Their documents taken as slightly different copies of ours: theirs → (ours, our text).
    similar: HashMap<i64, (i64, String)>,
    /// Where each annotation of such a copy goes on our text, by their annotation id.
    placements: HashMap<i64, Placement>,
    /// Our ids of annotations that came in as orphans: their links go into the orphan.
    orphans: HashSet<i64>,
}

impl<'a> Merge<'a> {
    fn new(tx: &'a Connection, source: &'a Source) -> Result<Merge<'a>> {
        let newest = |table: &str| -> Result<i64> {
            Ok(tx.query_row(
                &format!("SELECT coalesce(max(id), 0) FROM {table}"),
                [],
                |r| r.get(0),
            )?)
        };
        let index_current = newest("documents")? <= index_watermark(tx)?;
        Ok(Merge {
            tx,
            other: &source.conn,
            upgraded: source.upgraded,
            report: MergeReport::default(),
            coders: HashMap::new(),
            labels: HashMap::new(),
            entities: HashMap::new(),
            documents: HashMap::new(),
            annotations: HashMap::new(),
            annotation_uids: HashMap::new(),
            relations: HashMap::new(),
            relation_uids: HashMap::new(),
            events: HashMap::new(),
            annotations_before: newest("annotations")?,
            entities_before: newest("entities")?,
            index_current,
            options: MergeOptions::default(),
            now: Utc::now(),
            similar: HashMap::new(),
            placements: HashMap::new(),
            orphans: HashSet::new(),
        })
    }

    /// Each step maps the other's ids of one kind to ours, for the steps after it.
    fn run(&mut self) -> Result<()> {
        self.merge_coders()?;
        self.merge_labels()?;
        self.merge_relation_types()?;
        self.merge_entities()?;
        self.merge_documents()?;
        self.merge_annotations()?;
        self.merge_relations()?;
        self.merge_orphans()?;
        self.merge_events()?;
        self.merge_assignments()?;
        self.merge_adjudications()?;
        self.merge_decisions()?;
        self.merge_suggestion_decisions()?;
        self.merge_samples()?;
        if self.index_current {
            index_new_documents(self.tx)?;
        }
        Ok(())
    }

    fn skipped(&mut self, what: &str, reason: &str) {
        let found = self.report.conflicts.iter_mut().find_map(|c| match c {
            MergeConflict::Skipped {
                what: w,
                reason: r,
                count,
            } if w == what && r == reason => Some(count),
            _ => None,
        });
        match found {
            Some(count) => *count += 1,
            None => self.report.conflicts.push(MergeConflict::Skipped {
                what: what.into(),
                count: 1,
                reason: reason.into(),
            }),
        }
    }

    /// Coders by name, keeping their kind (a person or the curated layer).
    fn merge_coders(&mut self) -> Result<()> {
        let mut rows = self.other.prepare(&format!(
            "SELECT {CODER_COLUMNS} FROM annotators ORDER BY id"
        ))?;
        let mut ours = self.tx.prepare(&format!(
            "SELECT {CODER_COLUMNS} FROM annotators WHERE name = ?1"
        ))?;
        let mut insert = self
            .tx
            .prepare("INSERT INTO annotators (name, created_at, kind) VALUES (?1, ?2, ?3)")?;
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            let StoredCoder {
                id,
                name,
                kind,
                created_at,
            } = StoredCoder::from_row(r)?;
            let found = ours
                .query_row([&name], StoredCoder::from_row)
                .optional()?
                .map(|ours| (ours.id, ours.kind));
            let mapped = match found {
                Some((mapped, our_kind)) => {
                    if our_kind != kind {
                        self.report.conflicts.push(MergeConflict::CoderKind {
                            coder: name,
                            ours: our_kind,
                            theirs: kind,
                        });
                    }
                    mapped
                }
                None => {
                    insert.execute((&name, &created_at, &kind))?;
                    self.report.coders_added += 1;
                    self.tx.last_insert_rowid()
                }
            };
            self.coders.insert(id, mapped);
        }
        Ok(())
    }

    /// Labels by name. A new one comes last, with its colour and attributes, and its hotkey
    /// unless one of ours has it.
    fn merge_labels(&mut self) -> Result<()> {
        for label in crate::documents::read_labels(self.other)? {
            let found = self
                .tx
                .query_row(
                    &format!("SELECT {LABEL_COLUMNS} FROM labels WHERE name = ?1"),
                    [&label.name],
                    |r| Ok(label_from_row(r)),
                )
                .optional()?
                .transpose()?;
            if let Some(Label {
                id,
                attributes: ours,
                ..
            }) = found
            {
                if !same_attributes(&ours, &label.attributes) {
                    self.report.conflicts.push(MergeConflict::LabelAttributes {
                        label: label.name.clone(),
                        ours,
                        theirs: label.attributes.clone(),
                    });
                }
                self.labels.insert(label.id, id);
                continue;
            }
            let taken = match &label.hotkey {
                Some(key) => self
                    .tx
                    .prepare("SELECT 1 FROM labels WHERE hotkey = ?1")?
                    .exists([key])?,
                None => false,
            };
            if let (true, Some(key)) = (taken, &label.hotkey) {
                self.report.conflicts.push(MergeConflict::HotkeyTaken {
                    label: label.name.clone(),
                    hotkey: key.clone(),
                });
            }
            self.tx.execute(
                "INSERT INTO labels (name, colour, hotkey, attributes, position)
                 VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(position), -1) + 1 FROM labels))",
                (
                    &label.name,
                    &label.colour,
                    label.hotkey.as_ref().filter(|_| !taken),
                    serde_json::to_string(&label.attributes)?,
                ),
            )?;
            self.labels.insert(label.id, self.tx.last_insert_rowid());
            self.report.labels_added += 1;
        }
        Ok(())
    }

    /// Relation types by name, their endpoint labels mapped by name.
    fn merge_relation_types(&mut self) -> Result<()> {
        for t in crate::schema::read_relation_types(self.other)? {
            let from = self.mapped_labels(&t.from_labels);
            let to = self.mapped_labels(&t.to_labels);
            let found = self
                .tx
                .query_row(
                    &format!("SELECT {RELATION_TYPE_COLUMNS} FROM relation_types WHERE name = ?1"),
                    [&t.name],
                    |r| Ok(relation_type_from_row(r)),
                )
                .optional()?
                .transpose()?;
            match found {
                Some(ours) => {
                    let our_from: BTreeSet<i64> = ours.from_labels.into_iter().collect();
                    let our_to: BTreeSet<i64> = ours.to_labels.into_iter().collect();
                    if our_from != from || our_to != to {
                        let ours = (self.label_names(&our_from)?, self.label_names(&our_to)?);
                        let theirs = (self.label_names(&from)?, self.label_names(&to)?);
                        self.report
                            .conflicts
                            .push(MergeConflict::RelationTypeEndpoints {
                                relation_type: t.name.clone(),
                                ours,
                                theirs,
                            });
                    }
                }
                None => {
                    self.tx.execute(
                        "INSERT INTO relation_types (name, from_labels, to_labels, position)
                         VALUES (?1, ?2, ?3,
                                 (SELECT coalesce(max(position), -1) + 1 FROM relation_types))",
                        (
                            &t.name,
                            serde_json::to_string(&from)?,
                            serde_json::to_string(&to)?,
                        ),
                    )?;
                    self.report.relation_types_added += 1;
                }
            }
        }
        Ok(())
    }

    fn mapped_labels(&self, ids: &[i64]) -> BTreeSet<i64> {
        ids.iter()
            .filter_map(|id| self.labels.get(id).copied())
            .collect()
    }

    fn label_names(&self, ids: &BTreeSet<i64>) -> Result<Vec<String>> {
        let mut stmt = self.tx.prepare("SELECT name FROM labels WHERE id = ?1")?;
        let mut names = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(name) = stmt.query_row([id], |r| r.get(0)).optional()? {
                names.push(name);
            }
        }
        Ok(names)
    }

    /// Entities by identity, then by kind and name, then by alias; aliases are unioned.
    fn merge_entities(&mut self) -> Result<()> {
        for e in crate::dataset::project_info(self.other)?.entities {
            let kind = e.kind.name();
            let by_uid: Option<(i64, String)> = self
                .tx
                .query_row(
                    &format!("SELECT {ENTITY_COLUMNS} FROM entities WHERE uid = ?1"),
                    [&e.uid],
                    |r| Ok(entity_from_row(r)),
                )
                .optional()?
                .transpose()?
                .map(|ours| (ours.id, ours.name));
            let by_name: Option<i64> = self
                .tx
                .query_row(
                    "SELECT id FROM entities WHERE kind = ?1 AND name = ?2",
                    (kind, &e.name),
                    |r| r.get(0),
                )
                .optional()?;
            let id = if let Some((id, name)) = by_uid {
                if name != e.name {
                    self.report.conflicts.push(MergeConflict::EntityRenamed {
                        entity_kind: kind.into(),
                        theirs: e.name.clone(),
                        ours: name,
                    });
                }
                self.report.entities_matched += 1;
                id
            } else if let Some(id) = by_name {
                self.report.entities_matched += 1;
                id
            } else if let Some((id, name)) = self.entity_by_alias(kind, &e.name, &e.aliases)? {
                self.report
                    .conflicts
                    .push(MergeConflict::EntityMergedByAlias {
                        entity_kind: kind.into(),
                        theirs: e.name.clone(),
                        ours: name,
                    });
                self.report.entities_merged_by_alias += 1;
                id
            } else {
                self.insert_entity(kind, &e.name, &e.uid, e.id)?
            };
            self.add_aliases(id, std::iter::once(&e.name).chain(&e.aliases))?;
            self.entities.insert(e.id, id);
        }
        Ok(())
    }

    /// Our entity of `kind` (one we had before the merge) one of whose aliases is `name`, or
    /// whose name is one of `aliases`; the oldest if several are.
    fn entity_by_alias(
        &self,
        kind: &str,
        name: &str,
        aliases: &[String],
    ) -> Result<Option<(i64, String)>> {
        let mut candidates: Vec<(i64, String)> = Vec::new();
        let mut by_alias = self.tx.prepare(&format!(
            "SELECT {} FROM entities e JOIN entity_aliases a ON a.entity_id = e.id
             WHERE e.kind = ?1 AND a.alias = ?2 AND e.id <= ?3",
            qualified("e", ENTITY_COLUMNS)
        ))?;
        for row in by_alias.query_map((kind, name, self.entities_before), |r| {
            Ok(entity_from_row(r))
        })? {
            let found = row??;
            candidates.push((found.id, found.name));
        }
        let mut by_name = self.tx.prepare(&format!(
            "SELECT {ENTITY_COLUMNS} FROM entities WHERE kind = ?1 AND name = ?2 AND id <= ?3"
        ))?;
        for alias in aliases {
            if let Some(found) = by_name
                .query_row((kind, alias, self.entities_before), |r| {
                    Ok(entity_from_row(r))
                })
                .optional()?
            {
                let found = found?;
                candidates.push((found.id, found.name));
            }
        }
        Ok(candidates.into_iter().min())
    }

    fn insert_entity(&mut self, kind: &str, name: &str, uid: &str, other_id: i64) -> Result<i64> {
        let created_at: String = self.other.query_row(
            "SELECT created_at FROM entities WHERE id = ?1",
            [other_id],
            |r| r.get(0),
        )?;
        self.tx.execute(
            "INSERT INTO entities (kind, name, created_at, uid) VALUES (?1, ?2, ?3, ?4)",
            (kind, name, created_at, crate::uid::or_new(uid)),
        )?;
        self.report.entities_added += 1;
        Ok(self.tx.last_insert_rowid())
    }

    /// Adds names as aliases of our entity `id`, except its own name.
    fn add_aliases<'n>(&self, id: i64, names: impl Iterator<Item = &'n String>) -> Result<()> {
        let mut insert = self.tx.prepare(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias)
             SELECT ?1, ?2 WHERE ?2 <> (SELECT name FROM entities WHERE id = ?1)",
        )?;
        for name in names {
            insert.execute((id, name))?;
        }
        Ok(())
    }

    /// Documents by their text's SHA-256; a new one is copied whole, under a new id.
    fn merge_documents(&mut self) -> Result<()> {
        let mut rows = self
            .other
            .prepare("SELECT id, sha256 FROM documents ORDER BY id")?;
        let mut ours = self
            .tx
            .prepare("SELECT id FROM documents WHERE sha256 = ?1")?;
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            // Just these two columns of each of their documents (not its text, read once it
            // is copied), by name.
            let (id, sha256): (i64, String) = (r.get("id")?, r.get("sha256")?);
            let mapped = match ours.query_row([&sha256], |r| r.get(0)).optional()? {
                Some(mapped) => {
                    self.report.documents_matched += 1;
                    mapped
                }
                None => match self.similar_copy(id)? {
                    Some((mapped, text)) if self.options.match_similar => {
                        self.report.documents_matched += 1;
                        self.similar.insert(id, (mapped, text));
                        mapped
                    }
                    _ => {
                        self.report.documents_added += 1;
                        self.copy_document(id)?
                    }
                },
            };
            self.documents.insert(id, mapped);
        }
        Ok(())
    }

    /// One of our documents that their document `id` is a slightly different copy of (same
    /// URL or title, most of the text the same), said in the report either way.
    fn similar_copy(&mut self, id: i64) -> Result<Option<(i64, String)>> {
        let StoredDocument {
            title, url, text, ..
        } = self.other.query_row(
            &format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?1"),
            [id],
            StoredDocument::from_row,
        )?;
        // Each half on its index (by URL, by title), not a scan of every document's text.
        let given = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
        let mut candidates = self.tx.prepare_cached(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE url = ?1
             UNION
             SELECT {DOCUMENT_COLUMNS} FROM documents
             WHERE title = ?2 COLLATE NOCASE AND title = ?2
             ORDER BY id LIMIT 8"
        ))?;
        let rows = candidates.query_map((url.as_deref().and_then(given), given(&title)), |r| {
            StoredDocument::from_row(r).map(|d| (d.id, d.text))
        })?;
        let mut best: Option<(i64, String, Likeness)> = None;
        for row in rows {
            let (ours, our_text) = row?;
            let like = likeness(&text, &our_text);
            if like.share >= SIMILAR && best.as_ref().is_none_or(|(_, _, b)| like.share > b.share) {
                best = Some((ours, our_text, like));
            }
        }
        Ok(best.map(|(ours, our_text, like)| {
            self.report.conflicts.push(MergeConflict::SimilarDocument {
                theirs: title,
                ours,
                differs: like.describe(),
                matched: self.options.match_similar,
            });
            (ours, our_text)
        }))
    }

    /// Where the annotations of their copy `document` go on our text, worked out once.
    fn place_copy(&mut self, document: i64) -> Result<()> {
        let their_text = crate::documents::read_text(self.other, document)?;
        let mut stmt = self.other.prepare(&format!(
            "SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE document_id = ?1 ORDER BY id"
        ))?;
        let rows: Vec<(i64, usize, usize)> = stmt
            .query_map([document], |r| {
                StoredAnnotation::from_row(r).map(|a| (a.id, a.start as usize, a.end as usize))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let spans: Vec<(usize, usize)> = rows.iter().map(|&(_, s, e)| (s, e)).collect();
        let (_, our_text) = &self.similar[&document];
        for ((id, _, _), placement) in rows.iter().zip(reanchor(&their_text, our_text, &spans)) {
            self.placements.insert(*id, placement);
        }
        Ok(())
    }

    fn copy_document(&self, id: i64) -> Result<i64> {
        let document = self.other.query_row(
            &format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?1"),
            [id],
            StoredDocument::from_row,
        )?;
        crate::rows::insert_document(self.tx, &document.as_row(None))
    }

    /// Annotations by identity, else by document, coder, label and span among ours; new ones
    /// keep their identity, times, attributes, note and entity.
    fn merge_annotations(&mut self) -> Result<()> {
        let other = self.other;
        let mut rows = other.prepare(&format!(
            "SELECT {ANNOTATION_COLUMNS} FROM annotations ORDER BY id"
        ))?;
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            self.merge_annotation(StoredAnnotation::from_row(r)?)?;
        }
        Ok(())
    }

    fn merge_annotation(&mut self, mut a: StoredAnnotation) -> Result<()> {
        let (Some(&document), Some(&label), Some(&coder)) = (
            self.documents.get(&a.document_id),
            self.labels.get(&a.label_id),
            self.coders.get(&a.annotator_id),
        ) else {
            self.skipped(
                "annotations",
                "their document, label or coder is missing there",
            );
            return Ok(());
        };
        // A slightly different copy: the annotation goes where its text is in ours, or in
        // with the orphans.
        if self.similar.contains_key(&a.document_id) {
            if !self.placements.contains_key(&a.id) {
                self.place_copy(a.document_id)?;
            }
            match self.placements.get(&a.id).cloned() {
                Some(Placement::Placed { start, end, .. }) => {
                    let text = &self.similar[&a.document_id].1;
                    let index = TextIndex::new(text);
                    let span = index.check(Span::new(start, end)?)?;
                    let (prefix, suffix) = index.context(span, CONTEXT_CHARS)?;
                    a.quote = index.slice(span)?.to_string();
                    (a.prefix, a.suffix) = (prefix.to_string(), suffix.to_string());
                    (a.start, a.end) = (start as i64, end as i64);
                }
                Some(Placement::Orphaned { reason }) => {
                    return self.orphan_annotation(&a, document, label, coder, reason.describe());
                }
                None => {}
            }
        }
        let mapped = match self.known_annotation(&a, document, label, coder)? {
            Some(known) => {
                self.report.annotations_present += 1;
                known
            }
            None => {
                self.report.annotations_added += 1;
                self.insert_annotation(&a, document, label, coder)?
            }
        };
        self.annotations.insert(a.id, mapped);
        if let Some(uid) = a.uid {
            self.annotation_uids.insert(uid, mapped);
        }
        Ok(())
    }

    /// Keeps an annotation of a copy that could not be placed on our text as an orphan of our
    /// document (once: an orphan with its identity is already here after an earlier merge).
    fn orphan_annotation(
        &mut self,
        a: &StoredAnnotation,
        document: i64,
        label: i64,
        coder: i64,
        reason: &str,
    ) -> Result<()> {
        let uid = crate::uid::or_new(a.uid.as_deref().unwrap_or_default());
        // Placed by hand since an earlier merge: an annotation of ours now.
        let placed: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM annotations WHERE uid = ?1")?
            .query_row([&uid], |r| r.get(0))
            .optional()?;
        if let Some(id) = placed {
            self.report.annotations_present += 1;
            self.annotations.insert(a.id, id);
            self.annotation_uids.insert(uid, id);
            return Ok(());
        }
        let known: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM orphans WHERE uid = ?1")?
            .query_row([&uid], |r| r.get(0))
            .optional()?;
        let id = match known {
            Some(id) => {
                self.report.annotations_present += 1;
                id
            }
            None => {
                let id = crate::annotations::next_annotation_id(self.tx)?;
                let annotation = Annotation {
                    id,
                    uid: uid.clone(),
                    document_id: document,
                    label_id: label,
                    start: a.start as usize,
                    end: a.end as usize,
                    quote: a.quote.clone(),
                    prefix: a.prefix.clone(),
                    suffix: a.suffix.clone(),
                    attributes: serde_json::from_str(&a.attributes)?,
                    note: a.note.clone(),
                    entity_id: a.entity_id.and_then(|e| self.entities.get(&e).copied()),
                    annotator_id: coder,
                    created_at: time::from_sql(&a.created_at)?,
                    updated_at: time::from_sql(&a.updated_at)?,
                };
                crate::rows::insert_orphan(
                    self.tx,
                    &annotation,
                    &[],
                    &format!("merged from a copy whose text differs: {reason}"),
                    &time::to_sql(self.now),
                )?;
                self.report.annotations_orphaned += 1;
                id
            }
        };
        self.orphans.insert(id);
        self.annotations.insert(a.id, id);
        if let Some(uid) = &a.uid {
            self.annotation_uids.insert(uid.clone(), id);
        }
        Ok(())
    }

    /// A link with an end among the orphans goes into the orphans it touches, so placing them
    /// brings it back.
    fn orphan_relation(
        &mut self,
        r: &StoredRelation,
        from: i64,
        to: i64,
        coder: i64,
    ) -> Result<()> {
        let uid = crate::uid::or_new(r.uid.as_deref().unwrap_or_default());
        let id = crate::annotations::next_relation_id(self.tx)?;
        let relation = Relation {
            id,
            uid: uid.clone(),
            kind: r.kind.clone(),
            from_id: from,
            to_id: to,
            annotator_id: coder,
            created_at: time::from_sql(&r.created_at)?,
        };
        for end in [from, to] {
            if !self.orphans.contains(&end) {
                continue;
            }
            let kept: String =
                self.tx
                    .query_row("SELECT relations FROM orphans WHERE id = ?1", [end], |r| {
                        r.get(0)
                    })?;
            let mut kept: Vec<Relation> = serde_json::from_str(&kept)?;
            if kept.iter().any(|k| k.uid == uid) {
                continue;
            }
            kept.push(relation.clone());
            self.tx.execute(
                "UPDATE orphans SET relations = ?2 WHERE id = ?1",
                (end, serde_json::to_string(&kept)?),
            )?;
        }
        crate::import::ensure_relation_type(self.tx, &r.kind)?;
        Ok(())
    }

    /// Ours with the annotation's identity, or one we had before the merge on the same span
    /// with the same label by the same coder.
    fn known_annotation(
        &self,
        a: &StoredAnnotation,
        document: i64,
        label: i64,
        coder: i64,
    ) -> Result<Option<i64>> {
        if let Some(uid) = &a.uid {
            let known = self
                .tx
                .prepare_cached("SELECT id FROM annotations WHERE uid = ?1")?
                .query_row([uid], |r| r.get(0))
                .optional()?;
            if known.is_some() {
                return Ok(known);
            }
        }
        Ok(self
            .tx
            .prepare_cached(
                "SELECT id FROM annotations WHERE document_id = ?1 AND start = ?2 AND end = ?3
                 AND label_id = ?4 AND annotator_id = ?5 AND id <= ?6 ORDER BY id LIMIT 1",
            )?
            .query_row(
                (
                    document,
                    a.start,
                    a.end,
                    label,
                    coder,
                    self.annotations_before,
                ),
                |r| r.get(0),
            )
            .optional()?)
    }

    fn insert_annotation(
        &self,
        a: &StoredAnnotation,
        document: i64,
        label: i64,
        coder: i64,
    ) -> Result<i64> {
        crate::rows::insert_annotation(
            self.tx,
            &crate::rows::AnnotationRow {
                id: None,
                uid: &crate::uid::or_new(a.uid.as_deref().unwrap_or_default()),
                document_id: document,
                label_id: label,
                start: a.start,
                end: a.end,
                quote: &a.quote,
                prefix: &a.prefix,
                suffix: &a.suffix,
                attributes: &a.attributes,
                note: a.note.as_deref(),
                entity_id: a.entity_id.and_then(|e| self.entities.get(&e).copied()),
                annotator_id: coder,
                created_at: &a.created_at,
                updated_at: &a.updated_at,
            },
        )
    }

    /// Their orphans (annotations a replaced text left without a place) become ours, with
    /// their links where both ends came over; one we have (as an orphan or, placed, as an
    /// annotation) by its identity is not taken twice.
    fn merge_orphans(&mut self) -> Result<()> {
        let mut rows = self
            .other
            .prepare(&format!("SELECT {ORPHAN_COLUMNS} FROM orphans ORDER BY id"))?;
        let orphans: Vec<StoredOrphan> = rows
            .query_map([], StoredOrphan::from_row)?
            .collect::<rusqlite::Result<_>>()?;
        // Their ids of orphans, to ours: links between two orphans are remapped through both.
        let mut ids: HashMap<i64, i64> = HashMap::new();
        let mut taken: Vec<(Annotation, Vec<Relation>, String, String)> = Vec::new();
        // Their orphans are numbered from here on, past every annotation and orphan of ours.
        let mut next_id = crate::annotations::next_annotation_id(self.tx)?;
        for StoredOrphan {
            annotation,
            relations,
            reason,
            orphaned_at: at,
        } in orphans
        {
            let mut a: Annotation = serde_json::from_str(&annotation)?;
            let relations: Vec<Relation> = serde_json::from_str(&relations)?;
            let (Some(&document), Some(&label), Some(&coder)) = (
                self.documents.get(&a.document_id),
                self.labels.get(&a.label_id),
                self.coders.get(&a.annotator_id),
            ) else {
                self.skipped("orphans", "their document, label or coder is missing there");
                continue;
            };
            let known: Option<i64> = self.tx.query_row(
                "SELECT coalesce((SELECT id FROM orphans WHERE uid = ?1),
                                 (SELECT id FROM annotations WHERE uid = ?1))",
                [&a.uid],
                |r| r.get(0),
            )?;
            if let Some(known) = known {
                ids.insert(a.id, known);
                self.report.annotations_present += 1;
                continue;
            }
            let id = next_id;
            next_id += 1;
            ids.insert(a.id, id);
            (a.id, a.document_id, a.label_id, a.annotator_id) = (id, document, label, coder);
            a.entity_id = a.entity_id.and_then(|e| self.entities.get(&e).copied());
            taken.push((a, relations, reason, at));
        }
        // Written once every one has its id, so links between two of them are remapped too.
        for (a, relations, reason, at) in taken {
            let end = |their: i64| {
                ids.get(&their)
                    .or_else(|| self.annotations.get(&their))
                    .copied()
            };
            let relations: Vec<Relation> = relations
                .into_iter()
                .filter_map(|mut r| {
                    let (from, to) = (end(r.from_id)?, end(r.to_id)?);
                    let coder = self.coders.get(&r.annotator_id).copied()?;
                    (r.from_id, r.to_id, r.annotator_id) = (from, to, coder);
                    Some(r)
                })
                .collect();
            crate::rows::insert_orphan(self.tx, &a, &relations, &reason, &at)?;
            self.report.annotations_orphaned += 1;
        }
        Ok(())
    }

    /// Links by identity, else by kind and (mapped) endpoints.
    fn merge_relations(&mut self) -> Result<()> {
        let other = self.other;
        let mut rows = other.prepare(&format!(
            "SELECT {RELATION_COLUMNS} FROM relations ORDER BY id"
        ))?;
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            self.merge_relation(StoredRelation::from_row(r)?)?;
        }
        Ok(())
    }

    fn merge_relation(&mut self, r: StoredRelation) -> Result<()> {
        let (Some(&from), Some(&to), Some(&coder)) = (
            self.annotations.get(&r.from_id),
            self.annotations.get(&r.to_id),
            self.coders.get(&r.annotator_id),
        ) else {
            self.skipped(
                "links",
                "an annotation or the coder they link is missing there",
            );
            return Ok(());
        };
        if self.orphans.contains(&from) || self.orphans.contains(&to) {
            return self.orphan_relation(&r, from, to, coder);
        }
        if from == to {
            self.skipped(
                "links",
                "both ends are one annotation here (two of theirs matched the same one)",
            );
            return Ok(());
        }
        let mapped = match self.known_relation(&r, from, to)? {
            Some(known) => {
                self.report.relations_present += 1;
                known
            }
            None => {
                crate::import::ensure_relation_type(self.tx, &r.kind)?;
                self.report.relations_added += 1;
                crate::rows::insert_relation(
                    self.tx,
                    &crate::rows::RelationRow {
                        id: None,
                        uid: &crate::uid::or_new(r.uid.as_deref().unwrap_or_default()),
                        kind: &r.kind,
                        from_id: from,
                        to_id: to,
                        annotator_id: coder,
                        created_at: &r.created_at,
                    },
                )?
            }
        };
        self.relations.insert(r.id, mapped);
        if let Some(uid) = r.uid {
            self.relation_uids.insert(uid, mapped);
        }
        Ok(())
    }

    fn known_relation(&self, r: &StoredRelation, from: i64, to: i64) -> Result<Option<i64>> {
        if let Some(uid) = &r.uid {
            let known = self
                .tx
                .prepare_cached("SELECT id FROM relations WHERE uid = ?1")?
                .query_row([uid], |r| r.get(0))
                .optional()?;
            if known.is_some() {
                return Ok(known);
            }
        }
        Ok(self
            .tx
            .prepare_cached(
                "SELECT id FROM relations WHERE from_id = ?1 AND to_id = ?2 AND kind = ?3
                 ORDER BY id LIMIT 1",
            )?
            .query_row((from, to, &r.kind), |r| r.get(0))
            .optional()?)
    }

    /// The history of the other's documents: each event we lack, its ids mapped to ours. They
    /// are history, not edits of this project: none goes on an undo stack.
    fn merge_events(&mut self) -> Result<()> {
        let other = self.other;
        let mut rows = other.prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE document_id IS NOT NULL ORDER BY id"
        ))?;
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            self.merge_event(StoredEvent::from_row(r)?)?;
        }
        Ok(())
    }

    fn merge_event(&mut self, e: StoredEvent) -> Result<()> {
        let tx = self.tx;
        if let Some(uid) = &e.uid {
            let known: Option<i64> = tx
                .prepare_cached("SELECT id FROM events WHERE uid = ?1")?
                .query_row([uid], |r| r.get(0))
                .optional()?;
            if let Some(known) = known {
                self.events.insert(e.id, known);
                return Ok(());
            }
        }
        let (Some(&document), Some(&coder)) = (
            e.document_id.and_then(|d| self.documents.get(&d)),
            self.coders.get(&e.annotator_id),
        ) else {
            self.skipped(
                "history entries",
                "their document or coder is missing there",
            );
            return Ok(());
        };
        let Some(payload) = self.remap_payload(&e.action, &e.payload)? else {
            self.skipped(
                "history entries",
                "they record a kind of change this version cannot carry over",
            );
            return Ok(());
        };
        if self.upgraded {
            if let Some(known) = self.same_event(&e, coder, document, &payload)? {
                self.events.insert(e.id, known);
                return Ok(());
            }
        }
        let target = e.target_id.and_then(|t| self.events.get(&t).copied());
        let id = crate::rows::append_event(
            tx,
            &crate::rows::EventRow {
                uid: &crate::uid::or_new(e.uid.as_deref().unwrap_or_default()),
                at: &e.at,
                annotator_id: coder,
                action: &e.action,
                target_id: target,
                kind: &e.kind,
                document_id: Some(document),
                payload: &payload,
                global: None,
            },
        )?;
        self.events.insert(e.id, id);
        self.report.events_added += 1;
        Ok(())
    }

    /// An event of ours saying exactly what `e` says (for a file upgraded from before
    /// identities, whose events are given new ones each time it is read).
    fn same_event(
        &self,
        e: &StoredEvent,
        coder: i64,
        document: i64,
        payload: &str,
    ) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT id FROM events WHERE document_id = ?1 AND at = ?2 AND annotator_id = ?3
                 AND action = ?4 AND kind = ?5 AND payload = ?6 LIMIT 1",
            )?
            .query_row((document, &e.at, coder, &e.action, &e.kind, payload), |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// The payload with the other's ids replaced by ours, or `None` for a change this merge
    /// does not know how to map. A change is mapped field by field; an import's entry names
    /// its document as `id`.
    fn remap_payload(&self, action: &str, payload: &str) -> Result<Option<String>> {
        if let Ok(change) = serde_json::from_str::<Change>(payload) {
            return match self.remap_change(change) {
                Some(change) => Ok(Some(serde_json::to_string(&change)?)),
                None => Ok(None),
            };
        }
        if action != "import" {
            return Ok(None);
        }
        let mut value: serde_json::Value = serde_json::from_str(payload)?;
        if let Some(id) = value.get("id").and_then(serde_json::Value::as_i64) {
            value["id"] = serde_json::Value::from(mapped(&self.documents, id));
        }
        Ok(Some(value.to_string()))
    }

    /// An id with no counterpart here (an annotation since deleted there) becomes its negation,
    /// which no row has, so the entry never attaches to another annotation.
    fn remap_change(&self, change: Change) -> Option<Change> {
        Some(match change {
            Change::AnnotationCreated {
                annotation,
                relations,
            } => Change::AnnotationCreated {
                annotation: self.remap_annotation(annotation),
                relations: self.remap_relations(relations),
            },
            Change::AnnotationDeleted {
                annotation,
                relations,
            } => Change::AnnotationDeleted {
                annotation: self.remap_annotation(annotation),
                relations: self.remap_relations(relations),
            },
            Change::AnnotationUpdated { before, after } => Change::AnnotationUpdated {
                before: self.remap_annotation(before),
                after: self.remap_annotation(after),
            },
            Change::RelationCreated {
                relation,
                document_id,
            } => Change::RelationCreated {
                relation: self.remap_relation(relation),
                document_id: mapped(&self.documents, document_id),
            },
            Change::RelationDeleted {
                relation,
                document_id,
            } => Change::RelationDeleted {
                relation: self.remap_relation(relation),
                document_id: mapped(&self.documents, document_id),
            },
            Change::DecisionRecorded { decision } => Change::DecisionRecorded {
                decision: self.remap_decision(decision),
            },
            Change::DecisionRemoved { decision } => Change::DecisionRemoved {
                decision: self.remap_decision(decision),
            },
            Change::Several { changes } => Change::Several {
                changes: changes
                    .into_iter()
                    .map(|c| self.remap_change(c))
                    .collect::<Option<_>>()?,
            },
            // A decision on suggestions is history here; the decision rows stay with the
            // project they were made in (a run of the finder here proposes afresh).
            Change::SuggestionsDecided {
                document_id,
                coder,
                keys,
                before,
                after,
                changes,
            } => Change::SuggestionsDecided {
                document_id: mapped(&self.documents, document_id),
                coder: mapped(&self.coders, coder),
                keys,
                before,
                after,
                changes: changes
                    .into_iter()
                    .map(|c| self.remap_change(c))
                    .collect::<Option<_>>()?,
            },
            // Changes of the schema and of entities concern no document and are not brought;
            // a kind added later is left out until it is mapped here.
            _ => return None,
        })
    }

    fn remap_annotation(&self, a: Annotation) -> Annotation {
        let id = match self.annotation_uids.get(&a.uid) {
            Some(&id) => id,
            None if a.uid.is_empty() => mapped(&self.annotations, a.id),
            None => -a.id,
        };
        Annotation {
            id,
            document_id: mapped(&self.documents, a.document_id),
            label_id: mapped(&self.labels, a.label_id),
            entity_id: a.entity_id.map(|e| mapped(&self.entities, e)),
            annotator_id: mapped(&self.coders, a.annotator_id),
            ..a
        }
    }

    fn remap_decision(&self, d: Decision) -> Decision {
        Decision {
            document_id: mapped(&self.documents, d.document_id),
            ..d
        }
    }

    fn remap_relations(&self, relations: Vec<Relation>) -> Vec<Relation> {
        relations
            .into_iter()
            .map(|r| self.remap_relation(r))
            .collect()
    }

    fn remap_relation(&self, r: Relation) -> Relation {
        let id = match self.relation_uids.get(&r.uid) {
            Some(&id) => id,
            None if r.uid.is_empty() => mapped(&self.relations, r.id),
            None => -r.id,
        };
        Relation {
            id,
            from_id: mapped(&self.annotations, r.from_id),
            to_id: mapped(&self.annotations, r.to_id),
            annotator_id: mapped(&self.coders, r.annotator_id),
            ..r
        }
    }

    /// Who codes what: a pair both projects have keeps the earlier assignment and the earlier
    /// "done", so the order of merges does not matter.
    fn merge_assignments(&mut self) -> Result<()> {
        let mut rows = self
            .other
            .prepare("SELECT annotator_id, document_id, assigned_at, done_at FROM assignments")?;
        let mut insert = self.tx.prepare(
            "INSERT INTO assignments (annotator_id, document_id, assigned_at, done_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO UPDATE SET
                 assigned_at = min(assigned_at, excluded.assigned_at),
                 done_at = CASE WHEN done_at IS NULL OR excluded.done_at IS NULL
                                THEN coalesce(done_at, excluded.done_at)
                                ELSE min(done_at, excluded.done_at) END",
        )?;
        let mut exists = self
            .tx
            .prepare("SELECT 1 FROM assignments WHERE annotator_id = ?1 AND document_id = ?2")?;
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            let (Some(coder), Some(document)) = (
                self.coders.get(&r.get::<_, i64>(0)?).copied(),
                self.documents.get(&r.get::<_, i64>(1)?).copied(),
            ) else {
                self.skipped("assignments", "their document or coder is missing there");
                continue;
            };
            if !exists.exists((coder, document))? {
                self.report.assignments_added += 1;
            }
            insert.execute((
                coder,
                document,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))?;
        }
        Ok(())
    }

    /// Adjudicated documents: the earlier adjudication of a document both projects have stands.
    fn merge_adjudications(&mut self) -> Result<()> {
        let mut rows = self
            .other
            .prepare("SELECT document_id, annotator_id, adjudicated_at FROM adjudications")?;
        let mut insert = self.tx.prepare(
            "INSERT INTO adjudications (document_id, annotator_id, adjudicated_at)
             VALUES (?1, ?2, ?3)
             ON CONFLICT DO UPDATE SET annotator_id = excluded.annotator_id,
                                       adjudicated_at = excluded.adjudicated_at
             WHERE excluded.adjudicated_at < adjudicated_at",
        )?;
        let mut exists = self
            .tx
            .prepare("SELECT 1 FROM adjudications WHERE document_id = ?1")?;
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            let (Some(document), Some(coder)) = (
                self.documents.get(&r.get::<_, i64>(0)?).copied(),
                self.coders.get(&r.get::<_, i64>(1)?).copied(),
            ) else {
                self.skipped("adjudications", "their document or coder is missing there");
                continue;
            };
            if !exists.exists([document])? {
                self.report.adjudications_added += 1;
            }
            insert.execute((document, coder, r.get::<_, String>(2)?))?;
        }
        Ok(())
    }

    /// How each disagreement was settled, by document and stretch of text: a stretch both
    /// projects settled differently keeps our decision and is reported.
    /// A coder's decisions on suggestions, so what they rejected there is not proposed to them
    /// here. A mention's key names its entity, whose id changes with the merge.
    fn merge_suggestion_decisions(&mut self) -> Result<()> {
        let mut rows = self.other.prepare(
            "SELECT document_id, key, annotator_id, decision, decided_at FROM suggestion_decisions",
        )?;
        let mut insert = self.tx.prepare(
            "INSERT INTO suggestion_decisions (document_id, key, annotator_id, decision, decided_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        )?;
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            let (Some(document), Some(coder)) = (
                self.documents.get(&r.get::<_, i64>(0)?).copied(),
                self.coders.get(&r.get::<_, i64>(2)?).copied(),
            ) else {
                self.skipped(
                    "suggestion decisions",
                    "their document or coder is missing there",
                );
                continue;
            };
            let key: String = r.get(1)?;
            let key = match key
                .strip_prefix("m:")
                .and_then(|rest| rest.rsplit_once(':'))
            {
                Some((span, entity)) => {
                    match entity.parse().ok().and_then(|e| self.entities.get(&e)) {
                        Some(mapped) => format!("m:{span}:{mapped}"),
                        None => continue,
                    }
                }
                None => key,
            };
            let added = insert.execute((
                document,
                &key,
                coder,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))?;
            self.report.suggestion_decisions_added += added as u64;
        }
        Ok(())
    }

    fn merge_decisions(&mut self) -> Result<()> {
        let other = self.other;
        let mut rows = other
            .prepare("SELECT document_id, start, end, accepted FROM adjudication_decisions")?;
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            let Some(&document) = self.documents.get(&r.get::<_, i64>(0)?) else {
                self.skipped("adjudication decisions", "their document is missing there");
                continue;
            };
            let (start, end, accepted): (i64, i64, Option<String>) =
                (r.get(1)?, r.get(2)?, r.get(3)?);
            let ours: Option<Option<String>> = self
                .tx
                .prepare_cached(
                    "SELECT accepted FROM adjudication_decisions
                     WHERE document_id = ?1 AND start = ?2 AND end = ?3",
                )?
                .query_row((document, start, end), |r| r.get(0))
                .optional()?;
            match ours {
                Some(ours) if ours == accepted => {}
                Some(ours) => self.report.conflicts.push(MergeConflict::Decision {
                    document: self.document_title(document)?,
                    start,
                    end,
                    ours,
                    theirs: accepted,
                }),
                None => {
                    self.tx.execute(
                        "INSERT INTO adjudication_decisions (document_id, start, end, accepted)
                         VALUES (?1, ?2, ?3, ?4)",
                        (document, start, end, &accepted),
                    )?;
                    self.report.decisions_added += 1;
                }
            }
        }
        Ok(())
    }

    fn document_title(&self, id: i64) -> Result<String> {
        Ok(self
            .tx
            .query_row("SELECT title FROM documents WHERE id = ?1", [id], |r| {
                r.get(0)
            })?)
    }

    /// Samples by name: one we lack comes with its documents; one we have with other
    /// documents is reported and left out.
    fn merge_samples(&mut self) -> Result<()> {
        let sets: Vec<(i64, String, String, String)> = self
            .other
            .prepare("SELECT id, name, drawn, created_at FROM document_sets ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, name, drawn, created_at) in sets {
            let theirs: BTreeSet<i64> = members(self.other, id)?
                .into_iter()
                .filter_map(|d| self.documents.get(&d).copied())
                .collect();
            let ours: Option<i64> = self
                .tx
                .query_row(
                    "SELECT id FROM document_sets WHERE name = ?1",
                    [&name],
                    |r| r.get(0),
                )
                .optional()?;
            match ours {
                Some(ours) if members(self.tx, ours)? == theirs => {}
                Some(_) => self
                    .report
                    .conflicts
                    .push(MergeConflict::SampleMembers { sample: name }),
                None => {
                    self.tx.execute(
                        "INSERT INTO document_sets (name, drawn, created_at) VALUES (?1, ?2, ?3)",
                        (&name, &drawn, &created_at),
                    )?;
                    let set = self.tx.last_insert_rowid();
                    let mut insert = self.tx.prepare(
                        "INSERT INTO document_set_members (set_id, document_id) VALUES (?1, ?2)",
                    )?;
                    for document in theirs {
                        insert.execute((set, document))?;
                    }
                    self.report.samples_added += 1;
                }
            }
        }
        Ok(())
    }
}

fn mapped(map: &HashMap<i64, i64>, id: i64) -> i64 {
    map.get(&id).copied().unwrap_or(-id)
}

fn members(conn: &Connection, set: i64) -> Result<BTreeSet<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT document_id FROM document_set_members WHERE set_id = ?1")?;
    let ids = stmt
        .query_map([set], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Attribute definitions are the same when they define the same attributes, in any order.
fn same_attributes(ours: &[AttributeDef], theirs: &[AttributeDef]) -> bool {
    let sorted = |defs: &[AttributeDef]| {
        let mut defs = defs.to_vec();
        defs.sort_by(|a, b| a.name.cmp(&b.name));
        defs
    };
    sorted(ours) == sorted(theirs)
}

/// Indexes the documents the merge added, in id order, as an import's commit does.
fn index_new_documents(conn: &Connection) -> Result<()> {
    conn.execute(
        "INSERT INTO documents_fts (rowid, title, text)
         SELECT id, title, text FROM documents WHERE id > ?1 ORDER BY id",
        [index_watermark(conn)?],
    )?;
    Ok(())
}

/// Logs the merge as one entry: what it brought and from which file.
fn log_merge(
    conn: &Connection,
    report: &MergeReport,
    file: &str,
    annotator_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut payload = serde_json::to_value(report)?;
    payload["conflicts"] = serde_json::Value::from(report.conflicts.len());
    payload["file"] = serde_json::Value::from(file);
    crate::rows::append_event(
        conn,
        &crate::rows::EventRow {
            uid: &crate::uid::new(),
            at: &time::to_sql(now),
            annotator_id,
            action: "import",
            target_id: None,
            kind: "project_merged",
            document_id: None,
            payload: &payload.to_string(),
            global: None,
        },
    )?;
    Ok(())
}
