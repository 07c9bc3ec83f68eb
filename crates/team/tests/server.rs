//! Team projects against a real PostgreSQL server: the test run starts a throwaway cluster
//! (`make test` runs these through `scripts/with-postgres.sh`, which sets PGHOST, PGPORT, PGUSER and
//! PGPASSWORD for a superuser). Each test makes its own database and roles.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{TimeZone, Utc};
use claimdesk_core::adjudication::Rule;
use claimdesk_core::dataset::{EntityKind, Scope};
use claimdesk_core::history::Decision;
use claimdesk_core::{NewDocument, Span};
use claimdesk_store::{new_label, ImportOutcome, Project};
use claimdesk_team::{join, publish, sync, Server, TeamError};

const TEXT_A: &str =
    "Talks in Riyadh\n\n“We are ready to talk,” Tammy Bruce said. 🇺🇦 Lavrov agreed.\n";
const TEXT_B: &str = "Second day\n\nSergei Lavrov said the talks were useful.\n";

fn at(minute: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 3, minute, 0).unwrap()
}

/// The server the run started, as its superuser.
struct Pg {
    host: String,
    port: String,
    user: String,
    password: String,
}

fn pg() -> Pg {
    let var = |k: &str| {
        std::env::var(k).unwrap_or_else(|_| {
            panic!("{k} is not set: these tests need a PostgreSQL server; run them with `make test` (or scripts/team-test.sh), which starts one")
        })
    };
    Pg {
        host: var("PGHOST"),
        port: var("PGPORT"),
        user: var("PGUSER"),
        password: var("PGPASSWORD"),
    }
}

static SERIAL: AtomicU32 = AtomicU32::new(0);

/// A name no other test of this run (or an earlier run) uses.
fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        SERIAL.fetch_add(1, Ordering::SeqCst),
        Utc::now().timestamp_micros() % 1_000_000
    )
}

impl Pg {
    fn url(&self, role: &str, password: &str, db: &str) -> String {
        format!(
            "postgres://{role}:{password}@{}:{}/{db}",
            self.host, self.port
        )
    }

    fn admin(&self) -> postgres::Client {
        postgres::Client::connect(
            &self.url(&self.user, &self.password, "postgres"),
            postgres::NoTls,
        )
        .expect("the test server")
    }

    /// A new empty database, and the owner's URL to it.
    fn database(&self) -> (String, String) {
        let name = unique("team");
        self.admin()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let url = self.url(&self.user, &self.password, &name);
        (name, url)
    }

    /// A new login role; its name and password.
    fn role(&self, who: &str) -> (String, String) {
        let name = unique(who);
        let password = unique("pw");
        self.admin()
            .batch_execute(&format!("CREATE ROLE {name} LOGIN PASSWORD '{password}'"))
            .unwrap();
        (name, password)
    }
}

/// A project two coders coded: Ana and Ben on the first document, Ana on the second, which is
/// adjudicated; an entity; links.
fn coded_project(dir: &Path, blind: bool) -> Project {
    let mut p = Project::open(&dir.join("local.claimdesk")).unwrap();
    let ana = p.annotator("ana", at(0)).unwrap();
    let ben = p.annotator("ben", at(0)).unwrap();
    let mut docs = Vec::new();
    for text in [TEXT_A, TEXT_B] {
        match p
            .import_document(&NewDocument::from_plain_text(text, "t.txt"), ana, at(1))
            .unwrap()
        {
            ImportOutcome::Imported(id) => docs.push(id),
            other => panic!("{other:?}"),
        }
    }
    let label = |p: &Project, name: &str| {
        p.labels()
            .unwrap()
            .into_iter()
            .find(|l| l.name == name)
            .unwrap()
            .id
    };
    let (actor, claim) = (label(&p, "Actor"), label(&p, "Claim"));
    let span = |text: &str, needle: &str| {
        let b = text.find(needle).unwrap();
        let s = text[..b].chars().count();
        Span::new(s, s + needle.chars().count()).unwrap()
    };
    let bruce = p
        .create_entity(EntityKind::Actor, "Tammy Bruce", ana, at(2))
        .unwrap();
    let a1 = p
        .create_annotation(docs[0], actor, span(TEXT_A, "Tammy Bruce"), ana, at(3))
        .unwrap();
    let c1 = p
        .create_annotation(
            docs[0],
            claim,
            span(TEXT_A, "“We are ready to talk,”"),
            ana,
            at(3),
        )
        .unwrap();
    p.create_relation("said_by", c1.id, a1.id, ana, at(4))
        .unwrap();
    p.update_annotation(
        a1.id,
        &claimdesk_core::AnnotationEdit {
            entity_id: Some(Some(bruce.id)),
            ..Default::default()
        },
        ana,
        at(4),
    )
    .unwrap();
    p.create_annotation(docs[0], actor, span(TEXT_A, "Lavrov"), ben, at(5))
        .unwrap();
    p.create_annotation(docs[1], actor, span(TEXT_B, "Sergei Lavrov"), ana, at(5))
        .unwrap();
    p.create_annotation(
        docs[1],
        claim,
        span(TEXT_B, "the talks were useful"),
        ben,
        at(5),
    )
    .unwrap();
    p.set_blind_mode(blind).unwrap();
    let curated = p.curated_coder(at(6)).unwrap();
    p.finish_adjudication(docs[1], true, curated, at(6))
        .unwrap();
    p
}

/// An annotation as it travels: uid, label, span, coder, entity name.
type Coded = (String, String, usize, usize, String, Option<String>);
/// A document's sha256, its annotations and its links (by the uids of their ends).
type DocumentCoding = (String, Vec<Coded>, Vec<(String, String)>);

/// Documents with their coding, compared by what travels: text, spans, labels, coders, uids.
fn coding(p: &Project) -> Vec<DocumentCoding> {
    let entities = p.project_info().unwrap().entities;
    let entity_name = |id: Option<i64>| {
        id.and_then(|id| entities.iter().find(|e| e.id == id))
            .map(|e| e.name.clone())
    };
    p.document_ids()
        .unwrap()
        .into_iter()
        .map(|id| {
            let r = p.document_record(id, &Scope::default()).unwrap();
            let uid_of = |aid: i64| r.annotation(aid).unwrap().uid.clone();
            let mut annotations: Vec<_> = r
                .annotations
                .iter()
                .map(|a| {
                    (
                        a.uid.clone(),
                        a.label.clone(),
                        a.start,
                        a.end,
                        a.annotator.clone(),
                        entity_name(a.entity_id),
                    )
                })
                .collect();
            annotations.sort();
            let mut relations: Vec<_> = r
                .relations
                .iter()
                .map(|l| (uid_of(l.from_id), uid_of(l.to_id)))
                .collect();
            relations.sort();
            (r.sha256, annotations, relations)
        })
        .collect()
}

/// What is shared, as it travels: labels (name, colour, key, attributes) and entities (kind,
/// name, aliases), each sorted.
fn shared(p: &Project) -> (Vec<String>, Vec<String>) {
    let mut labels: Vec<String> = p
        .labels()
        .unwrap()
        .into_iter()
        .map(|l| {
            format!(
                "{} {} {:?} {}",
                l.name,
                l.colour,
                l.hotkey,
                serde_json::to_string(&l.attributes).unwrap()
            )
        })
        .collect();
    labels.sort();
    let mut entities: Vec<String> = p
        .entities(None)
        .unwrap()
        .into_iter()
        .map(|(e, _)| format!("{:?} {} {:?}", e.kind, e.name, e.aliases))
        .collect();
    entities.sort();
    (labels, entities)
}

#[test]
fn joining_as_the_owner_gives_the_published_project() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let mut local = coded_project(dir.path(), false);
    let (_, owner) = pg.database();
    let mut server = Server::connect(&owner).unwrap();
    let published = publish(&mut local, &mut server, &BTreeMap::new(), at(7)).unwrap();
    assert_eq!((published.documents, published.annotations), (2, 5));
    assert!(published.changes >= 8, "{published:?}");

    let copy = dir.path().join("copy.claimdesk");
    let joined = join(&mut Server::connect(&owner).unwrap(), &copy, at(8)).unwrap();
    assert_eq!((joined.documents, joined.annotations), (2, 5));
    let copy = Project::open_existing(&copy).unwrap();
    assert_eq!(coding(&copy), coding(&local));
    assert_eq!(copy.labels().unwrap(), local.labels().unwrap());
    let second = copy.document_ids().unwrap()[1];
    assert!(copy.adjudicated(second).unwrap());
    // Linked to the server, without the password.
    let link = copy.setting(claimdesk_team::TEAM_SETTING).unwrap().unwrap();
    assert!(link["server"].as_str().unwrap().starts_with("postgres://"));
    assert!(!link.to_string().contains(&pg.password));
}

#[test]
fn in_blind_mode_a_coder_reads_only_their_own_coding_until_adjudicated() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let mut local = coded_project(dir.path(), true);
    let (db, owner) = pg.database();
    let (ana_role, ana_pw) = pg.role("ana");
    let (ben_role, _) = pg.role("ben");
    let roles = BTreeMap::from([
        ("ana".to_string(), ana_role.clone()),
        ("ben".to_string(), ben_role),
    ]);
    publish(
        &mut local,
        &mut Server::connect(&owner).unwrap(),
        &roles,
        at(7),
    )
    .unwrap();

    let ana_url = pg.url(&ana_role, &ana_pw, &db);
    let path = dir.path().join("ana.claimdesk");
    let joined = join(&mut Server::connect(&ana_url).unwrap(), &path, at(8)).unwrap();
    assert_eq!(joined.coder.as_deref(), Some("ana"));
    let mine = Project::open_existing(&path).unwrap();
    assert!(mine.blind_mode().unwrap());
    let coded = coding(&mine);
    // The first document: Ana's two, not Ben's; the second (adjudicated): both coders'.
    assert_eq!(coded[0].1.len(), 2, "{:?}", coded[0]);
    assert!(coded[0].1.iter().all(|a| a.4 == "ana"));
    assert_eq!(coded[0].2.len(), 1, "Ana's link");
    assert_eq!(coded[1].1.len(), 2);

    // The server itself refuses: Ana's role reads no row of Ben's coding of the first document.
    let mut client = postgres::Client::connect(&ana_url, postgres::NoTls).unwrap();
    let bens: i64 = client
        .query_one(
            "SELECT count(*) FROM coding c JOIN documents d USING (sha256) WHERE c.coder = 'ben' AND d.position = 0",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(bens, 0);
    let seen: i64 = client
        .query_one(
            "SELECT count(*) FROM changes WHERE coder = 'ben' AND document IS NOT NULL",
            &[],
        )
        .unwrap()
        .get(0);
    let all: i64 = pg_count(
        &owner,
        "SELECT count(*) FROM changes WHERE coder = 'ben' AND document IS NOT NULL",
    );
    assert!(
        seen < all,
        "Ben's changes to the first document are hidden ({seen} of {all})"
    );
}

/// The owner marks a document adjudicated after publication: in blind mode, the coders' copies
/// then bring what the others coded on it (at publication, and changes their pulls passed by
/// unread), and end with the owner's coding of it. Taking the mark back reaches them too.
#[test]
fn a_document_adjudicated_later_opens_to_every_coder_in_blind_mode() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        mut local,
        owner,
        ana_url,
        ben_url,
        mut ana,
        mut ben,
    } = pair_in(&pg, dir.path(), true);

    // Ben codes the first document again; Ana's pull cannot read it.
    let ben_doc = ben.document_ids().unwrap()[0];
    let claim = ben
        .labels()
        .unwrap()
        .into_iter()
        .find(|l| l.name == "Claim")
        .unwrap()
        .id;
    let ben_id = ben.coder_id("ben").unwrap();
    ben.create_annotation(ben_doc, claim, Span::new(17, 40).unwrap(), ben_id, at(9))
        .unwrap();
    sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(9)).unwrap();
    let before = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(10)).unwrap();
    assert_eq!(before.pulled, 0, "{before:?}");
    let ana_doc = ana.document_ids().unwrap()[0];
    assert!(!ana.adjudicated(ana_doc).unwrap());
    assert!(coding(&ana)[0].1.iter().all(|a| a.4 == "ana"));

    // The owner adjudicates it.
    let doc = local.document_ids().unwrap()[0];
    let curated = local.curated_coder(at(11)).unwrap();
    local
        .finish_adjudication(doc, true, curated, at(11))
        .unwrap();
    sync(&mut local, &mut Server::connect(&owner).unwrap(), at(11)).unwrap();
    assert_eq!(
        pg_count(&owner, "SELECT count(*) FROM adjudicated"),
        2,
        "the owner's mark reached the server"
    );
    let opened = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(12)).unwrap();
    assert_eq!(
        opened.opened_annotations, 1,
        "Ben's coding at publication: {opened:?}"
    );
    assert_eq!(opened.pulled, 1, "Ben's change since: {opened:?}");
    assert!(opened.not_applied.is_empty(), "{opened:?}");
    assert!(ana.adjudicated(ana_doc).unwrap());
    assert_eq!(
        coding(&ana)[0],
        coding(&local)[0],
        "Ana's copy holds everyone's coding"
    );
    let again = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(13)).unwrap();
    assert_eq!(
        (again.pulled, again.opened_annotations),
        (0, 0),
        "{again:?}"
    );

    // The owner takes the mark back: every copy follows.
    local
        .finish_adjudication(doc, false, curated, at(14))
        .unwrap();
    sync(&mut local, &mut Server::connect(&owner).unwrap(), at(14)).unwrap();
    sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(15)).unwrap();
    assert!(!ana.adjudicated(ana_doc).unwrap());
    assert_eq!(pg_count(&owner, "SELECT count(*) FROM adjudicated"), 1);
}

fn pg_count(url: &str, sql: &str) -> i64 {
    postgres::Client::connect(url, postgres::NoTls)
        .unwrap()
        .query_one(sql, &[])
        .unwrap()
        .get(0)
}

#[test]
fn a_coder_role_cannot_write_a_change_as_another_coder() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let mut local = coded_project(dir.path(), false);
    let (db, owner) = pg.database();
    let (ana_role, ana_pw) = pg.role("ana");
    let roles = BTreeMap::from([("ana".to_string(), ana_role.clone())]);
    publish(
        &mut local,
        &mut Server::connect(&owner).unwrap(),
        &roles,
        at(7),
    )
    .unwrap();
    let mut client =
        postgres::Client::connect(&pg.url(&ana_role, &ana_pw, &db), postgres::NoTls).unwrap();
    let insert = "INSERT INTO changes (uid, coder, action, kind, payload, made_at)
                  VALUES ($1, $2, 'do', 'annotation_created', '{}'::jsonb, now())";
    let err = client
        .execute(insert, &[&"0193e0a0-0000-7000-8000-0000000000ff", &"ben"])
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
        "{err}"
    );
    client
        .execute(insert, &[&"0193e0a0-0000-7000-8000-0000000000fe", &"ana"])
        .unwrap();
    // Nor may it change the published project.
    let err = client.execute("DELETE FROM documents", &[]).unwrap_err();
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
        "{err}"
    );
}

#[test]
fn what_cannot_be_done_is_refused_and_says_why() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let mut local = coded_project(dir.path(), false);
    let (_, owner) = pg.database();
    // Joining before anything is published; an unknown coder's role; publishing twice.
    let err = join(
        &mut Server::connect(&owner).unwrap(),
        &dir.path().join("x.claimdesk"),
        at(7),
    )
    .err()
    .unwrap();
    assert!(matches!(err, TeamError::NotPublished), "{err}");
    assert!(!dir.path().join("x.claimdesk").exists(), "nothing made");
    let roles = BTreeMap::from([("zoe".to_string(), "nobody".to_string())]);
    let err = publish(
        &mut local,
        &mut Server::connect(&owner).unwrap(),
        &roles,
        at(7),
    )
    .unwrap_err();
    assert_eq!(err.code(), "bad_team_role", "{err}");
    let roles = BTreeMap::from([("ana".to_string(), unique("missing"))]);
    let err = publish(
        &mut local,
        &mut Server::connect(&owner).unwrap(),
        &roles,
        at(7),
    )
    .unwrap_err();
    assert!(err.to_string().contains("there is no role"), "{err}");
    // A refused publication left nothing behind: it can be made now.
    publish(
        &mut local,
        &mut Server::connect(&owner).unwrap(),
        &BTreeMap::new(),
        at(7),
    )
    .unwrap();
    let err = publish(
        &mut local,
        &mut Server::connect(&owner).unwrap(),
        &BTreeMap::new(),
        at(8),
    )
    .unwrap_err();
    assert_eq!(err.code(), "team_published", "{err}");
    // Joining into an existing file.
    let existing = dir.path().join("local.claimdesk");
    let err = join(&mut Server::connect(&owner).unwrap(), &existing, at(9))
        .err()
        .unwrap();
    assert_eq!(err.code(), "project_exists");
    // A wrong password, an unreachable port, a malformed URL.
    let wrong = pg.url(&pg.user, "not-the-password", "postgres");
    let err = Server::connect(&wrong).err().unwrap();
    assert_eq!(err.code(), "team_unreachable", "{err}");
    assert!(!err.to_string().contains("not-the-password"), "{err}");
    let err = Server::connect("postgres://nobody@127.0.0.1:1/none")
        .err()
        .unwrap();
    assert_eq!(err.code(), "team_unreachable");
    let err = Server::connect("postgres://ana@host:notaport/db")
        .err()
        .unwrap();
    assert_eq!(err.code(), "bad_team_url", "{err}");
}

/// The coded project published, and Ana's and Ben's copies of it.
struct Pair {
    local: Project,
    owner: String,
    ana_url: String,
    ben_url: String,
    ana: Project,
    ben: Project,
}

fn pair(pg: &Pg, dir: &Path) -> Pair {
    pair_in(pg, dir, false)
}

/// [`pair`], with blind mode on or off.
fn pair_in(pg: &Pg, dir: &Path, blind: bool) -> Pair {
    let mut local = coded_project(dir, blind);
    let (db, owner) = pg.database();
    let (ana_role, ana_pw) = pg.role("ana");
    let (ben_role, ben_pw) = pg.role("ben");
    let roles = BTreeMap::from([
        ("ana".to_string(), ana_role.clone()),
        ("ben".to_string(), ben_role.clone()),
    ]);
    publish(
        &mut local,
        &mut Server::connect(&owner).unwrap(),
        &roles,
        at(7),
    )
    .unwrap();
    let ana_url = pg.url(&ana_role, &ana_pw, &db);
    let ben_url = pg.url(&ben_role, &ben_pw, &db);
    let (ana_path, ben_path) = (dir.join("ana.claimdesk"), dir.join("ben.claimdesk"));
    join(&mut Server::connect(&ana_url).unwrap(), &ana_path, at(8)).unwrap();
    join(&mut Server::connect(&ben_url).unwrap(), &ben_path, at(8)).unwrap();
    Pair {
        local,
        owner,
        ana_url,
        ben_url,
        ana: Project::open_existing(&ana_path).unwrap(),
        ben: Project::open_existing(&ben_path).unwrap(),
    }
}

/// A push numbered before another but committed after it would be passed over by a pull that
/// read past its numbers in between: pushes take their numbers one at a time, in the order they
/// become visible. While another push holds that order, a sync waits for it.
#[test]
fn pushes_are_numbered_in_the_order_they_become_visible() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        owner,
        ana_url,
        mut ana,
        ..
    } = pair(&pg, dir.path());
    let doc = ana.document_ids().unwrap()[0];
    let label = ana.labels().unwrap()[0].id;
    let me = ana.coder_id("ana").unwrap();
    ana.create_annotation(doc, label, Span::new(0, 3).unwrap(), me, at(9))
        .unwrap();
    let mut holder = postgres::Client::connect(&owner, postgres::NoTls).unwrap();
    let mut other_push = holder.transaction().unwrap();
    other_push
        .execute(
            "SELECT pg_advisory_xact_lock($1)",
            &[&0x636c_6169_6d64_736b_i64],
        )
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let syncing = std::thread::spawn(move || {
        let synced = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(10)).unwrap();
        tx.send(synced.pushed).unwrap();
    });
    std::thread::sleep(std::time::Duration::from_millis(700));
    assert!(
        rx.try_recv().is_err(),
        "the sync pushed while another push held the order"
    );
    other_push.commit().unwrap();
    assert_eq!(
        rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap(),
        1
    );
    syncing.join().unwrap();
}

#[test]
fn two_coders_code_the_same_document_at_once_and_sync_to_the_same_project() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        mut local,
        owner,
        ana_url,
        ben_url,
        mut ana,
        mut ben,
    } = pair(&pg, dir.path());
    let (ana_id, ben_id) = (ana.coder_id("ana").unwrap(), ben.coder_id("ben").unwrap());
    let doc_a = ana.document_ids().unwrap()[0];
    let doc_b = ben.document_ids().unwrap()[0];
    let label = |p: &Project, name: &str| {
        p.labels()
            .unwrap()
            .into_iter()
            .find(|l| l.name == name)
            .unwrap()
            .id
    };
    let span = |needle: &str| {
        let b = TEXT_A.find(needle).unwrap();
        let s = TEXT_A[..b].chars().count();
        Span::new(s, s + needle.chars().count()).unwrap()
    };

    // Offline, at once: Ana adds an actor and a claim with a link and relabels hers; Ben adds
    // one, deletes his earlier one, and undoes and redoes.
    let actor = ana
        .create_annotation(
            doc_a,
            label(&ana, "Actor"),
            span("Lavrov agreed"),
            ana_id,
            at(9),
        )
        .unwrap();
    let claim = ana
        .create_annotation(doc_a, label(&ana, "Claim"), span("agreed"), ana_id, at(9))
        .unwrap();
    ana.create_relation("said_by", claim.id, actor.id, ana_id, at(9))
        .unwrap();
    ben.create_annotation(
        doc_b,
        label(&ben, "Claim"),
        span("ready to talk"),
        ben_id,
        at(9),
    )
    .unwrap();
    let bens_old = ben
        .annotations(doc_b)
        .unwrap()
        .into_iter()
        .find(|a| a.annotator_id == ben_id && a.quote == "Lavrov")
        .unwrap();
    ben.delete_annotation(bens_old.id, ben_id, at(10)).unwrap();
    ben.undo(ben_id, at(10)).unwrap().unwrap();
    ben.redo(ben_id, at(10)).unwrap().unwrap();

    // Each syncs (Ana first, so Ben sees hers at once; Ana sees Ben's at her second sync).
    let first = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(11)).unwrap();
    assert_eq!(first.pushed, 3, "{first:?}");
    let bens = sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(11)).unwrap();
    assert_eq!((bens.pushed, bens.pulled), (4, 3), "{bens:?}");
    assert!(bens.not_applied.is_empty(), "{bens:?}");
    let second = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(12)).unwrap();
    assert_eq!((second.pushed, second.pulled), (0, 4), "{second:?}");
    assert_eq!(coding(&ana), coding(&ben), "both copies end the same");
    assert!(coding(&ana)[0]
        .1
        .iter()
        .any(|a| a.4 == "ben" && a.1 == "Claim"));
    assert!(
        !coding(&ana)[0]
            .1
            .iter()
            .any(|a| a.4 == "ben" && a.1 == "Actor"),
        "Ben's deletion arrived"
    );

    // Again: nothing new either way, and the server holds each change once.
    let again = sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(13)).unwrap();
    assert_eq!((again.pushed, again.pulled), (0, 0));
    let count = pg_count(
        &owner,
        "SELECT count(*) FROM changes WHERE made_at > '2026-12-06 03:08:00+00'",
    );
    let distinct = pg_count(&owner, "SELECT count(DISTINCT uid) FROM changes");
    let all = pg_count(&owner, "SELECT count(*) FROM changes");
    assert_eq!(count, 7);
    assert_eq!(distinct, all);
    // The owner's copy pulls everyone's.
    let owner_sync = sync(&mut local, &mut Server::connect(&owner).unwrap(), at(14)).unwrap();
    assert_eq!(owner_sync.pulled, 7, "{owner_sync:?}");
    assert_eq!(coding(&local), coding(&ana));
    let owner_again = sync(&mut local, &mut Server::connect(&owner).unwrap(), at(15)).unwrap();
    assert_eq!(
        (owner_again.pushed, owner_again.pulled),
        (0, 0),
        "what the owner's copy pulled is not sent back: {owner_again:?}"
    );
}

/// Every copy's decisions on a document, with the curated annotations (label, span).
/// A document's decisions, and its curated annotations (label, start, end).
type Adjudicated = (Vec<Option<Decision>>, Vec<(String, usize, usize)>);

fn adjudicated(p: &Project, doc: i64) -> Adjudicated {
    let state = p.adjudication(doc, None, Rule::All).unwrap();
    let labels = p.labels().unwrap();
    let mut curated: Vec<_> = state
        .curated
        .iter()
        .map(|a| {
            let label = labels.iter().find(|l| l.id == a.label_id).unwrap();
            (label.name.clone(), a.start, a.end)
        })
        .collect();
    curated.sort();
    let decisions = state
        .decisions
        .into_iter()
        .map(|d| {
            d.map(|d| Decision {
                document_id: 0,
                ..d
            })
        })
        .collect();
    (decisions, curated)
}

/// The owner adjudicates a document both coders coded; the decision and the curated version
/// reach every copy. Then the owner and Ben settle another disagreement at once, differently:
/// every copy ends with the later one in the server's order, and only its curated annotations.
#[test]
fn adjudication_decisions_travel_and_the_later_of_two_wins_everywhere() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        mut local,
        owner,
        ana_url,
        ben_url,
        mut ana,
        mut ben,
    } = pair(&pg, dir.path());
    let doc = local.document_ids().unwrap()[0];
    let curated = local.curated_coder(at(9)).unwrap();
    let ana_id = local.coder_id("ana").unwrap();
    let state = local.adjudication(doc, None, Rule::All).unwrap();
    assert!(
        state.plan.disagreements.len() >= 2,
        "{:?}",
        state.plan.disagreements
    );
    local
        .decide(doc, None, Rule::All, 0, Some(ana_id), curated, at(9))
        .unwrap();
    let mine = sync(&mut local, &mut Server::connect(&owner).unwrap(), at(10)).unwrap();
    assert!(mine.not_sent == 0, "{mine:?}");
    for (copy, url) in [(&mut ana, &ana_url), (&mut ben, &ben_url)] {
        let synced = sync(copy, &mut Server::connect(url).unwrap(), at(11)).unwrap();
        assert!(synced.not_applied.is_empty(), "{synced:?}");
        let there = copy.document_ids().unwrap()[0];
        assert_eq!(adjudicated(copy, there), adjudicated(&local, doc));
    }
    let (decisions, curated_layer) = adjudicated(&ana, ana.document_ids().unwrap()[0]);
    assert_eq!(
        decisions[0].as_ref().unwrap().accepted.as_deref(),
        Some("ana")
    );
    assert!(
        !curated_layer.is_empty(),
        "Ana's version is in the curated layer"
    );

    // At once: the owner accepts Ana's version of the second disagreement, Ben rejects both.
    local
        .decide(doc, None, Rule::All, 1, Some(ana_id), curated, at(12))
        .unwrap();
    let ben_doc = ben.document_ids().unwrap()[0];
    let ben_id = ben.coder_id("ben").unwrap();
    ben.decide(ben_doc, None, Rule::All, 1, None, ben_id, at(12))
        .unwrap();
    sync(&mut local, &mut Server::connect(&owner).unwrap(), at(13)).unwrap();
    let bens = sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(13)).unwrap();
    assert_eq!(bens.pushed, 1, "{bens:?}");
    for _ in 0..2 {
        sync(&mut local, &mut Server::connect(&owner).unwrap(), at(14)).unwrap();
        sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(14)).unwrap();
        sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(14)).unwrap();
    }
    let (decisions, curated_layer) = adjudicated(&local, doc);
    assert_eq!(
        decisions[1].as_ref().unwrap().accepted,
        None,
        "Ben's came later"
    );
    assert_eq!(
        adjudicated(&ana, ana.document_ids().unwrap()[0]),
        (decisions.clone(), curated_layer.clone())
    );
    assert_eq!(adjudicated(&ben, ben_doc), (decisions, curated_layer));
    assert_eq!(coding(&local), coding(&ana));
    assert_eq!(coding(&ben), coding(&ana));
}

/// Entities as every copy must end: kind, name, aliases and the quotes of their mentions.
fn entity_mentions(p: &Project) -> Vec<(String, Vec<String>, Vec<String>)> {
    let docs = p.document_ids().unwrap();
    let mut out: Vec<_> = p
        .entities(None)
        .unwrap()
        .into_iter()
        .map(|(e, _)| {
            let mut quotes: Vec<String> = docs
                .iter()
                .flat_map(|&d| p.annotations(d).unwrap())
                .filter(|a| a.entity_id == Some(e.id))
                .map(|a| format!("{}@{}", a.quote, a.uid))
                .collect();
            quotes.sort();
            (e.name, e.aliases, quotes)
        })
        .collect();
    out.sort();
    out
}

/// Ana merges two entities while Ben, offline, links a mention to the one that goes and edits
/// the one that stays: both copies end with one entity holding every mention, as Ben left it.
/// Ana then undoes the merge: the merged entity is back in both copies with its mentions.
#[test]
fn merges_and_their_undoing_travel_and_meet_concurrent_edits() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        ana_url,
        ben_url,
        mut ana,
        mut ben,
        ..
    } = pair(&pg, dir.path());
    let (ana_id, ben_id) = (ana.coder_id("ana").unwrap(), ben.coder_id("ben").unwrap());
    let entity = |p: &Project, name: &str| {
        p.entities(None)
            .unwrap()
            .into_iter()
            .find(|(e, _)| e.name == name)
            .unwrap()
            .0
    };
    let kept = entity(&ana, "Tammy Bruce");
    let merged = ana
        .create_entity(EntityKind::Actor, "T. Bruce", ana_id, at(9))
        .unwrap();
    // Ana's Bruce mention points to the new entity.
    let doc = ana.document_ids().unwrap()[0];
    let mention = ana
        .annotations(doc)
        .unwrap()
        .into_iter()
        .find(|a| a.entity_id == Some(kept.id))
        .unwrap();
    let edit = |id: Option<i64>| claimdesk_core::AnnotationEdit {
        entity_id: Some(id),
        ..Default::default()
    };
    ana.update_annotation(mention.id, &edit(Some(merged.id)), ana_id, at(9))
        .unwrap();
    sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(9)).unwrap();
    sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(9)).unwrap();
    assert_eq!(entity_mentions(&ana), entity_mentions(&ben));

    // At once: Ana merges; Ben links his Lavrov mention to "T. Bruce" and gives "Tammy Bruce"
    // an alias.
    ana.merge_entities(kept.id, merged.id, ana_id, at(10))
        .unwrap();
    let ben_doc = ben.document_ids().unwrap()[0];
    let lavrov = ben
        .annotations(ben_doc)
        .unwrap()
        .into_iter()
        .find(|a| a.annotator_id == ben_id && a.quote == "Lavrov")
        .unwrap();
    let bens_merged = entity(&ben, "T. Bruce");
    ben.update_annotation(lavrov.id, &edit(Some(bens_merged.id)), ben_id, at(10))
        .unwrap();
    let mut bens_kept = entity(&ben, "Tammy Bruce");
    bens_kept.aliases = vec!["TB".into()];
    ben.update_entity(&bens_kept, ben_id, at(10)).unwrap();

    let first = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(11)).unwrap();
    assert_eq!(first.not_sent, 0, "the merge is sent: {first:?}");
    for _ in 0..2 {
        for (copy, url) in [(&mut ben, &ben_url), (&mut ana, &ana_url)] {
            let s = sync(copy, &mut Server::connect(url).unwrap(), at(12)).unwrap();
            assert!(s.not_applied.is_empty() && s.declined.is_empty(), "{s:?}");
        }
    }
    let after_merge = entity_mentions(&ana);
    assert_eq!(
        after_merge,
        entity_mentions(&ben),
        "both copies end the same"
    );
    assert!(
        !after_merge.iter().any(|e| e.0 == "T. Bruce"),
        "{after_merge:?}"
    );
    let bruce = after_merge.iter().find(|e| e.0 == "Tammy Bruce").unwrap();
    assert_eq!(bruce.1, vec!["TB".to_string()], "Ben's later edit stays");
    assert_eq!(bruce.2.len(), 2, "every mention: {bruce:?}");

    // Ana undoes the merge.
    ana.undo(ana_id, at(13)).unwrap().unwrap();
    let undone = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(13)).unwrap();
    assert_eq!(undone.not_sent, 0, "the undone merge is sent: {undone:?}");
    let s = sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(14)).unwrap();
    assert!(s.not_applied.is_empty(), "{s:?}");
    let split = entity_mentions(&ana);
    assert_eq!(split, entity_mentions(&ben));
    let back = split.iter().find(|e| e.0 == "T. Bruce").unwrap();
    assert_eq!(back.2.len(), 1, "its mention at the merge: {split:?}");
    assert_eq!(coding(&ana), coding(&ben));
}

/// Ana deletes a label with the annotations that have it while Ben, offline, codes with it:
/// every copy drops what had it before the deletion in the server's order, and Ben's later
/// annotation brings the label back. Then Ana deletes the link type both coders used, and
/// undoes it: the links go from every copy and come back.
#[test]
fn deletions_in_use_travel_and_meet_concurrent_coding() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        ana_url,
        ben_url,
        mut ana,
        mut ben,
        ..
    } = pair(&pg, dir.path());
    let (ana_id, ben_id) = (ana.coder_id("ana").unwrap(), ben.coder_id("ben").unwrap());
    let topic = ana
        .create_label(&new_label("Topic", "#336699", None), ana_id, at(9))
        .unwrap();
    sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(9)).unwrap();
    sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(9)).unwrap();
    let label_of =
        |p: &Project, name: &str| p.labels().unwrap().into_iter().find(|l| l.name == name);
    let doc_a = ana.document_ids().unwrap()[0];
    let doc_b = ben.document_ids().unwrap()[0];
    ana.create_annotation(doc_a, topic.id, Span::new(0, 5).unwrap(), ana_id, at(10))
        .unwrap();
    ana.delete_label(topic.id, ana_id, at(10)).unwrap();
    let bens_topic = label_of(&ben, "Topic").unwrap().id;
    ben.create_annotation(doc_b, bens_topic, Span::new(6, 15).unwrap(), ben_id, at(10))
        .unwrap();
    let first = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(11)).unwrap();
    assert_eq!(first.not_sent, 0, "the deletion in use is sent: {first:?}");
    for _ in 0..2 {
        for (copy, url) in [(&mut ben, &ben_url), (&mut ana, &ana_url)] {
            let s = sync(copy, &mut Server::connect(url).unwrap(), at(12)).unwrap();
            assert!(s.not_applied.is_empty() && s.declined.is_empty(), "{s:?}");
        }
    }
    assert_eq!(coding(&ana), coding(&ben), "both copies end the same");
    assert_eq!(shared(&ana), shared(&ben));
    let topics: Vec<_> = coding(&ana)
        .iter()
        .flat_map(|d| d.1.clone())
        .filter(|a| a.1 == "Topic")
        .collect();
    assert_eq!(
        topics.len(),
        1,
        "only Ben's, made after the deletion: {topics:?}"
    );
    assert_eq!(topics[0].4, "ben");

    // The link type both use, deleted with its links, then the deletion undone.
    let links = |p: &Project| coding(p).iter().map(|d| d.2.len()).sum::<usize>();
    let before = links(&ana);
    assert!(before > 0);
    let said_by = ana
        .relation_types()
        .unwrap()
        .into_iter()
        .find(|t| t.name == "said_by")
        .unwrap();
    ana.delete_relation_type(said_by.id, ana_id, at(13))
        .unwrap();
    sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(13)).unwrap();
    sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(13)).unwrap();
    assert_eq!((links(&ana), links(&ben)), (0, 0));
    assert!(ben
        .relation_types()
        .unwrap()
        .iter()
        .all(|t| t.name != "said_by"));
    ana.undo(ana_id, at(14)).unwrap().unwrap();
    let undone = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(14)).unwrap();
    assert_eq!(undone.not_sent, 0, "{undone:?}");
    let s = sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(14)).unwrap();
    assert!(s.not_applied.is_empty(), "{s:?}");
    assert_eq!((links(&ana), links(&ben)), (before, before));
    assert!(ben
        .relation_types()
        .unwrap()
        .iter()
        .any(|t| t.name == "said_by"));
    assert_eq!(coding(&ana), coding(&ben));
}

/// The orphans of each document, by uid.
fn orphan_uids(p: &Project) -> Vec<Vec<String>> {
    p.document_ids()
        .unwrap()
        .into_iter()
        .map(|d| {
            let mut uids: Vec<String> = p
                .orphans(d)
                .unwrap()
                .into_iter()
                .map(|o| o.annotation.uid)
                .collect();
            uids.sort();
            uids
        })
        .collect()
}

/// Ana replaces a document's text with a corrected version while Ben, offline, codes it on
/// the old text: every copy ends with the new text, Ben's annotations placed on it (or set
/// aside where their words went), and the same orphans. Ana's undo brings the old text back in
/// every copy.
#[test]
fn text_replacements_travel_and_meet_coding_on_the_old_text() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        ana_url,
        ben_url,
        mut ana,
        mut ben,
        ..
    } = pair(&pg, dir.path());
    let (ana_id, ben_id) = (ana.coder_id("ana").unwrap(), ben.coder_id("ben").unwrap());
    let new_text = TEXT_A
        .replace("Talks in Riyadh", "Talks in Riyadh, day two")
        .replace("Lavrov agreed", "Lavrov nodded");
    let doc_a = ana.document_ids().unwrap()[0];
    let report = ana.replace_text(doc_a, &new_text, ana_id, at(9)).unwrap();
    assert!(report.orphaned.is_empty(), "{report:?}");

    let doc_b = ben.document_ids().unwrap()[0];
    let span = |needle: &str| {
        let b = TEXT_A.find(needle).unwrap();
        let s = TEXT_A[..b].chars().count();
        Span::new(s, s + needle.chars().count()).unwrap()
    };
    let claim = ben
        .labels()
        .unwrap()
        .into_iter()
        .find(|l| l.name == "Claim")
        .unwrap()
        .id;
    ben.create_annotation(doc_b, claim, span("Riyadh"), ben_id, at(9))
        .unwrap();
    ben.create_annotation(doc_b, claim, span("agreed"), ben_id, at(9))
        .unwrap();
    let lavrov = ben
        .annotations(doc_b)
        .unwrap()
        .into_iter()
        .find(|a| a.annotator_id == ben_id && a.quote == "Lavrov")
        .unwrap();
    let note = claimdesk_core::AnnotationEdit {
        note: Some(Some("checked".into())),
        ..Default::default()
    };
    ben.update_annotation(lavrov.id, &note, ben_id, at(9))
        .unwrap();

    let first = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(10)).unwrap();
    assert_eq!(first.not_sent, 0, "the replacement is sent: {first:?}");
    for _ in 0..2 {
        for (copy, url) in [(&mut ben, &ben_url), (&mut ana, &ana_url)] {
            let s = sync(copy, &mut Server::connect(url).unwrap(), at(11)).unwrap();
            assert!(s.not_applied.is_empty() && s.declined.is_empty(), "{s:?}");
        }
    }
    assert_eq!(ben.document_text(doc_b).unwrap(), new_text);
    assert_eq!(coding(&ana), coding(&ben), "both copies end the same");
    assert_eq!(orphan_uids(&ana), orphan_uids(&ben));
    let bens: Vec<_> = coding(&ana)[0]
        .1
        .iter()
        .filter(|a| a.4 == "ben")
        .map(|a| (a.1.clone(), a.2, a.3))
        .collect();
    let riyadh = new_text.find("Riyadh").unwrap();
    assert!(
        bens.contains(&("Claim".into(), riyadh, riyadh + 6)),
        "Ben's annotation made on the old text is on the new one: {bens:?}"
    );
    assert_eq!(
        orphan_uids(&ana)[0].len(),
        1,
        "\"agreed\" is gone from the text"
    );
    let ana_lavrov = ana
        .annotations(doc_a)
        .unwrap()
        .into_iter()
        .find(|a| a.uid == lavrov.uid)
        .unwrap();
    assert_eq!(ana_lavrov.note.as_deref(), Some("checked"));
    assert_eq!(ana_lavrov.quote, "Lavrov");

    // A replacement that sets an annotation aside, and its undoing, in every copy.
    let second_a = ana.document_ids().unwrap()[1];
    let second_b = ben.document_ids().unwrap()[1];
    let shorter = TEXT_B.replace("the talks were useful", "talks went well");
    let report = ana
        .replace_text(second_a, &shorter, ana_id, at(12))
        .unwrap();
    assert_eq!(report.orphaned.len(), 1, "{report:?}");
    sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(12)).unwrap();
    sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(12)).unwrap();
    assert_eq!(ben.document_text(second_b).unwrap(), shorter);
    assert_eq!(orphan_uids(&ana), orphan_uids(&ben));
    assert_eq!(orphan_uids(&ben)[1].len(), 1);
    ana.undo(ana_id, at(13)).unwrap().unwrap();
    let undone = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(13)).unwrap();
    assert_eq!(undone.not_sent, 0, "{undone:?}");
    let s = sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(13)).unwrap();
    assert!(s.not_applied.is_empty(), "{s:?}");
    assert_eq!(ben.document_text(second_b).unwrap(), TEXT_B);
    assert!(
        orphan_uids(&ben)[1].is_empty(),
        "the orphan is back in Ben's copy"
    );
    assert_eq!(coding(&ana), coding(&ben));
    assert_eq!(orphan_uids(&ana), orphan_uids(&ben));
}

/// Ana works on two computers under one role: each copy brings what she did on the other.
#[test]
fn one_coder_on_two_computers_gets_the_work_of_each_on_the_other() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        ana_url, mut ana, ..
    } = pair(&pg, dir.path());
    let laptop_path = dir.path().join("ana-laptop.claimdesk");
    join(&mut Server::connect(&ana_url).unwrap(), &laptop_path, at(8)).unwrap();
    let mut laptop = Project::open_existing(&laptop_path).unwrap();
    let actor = |p: &Project| p.labels().unwrap()[0].id;
    let (desk_id, laptop_id) = (
        ana.coder_id("ana").unwrap(),
        laptop.coder_id("ana").unwrap(),
    );
    let (desk_doc, laptop_doc) = (
        ana.document_ids().unwrap()[1],
        laptop.document_ids().unwrap()[1],
    );
    ana.create_annotation(
        desk_doc,
        actor(&ana),
        Span::new(0, 6).unwrap(),
        desk_id,
        at(9),
    )
    .unwrap();
    laptop
        .create_annotation(
            laptop_doc,
            actor(&laptop),
            Span::new(7, 10).unwrap(),
            laptop_id,
            at(9),
        )
        .unwrap();
    for _ in 0..2 {
        sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(10)).unwrap();
        let s = sync(&mut laptop, &mut Server::connect(&ana_url).unwrap(), at(10)).unwrap();
        assert!(s.not_applied.is_empty(), "{s:?}");
    }
    assert_eq!(
        coding(&ana),
        coding(&laptop),
        "both computers hold all of Ana's work"
    );
    let spans: Vec<(usize, usize)> = coding(&ana)[1]
        .1
        .iter()
        .filter(|a| a.4 == "ana")
        .map(|a| (a.2, a.3))
        .collect();
    assert!(
        spans.contains(&(0, 6)) && spans.contains(&(7, 10)),
        "{spans:?}"
    );
    // Nothing goes round again.
    let again = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(11)).unwrap();
    assert_eq!((again.pushed, again.pulled), (0, 0), "{again:?}");
}

/// A small deterministic generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// One random edit: of `coder`'s own coding (an annotation made, relabelled, noted, linked to
/// an entity or deleted, a link drawn or removed), or shared (an entity made, renamed or given
/// aliases, a label made, recoloured or renamed), an undo or a redo.
fn random_edit(p: &mut Project, coder: i64, rng: &mut Rng, minute: u32) {
    let now = at(minute % 60);
    let docs = p.document_ids().unwrap();
    let doc = docs[rng.below(docs.len())];
    let labels = p.labels().unwrap();
    let len = p.document_text(doc).unwrap().chars().count();
    let mine: Vec<_> = p
        .annotations(doc)
        .unwrap()
        .into_iter()
        .filter(|a| a.annotator_id == coder)
        .collect();
    match rng.below(14) {
        0..=3 => {
            let start = rng.below(len - 1);
            let end = (start + 1 + rng.below(20)).min(len);
            let label = labels[rng.below(labels.len())].id;
            p.create_annotation(doc, label, Span::new(start, end).unwrap(), coder, now)
                .unwrap();
        }
        4 if !mine.is_empty() => {
            let a = &mine[rng.below(mine.len())];
            p.delete_annotation(a.id, coder, now).unwrap();
        }
        5 if !mine.is_empty() => {
            let a = &mine[rng.below(mine.len())];
            let edit = claimdesk_core::AnnotationEdit {
                note: Some(Some(format!("note {minute}"))),
                ..Default::default()
            };
            p.update_annotation(a.id, &edit, coder, now).unwrap();
        }
        6 => {
            let by = |name: &str| labels.iter().find(|l| l.name == name).unwrap().id;
            let claims: Vec<_> = mine.iter().filter(|a| a.label_id == by("Claim")).collect();
            let actors: Vec<_> = mine.iter().filter(|a| a.label_id == by("Actor")).collect();
            if !claims.is_empty() && !actors.is_empty() {
                let (c, a) = (
                    claims[rng.below(claims.len())],
                    actors[rng.below(actors.len())],
                );
                p.create_relation("said_by", c.id, a.id, coder, now)
                    .unwrap();
            }
        }
        7 => {
            let links: Vec<_> = p
                .relations(doc)
                .unwrap()
                .into_iter()
                .filter(|r| r.annotator_id == coder)
                .collect();
            if !links.is_empty() {
                p.delete_relation(links[rng.below(links.len())].id, coder, now)
                    .unwrap();
            }
        }
        10 => {
            let entities = p.entities(Some(EntityKind::Actor)).unwrap();
            if entities.len() >= 2 && rng.below(3) == 0 {
                // Two coders' entities of one name (or any two) merged into one.
                let kept = rng.below(entities.len());
                let merged = (kept + 1 + rng.below(entities.len() - 1)) % entities.len();
                p.merge_entities(entities[kept].0.id, entities[merged].0.id, coder, now)
                    .unwrap();
            } else {
                // The same name made by two coders at once: two entities, for a merge.
                let name = ["Putin", "Lavrov", "Rubio", "Bruce"][rng.below(4)];
                let _ = p.create_entity(EntityKind::Actor, name, coder, now);
            }
        }
        11 => {
            let entities = p.entities(None).unwrap();
            if !entities.is_empty() {
                let mut e = entities[rng.below(entities.len())].0.clone();
                if rng.below(2) == 0 {
                    e.name = format!("E-{coder}-{minute}");
                } else {
                    e.aliases = vec![format!("alias {}", rng.below(5))];
                }
                p.update_entity(&e, coder, now).unwrap();
            }
        }
        12 if !mine.is_empty() => {
            let entities = p.entities(None).unwrap();
            let a = &mine[rng.below(mine.len())];
            let entity = (!entities.is_empty() && rng.below(4) > 0)
                .then(|| entities[rng.below(entities.len())].0.id);
            let edit = claimdesk_core::AnnotationEdit {
                entity_id: Some(entity),
                ..Default::default()
            };
            p.update_annotation(a.id, &edit, coder, now).unwrap();
        }
        13 => {
            let colour = format!("#{:06x}", rng.below(0xffffff));
            match rng.below(5) {
                4 => {
                    // A corrected text: a word put in or a few characters taken out.
                    let chars: Vec<char> = p.document_text(doc).unwrap().chars().collect();
                    let at_char = rng.below(chars.len());
                    let mut next: Vec<char> = chars.clone();
                    if rng.below(2) == 0 || chars.len() < 20 {
                        next.splice(at_char..at_char, format!("w{minute} ").chars());
                    } else {
                        let end = (at_char + 1 + rng.below(5)).min(chars.len());
                        next.drain(at_char..end);
                    }
                    let next: String = next.into_iter().collect();
                    if !next.trim().is_empty() {
                        let _ = p.replace_text(doc, &next, coder, now);
                    }
                }
                3 => {
                    // A topic label deleted, with whatever annotations have it.
                    let topics: Vec<_> = labels
                        .iter()
                        .filter(|l| l.name.starts_with("Topic"))
                        .collect();
                    if !topics.is_empty() {
                        let l = topics[rng.below(topics.len())];
                        p.delete_label(l.id, coder, now).unwrap();
                    }
                }
                0 => {
                    let name = format!("Topic{}", rng.below(3));
                    let _ = p.create_label(&new_label(&name, &colour, None), coder, now);
                }
                1 => {
                    let mut l = labels[rng.below(labels.len())].clone();
                    l.colour = colour;
                    p.update_label(&l, coder, now).unwrap();
                }
                _ => {
                    let topics: Vec<_> = labels
                        .iter()
                        .filter(|l| l.name.starts_with("Topic"))
                        .collect();
                    if !topics.is_empty() {
                        let mut l = topics[rng.below(topics.len())].clone();
                        l.name = format!("Topic-{coder}-{minute}");
                        p.update_label(&l, coder, now).unwrap();
                    }
                }
            }
        }
        8 => {
            p.undo_step(coder, now).unwrap();
        }
        _ => {
            p.redo_step(coder, now).unwrap();
        }
    }
}

#[test]
fn three_coders_making_a_thousand_random_edits_each_with_syncs_at_random_moments_converge() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let mut local = coded_project(dir.path(), false);
    // A third coder, known to the project before it is published.
    local.annotator("cam", at(0)).unwrap();
    let (db, owner) = pg.database();
    let mut roles = BTreeMap::new();
    let mut urls = Vec::new();
    for coder in ["ana", "ben", "cam"] {
        let (role, pw) = pg.role(coder);
        urls.push(pg.url(&role, &pw, &db));
        roles.insert(coder.to_string(), role);
    }
    publish(
        &mut local,
        &mut Server::connect(&owner).unwrap(),
        &roles,
        at(7),
    )
    .unwrap();
    let mut copies = Vec::new();
    for (i, coder) in ["ana", "ben", "cam"].into_iter().enumerate() {
        let path = dir.path().join(format!("{coder}.claimdesk"));
        join(&mut Server::connect(&urls[i]).unwrap(), &path, at(8)).unwrap();
        let p = Project::open_existing(&path).unwrap();
        let id = p.coder_id(coder).unwrap();
        copies.push((p, id, Server::connect(&urls[i]).unwrap()));
    }
    // A fixed seed by default, so the suite gives the same answer every run; any other seed
    // (or `random`) through CLAIMDESK_TEAM_SEED.
    let seed = match std::env::var("CLAIMDESK_TEAM_SEED").ok().as_deref() {
        Some("random") => Utc::now().timestamp_micros() as u64,
        Some(s) => s
            .parse()
            .expect("CLAIMDESK_TEAM_SEED is a number or `random`"),
        None => 20261206,
    };
    println!("random edits: seed {seed} (replay with CLAIMDESK_TEAM_SEED={seed})");
    let mut rng = Rng(seed);
    // Fewer edits (CLAIMDESK_TEAM_EDITS) make a failing seed quicker to follow.
    let edits: usize = std::env::var("CLAIMDESK_TEAM_EDITS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000);
    for step in 0..edits * 3 {
        let who = rng.below(3);
        let (p, coder, _) = &mut copies[who];
        random_edit(p, *coder, &mut rng, step as u32);
        if rng.below(40) == 0 {
            let (p, _, server) = &mut copies[rng.below(3)];
            let synced = sync(p, server, at(30)).unwrap();
            assert!(synced.not_applied.is_empty(), "seed {seed}: {synced:?}");
        }
    }
    // Everyone syncs until nothing is left to send or receive.
    for _ in 0..2 {
        for (p, _, server) in &mut copies {
            let synced = sync(p, server, at(40)).unwrap();
            assert!(synced.not_applied.is_empty(), "seed {seed}: {synced:?}");
        }
    }
    let first = coding(&copies[0].0);
    let first_shared = shared(&copies[0].0);
    for (p, _, _) in &copies[1..] {
        assert_eq!(
            shared(p),
            first_shared,
            "seed {seed}: the schema or entities differ"
        );
        assert_eq!(coding(p), first, "seed {seed}: the copies differ");
    }
    sync(&mut local, &mut Server::connect(&owner).unwrap(), at(41)).unwrap();
    assert_eq!(
        coding(&local),
        first,
        "seed {seed}: the owner's copy differs"
    );
    assert_eq!(
        shared(&local),
        first_shared,
        "seed {seed}: the owner's schema differs"
    );
    let all = pg_count(&owner, "SELECT count(*) FROM changes");
    let distinct = pg_count(&owner, "SELECT count(DISTINCT uid) FROM changes");
    assert_eq!(all, distinct, "every change once");
}

/// Not a test on its own: the process the crash tests start and kill. It syncs the project
/// `CLAIMDESK_CHILD_PROJECT` with `CLAIMDESK_CHILD_URL` (and does nothing when they are unset).
#[test]
fn child_sync() {
    let (Ok(path), Ok(url)) = (
        std::env::var("CLAIMDESK_CHILD_PROJECT"),
        std::env::var("CLAIMDESK_CHILD_URL"),
    ) else {
        return;
    };
    let mut p = Project::open_existing(Path::new(&path)).unwrap();
    sync(&mut p, &mut Server::connect(&url).unwrap(), Utc::now()).unwrap();
}

/// Starts a sync of `path` in a process of its own and kills it (SIGKILL) after `after`.
fn sync_killed(path: &Path, url: &str, after: std::time::Duration) {
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_sync", "--test-threads=1", "--quiet"])
        .env("CLAIMDESK_CHILD_PROJECT", path)
        .env("CLAIMDESK_CHILD_URL", url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    child.kill().ok();
    child.wait().unwrap();
}

/// `n` annotations made by `coder` on the first document, one change each.
fn many_edits(p: &mut Project, coder: &str, n: usize) {
    let me = p.coder_id(coder).unwrap();
    let doc = p.document_ids().unwrap()[0];
    let label = p.labels().unwrap()[0].id;
    let len = p.document_text(doc).unwrap().chars().count();
    for i in 0..n {
        let start = (i * 7) % (len - 4);
        p.create_annotation(doc, label, Span::new(start, start + 3).unwrap(), me, at(20))
            .unwrap();
    }
}

/// A client killed while it pushes, and while it pulls, at several moments: its project is
/// intact each time, the next sync completes, and nothing is duplicated or lost.
#[test]
fn a_client_killed_during_push_or_pull_loses_and_duplicates_nothing() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        owner,
        ana_url,
        ben_url,
        mut ana,
        mut ben,
        ..
    } = pair(&pg, dir.path());
    many_edits(&mut ana, "ana", 6_000);
    let ana_path = dir.path().join("ana.claimdesk");
    let ben_path = dir.path().join("ben.claimdesk");
    let published = pg_count(&owner, "SELECT count(*) FROM changes WHERE coder = 'ana'");
    let before = coding(&ana);
    drop(ana);
    drop(ben);
    let moments = [200, 300, 400, 500, 600, 800, 1_200, 2_000];
    for ms in moments {
        sync_killed(&ana_path, &ana_url, std::time::Duration::from_millis(ms));
        let ana = Project::open_existing(&ana_path).expect("intact after kill -9 during push");
        println!(
            "killed after {ms} ms: {} changes on the server, {} recorded as sent",
            pg_count(&owner, "SELECT count(*) FROM changes WHERE coder = 'ana'") - published,
            claimdesk_team::Link::of(&ana).unwrap().unwrap().pushed_upto
        );
        assert_eq!(
            coding(&ana),
            before,
            "local work unchanged by a killed push"
        );
    }
    let mut ana = Project::open_existing(&ana_path).unwrap();
    sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(30)).unwrap();
    let sent = pg_count(&owner, "SELECT count(*) FROM changes WHERE coder = 'ana'");
    assert_eq!(
        sent,
        pg_count(
            &owner,
            "SELECT count(DISTINCT uid) FROM changes WHERE coder = 'ana'"
        ),
        "every change once"
    );
    assert_eq!(
        sent - published,
        6_000,
        "every change of Ana's on the server"
    );

    for ms in moments {
        sync_killed(&ben_path, &ben_url, std::time::Duration::from_millis(ms));
        let ben = Project::open_existing(&ben_path).expect("intact after kill -9 during pull");
        println!(
            "killed after {ms} ms: {} of Ana's changes applied",
            ben.log_since(0)
                .unwrap()
                .iter()
                .filter(|e| e.coder == "ana")
                .count()
        );
    }
    ben = Project::open_existing(&ben_path).unwrap();
    sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(31)).unwrap();
    sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(31)).unwrap();
    assert_eq!(
        coding(&ben),
        coding(&ana),
        "Ben's copy is Ana's after the pulls"
    );
    let events_per_uid: i64 = ben
        .log_since(0)
        .unwrap()
        .iter()
        .filter(|e| e.coder == "ana")
        .fold(std::collections::HashMap::new(), |mut m, e| {
            *m.entry(e.uid.clone()).or_insert(0) += 1;
            m
        })
        .into_values()
        .max()
        .unwrap_or(0);
    assert_eq!(events_per_uid, 1, "each of Ana's changes applied once");
}

/// A throwaway PostgreSQL cluster of this test's own (initdb + pg_ctl), to stop mid-sync. The
/// server refuses to run as root: then it runs as the `postgres` user the packages make.
#[derive(Clone)]
struct OwnCluster {
    bin: std::path::PathBuf,
    data: std::path::PathBuf,
    socket: std::path::PathBuf,
    port: u16,
    as_postgres: bool,
    /// Served over TCP on 127.0.0.1 with TLS, its certificate signed by `ca.crt` in the
    /// cluster's directory and issued to `localhost` only.
    tls: bool,
}

impl OwnCluster {
    fn new(dir: &Path) -> OwnCluster {
        OwnCluster::with(dir, false)
    }

    fn with(dir: &Path, tls: bool) -> OwnCluster {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's server programs (scripts/install-deps.sh installs them)")
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("bin"))
            .find(|b| b.join("initdb").exists())
            .expect("initdb");
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .map(|o| o.stdout.trim_ascii() == b"0")
            .unwrap_or(false);
        let home = dir.join("cluster");
        std::fs::create_dir_all(home.join("sock")).unwrap();
        if tls {
            make_certificates(&home);
        }
        if root {
            let ok = std::process::Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&home)
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown to postgres");
            // The directories above must be passable for the postgres user.
            let mut up = home.parent();
            while let Some(d) = up {
                std::process::Command::new("chmod")
                    .arg("o+x")
                    .arg(d)
                    .status()
                    .ok();
                up = d.parent();
            }
        }
        let c = OwnCluster {
            bin,
            data: home.join("data"),
            socket: home.join("sock"),
            // A port free now, as the system hands them out: one derived from the process id
            // could be in use (the test servers' own, or a connection's local port).
            port: std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .unwrap(),
            as_postgres: root,
            tls,
        };
        let ok = c
            .pg("initdb")
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&c.data)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "initdb");
        c.start();
        c
    }

    /// A command of the server's programs, run as the user that may run them.
    fn pg(&self, program: &str) -> std::process::Command {
        if self.as_postgres {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(self.bin.join(program));
            c
        } else {
            std::process::Command::new(self.bin.join(program))
        }
    }

    fn start(&self) {
        let ok = self
            .pg("pg_ctl")
            .args(["-w", "-s", "-D"])
            .arg(&self.data)
            .arg("-o")
            .arg(if self.tls {
                let home = self.data.parent().unwrap();
                format!(
                    "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on \
                     -c ssl_cert_file={} -c ssl_key_file={}",
                    self.port,
                    self.socket.display(),
                    home.join("server.crt").display(),
                    home.join("server.key").display()
                )
            } else {
                format!(
                    "-p {} -k {} -c listen_addresses='' -c fsync=off",
                    self.port,
                    self.socket.display()
                )
            })
            .args(["-l"])
            .arg(self.data.join("log"))
            .arg("start")
            .status()
            .unwrap()
            .success();
        assert!(ok, "pg_ctl start");
    }

    /// Stops the server at once, as a crash or a pulled cable would.
    fn stop(&self) {
        self.pg("pg_ctl")
            .args(["-w", "-s", "-m", "immediate", "-D"])
            .arg(&self.data)
            .arg("stop")
            .status()
            .unwrap();
    }

    /// Stops the server after `after`, from another thread.
    fn stop_after(&self, after: std::time::Duration) -> std::thread::JoinHandle<()> {
        let c = self.clone();
        std::thread::spawn(move || {
            std::thread::sleep(after);
            c.stop();
        })
    }

    fn url(&self, role: &str, db: &str) -> String {
        format!(
            "host={} port={} user={role} dbname={db}",
            self.socket.display(),
            self.port
        )
    }
}

/// The server stopped while a coder pushes and while another pulls: the sync fails with a
/// clear error, the local projects are intact, and once the server is back the next sync
/// completes with nothing duplicated or lost.
#[test]
fn the_server_stopped_mid_sync_leaves_everything_for_the_next_sync() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = OwnCluster::new(dir.path());
    let _stop = StopOnDrop(cluster.clone());
    let mut admin =
        postgres::Client::connect(&cluster.url("postgres", "postgres"), postgres::NoTls).unwrap();
    for sql in [
        "CREATE DATABASE team",
        "CREATE ROLE ana LOGIN",
        "CREATE ROLE ben LOGIN",
    ] {
        admin.batch_execute(sql).unwrap();
    }
    drop(admin);
    let mut local = coded_project(dir.path(), false);
    let roles = BTreeMap::from([
        ("ana".to_string(), "ana".to_string()),
        ("ben".to_string(), "ben".to_string()),
    ]);
    let owner = cluster.url("postgres", "team");
    publish(
        &mut local,
        &mut Server::connect(&owner).unwrap(),
        &roles,
        at(7),
    )
    .unwrap();
    let (ana_url, ben_url) = (cluster.url("ana", "team"), cluster.url("ben", "team"));
    let (ana_path, ben_path) = (
        dir.path().join("ana.claimdesk"),
        dir.path().join("ben.claimdesk"),
    );
    join(&mut Server::connect(&ana_url).unwrap(), &ana_path, at(8)).unwrap();
    join(&mut Server::connect(&ben_url).unwrap(), &ben_path, at(8)).unwrap();
    let mut ana = Project::open_existing(&ana_path).unwrap();
    many_edits(&mut ana, "ana", 6_000);
    let before = coding(&ana);
    let published: i64 = postgres::Client::connect(&owner, postgres::NoTls)
        .unwrap()
        .query_one("SELECT count(*) FROM changes WHERE coder = 'ana'", &[])
        .unwrap()
        .get(0);

    // Stopped while Ana pushes.
    let mut server = Server::connect(&ana_url).unwrap();
    let stopping = cluster.stop_after(std::time::Duration::from_millis(300));
    let pushed = sync(&mut ana, &mut server, at(9));
    stopping.join().unwrap();
    match &pushed {
        Err(e) => {
            println!("the push was cut: {e}");
            assert_eq!(e.code(), "team_unreachable", "{e}");
        }
        Ok(synced) => println!("the push ended before the server stopped: {synced:?}"),
    }
    assert_eq!(coding(&ana), before, "Ana's work is intact");
    let Err(err) = sync(&mut ana, &mut server, at(9)) else {
        panic!("a sync with the server down succeeded");
    };
    assert_eq!(err.code(), "team_unreachable", "{err}");
    let Err(down) = Server::connect(&ana_url) else {
        panic!("connected to a stopped server");
    };
    assert_eq!(down.code(), "team_unreachable", "{down}");
    cluster.start();
    sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(10)).unwrap();
    let count = |sql: &str| -> i64 {
        postgres::Client::connect(&owner, postgres::NoTls)
            .unwrap()
            .query_one(sql, &[])
            .unwrap()
            .get(0)
    };
    let sent = count("SELECT count(*) FROM changes WHERE coder = 'ana'");
    assert_eq!(
        sent,
        count("SELECT count(DISTINCT uid) FROM changes WHERE coder = 'ana'")
    );
    assert_eq!(sent - published, 6_000, "every change of Ana's, once");

    // Stopped while Ben pulls.
    let mut ben = Project::open_existing(&ben_path).unwrap();
    let mut server = Server::connect(&ben_url).unwrap();
    let stopping = cluster.stop_after(std::time::Duration::from_millis(20));
    match sync(&mut ben, &mut server, at(11)) {
        Err(e) => {
            println!("the pull was cut: {e}");
            assert_eq!(e.code(), "team_unreachable", "{e}");
        }
        Ok(synced) => println!("the pull ended before the server stopped: {synced:?}"),
    }
    stopping.join().unwrap();
    drop(ben);
    let mut ben = Project::open_existing(&ben_path).expect("Ben's project is intact");
    cluster.start();
    sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(12)).unwrap();
    assert_eq!(
        coding(&ben),
        coding(&ana),
        "Ben has all of Ana's work, once"
    );
}

/// Stops its cluster when the test ends, passed or failed.
struct StopOnDrop(OwnCluster);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// A certificate authority (`ca.crt`), a server certificate it signed for `localhost` only
/// (`server.crt`, `server.key`), and another authority that signed nothing here (`other.crt`).
fn make_certificates(home: &Path) {
    let openssl = |args: &[&str]| {
        let ok = std::process::Command::new("openssl")
            .args(args)
            .current_dir(home)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("openssl")
            .success();
        assert!(ok, "openssl {args:?}");
    };
    std::fs::write(home.join("san.ext"), "subjectAltName=DNS:localhost\n").unwrap();
    for (name, subject) in [("ca", "/CN=Test team CA"), ("other", "/CN=Another CA")] {
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            subject,
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.crt"),
        ]);
    }
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-out",
        "server.crt",
        "-extfile",
        "san.ext",
    ]);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        home.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
}

/// TLS as sslmode decides, against a server of the test's own that offers it: encrypted when
/// asked or offered, the server's certificate checked against the given authority and (with
/// verify-full) the host name, and a connection refused, saying why, when the check fails.
#[test]
fn tls_follows_sslmode() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = OwnCluster::with(dir.path(), true);
    let _stop = StopOnDrop(cluster.clone());
    let home = dir.path().join("cluster");
    let ca = home.join("ca.crt").display().to_string();
    let other = home.join("other.crt").display().to_string();
    let url = |host: &str, query: &str| {
        format!(
            "postgres://postgres@{host}:{}/postgres{query}",
            cluster.port
        )
    };
    let encrypted = |u: String| -> bool {
        let mut server = Server::connect(&u).unwrap_or_else(|e| panic!("{u}: {e}"));
        server.encrypted().unwrap()
    };
    assert!(encrypted(url("127.0.0.1", "?sslmode=require")), "require");
    assert!(
        encrypted(url("127.0.0.1", "")),
        "prefer, the default, when the server offers TLS"
    );
    assert!(!encrypted(url("127.0.0.1", "?sslmode=disable")), "disable");
    assert!(
        encrypted(url(
            "localhost",
            &format!("?sslmode=verify-full&sslrootcert={ca}")
        )),
        "verify-full: signed by the authority, issued to the host"
    );
    assert!(
        encrypted(url(
            "127.0.0.1",
            &format!("?sslmode=verify-ca&sslrootcert={ca}")
        )),
        "verify-ca does not check the host name"
    );
    // Issued to localhost, not to 127.0.0.1: verify-full refuses.
    let Err(e) = Server::connect(&url(
        "127.0.0.1",
        &format!("?sslmode=verify-full&sslrootcert={ca}"),
    )) else {
        panic!("verify-full accepted a certificate issued to another host");
    };
    assert_eq!(e.code(), "team_unreachable", "{e}");
    // Signed by an authority not the one trusted.
    let Err(e) = Server::connect(&url(
        "localhost",
        &format!("?sslmode=verify-full&sslrootcert={other}"),
    )) else {
        panic!("verify-full accepted a certificate of another authority");
    };
    assert_eq!(e.code(), "team_unreachable", "{e}");
    assert!(e.to_string().to_lowercase().contains("certificate"), "{e}");
    // The mode and the root certificate are kept in what is stored, never a password.
    let server = Server::connect(&url(
        "localhost",
        &format!("?sslmode=verify-full&sslrootcert={ca}"),
    ))
    .unwrap();
    assert!(
        server
            .shown()
            .ends_with(&format!("?sslmode=verify-full&sslrootcert={ca}")),
        "{}",
        server.shown()
    );
    let mut again = Server::connect(server.shown()).unwrap();
    assert!(again.encrypted().unwrap());
    let Err(e) = Server::connect(&url("localhost", "?sslmode=sometimes")) else {
        panic!("an unknown sslmode was taken");
    };
    assert_eq!(e.code(), "bad_team_url", "{e}");
}

/// What the owner shares besides coding: a label, a document imported after publication and
/// an assignment; the coder's done mark comes back; a document a coder imports reaches the
/// others; a coder's role cannot assign.
#[test]
fn the_owner_shares_labels_documents_and_assignments_and_coders_share_documents() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        mut local,
        owner,
        ana_url,
        ben_url,
        mut ana,
        mut ben,
    } = pair(&pg, dir.path());
    let me = local.annotator("ana", at(9)).unwrap();
    local
        .create_label(&new_label("Topic", "#123456", None), me, at(9))
        .unwrap();
    let text = "A new article, imported after the project was published.";
    let ImportOutcome::Imported(doc) = local
        .import_document(&NewDocument::from_plain_text(text, "new.txt"), me, at(10))
        .unwrap()
    else {
        panic!("imported");
    };
    local.assign(me, &[doc], at(10)).unwrap();
    let synced = sync(&mut local, &mut Server::connect(&owner).unwrap(), at(11)).unwrap();
    assert_eq!(synced.documents_sent, 1, "{synced:?}");

    let synced = sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(12)).unwrap();
    assert_eq!(synced.documents_received, 1, "{synced:?}");
    let sha = claimdesk_core::document::sha256_hex(text);
    let ana_doc = ana
        .document_by_sha256(&sha)
        .unwrap()
        .expect("the new document");
    assert!(ana.labels().unwrap().iter().any(|l| l.name == "Topic"));
    let mine = ana.assignment_rows().unwrap();
    assert!(
        mine.iter()
            .any(|r| r.document == sha && r.coder == "ana" && r.done_at.is_none()),
        "{mine:?}"
    );
    // Ana codes it and says she is done; the owner sees it.
    let ana_id = ana.coder_id("ana").unwrap();
    let label = ana.labels().unwrap()[0].id;
    ana.create_annotation(ana_doc, label, Span::new(2, 5).unwrap(), ana_id, at(13))
        .unwrap();
    ana.mark_done(ana_id, ana_doc, true, at(14)).unwrap();
    sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(15)).unwrap();
    sync(&mut local, &mut Server::connect(&owner).unwrap(), at(16)).unwrap();
    let rows = local.assignment_rows().unwrap();
    assert!(
        rows.iter()
            .any(|r| r.document == sha && r.coder == "ana" && r.done_at.is_some()),
        "{rows:?}"
    );
    assert_eq!(coding(&local), coding(&ana));

    // Ben imports an article; Ana gets it.
    let ben_id = ben.coder_id("ben").unwrap();
    let text_b = "Ben's own find, a second new article.";
    ben.import_document(
        &NewDocument::from_plain_text(text_b, "ben.txt"),
        ben_id,
        at(17),
    )
    .unwrap();
    sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(18)).unwrap();
    sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(19)).unwrap();
    assert!(ana
        .document_by_sha256(&claimdesk_core::document::sha256_hex(text_b))
        .unwrap()
        .is_some());
    // Ben's copy has everything too.
    sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(20)).unwrap();
    // The same documents and coding (each copy lists documents in the order it got them).
    let sorted = |p: &Project| {
        let mut c = coding(p);
        c.sort();
        c
    };
    assert_eq!(sorted(&ben), sorted(&ana));

    // A coder's role cannot assign, nor mark another coder's assignment done.
    let mut client = postgres::Client::connect(&ben_url, postgres::NoTls).unwrap();
    let refused = client.execute(
        "INSERT INTO assignments (sha256, coder, assigned_at) VALUES ($1, 'ben', now())",
        &[&sha],
    );
    assert!(refused.is_err(), "a coder assigned");
    let marked = client
        .execute(
            "UPDATE assignments SET done_at = NULL WHERE coder = 'ana'",
            &[],
        )
        .unwrap();
    assert_eq!(marked, 0, "a coder changed another coder's assignment");
}

/// A relation type made by the owner reaches the coders; renamed by a coder, the rename comes
/// back, and a link of the old name made elsewhere meanwhile takes the new name.
#[test]
fn relation_types_travel_and_renames_follow() {
    let pg = pg();
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        mut local,
        owner,
        ana_url,
        ben_url,
        mut ana,
        mut ben,
    } = pair(&pg, dir.path());
    let me = local.annotator("ana", at(9)).unwrap();
    let claim = |p: &Project| {
        p.labels()
            .unwrap()
            .into_iter()
            .find(|l| l.name == "Claim")
            .unwrap()
            .id
    };
    let c = claim(&local);
    local
        .create_relation_type("cites", &[c], &[c], me, at(9))
        .unwrap();
    sync(&mut local, &mut Server::connect(&owner).unwrap(), at(10)).unwrap();
    for (p, url) in [(&mut ana, &ana_url), (&mut ben, &ben_url)] {
        sync(p, &mut Server::connect(url).unwrap(), at(11)).unwrap();
        let t = p.relation_types().unwrap();
        let cites = t.iter().find(|t| t.name == "cites").expect("the new type");
        assert_eq!(cites.from_labels, vec![claim(p)]);
    }
    // Ben links two of his claims with it, offline; Ana renames the type.
    let ben_id = ben.coder_id("ben").unwrap();
    let doc = ben.document_ids().unwrap()[0];
    let c1 = ben
        .create_annotation(doc, claim(&ben), Span::new(0, 4).unwrap(), ben_id, at(12))
        .unwrap();
    let c2 = ben
        .create_annotation(doc, claim(&ben), Span::new(5, 9).unwrap(), ben_id, at(12))
        .unwrap();
    ben.create_relation("cites", c1.id, c2.id, ben_id, at(12))
        .unwrap();
    let ana_id = ana.coder_id("ana").unwrap();
    let mut cites = ana
        .relation_types()
        .unwrap()
        .into_iter()
        .find(|t| t.name == "cites")
        .unwrap();
    cites.name = "quotes".into();
    ana.update_relation_type(&cites, ana_id, at(13)).unwrap();
    sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(14)).unwrap();
    sync(&mut ben, &mut Server::connect(&ben_url).unwrap(), at(15)).unwrap();
    sync(&mut ana, &mut Server::connect(&ana_url).unwrap(), at(16)).unwrap();
    sync(&mut local, &mut Server::connect(&owner).unwrap(), at(16)).unwrap();
    for p in [&ana, &ben, &local] {
        let names: Vec<String> = p
            .relation_types()
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert!(
            names.contains(&"quotes".to_string()) && !names.contains(&"cites".to_string()),
            "{names:?}"
        );
        let kinds: Vec<String> = p
            .relations(doc_of(p, &ben, doc))
            .unwrap()
            .into_iter()
            .map(|r| r.kind)
            .collect();
        assert!(
            kinds.contains(&"quotes".to_string()),
            "Ben's link takes the new name: {kinds:?}"
        );
    }
}

/// The id here of the document `doc` of `other`, found by its text.
fn doc_of(p: &Project, other: &Project, doc: i64) -> i64 {
    let sha = claimdesk_core::document::sha256_hex(&other.document_text(doc).unwrap());
    p.document_by_sha256(&sha).unwrap().unwrap()
}

/// A database published by the first team schema is brought to the current one by its owner,
/// keeping what it holds.
#[test]
fn a_team_database_of_an_earlier_schema_is_upgraded_keeping_its_data() {
    let pg = pg();
    let (_, owner) = pg.database();
    let mut client = postgres::Client::connect(&owner, postgres::NoTls).unwrap();
    client
        .batch_execute(include_str!("../src/migrations/0001_team.sql"))
        .unwrap();
    client
        .batch_execute(
            "CREATE TABLE team_schema (version integer PRIMARY KEY,
                                       applied_at timestamptz NOT NULL DEFAULT now());
             INSERT INTO team_schema (version) VALUES (1);
             INSERT INTO coders (name) VALUES ('ana');
             INSERT INTO documents (sha256, position, record) VALUES ('abc', 0, '{}');
             INSERT INTO changes (uid, coder, action, kind, payload, made_at)
             VALUES ('u1', 'ana', 'do', 'annotation_created', '{}', now());",
        )
        .unwrap();
    let mut server = Server::connect(&owner).unwrap();
    assert_eq!(server.schema_version().unwrap(), 1);
    assert_eq!(
        server.migrate().unwrap(),
        claimdesk_team::TEAM_SCHEMA_VERSION
    );
    assert_eq!(
        server.schema_version().unwrap(),
        claimdesk_team::TEAM_SCHEMA_VERSION
    );
    assert_eq!(
        pg_count(
            &owner,
            "SELECT count(*) FROM changes WHERE pushed_by IS NOT NULL"
        ),
        1
    );
    assert_eq!(
        pg_count(
            &owner,
            "SELECT count(*) FROM documents WHERE added_by IS NOT NULL"
        ),
        1
    );
    assert_eq!(pg_count(&owner, "SELECT count(*) FROM assignments"), 0);
}
