//! `claimdesk-cli`: Claimdesk without a window, for scripts and batch work.
//!
//! ```text
//! claimdesk-cli --project study.claimdesk import article.txt folder/ --split '(?m)^=====$'
//! claimdesk-cli --project study.claimdesk import --no-index corpus.jsonl
//! claimdesk-cli --project study.claimdesk import --as ben ben-coding/
//! claimdesk-cli --project study.claimdesk agreement --coders ana,ben --format csv
//! claimdesk-cli --project study.claimdesk merge ben.claimdesk
//! claimdesk-cli --project study.claimdesk index
//! claimdesk-cli --project study.claimdesk list
//! claimdesk-cli --project study.claimdesk annotations 1
//! claimdesk-cli --project study.claimdesk export --format csv --out tables/ --from 2025-01-01
//! claimdesk-cli --project study.claimdesk export --format qdpx --out study.qdpx
//! claimdesk-cli --project study.claimdesk codebook export codes.qdc
//! claimdesk-cli --project study.claimdesk codebook import codes.qdc
//! claimdesk-cli --project study.claimdesk suggest --documents 1,2 --kinds attributions
//! claimdesk-cli --project study.claimdesk suggest --apply --as finder
//! claimdesk-cli --project study.claimdesk team publish postgres://owner@db.example.org/study --role ana=ana
//! claimdesk-cli --project ana.claimdesk team join postgres://ana@db.example.org/study
//! claimdesk-cli --project study.claimdesk backups
//! claimdesk-cli --project study.claimdesk restore-backup 20260102T030405.000Z.claimdesk
//! ```

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use chrono::{NaiveDate, Utc};
use claimdesk_core::dataset::Scope;
use claimdesk_formats::read::table::ColumnMap;
use claimdesk_formats::write::ExportFormat;
use claimdesk_formats::Format;
use claimdesk_import::{FileOutcome, Progress, Request};
use claimdesk_store::{Project, StoreError};
use clap::{Parser, Subcommand};

mod agreement;

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
    /// Import articles: files or folders (recursively). Formats by extension: .txt, .md, .html,
    /// .docx, .pdf, .csv, .jsonl, .json, .cor (one article per line), .qdpx (a REFI-QDA project,
    /// with its coders), and brat standoff (.txt with a .ann beside it).
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Read every file as this format: text, markdown, html, docx, pdf, csv, jsonl, json,
        /// lines, brat, qdpx.
        #[arg(long, value_parser = parse_format)]
        format: Option<Format>,
        /// Split plain-text files into several articles where this regular expression matches.
        #[arg(long, value_name = "REGEX")]
        split: Option<String>,
        /// Which table columns hold what, e.g. `text=body,title=headline,date=published`.
        #[arg(long, value_name = "MAPPING")]
        columns: Option<String>,
        /// Refuse files larger than this many megabytes (a larger JSON Lines file is read as a
        /// stream, a record at a time, and committed in parts).
        #[arg(long, value_name = "MB", default_value_t = 50)]
        max_size: u64,
        /// Return once the documents are stored, leaving them out of full-text search until
        /// `claimdesk-cli index` (or the app) has indexed them.
        #[arg(long)]
        no_index: bool,
        /// Another coder's work: the files' annotations and links are stored under CODER, and
        /// when a file's text is already in the project they are added to that document
        /// instead of the file being skipped. Importing the same file again adds nothing.
        #[arg(long = "as", value_name = "CODER")]
        as_coder: Option<String>,
        /// A file whose text is new but whose URL (or title, date and source) matches one
        /// document of the project is a new version of it: it replaces that document's text,
        /// and the annotations are re-anchored (as `replace-text`).
        #[arg(long)]
        new_versions: bool,
    },
    /// Add the documents that are not in the full-text index yet to it (after an import with
    /// --no-index, or one that was interrupted). Safe to interrupt and run again.
    Index,
    /// List the documents: id, date, annotation count, title.
    List,
    /// Print a document's annotations as JSON lines, offsets in code points (end exclusive),
    /// with the linked entity's id as `entity_id` (null when none).
    Annotations {
        /// The document id, as `list` shows it.
        document: i64,
    },
    /// Make a backup of the project now (the app makes one each time it opens a project).
    Backup,
    /// List the project's backups, newest first: name, time, size.
    Backups,
    /// Replace the project with one of its backups (by name, as `backups` lists it). The state
    /// before the restore is kept as a backup; a damaged project is moved aside.
    RestoreBackup {
        /// The backup's name.
        name: String,
    },
    /// Export the project, or part of it. Every span is checked against its quote before the
    /// export is moved into place; an existing file is replaced only by a finished export.
    Export {
        /// jsonl, csv, w3c, brat, conll, spacy, spacy-jsonl, xmi, parquet, graphml, gexf,
        /// network-csv, label-studio, doccano, qdpx.
        #[arg(long, value_parser = parse_export_format)]
        format: ExportFormat,
        /// The file (or, for folder formats, the folder) to write.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Only these documents (ids, comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "IDS")]
        documents: Option<Vec<i64>>,
        /// Only documents dated on or after this day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        /// Only documents dated on or before this day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        to: Option<NaiveDate>,
        /// Only annotations with this label (repeatable).
        #[arg(long = "label", value_name = "LABEL")]
        labels: Vec<String>,
        /// Only annotations by this coder (repeatable).
        #[arg(long = "by", visible_alias = "coder", value_name = "CODER")]
        annotators: Vec<String>,
        /// Only the curated layer (the adjudicated version), as `--coder curated`.
        #[arg(long)]
        curated: bool,
        /// Only documents matching this full-text query.
        #[arg(long, value_name = "QUERY")]
        search: Option<String>,
        /// The label layer of the CoNLL IOB2 file (default: the first label).
        #[arg(long, value_name = "LABEL")]
        conll_label: Option<String>,
        /// Only the documents of this sample (by name, as `samples` lists it).
        #[arg(long, value_name = "NAME")]
        sample: Option<String>,
        /// Network formats: write this one network instead of the two standard ones —
        /// actor-concept, actor-actor or concept-concept.
        #[arg(long, value_name = "KIND", value_parser = parse_network_mode)]
        network: Option<claimdesk_core::analysis::Mode>,
        /// With --network (one-mode): what ties two nodes, congruence or conflict.
        #[arg(long, value_name = "TIE", value_parser = parse_tie, requires = "network")]
        tie: Option<claimdesk_core::analysis::Tie>,
        /// With --network (one-mode): none, average, jaccard or cosine.
        #[arg(long, value_name = "HOW", value_parser = parse_normalisation, requires = "network")]
        normalisation: Option<claimdesk_core::analysis::Normalisation>,
        /// With --network: leave out edges lighter than this.
        #[arg(long, value_name = "WEIGHT", requires = "network")]
        min_weight: Option<f64>,
        /// With --network: only statements with this stance (repeatable; `unknown` for none).
        #[arg(long = "stance", value_name = "STANCE", requires = "network")]
        stances: Vec<String>,
    },
    /// Draw a sample of documents to code and keep it under a name: at random, or stratified
    /// (`--strata source`, `month`, or `metadata:FIELD`), from all documents or those a filter
    /// or a search selects. The same seed draws the same sample; it is printed and kept.
    Sample {
        /// The sample's name.
        name: String,
        /// How many documents.
        #[arg(long)]
        size: usize,
        /// The seed (default: one chosen now, and printed).
        #[arg(long)]
        seed: Option<u64>,
        /// source, month, or metadata:FIELD.
        #[arg(long, value_name = "BY")]
        strata: Option<String>,
        /// Only documents dated on or after this day.
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        /// Only documents dated on or before this day.
        #[arg(long, value_name = "DATE")]
        to: Option<NaiveDate>,
        /// Only documents nobody has annotated yet.
        #[arg(long)]
        unannotated: bool,
        /// Only documents matching this full-text query.
        #[arg(long, value_name = "QUERY")]
        search: Option<String>,
    },
    /// List the samples: name, documents, seed, strata, when drawn.
    Samples,
    /// The labels as a REFI-QDA codebook (.qdc), for ATLAS.ti, MAXQDA, NVivo, QualCoder and
    /// Taguette.
    Codebook {
        #[command(subcommand)]
        action: CodebookAction,
    },
    /// List the coders: name, annotations, documents coded, documents assigned and done.
    Coders,
    /// Replace a document's text with a corrected version (a text file). Every
    /// annotation is re-anchored on the new text; those that cannot be placed with confidence
    /// are kept as orphans, with their links, to place by hand in the app or delete. One
    /// undoable step; the old text stays in the history.
    ReplaceText {
        /// The document id, as `list` shows it.
        document: i64,
        /// The new text.
        file: PathBuf,
        /// table (a summary and the orphans) or json (the whole report).
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// List a document's orphans as JSON lines: annotations that could not be placed on a
    /// replaced text, with their old offsets, quote, label and reason.
    Orphans {
        /// The document id, as `list` shows it.
        document: i64,
    },
    /// Measure inter-coder agreement over the documents at least two of the coders coded:
    /// Krippendorff's α per token and uα on the text, Cohen's κ per pair (Fleiss' κ for more
    /// than two), exact-match F1 and statement agreement, overall, per label, per document.
    Agreement {
        /// The coders to compare (names, comma-separated); default: everyone who coded.
        #[arg(long, value_delimiter = ',', value_name = "NAMES")]
        coders: Option<Vec<String>>,
        /// Only these labels (names, comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "LABELS")]
        labels: Option<Vec<String>>,
        /// Only these documents (ids, comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "IDS")]
        documents: Option<Vec<i64>>,
        /// table, csv or json.
        #[arg(long, value_enum, default_value = "table")]
        format: agreement::ReportFormat,
    },
    /// Merge another project file into this one: its documents (matched by text), labels,
    /// links, entities, coders and history. What both have is kept once; what they disagree
    /// on is reported, and ours kept. All or nothing; the other file is only read.
    Merge {
        /// The other project file.
        other: PathBuf,
        /// table or json.
        #[arg(long, value_parser = ["table", "json"], default_value = "table")]
        format: String,
        /// A document there whose text differs only slightly from one here (the same URL or
        /// title, and at least 90% of the text the same once whitespace, quote marks and
        /// dashes are set aside) is taken as ours: its coding is re-anchored on our text, and
        /// what cannot be placed is kept as orphans. Without it, such a copy is added as a
        /// document of its own and reported.
        #[arg(long)]
        match_similar: bool,
    },
    /// Team projects on a PostgreSQL server: publish this project, or join one as a new local
    /// project. The connection is a libpq URL; its password comes from the URL, PGPASSWORD or
    /// ~/.pgpass, and is never stored in the project.
    Team {
        #[command(subcommand)]
        action: TeamAction,
    },
    /// Find statements (attributions: who said what, quoted or reported) and mentions of known
    /// actors. Prints the suggestions open for the coder as JSON lines, spans in code points
    /// (end exclusive) with their text. With --apply, stores them as the annotations of the
    /// coder named by --as, so a suggestion layer compares with human coders like any coder.
    Suggest {
        /// Only these documents (ids, comma-separated); default: every document.
        #[arg(long, value_delimiter = ',', value_name = "IDS")]
        documents: Option<Vec<i64>>,
        /// What to find: attributions, mentions (comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "KINDS", default_value = "attributions,mentions", value_parser = parse_suggestion_kind)]
        kinds: Vec<claimdesk_core::suggestion::SuggestionKind>,
        /// How names of known actors match: exact, case (any case) or diacritics (any case,
        /// with or without accents).
        #[arg(long, value_parser = ["exact", "case", "diacritics"], default_value = "case")]
        fold: String,
        /// json (one suggestion per line).
        #[arg(long, value_parser = ["json"], default_value = "json")]
        format: String,
        /// Store the suggestions as annotations of the coder named by --as.
        #[arg(long, requires = "as_coder")]
        apply: bool,
        /// The coder whose suggestions are listed, and who owns them with --apply.
        #[arg(long = "as", value_name = "CODER")]
        as_coder: Option<String>,
    },
}

#[derive(Subcommand)]
enum TeamAction {
    /// Upload the project (documents, schema, entities, coders, their coding and history) into
    /// an empty team database, all or nothing, and grant each coder's role what it may do.
    Publish {
        /// postgres://OWNER@HOST:PORT/DATABASE (the database exists and is empty).
        url: String,
        /// The PostgreSQL role a coder connects as, e.g. `--role ana=ana_smith` (repeatable;
        /// the role must exist).
        #[arg(long = "role", value_name = "CODER=ROLE")]
        roles: Vec<String>,
    },
    /// Make a new local project (the --project file, which must not exist) from a team
    /// database, with what your role may read there.
    Join {
        /// postgres://ROLE@HOST:PORT/DATABASE
        url: String,
    },
    /// Send this project's coding to its team server and bring in the others' (the server it
    /// was joined from; the password from PGPASSWORD or ~/.pgpass).
    Sync,
}

#[derive(Subcommand)]
enum CodebookAction {
    /// Write the labels (with colours, and attributes as sub-codes) as a codebook.
    Export {
        /// The .qdc file to write.
        file: PathBuf,
    },
    /// Add the codebook's codes the project lacks as labels, as one undoable step; labels
    /// with the same name are kept as they are.
    Import {
        /// The .qdc file to read (REFI-QDA 1.0, or ATLAS.ti's 0:4).
        file: PathBuf,
    },
}

/// A failure to report: a stable code and a message that says what to do.
struct Failure {
    code: &'static str,
    message: String,
}

impl From<claimdesk_team::TeamError> for Failure {
    fn from(e: claimdesk_team::TeamError) -> Failure {
        Failure {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure {
            code: if e.kind() == std::io::ErrorKind::BrokenPipe {
                "broken_pipe"
            } else {
                "io_error"
            },
            message: format!("cannot write the output: {e}"),
        }
    }
}

fn parse_suggestion_kind(s: &str) -> Result<claimdesk_core::suggestion::SuggestionKind, String> {
    claimdesk_core::suggestion::SuggestionKind::from_name(s)
        .ok_or_else(|| format!("{s:?} is not attributions or mentions"))
}

/// One suggestion as a JSON line: each span with its offsets (code points) and text.
fn suggestion_line(document: i64, s: &claimdesk_store::OpenSuggestion) -> serde_json::Value {
    let span = |at: Option<claimdesk_core::suggestion::SuggestedSpan>, quote: &Option<String>| {
        at.map(|at| serde_json::json!({ "start": at.start, "end": at.end, "quote": quote }))
    };
    let f = &s.suggestion;
    serde_json::json!({
        "document": document,
        "kind": f.kind.name(),
        "key": s.key,
        "unit": "code_point",
        "content": span(f.content, &s.content_quote),
        "source": span(f.source, &s.source_quote),
        "cue": span(f.cue, &s.cue_quote),
        "resolved": span(f.resolved, &s.resolved_quote),
        "quoted": f.quoted,
        "entity_id": f.entity_id,
        "entity": s.entity_name,
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // The reader went away (`| head`): stop quietly, as command-line tools do.
        Err(f) if f.code == "broken_pipe" => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error[{}]: {}", f.code, f.message);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let now = Utc::now();
    let mut out = std::io::stdout().lock();
    // Backups are listed and restored without opening the project: it may be damaged.
    let project_path = match &cli.project {
        Some(path) => path.clone(),
        None => claimdesk_store::default_project_path()?,
    };
    match &cli.command {
        Command::Backups => {
            if !project_path.exists() {
                return Err(StoreError::NoSuchProject { path: project_path }.into());
            }
            for b in claimdesk_store::backups(&project_path)? {
                writeln!(
                    out,
                    "{}\t{}\t{:.1} MB",
                    b.name,
                    b.made_at.to_rfc3339(),
                    b.bytes as f64 / 1e6
                )?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        Command::Team {
            action: TeamAction::Join { url },
        } => {
            let mut server = claimdesk_team::Server::connect(url)?;
            let joined = claimdesk_team::join(&mut server, &project_path, now)?;
            writeln!(
                out,
                "joined {} as {}: {} documents, {} annotations in {}",
                server.shown(),
                joined.coder.as_deref().unwrap_or("the owner"),
                joined.documents,
                joined.annotations,
                project_path.display()
            )?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::RestoreBackup { name } => {
            let backup = claimdesk_store::find_backup(&project_path, name)?;
            let previous = claimdesk_store::restore_backup_at(&project_path, &backup, now)?;
            writeln!(
                out,
                "restored {} from {}; the state before is kept at {}",
                project_path.display(),
                backup.name,
                previous.display()
            )?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    // Importing creates a missing project; reading one that is not there is a mistake to report.
    // Merging two coders' projects into a third may start from nothing.
    let creates = matches!(cli.command, Command::Import { .. } | Command::Merge { .. });
    let searches = matches!(
        &cli.command,
        Command::Export {
            search: Some(_),
            ..
        } | Command::Sample {
            search: Some(_),
            ..
        }
    );
    let mut project = match &cli.project {
        Some(path) if creates => Project::open(path)?,
        Some(path) => Project::open_existing(path)?,
        None => Project::open_default(&cli.annotator, now)?,
    };
    if searches {
        warn_unindexed(&project)?;
    }
    match cli.command {
        Command::Import {
            paths,
            format,
            split,
            columns,
            max_size,
            no_index,
            as_coder,
            new_versions,
        } => {
            let me = project.annotator(as_coder.as_deref().unwrap_or(&cli.annotator), now)?;
            let mut request = Request::new(paths);
            request.add_coding = as_coder.is_some();
            request.new_versions = new_versions;
            request.format = format;
            request.options.split = split;
            request.max_file_bytes = max_size.saturating_mul(1024 * 1024);
            if let Some(spec) = columns {
                request.options.columns =
                    ColumnMap::default()
                        .with_overrides(&spec)
                        .map_err(|e| Failure {
                            code: e.code(),
                            message: e.to_string(),
                        })?;
            }
            let code = import(&mut project, me, &request)?;
            if no_index {
                warn_unindexed(&project)?;
            } else {
                index(&mut project)?;
            }
            Ok(code)
        }
        Command::Index => {
            index(&mut project)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::List => {
            for doc in project.documents()? {
                let date = doc
                    .date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into());
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    doc.id, date, doc.annotation_count, doc.title
                )?;
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
                    // Named and shaped as in the native JSON Lines export: null when unlinked.
                    "entity_id": a.entity_id,
                    "annotator": project.annotator_name(a.annotator_id)?,
                    "created_at": a.created_at.to_rfc3339(),
                });
                writeln!(out, "{line}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Suggest {
            documents,
            kinds,
            fold,
            format: _,
            apply,
            as_coder,
        } => {
            // Applying makes the coder the suggestions will belong to; listing for a name the
            // project has no coder of lists what a new coder would see, and makes no coder (a
            // typo is not a new coder).
            let name = as_coder.as_deref().unwrap_or(&cli.annotator);
            let coder = if apply || as_coder.is_none() {
                project.annotator(name, now)?
            } else {
                match project.coder_id(name) {
                    Ok(id) => id,
                    Err(StoreError::UnknownCoder(_)) => {
                        eprintln!(
                            "no coder called {name:?} in this project: listing what is open to a new coder"
                        );
                        0
                    }
                    Err(e) => return Err(e.into()),
                }
            };
            let options = claimdesk_store::SuggestOptions {
                kinds,
                fold: match fold.as_str() {
                    "exact" => claimdesk_store::Fold::None,
                    "diacritics" => claimdesk_store::Fold::CaseAndDiacritics,
                    _ => claimdesk_store::Fold::Case,
                },
            };
            let ids = match documents {
                Some(ids) => ids,
                None => project.document_ids()?,
            };
            let mut stored = 0;
            let result = (|| -> Result<(), Failure> {
                for id in ids {
                    let found = project.suggest(id, &options, coder, now)?;
                    if let Some(why) = &found.unread {
                        eprintln!("document {id}: no suggestions: {why}");
                    }
                    for s in &found.open {
                        writeln!(out, "{}", suggestion_line(id, s))?;
                    }
                    if apply && !found.open.is_empty() {
                        project.accept_suggestions_of(id, &options.kinds, coder, now)?;
                        stored += found.open.len();
                    }
                }
                Ok(())
            })();
            // Each document's are stored at once: what was stored before a failure stays.
            if apply {
                eprintln!(
                    "stored {stored} suggestions as annotations of {name}{}",
                    if result.is_err() {
                        " before the failure below"
                    } else {
                        ""
                    }
                );
            }
            result.map(|()| ExitCode::SUCCESS)
        }
        Command::Team {
            action: TeamAction::Publish { url, roles },
        } => {
            let mut map = std::collections::BTreeMap::new();
            for pair in roles {
                let Some((coder, role)) = pair.split_once('=') else {
                    return Err(Failure {
                        code: "bad_team_role",
                        message: format!("--role takes CODER=ROLE, not {pair:?}"),
                    });
                };
                map.insert(coder.trim().to_string(), role.trim().to_string());
            }
            let mut server = claimdesk_team::Server::connect(&url)?;
            let published = claimdesk_team::publish(&mut project, &mut server, &map, now)?;
            writeln!(
                out,
                "published to {}: {} documents, {} annotations, {} coders, {} changes of history",
                server.shown(),
                published.documents,
                published.annotations,
                published.coders,
                published.changes
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Team {
            action: TeamAction::Sync,
        } => {
            let link =
                claimdesk_team::Link::of(&project)?.ok_or(claimdesk_team::TeamError::NotLinked)?;
            let mut server = claimdesk_team::Server::connect(&link.server)?;
            let synced = claimdesk_team::sync(&mut project, &mut server, now)?;
            writeln!(
                out,
                "synced with {}: {} changes sent, {} received",
                server.shown(),
                synced.pushed,
                synced.pulled
            )?;
            if synced.not_sent > 0 {
                writeln!(
                    out,
                    "{} edits are not sent: in blind mode, undone deletions of labels or link types \
                     in use (they carry other coders' coding), and edits made before identities",
                    synced.not_sent
                )?;
            }
            if synced.opened_annotations > 0 {
                writeln!(
                    out,
                    "{} annotations of other coders brought: their documents were adjudicated",
                    synced.opened_annotations
                )?;
            }
            for (seq, why) in &synced.declined {
                writeln!(out, "change {seq} of the server declined: {why}")?;
            }
            for (seq, why) in &synced.not_applied {
                writeln!(
                    out,
                    "change {seq} of the server not applied here yet: {why}"
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Team { .. } => unreachable!("joining is handled before the project opens"),
        Command::Backup => {
            let b = project.backup(now)?;
            writeln!(
                out,
                "backed up to {} ({:.1} MB)",
                b.path.display(),
                b.bytes as f64 / 1e6
            )?;
            Ok(ExitCode::SUCCESS)
        }
        // Answered above, before the project was opened.
        Command::Backups | Command::RestoreBackup { .. } => Ok(ExitCode::SUCCESS),
        Command::Sample {
            name,
            size,
            seed,
            strata,
            from,
            to,
            unannotated,
            search,
        } => {
            use claimdesk_store::{SampleSpec, Strata};
            let strata = match strata.as_deref() {
                None | Some("none") => None,
                Some("source") => Some(Strata::Source),
                Some("month") => Some(Strata::Month),
                Some(other) => match other.strip_prefix("metadata:") {
                    Some(key) => Some(Strata::Metadata(key.to_string())),
                    None => {
                        return Err(Failure {
                            code: "bad_sample",
                            message: format!(
                                "cannot stratify by {other:?}: use source, month or metadata:FIELD"
                            ),
                        })
                    }
                },
            };
            // A seed from the clock when none is given; printed, so the sample can be drawn again.
            let seed =
                seed.unwrap_or_else(|| now.timestamp_micros().unsigned_abs() % 1_000_000_000);
            let spec = SampleSpec {
                query: claimdesk_core::library::LibraryQuery {
                    date_from: from,
                    date_to: to,
                    unannotated,
                    ..Default::default()
                },
                search,
                size,
                seed,
                strata,
            };
            let drawn = project.draw_sample(&name, &spec, now)?;
            writeln!(
                out,
                "drew {} of {} documents as sample {:?} (seed {seed})",
                drawn.set.documents, drawn.candidates, drawn.set.name
            )?;
            for (stratum, n) in &drawn.strata {
                writeln!(out, "  {stratum}\t{n}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::ReplaceText {
            document,
            file,
            format,
        } => {
            if format != "table" && format != "json" {
                return Err(Failure {
                    code: "bad_input",
                    message: format!("unknown format {format:?}: table or json"),
                });
            }
            let unreadable = |why: String| Failure {
                code: "bad_input",
                message: format!("cannot read {}: {why}", file.display()),
            };
            // Read as imports read text: UTF-8 or UTF-16 with a byte-order mark, or Windows-1252.
            let bytes = std::fs::read(&file).map_err(|e| unreadable(e.to_string()))?;
            let text = claimdesk_formats::read::decode::text(&bytes)
                .map_err(|e| unreadable(e.to_string()))?;
            let me = project.annotator(&cli.annotator, now)?;
            let report = project.replace_text(document, &text, me, now)?;
            if format == "json" {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_value(&report).map_err(StoreError::from)?
                )?;
            } else {
                writeln!(
                    out,
                    "document {}: {} annotations kept, {} adjusted, {} found elsewhere, {} orphaned",
                    report.document_id,
                    report.kept,
                    report.adjusted,
                    report.found,
                    report.orphaned.len()
                )?;
                for o in &report.orphaned {
                    writeln!(
                        out,
                        "orphan {}\t{:?}\t{}",
                        o.annotation_id, o.quote, o.reason
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Orphans { document } => {
            let labels = project.labels()?;
            for o in project.orphans(document)? {
                let a = &o.annotation;
                let label = labels
                    .iter()
                    .find(|l| l.id == a.label_id)
                    .map(|l| l.name.as_str())
                    .unwrap_or("?");
                let line = serde_json::json!({
                    "id": a.id,
                    "document": a.document_id,
                    "label": label,
                    "old_start": a.start,
                    "old_end": a.end,
                    "unit": "code_point",
                    "quote": a.quote,
                    "links": o.relations.len(),
                    "reason": o.reason,
                    "annotator": project.annotator_name(a.annotator_id)?,
                });
                writeln!(out, "{line}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Coders => {
            for c in project.coders()? {
                writeln!(
                    out,
                    "{}\t{}\t{} annotations\t{} documents\t{}/{} assigned done",
                    c.name,
                    if c.curated { "curated" } else { "coder" },
                    c.annotations,
                    c.documents,
                    c.done,
                    c.assigned
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Agreement {
            coders,
            labels,
            documents,
            format,
        } => {
            let request = claimdesk_export::agreement::AgreementRequest {
                coders,
                labels,
                documents,
            };
            let report = claimdesk_export::agreement::agreement(&project, &request)?;
            agreement::print(&mut out, &report, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Merge {
            other,
            format,
            match_similar,
        } => {
            let me = project.annotator(&cli.annotator, now)?;
            let options = claimdesk_store::MergeOptions { match_similar };
            let r = project.merge_project_with(&other, options, me, now)?;
            if format == "json" {
                let json = serde_json::to_string_pretty(&r).map_err(std::io::Error::from)?;
                writeln!(out, "{json}")?;
            } else {
                let both =
                    |added: u64, present: u64| format!("{added} added, {present} already here");
                let lines = [
                    ("documents", both(r.documents_added, r.documents_matched)),
                    (
                        "annotations",
                        match r.annotations_orphaned {
                            0 => both(r.annotations_added, r.annotations_present),
                            n => format!(
                                "{}, {n} kept as orphans",
                                both(r.annotations_added, r.annotations_present)
                            ),
                        },
                    ),
                    ("links", both(r.relations_added, r.relations_present)),
                    (
                        "entities",
                        format!(
                            "{} added, {} already here, {} merged by alias",
                            r.entities_added, r.entities_matched, r.entities_merged_by_alias
                        ),
                    ),
                    ("labels", format!("{} added", r.labels_added)),
                    (
                        "relation types",
                        format!("{} added", r.relation_types_added),
                    ),
                    ("coders", format!("{} added", r.coders_added)),
                    ("history", format!("{} entries added", r.events_added)),
                    ("assignments", format!("{} added", r.assignments_added)),
                    ("adjudications", format!("{} added", r.adjudications_added)),
                    ("decisions", format!("{} added", r.decisions_added)),
                    (
                        "suggestions",
                        format!("{} decisions added", r.suggestion_decisions_added),
                    ),
                    ("samples", format!("{} added", r.samples_added)),
                ];
                for (what, counts) in lines {
                    writeln!(out, "{what:<15} {counts}")?;
                }
                for conflict in &r.conflicts {
                    writeln!(out, "conflict: {conflict}")?;
                }
            }
            // Documents new to the project become searchable, as after an import.
            index(&mut project)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Codebook {
            action: CodebookAction::Export { file },
        } => {
            let labels =
                claimdesk_export::write_codebook(&project, &file).map_err(|e| Failure {
                    code: e.code(),
                    message: e.to_string(),
                })?;
            writeln!(out, "wrote {labels} labels to {}", file.display())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Codebook {
            action: CodebookAction::Import { file },
        } => {
            let me = project.annotator(&cli.annotator, now)?;
            let report =
                claimdesk_import::import_codebook(&mut project, &file, me, now).map_err(|e| {
                    Failure {
                        code: e.code(),
                        message: e.to_string(),
                    }
                })?;
            for name in &report.added {
                writeln!(out, "added    {name}")?;
            }
            for name in &report.present {
                writeln!(out, "present  {name}")?;
            }
            writeln!(
                out,
                "{} labels added, {} already there",
                report.added.len(),
                report.present.len()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Samples => {
            for set in project.document_sets()? {
                let strata = match &set.spec.strata {
                    None => "-".to_string(),
                    Some(claimdesk_store::Strata::Source) => "source".into(),
                    Some(claimdesk_store::Strata::Month) => "month".into(),
                    Some(claimdesk_store::Strata::Metadata(key)) => format!("metadata:{key}"),
                };
                writeln!(
                    out,
                    "{}\t{}\tseed {}\t{}\t{}",
                    set.name,
                    set.documents,
                    set.spec.seed,
                    strata,
                    set.created_at.to_rfc3339()
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            format,
            out: destination,
            documents,
            from,
            to,
            labels,
            mut annotators,
            curated,
            search,
            conll_label,
            sample,
            network,
            tie,
            normalisation,
            min_weight,
            stances,
        } => {
            if curated {
                annotators.push(claimdesk_store::CURATED.to_string());
            }
            let set_id = match sample {
                None => None,
                Some(name) => Some(
                    project
                        .document_set_named(&name)?
                        .ok_or_else(|| Failure {
                            code: "unknown_sample",
                            message: format!("there is no sample called {name:?}; list them with claimdesk-cli samples"),
                        })?
                        .id,
                ),
            };
            let scope = Scope {
                documents,
                date_from: from,
                date_to: to,
                labels: Some(labels).filter(|l| !l.is_empty()),
                annotators: Some(annotators).filter(|a| !a.is_empty()),
                search,
                set_id,
                // Blind mode is the app's: the command line speaks for no one coder.
                seen_by: None,
            };
            let mut request = claimdesk_export::Request::new(format, destination, scope);
            request.options.conll_label = conll_label;
            if let Some(mode) = network {
                use claimdesk_formats::write::ExportFormat as F;
                if !matches!(request.format, F::Graphml | F::Gexf | F::NetworkCsv) {
                    return Err(Failure {
                        code: "bad_options",
                        message: "--network applies to the network formats: graphml, gexf and network-csv".into(),
                    });
                }
                let min_weight = min_weight.unwrap_or(0.0);
                if !min_weight.is_finite() || min_weight < 0.0 {
                    return Err(Failure {
                        code: "bad_options",
                        message: format!("--min-weight must be 0 or more, not {min_weight}"),
                    });
                }
                let stances: Vec<String> = stances
                    .into_iter()
                    .map(|s| if s == "unknown" { String::new() } else { s })
                    .collect();
                request.options.network = Some(claimdesk_core::analysis::NetworkRequest {
                    mode,
                    tie: tie.unwrap_or_default(),
                    normalisation: normalisation.unwrap_or_default(),
                    filter: claimdesk_core::analysis::Filter {
                        stances: Some(stances).filter(|s| !s.is_empty()),
                        min_weight,
                        ..Default::default()
                    },
                });
            }
            export(&project, &request)
        }
    }
}

/// Exports the request with a progress bar on a terminal, then prints what was written.
fn export(project: &Project, request: &claimdesk_export::Request) -> Result<ExitCode, Failure> {
    let bar = std::io::stderr().is_terminal();
    let never = AtomicBool::new(false);
    let mut last = std::time::Instant::now();
    let done = claimdesk_export::run(project, request, &never, |p| {
        if bar && (last.elapsed().as_millis() >= 100 || p.documents_done == p.documents_total) {
            last = std::time::Instant::now();
            let fraction = p.documents_done as f64 / p.documents_total.max(1) as f64;
            let filled = ((fraction * 30.0).round() as usize).min(30);
            eprint!(
                "\r\x1b[2K[{}{}] {}/{} documents, {:.1} MB",
                "#".repeat(filled),
                " ".repeat(30 - filled),
                p.documents_done,
                p.documents_total,
                p.bytes_written as f64 / 1e6
            );
        }
    });
    if bar {
        eprint!("\r\x1b[2K");
    }
    let done = done.map_err(|e| Failure {
        code: e.code(),
        message: e.to_string(),
    })?;
    let s = &done.summary;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "exported {} documents, {} annotations, {} relations, {} statements as {} to {} ({} files, {:.1} MB; {} spans checked against their quotes)",
        s.documents,
        s.annotations,
        s.relations,
        s.statements,
        request.format.name(),
        done.path.display(),
        done.files.len(),
        done.bytes as f64 / 1e6,
        s.spans_checked
    )?;
    for what in &s.left_out {
        writeln!(out, "not carried by {}: {what}", request.format.name())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Imports the request, printing one line per file and a summary; a progress bar goes to a
/// terminal on standard error.
fn import(project: &mut Project, me: i64, request: &Request) -> Result<ExitCode, Failure> {
    let mut out = std::io::stdout().lock();
    let jobs = claimdesk_import::plan(request);
    let bar = std::io::stderr().is_terminal();
    let never = AtomicBool::new(false);
    let summary = claimdesk_import::run(project, request, jobs, me, Utc::now(), &never, |p| {
        if bar {
            progress_bar(p);
        }
    })?;
    if bar {
        eprint!("\r\x1b[2K");
    }
    for file in &summary.files {
        let path = file.path.display();
        match &file.outcome {
            FileOutcome::Imported {
                documents,
                duplicates,
                coded,
                versions,
            } => {
                for doc in versions {
                    writeln!(
                        out,
                        "replaced {path}: #{} {} (a new version: {} annotations placed, {} orphaned)",
                        doc.id, doc.title, doc.placed, doc.orphaned
                    )?;
                }
                for doc in coded {
                    writeln!(
                        out,
                        "coded    {path}: #{} {} ({} annotations added to the document the project has)",
                        doc.id, doc.title, doc.annotations
                    )?;
                }
                for doc in documents {
                    let spans = match doc.annotations {
                        0 => String::new(),
                        n => format!(" ({n} annotations)"),
                    };
                    writeln!(out, "imported {path}: #{} {}{spans}", doc.id, doc.title)?;
                }
                if !duplicates.is_empty() {
                    writeln!(
                        out,
                        "skipped  {path}: {} record(s) whose text the project already has",
                        duplicates.len()
                    )?;
                }
            }
            FileOutcome::Skipped { reason } => writeln!(out, "skipped  {path}: {reason}")?,
            FileOutcome::Failed { code, reason } => eprintln!("failed   {path}: [{code}] {reason}"),
        }
    }
    let coded = match summary.coded() {
        0 => String::new(),
        n => format!(", {n} coded"),
    };
    let coded = match summary.versions() {
        0 => coded,
        n => format!("{coded}, {n} replaced by a new version"),
    };
    writeln!(
        out,
        "{} imported{coded}, {} skipped, {} failed",
        summary.imported(),
        summary.skipped() + summary.duplicates(),
        summary.failed()
    )?;
    Ok(if summary.failed() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Indexes for search what is not indexed yet, with a progress bar on a terminal, and says so.
fn index(project: &mut Project) -> Result<(), Failure> {
    let bar = std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let done = claimdesk_import::index(project, &AtomicBool::new(false), |p| {
        if bar {
            eprint!(
                "\r\x1b[2Kindexing for search: {}/{} documents",
                p.indexed, p.total
            );
        }
    })?;
    if bar {
        eprint!("\r\x1b[2K");
    }
    // On standard error, as the progress: the report on standard output ends with its summary.
    if done.indexed > 0 {
        eprintln!(
            "indexed {} documents for search in {:.1} s; every document is searchable",
            done.indexed,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Says on standard error how many documents a search cannot find yet, and how to fix that.
fn warn_unindexed(project: &Project) -> Result<(), Failure> {
    let waiting = project.unindexed_documents()?;
    if waiting > 0 {
        eprintln!(
            "note: {waiting} documents are not in the search index yet, so a search does not find them; run `claimdesk-cli index` to index them"
        );
    }
    Ok(())
}

fn progress_bar(p: &Progress) {
    const WIDTH: usize = 30;
    let fraction = if p.bytes_total == 0 {
        1.0
    } else {
        p.bytes_done as f64 / p.bytes_total as f64
    };
    let filled = (fraction * WIDTH as f64).round() as usize;
    let name: String = p
        .current
        .chars()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    eprint!(
        "\r\x1b[2K[{}{}] {}/{} files, {} documents {name}",
        "#".repeat(filled.min(WIDTH)),
        " ".repeat(WIDTH - filled.min(WIDTH)),
        p.files_done,
        p.files_total,
        p.documents
    );
}

fn parse_export_format(name: &str) -> Result<ExportFormat, String> {
    ExportFormat::from_name(name).ok_or_else(|| {
        let names: Vec<_> = ExportFormat::ALL.iter().map(|f| f.name()).collect();
        format!(
            "unknown export format {name:?}; use one of {}",
            names.join(", ")
        )
    })
}

/// A choice among names, as clap parses a value: the names are the serde names with `-`.
fn parse_choice<T: serde::de::DeserializeOwned>(value: &str, names: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(value.replace('-', "_")))
        .map_err(|_| format!("{value:?} is not one of {names}"))
}

fn parse_network_mode(value: &str) -> Result<claimdesk_core::analysis::Mode, String> {
    parse_choice(value, "actor-concept, actor-actor, concept-concept")
}

fn parse_tie(value: &str) -> Result<claimdesk_core::analysis::Tie, String> {
    parse_choice(value, "congruence, conflict")
}

fn parse_normalisation(value: &str) -> Result<claimdesk_core::analysis::Normalisation, String> {
    parse_choice(value, "none, average, jaccard, cosine")
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<_> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format {name:?}; use one of {}", names.join(", "))
    })
}
