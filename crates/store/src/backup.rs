//! Rolling backups of a project, and restoring one.
//!
//! A backup is a complete copy of the project's pages, copied from one read snapshot, so it is
//! consistent even while the project is being edited. It is copied a megabyte at a time with a
//! pause between, and written out to disk as it goes, so edits made meanwhile on other
//! connections take as long as usual (a whole copy flushed at its end held an edit's durable
//! commit for over half a second on a 2 GB project). Backups live beside the
//! project in `<project file>.backups/`, named by the time they were made. The app makes one when
//! a project opens, and only if the project changed since the newest backup. They are bounded:
//! the newest [`KEEP_BACKUPS`] at most, and no more than [`BACKUP_BUDGET_BYTES`] together (the
//! newest is always kept), so a large project keeps fewer. A backup is written to a hidden
//! partial file and renamed into place when complete: a crash during one leaves the project and
//! the earlier backups as they were, and the partial is removed later.
//!
//! Restoring copies a backup's pages into the project through SQLite's backup API, inside the
//! project's own locking, after backing up the current state first (so a restore can itself be
//! undone by restoring that backup). A project too damaged to open is moved aside instead and
//! the backup copied into its place.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::open::Project;

/// How many backups are kept per project, at most.
pub const KEEP_BACKUPS: usize = 5;

/// How much space a project's backups take together, at most (the newest is always kept).
pub const BACKUP_BUDGET_BYTES: u64 = 2 << 30;

/// A partial backup older than this is left over from a crash and removed.
const STALE_PARTIAL: std::time::Duration = std::time::Duration::from_secs(3600);

/// How much of a backup is copied, and then written out to disk, at a time.
const STEP_BYTES: u64 = 1 << 20;

/// The pause between two steps of a backup, which leaves the disk and a core to edits.
const STEP_PAUSE: std::time::Duration = std::time::Duration::from_millis(2);

/// How long a backup waits, a few milliseconds at a time, when a step finds a file locked.
const WAIT_WHEN_LOCKED: std::time::Duration = std::time::Duration::from_secs(5);
const WAIT_STEP: std::time::Duration = std::time::Duration::from_millis(5);

const STAMP: &str = "%Y%m%dT%H%M%S%.3fZ";

/// A backup on disk.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Backup {
    pub path: PathBuf,
    /// The file name, which is what the app and CLI ask for.
    pub name: String,
    pub made_at: DateTime<Utc>,
    pub bytes: u64,
}

/// Where the backups of the project at `project` go.
pub fn backup_dir(project: &Path) -> PathBuf {
    let mut name = project
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".backups");
    project.with_file_name(name)
}

/// The backups of the project at `project`, newest first.
pub fn backups(project: &Path) -> Result<Vec<Backup>> {
    let dir = backup_dir(project);
    let mut found = Vec::new();
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e.into()),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stamp) = name.strip_suffix(".claimdesk") else {
            continue;
        };
        let Ok(made_at) = NaiveDateTime::parse_from_str(stamp, STAMP) else {
            continue;
        };
        found.push(Backup {
            path: entry.path(),
            name,
            made_at: made_at.and_utc(),
            bytes: entry.metadata()?.len(),
        });
    }
    found.sort_by_key(|b| std::cmp::Reverse(b.made_at));
    Ok(found)
}

/// The backup of the project at `project` called `name` (as [`backups`] lists it). Names are
/// looked up, never joined as paths, so nothing outside the backup folder can be named.
pub fn find_backup(project: &Path, name: &str) -> Result<Backup> {
    backups(project)?
        .into_iter()
        .find(|b| b.name == name)
        .ok_or_else(|| StoreError::NoSuchBackup(name.to_string()))
}

/// What tells two states of a project apart for backups: the newest event (every edit, undo
/// and redo appends one) and the newest document (imports add documents, not events).
fn state_mark(conn: &Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT (SELECT coalesce(max(id), 0) FROM events), (SELECT coalesce(max(id), 0) FROM documents)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Drops the oldest backups of `project` beyond `keep`, and beyond `budget` bytes together,
/// always keeping the newest.
pub fn prune_backups(project: &Path, keep: usize, budget: u64) -> Result<()> {
    let mut total = 0u64;
    for (i, backup) in backups(project)?.into_iter().enumerate() {
        total = total.saturating_add(backup.bytes);
        if i > 0 && (i >= keep || total > budget) {
            std::fs::remove_file(&backup.path)?;
        }
    }
    Ok(())
}

/// Removes partial backups left over from a crash (a backup running now is recent, and kept).
fn remove_stale_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_PARTIAL);
        if name.starts_with('.') && name.ends_with(".partial") && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Project {
    /// Makes a backup if the project changed since its newest backup (or has none); answers it,
    /// or `None` when the newest backup already holds this state. What the app does on open.
    pub fn backup_if_changed(&self, now: DateTime<Utc>) -> Result<Option<Backup>> {
        if let Some(newest) = backups(self.path())?.into_iter().next() {
            // Its mark only: a backup is complete once listed (written out, then renamed), and
            // checking every page of a large one would cost as much as the backup itself.
            let same = open_backup(&newest.path)
                .and_then(|conn| state_mark(&conn))
                .is_ok_and(|mark| state_mark(&self.conn).is_ok_and(|now| now == mark));
            if same {
                return Ok(None);
            }
        }
        self.backup(now).map(Some)
    }

    /// Makes a backup of the project as it is now and drops the oldest beyond the bounds
    /// ([`KEEP_BACKUPS`], [`BACKUP_BUDGET_BYTES`]). Safe while this or other connections edit
    /// the project.
    pub fn backup(&self, now: DateTime<Utc>) -> Result<Backup> {
        let dir = backup_dir(self.path());
        std::fs::create_dir_all(&dir)?;
        remove_stale_partials(&dir);
        let name = format!("{}.claimdesk", now.format(STAMP));
        let path = dir.join(&name);
        let partial = dir.join(format!(".{name}.partial"));
        let _ = std::fs::remove_file(&partial);
        self.copy_paced(&partial)?;
        std::fs::rename(&partial, &path)?;
        if let Ok(folder) = std::fs::File::open(&dir) {
            let _ = folder.sync_all();
        }
        prune_backups(self.path(), KEEP_BACKUPS, BACKUP_BUDGET_BYTES)?;
        let bytes = std::fs::metadata(&path)?.len();
        Ok(Backup {
            path,
            name,
            made_at: now,
            bytes,
        })
    }

    /// Copies the project as one read snapshot into a new file at `to`, a few pages at a time,
    /// and writes the copy out to disk as it goes. Edits on other connections go on meanwhile
    /// (the snapshot never blocks them), and the disk never holds more than one step
    /// ([`STEP_BYTES`]) of the copy unwritten, so an edit's own durable commit never queues behind a flush of
    /// the whole copy at its end.
    fn copy_paced(&self, to: &Path) -> Result<()> {
        let mut copy = Connection::open(to)?;
        copy.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
        // One read transaction over the whole copy: the copy is of one state, and writes by
        // other connections do not make it start again (as they would between snapshots).
        // It wrote nothing; dropped, it ends.
        let snapshot = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Deferred,
        )?;
        snapshot.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
        let page_bytes: u64 = snapshot.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut copy)?;
            let file = std::fs::OpenOptions::new().write(true).open(to)?;
            let pages = (STEP_BYTES / page_bytes).max(1) as std::ffi::c_int;
            let mut waited = std::time::Duration::ZERO;
            loop {
                let step = backup.step(pages)?;
                // Each step's pages written out before the next is copied.
                file.sync_data()?;
                match step {
                    rusqlite::backup::StepResult::Done => break,
                    rusqlite::backup::StepResult::More => {
                        waited = std::time::Duration::ZERO;
                        std::thread::sleep(STEP_PAUSE);
                    }
                    // Locked out (not expected while the snapshot is held): a while, not for ever.
                    _ if waited >= WAIT_WHEN_LOCKED => return Err(StoreError::Busy),
                    _ => {
                        waited += WAIT_STEP;
                        std::thread::sleep(WAIT_STEP);
                    }
                }
            }
        }
        drop(snapshot);
        // The copy is a project of its own: in rollback mode, so it opens read-only.
        copy.execute_batch("PRAGMA journal_mode = DELETE")?;
        drop(copy);
        std::fs::File::open(to)?.sync_all()?;
        Ok(())
    }

    /// Replaces the project's contents with the backup's, after backing up the current state.
    /// Other connections see the restored project at their next read.
    pub fn restore_backup(&mut self, backup: &Backup, now: DateTime<Utc>) -> Result<Backup> {
        let source = check_backup(&backup.path)?;
        let safety = self.backup(now)?;
        let copy = rusqlite::backup::Backup::new(&source, &mut self.conn)?;
        copy.run_to_completion(1024, std::time::Duration::from_millis(0), None)?;
        drop(copy);
        Ok(safety)
    }
}

/// Restores a backup into the project at `project` whether or not it opens: an openable
/// project gets [`Project::restore_backup`]; a damaged one is moved aside (with its `-wal` and
/// `-shm` files) as `<name>.damaged-<time>` and the backup copied into its place. Answers where
/// the previous state went.
pub fn restore_backup_at(project: &Path, backup: &Backup, now: DateTime<Utc>) -> Result<PathBuf> {
    match Project::open_existing(project) {
        Ok(mut open) => Ok(open.restore_backup(backup, now)?.path),
        Err(StoreError::Damaged { .. } | StoreError::NotAProject { .. }) => {
            check_backup(&backup.path)?;
            let mut aside = project.as_os_str().to_os_string();
            aside.push(format!(".damaged-{}", now.format(STAMP)));
            let aside = PathBuf::from(aside);
            let partial = project.with_file_name(format!(
                ".{}.restoring",
                project.file_name().unwrap_or_default().to_string_lossy()
            ));
            std::fs::copy(&backup.path, &partial)?;
            std::fs::File::open(&partial)?.sync_all()?;
            std::fs::rename(project, &aside)?;
            for suffix in ["-wal", "-shm"] {
                let mut side = project.as_os_str().to_os_string();
                side.push(suffix);
                let side = PathBuf::from(side);
                if side.exists() {
                    let mut to = aside.as_os_str().to_os_string();
                    to.push(suffix);
                    std::fs::rename(&side, PathBuf::from(to))?;
                }
            }
            std::fs::rename(&partial, project)?;
            Ok(aside)
        }
        Err(other) => Err(other),
    }
}

/// Opens a backup read-only and checks it is a Claimdesk project this build reads.
fn open_backup(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let bad = |why: &str| StoreError::BadBackup(format!("{}: {why}", path.display()));
    let (application_id, version): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|_| bad("not a Claimdesk project"))?;
    if application_id != crate::open::APPLICATION_ID {
        return Err(bad("not a Claimdesk project"));
    }
    if version > crate::open::SCHEMA_VERSION {
        return Err(bad("made by a newer Claimdesk"));
    }
    Ok(conn)
}

/// Opens a backup read-only and checks it is a sound Claimdesk project this build reads.
fn check_backup(path: &Path) -> Result<Connection> {
    let conn = open_backup(path)?;
    let bad = |why: &str| StoreError::BadBackup(format!("{}: {why}", path.display()));
    let check: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(|e| bad(&e.to_string()))?;
    if check != "ok" {
        return Err(bad(&format!("damaged ({check})")));
    }
    Ok(conn)
}
