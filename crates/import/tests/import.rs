//! Import runs on real folders: the shared sample corpora and generated files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::Utc;
use claimdesk_import::{plan, run, FileOutcome, Request, Summary};
use claimdesk_store::Project;

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus")
        .join(name)
}

struct Fixture {
    dir: tempfile::TempDir,
    project: Project,
    me: i64,
}

fn fresh() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(&dir.path().join("p.claimdesk")).unwrap();
    let me = project.annotator("test", Utc::now()).unwrap();
    Fixture { dir, project, me }
}

fn import(f: &mut Fixture, request: &Request) -> Summary {
    let jobs = plan(request);
    run(
        &mut f.project,
        request,
        jobs,
        f.me,
        Utc::now(),
        &AtomicBool::new(false),
        |_| {},
    )
    .unwrap()
}

fn statuses(summary: &Summary) -> Vec<(String, &'static str)> {
    summary
        .files
        .iter()
        .map(|f| {
            let name = f.path.file_name().unwrap().to_string_lossy().into_owned();
            let status = match f.outcome {
                FileOutcome::Imported { .. } => "imported",
                FileOutcome::Skipped { .. } => "skipped",
                FileOutcome::Failed { .. } => "failed",
            };
            (name, status)
        })
        .collect()
}

#[test]
fn the_brat_collections_import_with_every_span_matching_its_ann_text() {
    let mut f = fresh();
    let summary = import(&mut f, &Request::new(vec![corpus("brat-conll2002")]));
    assert_eq!(summary.imported(), 20);
    assert_eq!(summary.failed(), 0);
    // README and the .conf files are reported as skipped; .ann files are not reported.
    assert_eq!(summary.skipped(), 6, "{:?}", statuses(&summary));

    let mut spans = 0;
    for doc in f.project.documents().unwrap() {
        let source = doc.source.unwrap();
        let lang = &source[..3];
        let ann_path = corpus("brat-conll2002")
            .join(lang)
            .join(source.replace(".txt", ".ann"));
        let ann = std::fs::read_to_string(ann_path).unwrap();
        let stored = f.project.annotations(doc.id).unwrap();
        let expected: Vec<(usize, usize, String)> = ann
            .lines()
            .filter(|l| l.starts_with('T'))
            .map(|l| {
                let fields: Vec<&str> = l.split('\t').collect();
                let offsets: Vec<&str> = fields[1].split(' ').collect();
                (
                    offsets[1].parse().unwrap(),
                    offsets[2].parse().unwrap(),
                    fields[2].to_string(),
                )
            })
            .collect();
        let mut got: Vec<(usize, usize, String)> = stored
            .iter()
            .map(|a| (a.start, a.end, a.quote.clone()))
            .collect();
        let mut want = expected.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{source}");
        spans += stored.len();
    }
    assert_eq!(spans, 816);
    let labels: Vec<_> = f
        .project
        .labels()
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    for label in ["PER", "LOC", "ORG", "MISC"] {
        assert!(labels.contains(&label.to_string()), "{labels:?}");
    }
}

#[test]
fn the_lee_corpus_imports_one_document_per_line_and_skips_exact_repeats() {
    let mut f = fresh();
    let summary = import(&mut f, &Request::new(vec![corpus("lee-abc-news")]));
    // 300 lines; 7 of them repeat an earlier line word for word.
    assert_eq!(summary.imported(), 293);
    assert_eq!(summary.duplicates(), 7);
    assert_eq!(f.project.documents().unwrap().len(), 293);
    let text = std::fs::read_to_string(corpus("lee-abc-news/lee_background.cor")).unwrap();
    let first = text.lines().next().unwrap();
    assert_eq!(f.project.document(1).unwrap().text, first);
}

#[test]
fn importing_the_same_folder_twice_adds_nothing() {
    let mut f = fresh();
    import(&mut f, &Request::new(vec![corpus("brat-conll2002")]));
    let again = import(&mut f, &Request::new(vec![corpus("brat-conll2002")]));
    assert_eq!(again.imported(), 0);
    assert_eq!(f.project.documents().unwrap().len(), 20);
}

#[test]
fn a_file_over_the_limit_fails_and_the_rest_import() {
    let mut f = fresh();
    let big = f.dir.path().join("big.txt");
    std::fs::write(&big, "x".repeat(2000)).unwrap();
    let small = f.dir.path().join("small.txt");
    std::fs::write(&small, "Small article").unwrap();
    let mut request = Request::new(vec![big, small]);
    request.max_file_bytes = 1000;
    let summary = import(&mut f, &request);
    assert_eq!(
        statuses(&summary),
        [
            ("big.txt".into(), "failed"),
            ("small.txt".into(), "imported")
        ]
    );
    let FileOutcome::Failed { code, reason } = &summary.files[0].outcome else {
        unreachable!()
    };
    assert_eq!(*code, "too_large");
    assert!(
        reason.contains("over the 0.0 MB limit") || reason.contains("limit"),
        "{reason}"
    );
}

#[test]
fn a_brat_document_with_one_bad_span_leaves_nothing_behind() {
    let mut f = fresh();
    let dir = f.dir.path().join("brat");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), "Tammy Bruce said so.").unwrap();
    std::fs::write(
        dir.join("a.ann"),
        "T1\tPER 0 11\tTammy Bruce\nT2\tPER 12 16\tnope\n",
    )
    .unwrap();
    std::fs::write(dir.join("b.txt"), "Putin agreed.").unwrap();
    std::fs::write(dir.join("b.ann"), "T1\tPER 0 5\tPutin\n").unwrap();
    let summary = import(&mut f, &Request::new(vec![dir]));
    assert_eq!(
        statuses(&summary),
        [("a.txt".into(), "failed"), ("b.txt".into(), "imported")]
    );
    let docs = f.project.documents().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].annotation_count, 1);
}

#[test]
fn a_cancelled_run_keeps_the_files_done_and_stops() {
    let mut f = fresh();
    let dir = f.dir.path().join("many");
    std::fs::create_dir(&dir).unwrap();
    for i in 0..5 {
        std::fs::write(dir.join(format!("{i}.txt")), format!("Article {i}")).unwrap();
    }
    let request = Request::new(vec![dir]);
    let cancel = AtomicBool::new(false);
    let mut seen = Vec::new();
    let summary = run(
        &mut f.project,
        &request,
        plan(&request),
        f.me,
        Utc::now(),
        &cancel,
        |p| {
            seen.push((p.files_done, p.files_total));
            if p.files_done == 2 {
                cancel.store(true, Ordering::Relaxed);
            }
        },
    )
    .unwrap();
    assert!(summary.cancelled);
    assert_eq!(summary.imported(), 2);
    assert_eq!(f.project.documents().unwrap().len(), 2);
    assert_eq!(seen[..3], [(0, 5), (1, 5), (2, 5)]);
}

#[test]
fn hidden_files_are_ignored_and_unknown_ones_reported() {
    let mut f = fresh();
    let dir = f.dir.path().join("mixed");
    std::fs::create_dir_all(dir.join("nested/deeper")).unwrap();
    std::fs::write(dir.join(".DS_Store"), [0u8, 1, 2]).unwrap();
    std::fs::write(dir.join("photo.png"), [0x89u8, b'P', b'N', b'G']).unwrap();
    std::fs::write(dir.join("nested/deeper/story.txt"), "Deep story").unwrap();
    let summary = import(&mut f, &Request::new(vec![dir]));
    assert_eq!(
        statuses(&summary),
        [
            ("story.txt".into(), "imported"),
            ("photo.png".into(), "skipped")
        ]
    );
}

#[test]
fn a_folder_mixing_every_format_imports_each_by_its_extension() {
    let mut f = fresh();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../formats/tests/fixtures");
    let dir = f.dir.path().join("mixed");
    std::fs::create_dir_all(dir.join("tables")).unwrap();
    std::fs::create_dir_all(dir.join("brat")).unwrap();
    for (from, to) in [
        ("docx/hostile.docx", "statement.docx"),
        ("pdf/text.pdf", "report.pdf"),
        ("html/news-article.html", "page.html"),
        ("markdown/news-article.md", "notes.md"),
    ] {
        std::fs::copy(fixtures.join(from), dir.join(to)).unwrap();
    }
    std::fs::write(
        dir.join("tables/a.csv"),
        "title,text\nCSV one,First row\nCSV two,Second row\n",
    )
    .unwrap();
    std::fs::write(dir.join("tables/b.jsonl"), "{\"text\":\"JSONL one 😀\"}\n").unwrap();
    std::fs::write(dir.join("tables/c.json"), "[{\"text\":\"JSON one\"}]").unwrap();
    std::fs::write(dir.join("brat/d.txt"), "Tammy Bruce spoke.").unwrap();
    std::fs::write(dir.join("brat/d.ann"), "T1\tPER 0 11\tTammy Bruce\n").unwrap();
    std::fs::write(dir.join("plain.txt"), "Plain article").unwrap();

    let summary = import(&mut f, &Request::new(vec![dir]));
    assert_eq!(summary.failed(), 0, "{:?}", summary.files);
    let mut got = statuses(&summary);
    got.sort();
    let mut want: Vec<(String, &str)> = [
        "d.txt",
        "plain.txt",
        "notes.md",
        "page.html",
        "report.pdf",
        "statement.docx",
        "a.csv",
        "b.jsonl",
        "c.json",
    ]
    .iter()
    .map(|n| (n.to_string(), "imported"))
    .collect();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(summary.imported(), 10, "the CSV holds two articles");
    let titles: Vec<String> = f
        .project
        .documents()
        .unwrap()
        .into_iter()
        .map(|d| d.title)
        .collect();
    for title in [
        "CSV one",
        "CSV two",
        "JSONL one 😀",
        "JSON one",
        "Plain article",
    ] {
        assert!(titles.contains(&title.to_string()), "{title} in {titles:?}");
    }
}

#[test]
fn empty_and_whitespace_only_text_files_are_refused_as_empty_not_reported_as_duplicates() {
    let mut f = fresh();
    let dir = f.dir.path().join("blank");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a-empty.txt"), "").unwrap();
    std::fs::write(dir.join("b-spaces.txt"), " \n\t\r\n  \n").unwrap();
    std::fs::write(dir.join("c-real.txt"), "A real article.\n").unwrap();

    let summary = import(&mut f, &Request::new(vec![dir]));
    assert_eq!(summary.imported(), 1, "{:?}", summary.files);
    assert_eq!(summary.duplicates(), 0, "{:?}", summary.files);
    let refused: Vec<(String, &str, bool)> = summary
        .files
        .iter()
        .filter_map(|file| match &file.outcome {
            FileOutcome::Failed { code, reason } => {
                let name = file
                    .path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let named = reason.contains(&name);
                Some((name, *code, named))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        refused,
        [
            ("a-empty.txt".to_string(), "empty", true),
            ("b-spaces.txt".to_string(), "empty", true)
        ]
    );
    assert!(
        !summary.files.iter().any(|file| matches!(
            &file.outcome,
            FileOutcome::Skipped { reason } if reason.contains("already has")
        )),
        "{:?}",
        summary.files
    );
}

fn jsonl(records: std::ops::Range<usize>) -> String {
    records
        .map(|i| {
            serde_json::json!({
                "title": format!("Record {i}"),
                "text": format!("Record {i} of a large file mentions wren{i}. {}", "More words. ".repeat(10)),
            })
            .to_string()
                + "\n"
        })
        .collect()
}

#[test]
fn a_run_stores_its_documents_and_index_makes_them_searchable() {
    let mut f = fresh();
    let summary = import(&mut f, &Request::new(vec![corpus("lee-abc-news")]));
    let imported = summary.imported() as u64;
    assert!(imported > 100);
    assert_eq!(f.project.unindexed_documents().unwrap(), imported);
    let mut last = None;
    let done =
        claimdesk_import::index(&mut f.project, &AtomicBool::new(false), |p| last = Some(*p))
            .unwrap();
    assert_eq!((done.indexed, done.total), (imported, imported));
    assert_eq!(last, Some(done));
    assert_eq!(f.project.unindexed_documents().unwrap(), 0);
    assert!(!f.project.search("police", 5).unwrap().is_empty());
}

#[test]
fn a_json_lines_file_over_the_limit_is_read_as_a_stream_of_records() {
    let mut f = fresh();
    let path = f.dir.path().join("large.jsonl");
    std::fs::write(&path, jsonl(0..2_000)).unwrap();
    let mut request = Request::new(vec![path]);
    request.max_file_bytes = 10_000;
    let mut bytes_seen = Vec::new();
    let summary = run(
        &mut f.project,
        &request,
        plan(&request),
        f.me,
        Utc::now(),
        &AtomicBool::new(false),
        |p| bytes_seen.push(p.bytes_done),
    )
    .unwrap();
    assert_eq!(statuses(&summary), [("large.jsonl".into(), "imported")]);
    assert_eq!(summary.imported(), 2_000);
    // Progress is reported within the file, not only before and after it.
    assert!(bytes_seen.len() > 3, "{bytes_seen:?}");
    assert!(bytes_seen.windows(2).all(|w| w[0] <= w[1]));
    let docs = f.project.documents().unwrap();
    assert_eq!(docs[1_234].title, "Record 1234");
    claimdesk_import::index(&mut f.project, &AtomicBool::new(false), |_| {}).unwrap();
    assert_eq!(
        f.project.search("wren1999", 5).unwrap()[0].document_id,
        docs[1_999].id
    );
}

#[test]
fn a_cancelled_stream_keeps_what_it_stored_and_running_it_again_skips_that_and_goes_on() {
    let mut f = fresh();
    let path = f.dir.path().join("large.jsonl");
    std::fs::write(&path, jsonl(0..3_000)).unwrap();
    let mut request = Request::new(vec![path]);
    request.max_file_bytes = 10_000;
    let cancel = AtomicBool::new(false);
    let first = run(
        &mut f.project,
        &request,
        plan(&request),
        f.me,
        Utc::now(),
        &cancel,
        |p| {
            if p.documents >= 1_000 {
                cancel.store(true, Ordering::Relaxed);
            }
        },
    )
    .unwrap();
    assert!(first.cancelled);
    let kept = first.imported();
    assert!((1_000..3_000).contains(&kept), "{kept}");
    // Reopened, as after the app was closed: what the cancelled run reported is there.
    drop(f.project);
    f.project = Project::open(&f.dir.path().join("p.claimdesk")).unwrap();
    assert_eq!(f.project.documents().unwrap().len(), kept);
    let again = import(&mut f, &request);
    assert_eq!(again.duplicates(), kept);
    assert_eq!(again.imported(), 3_000 - kept);
    let titles: Vec<String> = f
        .project
        .documents()
        .unwrap()
        .into_iter()
        .map(|d| d.title)
        .collect();
    let expected: Vec<String> = (0..3_000).map(|i| format!("Record {i}")).collect();
    assert_eq!(titles, expected, "every record once, in the file's order");
}

#[test]
fn a_malformed_line_stops_a_stream_and_the_records_before_it_stay() {
    let mut f = fresh();
    let path = f.dir.path().join("large.jsonl");
    let text = jsonl(0..500) + "{\"text\": \"unterminated\n" + &jsonl(500..600);
    std::fs::write(&path, text).unwrap();
    let after = f.dir.path().join("after.txt");
    std::fs::write(&after, "The file after it is imported.").unwrap();
    let mut request = Request::new(vec![path, after]);
    request.max_file_bytes = 10_000;
    let summary = import(&mut f, &request);
    assert_eq!(
        statuses(&summary),
        [
            ("large.jsonl".into(), "imported"),
            ("large.jsonl".into(), "failed"),
            ("after.txt".into(), "imported"),
        ]
    );
    let FileOutcome::Failed { reason, .. } = &summary.files[1].outcome else {
        unreachable!()
    };
    assert!(reason.contains("line 501"), "{reason}");
    assert_eq!(summary.imported(), 501);
    assert_eq!(f.project.documents().unwrap().len(), 501);
}

/// A span as (start, end) in code points, its quote and its coder.
type CodedSpan = (usize, usize, String, String);

/// A `.qdpx` of the hostile Unicode fixture: every whitespace-separated piece coded, by two
/// coders in turn, written by the `qdpx` exporter.
fn hostile_qdpx(dir: &Path) -> (PathBuf, String, Vec<CodedSpan>) {
    use claimdesk_core::dataset::{AnnotationRecord, DocumentRecord, LabelInfo, ProjectInfo};
    use claimdesk_formats::write::{exporter, ExportFormat, ExportOptions, MemoryOutput};
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/hostile-unicode.txt"),
    )
    .unwrap();
    let chars: Vec<char> = text.chars().collect();
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in chars.iter().chain([' '].iter()).enumerate() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                let coder = if spans.len() % 2 == 0 { "ana" } else { "ben" };
                spans.push((
                    s,
                    i,
                    chars[s..i].iter().collect::<String>(),
                    coder.to_string(),
                ));
                start = None;
            }
            _ => {}
        }
    }
    let at = Utc::now();
    let doc = DocumentRecord {
        id: 1,
        title: "Hostile".into(),
        date: None,
        source: None,
        author: None,
        url: None,
        language: None,
        metadata: Default::default(),
        sha256: String::new(),
        imported_at: at,
        text: text.clone(),
        annotations: spans
            .iter()
            .enumerate()
            .map(|(i, (start, end, quote, coder))| AnnotationRecord {
                id: i as i64 + 1,
                uid: String::new(),
                label: "Theme".into(),
                start: *start,
                end: *end,
                quote: quote.clone(),
                prefix: String::new(),
                suffix: String::new(),
                attributes: Default::default(),
                note: (i == 0).then(|| "a note\r\nwith CRLF".to_string()),
                entity_id: None,
                annotator: coder.clone(),
                created_at: at,
                updated_at: at,
            })
            .collect(),
        relations: Vec::new(),
    };
    let project = ProjectInfo {
        labels: vec![LabelInfo {
            name: "Theme".into(),
            colour: "#123456".into(),
            hotkey: None,
            attributes: Vec::new(),
        }],
        annotators: vec!["ana".into(), "ben".into()],
        ..ProjectInfo::default()
    };
    let out = MemoryOutput::default();
    let mut export = exporter(
        ExportFormat::Qdpx,
        &project,
        &ExportOptions::default(),
        Box::new(out.clone()),
    )
    .unwrap();
    export.document(&doc).unwrap();
    export.finish().unwrap();
    let path = dir.join("hostile.qdpx");
    std::fs::write(&path, out.file("export.qdpx").unwrap()).unwrap();
    (path, text, spans)
}

#[test]
fn a_qdpx_imports_with_exact_spans_its_coders_and_notes() {
    let mut f = fresh();
    let (path, text, spans) = hostile_qdpx(f.dir.path());
    let summary = import(&mut f, &Request::new(vec![path]));
    assert_eq!(
        statuses(&summary),
        [("hostile.qdpx".to_string(), "imported")]
    );
    let doc = f.project.documents().unwrap()[0].id;
    assert_eq!(f.project.document(doc).unwrap().text, text);
    let mut got: Vec<CodedSpan> = f
        .project
        .annotations(doc)
        .unwrap()
        .into_iter()
        .map(|a| {
            let coder = f.project.annotator_name(a.annotator_id).unwrap();
            (a.start, a.end, a.quote, coder)
        })
        .collect();
    got.sort();
    let mut want = spans.clone();
    want.sort();
    assert_eq!(got, want);
    let noted: Vec<_> = f
        .project
        .annotations(doc)
        .unwrap()
        .into_iter()
        .filter_map(|a| a.note)
        .collect();
    assert_eq!(noted, ["a note\r\nwith CRLF"]);
    let labels = f.project.labels().unwrap();
    let theme = labels.iter().find(|l| l.name == "Theme").unwrap();
    assert_eq!(theme.colour, "#123456");
}

#[test]
fn a_broken_qdpx_fails_with_its_reason_and_imports_nothing() {
    let mut f = fresh();
    let (path, _, _) = hostile_qdpx(f.dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    // The end of a zip holds its directory: without it there is no archive.
    bytes.truncate(bytes.len() - 30);
    std::fs::write(&path, bytes).unwrap();
    let labels_before = f.project.labels().unwrap();
    let summary = import(&mut f, &Request::new(vec![path]));
    match &summary.files[0].outcome {
        FileOutcome::Failed { code, reason } => {
            assert_eq!(*code, "malformed");
            assert!(reason.contains("zip"), "{reason}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    assert!(f.project.documents().unwrap().is_empty());
    assert_eq!(f.project.labels().unwrap(), labels_before);
}

#[test]
fn a_codebook_adds_the_labels_the_project_lacks_once() {
    let mut f = fresh();
    let path = f.dir.path().join("tags.qdc");
    // As Taguette writes it: upper-case GUIDs and an empty <Sets/>.
    std::fs::write(
        &path,
        r#"<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.5.2"><Codes><Code guid="0D62985D-B147-5D01-A9B5-CAE5DCD98342" name="Actor" isCodable="true"/><Code guid="A0FEBEC3-BE2D-519D-80AD-4132A8D0DD8F" name="café ☕" isCodable="true"/></Codes><Sets/></CodeBook>"#,
    )
    .unwrap();
    let report =
        claimdesk_import::import_codebook(&mut f.project, &path, f.me, Utc::now()).unwrap();
    assert_eq!(report.added, ["café ☕"]);
    assert_eq!(report.present, ["Actor"]);
    let again = claimdesk_import::import_codebook(&mut f.project, &path, f.me, Utc::now()).unwrap();
    assert!(again.added.is_empty());
    f.project.undo(f.me, Utc::now()).unwrap();
    assert!(!f
        .project
        .labels()
        .unwrap()
        .iter()
        .any(|l| l.name == "café ☕"));
    std::fs::write(
        &path,
        "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>",
    )
    .unwrap();
    let error =
        claimdesk_import::import_codebook(&mut f.project, &path, f.me, Utc::now()).unwrap_err();
    assert_eq!(error.code(), "malformed");
}
