//! Crash test: a writer process edits a project through the store — annotations, relations,
//! deletions, bulk imports with checkpoints — and is killed with SIGKILL at random moments.
//! After every kill the project must open, pass `PRAGMA integrity_check`, hold every write the
//! writer had acknowledged (a call that returned `Ok`), and hold no half-imported document.
//!
//! `cargo test -p claimdesk-store --test crash` kills 100 times; `make crash-long` sets
//! `CLAIMDESK_CRASH_KILLS=1000`. The writer is this test binary again, started with
//! `CLAIMDESK_CRASH_WRITER` naming the project (see [`writer_entry_point`]).
//!
//! Merging another project is killed the same way ([`merge_entry_point`]): afterwards the
//! project is exactly as it was before the merge or as the completed merge leaves it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::Utc;
use claimdesk_core::imported::{ImportedAnnotation, ImportedDocument, ImportedRelation};
use claimdesk_core::{NewDocument, Span};
use claimdesk_store::Project;

const WRITER_ENV: &str = "CLAIMDESK_CRASH_WRITER";
const BASE_DOCUMENTS: i64 = 3;

/// A small, seedable generator: the run prints its seed, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn seed() -> u64 {
    std::env::var("CLAIMDESK_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
        | 1
}

fn base_text(n: i64) -> String {
    format!(
        " date 2025-02-18 Base article {n}\n\nTammy Bruce said “one call is not enough” 🇺🇦 in Riyadh, e\u{301}.\r\n{}",
        "Lavrov and Rubio met for talks. ".repeat(40)
    )
}

/// The writer: edits forever, printing `ACK …` after each call that returned `Ok`.
#[test]
fn writer_entry_point() {
    let Ok(path) = std::env::var(WRITER_ENV) else {
        return; // Only the crash test below starts this as a writer process.
    };
    let mut rng = Rng(seed() ^ u64::from(std::process::id()));
    let mut project = Project::open_existing(Path::new(&path)).unwrap();
    let me = project.annotator("writer", Utc::now()).unwrap();
    let labels: Vec<i64> = project.labels().unwrap().iter().map(|l| l.id).collect();
    let mut out = std::io::stdout().lock();
    let mut seq = 0u64;
    loop {
        seq += 1;
        match rng.below(10) {
            0..=5 => {
                let doc = 1 + rng.below(BASE_DOCUMENTS as u64) as i64;
                let len = base_text(doc).chars().count() as u64;
                let start = rng.below(len - 20) as usize;
                let span = Span::new(start, start + 1 + rng.below(15) as usize).unwrap();
                let label = labels[rng.below(labels.len() as u64) as usize];
                // A start inside a flag's pair of code points is fine: offsets are code points.
                let a = project
                    .create_annotation(doc, label, span, me, Utc::now())
                    .unwrap();
                writeln!(out, "ACK A {} {} {} {}", a.id, doc, a.start, a.end).unwrap();
            }
            6 | 7 => {
                let doc = 1 + rng.below(BASE_DOCUMENTS as u64) as i64;
                let ids: Vec<i64> = project
                    .annotations(doc)
                    .unwrap()
                    .iter()
                    .map(|a| a.id)
                    .collect();
                if ids.len() >= 2 {
                    let from = ids[rng.below(ids.len() as u64) as usize];
                    let to = ids[rng.below(ids.len() as u64) as usize];
                    if from != to {
                        let r = project
                            .create_relation("linked", from, to, me, Utc::now())
                            .unwrap();
                        writeln!(out, "ACK R {} {} {}", r.id, from, to).unwrap();
                    }
                }
            }
            8 => {
                let doc = 1 + rng.below(BASE_DOCUMENTS as u64) as i64;
                if let Some(a) = project.annotations(doc).unwrap().first().cloned() {
                    // Announced first: a kill between the commit and the ACK leaves it gone
                    // without an acknowledgement, which is allowed.
                    writeln!(out, "WILL D {}", a.id).unwrap();
                    out.flush().unwrap();
                    project.delete_annotation(a.id, me, Utc::now()).unwrap();
                    writeln!(out, "ACK D {}", a.id).unwrap();
                }
            }
            _ => {
                // A bulk import of five documents, committed at a checkpoint after three.
                let mut batch = project.begin_import(me, Utc::now()).unwrap();
                let mut pending = Vec::new();
                for i in 0..5 {
                    let want = 1 + rng.below(30) as usize;
                    let text = format!(
                        "Imported {seq}-{i} by {} carries {want} annotations. {}",
                        std::process::id(),
                        "Words to annotate here. ".repeat(want)
                    );
                    let mut doc =
                        ImportedDocument::plain(NewDocument::from_plain_text(&text, "crash.txt"));
                    doc.annotations = (0..want)
                        .map(|k| ImportedAnnotation {
                            key: format!("T{k}"),
                            label: "Actor".into(),
                            start: 60 + k * 24,
                            end: 65 + k * 24,
                            attributes: Default::default(),
                            note: None,
                        })
                        .collect();
                    batch.add(&doc).unwrap();
                    pending.push(doc.document.sha256());
                    if i == 2 {
                        batch.checkpoint().unwrap();
                        for sha in pending.drain(..) {
                            writeln!(out, "ACK I {sha}").unwrap();
                        }
                    }
                }
                batch.commit().unwrap();
                for sha in pending.drain(..) {
                    writeln!(out, "ACK I {sha}").unwrap();
                }
            }
        }
        out.flush().unwrap();
    }
}

#[derive(Default)]
struct Acknowledged {
    annotations: BTreeMap<i64, (i64, usize, usize)>,
    /// Deleted annotations, with where they were: ids are reused, so a later annotation may
    /// carry the same id.
    deleted: BTreeMap<i64, (i64, usize, usize)>,
    /// Deletions started but not acknowledged: the annotation may or may not be there.
    maybe_deleted: BTreeSet<i64>,
    relations: BTreeMap<i64, (i64, i64)>,
    imports: BTreeSet<String>,
    writes: usize,
    /// Every line received, for the message of a failure.
    log: Vec<String>,
}

impl Acknowledged {
    fn take(&mut self, line: &str) {
        self.log.push(line.to_string());
        let parts: Vec<&str> = line.split_whitespace().collect();
        let n = |i: usize| parts[i].parse::<i64>().unwrap();
        if parts[0] == "WILL" {
            // The relations touching it go with it (ON DELETE CASCADE) from here on.
            let id = n(2);
            self.relations
                .retain(|_, (from, to)| *from != id && *to != id);
            self.maybe_deleted.insert(id);
            return;
        }
        match parts.get(1) {
            Some(&"A") => {
                // An id can come back after its annotation was deleted and undone elsewhere;
                // the newest acknowledgement is the one that must hold.
                self.deleted.remove(&n(2));
                self.maybe_deleted.remove(&n(2));
                self.annotations
                    .insert(n(2), (n(3), n(4) as usize, n(5) as usize));
            }
            Some(&"R") => {
                self.relations.insert(n(2), (n(3), n(4)));
            }
            Some(&"D") => {
                self.maybe_deleted.remove(&n(2));
                if let Some(was) = self.annotations.remove(&n(2)) {
                    self.deleted.insert(n(2), was);
                }
            }
            Some(&"I") => {
                self.imports.insert(parts[2].to_string());
            }
            _ => return,
        }
        self.writes += 1;
    }
}

fn verify(path: &Path, acked: &Acknowledged) -> usize {
    let project = Project::open_existing(path).expect("the project opens after a kill");
    drop(project);
    let conn = rusqlite::Connection::open(path).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mut checked = 0;
    for (id, (doc, start, end)) in &acked.annotations {
        if acked.maybe_deleted.contains(id) {
            continue;
        }
        let row: (i64, i64, i64) = conn
            .query_row(
                "SELECT document_id, start, end FROM annotations WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap_or_else(|e| panic!("acknowledged annotation {id} is gone: {e}"));
        assert_eq!(row, (*doc, *start as i64, *end as i64), "annotation {id}");
        checked += 1;
    }
    for (id, (doc, start, end)) in &acked.deleted {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM annotations
                 WHERE id = ?1 AND document_id = ?2 AND start = ?3 AND end = ?4",
                (id, doc, *start as i64, *end as i64),
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0, "acknowledged deletion of {id} was lost");
        checked += 1;
    }
    for (id, (from, to)) in &acked.relations {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM relations WHERE id = ?1 AND from_id = ?2 AND to_id = ?3",
                (id, from, to),
                |r| r.get(0),
            )
            .unwrap();
        if n != 1 {
            let now: Option<(i64, i64)> = conn
                .query_row(
                    "SELECT from_id, to_id FROM relations WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .ok();
            let mut stmt = conn.prepare("SELECT id, action, kind, payload FROM events WHERE payload LIKE ?1 ORDER BY id").unwrap();
            let events: Vec<String> = stmt
                .query_map([format!("%\"id\":{id},%")], |r| {
                    Ok(format!(
                        "{} {} {} {}",
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?
                    ))
                })
                .unwrap()
                .map(Result::unwrap)
                .filter(|e| e.contains("relation"))
                .collect();
            let mentions: Vec<&String> = acked
                .log
                .iter()
                .filter(|l| {
                    l.split_whitespace().any(|w| {
                        w == from.to_string() || w == to.to_string() || w == id.to_string()
                    })
                })
                .collect();
            panic!("acknowledged relation {id} ({from} -> {to}) is gone; now {now:?}; events: {events:#?}; lines: {mentions:#?}");
        }
        checked += 1;
    }
    for sha in &acked.imports {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM documents WHERE sha256 = ?1",
                [sha],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "acknowledged import {sha} is gone");
        checked += 1;
    }
    // No half-imported document: every imported one has all the annotations it announces.
    let mut stmt = conn
        .prepare(
            "SELECT d.id, d.text, (SELECT count(*) FROM annotations a WHERE a.document_id = d.id)
             FROM documents d WHERE d.id > ?1",
        )
        .unwrap();
    let rows = stmt
        .query_map([BASE_DOCUMENTS], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (id, text, count) = row.unwrap();
        let want: i64 = text
            .split(" carries ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert_eq!(count, want, "document {id} was imported by halves");
    }
    checked
}

#[test]
fn kills_at_random_moments_lose_no_acknowledged_write() {
    let kills: usize = std::env::var("CLAIMDESK_CRASH_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(100);
    let seed = seed();
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.claimdesk");
    {
        let mut project = Project::open(&path).unwrap();
        let me = project.annotator("setup", Utc::now()).unwrap();
        // A relation type that links any labels, for the writer's random pairs.
        project
            .create_relation_type("linked", &[], &[], me, Utc::now())
            .unwrap();
        for n in 1..=BASE_DOCUMENTS {
            let doc = NewDocument::from_plain_text(&base_text(n), "base.txt");
            project.import_document(&doc, me, Utc::now()).unwrap();
        }
    }
    let started = Instant::now();
    let mut acked = Acknowledged::default();
    let mut verified = 0;
    for _ in 0..kills {
        // The test harness prints `test writer_entry_point ... ` without a line break before
        // the writer's first line: each record is taken from its marker on.
        let lines = run_until_killed(
            "writer_entry_point",
            WRITER_ENV,
            &path,
            20 + rng.below(200),
            |l| {
                let at = l.find("ACK ").or_else(|| l.find("WILL "))?;
                Some(l[at..].to_string())
            },
        );
        for line in lines {
            acked.take(&line);
        }
        verified = verify(&path, &acked);
    }
    println!(
        "crash test (seed {seed}): {kills} kills with SIGKILL, {} acknowledged writes, {verified} verified present after the last kill, integrity ok after every kill, {:.1} s",
        acked.writes,
        started.elapsed().as_secs_f64()
    );
    assert!(
        acked.writes > kills,
        "the writer must have written between kills"
    );
}

const BACKUP_ENV: &str = "CLAIMDESK_CRASH_BACKUP";

/// Runs this test binary's `entry` test as a child process with `env` naming the project, kills
/// it with SIGKILL after `millis`, and answers the lines of its output that `record` keeps.
fn run_until_killed(
    entry: &str,
    env: &str,
    project: &Path,
    millis: u64,
    record: fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([entry, "--exact", "--nocapture", "--test-threads=1"])
        .env(env, project)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| record(&l))
            .collect::<Vec<_>>()
    });
    std::thread::sleep(Duration::from_millis(millis));
    child.kill().unwrap(); // SIGKILL on Unix.
    child.wait().unwrap();
    reader.join().unwrap()
}

/// The backup writer: makes backups of the project, one after the other, printing `BACKUP
/// <name>` after each has been renamed into place.
#[test]
fn backup_entry_point() {
    let Ok(path) = std::env::var(BACKUP_ENV) else {
        return;
    };
    let project = Project::open_existing(Path::new(&path)).unwrap();
    let mut out = std::io::stdout();
    loop {
        let backup = project.backup(Utc::now()).unwrap();
        writeln!(out, "BACKUP {}", backup.name).unwrap();
        out.flush().unwrap();
    }
}

/// A backup killed with SIGKILL at a random moment leaves the project sound and every backup
/// that was listed as made intact; the half-written one is never listed.
#[test]
fn a_backup_killed_midway_leaves_the_project_and_the_earlier_backups_intact() {
    let seed = seed();
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup-crash.claimdesk");
    {
        // Some megabytes, so that a backup takes long enough to be cut in the middle.
        let mut project = Project::open(&path).unwrap();
        let me = project.annotator("setup", Utc::now()).unwrap();
        for n in 1..=150 {
            let text = format!(
                "{}\n\n{}",
                base_text(n),
                "A longer paragraph of the article. ".repeat(600)
            );
            let doc = NewDocument::from_plain_text(&text, "long.txt");
            project.import_document(&doc, me, Utc::now()).unwrap();
        }
    }
    let mut made = BTreeSet::new();
    let kills = 25;
    for _ in 0..kills {
        let lines = run_until_killed(
            "backup_entry_point",
            BACKUP_ENV,
            &path,
            10 + rng.below(300),
            |l| Some(l[l.find("BACKUP ")? + 7..].to_string()),
        );
        made.extend(lines);

        // The project opens and is sound.
        let project = Project::open_existing(&path).unwrap();
        assert_eq!(project.documents().unwrap().len(), 150, "seed {seed}");
        drop(project);
        // Every listed backup is complete; those reported made are listed unless pruned.
        let listed = claimdesk_store::backups(&path).unwrap();
        // A kill between a backup's rename and the pruning after it leaves one more; the next
        // backup prunes it.
        assert!(
            listed.len() <= claimdesk_store::KEEP_BACKUPS + 1,
            "seed {seed}"
        );
        for backup in &listed {
            let copy = rusqlite::Connection::open_with_flags(
                &backup.path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .unwrap();
            let check: String = copy
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok", "backup {} (seed {seed})", backup.name);
            let documents: i64 = copy
                .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
                .unwrap();
            assert_eq!(documents, 150, "backup {} (seed {seed})", backup.name);
        }
        let newest_made = made.iter().max();
        if let Some(newest) = newest_made {
            assert!(
                listed.iter().any(|b| &b.name == newest),
                "the newest backup made is kept (seed {seed})"
            );
        }
    }
    println!(
        "backup crash test (seed {seed}): {kills} kills, {} backups completed between them",
        made.len()
    );
    assert!(!made.is_empty(), "some backups completed between kills");
}

const MERGE_ENV: &str = "CLAIMDESK_CRASH_MERGE";

/// The other project a merge writer merges, beside the project it merges into.
fn merge_source(project: &Path) -> PathBuf {
    project.with_file_name("merge-other.claimdesk")
}

/// The merge writer: merges the other project into the project once, printing `MERGING`
/// before and `MERGED` after the call returned, then waits to be killed.
#[test]
fn merge_entry_point() {
    let Ok(path) = std::env::var(MERGE_ENV) else {
        return;
    };
    let path = PathBuf::from(path);
    let mut project = Project::open_existing(&path).unwrap();
    let me = project.coder_id("merger").unwrap();
    let mut out = std::io::stdout();
    writeln!(out, "MERGING").unwrap();
    out.flush().unwrap();
    project
        .merge_project(&merge_source(&path), me, Utc::now())
        .unwrap();
    writeln!(out, "MERGED").unwrap();
    out.flush().unwrap();
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// The project the merges go into: the base articles, coded a little, and the merging coder.
fn merge_target(path: &Path) {
    let mut project = Project::open(path).unwrap();
    let me = project.annotator("ana", Utc::now()).unwrap();
    project.annotator("merger", Utc::now()).unwrap();
    let actor = project.labels().unwrap()[0].id;
    for n in 1..=BASE_DOCUMENTS {
        let doc = NewDocument::from_plain_text(&base_text(n), "base.txt");
        project.import_document(&doc, me, Utc::now()).unwrap();
        project
            .create_annotation(n, actor, Span::new(17, 21).unwrap(), me, Utc::now())
            .unwrap();
    }
}

/// The project merged in: the same base articles coded by another coder (with edits, links
/// and a deletion in their history), and many articles of its own, each coded and linked.
fn merge_other(path: &Path, articles: usize) {
    let mut project = Project::open(path).unwrap();
    let me = project.annotator("ben", Utc::now()).unwrap();
    project
        .create_relation_type("linked", &[], &[], me, Utc::now())
        .unwrap();
    let labels: Vec<i64> = project.labels().unwrap().iter().map(|l| l.id).collect();
    for n in 1..=BASE_DOCUMENTS {
        let doc = NewDocument::from_plain_text(&base_text(n), "base.txt");
        project.import_document(&doc, me, Utc::now()).unwrap();
        let mut ids = Vec::new();
        for k in 0..6 {
            let span = Span::new(40 + k * 7, 45 + k * 7).unwrap();
            let a = project
                .create_annotation(n, labels[k % labels.len()], span, me, Utc::now())
                .unwrap();
            ids.push(a.id);
        }
        project
            .create_relation("linked", ids[0], ids[1], me, Utc::now())
            .unwrap();
        project.delete_annotation(ids[5], me, Utc::now()).unwrap();
    }
    let mut batch = project.begin_import(me, Utc::now()).unwrap();
    for i in 0..articles {
        let text = format!(
            "Merged article {i} 🇺🇦 e\u{301}.\r\n{}",
            "Words to annotate here. ".repeat(30)
        );
        let mut doc = ImportedDocument::plain(NewDocument::from_plain_text(&text, "other.txt"));
        doc.annotations = (0..30)
            .map(|k| ImportedAnnotation {
                key: format!("T{k}"),
                label: "Actor".into(),
                start: 30 + k * 24,
                end: 35 + k * 24,
                attributes: Default::default(),
                note: None,
            })
            .collect();
        doc.relations = (0..29)
            .map(|k| ImportedRelation {
                kind: "linked".into(),
                from: format!("T{k}"),
                to: format!("T{}", k + 1),
            })
            .collect();
        batch.add(&doc).unwrap();
    }
    batch.commit().unwrap();
}

/// Everything a merge can change, by content rather than ids (sorted lines), except the
/// merge's own log entry, which is counted.
fn merge_fingerprint(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let queries = [
        "SELECT 'document ' || sha256 || ' ' || title FROM documents",
        "SELECT 'annotation ' || a.uid || ' ' || d.sha256 || ' ' || l.name || ' ' || c.name || ' '
                || a.start || '-' || a.end || ' ' || a.attributes || ' ' || coalesce(a.note, '')
         FROM annotations a JOIN documents d ON d.id = a.document_id
         JOIN labels l ON l.id = a.label_id JOIN annotators c ON c.id = a.annotator_id",
        "SELECT 'relation ' || r.uid || ' ' || r.kind || ' ' || f.uid || ' ' || t.uid
         FROM relations r JOIN annotations f ON f.id = r.from_id JOIN annotations t ON t.id = r.to_id",
        "SELECT 'label ' || name || ' ' || attributes FROM labels",
        "SELECT 'relation type ' || name FROM relation_types",
        "SELECT 'coder ' || name || ' ' || kind FROM annotators",
        "SELECT 'event ' || uid FROM events WHERE kind <> 'project_merged'",
        "SELECT 'merges ' || count(*) FROM events WHERE kind = 'project_merged'",
        "SELECT 'indexed ' || count(*) FROM documents_fts_docsize",
        "SELECT 'counted ' || sum(annotation_count) FROM document_stats",
    ];
    let mut lines: Vec<String> = queries
        .iter()
        .flat_map(|sql| {
            let mut stmt = conn.prepare(sql).unwrap();
            stmt.query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .map(Result::unwrap)
                .collect::<Vec<_>>()
        })
        .collect();
    lines.sort();
    lines
}

/// Puts the project back as it was before any merge: the pristine copy, without the log and
/// shared-memory files a killed writer leaves.
fn reset(pristine: &Path, path: &Path) {
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    std::fs::copy(pristine, path).unwrap();
}

/// A merge killed with SIGKILL at a random moment leaves the project exactly as before the
/// merge or as the completed merge leaves it, never in between.
#[test]
fn a_merge_killed_midway_leaves_the_project_as_before_or_merged() {
    let kills: usize = std::env::var("CLAIMDESK_CRASH_KILLS")
        .ok()
        .and_then(|k| k.parse::<usize>().ok())
        .map_or(20, |k| (k / 5).max(1));
    let seed = seed();
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let pristine = dir.path().join("pristine.claimdesk");
    let path = dir.path().join("merge.claimdesk");
    merge_target(&pristine);
    merge_other(&merge_source(&path), 200);
    let before = merge_fingerprint(&pristine);

    // The completed merge, made once without a kill, and how long it takes.
    reset(&pristine, &path);
    let started = Instant::now();
    {
        let mut project = Project::open_existing(&path).unwrap();
        let me = project.coder_id("merger").unwrap();
        project
            .merge_project(&merge_source(&path), me, Utc::now())
            .unwrap();
    }
    let took = started.elapsed();
    let merged = merge_fingerprint(&path);
    assert_ne!(merged, before, "the merge changes the project");

    let (mut as_before, mut as_merged, mut midway) = (0, 0, 0);
    // From before the writer starts merging to after it finished: its start-up is short.
    let window = 50 + 2 * took.as_millis() as u64;
    for _ in 0..kills {
        reset(&pristine, &path);
        let lines = run_until_killed(
            "merge_entry_point",
            MERGE_ENV,
            &path,
            rng.below(window),
            |l| Some(l[l.find("MERG")?..].to_string()),
        );
        let (started, finished) = (
            lines.iter().any(|l| l == "MERGING"),
            lines.iter().any(|l| l == "MERGED"),
        );
        Project::open_existing(&path).expect("the project opens after a kill");
        let now = merge_fingerprint(&path);
        if finished {
            assert!(now == merged, "a merge that returned is kept (seed {seed})");
        } else if !started {
            assert!(now == before, "nothing was merged yet (seed {seed})");
        } else {
            midway += 1;
        }
        if now == before {
            as_before += 1;
        } else if now == merged {
            as_merged += 1;
        } else {
            let gained: Vec<&String> = now.iter().filter(|l| !before.contains(l)).take(5).collect();
            panic!(
                "a killed merge left the project in between (seed {seed}); for example {gained:#?}"
            );
        }
    }
    println!(
        "merge crash test (seed {seed}): {kills} kills with SIGKILL during a merge of {:.2} s, {midway} while merging; {as_before} left the project as before, {as_merged} as merged, none in between",
        took.as_secs_f64()
    );
}
