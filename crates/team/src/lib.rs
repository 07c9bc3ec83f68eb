//! Team projects: a PostgreSQL database as the team's shared store, every coder keeping a local
//! project file.
//!
//! `publish` uploads a project — its schema, entities and coders, its documents, each coder's
//! coding, and its history — into an empty database, and grants each coder's PostgreSQL role
//! what it may do there. `join` makes a local project from it with what the joining role may
//! read. Row-level security on the server decides that, not this code: a coder's role writes
//! changes only in its own name, and in blind mode reads no other coder's coding of a document
//! before it is adjudicated. The server's own schema is in numbered migrations
//! (`src/migrations/`), applied by the publisher.
//!
//! Connections follow libpq's conventions: a `postgres://` URL or `key=value` string, with what
//! it leaves out from `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, and the password from the URL,
//! `PGPASSWORD` or the password file (`~/.pgpass`). No password is ever stored in a project.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use chrono::{DateTime, Utc};
use postgres::config::Host;
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};

use claimdesk_core::dataset::{
    AnnotationRecord, DocumentRecord, ProjectInfo, RelationRecord, Scope,
};
use claimdesk_store::{Project, StoreError};

pub mod pgpass;
pub mod tls;

/// The server schema migrations, in order; a database records how many it has.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_team.sql"),
    include_str!("migrations/0002_shared.sql"),
    include_str!("migrations/0003_copies.sql"),
];

/// The team schema version this build writes and reads.
pub const TEAM_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The advisory lock that orders pushes ("claimdsk" in ASCII).
const PUSH_LOCK: i64 = 0x636c_6169_6d64_736b;

/// The project setting that links a local project to its team database.
pub const TEAM_SETTING: &str = "team";

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("{0}")]
    BadUrl(String),
    #[error("cannot connect to the team server {server}: {reason}")]
    Unreachable { server: String, reason: String },
    #[error(
        "the connection to the team server was lost ({0}); nothing is lost: sync again once it is back"
    )]
    Lost(String),
    #[error("the team server refused: {0}")]
    Refused(String),
    #[error("the team server failed: {0}")]
    Server(String),
    #[error("the team database already holds a project (published {at}); join it instead")]
    AlreadyPublished { at: String },
    #[error("the team database holds no project yet; publish one first")]
    NotPublished,
    #[error(
        "the team database is of a newer Claimdesk (schema {found}; this one knows {known}); update Claimdesk"
    )]
    TooNew { found: i64, known: i64 },
    #[error("{0} exists already; join into a new project file")]
    Exists(String),
    #[error("{0}")]
    BadRole(String),
    #[error(
        "this project is not linked to a team server; join one (claimdesk-cli team join) first"
    )]
    NotLinked,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TeamError {
    /// A stable code, as the CLI and the app print them.
    pub fn code(&self) -> &'static str {
        match self {
            TeamError::BadUrl(_) => "bad_team_url",
            TeamError::Unreachable { .. } | TeamError::Lost(_) => "team_unreachable",
            TeamError::Refused(_) => "team_refused",
            TeamError::Server(_) => "team_server_failed",
            TeamError::AlreadyPublished { .. } => "team_published",
            TeamError::NotPublished => "team_not_published",
            TeamError::TooNew { .. } => "team_schema_too_new",
            TeamError::Exists(_) => "project_exists",
            TeamError::BadRole(_) => "bad_team_role",
            TeamError::NotLinked => "not_a_team_project",
            TeamError::Store(e) => e.code(),
        }
    }
}

impl From<postgres::Error> for TeamError {
    fn from(e: postgres::Error) -> TeamError {
        match e.code() {
            Some(code) if *code == SqlState::INSUFFICIENT_PRIVILEGE => {
                TeamError::Refused(database_message(&e))
            }
            // The server went away mid-sync (stopped, restarted, the network cut): what was
            // not committed is sent or received again at the next sync.
            Some(code)
                if *code == SqlState::ADMIN_SHUTDOWN
                    || *code == SqlState::CRASH_SHUTDOWN
                    || *code == SqlState::CANNOT_CONNECT_NOW =>
            {
                TeamError::Lost(database_message(&e))
            }
            None if e.is_closed() || e.as_db_error().is_none() => TeamError::Lost(e.to_string()),
            _ => TeamError::Server(database_message(&e)),
        }
    }
}

/// The server's own words for a failure (without the client's wrapping).
fn database_message(e: &postgres::Error) -> String {
    e.as_db_error()
        .map(|db| db.message().to_string())
        .unwrap_or_else(|| e.to_string())
}

/// Why a connection failed, with the TLS layer's own words when it was TLS.
fn connect_failure(e: &postgres::Error) -> String {
    let mut reason = database_message(e);
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let said = s.to_string();
        if !reason.contains(&said) {
            reason = format!("{reason}: {said}");
        }
        source = s.source();
    }
    reason
}

pub type Result<T> = std::result::Result<T, TeamError>;

/// An open connection to a team database.
pub struct Server {
    client: Client,
    /// Where it is, without any password: what may be shown and stored.
    shown: String,
    /// The role connected as.
    role: String,
}

impl Server {
    /// Connects as libpq would with `url` (see the crate's documentation).
    pub fn connect(url: &str) -> Result<Server> {
        let (rest, tls) = tls::split(url).map_err(TeamError::BadUrl)?;
        let mut config = resolve(&rest)?;
        config.ssl_mode(tls.ssl_mode());
        let shown = format!("{}{}", shown(&config), tls.query());
        let role = config.get_user().unwrap_or_default().to_string();
        let unreachable = |e: postgres::Error| TeamError::Unreachable {
            server: shown.clone(),
            reason: connect_failure(&e),
        };
        let client = if tls.mode == tls::Mode::Disable {
            config.connect(NoTls).map_err(unreachable)?
        } else {
            let connector = tls.connector().map_err(TeamError::BadUrl)?;
            config.connect(connector).map_err(unreachable)?
        };
        Ok(Server {
            client,
            shown,
            role,
        })
    }

    /// Whether the connection is encrypted (TLS), as the server sees it.
    pub fn encrypted(&mut self) -> Result<bool> {
        Ok(self
            .client
            .query_opt(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )?
            .map(|r| r.get(0))
            .unwrap_or(false))
    }

    /// Where this connection goes, without a password.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The team schema version of the database (0: none yet).
    pub fn schema_version(&mut self) -> Result<i64> {
        let exists: bool = self
            .client
            .query_one("SELECT to_regclass('team_schema') IS NOT NULL", &[])?
            .get(0);
        if !exists {
            return Ok(0);
        }
        Ok(self
            .client
            .query_one(
                "SELECT coalesce(max(version), 0)::bigint FROM team_schema",
                &[],
            )?
            .get(0))
    }

    /// Brings the database's team schema up to this build's, each migration in one transaction.
    pub fn migrate(&mut self) -> Result<i64> {
        let found = self.schema_version()?;
        if found > TEAM_SCHEMA_VERSION {
            return Err(TeamError::TooNew {
                found,
                known: TEAM_SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let mut tx = self.client.transaction()?;
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS team_schema (
                     version     integer PRIMARY KEY,
                     applied_at  timestamptz NOT NULL DEFAULT now())",
            )?;
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO team_schema (version) VALUES ($1)",
                &[&(i as i32 + 1)],
            )?;
            tx.commit()?;
        }
        Ok(TEAM_SCHEMA_VERSION)
    }

    fn check_version(&mut self) -> Result<()> {
        match self.schema_version()? {
            0 => Err(TeamError::NotPublished),
            found if found > TEAM_SCHEMA_VERSION => Err(TeamError::TooNew {
                found,
                known: TEAM_SCHEMA_VERSION,
            }),
            _ => Ok(()),
        }
    }
}

/// The connection `url` names, completed from the environment as libpq completes it.
fn resolve(url: &str) -> Result<Config> {
    let mut config: Config = url.trim().parse().map_err(|e| {
        TeamError::BadUrl(format!(
            "{e}: give the team database as postgres://ROLE@HOST:PORT/DATABASE"
        ))
    })?;
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if config.get_hosts().is_empty() {
        match env("PGHOST") {
            Some(host) => config.host(&host),
            None if Path::new("/var/run/postgresql").is_dir() => {
                config.host_path("/var/run/postgresql")
            }
            None => config.host("localhost"),
        };
    }
    if config.get_ports().is_empty() {
        if let Some(port) = env("PGPORT").and_then(|p| p.parse().ok()) {
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| env("USER"))
            .ok_or_else(|| TeamError::BadUrl("say which role to connect as".into()))?;
        config.user(&user);
    }
    if config.get_dbname().is_none() {
        let db = env("PGDATABASE").unwrap_or_else(|| config.get_user().unwrap_or("").to_string());
        config.dbname(&db);
    }
    if config.get_password().is_none() {
        let host = match config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            Some(Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let found = env("PGPASSWORD").or_else(|| {
            pgpass::lookup(
                &host,
                port,
                config.get_dbname().unwrap_or(""),
                config.get_user().unwrap_or(""),
            )
        });
        if let Some(password) = found {
            config.password(password);
        }
    }
    Ok(config)
}

/// A connection as it may be shown and stored: `postgres://ROLE@HOST:PORT/DATABASE`, never
/// with a password.
fn shown(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) if h.contains(':') => format!("[{h}]"),
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string().replace('/', "%2F"),
        None => String::new(),
    };
    let port = config
        .get_ports()
        .first()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    format!(
        "postgres://{}@{host}{port}/{}",
        config.get_user().unwrap_or(""),
        config.get_dbname().unwrap_or("")
    )
}

/// What publishing uploaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Published {
    pub documents: usize,
    pub annotations: usize,
    pub coders: usize,
    pub changes: usize,
}

/// Uploads `project` into the empty team database of `server`, all or nothing. `roles` names
/// the PostgreSQL role each coder connects as (roles the database administrator created);
/// each gets read access and the right to add changes in its own name. Coders without a role
/// can be given one by publishing into a new database only, for now.
pub fn publish(
    project: &mut Project,
    server: &mut Server,
    roles: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Published> {
    server.migrate()?;
    if let Some(row) = server
        .client
        .query_opt("SELECT published_at::text FROM snapshot", &[])?
    {
        return Err(TeamError::AlreadyPublished { at: row.get(0) });
    }
    let info = project.project_info()?;
    let coders = project.coders()?;
    for name in roles.keys() {
        if !coders.iter().any(|c| &c.name == name) && !info.annotators.contains(name) {
            return Err(TeamError::BadRole(format!(
                "the project has no coder {name:?}; its coders are {}",
                coders
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let mut published = Published::default();
    let mut tx = server.client.transaction()?;
    let mut names: Vec<(String, bool)> =
        coders.iter().map(|c| (c.name.clone(), c.curated)).collect();
    for name in &info.annotators {
        if !names.iter().any(|(n, _)| n == name) {
            names.push((name.clone(), false));
        }
    }
    for (name, curated) in &names {
        let role = roles.get(name);
        tx.execute(
            "INSERT INTO coders (name, role, curated) VALUES ($1, $2, $3)",
            &[name, &role.map(String::as_str), curated],
        )?;
        if let Some(role) = role {
            let exists: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
                    &[role],
                )?
                .get(0);
            if !exists {
                return Err(TeamError::BadRole(format!(
                    "there is no role {role:?} on the server; create it first (CREATE ROLE {role} LOGIN)"
                )));
            }
            let role = quoted(role);
            tx.batch_execute(&format!(
                "GRANT SELECT ON team_schema, team_settings, coders, snapshot, documents, coding, \
                 adjudicated, changes TO {role};
                 GRANT INSERT ON changes TO {role};
                 GRANT USAGE ON SEQUENCE changes_seq_seq TO {role};
                 GRANT INSERT ON documents TO {role};
                 GRANT SELECT, UPDATE (done_at) ON assignments TO {role};"
            ))?;
        }
    }
    published.coders = names.len();
    // Labels are known by uid in changes: every copy takes the publisher's.
    let label_uids: BTreeMap<String, String> = project.label_uids()?.into_iter().collect();
    tx.execute(
        "INSERT INTO team_settings (key, value) VALUES ('label_uids', $1::text::jsonb)",
        &[&serde_json::to_string(&label_uids).map_err(store_json)?],
    )?;
    let blind = project.blind_mode()?;
    tx.execute(
        "INSERT INTO team_settings (key, value) VALUES ('blind_mode', $1::text::jsonb)",
        &[&blind.to_string()],
    )?;
    tx.execute(
        "INSERT INTO snapshot (id, info, published_at) VALUES (1, $1::text::jsonb, $2::text::timestamptz)",
        &[&serde_json::to_string(&info).map_err(store_json)?, &now.to_rfc3339()],
    )?;
    let insert_document = tx.prepare(
        "INSERT INTO documents (sha256, position, record) VALUES ($1, $2, $3::text::jsonb)",
    )?;
    let insert_coding = tx.prepare(
        "INSERT INTO coding (sha256, coder, annotations, relations)
         VALUES ($1, $2, $3::text::jsonb, $4::text::jsonb)",
    )?;
    for (position, id) in project.document_ids()?.into_iter().enumerate() {
        let mut record = project.document_record(id, &Scope::default())?;
        let annotations = std::mem::take(&mut record.annotations);
        let relations = std::mem::take(&mut record.relations);
        published.annotations += annotations.len();
        tx.execute(
            &insert_document,
            &[
                &record.sha256,
                &(position as i64),
                &serde_json::to_string(&record).map_err(store_json)?,
            ],
        )?;
        let mut by_coder: BTreeMap<&str, (Vec<_>, Vec<_>)> = BTreeMap::new();
        for a in &annotations {
            by_coder.entry(&a.annotator).or_default().0.push(a);
        }
        let coder_of: HashMap<i64, &str> = annotations
            .iter()
            .map(|a| (a.id, a.annotator.as_str()))
            .collect();
        for r in &relations {
            // A link belongs with the coding of its source annotation's coder.
            let coder = coder_of.get(&r.from_id).copied().unwrap_or(&r.annotator);
            by_coder.entry(coder).or_default().1.push(r);
        }
        for (coder, (annotations, relations)) in by_coder {
            tx.execute(
                &insert_coding,
                &[
                    &record.sha256,
                    &coder,
                    &serde_json::to_string(&annotations).map_err(store_json)?,
                    &serde_json::to_string(&relations).map_err(store_json)?,
                ],
            )?;
        }
        if project.adjudicated(id)? {
            tx.execute(
                "INSERT INTO adjudicated (sha256) VALUES ($1)",
                &[&record.sha256],
            )?;
        }
        published.documents += 1;
    }
    // The history, as the record of how the project came to be (its effect is in the snapshot).
    let insert_change = tx.prepare(
        "INSERT INTO changes (uid, coder, action, kind, document, payload, made_at)
         VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::timestamptz)",
    )?;
    for event in project.log_since(0)? {
        tx.execute(
            &insert_change,
            &[
                &event.uid,
                &event.coder,
                &event.action,
                &event.kind,
                &event.document,
                &event.payload,
                &event.at.to_rfc3339(),
            ],
        )?;
        published.changes += 1;
    }
    let upto: i64 = tx
        .query_one("SELECT coalesce(max(seq), 0) FROM changes", &[])?
        .get(0);
    tx.execute(
        "INSERT INTO team_settings (key, value) VALUES ('published_upto', $1::text::jsonb)",
        &[&upto.to_string()],
    )?;
    tx.commit()?;
    // The published project is a replica too: its owner's copy, syncing as no coder.
    let pushed_upto = project.last_event()?;
    let positions_seen = max_position(server)?;
    project.set_setting(
        TEAM_SETTING,
        &serde_json::json!({
            "server": server.shown,
            "coder": null,
            "joined_at": now.to_rfc3339(),
            "pulled_upto": upto,
            "pushed_upto": pushed_upto,
            "documents_upto": pushed_upto,
            "positions_seen": positions_seen,
        }),
    )?;
    let link = Link::of(project)?.ok_or(TeamError::NotLinked)?;
    push_assignments(project, server, &link)?;
    Ok(published)
}

/// The position of the server's last document (-1 when none).
fn max_position(server: &mut Server) -> Result<i64> {
    Ok(server
        .client
        .query_one("SELECT coalesce(max(position), -1) FROM documents", &[])?
        .get(0))
}

fn store_json(e: serde_json::Error) -> TeamError {
    TeamError::Store(StoreError::Json(e))
}

/// An identifier quoted for SQL.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// What joining brought.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Joined {
    pub documents: usize,
    pub annotations: usize,
    /// The coder the joining role codes as (`None` for the owner or another role).
    pub coder: Option<String>,
}

/// Makes a new local project at `path` from the team database, with what the connected role
/// may read, linked to the database (without a password) for later syncs.
pub fn join(server: &mut Server, path: &Path, now: DateTime<Utc>) -> Result<Joined> {
    if path.exists() {
        return Err(TeamError::Exists(path.display().to_string()));
    }
    server.check_version()?;
    let Some(snapshot) = server
        .client
        .query_opt("SELECT info::text FROM snapshot", &[])?
    else {
        return Err(TeamError::NotPublished);
    };
    let info: ProjectInfo =
        serde_json::from_str(&snapshot.get::<_, String>(0)).map_err(store_json)?;
    let coder: Option<String> = server.client.query_one("SELECT team_coder()", &[])?.get(0);
    let blind: bool = server
        .client
        .query_opt(
            "SELECT value = 'true'::jsonb FROM team_settings WHERE key = 'blind_mode'",
            &[],
        )?
        .map(|r| r.get(0))
        .unwrap_or(false);
    let label_uids = published_label_uids(server)?;
    let upto: i64 = server
        .client
        .query_opt(
            "SELECT (value::text)::bigint FROM team_settings WHERE key = 'published_upto'",
            &[],
        )?
        .map(|r| r.get(0))
        .unwrap_or(0);
    // What this role may read of each document's coding: row-level security filters it.
    let mut coding: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for row in server.client.query(
        "SELECT sha256, annotations::text, relations::text FROM coding ORDER BY sha256, coder",
        &[],
    )? {
        coding
            .entry(row.get(0))
            .or_default()
            .push((row.get(1), row.get(2)));
    }
    let documents = server
        .client
        .query("SELECT record::text FROM documents ORDER BY position", &[])?;
    let adjudicated: Vec<String> = server
        .client
        .query("SELECT sha256 FROM adjudicated", &[])?
        .into_iter()
        .map(|r| r.get(0))
        .collect();

    let mut joined = Joined {
        coder: coder.clone(),
        ..Default::default()
    };
    let mut project = Project::open(path)?;
    let me = project.annotator(coder.as_deref().unwrap_or(&server.role), now)?;
    let mut restored = Vec::new();
    {
        let mut batch = project.begin_import(me, now)?;
        let mut restore = batch.begin_restore(&info)?;
        for row in documents {
            let mut record: DocumentRecord =
                serde_json::from_str(&row.get::<_, String>(0)).map_err(store_json)?;
            for (annotations, relations) in coding.remove(&record.sha256).unwrap_or_default() {
                record
                    .annotations
                    .extend(serde_json::from_str::<Vec<_>>(&annotations).map_err(store_json)?);
                record
                    .relations
                    .extend(serde_json::from_str::<Vec<_>>(&relations).map_err(store_json)?);
            }
            record.annotations.sort_by_key(|a| (a.start, a.end, a.id));
            // A link both of whose ends this role may read.
            let ids: std::collections::HashSet<i64> =
                record.annotations.iter().map(|a| a.id).collect();
            record
                .relations
                .retain(|r| ids.contains(&r.from_id) && ids.contains(&r.to_id));
            record.relations.sort_by_key(|r| r.id);
            joined.annotations += record.annotations.len();
            batch.restore(&mut restore, &record)?;
            restored.push(record.sha256.clone());
            joined.documents += 1;
        }
        batch.commit()?;
    }
    project.set_blind_mode(blind)?;
    project.set_label_uids(&label_uids)?;
    let curated = project.curated_coder(now)?;
    for sha in &adjudicated {
        if let Some(id) = project.document_by_sha256(sha)? {
            project.finish_adjudication(id, true, curated, now)?;
        }
    }
    let pushed_upto = project.last_event()?;
    let positions_seen = max_position(server)?;
    project.set_setting(
        TEAM_SETTING,
        &serde_json::json!({
            "server": server.shown,
            "coder": coder,
            "joined_at": now.to_rfc3339(),
            "pulled_upto": upto,
            "pushed_upto": pushed_upto,
            "documents_upto": pushed_upto,
            "positions_seen": positions_seen,
        }),
    )?;
    pull_assignments(&mut project, server, &mut Synced::default())?;
    Ok(joined)
}

/// What a local project knows of its team server (kept in its settings, never a password).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// `postgres://ROLE@HOST:PORT/DATABASE`.
    pub server: String,
    /// The coder this copy syncs as (`None`: the owner's copy, which only pulls).
    pub coder: Option<String>,
    /// The last local log entry sent.
    #[serde(default)]
    pub pushed_upto: i64,
    /// The last server change received.
    #[serde(default)]
    pub pulled_upto: i64,
    /// Server changes that could not be applied here yet, tried again at each sync.
    #[serde(default)]
    pub pending: Vec<i64>,
    /// Local edits not replicated (in blind mode, undone deletions in use; edits made before
    /// identities): not sent.
    #[serde(default)]
    pub not_sent: usize,
    /// The last local log entry of an import whose documents were sent.
    #[serde(default)]
    pub documents_upto: i64,
    /// The last server document (by position) brought here.
    #[serde(default)]
    pub positions_seen: i64,
    /// The fingerprints of the adjudicated marks here and on the server after the last sync:
    /// while neither changes, the marks are not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjudicated_fingerprints: Option<[String; 2]>,
    /// The fingerprints of the assignments here and on the server after the last sync (see
    /// [`Project::assignments_fingerprint`]): while neither changes, none are sent or taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignments_seen: Option<[String; 2]>,
    /// This copy's mark on the changes it sends (a coder may have two copies under one role);
    /// given at the first sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy: Option<String>,
    #[serde(flatten)]
    pub rest: serde_json::Map<String, serde_json::Value>,
}

impl Link {
    pub fn of(project: &Project) -> Result<Option<Link>> {
        project
            .setting(TEAM_SETTING)?
            .map(|v| serde_json::from_value(v).map_err(store_json))
            .transpose()
    }

    fn save(&self, project: &mut Project) -> Result<()> {
        project.set_setting(
            TEAM_SETTING,
            &serde_json::to_value(self).map_err(store_json)?,
        )?;
        Ok(())
    }
}

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Synced {
    /// Local changes sent (each stored once on the server, however often it is sent).
    pub pushed: usize,
    /// Local edits of kinds not replicated yet, left unsent (in all, so far).
    pub not_sent: usize,
    /// Other coders' changes applied here.
    pub pulled: usize,
    /// Server changes that cannot be applied here yet, with why; tried again next time.
    pub not_applied: Vec<(i64, String)>,
    /// Deletions declined for good, with why (what they delete is in use here, and is kept in
    /// every copy).
    pub declined: Vec<(i64, String)>,
    /// Documents imported here and sent, and documents added elsewhere and brought.
    pub documents_sent: usize,
    pub documents_received: usize,
    /// Assignments (or done marks) taken from the server.
    pub assignments_changed: usize,
    /// Documents the server holds as adjudicated.
    pub adjudicated: usize,
    /// Others' annotations this copy could read only once their document was adjudicated
    /// (blind mode), added at this sync from the coding at publication.
    pub opened_annotations: usize,
}

/// Sends this copy's changes to the server, in one transaction and in order, then applies
/// the others' changes it has not seen, each at most once. Safe to interrupt at any point:
/// a change sent twice is stored once, and one applied twice is applied once.
pub fn sync(project: &mut Project, server: &mut Server, now: DateTime<Utc>) -> Result<Synced> {
    server.check_version()?;
    if server.schema_version()? < TEAM_SCHEMA_VERSION {
        // A database published by an earlier Claimdesk: its owner's sync brings it up to date.
        server.migrate().map_err(|e| match e {
            TeamError::Refused(_) | TeamError::Server(_) => TeamError::Refused(
                "the team database is of an earlier Claimdesk; its owner syncs once to bring it up to date"
                    .into(),
            ),
            e => e,
        })?;
    }
    let mut link = Link::of(project)?.ok_or(TeamError::NotLinked)?;
    let mut synced = Synced::default();
    let copy = match &link.copy {
        Some(copy) => copy.clone(),
        None => {
            let copy = uuid::Uuid::now_v7().to_string();
            link.copy = Some(copy.clone());
            link.save(project)?;
            copy
        }
    };

    // Push: documents imported here first (changes may be made on them), then the changes.
    push_documents(project, server, &mut link, &mut synced)?;
    {
        let owner = link.coder.is_none();
        let outgoing = project.outgoing(link.coder.as_deref(), link.pushed_upto)?;
        if let Some(last) = outgoing.last().map(|o| o.id) {
            let mut tx = server.client.transaction()?;
            // One push at a time, so changes are numbered in the order they become visible: a
            // push numbered before another but committed after it would otherwise be passed by
            // a pull that has already read past its numbers.
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])?;
            if owner {
                // The owner codes under names of its own, which the server must know.
                let names: Vec<String> = outgoing.iter().map(|o| o.coder.clone()).collect();
                tx.execute(
                    "INSERT INTO coders (name) SELECT DISTINCT unnest($1::text[])
                     ON CONFLICT (name) DO NOTHING",
                    &[&names],
                )?;
            }
            // A thousand rows a statement: one round trip each, not one per change.
            let insert = tx.prepare(
                "INSERT INTO changes (uid, coder, action, kind, document, payload, made_at,
                                      pushed_from)
                 SELECT u, c, a, k, d, p::jsonb, m::timestamptz, $8
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                             $6::text[], $7::text[]) AS t (u, c, a, k, d, p, m)
                 ON CONFLICT (uid) DO NOTHING",
            )?;
            let sent: Vec<&claimdesk_store::Outgoing> =
                outgoing.iter().filter(|o| o.global.is_some()).collect();
            link.not_sent += outgoing.len() - sent.len();
            for chunk in sent.chunks(1000) {
                let column = |f: &dyn Fn(&claimdesk_store::Outgoing) -> Option<String>| {
                    chunk.iter().map(|o| f(o)).collect::<Vec<Option<String>>>()
                };
                tx.execute(
                    &insert,
                    &[
                        &column(&|o| Some(o.uid.clone())),
                        &column(&|o| Some(o.coder.clone())),
                        &column(&|o| Some(o.action.clone())),
                        &column(&|o| Some(o.kind.clone())),
                        // A text replacement is everyone's, whatever the document.
                        &column(&|o| {
                            o.document.clone().filter(|_| {
                                !o.global
                                    .as_deref()
                                    .is_some_and(claimdesk_store::replaces_text)
                            })
                        }),
                        &column(&|o| o.global.clone()),
                        &column(&|o| Some(o.at.to_rfc3339())),
                        &copy,
                    ],
                )?;
                synced.pushed += chunk.len();
            }
            tx.commit()?;
            link.pushed_upto = last;
            link.save(project)?;
        }
    }
    synced.not_sent = link.not_sent;
    let seen = link.assignments_seen.take();
    let pushed_assignments =
        seen.as_ref().map(|s| &s[0]) != Some(&project.assignments_fingerprint()?);
    if pushed_assignments {
        push_assignments(project, server, &link)?;
    }
    pull_documents(project, server, &mut link, &mut synced, now)?;
    sync_adjudicated(project, server, &mut link, &mut synced, now)?;

    // Pull: what could not be applied before first, then what is new.
    // What this copy has itself set of labels, entities, relation types and decisions, by the
    // server's order (a decision is a document's, in a step of several changes): another
    // coder's edit of the same thing earlier in that order is passed over, so every copy
    // ends with the last edit's state. (Edits not sent yet come last of all.)
    let mut mine: HashMap<String, i64> = HashMap::new();
    // The last of those that does not commute with the edits around it (a merge or its
    // undoing, a deletion with what used it): when it comes after a pulled change, or a pulled
    // change is one, the pull is replayed in the server's order (`Project::replay`).
    let mut own_reordering: i64 = 0;
    for row in server.client.query(
        "SELECT seq, payload::text, kind FROM changes
         WHERE pushed_by = current_user AND (pushed_from IS NULL OR pushed_from = $2)
           AND seq > $1
           AND (document IS NULL OR kind IN ('several', 'decision_recorded', 'decision_removed'))",
        &[
            &link
                .pulled_upto
                .min(link.pending.iter().copied().min().unwrap_or(i64::MAX)),
            &copy,
        ],
    )? {
        let seq: i64 = row.get(0);
        let traits = claimdesk_store::traits(row.get(1));
        if traits.reorders {
            own_reordering = own_reordering.max(seq);
        }
        for key in traits.touches {
            mine.entry(key)
                .and_modify(|s| *s = (*s).max(seq))
                .or_insert(seq);
        }
    }
    for o in project.outgoing(link.coder.as_deref(), link.pushed_upto)? {
        for key in o
            .global
            .as_deref()
            .map(|g| claimdesk_store::traits(g).touches)
            .unwrap_or_default()
        {
            mine.insert(key, i64::MAX);
        }
    }
    let mut pending = Vec::new();
    let rows = server.client.query(
        r#"SELECT seq, uid, coder, action, payload::text,
                  to_char(made_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
           FROM changes
           WHERE (seq > $1 OR seq = ANY($2))
             AND NOT (pushed_by = current_user AND (pushed_from IS NULL OR pushed_from = $3))
           ORDER BY seq"#,
        &[&link.pulled_upto, &link.pending, &copy],
    )?;
    let mut incoming = Vec::with_capacity(rows.len());
    let mut seqs = Vec::with_capacity(rows.len());
    let mut replay = false;
    for row in rows {
        let seq: i64 = row.get(0);
        seqs.push(seq);
        let mut change = incoming_of(&row, now);
        let traits = claimdesk_store::traits(&change.global);
        change.later_here = traits
            .touches
            .into_iter()
            .filter(|k| mine.get(k).is_some_and(|&s| s > seq))
            .collect();
        replay |= own_reordering > seq || traits.reorders;
        incoming.push(change);
    }
    let replayed = match seqs.first() {
        Some(&first) if replay => {
            replay_pull(project, server, &link, first, &incoming, &seqs, now)?
        }
        _ => None,
    };
    let results: Box<dyn Iterator<Item = Result<Vec<claimdesk_store::Applied>>>> = match replayed {
        Some(all) => Box::new(std::iter::once(Ok(all))),
        // Applied in order, a thousand to a local commit.
        None => Box::new(
            incoming
                .chunks(1000)
                .map(|chunk| project.apply_globals(chunk).map_err(TeamError::from)),
        ),
    };
    let mut seq_of = seqs.iter();
    for applied in results {
        for (applied, &seq) in applied?.into_iter().zip(seq_of.by_ref()) {
            match applied {
                claimdesk_store::Applied::Applied => synced.pulled += 1,
                claimdesk_store::Applied::AlreadyHere | claimdesk_store::Applied::Superseded => {}
                claimdesk_store::Applied::Declined(why) => synced.declined.push((seq, why)),
                claimdesk_store::Applied::NotApplied(why) => {
                    pending.push(seq);
                    synced.not_applied.push((seq, why));
                }
            }
            link.pulled_upto = link.pulled_upto.max(seq);
        }
    }
    link.pending = pending;
    let on_server = assignments_fingerprint(server)?;
    if pushed_assignments
        || synced.documents_received > 0
        || seen.as_ref().map(|s| &s[1]) != Some(&on_server)
    {
        pull_assignments(project, server, &mut synced)?;
    }
    link.assignments_seen = Some([project.assignments_fingerprint()?, on_server]);
    link.save(project)?;
    Ok(synced)
}

/// A server change as the store applies it, from a row of `seq, uid, coder, action, payload,
/// made_at` (made_at as RFC 3339 text).
fn incoming_of(row: &postgres::Row, now: DateTime<Utc>) -> claimdesk_store::Incoming {
    claimdesk_store::Incoming {
        later_here: Vec::new(),
        uid: row.get(1),
        coder: row.get(2),
        action: row.get(3),
        global: row.get(4),
        at: DateTime::parse_from_rfc3339(&row.get::<_, String>(5))
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now),
    }
}

/// Documents marked adjudicated: the owner's copy sends its marks and their removal since the
/// last sync; every copy then takes the server's. In blind mode a document that became
/// adjudicated opens to every coder: their copy brings what others coded on it, which it could
/// not read until now (their coding at publication and their changes already passed by).
fn sync_adjudicated(
    project: &mut Project,
    server: &mut Server,
    link: &mut Link,
    synced: &mut Synced,
    now: DateTime<Utc>,
) -> Result<()> {
    let fingerprint = |server: &mut Server| -> Result<String> {
        Ok(server
            .client
            .query_one(
                "SELECT count(*) || ':' || coalesce(md5(string_agg(sha256, ',' ORDER BY sha256)), '')
                 FROM adjudicated",
                &[],
            )?
            .get(0))
    };
    let on_server_then = fingerprint(server)?;
    synced.adjudicated = on_server_then
        .split(':')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let fingerprints = [project.adjudications_fingerprint()?, on_server_then];
    if link.adjudicated_fingerprints.as_ref() == Some(&fingerprints) {
        return Ok(());
    }
    let here: BTreeSet<String> = project.adjudicated_documents()?.into_iter().collect();
    let on_server = |server: &mut Server| -> Result<BTreeSet<String>> {
        Ok(server
            .client
            .query("SELECT sha256 FROM adjudicated", &[])?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    };
    let before = on_server(server)?;
    // The server's marks at the last sync tell a mark made or taken back here from one made or
    // taken back there (none yet: those both have).
    let seen: BTreeSet<String> = match project.setting(ADJUDICATED_SEEN)? {
        Some(seen) => serde_json::from_value(seen).map_err(store_json)?,
        None => here.intersection(&before).cloned().collect(),
    };
    let owner = link.coder.is_none();
    if owner {
        let mut tx = server.client.transaction()?;
        for sha in here.difference(&seen) {
            tx.execute(
                "INSERT INTO adjudicated (sha256) SELECT $1
                 WHERE EXISTS (SELECT 1 FROM documents WHERE sha256 = $1)
                 ON CONFLICT DO NOTHING",
                &[sha],
            )?;
        }
        for sha in seen.difference(&here) {
            tx.execute("DELETE FROM adjudicated WHERE sha256 = $1", &[sha])?;
        }
        tx.commit()?;
    }
    // Only the owner's marks change the server's between the two reads.
    let after = if owner { on_server(server)? } else { before };
    let blind = project.blind_mode()?;
    // Marked on the server and not here; taken back there (by the owner) and still marked here.
    let marked: Vec<&String> = after.difference(&here).collect();
    let unmarked: Vec<&String> = seen
        .intersection(&here)
        .filter(|sha| !after.contains(*sha))
        .collect();
    let mut opened = Vec::new();
    if !marked.is_empty() || !unmarked.is_empty() {
        let curated = project.curated_coder(now)?;
        for (shas, finished) in [(&marked, true), (&unmarked, false)] {
            for &sha in shas {
                if let Some(id) = project.document_by_sha256(sha)? {
                    project.finish_adjudication(id, finished, curated, now)?;
                    if finished {
                        opened.push(sha.clone());
                    }
                }
            }
        }
    }
    if blind && link.coder.is_some() && !opened.is_empty() {
        let info: ProjectInfo = match server
            .client
            .query_opt("SELECT info::text FROM snapshot", &[])?
        {
            Some(row) => serde_json::from_str(&row.get::<_, String>(0)).map_err(store_json)?,
            None => ProjectInfo::default(),
        };
        let label_uids = published_label_uids(server)?;
        for sha in &opened {
            for row in server.client.query(
                "SELECT annotations::text, relations::text FROM coding
                 WHERE sha256 = $1 AND coder IS DISTINCT FROM team_coder()",
                &[sha],
            )? {
                let annotations: Vec<AnnotationRecord> =
                    serde_json::from_str(&row.get::<_, String>(0)).map_err(store_json)?;
                let relations: Vec<RelationRecord> =
                    serde_json::from_str(&row.get::<_, String>(1)).map_err(store_json)?;
                synced.opened_annotations += project.add_published_coding(
                    &info,
                    &label_uids,
                    sha,
                    &annotations,
                    &relations,
                )?;
            }
            // Their changes this copy's pulls passed by unread (the history before publication
            // is in the coding above); later ones come with the pull.
            let rows = server.client.query(
                r#"SELECT seq, uid, coder, action, payload::text,
                          to_char(made_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                   FROM changes
                   WHERE document = $1 AND seq <= $2
                     AND NOT (pushed_by = current_user AND (pushed_from IS NULL OR pushed_from = $3))
                     AND seq > coalesce((SELECT (value::text)::bigint FROM team_settings
                                         WHERE key = 'published_upto'), 0)
                   ORDER BY seq"#,
                &[sha, &link.pulled_upto, &link.copy.as_deref().unwrap_or_default()],
            )?;
            let incoming: Vec<claimdesk_store::Incoming> =
                rows.iter().map(|row| incoming_of(row, now)).collect();
            for (applied, row) in project.apply_globals(&incoming)?.into_iter().zip(&rows) {
                match applied {
                    claimdesk_store::Applied::Applied => synced.pulled += 1,
                    claimdesk_store::Applied::NotApplied(why) => {
                        let seq: i64 = row.get(0);
                        if !link.pending.contains(&seq) {
                            link.pending.push(seq);
                        }
                        synced.not_applied.push((seq, why));
                    }
                    claimdesk_store::Applied::Declined(why) => {
                        synced.declined.push((row.get(0), why))
                    }
                    _ => {}
                }
            }
        }
    }
    synced.adjudicated = after.len();
    project.set_setting(
        ADJUDICATED_SEEN,
        &serde_json::to_value(&after).map_err(store_json)?,
    )?;
    let on_server_now = if owner {
        fingerprint(server)?
    } else {
        fingerprints[1].clone()
    };
    link.adjudicated_fingerprints = Some([project.adjudications_fingerprint()?, on_server_now]);
    link.save(project)?;
    Ok(())
}

/// The project setting that holds the documents the server held as adjudicated at the last
/// sync (by sha256): apart from the link, which is saved several times a sync.
const ADJUDICATED_SEEN: &str = "team_adjudicated_seen";

/// The labels' uids at publication, by the names they had then.
fn published_label_uids(server: &mut Server) -> Result<Vec<(String, String)>> {
    Ok(server
        .client
        .query_opt(
            "SELECT value::text FROM team_settings WHERE key = 'label_uids'",
            &[],
        )?
        .map(|r| serde_json::from_str::<BTreeMap<String, String>>(&r.get::<_, String>(0)))
        .transpose()
        .map_err(store_json)?
        .unwrap_or_default()
        .into_iter()
        .collect())
}

/// Applies the pulled changes (`incoming`, numbered `seqs`, the first `first`) with this copy's
/// own changes since `first` taken back and made again in the server's order around them
/// ([`Project::replay`]). `None` when they cannot be (then they are applied as they come).
fn replay_pull(
    project: &mut Project,
    server: &mut Server,
    link: &Link,
    first: i64,
    incoming: &[claimdesk_store::Incoming],
    seqs: &[i64],
    now: DateTime<Utc>,
) -> Result<Option<Vec<claimdesk_store::Applied>>> {
    let own: Vec<(i64, String)> = server
        .client
        .query(
            "SELECT seq, uid FROM changes
             WHERE pushed_by = current_user AND (pushed_from IS NULL OR pushed_from = $2)
               AND seq > $1 ORDER BY seq",
            &[&first, &link.copy.as_deref().unwrap_or_default()],
        )?
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut mine: Vec<String> = own.iter().map(|(_, uid)| uid.clone()).collect();
    if link.coder.is_some() {
        // Made here while this sync ran, not sent yet: made again last.
        mine.extend(
            project
                .outgoing(link.coder.as_deref(), link.pushed_upto)?
                .into_iter()
                .map(|o| o.uid),
        );
    }
    let mut steps = Vec::with_capacity(incoming.len() + own.len());
    let mut own = own.into_iter().peekable();
    for (c, &seq) in incoming.iter().zip(seqs) {
        while let Some((_, uid)) = own.next_if(|(s, _)| *s < seq) {
            steps.push(claimdesk_store::Replayed::Mine(uid));
        }
        steps.push(claimdesk_store::Replayed::Theirs(c.clone()));
    }
    steps.extend(own.map(|(_, uid)| claimdesk_store::Replayed::Mine(uid)));
    Ok(project.replay(&mine, &steps, now)?)
}

/// Sends the documents imported here since the last push that the server lacks.
fn push_documents(
    project: &mut Project,
    server: &mut Server,
    link: &mut Link,
    synced: &mut Synced,
) -> Result<()> {
    let (last, ids) = project.imported_since(link.documents_upto)?;
    if last == link.documents_upto {
        return Ok(());
    }
    let mut records = Vec::new();
    for id in ids {
        let mut record = project.document_record(id, &Scope::default())?;
        record.annotations.clear();
        record.relations.clear();
        records.push(record);
    }
    let shas: Vec<String> = records.iter().map(|r| r.sha256.clone()).collect();
    let known: std::collections::HashSet<String> = server
        .client
        .query(
            "SELECT sha256 FROM documents WHERE sha256 = ANY($1)",
            &[&shas],
        )?
        .into_iter()
        .map(|r| r.get(0))
        .collect();
    let mut tx = server.client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])?;
    let insert = tx.prepare(
        "INSERT INTO documents (sha256, position, record)
         SELECT $1, coalesce(max(position), -1) + 1, $2::text::jsonb FROM documents
         ON CONFLICT (sha256) DO NOTHING",
    )?;
    for record in records.iter().filter(|r| !known.contains(&r.sha256)) {
        tx.execute(
            &insert,
            &[
                &record.sha256,
                &serde_json::to_string(record).map_err(store_json)?,
            ],
        )?;
        synced.documents_sent += 1;
    }
    tx.commit()?;
    link.documents_upto = last;
    link.save(project)?;
    Ok(())
}

/// Brings the documents added on the server since the last pull.
fn pull_documents(
    project: &mut Project,
    server: &mut Server,
    link: &mut Link,
    synced: &mut Synced,
    now: DateTime<Utc>,
) -> Result<()> {
    let rows = server.client.query(
        "SELECT position, record::text FROM documents WHERE position > $1 ORDER BY position",
        &[&link.positions_seen],
    )?;
    if rows.is_empty() {
        return Ok(());
    }
    let me = project.annotator(link.coder.as_deref().unwrap_or(&server.role), now)?;
    let mut seen = link.positions_seen;
    {
        let mut batch = project.begin_import(me, now)?;
        for row in &rows {
            let record: DocumentRecord =
                serde_json::from_str(&row.get::<_, String>(1)).map_err(store_json)?;
            let document = claimdesk_core::NewDocument {
                text: record.text,
                title: record.title,
                date: record.date,
                source: record.source,
                author: record.author,
                url: record.url,
                language: record.language,
                metadata: record.metadata,
            };
            let imported = claimdesk_core::imported::ImportedDocument::plain(document);
            if let claimdesk_store::ImportOutcome::Imported(_) = batch.add(&imported)? {
                synced.documents_received += 1;
            }
            seen = seen.max(row.get::<_, i64>(0));
        }
        batch.commit()?;
    }
    link.positions_seen = seen;
    link.save(project)?;
    Ok(())
}

/// Sends the assignments: the owner's copy all it has (the owner assigns), a coder's copy
/// the done marks of its own (row-level security lets it mark no one else's).
fn push_assignments(project: &Project, server: &mut Server, link: &Link) -> Result<()> {
    let rows = project.assignment_rows()?;
    let mut tx = server.client.transaction()?;
    match &link.coder {
        None => {
            let insert = tx.prepare(
                "INSERT INTO assignments (sha256, coder, assigned_at, done_at)
                 SELECT $1, $2, $3::text::timestamptz, $4::text::timestamptz
                 WHERE EXISTS (SELECT 1 FROM documents WHERE sha256 = $1)
                   AND EXISTS (SELECT 1 FROM coders WHERE name = $2)
                 ON CONFLICT (sha256, coder) DO NOTHING",
            )?;
            for r in &rows {
                tx.execute(
                    &insert,
                    &[
                        &r.document,
                        &r.coder,
                        &r.assigned_at.to_rfc3339(),
                        &r.done_at.map(|d| d.to_rfc3339()),
                    ],
                )?;
            }
        }
        Some(me) => {
            let mark = tx.prepare(
                "UPDATE assignments SET done_at = $3::text::timestamptz
                 WHERE sha256 = $1 AND coder = $2
                   AND done_at IS DISTINCT FROM $3::text::timestamptz",
            )?;
            for r in rows.iter().filter(|r| &r.coder == me) {
                tx.execute(
                    &mark,
                    &[&r.document, &r.coder, &r.done_at.map(|d| d.to_rfc3339())],
                )?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

/// Takes the server's assignments (and done marks) here.
/// A short fingerprint of the server's assignments and done marks.
fn assignments_fingerprint(server: &mut Server) -> Result<String> {
    Ok(server
        .client
        .query_one(
            "SELECT count(*) || ':' || coalesce(md5(string_agg(
                    sha256 || '/' || coder || '/' || coalesce(done_at::text, '-'), ','
                    ORDER BY sha256, coder)), '')
         FROM assignments",
            &[],
        )?
        .get(0))
}

fn pull_assignments(project: &mut Project, server: &mut Server, synced: &mut Synced) -> Result<()> {
    let rows: Vec<claimdesk_store::AssignmentRow> = server
        .client
        .query(
            r#"SELECT sha256, coder,
                      to_char(assigned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                      to_char(done_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
               FROM assignments"#,
            &[],
        )?
        .into_iter()
        .filter_map(|r| {
            let at = |s: Option<String>| {
                s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
                    .map(|t| t.with_timezone(&Utc))
            };
            Some(claimdesk_store::AssignmentRow {
                document: r.get(0),
                coder: r.get(1),
                assigned_at: at(r.get(2))?,
                done_at: at(r.get(3)),
            })
        })
        .collect();
    synced.assignments_changed = project.take_assignments(&rows)?;
    Ok(())
}
