//! Export runs: the part of exporting that touches files. It reads a scope of the project one
//! document at a time, streams it through a `claimdesk-formats` exporter into a temporary file
//! or folder beside the destination, and only when the whole export has been written and has
//! passed its self-check moves it into place — with an atomic rename, so the destination holds
//! either the previous export or the new one, never half of one. The CLI and the app both
//! drive it.
//!
//! ```no_run
//! use std::sync::atomic::AtomicBool;
//! use claimdesk_core::dataset::Scope;
//! use claimdesk_export::{run, Request};
//! use claimdesk_formats::write::ExportFormat;
//! # let project = claimdesk_store::Project::open("p.claimdesk".as_ref())?;
//! let request = Request::new(ExportFormat::Csv, "tables".into(), Scope::everything());
//! let done = run(&project, &request, &AtomicBool::new(false), |p| {
//!     eprintln!("{}/{}", p.documents_done, p.documents_total);
//! })?;
//! println!("{} statements in {}", done.summary.statements, done.path.display());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What it may touch on disk: the destination (a file, or the files the format names inside
//! the destination folder) and one temporary entry beside it, named `.<destination>.partial-*`,
//! which is removed whatever happens.

pub mod agreement;

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use serde::Serialize;

use claimdesk_core::dataset::Scope;
use claimdesk_formats::write::{
    exporter, ExportError, ExportFormat, ExportOptions, ExportSummary, Layout, Output,
};
use claimdesk_store::{Project, StoreError};

/// What to export and where.
#[derive(Clone, Debug)]
pub struct Request {
    pub format: ExportFormat,
    /// A file for single-file formats, a folder for folder formats. An existing folder given
    /// for a single-file format receives the format's default file name inside it.
    pub destination: PathBuf,
    pub scope: Scope,
    pub options: ExportOptions,
}

impl Request {
    pub fn new(format: ExportFormat, destination: PathBuf, scope: Scope) -> Request {
        Request {
            format,
            destination,
            scope,
            options: ExportOptions::default(),
        }
    }
}

/// Where a run is, for progress bars.
#[derive(Clone, Debug)]
pub struct Progress {
    pub documents_done: usize,
    pub documents_total: usize,
    pub bytes_written: u64,
}

/// A finished export.
#[derive(Clone, Debug, Serialize)]
pub struct Done {
    pub summary: ExportSummary,
    /// The file or folder written.
    pub path: PathBuf,
    /// The files written, relative to `path` for folder formats.
    pub files: Vec<String>,
    pub bytes: u64,
}

/// Why an export did not finish. Nothing was left at the destination.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("cannot export to {path}: {reason}")]
    Destination { path: PathBuf, reason: String },
    /// The file system refused a write, a file or the final move into place.
    #[error("cannot write the export to {path}: {error}; {}", advice(error))]
    Write { path: PathBuf, error: io::Error },
    #[error("the export was cancelled; nothing was written")]
    Cancelled,
    #[error("there is no label {0:?} to export")]
    UnknownLabel(String),
    #[error("there is no annotator {0:?} to export")]
    UnknownAnnotator(String),
}

impl Failure {
    pub fn code(&self) -> &'static str {
        match self {
            Failure::Store(e) => e.code(),
            Failure::Export(e) => e.code(),
            Failure::Destination { .. } => "bad_destination",
            Failure::Write { .. } => "write_failed",
            Failure::Cancelled => "cancelled",
            Failure::UnknownLabel(_) => "unknown_label",
            Failure::UnknownAnnotator(_) => "unknown_annotator",
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Export(ExportError::Io(e))
    }
}

/// What the analyst can do about a refused write: the OS error alone ("No such file or
/// directory") does not say which path or what next.
fn advice(error: &io::Error) -> &'static str {
    use io::ErrorKind as K;
    match error.kind() {
        K::NotFound | K::NotADirectory => {
            "its folder is gone or cannot be reached; choose an existing folder you can write to"
        }
        K::PermissionDenied | K::ReadOnlyFilesystem => {
            "this folder cannot be written to; choose a folder you may write in, or change its permissions"
        }
        K::StorageFull | K::QuotaExceeded | K::FileTooLarge => {
            "the disk is full or over quota; free some space or choose another disk"
        }
        K::IsADirectory | K::DirectoryNotEmpty | K::AlreadyExists => {
            "something of that name is in the way; move it or choose another destination"
        }
        K::InvalidFilename => "the name is not allowed there; choose a shorter or simpler name",
        _ => "check that the folder exists and can be written to, or choose another destination",
    }
}

/// An exporter's error, with a refused write turned into one that names `path`.
fn written(path: &Path) -> impl Fn(ExportError) -> Failure + '_ {
    move |e| match e {
        ExportError::Io(error) => Failure::Write {
            path: path.to_path_buf(),
            error,
        },
        other => Failure::Export(other),
    }
}

/// Exports `request.scope` of `project`. Checks `cancel` between documents.
pub fn run(
    project: &Project,
    request: &Request,
    cancel: &AtomicBool,
    mut on_progress: impl FnMut(&Progress),
) -> Result<Done, Failure> {
    check_scope(project, request)?;
    let destination = resolve_destination(request)?;
    let layout = request.format.layout();
    let staging = Staging::new(&destination, layout).map_err(|error| Failure::Write {
        path: destination.clone(),
        error,
    })?;
    let bytes = Arc::new(AtomicU64::new(0));
    let output = StagingOutput {
        root: staging.path.clone(),
        layout,
        files: Vec::new(),
        bytes: bytes.clone(),
        created: Arc::new(std::sync::Mutex::new(Vec::new())),
    };
    let created = output.created.clone();

    let info = project.project_info()?;
    let documents_total = project.scope_documents(&request.scope)?.len();
    let mut export = exporter(request.format, &info, &request.options, Box::new(output))
        .map_err(written(&destination))?;
    let mut progress = Progress {
        documents_done: 0,
        documents_total,
        bytes_written: 0,
    };
    on_progress(&progress);
    project.read_scope(&request.scope, |doc| -> Result<(), Failure> {
        if cancel.load(Ordering::Relaxed) {
            return Err(Failure::Cancelled);
        }
        export.document(&doc).map_err(written(&destination))?;
        progress.documents_done += 1;
        progress.bytes_written = bytes.load(Ordering::Relaxed);
        on_progress(&progress);
        Ok(())
    })?;
    if cancel.load(Ordering::Relaxed) {
        return Err(Failure::Cancelled);
    }
    let summary = export.finish().map_err(written(&destination))?;
    let files = created.lock().map(|f| f.clone()).unwrap_or_default();
    let total = bytes.load(Ordering::Relaxed);
    staging.commit(&files)?;
    progress.bytes_written = total;
    on_progress(&progress);
    Ok(Done {
        summary,
        path: destination,
        files,
        bytes: total,
    })
}

/// Refuses a scope that names documents, labels or annotators the project does not have: the
/// export would silently leave them out. [`run`] checks this first; callers that start a run in
/// the background call it beforehand to answer at once.
pub fn check_scope(project: &Project, request: &Request) -> Result<(), Failure> {
    let scope = &request.scope;
    if let Some(wanted) = &scope.documents {
        let only = Scope {
            documents: Some(wanted.clone()),
            ..Scope::default()
        };
        let found = project.scope_documents(&only)?;
        if let Some(&missing) = wanted.iter().find(|id| found.binary_search(id).is_err()) {
            return Err(StoreError::UnknownDocument(missing).into());
        }
    }
    if let Some(set) = scope.set_id {
        project.document_set(set)?;
    }
    let mut labels = scope
        .labels
        .iter()
        .flatten()
        .chain(&request.options.conll_label)
        .peekable();
    if labels.peek().is_some() {
        let known = project.labels()?;
        if let Some(missing) = labels.find(|n| !known.iter().any(|l| &l.name == *n)) {
            return Err(Failure::UnknownLabel(missing.clone()));
        }
    }
    if let Some(wanted) = &scope.annotators {
        let known = project.annotator_names()?;
        if let Some(missing) = wanted.iter().find(|n| !known.contains(n)) {
            return Err(Failure::UnknownAnnotator(missing.clone()));
        }
    }
    Ok(())
}

fn resolve_destination(request: &Request) -> Result<PathBuf, Failure> {
    let bad = |reason: &str| Failure::Destination {
        path: request.destination.clone(),
        reason: reason.to_string(),
    };
    let mut destination = request.destination.clone();
    if destination.as_os_str().is_empty() {
        return Err(bad("no destination given"));
    }
    if request.format.layout() == Layout::File && destination.is_dir() {
        destination.push(request.format.default_name());
    }
    match (request.format.layout(), fs::symlink_metadata(&destination)) {
        (_, Ok(meta)) if meta.file_type().is_symlink() => {
            return Err(bad("it is a symbolic link; choose the real path"))
        }
        (Layout::File, Ok(meta)) if meta.is_dir() => return Err(bad("it is a folder")),
        (Layout::Folder, Ok(meta)) if !meta.is_dir() => {
            return Err(bad(
                "this format writes a folder, and a file of that name exists",
            ))
        }
        _ => {}
    }
    let parent = destination
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if parent.is_file() {
        return Err(bad(&format!(
            "{} is a file, not a folder; choose a destination in a folder",
            parent.display()
        )));
    }
    if !parent.is_dir() {
        return Err(bad(&format!(
            "its folder {} does not exist; create it or choose an existing folder",
            parent.display()
        )));
    }
    if destination.file_name().is_none() {
        return Err(bad("it names no file"));
    }
    Ok(destination)
}

/// The temporary file or folder an export is written into, beside the destination (on the same
/// file system, so the final rename is atomic). Removed on drop unless committed.
struct Staging {
    path: PathBuf,
    destination: PathBuf,
    layout: Layout,
    committed: bool,
}

impl Staging {
    fn new(destination: &Path, layout: Layout) -> io::Result<Staging> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = destination
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = destination.parent().unwrap_or(Path::new("."));
        let path = parent.join(format!(
            ".{name}.partial-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        if layout == Layout::Folder {
            fs::create_dir(&path)?;
        }
        Ok(Staging {
            path,
            destination: destination.to_path_buf(),
            layout,
            committed: false,
        })
    }

    /// Moves the finished export into place. A refusal names the file it concerns, as the
    /// analyst knows it (the destination, or a file inside a destination folder).
    fn commit(mut self, files: &[String]) -> Result<(), Failure> {
        let at = |path: PathBuf| move |error| Failure::Write { path, error };
        let destination = self.destination.clone();
        match self.layout {
            Layout::File => {
                fs::File::open(&self.path)
                    .and_then(|f| f.sync_all())
                    .map_err(at(destination.clone()))?;
                fs::rename(&self.path, &destination).map_err(at(destination.clone()))?;
            }
            Layout::Folder => {
                for name in files {
                    fs::File::open(self.path.join(name))
                        .and_then(|f| f.sync_all())
                        .map_err(at(destination.join(name)))?;
                }
                if !destination.exists() {
                    fs::rename(&self.path, &destination).map_err(at(destination.clone()))?;
                } else {
                    // An existing folder keeps its other files; each file of the export
                    // replaces its namesake atomically.
                    for name in files {
                        let target = destination.join(name);
                        if let Some(dir) = target.parent() {
                            fs::create_dir_all(dir).map_err(at(dir.to_path_buf()))?;
                        }
                        fs::rename(self.path.join(name), &target).map_err(at(target.clone()))?;
                    }
                    fs::remove_dir_all(&self.path).map_err(at(destination.clone()))?;
                }
            }
        }
        self.committed = true;
        if let Some(parent) = self.destination.parent() {
            // Makes the rename itself durable; not every platform can open a folder.
            if let Ok(dir) = fs::File::open(if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            }) {
                let _ = dir.sync_all();
            }
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = match self.layout {
                Layout::File => fs::remove_file(&self.path),
                Layout::Folder => fs::remove_dir_all(&self.path),
            };
        }
    }
}

struct StagingOutput {
    root: PathBuf,
    layout: Layout,
    files: Vec<String>,
    bytes: Arc<AtomicU64>,
    created: Arc<std::sync::Mutex<Vec<String>>>,
}

/// A relative name an exporter may use: plain components only, no `..`, no root.
fn checked_name(name: &str) -> io::Result<PathBuf> {
    let path = Path::new(name);
    let ok = !name.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(path.to_path_buf())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write {name:?} outside the export"),
        ))
    }
}

impl Output for StagingOutput {
    fn create(&mut self, name: &str) -> io::Result<Box<dyn Write + Send>> {
        let relative = checked_name(name)?;
        let path = match self.layout {
            Layout::File => {
                if !self.files.is_empty() {
                    return Err(io::Error::other(
                        "a single-file format asked for a second file",
                    ));
                }
                self.root.clone()
            }
            Layout::Folder => {
                let path = self.root.join(&relative);
                if let Some(dir) = path.parent() {
                    fs::create_dir_all(dir)?;
                }
                path
            }
        };
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        self.files.push(name.to_string());
        if let Ok(mut created) = self.created.lock() {
            created.push(match self.layout {
                Layout::File => String::new(),
                Layout::Folder => name.to_string(),
            });
        }
        Ok(Box::new(Counted {
            inner: BufWriter::with_capacity(1 << 16, file),
            bytes: self.bytes.clone(),
        }))
    }
}

struct Counted {
    inner: BufWriter<fs::File>,
    bytes: Arc<AtomicU64>,
}

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        // Exporters flush before they finish; this catches one that forgot, before commit.
        let _ = self.inner.flush();
    }
}

/// Writes the project's labels as a REFI-QDA codebook (`.qdc`) to `destination`, replacing it
/// only once the whole file is written. Answers how many labels it holds.
pub fn write_codebook(project: &Project, destination: &Path) -> Result<usize, Failure> {
    let bad = |reason: &str| Failure::Destination {
        path: destination.to_path_buf(),
        reason: reason.to_string(),
    };
    match fs::symlink_metadata(destination) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(bad("it is a symbolic link; choose the real path"))
        }
        Ok(meta) if meta.is_dir() => return Err(bad("it is a folder")),
        _ => {}
    }
    let labels = project.project_info()?.labels;
    let xml = claimdesk_formats::refi::codebook::write(&labels)
        .ok_or_else(|| bad("the project has no labels, and a codebook needs at least one"))?;
    let write = |error| Failure::Write {
        path: destination.to_path_buf(),
        error,
    };
    let staging = Staging::new(destination, Layout::File).map_err(write)?;
    fs::write(&staging.path, xml.as_bytes()).map_err(write)?;
    staging.commit(&[])?;
    Ok(labels.len())
}
