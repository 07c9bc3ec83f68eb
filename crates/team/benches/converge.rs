//! `make bench`: ten coders, each a process of its own with its own project file, make 1,000
//! edits each (annotations made, relabelled and deleted, links drawn, undos) and sync every
//! second; once all are done they go on syncing every second. Prints how long after the last
//! edit every copy holds the same coding. Run under `scripts/with-postgres.sh` (PGHOST, PGPORT, PGUSER and
//! PGPASSWORD).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::Utc;
use claimdesk_core::dataset::Scope;
use claimdesk_core::{NewDocument, Span};
use claimdesk_store::Project;
use claimdesk_team::{join, publish, sync, Server};

const CODERS: usize = 10;
const EDITS: usize = 1_000;
/// Edits are spread over about this long, so syncs (every second) meet work in progress.
const EDITING: Duration = Duration::from_secs(10);

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

/// What every copy must agree on: each document's annotations and links, by uid.
fn digest(p: &Project) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for id in p.document_ids().unwrap() {
        let r = p.document_record(id, &Scope::default()).unwrap();
        let mut annotations: Vec<_> = r
            .annotations
            .iter()
            .map(|a| (a.uid.clone(), a.label.clone(), a.start, a.end))
            .collect();
        annotations.sort();
        annotations.hash(&mut h);
        let uid = |id: i64| r.annotation(id).map(|a| a.uid.clone()).unwrap_or_default();
        let mut links: Vec<_> = r
            .relations
            .iter()
            .map(|l| (uid(l.from_id), uid(l.to_id)))
            .collect();
        links.sort();
        links.hash(&mut h);
    }
    h.finish()
}

/// One coder's process: edits, syncing every second, then syncs until every coder is done and
/// nothing is left to pull. Prints `last_edit_ms converged_ms digest`.
fn coder(path: &Path, url: &str, name: &str, done_dir: &Path, seed: u64) {
    let mut p = Project::open_existing(path).unwrap();
    let mut server = Server::connect(url).unwrap();
    let me = p.coder_id(name).unwrap();
    let doc = p.document_ids().unwrap()[0];
    let labels = p.labels().unwrap();
    let len = p.document_text(doc).unwrap().chars().count();
    let mut state = seed;
    let mut below = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n.max(1)
    };
    let started = Instant::now();
    let mut last_sync = Instant::now();
    for i in 0..EDITS {
        let mine: Vec<_> = p
            .annotations(doc)
            .unwrap()
            .into_iter()
            .filter(|a| a.annotator_id == me)
            .collect();
        match below(10) {
            0..=4 => {
                let start = below(len - 30);
                let label = labels[below(labels.len())].id;
                p.create_annotation(
                    doc,
                    label,
                    Span::new(start, start + 1 + below(25)).unwrap(),
                    me,
                    Utc::now(),
                )
                .unwrap();
            }
            5 if !mine.is_empty() => {
                let a = &mine[below(mine.len())];
                p.delete_annotation(a.id, me, Utc::now()).unwrap();
            }
            6 if mine.len() >= 2 => {
                let a = &mine[below(mine.len())];
                let edit = claimdesk_core::AnnotationEdit {
                    label_id: Some(labels[below(labels.len())].id),
                    ..Default::default()
                };
                p.update_annotation(a.id, &edit, me, Utc::now()).unwrap();
            }
            7 => {
                p.undo_step(me, Utc::now()).unwrap();
            }
            _ => {
                p.redo_step(me, Utc::now()).unwrap();
            }
        }
        if last_sync.elapsed() >= Duration::from_secs(1) {
            sync(&mut p, &mut server, Utc::now()).unwrap();
            last_sync = Instant::now();
        }
        // Keep to the pace: edit i is due at i/EDITS of the editing time.
        let due = EDITING.mul_f64((i + 1) as f64 / EDITS as f64);
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
    }
    let last_edit = now_ms();
    sync(&mut p, &mut server, Utc::now()).unwrap();
    std::fs::write(done_dir.join(name), "").unwrap();
    // Every second: sync; converged once every coder is done and a sync brings nothing new
    // after all of them were done.
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let all_done = std::fs::read_dir(done_dir).unwrap().count() == CODERS;
        let synced = sync(&mut p, &mut server, Utc::now()).unwrap();
        assert!(synced.not_applied.is_empty(), "{name}: {synced:?}");
        if all_done && synced.pulled == 0 && synced.pushed == 0 {
            // One more look: a coder may have pushed their last changes just now.
            let synced = sync(&mut p, &mut server, Utc::now()).unwrap();
            if synced.pulled == 0 {
                break;
            }
        }
    }
    println!("{last_edit} {} {}", now_ms(), digest(&p));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--coder") {
        let a = &args[i + 1..];
        coder(
            Path::new(&a[0]),
            &a[1],
            &a[2],
            Path::new(&a[3]),
            a[4].parse().unwrap(),
        );
        return;
    }
    let var =
        |k: &str| std::env::var(k).expect("run under scripts/with-postgres.sh (make bench does)");
    let (host, port, user, password) = (
        var("PGHOST"),
        var("PGPORT"),
        var("PGUSER"),
        var("PGPASSWORD"),
    );
    let url = |role: &str, pw: &str, db: &str| format!("postgres://{role}:{pw}@{host}:{port}/{db}");
    let db = format!("converge_{}", std::process::id());
    let mut admin =
        postgres::Client::connect(&url(&user, &password, "postgres"), postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .unwrap();
    let names: Vec<String> = (0..CODERS).map(|i| format!("coder{i}")).collect();
    let mut roles = BTreeMap::new();
    for name in &names {
        let role = format!("{name}_{db}");
        admin
            .batch_execute(&format!("CREATE ROLE {role} LOGIN PASSWORD 'pw'"))
            .unwrap();
        roles.insert(name.clone(), role);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut local = Project::open(&dir.path().join("local.claimdesk")).unwrap();
    let mut first = 0;
    for name in &names {
        first = local.annotator(name, Utc::now()).unwrap();
    }
    let text = claimdesk_store::SAMPLE_ARTICLE.repeat(4);
    local
        .import_document(
            &NewDocument::from_plain_text(&text, "long.txt"),
            first,
            Utc::now(),
        )
        .unwrap();
    publish(
        &mut local,
        &mut Server::connect(&url(&user, &password, &db)).unwrap(),
        &roles,
        Utc::now(),
    )
    .unwrap();
    let done = dir.path().join("done");
    std::fs::create_dir(&done).unwrap();
    let mut children = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let path: PathBuf = dir.path().join(format!("{name}.claimdesk"));
        let role_url = url(&roles[name], "pw", &db);
        join(&mut Server::connect(&role_url).unwrap(), &path, Utc::now()).unwrap();
        children.push((path, role_url, name.clone(), i as u64 + 1));
    }
    let started = Instant::now();
    let running: Vec<_> = children
        .iter()
        .map(|(path, role_url, name, seed)| {
            Command::new(std::env::current_exe().unwrap())
                .arg("--coder")
                .arg(path)
                .arg(role_url)
                .arg(name)
                .arg(&done)
                .arg(seed.to_string())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut results = Vec::new();
    for child in running {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "a coder's process failed");
        let line = String::from_utf8(out.stdout).unwrap();
        let f: Vec<u128> = line
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        results.push((f[0], f[1], f[2] as u64));
    }
    let last_edit = results.iter().map(|r| r.0).max().unwrap();
    let converged = results.iter().map(|r| r.1).max().unwrap();
    let same = results.iter().all(|r| r.2 == results[0].2);
    let changes: i64 = postgres::Client::connect(&url(&user, &password, &db), postgres::NoTls)
        .unwrap()
        .query_one("SELECT count(*) FROM changes", &[])
        .unwrap()
        .get(0);
    println!(
        "team sync: {CODERS} coders × {EDITS} edits ({changes} changes on the server) in {:.1} s; \
         every copy identical: {same}; converged {:.2} s after the last edit (target < 5 s)",
        started.elapsed().as_secs_f64(),
        (converged.saturating_sub(last_edit)) as f64 / 1000.0
    );
    assert!(same, "the copies differ");
    admin.batch_execute(&format!("DROP DATABASE {db}")).ok();
}
