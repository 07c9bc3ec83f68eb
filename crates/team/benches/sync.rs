//! `make bench`: sync figures against a local PostgreSQL (run under `scripts/with-postgres.sh`, which sets
//! PGHOST, PGPORT, PGUSER and PGPASSWORD): 10,000 changes pushed by one coder, then pulled by
//! another.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::Utc;
use claimdesk_core::{NewDocument, Span};
use claimdesk_store::Project;
use claimdesk_team::{join, publish, sync, Server};

const CHANGES: usize = 10_000;

fn main() {
    let var =
        |k: &str| std::env::var(k).expect("run under scripts/with-postgres.sh (make bench does)");
    let (host, port, user, password) = (
        var("PGHOST"),
        var("PGPORT"),
        var("PGUSER"),
        var("PGPASSWORD"),
    );
    let url = |role: &str, pw: &str, db: &str| format!("postgres://{role}:{pw}@{host}:{port}/{db}");
    let db = format!("bench_{}", std::process::id());
    let mut admin =
        postgres::Client::connect(&url(&user, &password, "postgres"), postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .unwrap();
    let (ana_role, ben_role) = (format!("ana_{db}"), format!("ben_{db}"));
    for role in [&ana_role, &ben_role] {
        admin
            .batch_execute(&format!("CREATE ROLE {role} LOGIN PASSWORD 'pw'"))
            .unwrap();
    }

    let dir = tempfile::tempdir().unwrap();
    let mut local = Project::open(&dir.path().join("local.claimdesk")).unwrap();
    let ana_local = local.annotator("ana", Utc::now()).unwrap();
    local.annotator("ben", Utc::now()).unwrap();
    let text = claimdesk_store::SAMPLE_ARTICLE.repeat(20);
    local
        .import_document(
            &NewDocument::from_plain_text(&text, "long.txt"),
            ana_local,
            Utc::now(),
        )
        .unwrap();
    let roles = BTreeMap::from([
        ("ana".to_string(), ana_role.clone()),
        ("ben".to_string(), ben_role.clone()),
    ]);
    publish(
        &mut local,
        &mut Server::connect(&url(&user, &password, &db)).unwrap(),
        &roles,
        Utc::now(),
    )
    .unwrap();
    let (ana_path, ben_path) = (
        dir.path().join("ana.claimdesk"),
        dir.path().join("ben.claimdesk"),
    );
    let ana_url = url(&ana_role, "pw", &db);
    let ben_url = url(&ben_role, "pw", &db);
    join(
        &mut Server::connect(&ana_url).unwrap(),
        &ana_path,
        Utc::now(),
    )
    .unwrap();
    join(
        &mut Server::connect(&ben_url).unwrap(),
        &ben_path,
        Utc::now(),
    )
    .unwrap();
    let mut ana = Project::open_existing(&ana_path).unwrap();
    let mut ben = Project::open_existing(&ben_path).unwrap();
    let coder = ana.coder_id("ana").unwrap();
    let doc = ana.document_ids().unwrap()[0];
    let label = ana.labels().unwrap()[0].id;
    let len = text.chars().count();
    for i in 0..CHANGES {
        let start = (i * 37) % (len - 10);
        ana.create_annotation(
            doc,
            label,
            Span::new(start, start + 5).unwrap(),
            coder,
            Utc::now(),
        )
        .unwrap();
    }

    let mut server = Server::connect(&ana_url).unwrap();
    let started = Instant::now();
    let pushed = sync(&mut ana, &mut server, Utc::now()).unwrap();
    let push = started.elapsed().as_secs_f64();
    let mut server = Server::connect(&ben_url).unwrap();
    let started = Instant::now();
    let pulled = sync(&mut ben, &mut server, Utc::now()).unwrap();
    let pull = started.elapsed().as_secs_f64();
    println!(
        "team sync: {} changes pushed in {push:.2} s, {} pulled and applied in {pull:.2} s (target < 2 s each)",
        pushed.pushed, pulled.pulled
    );
    drop(server);
    admin.batch_execute(&format!("DROP DATABASE {db}")).ok();
}
