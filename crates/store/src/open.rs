//! Opening, creating and upgrading project files.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};

use claimdesk_core::label::default_schema;

use crate::error::{Result, StoreError};
use crate::time;

/// Marks a SQLite file as a Claimdesk project (`PRAGMA application_id`, ASCII "Clmd").
pub(crate) const APPLICATION_ID: i64 = 0x436c_6d64;

/// The migrations, in order; migration `i` takes the schema from version `i` to `i + 1`.
/// Shipped migrations are frozen: a schema change is a new file at the end.
/// How long a write waits for another program's write to finish before giving up.
const WAIT_FOR_TURN: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(2);

/// SQLite's busy handler: sleep briefly and try again until [`WAIT_FOR_TURN`] has passed.
pub(crate) fn wait_for_turn(attempt: i32) -> bool {
    if POLL * u32::try_from(attempt).unwrap_or(u32::MAX) >= WAIT_FOR_TURN {
        return false;
    }
    std::thread::sleep(POLL);
    true
}

/// Projects up to this size are checked for damage when they open (about a tenth of a second
/// for this much); larger ones after (see [`Project::check_integrity`]).
const CHECK_AT_OPEN_BYTES: u64 = 256 * 1024 * 1024;

/// The page size of new projects. SQLite's default of 4 KiB fits one article of 2 KB in a page
/// (two do not fit), wasting half the file; 8 KiB pages hold three, and a large import writes
/// a third fewer bytes. Projects made earlier keep their page size.
const PAGE_SIZE: i64 = 8192;

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_relation_types.sql"),
    include_str!("migrations/0003_library_at_scale.sql"),
    include_str!("migrations/0004_coders.sql"),
    include_str!("migrations/0005_text_versions.sql"),
    include_str!("migrations/0006_suggestions.sql"),
    include_str!("migrations/0007_replication.sql"),
    include_str!("migrations/0008_replica_aliases.sql"),
    include_str!("migrations/0009_rebased_events.sql"),
    include_str!("migrations/0010_kept_statements.sql"),
];

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How an open project protects its writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Durability {
    pub journal_mode: String,
    /// SQLite's number: 2 is FULL.
    pub synchronous: i64,
    pub foreign_keys: bool,
}

/// An open project.
pub struct Project {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// Which opening of a project this is, in this process: a reopened file (a restored
    /// backup) is a new opening, so what was read from the old one is not taken for its.
    opening: u64,
    /// Rows this connection wrote that are derived from the project (kept statements), not a
    /// change of it: the change stamp leaves them out.
    pub(crate) derived_changes: std::sync::atomic::AtomicI64,
}

/// Openings of projects so far, in this process.
static OPENINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Project {
    /// A stamp that changes whenever the project does, by this connection or another process,
    /// and differs between openings: what was computed from the project under one stamp holds
    /// while the stamp is the same.
    pub fn change_stamp(&self) -> Result<(u64, i64, i64)> {
        let mine: i64 = self
            .conn
            .query_row("SELECT total_changes()", [], |r| r.get(0))?;
        let others: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let derived = self
            .derived_changes
            .load(std::sync::atomic::Ordering::Relaxed);
        Ok((self.opening, mine - derived, others))
    }

    /// Opens the project at `path`, creating it (with the default schema of labels) if the file
    /// does not exist, and upgrading an older schema. A file that is not a project, or that a
    /// newer build wrote, is refused and left untouched.
    pub fn open(path: &Path) -> Result<Project> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut project = Project {
            conn,
            path: path.to_path_buf(),
            opening: OPENINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            derived_changes: Default::default(),
        };
        let fresh = project.check_identity().map_err(|e| project.explain(e))?;
        project.configure(fresh).map_err(|e| project.explain(e))?;
        project.migrate().map_err(|e| project.explain(e))?;
        Ok(project)
    }

    /// Another connection to this project, for work in the background: the file was checked
    /// and brought to the current schema when this one opened, so it is opened as it is.
    pub fn open_again(&self) -> Result<Project> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut project = Project {
            conn,
            path: self.path.clone(),
            opening: OPENINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            derived_changes: Default::default(),
        };
        project.configure(false).map_err(|e| project.explain(e))?;
        Ok(project)
    }

    /// Opens an existing project; a missing file is an error rather than a new project.
    pub fn open_existing(path: &Path) -> Result<Project> {
        if !path.exists() {
            return Err(StoreError::NoSuchProject {
                path: path.to_path_buf(),
            });
        }
        Project::open(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Turns low-level failures while opening into the errors an analyst can act on.
    fn explain(&self, error: StoreError) -> StoreError {
        match &error {
            StoreError::Busy => StoreError::ProjectInUse {
                path: self.path.clone(),
            },
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => match e.code {
                ErrorCode::NotADatabase => StoreError::NotAProject {
                    path: self.path.clone(),
                },
                ErrorCode::DatabaseCorrupt => StoreError::Damaged {
                    path: self.path.clone(),
                    detail: error.to_string(),
                },
                _ => error,
            },
            _ => error,
        }
    }

    /// Refuses files that are not ours before anything is written to them; answers whether the
    /// file is new (empty).
    fn check_identity(&self) -> Result<bool> {
        let application_id: i64 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        let fresh = application_id == 0 && version == 0 && tables == 0;
        if !fresh && application_id != APPLICATION_ID {
            return Err(StoreError::NotAProject {
                path: self.path.clone(),
            });
        }
        if version > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                path: self.path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        // Damage found now is refused before anything is written; found later, an edit could
        // fail halfway through a session. A large project is checked after it opens instead
        // ([`Project::check_integrity`], which the app runs in the background): the check
        // reads every page, seconds for a corpus of gigabytes.
        if !fresh && self.file_bytes() <= CHECK_AT_OPEN_BYTES {
            self.check_integrity()?;
        }
        Ok(fresh)
    }

    /// The project's size on disk, with its write-ahead log.
    pub fn file_bytes(&self) -> u64 {
        let mut wal = self.path.as_os_str().to_owned();
        wal.push("-wal");
        [self.path.clone(), PathBuf::from(wal)]
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum()
    }

    /// Reads every page of the project and answers [`StoreError::Damaged`] if SQLite finds any
    /// damage (`PRAGMA quick_check`).
    pub fn check_integrity(&self) -> Result<()> {
        let check: String = self
            .conn
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Damaged {
                path: self.path.clone(),
                detail: check,
            });
        }
        Ok(())
    }

    /// Whether opening the project checked it already ([`Project::check_integrity`]).
    pub fn checked_at_open(&self) -> bool {
        self.file_bytes() <= CHECK_AT_OPEN_BYTES
    }

    fn configure(&mut self, fresh: bool) -> Result<()> {
        if fresh {
            // Set before the first table, and before write-ahead logging (which fixes it).
            self.conn
                .execute_batch(&format!("PRAGMA page_size = {PAGE_SIZE}"))?;
        }
        // Other writers (the CLI importing while the app codes) hold the project only between
        // their commits; poll often so a gap of a few milliseconds is enough to get a turn.
        self.conn.busy_handler(Some(wait_for_turn))?;
        // Every write transaction takes the write lock up front: one that read first and then
        // found another commit in between would fail at once instead of waiting its turn.
        self.conn
            .set_transaction_behavior(TransactionBehavior::Immediate);
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Corrupt(format!(
                "cannot switch the project to write-ahead logging (journal mode is {mode})"
            )));
        }
        // FULL makes every commit durable in WAL mode: an acknowledged edit survives power loss
        // and kill -9, which NORMAL (the usual WAL setting) does not promise.
        self.conn.execute_batch(
            "PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;",
        )?;
        Ok(())
    }

    /// Applies every missing migration, each in its own transaction with its version bump, and
    /// seeds the default labels when the project is new.
    fn migrate(&mut self) -> Result<()> {
        // A migration that rebuilds a table does so with foreign keys off (they cannot be
        // switched inside a transaction), and checks them before it commits.
        self.conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        let migrated = self.migrate_each();
        self.conn.execute_batch("PRAGMA foreign_keys = ON")?;
        migrated
    }

    fn migrate_each(&mut self) -> Result<()> {
        loop {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version >= SCHEMA_VERSION {
                return Ok(());
            }
            tx.execute_batch(MIGRATIONS[version as usize])?;
            if version == 0 {
                tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}"))?;
                seed_labels(&tx)?;
            }
            let broken: Option<String> = tx
                .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
                .optional()?;
            if let Some(table) = broken {
                return Err(StoreError::Corrupt(format!(
                    "upgrading the project to schema {} left a broken reference in {table}",
                    version + 1
                )));
            }
            tx.execute_batch(&format!("PRAGMA user_version = {}", version + 1))?;
            tx.commit()?;
        }
    }

    /// The id of the annotator called `name`, registering them on first use.
    pub fn annotator(&mut self, name: &str, now: chrono::DateTime<Utc>) -> Result<i64> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::EmptyAnnotatorName);
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO annotators (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            (name, time::to_sql(now)),
        )?;
        let id = tx.query_row("SELECT id FROM annotators WHERE name = ?1", [name], |r| {
            r.get(0)
        })?;
        tx.commit()?;
        Ok(id)
    }

    /// The connection's durability settings, as SQLite reports them.
    pub fn durability(&self) -> Result<Durability> {
        let pragma = |name: &str| -> Result<rusqlite::types::Value> {
            Ok(self
                .conn
                .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?)
        };
        let (journal_mode, synchronous, foreign_keys) = (
            pragma("journal_mode")?,
            pragma("synchronous")?,
            pragma("foreign_keys")?,
        );
        match (journal_mode, synchronous, foreign_keys) {
            (Value::Text(journal_mode), Value::Integer(synchronous), Value::Integer(fk)) => {
                Ok(Durability {
                    journal_mode,
                    synchronous,
                    foreign_keys: fk == 1,
                })
            }
            other => Err(StoreError::Corrupt(format!(
                "unexpected durability settings {other:?}"
            ))),
        }
    }

    /// Everyone who has worked on the project, in the order they joined.
    pub fn annotator_names(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name FROM annotators ORDER BY id")?;
        let names = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(names)
    }

    /// The annotator's name, for display.
    pub fn annotator_name(&self, id: i64) -> Result<String> {
        Ok(self
            .conn
            .query_row("SELECT name FROM annotators WHERE id = ?1", [id], |r| {
                r.get(0)
            })?)
    }
}

fn seed_labels(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let mut insert = tx.prepare(
        "INSERT INTO labels (name, colour, hotkey, attributes, position) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (position, label) in default_schema().iter().enumerate() {
        let attributes = serde_json::to_string(&label.attributes)?;
        insert.execute((
            &label.name,
            &label.colour,
            &label.hotkey,
            attributes,
            position as i64,
        ))?;
    }
    Ok(())
}
