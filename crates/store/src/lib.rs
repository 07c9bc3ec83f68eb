//! Claimdesk project files: one project is one SQLite file.
//!
//! ```no_run
//! use chrono::Utc;
//! use claimdesk_core::{NewDocument, Span};
//! use claimdesk_store::{ImportOutcome, Project};
//!
//! let mut project = Project::open("study.claimdesk".as_ref())?;
//! let me = project.annotator("Ana", Utc::now())?;
//! let doc = NewDocument::from_plain_text("Tammy Bruce said so.", "memo.txt");
//! let ImportOutcome::Imported(doc_id) = project.import_document(&doc, me, Utc::now())? else {
//!     unreachable!()
//! };
//! let actor = project.labels()?[0].id;
//! project.create_annotation(doc_id, actor, Span::new(0, 11)?, me, Utc::now())?;
//! project.undo(me, Utc::now())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Guarantees: every public write is one transaction, committed with `synchronous=FULL` in WAL
//! mode before the call returns, so a write that returned `Ok` survives a crash or `kill -9`.
//! A call that returns `Err` has changed nothing.

mod adjudication;
mod annotations;
mod backup;
mod coders;
mod dataset;
mod default_project;
mod documents;
mod entities;
mod error;
mod history;
mod import;
mod library;
mod merge;
mod open;
mod replication;
mod restore;
mod rows;
mod schema;
mod sets;
mod statements;
mod suggestions;
mod time;
mod uid;
mod versions;

pub use adjudication::Adjudication;
pub use backup::{
    backup_dir, backups, find_backup, prune_backups, restore_backup_at, Backup,
    BACKUP_BUDGET_BYTES, KEEP_BACKUPS,
};
pub use claimdesk_suggest::Fold;
pub use coders::{Coder, CURATED};
pub use default_project::{default_project_path, SAMPLE_ARTICLE, SAMPLE_SOURCE};
pub use entities::Mention;
pub use error::{Result, StoreError};
pub use history::{HistoryEntry, LoggedEvent, Step};
pub use import::{Batch, ImportOutcome, IndexProgress, Prepared};
pub use library::LibraryPage;
pub use merge::{MergeConflict, MergeOptions, MergeReport};
pub use open::{Durability, Project, SCHEMA_VERSION};
pub use replication::{
    replaces_text, traits, Applied, AssignmentRow, Incoming, Outgoing, Replayed, Traits,
};
pub use restore::Restore;
pub use schema::new_label;
pub use sets::{DocumentSet, DrawnSample, SampleSpec, Strata, MAX_SAMPLE};
pub use suggestions::{OpenSuggestion, SuggestOptions, SuggestRun, Suggested};
pub use versions::{Orphan, OrphanSummary, ReplaceReport};
