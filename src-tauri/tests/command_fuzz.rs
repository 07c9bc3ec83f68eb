//! Every command, fed random and malformed arguments through Tauri's real IPC layer (the mock
//! runtime, the app's own handler list, an `AppState` over a real project in a temporary
//! folder). For each call it checks that nothing panicked, that a refusal is an error object
//! with a stable `code` and a bounded `message`, and that a refused call left every row of every
//! table of the project as it was.
//!
//! `CLAIMDESK_FUZZ_CASES` sets the cases per command (default 500), `CLAIMDESK_FUZZ_SEED` the
//! seed (default: from the clock; it is printed, so a failure can be replayed).
//!
//! A second, shorter pass does the same over a file that is not a project (the window `main`
//! opens to say so): every command refuses properly or works without it, and the file stays
//! as it was.
//!
//! Paths handed to commands that read or write files are always inside the temporary folder
//! (`restore_backup` gets any string: names are looked up among the backups, never joined as
//! paths). The commands that open native dialogs only ever get arguments of the wrong type, and
//! the dialog plugin is not installed, so a call that got through would panic, not open one.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::{json, Map, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

use claimdesk_core::{NewDocument, Span};
use claimdesk_formats::write::ExportFormat;
use claimdesk_store::{ImportOutcome, Project};

use claimdesk::args::{
    checked_path, import_paths as checked_import_paths, shown, Arg, MAX_SEARCH_BYTES,
};
use claimdesk::dto::ExportRequestDto;
use claimdesk::error::Code;
use claimdesk::state::AppState;

const DEFAULT_CASES: usize = 500;
/// Longest error message accepted: refusals must not echo megabytes of input back.
const MAX_MESSAGE_BYTES: usize = 2_000;
/// A call that has not answered after this long is reported as hung.
const HANG: Duration = Duration::from_secs(120);

/// Every command the app declares (build.rs), so a new command cannot go unfuzzed.
const DECLARED: &str = include_str!("../build.rs");

static PANICS: AtomicUsize = AtomicUsize::new(0);

// ---------------------------------------------------------------------------------------------
// Random numbers: SplitMix64, seeded, so a run can be replayed.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The project and what is in it.

/// A document as the fuzz sees it: its length and positions in UTF-16 code units.
#[derive(Clone)]
struct Doc {
    id: i64,
    /// The text, to make corrected versions of it.
    text: String,
    len16: usize,
    /// Every position on a character boundary, 0 and the end included.
    boundaries: Vec<usize>,
    /// Positions between the two halves of a surrogate pair.
    inside: Vec<usize>,
}

impl Doc {
    fn new(id: i64, text: &str) -> Doc {
        let (mut boundaries, mut inside, mut at) = (vec![0], Vec::new(), 0);
        for c in text.chars() {
            if c.len_utf16() == 2 {
                inside.push(at + 1);
            }
            at += c.len_utf16();
            boundaries.push(at);
        }
        Doc {
            id,
            text: text.to_string(),
            len16: at,
            boundaries,
            inside,
        }
    }

    /// A non-empty span on character boundaries.
    fn span(&self, rng: &mut Rng) -> (usize, usize) {
        let a = rng.below(self.boundaries.len() - 1);
        let b = a + 1 + rng.below((self.boundaries.len() - 1 - a).min(40));
        (self.boundaries[a], self.boundaries[b])
    }

    /// Any position worth trying: boundaries, inside a character, the ends, past the end.
    fn offset(&self, rng: &mut Rng) -> usize {
        match rng.below(10) {
            0..=2 => *rng.pick(&self.boundaries),
            3 | 4 if !self.inside.is_empty() => *rng.pick(&self.inside),
            5 => self.len16 + 1 + rng.below(3),
            6 => *rng.pick(&[
                usize::MAX,
                usize::MAX - 1,
                1 << 32,
                (1 << 32) + 1,
                u32::MAX as usize,
            ]),
            7 => self.len16,
            _ => rng.below(self.len16 + 2),
        }
    }

    /// What `create_annotation` must answer for these offsets and a label that exists or not.
    fn expected(&self, start: usize, end: usize, label_exists: bool) -> Expect {
        let place = |offset: usize| {
            if offset > self.len16 {
                Some(Code::OffsetOutOfRange)
            } else if self.boundaries.binary_search(&offset).is_err() {
                Some(Code::OffsetInsideCharacter)
            } else {
                None
            }
        };
        let code = if start > end {
            Code::OffsetReversed
        } else if let Some(code) = place(start).or_else(|| place(end)) {
            code
        } else if !label_exists {
            Code::UnknownLabel
        } else if start == end {
            Code::EmptySpan
        } else {
            return Expect::Accept;
        };
        Expect::Reject(vec![code])
    }
}

/// What is in the project now, read back after every accepted call.
struct Live {
    docs: Vec<Doc>,
    labels: Vec<(i64, String)>,
    annotations: Vec<i64>,
    /// Annotations set aside by a replaced text.
    orphans: Vec<i64>,
    /// Suggestions kept: their document and key.
    suggestions: Vec<(i64, String)>,
    backups: Vec<String>,
    /// Documents whose disagreements blind mode keeps closed: not adjudicated, and a coder
    /// assigned to them has not marked them done.
    closed: Vec<i64>,
}

impl Live {
    /// Ids are not kept across reads: after a restore, a new import can reuse an id.
    fn read(conn: &Connection, project: &Path) -> Live {
        let ids = |sql: &str| -> Vec<i64> {
            let mut stmt = conn.prepare(sql).unwrap();
            let rows = stmt.query_map([], |r| r.get(0)).unwrap();
            rows.collect::<Result<_, _>>().unwrap()
        };
        let mut stmt = conn
            .prepare("SELECT id, text FROM documents ORDER BY id")
            .unwrap();
        let docs = stmt
            .query_map([], |r| Ok(Doc::new(r.get(0)?, &r.get::<_, String>(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut stmt = conn
            .prepare("SELECT id, name FROM labels ORDER BY id")
            .unwrap();
        let labels = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        Live {
            docs,
            labels,
            annotations: ids("SELECT id FROM annotations ORDER BY id"),
            orphans: ids("SELECT id FROM orphans ORDER BY id"),
            suggestions: {
                let mut stmt = conn
                    .prepare("SELECT document_id, key FROM suggestions ORDER BY id")
                    .unwrap();
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
                rows.collect::<Result<_, _>>().unwrap()
            },
            closed: ids("SELECT DISTINCT s.document_id FROM assignments s
                 WHERE s.done_at IS NULL
                   AND EXISTS (SELECT 1 FROM project_settings
                               WHERE key = 'blind_mode' AND value = 'true')
                   AND s.document_id NOT IN (SELECT document_id FROM adjudications)"),
            backups: claimdesk_store::backups(project)
                .unwrap()
                .into_iter()
                .map(|b| b.name)
                .collect(),
        }
    }

    fn doc(&self, rng: &mut Rng) -> &Doc {
        rng.pick(&self.docs)
    }

    /// A label that exists (the fuzz never deletes the last ones).
    fn label(&self, rng: &mut Rng) -> i64 {
        if self.labels.is_empty() {
            return 1;
        }
        rng.pick(&self.labels).0
    }

    fn missing_document(&self, rng: &mut Rng) -> i64 {
        let max = self.docs.iter().map(|d| d.id).max().unwrap_or(0);
        missing_id(rng, max, |id| self.docs.iter().any(|d| d.id == id))
    }

    fn missing_label(&self, rng: &mut Rng) -> i64 {
        let max = self.labels.iter().map(|l| l.0).max().unwrap_or(0);
        missing_id(rng, max, |id| self.labels.iter().any(|l| l.0 == id))
    }

    /// An id that is neither an annotation nor an orphan.
    fn missing_orphan(&self, rng: &mut Rng) -> i64 {
        let max = self
            .annotations
            .iter()
            .chain(&self.orphans)
            .copied()
            .max()
            .unwrap_or(0);
        missing_id(rng, max, |id| {
            self.annotations.contains(&id) || self.orphans.contains(&id)
        })
    }

    fn missing_annotation(&self, rng: &mut Rng) -> i64 {
        let max = self.annotations.iter().copied().max().unwrap_or(0);
        missing_id(rng, max, |id| self.annotations.contains(&id))
    }
}

/// An id that does not exist: extremes, zero, negatives, just past the largest.
fn missing_id(rng: &mut Rng, max: i64, exists: impl Fn(i64) -> bool) -> i64 {
    loop {
        let id = match rng.below(6) {
            0 => *rng.pick(&[i64::MIN, i64::MIN + 1, -1, 0, i64::MAX, i64::MAX - 1]),
            1 => max.saturating_add(1 + rng.below(1000) as i64),
            2 => -(rng.below(1 << 20) as i64),
            3 => 1 << (32 + rng.below(31)),
            _ => rng.next() as i64,
        };
        if !exists(id) {
            return id;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The database digest: every row of every table, through a connection of its own.

type Digest = BTreeMap<String, u64>;

fn digest(conn: &Connection) -> Digest {
    let mut tables: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    // Statements kept beside the coding are derived from it: a read brings them up to date,
    // which changes nothing of the project (the store's tests check they are the coding's).
    tables.retain(|t| t != "statement_rows" && t != "statements_stale");
    tables.push("sqlite_schema".into());
    let mut digest = Digest::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{}\"", table.replace('"', "\"\"")))
            .unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        let mut hashes = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            let mut h = DefaultHasher::new();
            for i in 0..columns {
                match row.get_ref(i).unwrap() {
                    ValueRef::Null => 0u8.hash(&mut h),
                    ValueRef::Integer(v) => (1u8, v).hash(&mut h),
                    ValueRef::Real(v) => (2u8, v.to_bits()).hash(&mut h),
                    ValueRef::Text(v) => (3u8, v).hash(&mut h),
                    ValueRef::Blob(v) => (4u8, v).hash(&mut h),
                }
            }
            hashes.push(h.finish());
        }
        // Rows in any order: a table scan's order is not part of the data.
        hashes.sort_unstable();
        let mut h = DefaultHasher::new();
        hashes.hash(&mut h);
        digest.insert(table, h.finish());
    }
    for pragma in ["user_version", "application_id"] {
        let value: i64 = conn
            .query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))
            .unwrap();
        digest.insert(format!("PRAGMA {pragma}"), value as u64);
    }
    digest
}

fn changed_tables(before: &Digest, after: &Digest) -> Vec<String> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Cases.

#[derive(Clone, Debug, PartialEq)]
enum Expect {
    Accept,
    /// Refused, with one of these codes.
    Reject(Vec<Code>),
    /// Either way (e.g. a search the export thread may find malformed).
    Either,
}

struct Case {
    body: InvokeBody,
    expect: Expect,
    /// For failure reports.
    what: String,
}

impl Case {
    fn new(what: impl Into<String>, args: Value, expect: Expect) -> Case {
        Case {
            body: InvokeBody::Json(args),
            expect,
            what: what.into(),
        }
    }
}

/// What a generator may use: randomness, the project as it is, and the temporary folder.
struct Ctx<'a> {
    rng: &'a mut Rng,
    live: &'a Live,
    tmp: &'a Path,
    /// The case number for this command: the first few are fixed edge cases.
    n: usize,
    /// A counter for unique file names.
    serial: &'a mut u64,
}

impl Ctx<'_> {
    fn unique(&mut self) -> u64 {
        *self.serial += 1;
        *self.serial
    }

    /// A path inside the temporary folder that does not exist.
    fn missing_path(&mut self) -> String {
        let n = self.unique();
        let name = match self.rng.below(8) {
            0 => format!("missing-{n}.txt"),
            1 => format!("nested/deeper/missing-{n}.docx"),
            2 => format!("a/../missing-{n}.html"),
            3 => format!("control\u{1}\u{7}\u{1b}[31m-{n}.txt"),
            4 => format!("🇺🇦 émoji \u{202e}rtl-{n}.md"),
            5 => format!("spaces and 'quotes' \"{n}\".csv"),
            6 => format!("{}-{n}.pdf", "x".repeat(200)),
            _ => format!("./missing-{n}/"),
        };
        format!("{}/nothing-here/{name}", self.tmp.display())
    }
}

type Generator = fn(&mut Ctx<'_>) -> Case;

/// The commands and how to fuzz each. Commands that open native dialogs (`choose_import`,
/// `choose_export_destination`) only get arguments of the wrong type.
const COMMANDS: &[(&str, Generator)] = &[
    ("get_project", no_arguments),
    ("list_documents", no_arguments),
    ("open_document", open_document),
    ("create_annotation", create_annotation),
    ("delete_annotation", delete_annotation),
    ("undo", no_arguments),
    ("redo", no_arguments),
    ("import_paths", import_paths),
    ("choose_import", choose_import),
    ("cancel_import", no_arguments),
    ("list_export_formats", no_arguments),
    ("choose_export_destination", choose_export_destination),
    ("start_export", start_export),
    ("cancel_export", no_arguments),
    ("list_backups", no_arguments),
    ("index_status", no_arguments),
    ("restore_backup", restore_backup),
    ("query_library", query_library),
    ("search_documents", search_documents),
    ("update_annotation", update_annotation),
    ("create_relation", create_relation),
    ("delete_relation", delete_relation),
    ("annotation_history", annotation_history),
    ("list_entities", list_entities),
    ("create_entity", create_entity),
    ("update_entity", update_entity),
    ("merge_entities", merge_entities),
    ("entity_mentions", entity_mentions),
    ("list_statements", no_arguments),
    ("analysis_network", analysis_network),
    ("analysis_timeline", analysis_timeline),
    ("analysis_layout_start", analysis_layout_start),
    ("analysis_layout_step", analysis_layout_step),
    ("analysis_statements", analysis_statements),
    ("analysis_counts", analysis_counts),
    ("choose_picture_destination", choose_picture_destination),
    ("save_picture", save_picture),
    ("set_annotator", set_annotator),
    ("create_label", create_label),
    ("update_label", update_label),
    ("label_usage", label_usage),
    ("delete_label", delete_label),
    ("create_relation_type", create_relation_type),
    ("update_relation_type", update_relation_type),
    ("delete_relation_type", delete_relation_type),
    ("remember_place", remember_place),
    ("last_place", no_arguments),
    ("locate_in_library", locate_in_library),
    ("draw_sample", draw_sample),
    ("list_samples", no_arguments),
    ("list_coders", no_arguments),
    ("set_blind_mode", set_blind_mode),
    ("assign_documents", assign_documents),
    ("mark_done", mark_done),
    ("agreement_report", agreement_report),
    ("adjudication_state", adjudication_state),
    ("accept_agreed", accept_agreed),
    ("decide_disagreement", decide_disagreement),
    ("finish_adjudication", finish_adjudication),
    ("save_agreement_report", save_agreement_report),
    ("merge_project", merge_project),
    ("replace_text", replace_text),
    ("place_orphan", place_orphan),
    ("delete_orphan", delete_orphan),
    ("set_import_new_versions", set_import_new_versions),
    ("export_codebook", export_codebook),
    ("import_codebook", import_codebook),
    ("suggest_document", suggest_document),
    ("accept_suggestion", decide_suggestion),
    ("reject_suggestion", decide_suggestion),
    ("accept_all_suggestions", accept_all_suggestions),
    ("suggestion_documents", suggestion_documents),
    ("start_suggest", start_suggest),
    ("cancel_suggest", no_arguments),
    ("team_status", no_arguments),
    ("sync_now", no_arguments),
];

/// Commands that never change the project, even when they succeed.
const READ_ONLY: &[&str] = &[
    "team_status",
    "sync_now",
    "suggestion_documents",
    "cancel_suggest",
    "analysis_network",
    "analysis_timeline",
    "analysis_layout_start",
    "analysis_layout_step",
    "analysis_statements",
    "analysis_counts",
    "choose_picture_destination",
    "save_picture",
    "set_import_new_versions",
    "save_agreement_report",
    "export_codebook",
    "list_coders",
    "agreement_report",
    "adjudication_state",
    "list_samples",
    "locate_in_library",
    "remember_place",
    "last_place",
    "label_usage",
    "annotation_history",
    "list_entities",
    "entity_mentions",
    "list_statements",
    "query_library",
    "search_documents",
    "get_project",
    "list_documents",
    "open_document",
    "cancel_import",
    "list_export_formats",
    "choose_import",
    "choose_export_destination",
    "start_export",
    "cancel_export",
    "list_backups",
    "index_status",
];

/// An Analysis filter: a valid one, or one refused for what it says.
fn analysis_filter(rng: &mut Rng) -> (String, Value, Option<Expect>) {
    match rng.below(10) {
        0..=2 => ("everything".into(), json!({}), None),
        3 => (
            "a date range and stances".into(),
            json!({ "dateFrom": "2024-01-01", "dateTo": "2026-12-31", "stances": ["support", ""], "minWeight": 0.5 }),
            None,
        ),
        4 => (
            "dates the wrong way round".into(),
            json!({ "dateFrom": "2026-01-01", "dateTo": "2025-01-01" }),
            Some(bad()),
        ),
        5 => (
            "a negative weight".into(),
            json!({ "minWeight": -1 }),
            Some(bad()),
        ),
        6 => (
            "too many stances".into(),
            json!({ "stances": vec!["x"; 65] }),
            Some(Expect::Reject(vec![Code::TooLarge])),
        ),
        7 => (
            "the library's filter".into(),
            json!({ "library": { "unannotated": rng.chance(50), "sort": "title" }, "documents": [1, 2, 3] }),
            None,
        ),
        8 => (
            "a library order it does not know".into(),
            json!({ "library": { "sort": "colour" } }),
            Some(bad()),
        ),
        _ => {
            let v = junk(rng, 0);
            let expect = if v.is_null() || v.as_object().is_some_and(|o| o.is_empty()) {
                None
            } else if v.is_array() {
                // serde reads a struct from a sequence of its fields, in order: an array may
                // be a filter.
                Some(Expect::Either)
            } else {
                Some(bad())
            };
            (format!("filter {}", short(&v)), v, expect)
        }
    }
}

fn analysis_network(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    let mode = *rng.pick(&["actor_concept", "actor_actor", "concept_concept"]);
    let tie = *rng.pick(&["congruence", "conflict"]);
    let normalisation = *rng.pick(&["none", "average", "jaccard", "cosine"]);
    if rng.chance(15) {
        return Case::new(
            "a mode it does not know",
            json!({ "request": { "mode": "people" } }),
            bad(),
        );
    }
    let (what, filter, expect) = analysis_filter(rng);
    Case::new(
        format!("{mode} {tie} {normalisation}, {what}"),
        json!({ "request": { "mode": mode, "tie": tie, "normalisation": normalisation, "filter": filter } }),
        expect.unwrap_or(Expect::Accept),
    )
}

fn analysis_layout_start(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    let nodes = rng.below(30);
    let positions: Vec<Value> = (0..nodes)
        .map(|_| json!([rng.below(1000) as f64 - 500.0, rng.below(1000) as f64 / 7.0]))
        .collect();
    let mut edges: Vec<Value> = (0..rng.below(60))
        .filter(|_| nodes > 0)
        .map(|_| json!([rng.below(nodes), rng.below(nodes), rng.below(9) + 1]))
        .collect();
    match rng.below(6) {
        0 => {
            edges.push(json!([nodes, 0, 1]));
            Case::new(
                "an edge to a node it was not given",
                json!({ "request": { "positions": positions, "edges": edges } }),
                bad(),
            )
        }
        1 => Case::new(
            "a position that is not a number",
            json!({ "request": { "positions": [[0, "x"]], "edges": [] } }),
            bad(),
        ),
        2 => Case::new(
            "nodes as names, not places",
            json!({ "request": { "nodes": ["actor:1"], "edges": [] } }),
            bad(),
        ),
        _ => Case::new(
            format!("{nodes} nodes, {} edges", edges.len()),
            json!({ "request": { "positions": positions, "edges": edges } }),
            Expect::Accept,
        ),
    }
}

fn analysis_layout_step(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    let run = rng
        .pick(&[json!(1), json!(2), json!(u64::MAX), json!(-1), json!("1")])
        .clone();
    let milliseconds = rng
        .pick(&[json!(1), json!(20), json!(0), json!(5000), json!(-3)])
        .clone();
    let well_formed = run.is_u64()
        && milliseconds
            .as_u64()
            .is_some_and(|m| (1..=1000).contains(&m));
    Case::new(
        format!("step {run} for {milliseconds} ms"),
        json!({ "run": run, "milliseconds": milliseconds }),
        // A run that exists (one started earlier in the sequence) steps; others are over.
        if well_formed { Expect::Either } else { bad() },
    )
}

fn analysis_timeline(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    let period = *rng.pick(&["week", "month", "year"]);
    if rng.chance(15) {
        return Case::new(
            "a period it does not know",
            json!({ "request": { "period": "decade" } }),
            bad(),
        );
    }
    let node = if rng.chance(50) {
        Value::Null
    } else {
        json!(junk_string(rng))
    };
    let (what, filter, expect) = analysis_filter(rng);
    // A filter refused for what it says is refused first; then a node id longer than any name.
    let long = node.as_str().is_some_and(|n| n.len() > 1024);
    let expect = match expect {
        Some(Expect::Reject(codes)) => Expect::Reject(codes),
        Some(Expect::Either) => Expect::Either,
        _ if long => Expect::Reject(vec![Code::TooLarge]),
        other => other.unwrap_or(Expect::Accept),
    };
    Case::new(
        format!("{period} of {}, {what}", short(&node)),
        json!({ "request": { "period": period, "node": node, "filter": filter } }),
        expect,
    )
}

fn analysis_statements(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    let node = match rng.below(4) {
        0 => "actor:1".to_string(),
        1 => "concept:text:ceasefire".to_string(),
        _ => junk_string(rng),
    };
    let (what, filter, expect) = analysis_filter(rng);
    // As for the timeline: a filter refused for what it says is refused first.
    let long = node.len() > 1024;
    let expect = match expect {
        Some(Expect::Reject(codes)) => Expect::Reject(codes),
        Some(Expect::Either) => Expect::Either,
        _ if long => Expect::Reject(vec![Code::TooLarge]),
        other => other.unwrap_or(Expect::Accept),
    };
    Case::new(
        format!("statements of {}, {what}", short(&json!(node))),
        json!({ "request": { "node": node, "filter": filter } }),
        expect,
    )
}

fn analysis_counts(cx: &mut Ctx<'_>) -> Case {
    let (what, filter, expect) = analysis_filter(cx.rng);
    Case::new(
        format!("counts, {what}"),
        json!({ "filter": filter }),
        expect.unwrap_or(Expect::Accept),
    )
}

/// Never a format the dialog would open for: the fuzzer has nobody to answer it.
fn choose_picture_destination(cx: &mut Ctx<'_>) -> Case {
    let v = if cx.rng.chance(50) {
        json!(junk_string(cx.rng))
    } else {
        not_a_string(cx.rng)
    };
    let v = if v == json!("svg") || v == json!("png") {
        json!("bmp")
    } else {
        v
    };
    Case::new(
        format!("format {}", short(&v)),
        json!({ "format": v }),
        bad(),
    )
}

fn save_picture(cx: &mut Ctx<'_>) -> Case {
    let n = cx.unique();
    let path = cx.tmp.join(format!("exports/picture-{n}"));
    let path = path.display().to_string();
    let rng = &mut *cx.rng;
    match rng.below(5) {
        0 => Case::new(
            format!("svg {n}"),
            json!({ "destination": path, "format": "svg", "bytes": b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec() }),
            Expect::Accept,
        ),
        1 => Case::new(
            format!("png {n}"),
            json!({ "destination": path, "format": "png", "bytes": b"\x89PNG\r\n\x1a\n\0\0".to_vec() }),
            Expect::Accept,
        ),
        2 => Case::new(
            "text as a png",
            json!({ "destination": path, "format": "png", "bytes": b"<svg/>".to_vec() }),
            bad(),
        ),
        3 => Case::new(
            "a relative destination",
            json!({ "destination": "network.svg", "format": "svg", "bytes": b"<svg/>".to_vec() }),
            bad(),
        ),
        _ => {
            let v = junk(rng, 0);
            Case::new(
                format!("bytes {}", short(&v)),
                json!({ "destination": path, "format": "svg", "bytes": v }),
                Expect::Either,
            )
        }
    }
}

fn bad() -> Expect {
    Expect::Reject(vec![Code::BadRequest])
}

/// A string worth trying anywhere a string goes.
fn junk_string(rng: &mut Rng) -> String {
    match rng.below(24) {
        0 => String::new(),
        1 => " \t\n ".into(),
        2 => "\0".into(),
        3 => "\u{1}\u{2}\u{7}\u{8}\u{1b}[2J\u{7f}\u{9b}".into(),
        4 => "../../../../../../etc/passwd".into(),
        5 => "..\\..\\..\\Windows\\System32\\config\\SAM".into(),
        6 => "%2e%2e%2f%2e%2e%2fetc%2fpasswd".into(),
        7 => "/".into(),
        8 => "~/.ssh/id_rsa".into(),
        9 => "C:\\".into(),
        10 => "\u{202e}gnp.exe\u{feff}\u{200b}".into(),
        11 => "🇺🇦🇪🇺👩‍👩‍👧😀".into(),
        12 => "'; DROP TABLE annotations; --".into(),
        13 => "\"".into(),
        14 => "NEAR(".into(),
        15 => "*".into(),
        16 => "null".into(),
        17 => "-1".into(),
        18 => "1e309".into(),
        19 => "{\"$ref\":\"#\"}".into(),
        // Enormous: a few megabytes now and then.
        20 if rng.chance(20) => "ä".repeat(1 + rng.below(2_000_000)),
        20 | 21 => "a".repeat(1 + rng.below(20_000)),
        _ => (0..1 + rng.below(30))
            .map(|_| {
                char::from_u32(match rng.below(4) {
                    0 => 0x20 + rng.below(0x5f) as u32,
                    1 => rng.below(0x20) as u32,
                    2 => 0x80 + rng.below(0x800) as u32,
                    _ => 0x1_0000 + rng.below(0x1_0000) as u32,
                })
                .unwrap_or('\u{fffd}')
            })
            .collect(),
    }
}

/// Any JSON value, nested a little.
fn junk(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 3 { 8 } else { 11 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(50)),
        2 => json!(*rng.pick(&[i64::MIN, -1, 0, 1, 2, 7, i64::MAX])),
        3 => json!(*rng.pick(&[u64::MAX, 1 << 63, (1 << 53) + 1])),
        4 => json!(*rng.pick(&[
            0.5,
            -1.5,
            1.0,
            -0.0,
            1e300,
            -1e300,
            f64::MAX,
            f64::MIN_POSITIVE
        ])),
        5..=7 => Value::String(junk_string(rng)),
        8 => Value::Array((0..rng.below(5)).map(|_| junk(rng, depth + 1)).collect()),
        9 => {
            let mut map = Map::new();
            for _ in 0..rng.below(5) {
                map.insert(junk_string(rng), junk(rng, depth + 1));
            }
            Value::Object(map)
        }
        _ => {
            // Deep nesting, within what the webview's JSON could carry.
            let mut v = junk(rng, 4);
            for _ in 0..rng.below(100) {
                v = if rng.chance(50) {
                    json!([v])
                } else {
                    json!({ "a": v })
                };
            }
            v
        }
    }
}

/// A value that is not an integer (of i64 range).
fn not_an_integer(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => Value::Bool(true),
        2 => json!(*rng.pick(&["1", "", "0x10", "١", "1e3"])),
        3 => json!(*rng.pick(&[1.0, 0.5, -0.0, 1e300, -2.5])),
        4 => json!(*rng.pick(&[u64::MAX, 1 << 63])),
        5 => json!([1]),
        6 => json!({ "id": 1 }),
        _ => {
            let v = junk(rng, 0);
            if v.is_i64() {
                Value::Null
            } else {
                v
            }
        }
    }
}

/// A value that is not an unsigned integer.
fn not_an_offset(rng: &mut Rng) -> Value {
    match rng.below(4) {
        0 => json!(*rng.pick(&[-1, i64::MIN, -2])),
        _ => {
            let v = not_an_integer(rng);
            if v.is_u64() {
                json!(-1)
            } else {
                v
            }
        }
    }
}

fn not_a_string(rng: &mut Rng) -> Value {
    let v = junk(rng, 0);
    if v.is_string() {
        json!(1)
    } else {
        v
    }
}

fn not_a_bool(rng: &mut Rng) -> Value {
    match rng.below(6) {
        0 => json!(*rng.pick(&["true", "false", "", "yes"])),
        1 => json!(*rng.pick(&[0, 1, -1])),
        2 => json!([true]),
        _ => {
            let v = junk(rng, 0);
            if v.is_boolean() {
                Value::Null
            } else {
                v
            }
        }
    }
}

/// A body without the named argument: empty, misspelt key, or not an object at all.
fn without(rng: &mut Rng, key: &str) -> (String, InvokeBody) {
    let snake: String = key
        .chars()
        .flat_map(|c| {
            if c.is_ascii_uppercase() {
                vec!['_', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect();
    match rng.below(7) {
        0 => ("no arguments".into(), InvokeBody::Json(json!({}))),
        1 => (
            format!("{snake} instead of {key}"),
            InvokeBody::Json(object(&snake, json!(1))),
        ),
        2 => (
            format!("{key} upper-cased"),
            InvokeBody::Json(object(&key.to_uppercase(), json!(1))),
        ),
        3 => (
            "a bytes body".into(),
            InvokeBody::Raw(b"\x00\xff{}".to_vec()),
        ),
        4 => ("a null body".into(), InvokeBody::Json(Value::Null)),
        5 => ("an array body".into(), InvokeBody::Json(json!([key, 1, 2]))),
        _ => {
            let v = junk(rng, 0);
            let v = match v.as_object() {
                Some(o) if o.contains_key(key) => json!({}),
                _ => v,
            };
            ("a junk body".into(), InvokeBody::Json(v))
        }
    }
}

fn object(key: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(key.to_string(), value);
    Value::Object(map)
}

/// Adds random keys the command does not take.
fn with_extras(rng: &mut Rng, mut args: Value) -> Value {
    if let Some(map) = args.as_object_mut() {
        for _ in 0..1 + rng.below(4) {
            let key = match rng.below(3) {
                0 => junk_string(rng),
                1 => "__proto__".into(),
                _ => format!("extra{}", rng.below(100)),
            };
            if !map.contains_key(&key) {
                map.insert(key, junk(rng, 0));
            }
        }
    }
    args
}

fn no_arguments(cx: &mut Ctx<'_>) -> Case {
    let (what, body) = match cx.rng.below(4) {
        0 => ("no arguments".into(), InvokeBody::Json(json!({}))),
        1 => {
            let v = with_extras(cx.rng, json!({}));
            ("extra arguments".into(), InvokeBody::Json(v))
        }
        2 => ("a bytes body".into(), InvokeBody::Raw(vec![0, 1, 2, 255])),
        _ => ("a junk body".into(), InvokeBody::Json(junk(cx.rng, 0))),
    };
    Case {
        body,
        expect: Expect::Accept,
        what,
    }
}

fn open_document(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(10) {
        0 | 1 => {
            let id = cx.live.doc(rng).id;
            Case::new(
                format!("document {id}"),
                json!({ "documentId": id }),
                Expect::Accept,
            )
        }
        2 => {
            let id = cx.live.doc(rng).id;
            let args = with_extras(rng, json!({ "documentId": id }));
            Case::new(format!("document {id}, extras"), args, Expect::Accept)
        }
        3..=5 => {
            let id = cx.live.missing_document(rng);
            Case::new(
                format!("missing document {id}"),
                json!({ "documentId": id }),
                Expect::Reject(vec![Code::UnknownDocument]),
            )
        }
        6 | 7 => {
            let v = not_an_integer(rng);
            Case::new(
                format!("documentId {}", short(&v)),
                json!({ "documentId": v }),
                bad(),
            )
        }
        _ => {
            let (what, body) = without(rng, "documentId");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn create_annotation(cx: &mut Ctx<'_>) -> Case {
    let live = cx.live;
    let rng = &mut *cx.rng;
    let doc = live.doc(rng).clone();
    let label = live.label(rng);
    let (start, end) = doc.span(rng);
    let mut request = json!({
        "documentId": doc.id, "labelId": label, "start16": start, "end16": end,
    });
    let what = format!("document {} label {label} [{start}, {end})", doc.id);
    let key = *rng.pick(&["documentId", "labelId", "start16", "end16"]);
    let (what, expect) = match rng.below(14) {
        0 | 1 => (what, Expect::Accept),
        2 => {
            request = with_extras(rng, request);
            (format!("{what}, extra keys"), Expect::Accept)
        }
        3 => {
            let id = live.missing_document(rng);
            request["documentId"] = json!(id);
            (
                format!("missing document {id}"),
                Expect::Reject(vec![Code::UnknownDocument]),
            )
        }
        4 => {
            let id = live.missing_label(rng);
            request["labelId"] = json!(id);
            (
                format!("missing label {id} [{start}, {end})"),
                Expect::Reject(vec![Code::UnknownLabel]),
            )
        }
        5..=8 => {
            // Any offsets at all, judged by what the text holds.
            let (s, e) = (doc.offset(rng), doc.offset(rng));
            let label_exists = rng.chance(80);
            let label = if label_exists {
                label
            } else {
                live.missing_label(rng)
            };
            request["start16"] = json!(s);
            request["end16"] = json!(e);
            request["labelId"] = json!(label);
            (
                format!(
                    "document {} label {label} [{s}, {e}) of {}",
                    doc.id, doc.len16
                ),
                doc.expected(s, e, label_exists),
            )
        }
        9 => {
            // Offsets of another (maybe longer) document.
            let other = live.doc(rng);
            let (s, e) = other.span(rng);
            request["start16"] = json!(s);
            request["end16"] = json!(e);
            (
                format!(
                    "document {} (length {}) with [{s}, {e}) of document {}",
                    doc.id, doc.len16, other.id
                ),
                doc.expected(s, e, true),
            )
        }
        10 => {
            let v = if key.ends_with("16") {
                not_an_offset(rng)
            } else {
                not_an_integer(rng)
            };
            let what = format!("{key} {}", short(&v));
            request[key] = v;
            (what, bad())
        }
        11 => {
            request.as_object_mut().unwrap().remove(key);
            (format!("no {key}"), bad())
        }
        12 => {
            let (what, body) = without(rng, "request");
            return Case {
                body,
                expect: bad(),
                what,
            };
        }
        _ => {
            let v = match rng.below(3) {
                0 => json!([doc.id, label, start, end]),
                1 => {
                    json!({ "document_id": doc.id, "label_id": label, "start16": start, "end16": end })
                }
                _ => junk(rng, 0),
            };
            let what = format!("request {}", short(&v));
            return Case::new(what, json!({ "request": v }), bad());
        }
    };
    Case::new(what, json!({ "request": request }), expect)
}

fn delete_annotation(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(10) {
        0..=2 if !cx.live.annotations.is_empty() => {
            let id = *rng.pick(&cx.live.annotations);
            Case::new(
                format!("annotation {id}"),
                json!({ "annotationId": id }),
                Expect::Accept,
            )
        }
        0..=5 => {
            let id = cx.live.missing_annotation(rng);
            Case::new(
                format!("missing annotation {id}"),
                json!({ "annotationId": id }),
                Expect::Reject(vec![Code::UnknownAnnotation]),
            )
        }
        6 | 7 => {
            let v = not_an_integer(rng);
            Case::new(
                format!("annotationId {}", short(&v)),
                json!({ "annotationId": v }),
                bad(),
            )
        }
        _ => {
            let (what, body) = without(rng, "annotationId");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

/// Paths only ever name places inside the temporary folder (or are refused before any file is
/// touched: empty, NUL bytes, too long, too many).
fn import_paths(cx: &mut Ctx<'_>) -> Case {
    let tmp = cx.tmp.display().to_string();
    let fixed = [
        "100,000 paths",
        "an enormous path",
        "an empty path",
        "a NUL byte",
    ];
    let choice = if cx.n < fixed.len() {
        100 + cx.n
    } else {
        cx.rng.below(12)
    };
    match choice {
        100 => {
            let paths: Vec<String> = (0..100_000)
                .map(|i| format!("{tmp}/nothing-here/{i}.txt"))
                .collect();
            Case::new(
                fixed[0],
                json!({ "paths": paths }),
                Expect::Reject(vec![Code::TooLarge]),
            )
        }
        101 => Case::new(
            fixed[1],
            json!({ "paths": [format!("{tmp}/{}", "p".repeat(2_000_000))] }),
            Expect::Reject(vec![Code::TooLarge]),
        ),
        102 => {
            let real = cx.missing_path();
            Case::new(fixed[2], json!({ "paths": [real, ""] }), bad())
        }
        103 | 0 => {
            let n = cx.unique();
            Case::new(
                fixed[3],
                json!({ "paths": [format!("{tmp}/nothing-here/nul\0{n}.txt")] }),
                bad(),
            )
        }
        1 => {
            // A new article, imported for real.
            let n = cx.unique();
            let path = cx.tmp.join(format!("incoming/article-{n}.txt"));
            std::fs::write(
                &path,
                format!("Article {n}\n\nThe envoy 🇺🇦 said “talk {n}” in Türkïye."),
            )
            .unwrap();
            Case::new(
                format!("a new article {}", path.display()),
                json!({ "paths": [path] }),
                Expect::Accept,
            )
        }
        2 => Case::new(
            "the folder of articles so far (duplicates)",
            json!({ "paths": [cx.tmp.join("incoming")] }),
            Expect::Accept,
        ),
        3 => Case::new("no paths", json!({ "paths": [] }), Expect::Accept),
        4..=6 => {
            let paths: Vec<String> = (0..1 + cx.rng.below(5))
                .map(|_| cx.missing_path())
                .collect();
            let what = format!("missing files {}", short(&json!(paths)));
            Case::new(what, json!({ "paths": paths }), Expect::Accept)
        }
        7 | 8 => {
            let v = match cx.rng.below(3) {
                0 => json!([cx.missing_path(), not_a_string(cx.rng)]),
                1 => json!({ "0": cx.missing_path() }),
                _ => {
                    let v = junk(cx.rng, 0);
                    if v.is_array() && v.as_array().unwrap().is_empty() {
                        json!([1])
                    } else if v.is_array() {
                        json!([v])
                    } else {
                        v
                    }
                }
            };
            Case::new(format!("paths {}", short(&v)), json!({ "paths": v }), bad())
        }
        _ => {
            let (what, body) = without(cx.rng, "paths");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn choose_import(cx: &mut Ctx<'_>) -> Case {
    if cx.rng.chance(70) {
        let v = not_a_bool(cx.rng);
        Case::new(
            format!("folder {}", short(&v)),
            json!({ "folder": v }),
            bad(),
        )
    } else {
        let (what, body) = without(cx.rng, "folder");
        Case {
            body,
            expect: bad(),
            what,
        }
    }
}

fn choose_export_destination(cx: &mut Ctx<'_>) -> Case {
    if cx.rng.chance(70) {
        let v = not_a_string(cx.rng);
        Case::new(
            format!("format {}", short(&v)),
            json!({ "format": v }),
            bad(),
        )
    } else {
        let (what, body) = without(cx.rng, "format");
        Case {
            body,
            expect: bad(),
            what,
        }
    }
}

/// Destinations are always inside the temporary folder; relative ones are never sent (a unit
/// test covers their refusal instead).
fn start_export(cx: &mut Ctx<'_>) -> Case {
    let format = *cx.rng.pick(&ExportFormat::ALL);
    let n = cx.unique();
    let destination = cx
        .tmp
        .join(format!("exports/{n}-{}", format.default_name()))
        .display()
        .to_string();
    let mut request = json!({ "format": format.name(), "destination": destination });
    let live = cx.live;
    let tmp = cx.tmp.display().to_string();
    let fixed = [
        "an enormous destination",
        "an enormous search",
        "200,000 documents",
        "a megabyte of labels",
    ];
    let choice = if cx.n < fixed.len() {
        100 + cx.n
    } else {
        cx.rng.below(22)
    };
    let rng = &mut *cx.rng;
    let (what, expect) = match choice {
        100 => {
            request["destination"] = json!(format!("{tmp}/{}", "d".repeat(3_000_000)));
            (fixed[0].to_string(), Expect::Reject(vec![Code::TooLarge]))
        }
        101 => {
            request["search"] = json!("talks OR ".repeat(300_000));
            (fixed[1].to_string(), Expect::Reject(vec![Code::TooLarge]))
        }
        102 => {
            let ids: Vec<i64> = (0..200_000).collect();
            request["documents"] = json!(ids);
            (
                fixed[2].to_string(),
                Expect::Reject(vec![Code::TooLarge, Code::UnknownDocument]),
            )
        }
        103 => {
            request["labels"] = json!(vec!["Claim"; 100_000]);
            (fixed[3].to_string(), Expect::Reject(vec![Code::TooLarge]))
        }
        0..=2 => (
            format!("{} to {destination}", format.name()),
            Expect::Accept,
        ),
        3 => {
            // A full, valid scope.
            let doc = live.doc(rng).id;
            let label = rng.pick(&live.labels).1.clone();
            request["documents"] = json!([doc]);
            request["dateFrom"] = json!("2025-01-01");
            request["dateTo"] = json!("2025-12-31");
            request["labels"] = json!([label]);
            request["search"] = json!("talks");
            if format == ExportFormat::Conll {
                request["conllLabel"] = json!(label);
            }
            (format!("{} with a scope", format.name()), Expect::Accept)
        }
        4 => {
            let f = if rng.chance(50) {
                junk_string(rng)
            } else {
                format!("{}x", format.name())
            };
            let what = format!("format {}", short(&json!(f)));
            request["format"] = json!(f);
            (what, bad())
        }
        5 => {
            let key = *rng.pick(&["format", "destination"]);
            request.as_object_mut().unwrap().remove(key);
            (format!("no {key}"), bad())
        }
        6 => {
            let key = *rng.pick(&[
                "format",
                "destination",
                "dateFrom",
                "dateTo",
                "search",
                "conllLabel",
            ]);
            let v = not_a_string(rng);
            let v = if v.is_null() && key != "format" && key != "destination" {
                json!(5)
            } else {
                v
            };
            let what = format!("{key} {}", short(&v));
            request[key] = v;
            (what, bad())
        }
        7 => {
            let key = *rng.pick(&["documents", "labels"]);
            let v = match rng.below(3) {
                0 => json!(*rng.pick(&["1", "Claim"])),
                1 if key == "documents" => json!([not_an_integer(rng)]),
                1 => json!([not_a_string(rng)]),
                _ => json!({ "0": 1 }),
            };
            let what = format!("{key} {}", short(&v));
            request[key] = v;
            (what, bad())
        }
        8 => {
            request = with_extras(rng, request);
            ("unknown request fields".into(), bad())
        }
        9 => {
            let d = *rng.pick(&["", "   ", "\t\n"]);
            request["destination"] = json!(d);
            (format!("destination {d:?}"), bad())
        }
        10 => {
            let d = format!("{tmp}/exports/nul\0{n}.jsonl");
            request["destination"] = json!(d);
            ("a NUL byte in the destination".into(), bad())
        }
        11 => {
            // The folder does not exist: the export itself reports it, nothing is written.
            let d = format!("{tmp}/nothing-here/{n}/{}", format.default_name());
            request["destination"] = json!(d);
            (format!("destination {d}"), Expect::Accept)
        }
        12 => {
            let key = *rng.pick(&["dateFrom", "dateTo"]);
            let d = match rng.below(3) {
                0 => junk_string(rng),
                1 => (*rng.pick(&[
                    "2025-13-01",
                    "2025-02-30",
                    "25-01-01",
                    "2025/01/01",
                    "+999999-01-01",
                ]))
                .to_string(),
                _ => "2025-01-01T00:00:00Z".into(),
            };
            let d = if d.trim().is_empty() {
                "yesterday".into()
            } else {
                d
            };
            let what = format!("{key} {}", short(&json!(d)));
            request[key] = json!(d);
            (what, bad())
        }
        13 => {
            request["dateFrom"] = json!("2025-12-31");
            request["dateTo"] = json!("2025-01-01");
            ("dates reversed".into(), bad())
        }
        14 => {
            let mut ids: Vec<i64> = vec![live.doc(rng).id];
            ids.push(live.missing_document(rng));
            rng.shuffle(&mut ids);
            request["documents"] = json!(ids);
            (
                format!("documents {ids:?}"),
                Expect::Reject(vec![Code::UnknownDocument]),
            )
        }
        15 => {
            let name = match rng.below(3) {
                0 => junk_string(rng),
                1 => "claim".into(),
                _ => format!("{}!", rng.pick(&live.labels).1),
            };
            let name = if live.labels.iter().any(|l| l.1 == name) {
                "no such label".into()
            } else {
                name
            };
            let what = format!("labels [{}]", short(&json!(name)));
            request["labels"] = json!([rng.pick(&live.labels).1, name]);
            (
                what,
                Expect::Reject(vec![Code::UnknownLabel, Code::TooLarge, Code::BadRequest]),
            )
        }
        16 => {
            let name = format!("{}?", rng.pick(&live.labels).1);
            request["conllLabel"] = json!(name);
            (
                format!("conllLabel {name:?}"),
                Expect::Reject(vec![Code::UnknownLabel]),
            )
        }
        17 => {
            let s = (*rng.pick(&["\"", "NEAR(", "AND", "talks OR", "*", "a:b", "(((", "^"]))
                .to_string();
            request["search"] = json!(s);
            (format!("search {s:?}"), Expect::Either)
        }
        18 => {
            let s = junk_string(rng);
            let what = format!("search {}", short(&json!(s)));
            request["search"] = json!(s);
            (
                what,
                if request["search"].as_str().unwrap().len() > MAX_SEARCH_BYTES {
                    Expect::Reject(vec![Code::TooLarge])
                } else {
                    Expect::Either
                },
            )
        }
        19 => {
            let (what, body) = without(rng, "request");
            return Case {
                body,
                expect: bad(),
                what,
            };
        }
        20 => {
            let v = junk(rng, 0);
            let v = if v.is_object() { json!([v]) } else { v };
            return Case::new(
                format!("request {}", short(&v)),
                json!({ "request": v }),
                bad(),
            );
        }
        _ => {
            request["documents"] = json!([]);
            request["labels"] = json!([]);
            ("empty document and label lists".into(), Expect::Either)
        }
    };
    Case::new(what, json!({ "request": request }), expect)
}

/// Backup names are looked up, never joined as paths, so any string is safe to send.
fn restore_backup(cx: &mut Ctx<'_>) -> Case {
    let live = cx.live;
    let rng = &mut *cx.rng;
    let fixed = ["an enormous name"];
    let choice = if cx.n < fixed.len() {
        100 + cx.n
    } else {
        rng.below(20)
    };
    match choice {
        100 => Case::new(
            fixed[0],
            json!({ "name": "n".repeat(2_000_000) }),
            Expect::Reject(vec![Code::TooLarge]),
        ),
        0 if !live.backups.is_empty() => {
            let name = rng.pick(&live.backups).clone();
            Case::new(
                format!("backup {name}"),
                json!({ "name": name }),
                Expect::Accept,
            )
        }
        0..=9 => {
            let name = match (rng.below(6), live.backups.first()) {
                (0, Some(real)) => format!("../{real}"),
                (1, Some(real)) => format!("{real}\0"),
                (2, Some(real)) => real.to_uppercase(),
                (3, _) => "20250101T000000.000Z.claimdesk".into(),
                (4, _) => format!("{}/../../project/fuzz.claimdesk", cx.tmp.display()),
                _ => junk_string(rng),
            };
            let name = if live.backups.contains(&name) {
                "not-a-backup".into()
            } else {
                name
            };
            let what = format!("backup {}", short(&json!(name)));
            Case::new(
                what,
                json!({ "name": name }),
                Expect::Reject(vec![Code::NoSuchBackup, Code::TooLarge, Code::BadRequest]),
            )
        }
        10..=14 => {
            let v = not_a_string(rng);
            Case::new(format!("name {}", short(&v)), json!({ "name": v }), bad())
        }
        _ => {
            let (what, body) = without(rng, "name");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn query_library(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(12) {
        0..=3 => {
            let sort = *rng.pick(&["imported", "title", "date", "source", "annotations"]);
            let label = cx.live.label(rng);
            let query = json!({
                "sort": sort,
                "descending": rng.chance(50),
                "unannotated": rng.chance(20),
                "labelId": if rng.chance(30) { json!(label) } else { Value::Null },
                "annotator": if rng.chance(20) { json!(*rng.pick(&["Ana", "nobody", "🇺🇦", ""])) } else { Value::Null },
                "dateFrom": if rng.chance(20) { json!("2025-01-01") } else { Value::Null },
            });
            // A page anywhere, also past the end (no rows), or the first page by default.
            let (offset, limit) = (rng.below(50), 1 + rng.below(1000));
            let args = if rng.chance(50) {
                json!({ "query": query, "offset": offset, "limit": limit })
            } else {
                json!({ "query": query })
            };
            Case::new(format!("library by {sort}"), args, Expect::Accept)
        }
        4 | 5 => {
            let (key, value) = match rng.below(4) {
                0 => ("sort", json!(junk_string(rng))),
                1 => ("dateFrom", json!("25-01-01")),
                2 => ("annotator", json!("a".repeat(5000))),
                _ => {
                    // null is "no filter", and fine.
                    let mut v = not_an_integer(rng);
                    if v.is_null() {
                        v = json!("one");
                    }
                    ("labelId", v)
                }
            };
            let query = object(key, value);
            Case::new(
                format!("library with {key} {}", short(&query)),
                json!({ "query": query }),
                Expect::Reject(vec![Code::BadRequest, Code::TooLarge]),
            )
        }
        6 | 7 => {
            let v = junk(rng, 0);
            let expect = if v.as_object().is_some_and(|o| o.is_empty()) {
                Expect::Accept
            } else {
                bad()
            };
            Case::new(
                format!("query {}", short(&v)),
                json!({ "query": v }),
                expect,
            )
        }
        8 => {
            let args = json!({ "query": { "unknownKey": 1 } });
            Case::new("query with an unknown key", args, bad())
        }
        9 => Case::new(
            "a page of more rows than one call answers",
            json!({ "query": {}, "limit": 1001 }),
            Expect::Reject(vec![Code::TooLarge]),
        ),
        10 => {
            let v = not_an_integer(rng);
            Case::new(
                format!("offset {}", short(&v)),
                json!({ "query": {}, "offset": v }),
                // null is "from the top", and fine; huge integers are past the end.
                if v.is_null() || v.is_u64() {
                    Expect::Either
                } else {
                    bad()
                },
            )
        }
        _ => {
            let (what, body) = without(rng, "query");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

/// Samples drawn from the library: mostly plausible requests, some malformed.
/// A rule for adjudication: valid most of the time.
fn rule(rng: &mut Rng) -> Value {
    match rng.below(3) {
        0 => json!({ "rule": "all" }),
        1 => json!({ "rule": "majority" }),
        _ => json!({ "rule": "at_least", "coders": 1 + rng.below(3) }),
    }
}

fn set_blind_mode(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    if rng.chance(60) {
        let on = rng.chance(50);
        Case::new(
            format!("blind mode {on}"),
            json!({ "on": on }),
            Expect::Accept,
        )
    } else {
        let v = not_a_bool(rng);
        Case::new(format!("on {}", short(&v)), json!({ "on": v }), bad())
    }
}

fn assign_documents(cx: &mut Ctx<'_>) -> Case {
    let n = cx.unique();
    let rng = &mut *cx.rng;
    match rng.below(7) {
        0 | 1 => {
            let id = cx.live.doc(rng).id;
            Case::new(
                format!("document {id} to coder {n}"),
                json!({ "request": { "coder": format!("coder {n}"), "documents": [id] } }),
                Expect::Accept,
            )
        }
        2 => {
            let id = cx.live.missing_document(rng);
            Case::new(
                format!("missing document {id}"),
                json!({ "request": { "coder": format!("coder {n}"), "documents": [id] } }),
                Expect::Reject(vec![Code::UnknownDocument]),
            )
        }
        3 => Case::new(
            "a sample that is not there",
            json!({ "request": { "coder": "ana", "setId": 9_999_999 } }),
            Expect::Reject(vec![Code::UnknownSample]),
        ),
        4 => Case::new(
            "a sample and documents",
            json!({ "request": { "coder": "ana", "setId": 1, "documents": [1] } }),
            bad(),
        ),
        5 => Case::new(
            "an empty coder name",
            json!({ "request": { "coder": "  ", "documents": [] } }),
            bad(),
        ),
        _ => {
            let v = not_a_string(rng);
            Case::new(
                format!("coder {}", short(&v)),
                json!({ "request": { "coder": v, "documents": [] } }),
                bad(),
            )
        }
    }
}

fn mark_done(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(5) {
        0 | 1 => {
            let id = cx.live.doc(rng).id;
            let done = rng.chance(50);
            Case::new(
                format!("document {id} done {done}"),
                json!({ "documentId": id, "done": done }),
                Expect::Accept,
            )
        }
        2 => {
            let id = cx.live.missing_document(rng);
            Case::new(
                format!("missing document {id}"),
                json!({ "documentId": id, "done": true }),
                Expect::Reject(vec![Code::UnknownDocument]),
            )
        }
        3 => {
            let v = not_a_bool(rng);
            Case::new(
                format!("done {}", short(&v)),
                json!({ "documentId": 1, "done": v }),
                bad(),
            )
        }
        _ => {
            let (what, body) = without(rng, "documentId");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn agreement_report(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(5) {
        // Fewer than two coders who coded is a refusal of its own.
        0 | 1 => Case::new(
            "everyone",
            json!({ "coders": null, "labels": null }),
            Expect::Either,
        ),
        2 => Case::new(
            "coders that are not there",
            json!({ "coders": ["nobody", "nobody either"], "labels": null }),
            Expect::Reject(vec![Code::UnknownCoder]),
        ),
        3 => Case::new(
            "a label that is not there",
            json!({ "coders": null, "labels": ["No such label"] }),
            Expect::Reject(vec![Code::BadCoder]),
        ),
        _ => {
            let v = junk(rng, 0);
            let names = v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
            let expect = if v.is_null() {
                Expect::Either
            } else if names {
                // Names, though odd ones: refused as coders that are not there (or too few).
                Expect::Reject(vec![Code::UnknownCoder, Code::BadCoder, Code::TooLarge])
            } else {
                bad()
            };
            Case::new(
                format!("coders {}", short(&v)),
                json!({ "coders": v, "labels": null }),
                expect,
            )
        }
    }
}

/// The arguments of the adjudication commands: a document (or one that is not there) and a
/// rule (or something that is not one), with the expectation for each.
fn adjudication_arguments(cx: &mut Ctx<'_>, extra: Value) -> (String, Value, Option<Expect>) {
    let rng = &mut *cx.rng;
    let mut args = extra;
    let map = args.as_object_mut().expect("an object");
    match rng.below(6) {
        0..=2 => {
            let id = cx.live.doc(rng).id;
            map.insert("documentId".into(), json!(id));
            map.insert("rule".into(), rule(rng));
            // Blind mode: refused until every coder assigned to the document is done.
            let expect = cx
                .live
                .closed
                .contains(&id)
                .then(|| Expect::Reject(vec![Code::Blinded]));
            (format!("document {id}"), args, expect)
        }
        3 => {
            let id = cx.live.missing_document(rng);
            map.insert("documentId".into(), json!(id));
            map.insert("rule".into(), rule(rng));
            let what = format!("missing document {id}");
            (
                what,
                args,
                Some(Expect::Reject(vec![Code::UnknownDocument])),
            )
        }
        4 => {
            let id = cx.live.doc(rng).id;
            map.insert("documentId".into(), json!(id));
            map.insert("rule".into(), json!({ "rule": "most" }));
            (format!("document {id}, no such rule"), args, Some(bad()))
        }
        _ => {
            let v = not_an_integer(rng);
            map.insert("documentId".into(), v.clone());
            map.insert("rule".into(), json!({ "rule": "all" }));
            (format!("documentId {}", short(&v)), args, Some(bad()))
        }
    }
}

fn adjudication_state(cx: &mut Ctx<'_>) -> Case {
    let (what, args, expect) = adjudication_arguments(cx, json!({}));
    Case::new(what, args, expect.unwrap_or(Expect::Accept))
}

fn accept_agreed(cx: &mut Ctx<'_>) -> Case {
    let (what, args, expect) = adjudication_arguments(cx, json!({}));
    Case::new(what, args, expect.unwrap_or(Expect::Accept))
}

fn decide_disagreement(cx: &mut Ctx<'_>) -> Case {
    let index = if cx.rng.chance(50) { 0 } else { 9_999 };
    let coder = if cx.rng.chance(50) {
        Value::Null
    } else {
        json!(cx.rng.below(5))
    };
    let extra = json!({ "index": index, "coder": coder });
    let (what, args, expect) = adjudication_arguments(cx, extra);
    // Whether the document has a disagreement there, and the coder a version, is the
    // project's business: accepted or refused as such.
    let expect = expect.unwrap_or(if index == 0 {
        Expect::Either
    } else {
        Expect::Reject(vec![Code::BadCoder])
    });
    Case::new(format!("{what}, disagreement {index}"), args, expect)
}

fn finish_adjudication(cx: &mut Ctx<'_>) -> Case {
    let finished = cx.rng.chance(50);
    let rng = &mut *cx.rng;
    match rng.below(4) {
        0 | 1 => {
            let id = cx.live.doc(rng).id;
            let expect = if cx.live.closed.contains(&id) {
                Expect::Reject(vec![Code::Blinded])
            } else {
                Expect::Accept
            };
            Case::new(
                format!("document {id} finished {finished}"),
                json!({ "documentId": id, "finished": finished }),
                expect,
            )
        }
        2 => {
            let id = cx.live.missing_document(rng);
            Case::new(
                format!("missing document {id}"),
                json!({ "documentId": id, "finished": finished }),
                Expect::Reject(vec![Code::UnknownDocument]),
            )
        }
        _ => {
            let v = not_a_bool(rng);
            Case::new(
                format!("finished {}", short(&v)),
                json!({ "documentId": 1, "finished": v }),
                bad(),
            )
        }
    }
}

fn merge_project(cx: &mut Ctx<'_>) -> Case {
    let missing = cx.missing_path();
    let rng = &mut *cx.rng;
    match rng.below(5) {
        0 => Case::new(
            "a project that is not there",
            json!({ "path": missing, "matchSimilar": rng.chance(50) }),
            Expect::Reject(vec![Code::BadMerge]),
        ),
        4 => {
            let v = not_a_bool(rng);
            Case::new(
                format!("matchSimilar {}", short(&v)),
                json!({ "path": missing, "matchSimilar": v }),
                // null is no option at all: then the missing file is the refusal.
                Expect::Reject(vec![Code::BadRequest, Code::BadMerge]),
            )
        }
        1 => Case::new(
            "a relative path",
            json!({ "path": "other.claimdesk" }),
            bad(),
        ),
        _ => {
            let v = not_a_string(rng);
            Case::new(format!("path {}", short(&v)), json!({ "path": v }), bad())
        }
    }
}

/// A corrected version of a document: a sentence added, a stretch cut, quote marks swapped;
/// or requests that must be refused before anything is read or written.
fn replace_text(cx: &mut Ctx<'_>) -> Case {
    let missing = cx.missing_path();
    let live = cx.live;
    let rng = &mut *cx.rng;
    let doc = live.doc(rng);
    match rng.below(12) {
        0..=4 => {
            let chars: Vec<char> = doc.text.chars().collect();
            let text: String = match rng.below(3) {
                0 => format!("Corrected on Tuesday. {}", doc.text),
                1 => {
                    let a = rng.below(chars.len().max(1));
                    let b = (a + 1 + rng.below(60)).min(chars.len());
                    chars[..a].iter().chain(&chars[b..]).collect()
                }
                _ => doc
                    .text
                    .replace('"', "\u{201C}")
                    .replace("  ", " ")
                    .replace('\n', "\n\n"),
            };
            // The same text, an empty one, or another document's: refused, nothing changed.
            Case::new(
                format!("document {} corrected", doc.id),
                json!({ "request": { "documentId": doc.id, "text": text } }),
                Expect::Either,
            )
        }
        5 => {
            let id = live.missing_document(rng);
            Case::new(
                format!("missing document {id}"),
                json!({ "request": { "documentId": id, "text": "A new text." } }),
                Expect::Reject(vec![Code::UnknownDocument]),
            )
        }
        6 => Case::new(
            "a file that is not there",
            json!({ "request": { "documentId": doc.id, "path": missing } }),
            Expect::Reject(vec![Code::BadFile, Code::BadRequest]),
        ),
        7 => Case::new(
            "a relative path",
            json!({ "request": { "documentId": doc.id, "path": "new.txt" } }),
            bad(),
        ),
        8 => Case::new(
            "both a text and a file",
            json!({ "request": { "documentId": doc.id, "text": "x", "path": "/tmp/x.txt" } }),
            bad(),
        ),
        9 => Case::new(
            "neither a text nor a file",
            json!({ "request": { "documentId": doc.id } }),
            bad(),
        ),
        10 => Case::new(
            "a text of whitespace",
            json!({ "request": { "documentId": doc.id, "text": " \n\t " } }),
            Expect::Reject(vec![Code::BadEdit]),
        ),
        _ => {
            let v = not_a_string(rng);
            Case::new(
                format!("text {}", short(&v)),
                json!({ "request": { "documentId": doc.id, "text": v } }),
                bad(),
            )
        }
    }
}

fn set_import_new_versions(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    if rng.chance(60) {
        let on = rng.chance(50);
        Case::new(format!("on {on}"), json!({ "on": on }), Expect::Accept)
    } else {
        let v = not_a_bool(rng);
        Case::new(format!("on {}", short(&v)), json!({ "on": v }), bad())
    }
}

fn place_orphan(cx: &mut Ctx<'_>) -> Case {
    let live = cx.live;
    let rng = &mut *cx.rng;
    match rng.below(6) {
        0..=2 if !live.orphans.is_empty() => {
            let id = *rng.pick(&live.orphans);
            // Any document's span: the orphan's own document may be shorter (refused).
            let (start, end) = live.doc(rng).span(rng);
            Case::new(
                format!("orphan {id} at [{start}, {end})"),
                json!({ "request": { "annotationId": id, "start16": start, "end16": end } }),
                Expect::Either,
            )
        }
        0..=3 => {
            let id = live.missing_orphan(rng);
            Case::new(
                format!("missing orphan {id}"),
                json!({ "request": { "annotationId": id, "start16": 0, "end16": 1 } }),
                Expect::Reject(vec![Code::UnknownAnnotation]),
            )
        }
        _ => {
            let v = not_an_integer(rng);
            Case::new(
                format!("annotationId {}", short(&v)),
                json!({ "request": { "annotationId": v, "start16": 0, "end16": 1 } }),
                bad(),
            )
        }
    }
}

fn delete_orphan(cx: &mut Ctx<'_>) -> Case {
    let live = cx.live;
    let rng = &mut *cx.rng;
    match rng.below(5) {
        0 | 1 if !live.orphans.is_empty() => {
            let id = *rng.pick(&live.orphans);
            Case::new(
                format!("orphan {id}"),
                json!({ "annotationId": id }),
                Expect::Accept,
            )
        }
        0..=2 => {
            let id = live.missing_orphan(rng);
            Case::new(
                format!("missing orphan {id}"),
                json!({ "annotationId": id }),
                Expect::Reject(vec![Code::UnknownAnnotation]),
            )
        }
        _ => {
            let v = not_an_integer(rng);
            Case::new(
                format!("annotationId {}", short(&v)),
                json!({ "annotationId": v }),
                bad(),
            )
        }
    }
}

fn save_agreement_report(cx: &mut Ctx<'_>) -> Case {
    let n = cx.unique();
    let path = cx.tmp.join(format!("agreement-{n}.csv"));
    let rng = &mut *cx.rng;
    match rng.below(5) {
        // With fewer than two coders who coded, there is no report to save.
        0 | 1 => Case::new(
            format!("report {n}"),
            json!({ "destination": path.display().to_string(), "format": *rng.pick(&["csv", "json"]), "coders": null }),
            Expect::Either,
        ),
        2 => Case::new(
            "a relative destination",
            json!({ "destination": "agreement.csv", "format": "csv", "coders": null }),
            bad(),
        ),
        3 => Case::new(
            "a format it does not write",
            json!({ "destination": path.display().to_string(), "format": "xlsx", "coders": null }),
            bad(),
        ),
        _ => {
            let v = not_a_string(rng);
            Case::new(
                format!("destination {}", short(&v)),
                json!({ "destination": v, "format": "csv", "coders": null }),
                bad(),
            )
        }
    }
}

/// The codebook written over a few names in the temporary folder (so replacing is tried too),
/// into a folder, into one that is not there, or to a relative path.
fn export_codebook(cx: &mut Ctx<'_>) -> Case {
    let n = cx.unique() % 4;
    let missing = cx.missing_path();
    let path = cx.tmp.join(format!("exports/codebook-{n}.qdc"));
    let live = cx.live;
    let rng = &mut *cx.rng;
    match rng.below(8) {
        0..=2 => Case::new(
            format!("codebook {}", path.display()),
            json!({ "destination": path }),
            // A project without labels has no codebook to write.
            if live.labels.is_empty() {
                Expect::Reject(vec![Code::BadDestination])
            } else {
                Expect::Accept
            },
        ),
        3 => Case::new(
            "a folder",
            json!({ "destination": cx.tmp.join("exports") }),
            Expect::Reject(vec![Code::BadDestination]),
        ),
        4 => Case::new(
            "a folder that is not there",
            json!({ "destination": missing }),
            Expect::Reject(vec![Code::WriteFailed, Code::BadDestination]),
        ),
        5 => Case::new(
            "a relative destination",
            json!({ "destination": "codebook.qdc" }),
            bad(),
        ),
        _ => {
            let v = not_a_string(rng);
            Case::new(
                format!("destination {}", short(&v)),
                json!({ "destination": v }),
                bad(),
            )
        }
    }
}

/// A codebook written into the temporary folder and brought in: new codes (nested, with
/// attributes as sub-codes), codes the project has, hostile names, and files that are not
/// codebooks; or paths that must be refused before anything is read.
fn import_codebook(cx: &mut Ctx<'_>) -> Case {
    let n = cx.unique();
    let missing = cx.missing_path();
    let path = cx.tmp.join(format!("exports/codebook-in-{n}.qdc"));
    let live = cx.live;
    let rng = &mut *cx.rng;
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let guid = |rng: &mut Rng| {
        let h = format!("{:016x}{:016x}", rng.next(), rng.next());
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    };
    let code = |rng: &mut Rng, name: &str, inner: &str| {
        format!(
            r##"<Code guid="{}" name="{}" isCodable="true" color="#{:06X}">{inner}</Code>"##,
            guid(rng),
            escape(name),
            rng.next() & 0xFF_FFFF
        )
    };
    let book = |codes: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>"#
        )
    };
    // The labels whose names XML carries as they are (other commands create any name).
    let plain: Vec<&String> = live
        .labels
        .iter()
        .map(|(_, name)| name)
        .filter(|name| {
            name.trim() == name.as_str()
                && !name.is_empty()
                && !name
                    .chars()
                    .any(|c| c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}')
        })
        .collect();
    let (what, bytes, expect): (String, Vec<u8>, Expect) = match rng.below(12) {
        0..=2 => {
            // A new code with a choice attribute, beside one the project already has.
            let stance = format!(
                r#"<Code guid="{}" name="stance" isCodable="false">{}</Code>"#,
                guid(rng),
                code(rng, "for", "")
            );
            let mut codes = code(rng, &format!("Fuzz code {n}"), &stance);
            if let Some(name) = plain.first() {
                codes.push_str(&code(rng, name, ""));
            }
            (
                "a new code and a present one".into(),
                book(&codes).into_bytes(),
                Expect::Accept,
            )
        }
        3 => {
            let codes: String = plain.iter().map(|name| code(rng, name, "")).collect();
            let expect = if plain.is_empty() {
                Expect::Either
            } else {
                Expect::Accept
            };
            (
                "only codes already there".into(),
                book(&codes).into_bytes(),
                expect,
            )
        }
        4 | 5 => {
            // Any name: too long, blank, control characters, twice in one file.
            let name = junk_string(rng);
            let codes = format!("{}{}", code(rng, &name, ""), code(rng, &name, ""));
            (
                format!("a code named {}", short(&json!(name))),
                book(&codes).into_bytes(),
                Expect::Either,
            )
        }
        6 => (
            "another namespace".into(),
            book("")
                .replace("urn:QDA-XML:codebook:1.0", "urn:example")
                .into_bytes(),
            Expect::Reject(vec![Code::Malformed]),
        ),
        7 => {
            let cut = book(&code(rng, &format!("Cut {n}"), ""));
            let at = rng.below(cut.len());
            (
                format!("a codebook cut at byte {at}"),
                cut.as_bytes()[..at].to_vec(),
                Expect::Reject(vec![Code::Malformed]),
            )
        }
        8 => (
            "bytes that are not XML".into(),
            (0..1 + rng.below(500)).map(|_| rng.next() as u8).collect(),
            Expect::Reject(vec![Code::Malformed]),
        ),
        9 => {
            return Case::new(
                "a file that is not there",
                json!({ "path": missing }),
                Expect::Reject(vec![Code::BadFile]),
            )
        }
        10 => return Case::new("a relative path", json!({ "path": "codes.qdc" }), bad()),
        _ => {
            let v = not_a_string(rng);
            return Case::new(format!("path {}", short(&v)), json!({ "path": v }), bad());
        }
    };
    std::fs::write(&path, bytes).unwrap();
    Case::new(what, json!({ "path": path }), expect)
}

fn draw_sample(cx: &mut Ctx<'_>) -> Case {
    let n = cx.unique();
    let rng = &mut *cx.rng;
    let strata = *rng.pick(&["none", "source", "month", "metadata"]);
    let request = json!({
        "name": format!("sample {n}"),
        "query": { "unannotated": rng.chance(30) },
        "size": 1 + rng.below(20),
        "seed": rng.below(1000),
        "strata": strata,
        "stratumKey": "desk",
    });
    match rng.below(8) {
        // A filter may leave nothing to draw from: drawn, or refused as such.
        0..=3 => Case::new(
            format!("sample {n} by {strata}"),
            json!({ "request": request }),
            Expect::Either,
        ),
        4 => {
            let mut r = request;
            r["size"] = json!(0);
            Case::new(
                "a sample of none",
                json!({ "request": r }),
                Expect::Reject(vec![Code::BadSample]),
            )
        }
        5 => {
            let mut r = request;
            r["strata"] = json!(junk_string(rng));
            Case::new(
                format!("strata {}", short(&r["strata"])),
                json!({ "request": r }),
                Expect::Either,
            )
        }
        6 => {
            let mut r = request;
            r["name"] = json!("n".repeat(10_000));
            Case::new(
                "an enormous name",
                json!({ "request": r }),
                Expect::Reject(vec![Code::TooLarge]),
            )
        }
        _ => {
            let v = junk(rng, 0);
            Case::new(
                format!("request {}", short(&v)),
                json!({ "request": v }),
                bad(),
            )
        }
    }
}

/// Where a document stands in the library: a number, or null when the query leaves it out.
fn locate_in_library(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(6) {
        0..=2 => {
            let id = cx.live.doc(rng).id;
            let sort = *rng.pick(&["imported", "title", "date", "source", "annotations"]);
            let query = json!({ "sort": sort, "descending": rng.chance(50), "unannotated": rng.chance(30) });
            Case::new(
                format!("document {id} by {sort}"),
                json!({ "query": query, "documentId": id }),
                Expect::Accept,
            )
        }
        3 => {
            // A document that is not there is in no place of any list.
            let id = cx.live.missing_document(rng);
            Case::new(
                format!("missing document {id}"),
                json!({ "query": {}, "documentId": id }),
                Expect::Accept,
            )
        }
        4 => {
            let v = not_an_integer(rng);
            Case::new(
                format!("documentId {}", short(&v)),
                json!({ "query": {}, "documentId": v }),
                bad(),
            )
        }
        _ => Case::new(
            "a query that is not an object",
            json!({ "query": "everything", "documentId": 1 }),
            bad(),
        ),
    }
}

fn search_documents(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(10) {
        0..=3 => {
            let q = *rng.pick(&[
                "tammy",
                "Riyadh OR peace",
                "\"talks in\"",
                "erdo*",
                "🇺🇦",
                "",
            ]);
            Case::new(format!("search {q}"), json!({ "query": q }), Expect::Accept)
        }
        4 | 5 => {
            let q = junk_string(rng);
            // Anything may be a malformed query; it is refused or answered, never more.
            let expect = if q.len() > MAX_SEARCH_BYTES {
                Expect::Reject(vec![Code::TooLarge])
            } else {
                Expect::Either
            };
            Case::new(
                format!("search {}", short(&json!(q))),
                json!({ "query": q }),
                expect,
            )
        }
        6 => Case::new(
            "an enormous search",
            json!({ "query": "x".repeat(100_000) }),
            Expect::Reject(vec![Code::TooLarge]),
        ),
        7 | 8 => {
            let v = not_a_string(rng);
            Case::new(format!("query {}", short(&v)), json!({ "query": v }), bad())
        }
        _ => {
            let (what, body) = without(rng, "query");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

/// An annotation that exists, or a missing id when there is none.
fn some_annotation(cx: &mut Ctx<'_>) -> (i64, bool) {
    if cx.live.annotations.is_empty() || cx.rng.chance(30) {
        (cx.live.missing_annotation(cx.rng), false)
    } else {
        (*cx.rng.pick(&cx.live.annotations), true)
    }
}

fn update_annotation(cx: &mut Ctx<'_>) -> Case {
    let (id, exists) = some_annotation(cx);
    let rng = &mut *cx.rng;
    let missing = Expect::Reject(vec![Code::UnknownAnnotation]);
    match rng.below(12) {
        0..=2 => {
            let note = *rng.pick(&["a note", "", "🇺🇦 e\u{301}\r\n"]);
            let expect = if exists { Expect::Accept } else { missing };
            Case::new(
                format!("note on {id}"),
                json!({ "annotationId": id, "edit": { "note": note } }),
                expect,
            )
        }
        3 | 4 => {
            let label = cx.live.label(rng);
            let expect = if exists { Expect::Accept } else { missing };
            Case::new(
                format!("label {label} on {id}"),
                json!({ "annotationId": id, "edit": { "labelId": label } }),
                expect,
            )
        }
        5 => {
            let label = cx.live.missing_label(rng);
            let expect = if exists {
                Expect::Reject(vec![Code::UnknownLabel])
            } else {
                missing
            };
            Case::new(
                format!("missing label {label} on {id}"),
                json!({ "annotationId": id, "edit": { "labelId": label } }),
                expect,
            )
        }
        6 => {
            let value = junk(rng, 1);
            let null = value.is_null();
            let attributes = json!({ junk_string(rng): value });
            let expect = if null {
                // A null value removes an attribute, which is always allowed.
                Expect::Either
            } else if exists {
                Expect::Reject(vec![Code::BadEdit, Code::TooLarge])
            } else {
                Expect::Reject(vec![Code::UnknownAnnotation, Code::TooLarge])
            };
            Case::new(
                format!("attributes {} on {id}", short(&attributes)),
                json!({ "annotationId": id, "edit": { "attributes": attributes } }),
                expect,
            )
        }
        7 => {
            let expect = if exists {
                Expect::Reject(vec![Code::UnknownEntity])
            } else {
                missing
            };
            Case::new(
                format!("missing entity on {id}"),
                json!({ "annotationId": id, "edit": { "entityId": 987_654 } }),
                expect,
            )
        }
        8 => Case::new(
            "an enormous note",
            json!({ "annotationId": id, "edit": { "note": "n".repeat(1_000_000) } }),
            Expect::Reject(vec![Code::TooLarge]),
        ),
        9 => {
            let v = junk(rng, 0);
            let expect = if v.as_object().is_some_and(|o| o.is_empty()) {
                if exists {
                    Expect::Accept
                } else {
                    missing
                }
            } else {
                bad()
            };
            Case::new(
                format!("edit {}", short(&v)),
                json!({ "annotationId": id, "edit": v }),
                expect,
            )
        }
        10 => {
            let v = not_an_integer(rng);
            Case::new(
                format!("annotationId {}", short(&v)),
                json!({ "annotationId": v, "edit": {} }),
                bad(),
            )
        }
        _ => {
            let (what, body) = without(rng, "annotationId");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn create_relation(cx: &mut Ctx<'_>) -> Case {
    let (from, _) = some_annotation(cx);
    let (to, _) = some_annotation(cx);
    let rng = &mut *cx.rng;
    match rng.below(8) {
        0..=3 => {
            let kind = *rng.pick(&["said_by", "held_by", "about", "praises", ""]);
            // Whether the labels fit the type depends on the pair: refused or drawn, no more.
            Case::new(
                format!("{kind} from {from} to {to}"),
                json!({ "kind": kind, "fromId": from, "toId": to }),
                Expect::Either,
            )
        }
        4 => Case::new(
            "an enormous kind",
            json!({ "kind": "k".repeat(100_000), "fromId": from, "toId": to }),
            Expect::Reject(vec![Code::TooLarge]),
        ),
        5 => {
            let v = not_an_integer(rng);
            Case::new(
                format!("fromId {}", short(&v)),
                json!({ "kind": "said_by", "fromId": v, "toId": to }),
                bad(),
            )
        }
        6 => {
            let v = not_a_string(rng);
            Case::new(
                format!("kind {}", short(&v)),
                json!({ "kind": v, "fromId": from, "toId": to }),
                bad(),
            )
        }
        _ => {
            let key = *rng.pick(&["kind", "fromId", "toId"]);
            let (what, body) = without(rng, key);
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn delete_relation(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(6) {
        0..=2 => {
            let id = rng.below(40) as i64;
            Case::new(
                format!("relation {id}"),
                json!({ "relationId": id }),
                Expect::Either,
            )
        }
        3 => Case::new(
            "a missing relation",
            json!({ "relationId": i64::MAX }),
            Expect::Reject(vec![Code::UnknownRelation]),
        ),
        4 => {
            let v = not_an_integer(rng);
            Case::new(
                format!("relationId {}", short(&v)),
                json!({ "relationId": v }),
                bad(),
            )
        }
        _ => {
            let (what, body) = without(rng, "relationId");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn annotation_history(cx: &mut Ctx<'_>) -> Case {
    let (id, exists) = some_annotation(cx);
    let rng = &mut *cx.rng;
    match rng.below(5) {
        0..=2 => Case::new(
            format!("history of {id}"),
            json!({ "annotationId": id }),
            if exists {
                Expect::Accept
            } else {
                Expect::Reject(vec![Code::UnknownAnnotation])
            },
        ),
        3 => {
            let v = not_an_integer(rng);
            Case::new(
                format!("annotationId {}", short(&v)),
                json!({ "annotationId": v }),
                bad(),
            )
        }
        _ => {
            let (what, body) = without(rng, "annotationId");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

/// An entity id: small ones often exist (the fuzz creates some), the largest never does.
fn entity_id(rng: &mut Rng) -> (i64, Expect) {
    if rng.chance(25) {
        (i64::MAX, Expect::Reject(vec![Code::UnknownEntity]))
    } else {
        (rng.below(8) as i64, Expect::Either)
    }
}

fn list_entities(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(6) {
        0..=2 => {
            let kind = rng
                .pick(&[json!("actor"), json!("concept"), Value::Null])
                .clone();
            Case::new(
                format!("entities of {kind}"),
                json!({ "kind": kind }),
                Expect::Accept,
            )
        }
        3 => Case::new("entities of no kind", json!({}), Expect::Accept),
        _ => {
            let junk = json!(junk_string(rng));
            let v = rng
                .pick(&[json!("person"), json!(7), json!(["actor"]), junk])
                .clone();
            Case::new(
                format!("entities of {}", short(&v)),
                json!({ "kind": v }),
                bad(),
            )
        }
    }
}

fn create_entity(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(8) {
        0..=3 => {
            let kind = *rng.pick(&["actor", "concept"]);
            let name = *rng.pick(&["Vladimir Putin", "Путин", "🇺🇦 Ukraine", "  ", "ceasefire"]);
            // A name already taken (or blank) is refused; any other is created.
            Case::new(
                format!("{kind} {name:?}"),
                json!({ "kind": kind, "name": name }),
                Expect::Either,
            )
        }
        4 => Case::new(
            "an enormous name",
            json!({ "kind": "actor", "name": "n".repeat(100_000) }),
            Expect::Reject(vec![Code::TooLarge]),
        ),
        5 => {
            let v = junk_string(rng);
            let what = format!("kind {}", short(&json!(v)));
            let expect = if v == "actor" || v == "concept" {
                Expect::Either
            } else {
                bad()
            };
            Case::new(what, json!({ "kind": v, "name": "x" }), expect)
        }
        6 => {
            let v = not_a_string(rng);
            Case::new(
                format!("name {}", short(&v)),
                json!({ "kind": "actor", "name": v }),
                bad(),
            )
        }
        _ => {
            let key = *rng.pick(&["kind", "name"]);
            let (what, body) = without(rng, key);
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn update_entity(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    let (id, expect) = entity_id(rng);
    match rng.below(6) {
        0..=2 => {
            let name = *rng.pick(&["Renamed", "", "Vladimir Putin"]);
            Case::new(
                format!("rename {id} to {name:?}"),
                json!({ "entityId": id, "edit": { "name": name, "aliases": ["Putin", " "] } }),
                match expect {
                    Expect::Reject(_) => Expect::Reject(vec![Code::UnknownEntity]),
                    _ => Expect::Either,
                },
            )
        }
        3 => Case::new(
            "enormous aliases",
            json!({ "entityId": id, "edit": { "name": "x", "aliases": vec!["a".repeat(1000); 2000] } }),
            Expect::Reject(vec![Code::TooLarge]),
        ),
        4 => {
            let v = junk(rng, 0);
            Case::new(
                format!("edit {}", short(&v)),
                json!({ "entityId": id, "edit": v }),
                bad(),
            )
        }
        _ => {
            let (what, body) = without(rng, "entityId");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn merge_entities(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    let (kept, _) = entity_id(rng);
    let (merged, _) = entity_id(rng);
    match rng.below(5) {
        0..=2 => Case::new(
            format!("merge {merged} into {kept}"),
            json!({ "keptId": kept, "mergedId": merged }),
            Expect::Either,
        ),
        3 => {
            let v = not_an_integer(rng);
            Case::new(
                format!("keptId {}", short(&v)),
                json!({ "keptId": v, "mergedId": merged }),
                bad(),
            )
        }
        _ => {
            let key = *rng.pick(&["keptId", "mergedId"]);
            let (what, body) = without(rng, key);
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn entity_mentions(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    let (id, expect) = entity_id(rng);
    match rng.below(4) {
        0..=2 => Case::new(
            format!("mentions of {id}"),
            json!({ "entityId": id }),
            expect,
        ),
        _ => {
            let v = not_an_integer(rng);
            Case::new(
                format!("entityId {}", short(&v)),
                json!({ "entityId": v }),
                bad(),
            )
        }
    }
}

/// Remembering the reading place writes the settings file (in the fuzz's own configuration
/// folder), never the project.
fn remember_place(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(8) {
        0 | 1 => {
            let id = cx.live.doc(rng).id;
            Case::new(
                format!("document {id} at its start"),
                json!({ "documentId": id, "at16": 0 }),
                Expect::Accept,
            )
        }
        2 => {
            let id = cx.live.doc(rng).id;
            Case::new(
                format!("document {id} past its end"),
                json!({ "documentId": id, "at16": 50_000_000 }),
                Expect::Reject(vec![Code::OffsetOutOfRange]),
            )
        }
        3 => {
            // Anywhere: inside a character, past the end, or fine.
            let id = cx.live.doc(rng).id;
            let at = rng.below(400);
            Case::new(
                format!("document {id} at {at}"),
                json!({ "documentId": id, "at16": at }),
                Expect::Either,
            )
        }
        4 => {
            let id = cx.live.missing_document(rng);
            Case::new(
                format!("missing document {id}"),
                json!({ "documentId": id, "at16": 0 }),
                Expect::Reject(vec![Code::UnknownDocument]),
            )
        }
        5 => {
            let v = not_an_integer(rng);
            let id = cx.live.doc(rng).id;
            // Integers too large for a position are refused as out of range.
            Case::new(
                format!("at16 {}", short(&v)),
                json!({ "documentId": id, "at16": v }),
                Expect::Reject(vec![Code::BadRequest, Code::OffsetOutOfRange]),
            )
        }
        6 => {
            let v = not_an_integer(rng);
            Case::new(
                format!("documentId {}", short(&v)),
                json!({ "documentId": v, "at16": 0 }),
                bad(),
            )
        }
        _ => {
            let (what, body) = without(rng, "at16");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

/// Switching who codes writes the settings file: the fuzz points the configuration folder at
/// its temporary directory first (see `fixture`).
fn set_annotator(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(6) {
        0 | 1 => {
            let name = *rng.pick(&["Ana", "Ben", "Ольга", "🇺🇦 coder"]);
            Case::new(
                format!("annotator {name}"),
                json!({ "name": name }),
                Expect::Accept,
            )
        }
        2 => Case::new(
            "an empty name",
            json!({ "name": "   " }),
            Expect::Reject(vec![Code::EmptyAnnotatorName]),
        ),
        3 => Case::new(
            "an enormous name",
            json!({ "name": "n".repeat(10_000) }),
            Expect::Reject(vec![Code::TooLarge]),
        ),
        4 => {
            let v = not_a_string(rng);
            Case::new(format!("name {}", short(&v)), json!({ "name": v }), bad())
        }
        _ => {
            let (what, body) = without(rng, "name");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

/// A label as the schema editor sends it: mostly plausible, sometimes not.
fn label_json(rng: &mut Rng) -> (Value, bool) {
    let name = *rng.pick(&["Source", "Quote", "Actor", "", "🇺🇦 Label", "  "]);
    let colour = *rng.pick(&["#aa00ff", "#123456", "red", "#12345g"]);
    let hotkey = rng
        .pick(&[Value::Null, json!("4"), json!("1"), json!("j"), json!("ab")])
        .clone();
    let attributes = rng
        .pick(&[
            json!([]),
            json!([{ "name": "stance", "kind": { "type": "choice", "options": ["for", "against"] } }]),
            json!([{ "name": "x", "kind": { "type": "choice", "options": [] } }]),
            json!([{ "name": "flag", "kind": { "type": "bool" } }, { "name": "flag", "kind": { "type": "text" } }]),
        ])
        .clone();
    let plausible = colour.starts_with('#');
    (
        json!({ "name": name, "colour": colour, "hotkey": hotkey, "attributes": attributes }),
        plausible,
    )
}

fn create_label(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(6) {
        0..=2 => {
            let (label, _) = label_json(rng);
            Case::new(
                format!("label {}", short(&label)),
                json!({ "label": label }),
                Expect::Either,
            )
        }
        3 => Case::new(
            "an enormous label",
            json!({ "label": { "name": "n".repeat(100_000), "colour": "#000000" } }),
            Expect::Reject(vec![Code::TooLarge]),
        ),
        4 => {
            let v = junk(rng, 0);
            Case::new(format!("label {}", short(&v)), json!({ "label": v }), bad())
        }
        _ => {
            let (what, body) = without(rng, "label");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn update_label(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    let (id, exists) = if rng.chance(25) {
        (cx.live.missing_label(rng), false)
    } else {
        (cx.live.label(rng), true)
    };
    match rng.below(4) {
        0..=2 => {
            let (label, _) = label_json(rng);
            let expect = if exists {
                Expect::Either
            } else {
                Expect::Reject(vec![Code::UnknownLabel, Code::BadSchema])
            };
            Case::new(
                format!("label {id} as {}", short(&label)),
                json!({ "labelId": id, "label": label }),
                expect,
            )
        }
        _ => {
            let v = not_an_integer(rng);
            Case::new(
                format!("labelId {}", short(&v)),
                json!({ "labelId": v, "label": {} }),
                bad(),
            )
        }
    }
}

fn label_usage(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    if rng.chance(30) {
        let id = cx.live.missing_label(rng);
        return Case::new(
            format!("usage of {id}"),
            json!({ "labelId": id }),
            Expect::Reject(vec![Code::UnknownLabel]),
        );
    }
    if rng.chance(20) {
        let v = not_an_integer(rng);
        return Case::new(
            format!("labelId {}", short(&v)),
            json!({ "labelId": v }),
            bad(),
        );
    }
    let id = cx.live.label(rng);
    Case::new(
        format!("usage of {id}"),
        json!({ "labelId": id }),
        Expect::Accept,
    )
}

fn delete_label(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(10) {
        // Rarely, and never the last labels: deleting takes annotations with it, which the
        // other generators need.
        0 if cx.live.labels.len() > 3 => {
            let id = cx.live.label(rng);
            Case::new(
                format!("delete label {id}"),
                json!({ "labelId": id }),
                Expect::Either,
            )
        }
        1..=5 => {
            let id = cx.live.missing_label(rng);
            Case::new(
                format!("delete missing label {id}"),
                json!({ "labelId": id }),
                Expect::Reject(vec![Code::UnknownLabel]),
            )
        }
        6..=8 => {
            let v = not_an_integer(rng);
            Case::new(
                format!("labelId {}", short(&v)),
                json!({ "labelId": v }),
                bad(),
            )
        }
        _ => {
            let (what, body) = without(rng, "labelId");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn relation_type_json(cx: &mut Ctx<'_>) -> Value {
    let rng = &mut *cx.rng;
    let name = *rng.pick(&["said_by", "praises", "", "cites", "🇺🇦"]);
    let from = if rng.chance(50) {
        json!([cx.live.label(rng)])
    } else {
        json!([])
    };
    let to = if rng.chance(20) {
        json!([cx.live.missing_label(rng)])
    } else {
        json!([])
    };
    json!({ "name": name, "fromLabels": from, "toLabels": to })
}

fn create_relation_type(cx: &mut Ctx<'_>) -> Case {
    match cx.rng.below(5) {
        0..=2 => {
            let rt = relation_type_json(cx);
            Case::new(
                format!("relation type {}", short(&rt)),
                json!({ "relationType": rt }),
                Expect::Either,
            )
        }
        3 => {
            let v = junk(cx.rng, 0);
            Case::new(
                format!("relation type {}", short(&v)),
                json!({ "relationType": v }),
                bad(),
            )
        }
        _ => {
            let (what, body) = without(cx.rng, "relationType");
            Case {
                body,
                expect: bad(),
                what,
            }
        }
    }
}

fn update_relation_type(cx: &mut Ctx<'_>) -> Case {
    let rt = relation_type_json(cx);
    let rng = &mut *cx.rng;
    match rng.below(5) {
        0..=2 => {
            let id = rng.below(8) as i64;
            Case::new(
                format!("relation type {id} as {}", short(&rt)),
                json!({ "relationTypeId": id, "relationType": rt }),
                Expect::Either,
            )
        }
        3 => Case::new(
            "a missing relation type",
            json!({ "relationTypeId": i64::MAX, "relationType": { "name": "x" } }),
            Expect::Reject(vec![Code::UnknownRelationType]),
        ),
        _ => {
            let v = not_an_integer(rng);
            Case::new(
                format!("relationTypeId {}", short(&v)),
                json!({ "relationTypeId": v, "relationType": rt }),
                bad(),
            )
        }
    }
}

fn delete_relation_type(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(6) {
        0 => {
            let id = rng.below(8) as i64;
            Case::new(
                format!("delete relation type {id}"),
                json!({ "relationTypeId": id }),
                Expect::Either,
            )
        }
        1..=3 => Case::new(
            "delete a missing relation type",
            json!({ "relationTypeId": i64::MAX }),
            Expect::Reject(vec![Code::UnknownRelationType]),
        ),
        _ => {
            let v = not_an_integer(rng);
            Case::new(
                format!("relationTypeId {}", short(&v)),
                json!({ "relationTypeId": v }),
                bad(),
            )
        }
    }
}

/// A value for a failure report, cut short.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() <= 80 {
        s
    } else {
        let head: String = s.chars().take(60).collect();
        format!("{head}… ({} bytes)", s.len())
    }
}

// ---------------------------------------------------------------------------------------------
// The harness.

struct Fixture {
    _tmp: tempfile::TempDir,
    tmp: PathBuf,
    project: PathBuf,
}

/// A project holding the hostile-Unicode fixture, the sample article and more, with
/// annotations, relations and two backups.
fn fixture() -> (Fixture, AppState) {
    let tmp_dir = tempfile::tempdir().unwrap();
    let tmp = tmp_dir.path().canonicalize().unwrap();
    for dir in ["project", "incoming", "exports", "config"] {
        std::fs::create_dir_all(tmp.join(dir)).unwrap();
    }
    // `set_annotator` remembers the name in the configuration folder: keep it in here.
    std::env::set_var("XDG_CONFIG_HOME", tmp.join("config"));
    let project_path = tmp.join("project/fuzz.claimdesk");
    let mut project = Project::open(&project_path).unwrap();
    let now = Utc::now();
    let me = project.annotator("fuzzer", now).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let texts = [
        (
            std::fs::read_to_string(root.join("tests/fixtures/hostile-unicode.txt")).unwrap(),
            "hostile-unicode.txt",
        ),
        (
            std::fs::read_to_string(root.join("crates/store/sample/riyadh-talks-2025-02-18.txt"))
                .unwrap(),
            "riyadh-talks-2025-02-18.txt",
        ),
        (
            std::fs::read_to_string(root.join("tests/fixtures/hostile-markup.txt")).unwrap(),
            "hostile-markup.txt",
        ),
        ("😀".to_string(), "one-emoji.txt"),
        ("plain ascii".to_string(), "ascii.txt"),
    ];
    let mut docs = Vec::new();
    for (text, name) in &texts {
        let ImportOutcome::Imported(id) = project
            .import_document(&NewDocument::from_plain_text(text, name), me, now)
            .unwrap()
        else {
            panic!("{name} was not imported");
        };
        let stored = project.document_text(id).unwrap();
        docs.push(Doc::new(id, &stored));
    }
    assert!(
        docs[0].inside.len() >= 6,
        "the hostile fixture should hold emoji and flags"
    );
    let labels = project.labels().unwrap();
    let label = |name: &str| labels.iter().find(|l| l.name == name).unwrap().id;
    let kinds = [
        label("Actor"),
        label("Claim"),
        label("Position"),
        label("Actor"),
    ];
    let mut rng = Rng(7);
    for doc in &docs {
        let text = project.document_text(doc.id).unwrap();
        let chars = text.chars().count();
        let mut ids = Vec::new();
        for (i, &label) in kinds.iter().enumerate().take(chars) {
            let start = i * chars / 4;
            let end = (start + 1 + rng.below(12)).min(chars);
            let a = project
                .create_annotation(doc.id, label, Span::new(start, end).unwrap(), me, now)
                .unwrap();
            ids.push(a.id);
        }
        // A claim said by two actors.
        if let [actor, claim, _, other] = ids[..] {
            for to in [actor, other] {
                project
                    .create_relation("said_by", claim, to, me, now)
                    .unwrap();
            }
        }
    }
    let relations: usize = docs
        .iter()
        .map(|d| project.relations(d.id).unwrap().len())
        .sum();
    assert!(relations >= 6, "only {relations} relations");
    project.backup(now).unwrap();
    project.undo(me, now).unwrap();
    project
        .backup(now + chrono::Duration::milliseconds(5))
        .unwrap();
    let state = AppState {
        project_path: project.path().to_path_buf(),
        project: Ok(Mutex::new(project)),
        annotator: std::sync::atomic::AtomicI64::new(me),
        annotator_confirmed: std::sync::atomic::AtomicBool::new(true),
        import: Default::default(),
        export: Default::default(),
        suggest: Default::default(),
        statements: Default::default(),
        layouts: Default::default(),
        team: Default::default(),
    };
    let fixture = Fixture {
        _tmp: tmp_dir,
        tmp,
        project: project_path,
    };
    (fixture, state)
}

fn build_app(state: AppState) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = mock_builder()
        .manage(state)
        .invoke_handler(claimdesk::invoke_handler())
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, webview)
}

fn invoke(webview: &WebviewWindow<MockRuntime>, cmd: &str, body: InvokeBody) -> Reply {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body,
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    match catch_unwind(AssertUnwindSafe(|| get_ipc_response(webview, request))) {
        Ok(Ok(body)) => Reply::Ok(body.deserialize::<Value>().unwrap_or(Value::Null)),
        Ok(Err(error)) => Reply::Err(error),
        Err(_) => Reply::Lost,
    }
}

enum Reply {
    Ok(Value),
    Err(Value),
    /// The command never answered (it panicked).
    Lost,
}

/// Waits for imports and exports the last call started.
fn wait_idle(state: &AppState) -> bool {
    let started = Instant::now();
    while state.import.is_running() || state.export.is_running() {
        if started.elapsed() > HANG {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    true
}

/// Failures found, the first few kept for the report.
#[derive(Default)]
struct Failures {
    count: usize,
    kept: Vec<String>,
}

impl Failures {
    fn add(&mut self, message: String) {
        self.count += 1;
        if self.kept.len() < 40 {
            self.kept.push(message);
        }
    }
}

/// The code and message of a refusal, or what is wrong with it. `codes` are those it may
/// carry: [`Code::REFUSALS`], where failures of the database or of the app itself are not
/// among them, as malformed input must be refused before it gets that far.
fn refusal<'v>(error: &'v Value, codes: &[Code]) -> Result<(Code, &'v str), String> {
    let code = error.get("code").and_then(Value::as_str);
    let message = error.get("message").and_then(Value::as_str);
    match (code, message, error.as_object().map(Map::len)) {
        (Some(name), Some(message), Some(2)) => {
            let Some(&code) = codes.iter().find(|code| code.as_str() == name) else {
                return Err(format!(
                    "unexpected code {name:?}: {}",
                    short(&json!(message))
                ));
            };
            if message.trim().is_empty() {
                Err(format!("an empty message for {code}"))
            } else if message.len() > MAX_MESSAGE_BYTES {
                Err(format!("a message of {} bytes for {code}", message.len()))
            } else {
                Ok((code, message))
            }
        }
        _ => Err(format!(
            "answered {}, not an error object {{code, message}}",
            short(error)
        )),
    }
}

#[derive(Default)]
struct Stats {
    cases: usize,
    accepted: usize,
    codes: BTreeMap<String, usize>,
}

#[test]
fn command_fuzz() {
    let cases: usize = std::env::var("CLAIMDESK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let seed: u64 = std::env::var("CLAIMDESK_FUZZ_SEED")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!(
        "command fuzz: seed {seed}, {cases} cases per command (replay with CLAIMDESK_FUZZ_SEED={seed} CLAIMDESK_FUZZ_CASES={cases})"
    );

    // Every command the app declares is fuzzed.
    let declared: BTreeSet<&str> = DECLARED
        .split("const COMMANDS")
        .nth(1)
        .and_then(|s| s.split("];").next())
        .unwrap()
        .split('"')
        .skip(1)
        .step_by(2)
        .collect();
    let fuzzed: BTreeSet<&str> = COMMANDS.iter().map(|c| c.0).collect();
    assert_eq!(declared, fuzzed, "every declared command needs a generator");

    let previous_hook = Arc::new(std::panic::take_hook());
    {
        let previous_hook = Arc::clone(&previous_hook);
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous_hook(info);
        }));
    }

    let started = Instant::now();
    let (fixture, state) = fixture();
    let (app, webview) = build_app(state);
    let state = app.state::<AppState>();
    let db = Connection::open_with_flags(
        &fixture.project,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap();
    let mut baseline = digest(&db);
    for table in [
        "annotators",
        "documents",
        "labels",
        "entities",
        "entity_aliases",
        "annotations",
        "relations",
        "events",
        "undo_stack",
        "redo_stack",
        "documents_fts_data",
    ] {
        assert!(baseline.contains_key(table), "the digest misses {table}");
    }
    let mut live = Live::read(&db, &fixture.project);

    // A watchdog: a call that never answers fails the run instead of hanging it.
    let current = Arc::new(Mutex::new(String::new()));
    let progress = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    {
        let (current, progress, done) = (current.clone(), progress.clone(), done.clone());
        std::thread::spawn(move || {
            let mut last = (u64::MAX, Instant::now());
            while !done.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(200));
                let now = progress.load(Ordering::SeqCst);
                if now != last.0 {
                    last = (now, Instant::now());
                } else if last.1.elapsed() > HANG {
                    eprintln!(
                        "command fuzz: no answer after {HANG:?} to {} (seed {seed})",
                        current.lock().unwrap()
                    );
                    std::process::exit(1);
                }
            }
        });
    }

    let mut rng = Rng(seed);
    let mut serial = 0u64;
    let mut failures = Failures::default();
    let mut stats: BTreeMap<&str, Stats> = BTreeMap::new();
    let mut order: Vec<usize> = (0..COMMANDS.len()).collect();

    for round in 0..cases {
        rng.shuffle(&mut order);
        for &c in &order {
            let (command, generate) = COMMANDS[c];
            let case = generate(&mut Ctx {
                rng: &mut rng,
                live: &live,
                tmp: &fixture.tmp,
                n: round,
                serial: &mut serial,
            });
            *current.lock().unwrap() = format!("{command} with {}", case.what);
            progress.fetch_add(1, Ordering::SeqCst);
            let panics_before = PANICS.load(Ordering::SeqCst);
            let answer = invoke(&webview, command, case.body);
            let idle = wait_idle(&state);
            let label = format!("{command} with {}", case.what);
            if !idle {
                failures.add(format!("{label}: its import or export never finished"));
            }
            let after = digest(&db);
            let stat = stats.entry(command).or_default();
            stat.cases += 1;
            match answer {
                Reply::Lost => {
                    failures.add(format!("{label}: no answer (the command panicked)"));
                    if after != baseline {
                        failures.add(format!(
                            "{label}: failed midway, having changed {:?}",
                            changed_tables(&baseline, &after)
                        ));
                        live = Live::read(&db, &fixture.project);
                        baseline = after;
                    }
                }
                Reply::Ok(_) => {
                    stat.accepted += 1;
                    if matches!(case.expect, Expect::Reject(_)) {
                        failures.add(format!("{label}: accepted, expected {:?}", case.expect));
                    }
                    if READ_ONLY.contains(&command) && after != baseline {
                        failures.add(format!(
                            "{label}: a read-only command changed {:?}",
                            changed_tables(&baseline, &after)
                        ));
                    }
                    if after != baseline {
                        live = Live::read(&db, &fixture.project);
                    }
                    baseline = after;
                }
                Reply::Err(error) => {
                    let code = error.get("code").and_then(Value::as_str);
                    *stat
                        .codes
                        .entry(code.unwrap_or("(not an error object)").to_string())
                        .or_default() += 1;
                    match refusal(&error, Code::REFUSALS) {
                        Err(problem) => failures.add(format!("{label}: {problem}")),
                        Ok((code, message)) => match &case.expect {
                            Expect::Accept => failures.add(format!(
                                "{label}: refused ({code}: {}), expected success",
                                short(&json!(message))
                            )),
                            Expect::Reject(codes) if !codes.contains(&code) => {
                                failures.add(format!(
                                    "{label}: refused with {code} ({}), expected one of {codes:?}",
                                    short(&json!(message))
                                ))
                            }
                            _ => {}
                        },
                    }
                    if after != baseline {
                        failures.add(format!(
                            "{label}: refused, yet changed {:?}",
                            changed_tables(&baseline, &after)
                        ));
                        live = Live::read(&db, &fixture.project);
                        baseline = after;
                    }
                }
            }
            if PANICS.load(Ordering::SeqCst) != panics_before {
                failures.add(format!("{label}: panicked"));
            }
        }
    }

    // The window of a project that could not be opened gets the same treatment.
    let damaged_cases = (cases / 5).max(1);
    damaged_project(
        &mut rng,
        damaged_cases,
        &live,
        &progress,
        &current,
        &mut failures,
    );

    // The app still answers, and nothing holds the project's lock poisoned.
    let alive = invoke(&webview, "list_documents", InvokeBody::Json(json!({})));
    if !matches!(alive, Reply::Ok(Value::Array(_))) {
        failures.add("list_documents after the fuzz did not answer a list".into());
    }
    if state
        .project
        .as_ref()
        .map(|p| p.is_poisoned())
        .unwrap_or(true)
    {
        failures.add("the project's lock is poisoned".into());
    }
    done.store(true, Ordering::SeqCst);
    let unknown = invoke(&webview, "no_such_command", InvokeBody::Json(json!({})));
    if !matches!(unknown, Reply::Err(_)) {
        failures.add("an unknown command was not refused".into());
    }

    let elapsed = started.elapsed();
    let total: usize = stats.values().map(|s| s.cases).sum();
    println!(
        "command fuzz: {total} calls, then {} on a damaged project, in {:.1} s, {} panics",
        damaged_cases * COMMANDS.len(),
        elapsed.as_secs_f64(),
        PANICS.load(Ordering::SeqCst)
    );
    for (command, s) in &stats {
        let codes: Vec<String> = s.codes.iter().map(|(c, n)| format!("{c} {n}")).collect();
        println!(
            "  {command:<26} {:>5} calls, {:>5} accepted; refused: {}",
            s.cases,
            s.accepted,
            codes.join(", ")
        );
    }
    drop(webview);
    drop(app);
    drop(std::panic::take_hook());
    if let Ok(hook) = Arc::try_unwrap(previous_hook) {
        std::panic::set_hook(hook);
    }
    assert!(
        failures.count == 0 && PANICS.load(Ordering::SeqCst) == 0,
        "command fuzz (seed {seed}): {} failures, {} panics:\n{}",
        failures.count,
        PANICS.load(Ordering::SeqCst),
        failures.kept.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// What the fuzz must not send (relative paths would name files in the working directory), and
// the helpers behind its refusals, tested directly.

fn export_request(destination: &str) -> ExportRequestDto {
    serde_json::from_value(json!({ "format": "jsonl", "destination": destination })).unwrap()
}

#[test]
fn relative_export_destinations_are_refused() {
    for destination in [
        "out.jsonl",
        "../out.jsonl",
        "./exports/",
        "~/out.jsonl",
        "C:out.jsonl",
    ] {
        let error = export_request(destination).into_request().err().unwrap();
        assert_eq!(
            error.code,
            Code::BadRequest,
            "{destination}: {}",
            error.message
        );
        assert!(error.message.contains("full path"), "{}", error.message);
    }
    let tmp = tempfile::tempdir().unwrap();
    let fine = tmp.path().join("out.jsonl");
    assert!(export_request(fine.to_str().unwrap())
        .into_request()
        .is_ok());
}

#[test]
fn relative_import_paths_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let absolute = tmp.path().join("a.txt").display().to_string();
    for path in ["a.txt", "../../etc/passwd", "", "nested/dir"] {
        let error = checked_import_paths(vec![absolute.clone(), path.into()])
            .err()
            .unwrap();
        assert_eq!(error.code, Code::BadRequest, "{path:?}: {}", error.message);
    }
    assert_eq!(
        checked_import_paths(vec![absolute.clone()]).unwrap().len(),
        1
    );
    let error = checked_path(&format!("/{}", "a".repeat(5000)), "a path")
        .err()
        .unwrap();
    assert_eq!(error.code, Code::TooLarge);
}

#[test]
fn malformed_arguments_are_error_objects() {
    let missing: Arg<i64> = serde_json::from_value(Value::Null).unwrap();
    let error = missing.get("documentId").err().unwrap();
    assert_eq!(error.code, Code::BadRequest);
    assert!(error.message.contains("documentId"), "{}", error.message);
    let huge: Arg<i64> = serde_json::from_value(json!("9".repeat(1_000_000))).unwrap();
    let error = huge.get("documentId").err().unwrap();
    assert!(error.message.len() < 1_000, "{} bytes", error.message.len());
    let fine: Arg<i64> = serde_json::from_value(json!(7)).unwrap();
    assert_eq!(fine.get("documentId").unwrap(), 7);
}

#[test]
fn echoed_values_are_cut_short() {
    assert_eq!(shown("jsonl"), "\"jsonl\"");
    let long = shown(&"🇺".repeat(1_000_000));
    assert!(long.len() < 400, "{long}");
    assert!(long.ends_with("(4000000 bytes)"), "{long}");
}

/// Commands that cannot succeed without an open project.
const NEEDS_PROJECT: &[&str] = &[
    "draw_sample",
    "list_samples",
    "locate_in_library",
    "remember_place",
    "get_project",
    "list_documents",
    "open_document",
    "create_annotation",
    "delete_annotation",
    "undo",
    "redo",
    "start_export",
];

/// The app over a file that is not a project, as `main` builds it: every command answers with
/// a proper refusal (or works without the project), and the file is left exactly as it was.
fn damaged_project(
    rng: &mut Rng,
    cases: usize,
    live: &Live,
    progress: &AtomicU64,
    current: &Mutex<String>,
    failures: &mut Failures,
) {
    let tmp_dir = tempfile::tempdir().unwrap();
    let tmp = tmp_dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(tmp.join("incoming")).unwrap();
    std::fs::create_dir_all(tmp.join("exports")).unwrap();
    let path = tmp.join("damaged.claimdesk");
    let bytes = b"this is not a SQLite database\n".repeat(200);
    std::fs::write(&path, &bytes).unwrap();
    let error = Project::open(&path)
        .err()
        .expect("the file should not open");
    let state = AppState {
        project_path: path.clone(),
        project: Err(error.into()),
        annotator: std::sync::atomic::AtomicI64::new(0),
        annotator_confirmed: std::sync::atomic::AtomicBool::new(true),
        import: Default::default(),
        export: Default::default(),
        suggest: Default::default(),
        statements: Default::default(),
        layouts: Default::default(),
        team: Default::default(),
    };
    let (app, webview) = build_app(state);
    let state = app.state::<AppState>();
    let mut codes = Code::REFUSALS.to_vec();
    codes.push(Code::NotAProject);
    let mut serial = 0;
    for round in 0..cases {
        for &(command, generate) in COMMANDS {
            let case = generate(&mut Ctx {
                rng,
                live,
                tmp: &tmp,
                n: round,
                serial: &mut serial,
            });
            let label = format!("{command} with {} (damaged project)", case.what);
            *current.lock().unwrap() = label.clone();
            progress.fetch_add(1, Ordering::SeqCst);
            let panics_before = PANICS.load(Ordering::SeqCst);
            let answer = invoke(&webview, command, case.body);
            if !wait_idle(&state) {
                failures.add(format!("{label}: its import or export never finished"));
            }
            match answer {
                Reply::Lost => failures.add(format!("{label}: no answer")),
                Reply::Ok(_) if NEEDS_PROJECT.contains(&command) => {
                    failures.add(format!("{label}: succeeded without a project"))
                }
                Reply::Ok(_) if matches!(case.expect, Expect::Reject(_)) => {
                    failures.add(format!("{label}: accepted, expected {:?}", case.expect))
                }
                Reply::Ok(_) => {}
                Reply::Err(error) => {
                    if let Err(problem) = refusal(&error, &codes) {
                        failures.add(format!("{label}: {problem}"));
                    }
                }
            }
            if PANICS.load(Ordering::SeqCst) != panics_before {
                failures.add(format!("{label}: panicked"));
            }
            if std::fs::read(&path).unwrap() != bytes {
                failures.add(format!("{label}: changed the damaged file"));
                std::fs::write(&path, &bytes).unwrap();
            }
        }
    }
    let mut left: Vec<String> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    if left != ["damaged.claimdesk", "exports", "incoming"] {
        failures.add(format!("the damaged project's folder now holds {left:?}"));
    }
}

fn suggest_document(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    let id = cx.live.doc(rng).id;
    match rng.below(8) {
        0..=2 => Case::new(
            format!("document {id}"),
            json!({ "request": { "documentId": id } }),
            Expect::Accept,
        ),
        3 => Case::new(
            format!("document {id}, mentions folded"),
            json!({ "request": { "documentId": id, "options": { "kinds": ["mention"], "fold": "diacritics" } } }),
            Expect::Accept,
        ),
        4 => Case::new(
            "a kind it does not know",
            json!({ "request": { "documentId": id, "options": { "kinds": ["rumour"] } } }),
            bad(),
        ),
        5 => Case::new(
            "a fold it does not know",
            json!({ "request": { "documentId": id, "options": { "fold": "sideways" } } }),
            bad(),
        ),
        6 => {
            let missing = cx.live.missing_document(rng);
            Case::new(
                format!("missing document {missing}"),
                json!({ "request": { "documentId": missing } }),
                Expect::Reject(vec![Code::UnknownDocument]),
            )
        }
        _ => {
            let v = junk(rng, 0);
            Case::new(
                format!("request {}", short(&v)),
                json!({ "request": v }),
                bad(),
            )
        }
    }
}

/// Accepting or rejecting: a kept suggestion (open or not, as the project has it), one never
/// found, a missing document, or boundaries that do not fit the text.
fn decide_suggestion(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    let kept = (!cx.live.suggestions.is_empty()).then(|| rng.pick(&cx.live.suggestions).clone());
    match rng.below(8) {
        0..=2 if kept.is_some() => {
            let (doc, key) = kept.unwrap();
            Case::new(
                format!("suggestion {key} of document {doc}"),
                json!({ "request": { "documentId": doc, "key": key } }),
                Expect::Either,
            )
        }
        3 if kept.is_some() => {
            let (doc, key) = kept.unwrap();
            let (a, b) = (rng.below(100_000), rng.below(100_000));
            Case::new(
                format!("suggestion {key} edited to {a}..{b}"),
                json!({ "request": { "documentId": doc, "key": key, "content16": [a, b] } }),
                Expect::Either,
            )
        }
        4 => {
            let id = cx.live.doc(rng).id;
            Case::new(
                "a suggestion never found",
                json!({ "request": { "documentId": id, "key": "a:0-1:-" } }),
                Expect::Reject(vec![Code::UnknownSuggestion]),
            )
        }
        5 => {
            let missing = cx.live.missing_document(rng);
            Case::new(
                format!("missing document {missing}"),
                json!({ "request": { "documentId": missing, "key": "m:0-1:1" } }),
                Expect::Reject(vec![Code::UnknownDocument]),
            )
        }
        6 => Case::new(
            "boundaries of the wrong shape",
            json!({ "request": { "documentId": 1, "key": "k", "content16": "3..4" } }),
            bad(),
        ),
        _ => {
            let v = junk(rng, 0);
            Case::new(
                format!("request {}", short(&v)),
                json!({ "request": v }),
                bad(),
            )
        }
    }
}

/// Accepting all of a document's: done, or refused as the project stands (the fuzz may have
/// deleted the Actor or Claim label, or an entity a suggestion names).
fn accept_all_suggestions(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(4) {
        0 | 1 => {
            let id = cx.live.doc(rng).id;
            Case::new(
                format!("document {id}"),
                json!({ "documentId": id }),
                Expect::Either,
            )
        }
        2 => {
            let id = cx.live.missing_document(rng);
            Case::new(
                format!("missing document {id}"),
                json!({ "documentId": id }),
                Expect::Reject(vec![Code::UnknownDocument]),
            )
        }
        _ => {
            let v = not_an_integer(rng);
            Case::new(
                format!("documentId {}", short(&v)),
                json!({ "documentId": v }),
                bad(),
            )
        }
    }
}

/// A run over documents writes from its own thread after the call answers, so only runs that
/// change nothing are started here: over no documents, or refused.
fn start_suggest(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(4) {
        0 => Case::new(
            "no documents",
            json!({ "documentIds": [], "library": null, "options": null }),
            Expect::Either,
        ),
        1 => Case::new(
            "a kind it does not know",
            json!({ "documentIds": [], "library": null, "options": { "kinds": ["gossip"] } }),
            bad(),
        ),
        2 => {
            // Null (every document) or a list of ids would start a real run: only junk of
            // another shape.
            let v = match junk(rng, 0) {
                Value::Null | Value::Array(_) => json!("all of them"),
                v => v,
            };
            Case::new(
                format!("documentIds {}", short(&v)),
                json!({ "documentIds": v, "library": null, "options": null }),
                bad(),
            )
        }
        _ => Case::new(
            "options of the wrong shape",
            json!({ "documentIds": [], "library": { "sort": "colour" }, "options": [1, 2] }),
            bad(),
        ),
    }
}

fn suggestion_documents(cx: &mut Ctx<'_>) -> Case {
    let rng = &mut *cx.rng;
    match rng.below(4) {
        0 => Case::new("from the start", json!({ "after": null }), Expect::Accept),
        1 | 2 => {
            let id = cx.live.doc(rng).id;
            Case::new(
                format!("after {id}"),
                json!({ "after": id }),
                Expect::Accept,
            )
        }
        _ => {
            let v = not_an_integer(rng);
            let expect = if v.is_null() { Expect::Accept } else { bad() };
            Case::new(
                format!("after {}", short(&v)),
                json!({ "after": v }),
                expect,
            )
        }
    }
}
