//! `claimdesk-cli`: Claimdesk without a window, for scripts and batch work.
//!
//! ```text
//! claimdesk-cli --project study.claimdesk import article.txt more/*.txt
//! claimdesk-cli --project study.claimdesk list
//! claimdesk-cli --project study.claimdesk annotations 1
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Utc;
use claimdesk_core::NewDocument;
use claimdesk_store::{ImportOutcome, Project, StoreError};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "claimdesk-cli",
    version,
    about = "Claimdesk from the command line"
)]
struct Cli {
    /// The project file (`import` creates it if missing). Defaults to the app's default project.
    #[arg(long, global = true, env = "CLAIMDESK_PROJECT")]
    project: Option<PathBuf>,
    /// Who the edits are attributed to.
    #[arg(
        long,
        global = true,
        env = "CLAIMDESK_ANNOTATOR",
        default_value = "cli"
    )]
    annotator: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import plain-text articles (UTF-8). A first line ` date YYYY-MM-DD <title>` gives date
    /// and title; otherwise the first non-empty line is the title.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the documents: id, date, annotation count, title.
    List,
    /// Print a document's annotations as JSON lines, offsets in code points (end exclusive).
    Annotations {
        /// The document id, as `list` shows it.
        document: i64,
    },
}

/// A failure to report: a stable code and a message that says what to do.
struct Failure {
    code: &'static str,
    message: String,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(f) => {
            eprintln!("error[{}]: {}", f.code, f.message);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let now = Utc::now();
    // Importing creates a missing project; reading one that is not there is a mistake to report.
    let creates = matches!(cli.command, Command::Import { .. });
    let mut project = match &cli.project {
        Some(path) if creates => Project::open(path)?,
        Some(path) => Project::open_existing(path)?,
        None => Project::open_default(&cli.annotator, now)?,
    };
    match cli.command {
        Command::Import { files } => {
            let me = project.annotator(&cli.annotator, now)?;
            import(&mut project, me, &files)
        }
        Command::List => {
            for doc in project.documents()? {
                let date = doc
                    .date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into());
                println!(
                    "{}\t{}\t{}\t{}",
                    doc.id, date, doc.annotation_count, doc.title
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Annotations { document } => {
            let labels = project.labels()?;
            for a in project.annotations(document)? {
                let label = labels
                    .iter()
                    .find(|l| l.id == a.label_id)
                    .map(|l| l.name.as_str())
                    .unwrap_or("?");
                let line = serde_json::json!({
                    "id": a.id,
                    "document": a.document_id,
                    "label": label,
                    "start": a.start,
                    "end": a.end,
                    "unit": "code_point",
                    "quote": a.quote,
                    "attributes": a.attributes,
                    "note": a.note,
                    "annotator": project.annotator_name(a.annotator_id)?,
                    "created_at": a.created_at.to_rfc3339(),
                });
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Imports each file on its own; one bad file is reported and the rest go on.
fn import(project: &mut Project, me: i64, files: &[PathBuf]) -> Result<ExitCode, Failure> {
    let (mut imported, mut skipped, mut failed) = (0, 0, 0);
    for path in files {
        match read_article(path) {
            Err(reason) => {
                failed += 1;
                eprintln!("failed   {}: {reason}", path.display());
            }
            Ok(doc) => match project.import_document(&doc, me, Utc::now())? {
                ImportOutcome::Imported(id) => {
                    imported += 1;
                    println!("imported {}: #{id} {}", path.display(), doc.title);
                }
                ImportOutcome::Duplicate(id) => {
                    skipped += 1;
                    println!("skipped  {}: same text as #{id}", path.display());
                }
            },
        }
    }
    println!("{imported} imported, {skipped} skipped, {failed} failed");
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn read_article(path: &Path) -> Result<NewDocument, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at {}); save it as UTF-8 and import again",
            e.utf8_error().valid_up_to()
        )
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(NewDocument::from_plain_text(&text, &name))
}
