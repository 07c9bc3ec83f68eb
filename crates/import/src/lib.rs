//! Import runs: the part of importing that touches files. It expands folders, pairs brat
//! `.txt`/`.ann` files, enforces the size limit, hands bytes to `claimdesk-formats` and
//! documents to the store, and reports per file. The CLI and the app both drive it.
//!
//! ```no_run
//! use std::sync::atomic::AtomicBool;
//! use claimdesk_import::{plan, run, Request};
//! # let mut project = claimdesk_store::Project::open("p.claimdesk".as_ref())?;
//! let request = Request::new(vec!["articles/".into()]);
//! let jobs = plan(&request);
//! let summary = run(&mut project, &request, jobs, 1, chrono::Utc::now(), &AtomicBool::new(false), |p| {
//!     eprintln!("{}/{} {}", p.files_done, p.files_total, p.current);
//! })?;
//! println!("{} imported, {} failed", summary.imported(), summary.failed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use claimdesk_core::dataset::{DocumentRecord, ProjectInfo};
use claimdesk_formats::read::{brat, native, table};
use claimdesk_formats::refi::project::QdpxProject;
use claimdesk_formats::{import_bytes, refi, Format, FormatError, ImportOptions, ImportedDocument};
use claimdesk_store::{Batch, ImportOutcome, Prepared, Project, StoreError};

pub use claimdesk_store::IndexProgress;

mod queue;

use queue::Queue;

/// The default size limit for one file.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// Folders deeper than this are not entered (a guard against symlink games and mistakes).
const MAX_DEPTH: usize = 32;

/// How often a running import commits, so work is durable and the project stays usable by
/// others (the app's own edits wait for the write lock at most this long).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// What to import and how.
#[derive(Clone, Debug)]
pub struct Request {
    pub paths: Vec<PathBuf>,
    /// Read every file as this format instead of going by its extension.
    pub format: Option<Format>,
    pub options: ImportOptions,
    pub max_file_bytes: u64,
    /// A document whose text the project already has gets the file's coding, under the run's
    /// coder, instead of being skipped (`import --as CODER`).
    pub add_coding: bool,
    /// A document whose text is new but whose URL (or title, date and source) matches one of
    /// the project's replaces that document's text as a new version of it.
    pub new_versions: bool,
}

impl Request {
    pub fn new(paths: Vec<PathBuf>) -> Request {
        Request {
            paths,
            format: None,
            options: ImportOptions::default(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            add_coding: false,
            new_versions: false,
        }
    }
}

/// One file to import, with the format it will be read as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    File {
        path: PathBuf,
        format: Format,
    },
    /// A brat document: its text and its annotations.
    Brat {
        txt: PathBuf,
        ann: PathBuf,
    },
    /// Nothing to import here; the reason is reported.
    Skip {
        path: PathBuf,
        reason: String,
    },
}

impl Job {
    pub fn path(&self) -> &Path {
        match self {
            Job::File { path, .. } | Job::Skip { path, .. } => path,
            Job::Brat { txt, .. } => txt,
        }
    }
}

/// Expands the request's paths into jobs: folders recursively (hidden entries skipped), files
/// by extension or the forced format; a `.txt` with a `.ann` beside it is a brat document.
pub fn plan(request: &Request) -> Vec<Job> {
    let mut jobs = Vec::new();
    for path in &request.paths {
        if path.is_dir() {
            walk(path, request.format, 0, &mut jobs);
        } else {
            jobs.push(classify(path, request.format, true));
        }
    }
    jobs
}

fn walk(dir: &Path, forced: Option<Format>, depth: usize, jobs: &mut Vec<Job>) {
    if depth > MAX_DEPTH {
        jobs.push(Job::Skip {
            path: dir.to_path_buf(),
            reason: format!("folder nested deeper than {MAX_DEPTH} levels; import it directly"),
        });
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            jobs.push(Job::Skip {
                path: dir.to_path_buf(),
                reason: format!("cannot read the folder: {e}"),
            });
            return;
        }
    };
    let paths: BTreeSet<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    for path in paths {
        // Symlinked folders are not followed, so a link cannot make the walk go round.
        let is_link = path
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink());
        if path.is_dir() && !is_link {
            walk(&path, forced, depth + 1, jobs);
        } else if path.is_file() {
            let job = classify(&path, forced, false);
            // Inside folders, a brat .ann beside its .txt is part of that document, not a file
            // to report.
            let companion = matches!(&job, Job::Skip { path, .. }
                if path.extension().is_some_and(|e| e == "ann") && path.with_extension("txt").is_file());
            if !companion {
                jobs.push(job);
            }
        }
    }
}

fn classify(path: &Path, forced: Option<Format>, named: bool) -> Job {
    let ann = path.with_extension("ann");
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let is_txt = ext.as_deref() == Some("txt");
    match forced {
        Some(Format::Brat) if is_txt && ann.is_file() => Job::Brat {
            txt: path.to_path_buf(),
            ann,
        },
        Some(Format::Brat) => Job::Skip {
            path: path.to_path_buf(),
            reason: "brat needs a .txt file with its .ann beside it".into(),
        },
        Some(format) => Job::File {
            path: path.to_path_buf(),
            format,
        },
        None if is_txt && ann.is_file() => Job::Brat {
            txt: path.to_path_buf(),
            ann,
        },
        None => match Format::from_path(path) {
            Some(format) => Job::File {
                path: path.to_path_buf(),
                format,
            },
            None if ext.as_deref() == Some("conf") => Job::Skip {
                path: path.to_path_buf(),
                reason: "brat configuration, not a document".into(),
            },
            None if ext.as_deref() == Some("ann") => Job::Skip {
                path: path.to_path_buf(),
                reason: "a brat .ann file without its .txt".into(),
            },
            // A file named on the command line without a known extension is most likely text.
            None if named && ext.is_none() => Job::File {
                path: path.to_path_buf(),
                format: Format::Text,
            },
            None => Job::Skip {
                path: path.to_path_buf(),
                reason: "not a format Claimdesk imports (by its extension); use --format to say which it is".into(),
            },
        },
    }
}

/// What became of one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FileOutcome {
    /// New documents, and documents whose text the project already had.
    Imported {
        documents: Vec<ImportedRef>,
        duplicates: Vec<i64>,
        /// Documents the project already had that got the file's coding (`add_coding`);
        /// `annotations` counts what was added.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        coded: Vec<ImportedRef>,
        /// Documents the file is a new version of (`new_versions`): their text replaced.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        versions: Vec<VersionRef>,
    },
    Skipped {
        reason: String,
    },
    Failed {
        code: &'static str,
        reason: String,
    },
}

/// A document whose text a file replaced, and what became of its annotations.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VersionRef {
    pub id: i64,
    pub title: String,
    pub placed: usize,
    pub orphaned: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportedRef {
    pub id: i64,
    pub title: String,
    pub annotations: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FileReport {
    pub path: PathBuf,
    #[serde(flatten)]
    pub outcome: FileOutcome,
}

/// Where a run is, for progress bars.
#[derive(Clone, Debug)]
pub struct Progress {
    pub files_done: usize,
    pub files_total: usize,
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// The file being read now (or just finished), for display.
    pub current: String,
    pub documents: usize,
    pub failed: usize,
}

/// The result of a run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub files: Vec<FileReport>,
    /// True when the run was cancelled; the files reported were done and kept.
    pub cancelled: bool,
}

impl Summary {
    /// New documents stored.
    pub fn imported(&self) -> usize {
        self.files
            .iter()
            .map(|f| match &f.outcome {
                FileOutcome::Imported { documents, .. } => documents.len(),
                _ => 0,
            })
            .sum()
    }

    /// Documents the project already had that got coding from the run (`add_coding`).
    pub fn coded(&self) -> usize {
        self.files
            .iter()
            .map(|f| match &f.outcome {
                FileOutcome::Imported { coded, .. } => coded.len(),
                _ => 0,
            })
            .sum()
    }

    /// Documents whose text was replaced by a new version from the run (`new_versions`).
    pub fn versions(&self) -> usize {
        self.files
            .iter()
            .map(|f| match &f.outcome {
                FileOutcome::Imported { versions, .. } => versions.len(),
                _ => 0,
            })
            .sum()
    }

    /// Documents not stored because the project already had their text.
    pub fn duplicates(&self) -> usize {
        self.files
            .iter()
            .map(|f| match &f.outcome {
                FileOutcome::Imported { duplicates, .. } => duplicates.len(),
                _ => 0,
            })
            .sum()
    }

    pub fn skipped(&self) -> usize {
        self.files
            .iter()
            .filter(|f| matches!(f.outcome, FileOutcome::Skipped { .. }))
            .count()
    }

    pub fn failed(&self) -> usize {
        self.files
            .iter()
            .filter(|f| matches!(f.outcome, FileOutcome::Failed { .. }))
            .count()
    }
}

/// How much parsed text may wait between the reading thread and the writing one.
const QUEUE_BYTES: usize = 32 * 1024 * 1024;

/// A streamed file's records go to the writer in chunks of at most this many records ...
const CHUNK_RECORDS: usize = 256;
/// ... or this many bytes of text.
const CHUNK_BYTES: usize = 1024 * 1024;

/// What the reading thread hands the writer for one job, in the jobs' order.
enum Unit {
    /// A whole file, read, parsed and hashed (or why not).
    File(Result<Vec<Prepared>, FileOutcome>),
    /// Claimdesk's own export: the writer restores it, as a stream.
    Native,
    /// A REFI-QDA project, read whole: the writer restores it with its coders.
    Project(Result<QdpxProject, FileOutcome>),
    /// Records of a JSON Lines file too large to read whole; more follow, then `End`.
    Records(Vec<Record>),
    /// The end of a streamed file: `Some` if it ended on an unreadable or malformed record.
    End(Option<FileOutcome>),
}

/// One record of a streamed file and how many bytes of the file it took.
struct Record {
    doc: Prepared,
    bytes: u64,
}

impl Unit {
    /// Roughly what the unit holds in memory, to bound the queue.
    fn weight(&self) -> usize {
        match self {
            Unit::File(Ok(docs)) => docs.iter().map(Prepared::text_len).sum::<usize>() + 256,
            Unit::Records(records) => records.iter().map(|r| r.doc.text_len() + 256).sum(),
            Unit::Project(Ok(p)) => p.documents.iter().map(|d| d.text.len() + 256).sum(),
            _ => 256,
        }
    }
}

/// Runs the jobs into `project`. Each file is all or nothing; one that fails is reported and
/// the run goes on. Between files the run checks `cancel`; what was done stays.
/// `on_progress` is called before each file and once at the end.
///
/// One thread reads, parses and hashes files while this one writes them, through a queue of
/// bounded size. A JSON Lines file larger than the size limit is read as a stream of records
/// rather than refused: each record is all or nothing and the file is committed in parts, so
/// a run stopped halfway (cancelled, or a crash) keeps what was committed, and running it again
/// skips those records as duplicates and goes on.
///
/// The run defers the full-text index: the documents it stored become searchable once
/// [`index`] (`Project::index_documents`) has run; until then a search does not find them.
pub fn run(
    project: &mut Project,
    request: &Request,
    jobs: Vec<Job>,
    annotator_id: i64,
    now: DateTime<Utc>,
    cancel: &AtomicBool,
    mut on_progress: impl FnMut(&Progress),
) -> Result<Summary, StoreError> {
    let sizes: Vec<u64> = jobs.iter().map(job_size).collect();
    let mut progress = Progress {
        files_done: 0,
        files_total: jobs.len(),
        bytes_done: 0,
        bytes_total: sizes.iter().sum(),
        current: String::new(),
        documents: 0,
        failed: 0,
    };
    let mut summary = Summary::default();
    // Annotations of a REFI-QDA file that name no coder are the importing coder's.
    let coder = project.annotator_name(annotator_id)?;
    let mut batch = project.begin_import(annotator_id, now)?;
    batch.defer_index()?;
    if request.add_coding {
        batch.add_coding_to_existing();
    }
    if request.new_versions {
        batch.treat_matches_as_new_versions();
    }
    let queue = Queue::new(QUEUE_BYTES);
    let result = std::thread::scope(|scope| {
        let reading = jobs.clone();
        let (queue, sizes) = (&queue, &sizes);
        scope.spawn(move || {
            // Whatever happens here, the writer must not wait for more.
            struct Finish<'q>(&'q Queue<Unit>);
            impl Drop for Finish<'_> {
                fn drop(&mut self) {
                    self.0.finish();
                }
            }
            let _finish = Finish(queue);
            for (job, size) in reading.iter().zip(sizes.iter().copied()) {
                if !read_unit(job, request, size, now, queue) {
                    return;
                }
            }
        });
        // However the writer ends (done, cancelled, failed, or a panic in `on_progress`), a
        // reader waiting for room is let go, so the scope can end.
        struct Close<'q>(&'q Queue<Unit>);
        impl Drop for Close<'_> {
            fn drop(&mut self) {
                self.0.close();
            }
        }
        let _close = Close(queue);
        let mut writer = Writer {
            batch: &mut batch,
            coder: &coder,
            last_commit: Instant::now(),
            cancel,
        };
        writer.write(
            jobs,
            sizes,
            queue,
            &mut progress,
            &mut summary,
            &mut on_progress,
        )
    });
    result?;
    batch.commit()?;
    on_progress(&progress);
    Ok(summary)
}

/// Indexes for search the documents that imports stored without indexing them (see [`run`]);
/// resumable, and stopped early by `cancel`.
pub fn index(
    project: &mut Project,
    cancel: &AtomicBool,
    on_progress: impl FnMut(&IndexProgress),
) -> Result<IndexProgress, StoreError> {
    project.index_documents(cancel, on_progress)
}

/// Reads one job and queues what it found; false when the writer takes no more.
fn read_unit(
    job: &Job,
    request: &Request,
    size: u64,
    now: DateTime<Utc>,
    queue: &Queue<Unit>,
) -> bool {
    let send = |unit: Unit| {
        let weight = unit.weight();
        queue.send(unit, weight).is_ok()
    };
    if native_path(job).is_some() {
        return send(Unit::Native);
    }
    if let Job::File {
        path,
        format: Format::Qdpx,
    } = job
    {
        let project = read(path, request.max_file_bytes).and_then(|bytes| {
            refi::project::read(&bytes, now).map_err(|e| FileOutcome::Failed {
                code: e.code(),
                reason: e.to_string(),
            })
        });
        return send(Unit::Project(project));
    }
    if let Some(path) = stream_path(job, request, size) {
        return read_stream(path, request, &send);
    }
    send(Unit::File(
        read_job(job, request, size).map(|docs| docs.into_iter().map(Prepared::new).collect()),
    ))
}

/// The path of a job that is a JSON Lines file too large to read whole.
fn stream_path<'j>(job: &'j Job, request: &Request, size: u64) -> Option<&'j Path> {
    match job {
        Job::File {
            path,
            format: Format::Jsonl,
        } if size > request.max_file_bytes => Some(path),
        _ => None,
    }
}

/// Reads a JSON Lines file a line at a time, sending its records in chunks.
fn read_stream(path: &Path, request: &Request, send: &dyn Fn(Unit) -> bool) -> bool {
    use std::io::BufRead;
    let failed = |code, reason| Some(FileOutcome::Failed { code, reason });
    let mut file = match std::fs::File::open(path) {
        Ok(file) => std::io::BufReader::with_capacity(1 << 20, file),
        Err(e) => {
            return send(Unit::End(failed(
                "unreadable",
                format!("cannot read the file: {e}"),
            )))
        }
    };
    let name = file_name(path);
    let columns = &request.options.columns;
    let mut line = Vec::new();
    let mut number = 0;
    let mut chunk: Vec<Record> = Vec::new();
    let mut chunk_bytes = 0;
    let mut skipped_bytes = 0;
    let end = loop {
        line.clear();
        let read = match file.read_until(b'\n', &mut line) {
            Ok(0) => break None,
            Ok(read) => read as u64,
            Err(e) => break failed("unreadable", format!("cannot read the file: {e}")),
        };
        number += 1;
        let mut bytes = line.as_slice();
        if number == 1 {
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            break failed(
                "malformed",
                format!(
                    "line {number} is not UTF-8; a JSON Lines file this large is read as UTF-8"
                ),
            );
        };
        let text = text.trim_end_matches(['\n', '\r']);
        match table::parse_jsonl_line(text, &name, number, columns) {
            Ok(Some(doc)) => {
                let doc = Prepared::new(doc);
                chunk_bytes += doc.text_len();
                chunk.push(Record {
                    doc,
                    bytes: read + std::mem::take(&mut skipped_bytes),
                });
            }
            Ok(None) => skipped_bytes += read,
            Err(e) => {
                break failed(e.code(), e.to_string());
            }
        }
        if chunk.len() >= CHUNK_RECORDS || chunk_bytes >= CHUNK_BYTES {
            chunk_bytes = 0;
            if !send(Unit::Records(std::mem::take(&mut chunk))) {
                return false;
            }
        }
    };
    if !chunk.is_empty() && !send(Unit::Records(chunk)) {
        return false;
    }
    send(Unit::End(end))
}

/// The thread that holds the write lock: stores what the reader sends, in order.
struct Writer<'b, 'p> {
    batch: &'b mut Batch<'p>,
    /// The importing coder's name.
    coder: &'b str,
    last_commit: Instant,
    cancel: &'b AtomicBool,
}

/// A store error that is about the data fails one file; one about the database itself (disk
/// full, I/O) stops the run.
fn fatal(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Sqlite(_) | StoreError::Busy | StoreError::Io(_) | StoreError::Corrupt(_)
    )
}

impl Writer<'_, '_> {
    fn write(
        &mut self,
        jobs: Vec<Job>,
        sizes: &[u64],
        queue: &Queue<Unit>,
        progress: &mut Progress,
        summary: &mut Summary,
        on_progress: &mut dyn FnMut(&Progress),
    ) -> Result<(), StoreError> {
        for (job, &size) in jobs.into_iter().zip(sizes) {
            progress.current = job.path().display().to_string();
            on_progress(progress);
            if self.cancel.load(Ordering::Relaxed) {
                summary.cancelled = true;
                break;
            }
            let bytes_before = progress.bytes_done;
            let outcomes = match queue.recv() {
                Some(Unit::File(Err(failure))) => vec![failure],
                Some(Unit::File(Ok(docs))) => match self.batch.add_all_prepared(&docs) {
                    Ok(outcomes) => {
                        let imported: Vec<ImportedDocument> =
                            docs.into_iter().map(|d| d.imported).collect();
                        vec![stored(&imported, outcomes)]
                    }
                    Err(e) if fatal(&e) => return Err(e),
                    Err(e) => vec![FileOutcome::Failed {
                        code: e.code(),
                        reason: e.to_string(),
                    }],
                },
                Some(Unit::Native) => vec![restore_file(self.batch, job.path())?],
                Some(Unit::Project(Err(failure))) => vec![failure],
                Some(Unit::Project(Ok(project))) => {
                    vec![restore_project(
                        self.batch,
                        project,
                        self.coder,
                        job.path(),
                    )?]
                }
                Some(Unit::Records(first)) => {
                    self.write_stream(first, queue, progress, summary, on_progress)?
                }
                // The reader stopped early; only a panic does that, and the scope re-raises it.
                Some(Unit::End(_)) | None => break,
            };
            for outcome in outcomes {
                match &outcome {
                    FileOutcome::Imported { documents, .. } => {
                        progress.documents += documents.len()
                    }
                    FileOutcome::Failed { .. } => progress.failed += 1,
                    FileOutcome::Skipped { .. } => {}
                }
                summary.files.push(FileReport {
                    path: job.path().to_path_buf(),
                    outcome,
                });
            }
            progress.files_done += 1;
            progress.bytes_done = bytes_before + size;
            self.maybe_checkpoint()?;
        }
        Ok(())
    }

    fn maybe_checkpoint(&mut self) -> Result<(), StoreError> {
        if self.last_commit.elapsed() >= CHECKPOINT_EVERY {
            self.batch.checkpoint()?;
            self.last_commit = Instant::now();
        }
        Ok(())
    }

    /// Stores a streamed file's records, each all or nothing, committing as it goes. What was
    /// stored is reported as imported even when a later record stops the file (then reported
    /// as failed too), since it stays.
    fn write_stream(
        &mut self,
        first: Vec<Record>,
        queue: &Queue<Unit>,
        progress: &mut Progress,
        summary: &mut Summary,
        on_progress: &mut dyn FnMut(&Progress),
    ) -> Result<Vec<FileOutcome>, StoreError> {
        let mut stored = Stored::default();
        // Progress counts the file's documents as they are stored; the caller adds them again
        // from the outcome.
        let documents_before = progress.documents;
        let mut next = Some(Unit::Records(first));
        let end = loop {
            match next.take() {
                Some(Unit::Records(records)) => {
                    let mut refused = None;
                    for Record { doc, bytes } in records {
                        match self.batch.add_prepared(&doc) {
                            Ok(outcome) => stored.push(outcome, &doc.imported),
                            Err(e) if fatal(&e) => return Err(e),
                            Err(e) => {
                                refused = Some(FileOutcome::Failed {
                                    code: e.code(),
                                    reason: e.to_string(),
                                });
                                break;
                            }
                        }
                        progress.bytes_done += bytes;
                    }
                    if refused.is_some() {
                        // The rest of the file is still on its way: take it off the queue so
                        // the next job finds its own unit.
                        while let Some(Unit::Records(_)) = queue.recv() {}
                        break refused;
                    }
                    progress.documents = documents_before + stored.documents.len();
                    on_progress(progress);
                    self.maybe_checkpoint()?;
                    if self.cancel.load(Ordering::Relaxed) {
                        summary.cancelled = true;
                        break None;
                    }
                    next = queue.recv();
                }
                Some(Unit::End(end)) => break end,
                // The reader is gone (it panicked, and the scope will say so).
                Some(Unit::File(_) | Unit::Native | Unit::Project(_)) | None => break None,
            }
        };
        progress.documents = documents_before;
        let mut outcomes = Vec::new();
        if !stored.documents.is_empty() || end.is_none() {
            outcomes.push(stored.outcome());
        }
        outcomes.extend(end);
        Ok(outcomes)
    }
}

/// The path of a job that is Claimdesk's own JSON Lines export, which is restored as a stream
/// (so the size limit, meant for files read whole, does not apply to it).
fn native_path(job: &Job) -> Option<&Path> {
    let Job::File { path, format } = job else {
        return None;
    };
    if !matches!(format, Format::Jsonl | Format::Json) {
        return None;
    }
    let mut head = [0u8; 256];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .ok()?;
    native::is_native(&head[..n]).then_some(path.as_path())
}

/// Restores a native export: every document or none. Only a failure of the project itself is
/// an `Err`; a bad file is a failed outcome.
fn restore_file(batch: &mut Batch<'_>, path: &Path) -> Result<FileOutcome, StoreError> {
    let failed = |code: &'static str, reason: String| FileOutcome::Failed { code, reason };
    let file = match std::fs::File::open(path) {
        Ok(file) => std::io::BufReader::with_capacity(1 << 20, file),
        Err(e) => return Ok(failed("unreadable", format!("cannot read the file: {e}"))),
    };
    let (header, mut reader) = match native::Reader::new(file) {
        Ok(read) => read,
        Err(e) => return Ok(failed(e.code(), e.to_string())),
    };
    restore_all(batch, &header, || {
        let doc = reader.next_document()?;
        Some(doc.map(|doc| (doc, format!("line {}", reader.line()))))
    })
}

/// Restores a REFI-QDA project read from `path`: every document or none, each annotation
/// under its coder (the importing `coder` where the file names none).
fn restore_project(
    batch: &mut Batch<'_>,
    project: QdpxProject,
    coder: &str,
    path: &Path,
) -> Result<FileOutcome, StoreError> {
    let QdpxProject {
        mut info,
        documents,
        ..
    } = project;
    if documents.is_empty() {
        return Ok(FileOutcome::Skipped {
            reason: "the project has no text sources".into(),
        });
    }
    info.annotators.retain(|a| !a.is_empty());
    let name = file_name(path);
    let mut documents = documents.into_iter();
    restore_all(batch, &info, move || {
        let mut doc = documents.next()?;
        for a in &mut doc.annotations {
            if a.annotator.is_empty() {
                a.annotator = coder.to_string();
            }
        }
        for r in &mut doc.relations {
            if r.annotator.is_empty() {
                r.annotator = coder.to_string();
            }
        }
        doc.source.get_or_insert_with(|| name.clone());
        let at = format!("source {:?}", doc.title);
        Some(Ok((doc, at)))
    })
}

/// Restores documents with the `header` they refer to, all or nothing. `next` gives each
/// document with where it came from (for messages).
fn restore_all(
    batch: &mut Batch<'_>,
    header: &ProjectInfo,
    mut next: impl FnMut() -> Option<Result<(DocumentRecord, String), FormatError>>,
) -> Result<FileOutcome, StoreError> {
    let failed = |code: &'static str, reason: String| FileOutcome::Failed { code, reason };
    batch.begin_group()?;
    let result = (|| -> Result<FileOutcome, StoreError> {
        let mut restore = batch.begin_restore(header)?;
        let mut stored = Stored::default();
        while let Some(doc) = next() {
            let (doc, at) = match doc {
                Ok(doc) => doc,
                Err(e) => return Ok(failed(e.code(), e.to_string())),
            };
            match batch.restore(&mut restore, &doc) {
                Ok(outcome) => stored.push_record(outcome, &doc),
                Err(
                    e @ (StoreError::Sqlite(_)
                    | StoreError::Busy
                    | StoreError::Io(_)
                    | StoreError::Corrupt(_)),
                ) => return Err(e),
                Err(e) => {
                    return Ok(failed(e.code(), format!("{at}: {e}")));
                }
            }
        }
        Ok(stored.outcome())
    })();
    let keep = matches!(
        result,
        Ok(FileOutcome::Imported { .. } | FileOutcome::Skipped { .. })
    );
    batch.end_group(keep)?;
    result
}

fn job_size(job: &Job) -> u64 {
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    match job {
        Job::File { path, .. } => size(path),
        Job::Brat { txt, ann } => size(txt) + size(ann),
        Job::Skip { .. } => 0,
    }
}

fn stored(docs: &[ImportedDocument], outcomes: Vec<ImportOutcome>) -> FileOutcome {
    let mut stored = Stored::default();
    for (doc, outcome) in docs.iter().zip(outcomes) {
        stored.push(outcome, doc);
    }
    stored.outcome()
}

/// What a file's documents became, gathered as they are stored.
#[derive(Default)]
struct Stored {
    documents: Vec<ImportedRef>,
    duplicates: Vec<i64>,
    coded: Vec<ImportedRef>,
    versions: Vec<VersionRef>,
}

impl Stored {
    fn push(&mut self, outcome: ImportOutcome, doc: &ImportedDocument) {
        self.push_titled(outcome, &doc.document.title, doc.annotations.len());
    }

    fn push_record(&mut self, outcome: ImportOutcome, doc: &DocumentRecord) {
        self.push_titled(outcome, &doc.title, doc.annotations.len());
    }

    fn push_titled(&mut self, outcome: ImportOutcome, title: &str, annotations: usize) {
        match outcome {
            ImportOutcome::Imported(id) => self.documents.push(ImportedRef {
                id,
                title: title.to_string(),
                annotations,
            }),
            ImportOutcome::Coded {
                id, annotations, ..
            } => self.coded.push(ImportedRef {
                id,
                title: title.to_string(),
                annotations,
            }),
            ImportOutcome::Duplicate(id) => self.duplicates.push(id),
            ImportOutcome::NewVersion {
                id,
                placed,
                orphaned,
            } => self.versions.push(VersionRef {
                id,
                title: title.to_string(),
                placed,
                orphaned,
            }),
        }
    }

    fn outcome(self) -> FileOutcome {
        let Stored {
            documents,
            duplicates,
            coded,
            versions,
        } = self;
        let stored = !(documents.is_empty() && coded.is_empty() && versions.is_empty());
        if !stored && !duplicates.is_empty() {
            let ids: Vec<String> = duplicates.iter().map(|id| format!("#{id}")).collect();
            return FileOutcome::Skipped {
                reason: format!("the project already has this text ({})", ids.join(", ")),
            };
        }
        if !stored {
            return FileOutcome::Skipped {
                reason: "no documents in the file".into(),
            };
        }
        FileOutcome::Imported {
            documents,
            duplicates,
            coded,
            versions,
        }
    }
}

fn read(path: &Path, max: u64) -> Result<Vec<u8>, FileOutcome> {
    let failed = |code, reason| FileOutcome::Failed { code, reason };
    let size = std::fs::metadata(path)
        .map_err(|e| failed("unreadable", format!("cannot read the file: {e}")))?
        .len();
    check_size(size, max)?;
    std::fs::read(path).map_err(|e| failed("unreadable", format!("cannot read the file: {e}")))
}

fn check_size(size: u64, max: u64) -> Result<(), FileOutcome> {
    if size > max {
        return Err(FileOutcome::Failed {
            code: "too_large",
            reason: format!(
                "the file is {:.1} MB, over the {:.1} MB limit; raise the limit to import it",
                size as f64 / 1e6,
                max as f64 / 1e6
            ),
        });
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn read_job(job: &Job, request: &Request, size: u64) -> Result<Vec<ImportedDocument>, FileOutcome> {
    let parsed: Result<Vec<ImportedDocument>, FormatError> = match job {
        Job::Skip { reason, .. } => {
            return Err(FileOutcome::Skipped {
                reason: reason.clone(),
            })
        }
        Job::File { path, format } => {
            let bytes = read(path, request.max_file_bytes)?;
            import_bytes(*format, &bytes, &file_name(path), &request.options)
        }
        Job::Brat { txt, ann } => {
            check_size(size, request.max_file_bytes)?;
            let text = read(txt, request.max_file_bytes)?;
            let annotations = read(ann, request.max_file_bytes)?;
            brat::parse(&text, &annotations, &file_name(txt)).map(|d| vec![d])
        }
    };
    parsed.map_err(|e| FileOutcome::Failed {
        code: e.code(),
        reason: e.to_string(),
    })
}

/// What bringing in a codebook did: labels added, and those the project already had (by
/// name, kept as they are).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CodebookReport {
    pub added: Vec<String>,
    pub present: Vec<String>,
}

/// Why a codebook was not brought in. Nothing was changed.
#[derive(Debug)]
pub enum CodebookFailure {
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    Format(FormatError),
    Store(StoreError),
}

impl CodebookFailure {
    pub fn code(&self) -> &'static str {
        match self {
            CodebookFailure::Unreadable { .. } => "unreadable",
            CodebookFailure::Format(e) => e.code(),
            CodebookFailure::Store(e) => e.code(),
        }
    }
}

impl std::fmt::Display for CodebookFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodebookFailure::Unreadable { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            CodebookFailure::Format(e) => e.fmt(f),
            CodebookFailure::Store(e) => e.fmt(f),
        }
    }
}

/// Adds the labels of a REFI-QDA codebook (`.qdc`) that the project lacks (by name), with
/// their colours and attributes, as one undoable step; labels it already has are kept as
/// they are.
pub fn import_codebook(
    project: &mut Project,
    path: &Path,
    annotator_id: i64,
    now: DateTime<Utc>,
) -> Result<CodebookReport, CodebookFailure> {
    let bytes = std::fs::read(path).map_err(|error| CodebookFailure::Unreadable {
        path: path.to_path_buf(),
        error,
    })?;
    let labels = refi::codebook::read(&bytes).map_err(CodebookFailure::Format)?;
    let have: BTreeSet<String> = project
        .labels()
        .map_err(CodebookFailure::Store)?
        .into_iter()
        .map(|l| l.name)
        .collect();
    let mut report = CodebookReport::default();
    let mut new = Vec::new();
    for label in labels {
        if have.contains(&label.name) || report.added.contains(&label.name) {
            report.present.push(label.name);
            continue;
        }
        report.added.push(label.name.clone());
        new.push(claimdesk_core::label::NewLabel {
            name: label.name,
            colour: label.colour,
            hotkey: None,
            attributes: label.attributes,
        });
    }
    project
        .create_labels(&new, annotator_id, now)
        .map_err(CodebookFailure::Store)?;
    Ok(report)
}
