//! The CLI as a user runs it: the real binary on a real project file.

use std::path::Path;
use std::process::{Command, Output};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../store/sample/riyadh-talks-2025-02-18.txt"
);
const HOSTILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/hostile-unicode.txt"
);

fn run(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimdesk-cli"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env_remove("CLAIMDESK_PROJECT")
        .output()
        .expect("claimdesk-cli runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn import_then_list_shows_title_date_and_count() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    let out = run(&project, &["import", SAMPLE, HOSTILE]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).ends_with("2 imported, 0 skipped, 0 failed\n"));
    let list = stdout(&run(&project, &["list"]));
    let lines: Vec<_> = list.lines().collect();
    assert_eq!(
        lines[0],
        "1\t2025-02-18\t0\tYour guide to what the 2024 US election means for Washington and the world"
    );
    assert_eq!(
        lines[1],
        "2\t-\t0\t🇺🇦🇪🇺 Talks 👩‍👩‍👧 in Erdoğan’s Türki\u{308}ye"
    );
}

#[test]
fn a_failed_file_is_reported_the_rest_imported_and_the_exit_is_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    let binary = dir.path().join("photo.txt");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    let latin1 = dir.path().join("latin1.txt");
    std::fs::write(&latin1, b"Caf\xe9 society\n").unwrap();
    let out = run(
        &project,
        &[
            "import",
            binary.to_str().unwrap(),
            latin1.to_str().unwrap(),
            SAMPLE,
            SAMPLE,
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(
        err.contains("photo.txt: [not_text] not text: neither UTF-8 nor Windows-1252"),
        "{err}"
    );
    let stdout = stdout(&out);
    assert!(stdout.contains("imported"), "{stdout}");
    assert!(
        stdout.contains("#1 Café society"),
        "Windows-1252 is decoded: {stdout}"
    );
    assert!(
        stdout.contains("already has this text (#2)"),
        "the second copy is a duplicate: {stdout}"
    );
    assert!(
        stdout.ends_with("2 imported, 1 skipped, 1 failed\n"),
        "{stdout}"
    );
}

#[test]
fn annotations_of_an_unknown_document_fail_with_a_stable_code() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    assert!(run(&project, &["import", SAMPLE]).status.success());
    let out = run(&project, &["annotations", "42"]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error[unknown_document]: there is no document 42\n"
    );
}

#[test]
fn a_file_that_is_not_a_project_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("thesis.docx");
    std::fs::write(&project, b"PK\x03\x04 not a database at all, but precious").unwrap();
    let out = run(&project, &["list"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error[not_a_project]"), "{err}");
    assert_eq!(
        std::fs::read(&project).unwrap(),
        b"PK\x03\x04 not a database at all, but precious"
    );
}

#[test]
fn annotations_print_as_json_lines_in_code_points() {
    use chrono::Utc;
    use claimdesk_core::Span;
    use claimdesk_store::Project;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.claimdesk");
    assert!(run(&path, &["import", HOSTILE]).status.success());
    let text = std::fs::read_to_string(HOSTILE).unwrap();
    let byte = text.find("Tammy Bruce").unwrap();
    let start = text[..byte].chars().count();
    {
        let mut project = Project::open(&path).unwrap();
        let me = project.annotator("test", Utc::now()).unwrap();
        let actor = project.labels().unwrap()[0].id;
        project
            .create_annotation(
                1,
                actor,
                Span::new(start, start + 11).unwrap(),
                me,
                Utc::now(),
            )
            .unwrap();
    }
    let out = stdout(&run(&path, &["annotations", "1"]));
    let line: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(line["label"], "Actor");
    assert_eq!(line["start"], start);
    assert_eq!(line["end"], start + 11);
    assert_eq!(line["unit"], "code_point");
    assert_eq!(line["quote"], "Tammy Bruce");
    assert_eq!(line["annotator"], "test");
}

#[test]
fn reading_a_missing_project_is_an_error_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("typo.claimdesk");
    let out = run(&project, &["list"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error[no_such_project]"), "{err}");
    assert!(!project.exists());
}

#[test]
fn import_options_split_map_columns_and_force_a_format() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    let export = dir.path().join("export.txt");
    std::fs::write(
        &export,
        " date 2025-01-01 First 🇺🇦\nOne.\n=====\n date 2025-01-02 Second\nTwo.\n",
    )
    .unwrap();
    let table = dir.path().join("scraped.data");
    std::fs::write(&table, "headline,body\nThird,Body three\n").unwrap();
    let out = run(
        &project,
        &[
            "import",
            export.to_str().unwrap(),
            "--split",
            "(?m)^=====\\n",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let out = run(
        &project,
        &[
            "import",
            table.to_str().unwrap(),
            "--format",
            "csv",
            "--columns",
            "text=body,title=headline",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let list = stdout(&run(&project, &["list"]));
    assert_eq!(
        list,
        "1\t2025-01-01\t0\tFirst 🇺🇦\n2\t2025-01-02\t0\tSecond\n3\t-\t0\tThird\n"
    );
    let bad = run(
        &project,
        &["import", table.to_str().unwrap(), "--format", "docs"],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8(bad.stderr)
        .unwrap()
        .contains("unknown format \"docs\""));
}

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/interop/fixture.jsonl"
);

#[test]
fn export_writes_the_scope_and_reports_counts() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    assert!(run(&project, &["import", FIXTURE]).status.success());
    let tables = dir.path().join("tables");
    let out = run(
        &project,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            tables.to_str().unwrap(),
            "--from",
            "2025-02-18",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out)
            .starts_with("exported 2 documents, 3 annotations, 3 relations, 1 statements as csv"),
        "{}",
        stdout(&out)
    );
    let statements = std::fs::read_to_string(tables.join("statements.csv")).unwrap();
    assert!(statements.contains("Tammy Bruce"));
    assert_eq!(statements.lines().count(), 2);
}

#[test]
fn export_errors_name_the_problem_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    assert!(run(&project, &["import", FIXTURE]).status.success());
    let out = run(&project, &["export", "--format", "excel", "--out", "x"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown export format \"excel\""));

    let nowhere = dir.path().join("missing/out.jsonl");
    let out = run(
        &project,
        &[
            "export",
            "--format",
            "jsonl",
            "--out",
            nowhere.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error[bad_destination]: "));

    let out = run(
        &project,
        &[
            "export",
            "--format",
            "jsonl",
            "--out",
            dir.path().join("s.jsonl").to_str().unwrap(),
            "--search",
            "\"open",
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error[bad_search]: "),
        "{out:?}"
    );
    assert!(!dir.path().join("s.jsonl").exists());
}

#[test]
fn backups_are_made_listed_and_restored_even_over_a_damaged_project() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    assert!(run(&project, &["import", FIXTURE]).status.success());
    let made = run(&project, &["backup"]);
    assert!(stdout(&made).starts_with("backed up to "), "{made:?}");
    let listed = stdout(&run(&project, &["backups"]));
    let name = listed.split('\t').next().unwrap().to_string();
    assert!(name.ends_with(".claimdesk"), "{listed}");

    // Damage the project (the whole second page, a table's root, header and all): it is
    // refused, then the backup brings it back.
    let mut bytes = std::fs::read(&project).unwrap();
    let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    for b in &mut bytes[page..2 * page] {
        *b = 0x5a;
    }
    std::fs::write(&project, bytes).unwrap();
    let refused = run(&project, &["list"]);
    assert!(
        String::from_utf8_lossy(&refused.stderr).starts_with("error[project_damaged]: "),
        "{refused:?}"
    );

    let restored = run(&project, &["restore-backup", &name]);
    assert!(restored.status.success(), "{restored:?}");
    assert!(stdout(&restored).contains("the state before is kept at"));
    assert_eq!(stdout(&run(&project, &["list"])).lines().count(), 3);

    let unknown = run(&project, &["restore-backup", "../p.claimdesk"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).starts_with("error[no_such_backup]: "));
}

#[test]
fn annotations_carry_their_linked_entity_as_the_native_export_does() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    assert!(run(&project, &["import", FIXTURE]).status.success());
    let native = dir.path().join("native.jsonl");
    let out = run(
        &project,
        &[
            "export",
            "--format",
            "jsonl",
            "--out",
            native.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    // The native export is the reference: the same key, and null where nothing is linked.
    let mut wanted = std::collections::BTreeMap::new();
    for line in std::fs::read_to_string(&native).unwrap().lines().skip(1) {
        let doc: serde_json::Value = serde_json::from_str(line).unwrap();
        for a in doc["annotations"].as_array().unwrap() {
            wanted.insert(a["id"].as_i64().unwrap(), a["entity_id"].clone());
        }
    }
    let mut got = std::collections::BTreeMap::new();
    for document in ["1", "2"] {
        for line in stdout(&run(&project, &["annotations", document])).lines() {
            let a: serde_json::Value = serde_json::from_str(line).unwrap();
            let entity = a
                .get("entity_id")
                .unwrap_or_else(|| panic!("no entity_id in {line}"));
            got.insert(a["id"].as_i64().unwrap(), entity.clone());
        }
    }
    assert_eq!(got, wanted);
    assert!(got.values().any(|e| e.is_i64()) && got.values().any(|e| e.is_null()));
}

#[test]
fn a_sample_is_drawn_kept_listed_drawn_again_the_same_and_exported_alone() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    let folder = dir.path().join("articles");
    std::fs::create_dir(&folder).unwrap();
    for i in 0..30 {
        std::fs::write(
            folder.join(format!("{i:02}.txt")),
            format!(
                " date 2024-0{}-10 Article {i}\n\nBody of article {i}.",
                i % 3 + 1
            ),
        )
        .unwrap();
    }
    assert!(run(&project, &["import", folder.to_str().unwrap()])
        .status
        .success());
    let drawn = run(
        &project,
        &[
            "sample", "pilot", "--size", "9", "--seed", "5", "--strata", "month",
        ],
    );
    assert!(
        drawn.status.success(),
        "{}",
        String::from_utf8_lossy(&drawn.stderr)
    );
    let text = stdout(&drawn);
    assert!(
        text.starts_with("drew 9 of 30 documents as sample \"pilot\" (seed 5)"),
        "{text}"
    );
    assert!(
        text.contains("2024-01\t3") && text.contains("2024-02\t3") && text.contains("2024-03\t3"),
        "{text}"
    );
    assert!(run(
        &project,
        &["sample", "again", "--size", "9", "--seed", "5", "--strata", "month"]
    )
    .status
    .success());
    let listed = stdout(&run(&project, &["samples"]));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("pilot\t9\tseed 5\tmonth\t")),
        "{listed}"
    );

    let export = |name: &str, out: &std::path::Path| {
        let done = run(
            &project,
            &[
                "export",
                "--format",
                "jsonl",
                "--out",
                out.to_str().unwrap(),
                "--sample",
                name,
            ],
        );
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        std::fs::read_to_string(out)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["id"].as_i64().unwrap()
            })
            .collect::<Vec<_>>()
    };
    let first = export("pilot", &dir.path().join("pilot.jsonl"));
    assert_eq!(first.len(), 9);
    assert_eq!(
        first,
        export("again", &dir.path().join("again.jsonl")),
        "the same seed, the same sample"
    );

    let unknown = run(
        &project,
        &[
            "export", "--format", "jsonl", "--out", "x.jsonl", "--sample", "nope",
        ],
    );
    assert!(String::from_utf8_lossy(&unknown.stderr).starts_with("error[unknown_sample]: "));
    let taken = run(&project, &["sample", "pilot", "--size", "3"]);
    assert!(String::from_utf8_lossy(&taken.stderr).starts_with("error[bad_sample]: "));
}

#[test]
fn an_import_left_unindexed_says_so_and_index_makes_it_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    let out = run(&project, &["import", "--no-index", SAMPLE]);
    assert!(out.status.success(), "{out:?}");
    let note = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        note.contains("1 documents are not in the search index yet")
            && note.contains("claimdesk-cli index"),
        "{note}"
    );
    let export = dir.path().join("found.jsonl");
    let searched = run(
        &project,
        &[
            "export",
            "--format",
            "jsonl",
            "--search",
            "erdogan",
            "--out",
            export.to_str().unwrap(),
        ],
    );
    assert!(String::from_utf8_lossy(&searched.stderr).contains("not in the search index yet"));

    let indexed = run(&project, &["index"]);
    assert!(indexed.status.success(), "{indexed:?}");
    assert!(String::from_utf8_lossy(&indexed.stderr).contains("indexed 1 documents for search"));
    let searched = run(
        &project,
        &[
            "export",
            "--format",
            "jsonl",
            "--search",
            "erdogan",
            "--out",
            export.to_str().unwrap(),
        ],
    );
    assert!(searched.status.success(), "{searched:?}");
    assert!(!String::from_utf8_lossy(&searched.stderr).contains("search index"));
    assert_eq!(std::fs::read_to_string(&export).unwrap().lines().count(), 2);
}

#[test]
fn an_import_is_searchable_when_the_command_returns() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    let out = run(&project, &["import", SAMPLE]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("every document is searchable"));
    let export = dir.path().join("found.jsonl");
    let searched = run(
        &project,
        &[
            "export",
            "--format",
            "jsonl",
            "--search",
            "erdogan",
            "--out",
            export.to_str().unwrap(),
        ],
    );
    assert!(searched.status.success(), "{searched:?}");
    assert!(!String::from_utf8_lossy(&searched.stderr).contains("search index"));
}

/// Code points before `needle` in `text` and after it: a brat span.
fn span_of(text: &str, needle: &str) -> (usize, usize) {
    let byte = text.find(needle).unwrap();
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

/// Writes a brat document (`name.txt` and `name.ann`) into `dir`: spans given by their text.
fn brat_doc(dir: &Path, name: &str, text: &str, spans: &[(&str, &str)], relations: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(format!("{name}.txt")), text).unwrap();
    let mut ann = String::new();
    for (i, (label, quote)) in spans.iter().enumerate() {
        let (start, end) = span_of(text, quote);
        ann.push_str(&format!("T{}\t{label} {start} {end}\t{quote}\n", i + 1));
    }
    for (i, relation) in relations.iter().enumerate() {
        ann.push_str(&format!("R{}\t{relation}\n", i + 1));
    }
    std::fs::write(dir.join(format!("{name}.ann")), ann).unwrap();
}

#[test]
fn import_as_adds_another_coders_work_to_the_same_text_once() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    let text = "Zelensky 🇺🇦 said “peace is possible.” Putin disagreed.\r\n";
    brat_doc(
        &dir.path().join("ana"),
        "article",
        text,
        &[("Actor", "Zelensky"), ("Claim", "peace is possible.")],
        &["said_by Arg1:T2 Arg2:T1"],
    );
    brat_doc(
        &dir.path().join("ben"),
        "article",
        text,
        &[
            ("Actor", "Zelensky"),
            ("Claim", "is possible."),
            ("Actor", "Putin"),
        ],
        &["said_by Arg1:T2 Arg2:T1"],
    );
    // Ben also coded an article the project does not have yet.
    brat_doc(
        &dir.path().join("ben"),
        "other",
        "Lavrov spoke.",
        &[("Actor", "Lavrov")],
        &[],
    );
    let ana = dir.path().join("ana").to_string_lossy().into_owned();
    let ben = dir.path().join("ben").to_string_lossy().into_owned();
    let out = run(&project, &["--annotator", "ana", "import", &ana]);
    assert!(out.status.success(), "{out:?}");

    // Without --as, the same text is skipped as before.
    let ben_article = dir.path().join("ben/article.txt");
    let out = run(&project, &["import", &ben_article.to_string_lossy()]);
    assert!(stdout(&out).contains("already has this text"), "{out:?}");

    let out = run(&project, &["import", "--as", "ben", &ben]);
    assert!(out.status.success(), "{out:?}");
    let report = stdout(&out);
    assert!(
        report.contains("coded    ") && report.contains("(3 annotations added"),
        "{report}"
    );
    assert!(
        report.ends_with("1 imported, 1 coded, 0 skipped, 0 failed\n"),
        "the new text is imported: {report}"
    );

    let annotations = |doc: &str| -> Vec<serde_json::Value> {
        stdout(&run(&project, &["annotations", doc]))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let spans: Vec<(String, String, String)> = annotations("1")
        .iter()
        .map(|a| {
            (
                a["annotator"].as_str().unwrap().to_string(),
                a["label"].as_str().unwrap().to_string(),
                a["quote"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |coder: &str, label: &str, quote: &str| {
        spans.contains(&(coder.into(), label.into(), quote.into()))
    };
    assert_eq!(spans.len(), 5, "{spans:?}");
    assert!(has("ana", "Claim", "peace is possible."));
    assert!(has("ben", "Claim", "is possible."));
    assert!(has("ben", "Actor", "Zelensky") && has("ana", "Actor", "Zelensky"));
    assert!(has("ben", "Actor", "Putin"));

    // The same files again: nothing is added.
    let out = run(&project, &["import", "--as", "ben", &ben]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).ends_with("0 imported, 2 skipped, 0 failed\n"),
        "{}",
        stdout(&out)
    );
    assert_eq!(annotations("1").len(), 5);
    let list = stdout(&run(&project, &["list"]));
    assert_eq!(list.lines().count(), 2, "{list}");
}

#[test]
fn merge_prints_what_it_brought_and_a_second_run_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (ours, theirs) = (
        dir.path().join("ana.claimdesk"),
        dir.path().join("ben.claimdesk"),
    );
    let text = "Zelensky 🇺🇦 said “peace is possible.” Putin disagreed.\r\n";
    brat_doc(
        &dir.path().join("ben"),
        "article",
        text,
        &[("Actor", "Zelensky"), ("Claim", "peace is possible.")],
        &["said_by Arg1:T2 Arg2:T1"],
    );
    let ben = dir.path().join("ben").to_string_lossy().into_owned();
    assert!(run(&theirs, &["--annotator", "ben", "import", &ben])
        .status
        .success());
    assert!(run(&ours, &["--annotator", "ana", "import", SAMPLE])
        .status
        .success());
    let other = theirs.to_string_lossy().into_owned();

    let out = run(&ours, &["--annotator", "ana", "merge", &other]);
    assert!(out.status.success(), "{out:?}");
    let report = stdout(&out);
    assert!(
        report.contains("documents       1 added, 0 already here\n"),
        "{report}"
    );
    assert!(
        report.contains("annotations     2 added, 0 already here\n"),
        "{report}"
    );
    assert!(
        report.contains("links           1 added, 0 already here\n"),
        "{report}"
    );
    assert!(report.contains("coders          1 added\n"), "{report}");
    let found = dir
        .path()
        .join("found.jsonl")
        .to_string_lossy()
        .into_owned();
    let out = run(
        &ours,
        &[
            "export",
            "--format",
            "jsonl",
            "--out",
            &found,
            "--search",
            "disagreed",
        ],
    );
    assert!(
        stdout(&out).starts_with("exported 1 documents"),
        "the merged text is searchable: {out:?}"
    );

    let out = run(
        &ours,
        &["--annotator", "ana", "merge", &other, "--format", "json"],
    );
    assert!(out.status.success(), "{out:?}");
    let again: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(again["documents_matched"], 1, "{again}");
    assert_eq!(again["annotations_present"], 2);
    for (key, value) in again.as_object().unwrap() {
        if key.ends_with("_added") {
            assert_eq!(value, 0, "{key} on the second merge");
        }
    }

    let out = run(&ours, &["merge", &ours.to_string_lossy()]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error[bad_merge]: "), "{err}");
}

#[test]
fn replace_text_re_anchors_and_lists_the_orphans() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    let old = "Zelensky 🇺🇦 said \"peace is possible.\" Putin disagreed.\r\nLavrov was silent.";
    brat_doc(
        &dir.path().join("in"),
        "article",
        old,
        &[
            ("Actor", "Zelensky"),
            ("Claim", "\"peace is possible.\""),
            ("Actor", "Lavrov"),
        ],
        &["said_by Arg1:T2 Arg2:T1"],
    );
    assert!(run(
        &project,
        &["import", dir.path().join("in").to_str().unwrap()]
    )
    .status
    .success());
    let new = dir.path().join("new.txt");
    std::fs::write(
        &new,
        "Update: Zelensky 🇺🇦 said “peace is possible.”\r\nPutin disagreed.",
    )
    .unwrap();

    // A bad format changes nothing.
    let refused = run(
        &project,
        &[
            "replace-text",
            "1",
            new.to_str().unwrap(),
            "--format",
            "xml",
        ],
    );
    assert!(!refused.status.success());
    assert!(stdout(&run(&project, &["orphans", "1"])).is_empty());

    let out = run(&project, &["replace-text", "1", new.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = stdout(&out);
    assert!(
        report.starts_with(
            "document 1: 1 annotations kept, 1 adjusted, 0 found elsewhere, 1 orphaned"
        ),
        "{report}"
    );
    assert!(
        report.contains("\"Lavrov\"\tits text is not in the new version"),
        "{report}"
    );
    let annotations = stdout(&run(&project, &["annotations", "1"]));
    assert!(
        annotations.contains("\"end\":16,")
            && annotations.contains("\"quote\":\"Zelensky\",\"start\":8,"),
        "{annotations}"
    );
    assert!(
        annotations.contains("\"quote\":\"“peace is possible.”\""),
        "{annotations}"
    );
    let orphans = stdout(&run(&project, &["orphans", "1"]));
    assert_eq!(orphans.lines().count(), 1);
    assert!(
        orphans.contains("\"quote\":\"Lavrov\"") && orphans.contains("\"old_start\":56"),
        "{orphans}"
    );

    // Not text: a clear error, nothing changed.
    std::fs::write(&new, b"\x00\x01\x02 binary").unwrap();
    let bad = run(&project, &["replace-text", "1", new.to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("not text"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert_eq!(stdout(&run(&project, &["orphans", "1"])).lines().count(), 1);
}

#[test]
fn import_new_versions_replaces_the_text_of_the_article_with_the_same_url() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    let table = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!("title,url,text\nRiyadh,https://news.example/a,{text}\n"),
        )
        .unwrap();
        path
    };
    let first = table(
        "v1.csv",
        "Zelensky 🇺🇦 said peace is possible. Lavrov was silent.",
    );
    assert!(run(&project, &["import", first.to_str().unwrap()])
        .status
        .success());

    // A new text under the same URL: the document's text is replaced, no document added.
    let second = table("v2.csv", "Update: Zelensky 🇺🇦 said peace is possible.");
    let out = stdout(&run(
        &project,
        &["import", "--new-versions", second.to_str().unwrap()],
    ));
    assert!(
        out.contains("replaced")
            && out.contains("#1 Riyadh (a new version: 0 annotations placed, 0 orphaned)"),
        "{out}"
    );
    assert!(
        out.contains("0 imported, 1 replaced by a new version"),
        "{out}"
    );
    assert_eq!(stdout(&run(&project, &["list"])).lines().count(), 1);

    // Without the option, a document beside it; with the URL then twice in the project, no
    // single match, so a document beside them.
    let third = table("v3.csv", "A third text.");
    assert!(stdout(&run(&project, &["import", third.to_str().unwrap()])).contains("1 imported"));
    let fourth = table("v4.csv", "A fourth text.");
    assert!(stdout(&run(
        &project,
        &["import", "--new-versions", fourth.to_str().unwrap()]
    ))
    .contains("1 imported"));
    assert_eq!(stdout(&run(&project, &["list"])).lines().count(), 3);
}

#[test]
fn merge_match_similar_puts_a_copys_coding_on_our_text() {
    let dir = tempfile::tempdir().unwrap();
    let body = std::fs::read_to_string(SAMPLE).unwrap();
    let ours_text = format!("Talks in Riyadh\n\nZelensky 🇺🇦 said “peace is possible”.\n\n{body}");
    let theirs_text =
        format!("Talks in Riyadh\n\nZelensky 🇺🇦  said \"peace is possible\".\n{body}");
    let ours = dir.path().join("ours.claimdesk");
    let theirs = dir.path().join("theirs.claimdesk");
    let ours_file = dir.path().join("ours.txt");
    std::fs::write(&ours_file, &ours_text).unwrap();
    assert!(run(&ours, &["import", ours_file.to_str().unwrap()])
        .status
        .success());
    brat_doc(
        &dir.path().join("ben"),
        "article",
        &theirs_text,
        &[("Actor", "Zelensky"), ("Claim", "\"peace is possible\"")],
        &["said_by Arg1:T2 Arg2:T1"],
    );
    assert!(run(
        &theirs,
        &["import", dir.path().join("ben").to_str().unwrap()]
    )
    .status
    .success());

    let out = stdout(&run(
        &ours,
        &["merge", theirs.to_str().unwrap(), "--match-similar"],
    ));
    assert!(
        out.contains("documents       0 added, 1 already here"),
        "{out}"
    );
    assert!(
        out.contains(
            "differs in whitespace and quote marks: its coding was re-anchored on our text"
        ),
        "{out}"
    );
    let annotations = stdout(&run(&ours, &["annotations", "1"]));
    assert!(
        annotations.contains("\"quote\":\"“peace is possible”\""),
        "{annotations}"
    );
    assert_eq!(annotations.lines().count(), 2);
    assert_eq!(stdout(&run(&ours, &["list"])).lines().count(), 1);
}

/// A project three coders coded through `import --as`: Ana and Ben the same two articles (the
/// first with other spans, the second alike), Cy only the first, Ana alone a third. Answers
/// the project and the ids of the three articles.
fn coded_by_three(dir: &Path) -> (std::path::PathBuf, [String; 3]) {
    let project = dir.join("p.claimdesk");
    let first = "Zelensky 🇺🇦 said “peace is possible.” Putin disagreed.\n";
    let second = "Lavrov said the talks were useful.\n";
    let third = "Kallas said the sanctions must hold.\n";
    brat_doc(
        &dir.join("ana"),
        "a-first",
        first,
        &[("Actor", "Zelensky"), ("Claim", "peace is possible.")],
        &["said_by Arg1:T2 Arg2:T1"],
    );
    brat_doc(
        &dir.join("ana"),
        "b-second",
        second,
        &[("Actor", "Lavrov"), ("Claim", "the talks were useful")],
        &["said_by Arg1:T2 Arg2:T1"],
    );
    brat_doc(
        &dir.join("ana"),
        "c-third",
        third,
        &[("Actor", "Kallas")],
        &[],
    );
    brat_doc(
        &dir.join("ben"),
        "a-first",
        first,
        &[
            ("Actor", "Zelensky"),
            ("Claim", "is possible."),
            ("Actor", "Putin"),
        ],
        &["said_by Arg1:T2 Arg2:T1"],
    );
    brat_doc(
        &dir.join("ben"),
        "b-second",
        second,
        &[("Actor", "Lavrov"), ("Claim", "the talks were useful")],
        &["said_by Arg1:T2 Arg2:T1"],
    );
    brat_doc(
        &dir.join("cy"),
        "a-first",
        first,
        &[("Actor", "Zelensky")],
        &[],
    );
    for (coder, args) in [
        ("ana", vec!["--annotator", "ana", "import"]),
        ("ben", vec!["import", "--as", "ben"]),
        ("cy", vec!["import", "--as", "cy"]),
    ] {
        let folder = dir.join(coder).to_string_lossy().into_owned();
        let mut args = args;
        args.push(&folder);
        let out = run(&project, &args);
        assert!(out.status.success(), "{out:?}");
    }
    let list = stdout(&run(&project, &["list"]));
    let id = |start: &str| -> String {
        list.lines()
            .find(|l| l.split('\t').nth(3).is_some_and(|t| t.starts_with(start)))
            .unwrap_or_else(|| panic!("no {start:?} in {list}"))
            .split('\t')
            .next()
            .unwrap()
            .to_string()
    };
    let ids = [id("Zelensky"), id("Lavrov"), id("Kallas")];
    (project, ids)
}

/// The agreement report as JSON.
fn agreement_json(project: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["agreement", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(project, &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn agreement_narrows_to_the_coders_labels_and_documents_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let (project, [first, second, _]) = coded_by_three(dir.path());
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect()
    };
    let ids = |r: &serde_json::Value| -> Vec<String> {
        r["per_document"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].to_string())
            .collect()
    };

    // Everyone, every label, every document: the third article only Ana coded is left out.
    let all = agreement_json(&project, &[]);
    assert_eq!(names(&all["coders"]), ["ana", "ben", "cy"]);
    assert_eq!(names(&all["labels"]), ["Actor", "Claim", "Position"]);
    assert_eq!(all["documents"], 2);
    assert_eq!(all["excluded_documents"], 1);
    assert_eq!(all["pairs"].as_array().unwrap().len(), 3);
    assert!(all["fleiss_kappa"].is_object(), "three coders: {all:#}");
    assert_eq!(ids(&all), [first.clone(), second.clone()]);

    // Two of the three coders: one pair, no Fleiss' κ, Cy's disagreement gone from α.
    let pair = agreement_json(&project, &["--coders", "ana,ben"]);
    assert_eq!(names(&pair["coders"]), ["ana", "ben"]);
    let pairs = pair["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1);
    assert_eq!(
        (&pairs[0]["a"], &pairs[0]["b"]),
        (&"ana".into(), &"ben".into())
    );
    assert!(pair["fleiss_kappa"].is_null(), "{pair:#}");
    assert_eq!(pair["documents"], 2);
    assert_ne!(
        pair["token_alpha"]["overall"]["value"],
        all["token_alpha"]["overall"]["value"]
    );
    // Cy did not code the second article: with Ana alone there it is left out too.
    let with_cy = agreement_json(&project, &["--coders", "ana,cy"]);
    assert_eq!(names(&with_cy["coders"]), ["ana", "cy"]);
    assert_eq!(with_cy["documents"], 1);
    assert_eq!(with_cy["excluded_documents"], 2);
    assert_eq!(ids(&with_cy), std::slice::from_ref(&first));

    // One label: only its figures, and only its spans matched.
    let actor = agreement_json(&project, &["--labels", "Actor"]);
    assert_eq!(names(&actor["labels"]), ["Actor"]);
    let per_label: Vec<&String> = actor["token_alpha"]["per_label"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(per_label, ["Actor"]);
    let spans = |r: &serde_json::Value| {
        let m = &r["pairs"][0]["exact_match"];
        (
            m["matches"].clone(),
            m["only_a"].clone(),
            m["only_b"].clone(),
        )
    };
    assert_eq!(actor["pairs"][0]["a"], "ana");
    assert_eq!(actor["pairs"][0]["b"], "ben");
    // Ana and Ben: Zelensky and Lavrov alike, Putin Ben's alone; their claims on the first
    // article differ and on the second agree.
    assert_eq!(spans(&actor), (2.into(), 0.into(), 1.into()));
    assert_eq!(spans(&all), (3.into(), 1.into(), 2.into()));

    // One document: the one Ana and Ben coded alike, so α is 1; nothing is left out.
    let one = agreement_json(&project, &["--documents", &second]);
    assert_eq!(one["documents"], 1);
    assert_eq!(one["excluded_documents"], 0);
    assert_eq!(ids(&one), std::slice::from_ref(&second));
    assert_eq!(one["token_alpha"]["overall"]["value"], 1.0);
    assert_ne!(all["token_alpha"]["overall"]["value"], 1.0);
    assert_eq!(
        one["per_document"][0]["coders"],
        serde_json::json!(["ana", "ben"])
    );

    // What cannot be compared is refused, by name.
    let unknown = run(&project, &["agreement", "--labels", "Frame"]);
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("there is no label \"Frame\""),
        "{unknown:?}"
    );
    let alone = run(&project, &["agreement", "--coders", "ana"]);
    assert!(!alone.status.success());
    assert!(
        String::from_utf8_lossy(&alone.stderr).contains("at least two coders"),
        "{alone:?}"
    );
}

#[test]
fn agreement_prints_a_table_and_csv_with_a_row_per_pair_and_label() {
    let dir = tempfile::tempdir().unwrap();
    let (project, [first, second, _]) = coded_by_three(dir.path());
    let print = |args: &[&str]| -> String {
        let mut all = vec!["agreement"];
        all.extend_from_slice(args);
        let out = run(&project, &all);
        assert!(out.status.success(), "{out:?}");
        stdout(&out)
    };

    let table = print(&["--coders", "ana,ben", "--labels", "Actor"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "Agreement of ana, ben over 2 documents coded by at least two of them (1 coded by one only, left out)"
    );
    assert_eq!(
        lines[1],
        format!("{}   overall     Actor  units", " ".repeat(24)),
        "a column per label"
    );
    assert!(lines[2].starts_with("token α (nominal) "), "{table}");
    assert!(lines[3].starts_with("unitizing uα "), "{table}");
    assert!(!table.contains("Fleiss"), "two coders: {table}");
    assert!(!table.contains("Claim"), "{table}");
    assert_eq!(lines[4], "ana – ben (2 documents)");
    assert!(
        lines.contains(&"  exact-match F1 (spans)     0.800     0.800  3"),
        "2 spans alike, 1 Ben's alone: {table}"
    );
    assert!(
        lines.contains(&"  statements F1 - (0 both, 0 only ana, 0 only ben)"),
        "no claims among the labels, so no statements: {table}"
    );
    let per_document = lines.iter().position(|l| *l == "per document:").unwrap();
    assert_eq!(lines.len(), per_document + 3, "{table}");
    assert!(
        lines[per_document + 1].starts_with(&format!("  #{first}\ttoken α ")),
        "{table}"
    );
    assert_eq!(
        lines[per_document + 2],
        format!(
            "  #{second}\ttoken α 1.000\tuα 1.000\tF1 1.000\tana,ben\tLavrov said the talks were useful."
        )
    );

    // Everyone: every label has a column, Fleiss' κ a row, each pair its heading.
    let table = print(&["--format", "table"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("Agreement of ana, ben, cy over 2 documents"));
    assert_eq!(
        lines[1],
        format!(
            "{}   overall     Actor     Claim  Position  units",
            " ".repeat(24)
        )
    );
    assert!(lines.iter().any(|l| l.starts_with("Fleiss' κ (tokens) ")));
    for heading in [
        "ana – ben (2 documents)",
        "ana – cy (1 documents)",
        "ben – cy (1 documents)",
    ] {
        assert!(lines.contains(&heading), "{heading}: {table}");
    }

    // CSV: one figure a row, a row per measure, label, pair and document.
    let csv = print(&[
        "--format", "csv", "--coders", "ana,ben", "--labels", "Actor",
    ]);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "measure,label,coder_a,coder_b,document,value,units"
    );
    let keys: Vec<String> = rows[1..]
        .iter()
        .map(|r| r.splitn(6, ',').take(5).collect::<Vec<_>>().join(","))
        .collect();
    let mut wanted = vec![];
    for measure in ["token_alpha", "unitizing_alpha"] {
        wanted.push(format!("{measure},,,,"));
        wanted.push(format!("{measure},Actor,,,"));
    }
    for measure in [
        "cohen_kappa",
        "token_alpha",
        "unitizing_alpha",
        "exact_match_f1",
    ] {
        wanted.push(format!("{measure},,ana,ben,"));
        wanted.push(format!("{measure},Actor,ana,ben,"));
    }
    wanted.push("statement_f1,,ana,ben,".into());
    wanted.push("statement_alpha,,,,".into());
    wanted.push("statement_f1,,,,".into());
    for document in [&first, &second] {
        for measure in ["token_alpha", "unitizing_alpha", "exact_match_f1"] {
            wanted.push(format!("{measure},,,,{document}"));
        }
    }
    assert_eq!(keys, wanted, "{csv}");
    assert!(
        rows.contains(&"exact_match_f1,Actor,ana,ben,,0.8,3"),
        "{csv}"
    );
    assert!(
        rows.contains(&"statement_f1,,ana,ben,,,0"),
        "undefined is empty: {csv}"
    );
    assert!(
        rows.contains(&format!("token_alpha,,,,{second},1,7").as_str()),
        "{csv}"
    );

    // Everyone: a Cohen's κ row for each pair and each label, and Fleiss' κ.
    let csv = print(&["--format", "csv"]);
    for (a, b) in [("ana", "ben"), ("ana", "cy"), ("ben", "cy")] {
        for label in ["", "Actor", "Claim", "Position"] {
            let key = format!("cohen_kappa,{label},{a},{b},,");
            assert!(csv.lines().any(|r| r.starts_with(&key)), "{key}: {csv}");
        }
    }
    assert!(csv.lines().any(|r| r.starts_with("fleiss_kappa,,,,,")));
}

/// The annotations of a native JSON Lines export, as (coder, quote), sorted.
fn exported_annotations(path: &Path) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .flat_map(|line| {
            let doc: serde_json::Value = serde_json::from_str(line).unwrap();
            doc["annotations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    (
                        a["annotator"].as_str().unwrap().to_string(),
                        a["quote"].as_str().unwrap().to_string(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort();
    found
}

/// Exports the project as native JSON Lines to `name` in `dir` with `args`; answers the
/// command's output and the file.
fn export_jsonl(
    project: &Path,
    dir: &Path,
    name: &str,
    args: &[&str],
) -> (Output, std::path::PathBuf) {
    let path = dir.join(name);
    let mut all = vec![
        "export",
        "--format",
        "jsonl",
        "--out",
        path.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    (run(project, &all), path)
}

#[test]
fn export_by_coder_holds_only_that_coders_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let (project, _) = coded_by_three(dir.path());
    let coders = |found: &[(String, String)]| -> std::collections::BTreeSet<String> {
        found.iter().map(|(c, _)| c.clone()).collect()
    };

    let (out, everything) = export_jsonl(&project, dir.path(), "all.jsonl", &[]);
    assert!(out.status.success(), "{out:?}");
    let everything = exported_annotations(&everything);
    assert_eq!(everything.len(), 11);
    assert_eq!(
        coders(&everything),
        ["ana", "ben", "cy"].map(String::from).into()
    );

    let (out, ben) = export_jsonl(&project, dir.path(), "ben.jsonl", &["--coder", "ben"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).starts_with("exported 3 documents, 5 annotations, 2 relations"),
        "{}",
        stdout(&out)
    );
    let ben = exported_annotations(&ben);
    let bens: Vec<_> = everything
        .iter()
        .filter(|(c, _)| c == "ben")
        .cloned()
        .collect();
    assert_eq!(ben, bens, "Ben's annotations, all of them");
    assert!(ben.contains(&("ben".into(), "Putin".into())));

    // The older name of the option, and more than one coder.
    let (out, ana) = export_jsonl(&project, dir.path(), "ana.jsonl", &["--by", "ana"]);
    assert!(out.status.success(), "{out:?}");
    let ana = exported_annotations(&ana);
    assert_eq!(ana.len(), 5);
    assert_eq!(coders(&ana), ["ana".to_string()].into());
    let (out, two) = export_jsonl(
        &project,
        dir.path(),
        "two.jsonl",
        &["--coder", "ben", "--coder", "cy"],
    );
    assert!(out.status.success(), "{out:?}");
    let two = exported_annotations(&two);
    assert_eq!(two.len(), 6);
    assert_eq!(coders(&two), ["ben", "cy"].map(String::from).into());

    let (out, nobody) = export_jsonl(&project, dir.path(), "nobody.jsonl", &["--coder", "dan"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("\"dan\""),
        "{out:?}"
    );
    assert!(!nobody.exists());
}

#[test]
fn export_curated_holds_only_the_adjudicated_layer() {
    use chrono::Utc;
    use claimdesk_core::adjudication::Rule;
    use claimdesk_store::Project;

    let dir = tempfile::tempdir().unwrap();
    let (project, [first, second, _]) = coded_by_three(dir.path());

    // Nothing adjudicated yet: refused, by name, and nothing written.
    let (out, none) = export_jsonl(&project, dir.path(), "none.jsonl", &["--curated"]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error[unknown_annotator]: there is no annotator \"curated\" to export\n"
    );
    assert!(!none.exists());

    // The CLI has no adjudication command: accept what the coders agree on as the app does.
    {
        let mut p = Project::open(&project).unwrap();
        let judge = p.annotator("judge", Utc::now()).unwrap();
        for doc in [&first, &second] {
            p.accept_agreed(doc.parse().unwrap(), None, Rule::All, judge, Utc::now())
                .unwrap()
                .unwrap();
        }
    }

    let (out, curated) = export_jsonl(&project, dir.path(), "curated.jsonl", &["--curated"]);
    assert!(out.status.success(), "{out:?}");
    let curated = exported_annotations(&curated);
    assert_eq!(
        curated,
        [
            ("curated".to_string(), "Lavrov".to_string()),
            ("curated".into(), "Zelensky".into()),
            ("curated".into(), "the talks were useful".into()),
        ],
        "what all of each article's coders agreed on, and nothing else"
    );
    let (out, everything) = export_jsonl(&project, dir.path(), "all.jsonl", &[]);
    assert!(out.status.success(), "{out:?}");
    let everything = exported_annotations(&everything);
    assert_eq!(everything.len(), 14, "the coders' 11 and the curated 3");
    let (out, by_name) = export_jsonl(
        &project,
        dir.path(),
        "by-name.jsonl",
        &["--coder", "curated"],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        exported_annotations(&by_name),
        curated,
        "as --coder curated"
    );
}

#[test]
fn suggest_prints_code_point_spans_and_applies_them_as_a_coder() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.claimdesk");
    assert!(run(&project, &["import", SAMPLE, HOSTILE]).status.success());
    let text = std::fs::read_to_string(HOSTILE).unwrap();
    let out = run(
        &project,
        &["suggest", "--documents", "2", "--kinds", "attributions"],
    );
    assert!(out.status.success(), "{out:?}");
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert_eq!(l["kind"], "attribution");
        assert_eq!(l["unit"], "code_point");
        // Offsets slice the text by code points, after the flags, the family emoji and the
        // combining mark before them.
        let content = &l["content"];
        let (start, end) = (
            content["start"].as_u64().unwrap() as usize,
            content["end"].as_u64().unwrap() as usize,
        );
        let sliced: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(sliced, content["quote"].as_str().unwrap());
    }
    assert!(lines.iter().any(|l| l["source"]["quote"] == "Tammy Bruce"));

    // Listing as a coder the project does not have lists what a new coder would see and makes
    // no coder; applying makes the coder.
    let out = run(&project, &["suggest", "--as", "finder"]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no coder called \"finder\""));
    assert!(!stdout(&out).is_empty());
    assert!(!stdout(&run(&project, &["coders"])).contains("finder"));
    let out = run(
        &project,
        &[
            "suggest",
            "--kinds",
            "attributions",
            "--apply",
            "--as",
            "finder",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("as annotations of finder"));
    let stored = stdout(&run(&project, &["annotations", "2"]));
    assert!(stored.contains("\"annotator\":\"finder\""), "{stored}");
    assert!(stored.contains("\"quote\":\"Tammy Bruce\""), "{stored}");
    // Applied suggestions are no longer open for that coder; a wrong kind is refused.
    let again = run(
        &project,
        &[
            "suggest",
            "--documents",
            "2",
            "--kinds",
            "attributions",
            "--as",
            "finder",
        ],
    );
    assert_eq!(stdout(&again), "");
    let out = run(&project, &["suggest", "--kinds", "rumours"]);
    assert!(!out.status.success());
}
