//! Bulk import: many documents in few transactions, each document all-or-nothing.
//!
//! A [`Batch`] holds one write transaction open and commits at [`Batch::checkpoint`] and
//! [`Batch::commit`]; each [`Batch::add`] runs inside a savepoint, so a document that fails
//! (a span off its text, a relation to nowhere) leaves no trace while the batch goes on.
//! What was added since the last commit is not yet durable: callers report a file as imported
//! once a commit covering it has returned.
//!
//! The full-text index: a batch indexes what it added when it commits, unless told to leave
//! that for later ([`Batch::defer_index`]), as large imports do. Documents are always indexed
//! in id order, so the index holds exactly the documents up to its highest id (the watermark,
//! read from FTS5's own `documents_fts_docsize` table, which has a row per indexed document);
//! [`Project::index_documents`] indexes the rest in short transactions, and a crash or a cancel
//! loses at most the transaction under way. A search finds what is indexed; nothing is ever
//! indexed twice or out of order.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use claimdesk_core::annotation::CONTEXT_CHARS;
use claimdesk_core::document::sha256_hex;
use claimdesk_core::imported::ImportedDocument;
use claimdesk_core::{Span, TextIndex};

use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::time;

/// What became of a document handed to an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported(i64),
    /// The project already held this text, as the document with this id, and the file's coding
    /// was added to it under the batch's coder ([`Batch::add_coding_to_existing`]).
    Coded {
        id: i64,
        annotations: usize,
        relations: usize,
    },
    /// The project already holds this exact text, as the document with this id.
    Duplicate(i64),
    /// The file is a new version of the document with this id (same URL, or same title, date
    /// and source; [`Batch::treat_matches_as_new_versions`]): its text replaced the old one, the
    /// annotations re-anchored, those that could not be placed kept as orphans.
    NewVersion {
        id: i64,
        placed: usize,
        orphaned: usize,
    },
}

/// Colours for labels that imports bring in, in turn.
/// The pause between a checkpoint's commit and the next transaction: several times the
/// interval at which a waiting writer tries again.
const LET_OTHERS_IN: Duration = Duration::from_millis(10);

/// How long one transaction of background indexing may hold the write lock: others' writes
/// wait at most this long (the same bound as an import's checkpoints).
const INDEX_TURN: Duration = Duration::from_millis(500);

/// The page cache of a connection doing bulk work, in KiB (SQLite's default is 2 MiB). A large
/// import inserts into the indexes of a million documents at random places (the SHA-256, the
/// title, the date); with the default cache each insert reads its page back from the file and
/// writes pages out mid-transaction.
const BULK_CACHE_KIB: i64 = 128 * 1024;

/// How much the full-text index gathers in memory before writing a segment (see
/// `Project::index_in_larger_segments`).
const FTS_HASH_BYTES: i64 = 64 * 1024 * 1024;

/// How many segments of a size FTS5 merges into one (its default is 4).
const FTS_AUTOMERGE: i64 = 8;

const PALETTE: [&str; 8] = [
    "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6",
];

/// An import in progress. Dropping it without [`Batch::commit`] rolls back what was added since
/// the last checkpoint.
pub struct Batch<'p> {
    pub(crate) conn: &'p Connection,
    pub(crate) annotator_id: i64,
    pub(crate) at: String,
    pub(crate) labels: HashMap<String, i64>,
    /// Documents with ids above this are not in the full-text index yet.
    indexed_upto: i64,
    /// The newest document when the current transaction began: every document above it was
    /// added by this batch (which holds the write lock), and is logged when it commits.
    logged_upto: i64,
    /// Leave indexing to [`Project::index_documents`] instead of indexing at each commit.
    defer_index: bool,
    /// The connection's cache size before the batch raised it (`PRAGMA cache_size`).
    cache_before: Option<i64>,
    /// Copies committed pages into the project file while the batch goes on (bulk imports).
    checkpointer: Option<Checkpointer>,
    /// The batch's commits before its last are not synced one by one (bulk imports; see
    /// [`Batch::checkpoint`]); the last one syncs them all.
    unsynced: bool,
    open: bool,
    /// Add a file's coding to a document the project already has instead of skipping it.
    add_coding: bool,
    /// A file whose metadata matches a document's is a new version of it.
    new_versions: bool,
    /// The batch's time, for the changes of a new version.
    now: DateTime<Utc>,
    /// A document without a savepoint of its own failed halfway: the transaction was rolled
    /// back and the batch takes nothing more.
    broken: bool,
}

/// A document made ready for the store away from the writer: its text's SHA-256 and length
/// are computed by whichever thread builds it, so the thread holding the write lock only writes.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub imported: ImportedDocument,
    sha256: String,
    char_count: i64,
}

impl Prepared {
    pub fn new(imported: ImportedDocument) -> Prepared {
        let sha256 = sha256_hex(&imported.document.text);
        let char_count = imported.document.text.chars().count() as i64;
        Prepared {
            imported,
            sha256,
            char_count,
        }
    }

    /// The bytes of text it carries (for bounding queues).
    pub fn text_len(&self) -> usize {
        self.imported.document.text.len()
    }
}

/// Where background indexing is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexProgress {
    /// Documents indexed by this call so far.
    pub indexed: u64,
    /// Documents that were waiting when this call began.
    pub total: u64,
}

/// The highest document id in the full-text index. Documents are indexed in id order, so every
/// document up to it is indexed and none above it is.
pub(crate) fn index_watermark(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(id), 0) FROM documents_fts_docsize",
        [],
        |r| r.get(0),
    )?)
}

fn newest_document(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT coalesce(max(id), 0) FROM documents", [], |r| {
            r.get(0)
        })?,
    )
}

/// Counted on `document_stats` (a row of two integers per document), not on `documents`, whose
/// rows hold the texts: the app asks as it opens, when a million documents may be waiting.
fn unindexed_since(conn: &Connection, watermark: i64) -> Result<u64> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM document_stats WHERE document_id > ?1",
        [watermark],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}

impl Project {
    /// Starts a bulk import attributed to `annotator_id` at `now`.
    pub fn begin_import(&mut self, annotator_id: i64, now: DateTime<Utc>) -> Result<Batch<'_>> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let indexed_upto = index_watermark(&self.conn)?;
        // While earlier documents wait for the index, new ones join the queue behind them:
        // indexing these first would put the watermark above documents not indexed.
        let defer_index = unindexed_since(&self.conn, indexed_upto)? > 0;
        let mut batch = Batch {
            conn: &self.conn,
            annotator_id,
            at: time::to_sql(now),
            labels: HashMap::new(),
            indexed_upto,
            logged_upto: 0,
            defer_index,
            cache_before: None,
            checkpointer: None,
            unsynced: false,
            open: true,
            add_coding: false,
            new_versions: false,
            now,
            broken: false,
        };
        batch.logged_upto = newest_document(batch.conn)?;
        batch.load_labels()?;
        Ok(batch)
    }

    /// Imports one document (with any annotations it carries) in its own transaction.
    pub fn import_document(
        &mut self,
        doc: &claimdesk_core::NewDocument,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<ImportOutcome> {
        let mut batch = self.begin_import(annotator_id, now)?;
        let outcome = batch.add(&ImportedDocument::plain(doc.clone()))?;
        batch.commit()?;
        Ok(outcome)
    }

    /// FTS5 writes its pending terms out as a new segment whenever they pass `hashsize` (1 MB
    /// by default, a few hundred articles) and at each commit, and then spends much of its time
    /// merging those segments. Bulk indexing with a larger hash writes fewer, larger segments,
    /// and merging eight segments at a time instead of four (`automerge`) merges each entry
    /// fewer times: a sixth less time to index a corpus, for searches as fast (measured on
    /// 300,000 articles). The settings are kept in the index's own configuration table (not
    /// the schema); the hash costs memory only while indexing.
    fn index_in_larger_segments(&mut self) -> Result<()> {
        for (key, value) in [("hashsize", FTS_HASH_BYTES), ("automerge", FTS_AUTOMERGE)] {
            let current: Option<i64> = self
                .conn
                .query_row(
                    "SELECT v FROM documents_fts_config WHERE k = ?1",
                    [key],
                    |r| r.get(0),
                )
                .optional()?;
            if current != Some(value) {
                self.conn.execute(
                    "INSERT INTO documents_fts (documents_fts, rank) VALUES (?1, ?2)",
                    (key, value),
                )?;
            }
        }
        Ok(())
    }

    /// How many documents are stored but not in the full-text index yet (a search does not
    /// find them until [`Project::index_documents`] has run).
    pub fn unindexed_documents(&self) -> Result<u64> {
        unindexed_since(&self.conn, index_watermark(&self.conn)?)
    }

    /// Adds every document not yet in the full-text index to it, in id order, a transaction of
    /// at most about [`INDEX_TURN`] at a time with a pause after each, so the app's edits get
    /// in between. Stops early when `cancel` is set; what was committed stays, and a later call
    /// (or one after a crash) goes on from there. `on_progress` is called after each transaction.
    pub fn index_documents(
        &mut self,
        cancel: &AtomicBool,
        mut on_progress: impl FnMut(&IndexProgress),
    ) -> Result<IndexProgress> {
        let total = self.unindexed_documents()?;
        let mut progress = IndexProgress { indexed: 0, total };
        if total == 0 {
            return Ok(progress);
        }
        self.index_in_larger_segments()?;
        // A larger page cache does not help here (each document is read once), but copying the
        // index's pages into the file on another thread does.
        let checkpointer = Checkpointer::start(&self.conn)?;
        if checkpointer.is_some() {
            // Turns are not synced one by one, as a bulk import's commits are not
            // ([`Batch::checkpoint`]): an index cut short by a power cut is built on later.
            self.conn.execute_batch("PRAGMA synchronous = NORMAL")?;
        }
        let result = self.index_in_turns(cancel, &mut progress, &mut on_progress);
        if let Some(checkpointer) = checkpointer {
            let stopped = checkpointer.stop(&self.conn);
            synced_again(&self.conn)?;
            stopped?;
        }
        result.map(|()| progress)
    }

    fn index_in_turns(
        &mut self,
        cancel: &AtomicBool,
        progress: &mut IndexProgress,
        on_progress: &mut impl FnMut(&IndexProgress),
    ) -> Result<()> {
        let total = progress.total;
        // Grows or shrinks so that each transaction takes about INDEX_TURN.
        let mut step: i64 = 500;
        while progress.indexed < total && !cancel.load(Ordering::Relaxed) {
            let started = Instant::now();
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            let indexed = (|| -> Result<usize> {
                let watermark = index_watermark(&self.conn)?;
                Ok(self.conn.execute(
                    "INSERT INTO documents_fts (rowid, title, text)
                     SELECT id, title, text FROM documents WHERE id > ?1 ORDER BY id LIMIT ?2",
                    [watermark, step],
                )?)
            })();
            let indexed = match indexed.and_then(|n| Ok((n, self.conn.execute_batch("COMMIT")?))) {
                Ok((n, ())) => n,
                Err(error) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    return Err(error);
                }
            };
            if indexed == 0 {
                break;
            }
            progress.indexed += indexed as u64;
            on_progress(progress);
            let took = started.elapsed().as_secs_f64().max(1e-3);
            let scale = (INDEX_TURN.as_secs_f64() / took).clamp(0.5, 2.0);
            step = ((step as f64 * scale) as i64).clamp(50, 200_000);
            std::thread::sleep(LET_OTHERS_IN);
        }
        Ok(())
    }
}

impl Batch<'_> {
    pub(crate) fn load_labels(&mut self) -> Result<()> {
        self.labels = crate::documents::read_labels(self.conn)?
            .into_iter()
            .map(|l| (l.name, l.id))
            .collect();
        Ok(())
    }

    /// Leaves the full-text indexing of what this batch adds to [`Project::index_documents`]:
    /// commits stay short, and the import is done long before the index is.
    /// A caller deferring the index is importing in bulk, so for the batch's time the
    /// connection also gets a larger page cache, and committed pages are copied from the
    /// write-ahead log into the project file on another thread (see [`Checkpointer`]).
    pub fn defer_index(&mut self) -> Result<()> {
        self.defer_index = true;
        if self.cache_before.is_none() {
            self.cache_before = Some(raise_cache(self.conn)?);
        }
        if self.checkpointer.is_none() {
            self.checkpointer = Checkpointer::start(self.conn)?;
        }
        Ok(())
    }

    /// Whether what this batch adds waits for [`Project::index_documents`] to become searchable.
    pub fn index_deferred(&self) -> bool {
        self.defer_index
    }

    /// Adds one document, all or nothing: on error nothing of it remains and the batch goes on.
    pub fn add(&mut self, doc: &ImportedDocument) -> Result<ImportOutcome> {
        let sha256 = sha256_hex(&doc.document.text);
        let char_count = doc.document.text.chars().count() as i64;
        self.add_checked(doc, &sha256, char_count)
    }

    /// [`Batch::add`] for a document prepared on another thread.
    pub fn add_prepared(&mut self, doc: &Prepared) -> Result<ImportOutcome> {
        self.add_checked(&doc.imported, &doc.sha256, doc.char_count)
    }

    /// Adds the documents of one file prepared on another thread, all or nothing.
    pub fn add_all_prepared(&mut self, docs: &[Prepared]) -> Result<Vec<ImportOutcome>> {
        if let [doc] = docs {
            return self.add_prepared(doc).map(|outcome| vec![outcome]);
        }
        self.conn.execute_batch("SAVEPOINT file")?;
        let outcomes: Result<Vec<_>> = docs.iter().map(|doc| self.add_prepared(doc)).collect();
        match outcomes {
            Ok(outcomes) => {
                self.conn.execute_batch("RELEASE file")?;
                Ok(outcomes)
            }
            Err(error) => {
                self.conn.execute_batch("ROLLBACK TO file; RELEASE file")?;
                self.load_labels()?;
                Err(error)
            }
        }
    }

    fn add_checked(
        &mut self,
        doc: &ImportedDocument,
        sha256: &str,
        char_count: i64,
    ) -> Result<ImportOutcome> {
        if self.broken || !self.open {
            return Err(StoreError::Import(
                "the import stopped after a failure of the project; run it again".into(),
            ));
        }
        // A new version replaces another document's text: more than two rows, so it gets a
        // savepoint like a coded document.
        if doc.annotations.is_empty() && doc.relations.is_empty() && !self.new_versions {
            // A plain document is two rows and cannot fail for its data (its text is checked
            // for a duplicate first), only for the project's (disk full, I/O): a savepoint per
            // document would cost more than its inserts. Should a write fail halfway, the whole
            // transaction goes and the batch refuses more, so no half document is ever committed.
            return match self.insert(doc, sha256, char_count) {
                Ok(outcome) => Ok(outcome),
                Err(error) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    self.broken = true;
                    Err(error)
                }
            };
        }
        self.conn.execute_batch("SAVEPOINT document")?;
        match self.insert(doc, sha256, char_count) {
            Ok(outcome) => {
                self.conn.execute_batch("RELEASE document")?;
                Ok(outcome)
            }
            Err(error) => {
                self.conn
                    .execute_batch("ROLLBACK TO document; RELEASE document")?;
                // Labels created for the failed document went with it.
                self.load_labels()?;
                Err(error)
            }
        }
    }

    /// From now on, a document whose text the project already has gets the file's annotations
    /// and relations under the batch's coder instead of being skipped (`import --as CODER`:
    /// another coder's work on the same articles). What that coder already has is not added
    /// twice.
    pub fn add_coding_to_existing(&mut self) {
        self.add_coding = true;
    }

    /// From now on, a document whose text is new but whose metadata matches exactly one
    /// document of the project — the same URL, or the same title, date and source — replaces
    /// that document's text as a new version of it (as [`Project::replace_text`]: annotations
    /// re-anchored, orphans kept, one undoable step) instead of being added beside it.
    pub fn treat_matches_as_new_versions(&mut self) {
        self.new_versions = true;
    }

    /// Adds the documents of one file, all or nothing: if any fails, none of them remains.
    pub fn add_all(&mut self, docs: &[ImportedDocument]) -> Result<Vec<ImportOutcome>> {
        self.conn.execute_batch("SAVEPOINT file")?;
        let outcomes: Result<Vec<_>> = docs.iter().map(|doc| self.add(doc)).collect();
        match outcomes {
            Ok(outcomes) => {
                self.conn.execute_batch("RELEASE file")?;
                Ok(outcomes)
            }
            Err(error) => {
                self.conn.execute_batch("ROLLBACK TO file; RELEASE file")?;
                self.load_labels()?;
                Err(error)
            }
        }
    }

    /// Makes everything added so far durable and goes on in a new transaction, after a pause
    /// that lets another program's waiting write (an analyst coding in the app) take its turn.
    pub fn checkpoint(&mut self) -> Result<()> {
        self.check_whole()?;
        self.flush_index()?;
        self.log_imported()?;
        self.conn.execute_batch("COMMIT")?;
        if self.checkpointer.is_some() && !self.unsynced {
            // A bulk import's commits are not synced one by one: each is safe from a crash
            // of the program once it returns (it is in the operating system's hands), and
            // the checkpointer syncs the log as it copies it. The last commit syncs all of it
            // ([`Batch::commit`]); a power cut before that loses at most the newest commits,
            // which an import run again adds (it skips what is there). The safety level can
            // only change between transactions, so the batch's first commit was synced.
            self.conn.execute_batch("PRAGMA synchronous = NORMAL")?;
            self.unsynced = true;
        }
        std::thread::sleep(LET_OTHERS_IN);
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        self.logged_upto = newest_document(self.conn)?;
        Ok(())
    }

    /// Makes everything added durable and ends the batch.
    pub fn commit(mut self) -> Result<()> {
        self.check_whole()?;
        self.flush_index()?;
        self.log_imported()?;
        // Imported coding's statements are kept with it, not derived at the first reading.
        crate::statements::refresh(self.conn, None)?;
        self.open = false;
        self.conn.execute_batch("COMMIT")?;
        if let Some(kib) = self.cache_before.take() {
            restore_cache(self.conn, kib)?;
        }
        if let Some(checkpointer) = self.checkpointer.take() {
            checkpointer.stop(self.conn)?;
        }
        self.sync_all()
    }

    /// Back to synced commits, with every commit of the batch made durable: what the log
    /// still holds is synced (what was copied out of it the checkpointer synced as it did).
    fn sync_all(&mut self) -> Result<()> {
        if !std::mem::take(&mut self.unsynced) {
            return Ok(());
        }
        synced_again(self.conn)
    }

    fn check_whole(&self) -> Result<()> {
        if self.broken {
            return Err(StoreError::Import(
                "the import stopped after a failure of the project and was rolled back to its last commit; run it again".into(),
            ));
        }
        Ok(())
    }

    /// Adds the documents stored since the last flush to the full-text index, in the same
    /// transaction, so a committed document is searchable (unless indexing is deferred).
    /// Outside any savepoint, FTS5 builds its index in memory and writes it once.
    fn flush_index(&mut self) -> Result<()> {
        if self.defer_index {
            return Ok(());
        }
        let newest: i64 =
            self.conn
                .query_row("SELECT coalesce(max(id), 0) FROM documents", [], |r| {
                    r.get(0)
                })?;
        if newest > self.indexed_upto {
            self.conn.execute(
                "INSERT INTO documents_fts (rowid, title, text)
                 SELECT id, title, text FROM documents WHERE id > ?1 ORDER BY id",
                [self.indexed_upto],
            )?;
            self.indexed_upto = newest;
        }
        Ok(())
    }

    /// Logs what the transaction about to commit imported as one event: the ids it gave (a
    /// range, as ids are handed out in turn under the write lock) and what came with them. An
    /// event per document would add a fifth to the time of a million-document import for an
    /// entry nobody reads one by one; a document's own history starts with its first edit.
    fn log_imported(&mut self) -> Result<()> {
        let newest = newest_document(self.conn)?;
        if newest <= self.logged_upto {
            return Ok(());
        }
        let from = self.logged_upto;
        let count =
            |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [from], |r| r.get(0))?) };
        let payload = serde_json::json!({
            "first_id": from + 1,
            "last_id": newest,
            "documents": count("SELECT count(*) FROM documents WHERE id > ?1")?,
            "annotations": count("SELECT count(*) FROM annotations WHERE document_id > ?1")?,
            "relations": count(
                "SELECT count(*) FROM relations r JOIN annotations a ON a.id = r.from_id
                 WHERE a.document_id > ?1",
            )?,
        });
        self.log("documents_imported", None, &payload)?;
        self.logged_upto = newest;
        Ok(())
    }

    pub(crate) fn label_id(&mut self, name: &str) -> Result<i64> {
        if let Some(&id) = self.labels.get(name) {
            return Ok(id);
        }
        let position: i64 = self.conn.query_row(
            "SELECT coalesce(max(position), -1) + 1 FROM labels",
            [],
            |r| r.get(0),
        )?;
        let colour = PALETTE[self.labels.len() % PALETTE.len()];
        self.conn.execute(
            "INSERT INTO labels (name, colour, hotkey, attributes, position) VALUES (?1, ?2, NULL, '[]', ?3)",
            (name, colour, position),
        )?;
        let id = self.conn.last_insert_rowid();
        self.labels.insert(name.to_string(), id);
        Ok(id)
    }

    fn insert(
        &mut self,
        imported: &ImportedDocument,
        sha256: &str,
        char_count: i64,
    ) -> Result<ImportOutcome> {
        let doc = &imported.document;
        let existing = self
            .conn
            .prepare_cached("SELECT id FROM documents WHERE sha256 = ?1")?
            .query_row([sha256], |r| r.get(0))
            .optional()?;
        if let Some(id) = existing {
            if self.add_coding {
                self.mark_coded(id)?;
                let (annotations, relations) = self.insert_coding(id, imported, true)?;
                if annotations + relations > 0 {
                    self.log_coding(id, annotations, relations)?;
                    return Ok(ImportOutcome::Coded {
                        id,
                        annotations,
                        relations,
                    });
                }
            }
            return Ok(ImportOutcome::Duplicate(id));
        }
        if self.new_versions {
            if let Some(id) = self.earlier_version(doc)? {
                return self.replace(id, imported);
            }
        }
        let document_id = crate::rows::insert_document(
            self.conn,
            &crate::rows::DocumentRow {
                id: None,
                text: &doc.text,
                char_count,
                title: &doc.title,
                date: doc.date.map(|d| d.to_string()).as_deref(),
                source: doc.source.as_deref(),
                author: doc.author.as_deref(),
                url: doc.url.as_deref(),
                language: doc.language.as_deref(),
                metadata: &serde_json::to_string(&doc.metadata)?,
                sha256,
                imported_at: &self.at,
            },
        )?;
        self.insert_coding(document_id, imported, false)?;
        if self.add_coding {
            self.mark_coded(document_id)?;
        }
        Ok(ImportOutcome::Imported(document_id))
    }

    /// Stores a document's annotations and relations under the batch's coder. With `existing`,
    /// the document was already in the project: an annotation this coder already has (same
    /// label and span) is not added again, nor a relation already drawn, so importing the same
    /// file twice adds nothing. Answers how many annotations and relations were added.
    fn insert_coding(
        &mut self,
        document_id: i64,
        imported: &ImportedDocument,
        existing: bool,
    ) -> Result<(usize, usize)> {
        let doc = &imported.document;
        // Only annotations need the text's index (to check and quote their spans).
        let index = (!imported.annotations.is_empty()).then(|| TextIndex::new(&doc.text));

        let mut ids: HashMap<&str, i64> = HashMap::with_capacity(imported.annotations.len());
        let mut added = (0, 0);
        for (a, index) in imported
            .annotations
            .iter()
            .filter_map(|a| index.as_ref().map(|index| (a, index)))
        {
            let span = index.check(Span::new(a.start, a.end)?)?;
            if span.is_empty() {
                return Err(StoreError::EmptySpan);
            }
            let (prefix, suffix) = index.context(span, CONTEXT_CHARS)?;
            let label_id = self.label_id(&a.label)?;
            let (start, end) = (span.start() as i64, span.end() as i64);
            let found = if existing {
                self.conn
                    .prepare_cached(
                        "SELECT id FROM annotations WHERE document_id = ?1 AND start = ?2
                         AND end = ?3 AND label_id = ?4 AND annotator_id = ?5",
                    )?
                    .query_row(
                        (document_id, start, end, label_id, self.annotator_id),
                        |r| r.get(0),
                    )
                    .optional()?
            } else {
                None
            };
            let id = match found {
                Some(id) => id,
                None => {
                    added.0 += 1;
                    crate::rows::insert_annotation(
                        self.conn,
                        &crate::rows::AnnotationRow {
                            id: None,
                            uid: &crate::uid::new(),
                            document_id,
                            label_id,
                            start,
                            end,
                            quote: index.slice(span)?,
                            prefix,
                            suffix,
                            attributes: &serde_json::to_string(&a.attributes)?,
                            note: a.note.as_deref(),
                            entity_id: None,
                            annotator_id: self.annotator_id,
                            created_at: &self.at,
                            updated_at: &self.at,
                        },
                    )?
                }
            };
            if ids.insert(a.key.as_str(), id).is_some() {
                return Err(StoreError::Import(format!(
                    "two annotations share the key {:?}",
                    a.key
                )));
            }
        }
        for r in &imported.relations {
            let endpoint = |key: &str| {
                ids.get(key).copied().ok_or_else(|| {
                    StoreError::Import(format!("relation {:?} points to unknown {key:?}", r.kind))
                })
            };
            let (from, to) = (endpoint(&r.from)?, endpoint(&r.to)?);
            ensure_relation_type(self.conn, &r.kind)?;
            if existing
                && self
                    .conn
                    .prepare_cached(
                        "SELECT 1 FROM relations WHERE from_id = ?1 AND to_id = ?2 AND kind = ?3",
                    )?
                    .exists((from, to, &r.kind))?
            {
                continue;
            }
            crate::rows::insert_relation(
                self.conn,
                &crate::rows::RelationRow {
                    id: None,
                    uid: &crate::uid::new(),
                    kind: &r.kind,
                    from_id: from,
                    to_id: to,
                    annotator_id: self.annotator_id,
                    created_at: &self.at,
                },
            )?;
            added.1 += 1;
        }
        Ok(added)
    }

    /// Records that the batch's coder coded the document (an assignment marked done), so a
    /// coder who found nothing to annotate in it still counts as having coded it.
    fn mark_coded(&mut self, document_id: i64) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO assignments (annotator_id, document_id, assigned_at, done_at)
                 VALUES (?1, ?2, ?3, ?3)
                 ON CONFLICT DO UPDATE SET done_at = coalesce(done_at, excluded.done_at)",
            )?
            .execute((self.annotator_id, document_id, &self.at))?;
        Ok(())
    }

    /// The one document this one is a new version of: the same URL, or else the same title,
    /// date and source (all given). Two candidates are no answer.
    fn earlier_version(&self, doc: &claimdesk_core::NewDocument) -> Result<Option<i64>> {
        let given = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let mut ids: Vec<i64> = Vec::new();
        if let Some(url) = given(&doc.url) {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT id FROM documents WHERE url = ?1 LIMIT 2")?;
            ids = stmt
                .query_map([url], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
        }
        if ids.is_empty() {
            if let (Some(source), Some(date)) = (given(&doc.source), doc.date) {
                let title = doc.title.trim();
                if !title.is_empty() {
                    let mut stmt = self.conn.prepare_cached(
                        "SELECT id FROM documents
                         WHERE title = ?1 COLLATE NOCASE AND title = ?1 AND date = ?2 AND source = ?3
                         LIMIT 2",
                    )?;
                    ids = stmt
                        .query_map((title, date.to_string(), source), |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?;
                }
            }
        }
        Ok(match ids.as_slice() {
            [id] => Some(*id),
            _ => None,
        })
    }

    /// Replaces a document's text with the imported one, logged as an undoable step of the
    /// batch's coder; the file's own coding (its offsets are into the new text) is added under
    /// the batch's coder.
    fn replace(&mut self, id: i64, imported: &ImportedDocument) -> Result<ImportOutcome> {
        let (_, change, report) =
            crate::versions::plan(self.conn, id, &imported.document.text, self.now)?;
        crate::history::apply(self.conn, &change, self.now)?;
        crate::history::record(self.conn, &change, self.annotator_id, self.now)?;
        self.insert_coding(id, imported, true)?;
        Ok(ImportOutcome::NewVersion {
            id,
            placed: report.kept + report.adjusted + report.found,
            orphaned: report.orphaned.len(),
        })
    }

    /// Logs coding added to a document the project already had (`import --as`).
    fn log_coding(&mut self, document_id: i64, annotations: usize, relations: usize) -> Result<()> {
        let payload = serde_json::json!({
            "id": document_id,
            "annotations": annotations,
            "relations": relations,
        });
        self.log("coding_imported", Some(document_id), &payload)
    }

    /// Logs what the import did (`import` entries: not steps to undo).
    pub(crate) fn log(
        &self,
        kind: &str,
        document_id: Option<i64>,
        payload: &serde_json::Value,
    ) -> Result<()> {
        crate::rows::append_event(
            self.conn,
            &crate::rows::EventRow {
                uid: &crate::uid::new(),
                at: &self.at,
                annotator_id: self.annotator_id,
                action: "import",
                target_id: None,
                kind,
                document_id,
                payload: &payload.to_string(),
                global: None,
            },
        )?;
        Ok(())
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        if self.open {
            // Nothing to report to: the caller is gone. The rollback only fails if the
            // connection is broken, and then SQLite rolls back on close anyway.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        if let Some(kib) = self.cache_before.take() {
            let _ = restore_cache(self.conn, kib);
        }
        if let Some(checkpointer) = self.checkpointer.take() {
            let _ = checkpointer.stop(self.conn);
        }
        let _ = self.sync_all();
    }
}

/// Copies committed pages from the write-ahead log into the project file on its own thread
/// and connection, while the import goes on. Otherwise the importing connection does it
/// itself after each commit (SQLite's automatic checkpoint), and the import waits for every
/// page of text to be written a second time and synced. The importing connection still
/// checkpoints when the log grows past [`WAL_LIMIT_PAGES`], so the log stays bounded even if
/// this thread falls behind; both are passive and never block a reader or the other.
struct Checkpointer {
    stop: std::sync::Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
    autocheckpoint_before: i64,
}

/// How often the checkpointer looks for new commits.
const CHECKPOINT_POLL: Duration = Duration::from_millis(50);

/// The importing connection checkpoints itself past this many pages of log (64 MiB of 4 KiB
/// pages; SQLite's default is 1,000).
const WAL_LIMIT_PAGES: i64 = 16_384;

impl Checkpointer {
    /// `None` for a project without a file (in memory), which has no log to copy.
    fn start(conn: &Connection) -> Result<Option<Checkpointer>> {
        let Some(path) = conn.path().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        let other = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let autocheckpoint_before: i64 =
            conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))?;
        conn.execute_batch(&format!("PRAGMA wal_autocheckpoint = {WAL_LIMIT_PAGES}"))?;
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stopping = std::sync::Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            // The same durability as the project's own connection: the file is synced after
            // pages are copied into it, before the log may be reused.
            let _ = other.execute_batch("PRAGMA synchronous = FULL");
            while !stopping.load(Ordering::Relaxed) {
                std::thread::sleep(CHECKPOINT_POLL);
                // A failed copy is harmless: the pages stay in the log and are copied later,
                // by this thread or by the importing connection.
                let _ = other.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        });
        Ok(Some(Checkpointer {
            stop,
            thread,
            autocheckpoint_before,
        }))
    }

    fn stop(self, conn: &Connection) -> Result<()> {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        conn.execute_batch(&format!(
            "PRAGMA wal_autocheckpoint = {}",
            self.autocheckpoint_before
        ))?;
        Ok(())
    }
}

/// Puts the connection back to synced commits and syncs what its earlier, unsynced commits
/// left in the write-ahead log (what was copied out of it, the [`Checkpointer`] synced as it
/// copied), so every commit made so far is durable.
fn synced_again(conn: &Connection) -> Result<()> {
    conn.execute_batch("PRAGMA synchronous = FULL")?;
    if let Some(path) = conn.path().filter(|p| !p.is_empty()) {
        let mut log = std::ffi::OsString::from(path);
        log.push("-wal");
        match std::fs::File::open(&log) {
            Ok(file) => file.sync_all()?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Raises the connection's page cache for bulk work; returns the size to restore.
fn raise_cache(conn: &Connection) -> Result<i64> {
    let before: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.execute_batch(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}"))?;
    Ok(before)
}

fn restore_cache(conn: &Connection, before: i64) -> Result<()> {
    conn.execute_batch(&format!("PRAGMA cache_size = {before}"))?;
    Ok(())
}

/// Makes `kind` a relation type if it is not one yet, linking any labels: relations brought in
/// from other tools keep their kinds.
pub(crate) fn ensure_relation_type(conn: &Connection, kind: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO relation_types (name, position)
         VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM relation_types))",
    )?
    .execute([kind])?;
    Ok(())
}
