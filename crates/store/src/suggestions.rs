//! Suggestions: the finder run over a project's documents, what it found kept per document,
//! and each coder's decisions.
//!
//! Running the finder on a document replaces what was kept for it. A suggestion is open for a
//! coder until the coder accepts or rejects it, or has already coded what it proposes.
//! Deciding goes through the event log as one [`Change::SuggestionsDecided`], so undo takes
//! back an acceptance together with the annotations it made, and a rejection stays rejected
//! after a restart and any later run.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use claimdesk_core::dataset::{Entity, EntityKind};
use claimdesk_core::suggestion::{SuggestedSpan, Suggestion, SuggestionDecision, SuggestionKind};
use claimdesk_core::{Change, Relation, Span, TextIndex};
use claimdesk_suggest::{find_attributions, Fold, MentionFinder, Rules};

use crate::annotations::{insert_new_annotation, insert_relation, next_relation_id};
use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::time;

/// What to look for.
#[derive(Clone, Debug)]
pub struct SuggestOptions {
    pub kinds: Vec<SuggestionKind>,
    /// How names of known actors are matched.
    pub fold: Fold,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            kinds: vec![SuggestionKind::Attribution, SuggestionKind::Mention],
            fold: Fold::Case,
        }
    }
}

/// A suggestion open for a coder, with the text it proposes.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenSuggestion {
    pub key: String,
    pub suggestion: Suggestion,
    pub content_quote: Option<String>,
    pub source_quote: Option<String>,
    pub cue_quote: Option<String>,
    /// The name the source was resolved to (a pronoun's earlier speaker).
    pub resolved_quote: Option<String>,
    /// The entity's name, for a mention or a source that names a known actor.
    pub entity_name: Option<String>,
}

/// What running the finder on a document gave: the suggestions open for the coder, or why the
/// document could not be read (then there are none, and nothing is kept for it).
#[derive(Clone, Debug, PartialEq)]
pub struct Suggested {
    pub open: Vec<OpenSuggestion>,
    pub unread: Option<String>,
}

/// What a run over several documents did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SuggestRun {
    pub documents: usize,
    /// Suggestions found, open or not.
    pub found: usize,
    /// Of them, open for the coder.
    pub open: usize,
    /// The run stopped early when asked to.
    pub cancelled: bool,
    /// Documents the finder could not read (each got no suggestions).
    pub unread: usize,
}

/// The labels and link type suggestions become, by name in the project's schema.
struct Targets {
    actor: i64,
    claim: i64,
    cue: Option<i64>,
    said_by: Option<String>,
}

/// What every document of a run shares: the known actors, their names, and the labels
/// suggestions become (`None` when the schema lacks one; accepting then says why).
struct Known {
    names: HashMap<i64, String>,
    targets: Option<Targets>,
}

/// The known actors as the mention finder takes them, for a run of the finder.
struct Actors {
    ids: Vec<i64>,
    /// The names prepared for the mention finder, folded as the run asks.
    mentions: MentionFinder,
}

impl Known {
    fn read(conn: &Connection) -> Result<Known> {
        let entities = crate::dataset::project_info(conn)?.entities;
        Ok(Known {
            names: entities.into_iter().map(|e| (e.id, e.name)).collect(),
            targets: targets(conn).ok(),
        })
    }
}

impl Actors {
    /// The project's actors, their names folded as `fold` says.
    fn read(conn: &Connection, fold: Fold) -> Result<Actors> {
        let actors: Vec<Entity> = crate::dataset::project_info(conn)?
            .entities
            .into_iter()
            .filter(|e| e.kind == EntityKind::Actor)
            .collect();
        let names: Vec<Vec<String>> = actors
            .iter()
            .map(|e| {
                std::iter::once(e.name.clone())
                    .chain(e.aliases.iter().cloned())
                    .collect()
            })
            .collect();
        Ok(Actors {
            ids: actors.iter().map(|e| e.id).collect(),
            mentions: MentionFinder::new(&names, fold),
        })
    }
}

/// Documents a run commits together.
const DOCUMENTS_PER_COMMIT: usize = 64;

impl Project {
    /// Runs the finder on a document, keeps what it found (replacing the last run's findings),
    /// and answers the suggestions open for `coder`, in text order.
    pub fn suggest(
        &mut self,
        document_id: i64,
        options: &SuggestOptions,
        coder: i64,
        now: DateTime<Utc>,
    ) -> Result<Suggested> {
        let tx = self.conn.transaction()?;
        let actors = Actors::read(&tx, options.fold)?;
        let (found, unread) = find_in(&tx, document_id, &actors)?;
        keep(&tx, document_id, &found, now)?;
        let open = open_in(&tx, document_id, coder, &Known::read(&tx)?)?
            .into_iter()
            .filter(|s| options.kinds.contains(&s.suggestion.kind))
            .collect();
        tx.commit()?;
        Ok(Suggested { open, unread })
    }

    /// Runs the finder on `documents` in turn, committing as it goes. `progress(done, total)`
    /// is told after each document and stops the run by answering `false`; what was done by
    /// then is kept.
    pub fn suggest_documents(
        &mut self,
        documents: &[i64],
        options: &SuggestOptions,
        coder: i64,
        now: DateTime<Utc>,
        mut progress: impl FnMut(usize, usize) -> bool,
    ) -> Result<SuggestRun> {
        let mut run = SuggestRun::default();
        let known = Known::read(&self.conn)?;
        let actors = Actors::read(&self.conn, options.fold)?;
        let conn = &mut self.conn;
        // Two stages on the two cores: this thread reads a chunk's texts and stores the
        // findings of the one before, while a second runs the finder on the chunk read.
        std::thread::scope(|scope| -> Result<()> {
            let (texts, to_find) = std::sync::mpsc::sync_channel::<Vec<Text>>(1);
            let (found_tx, found) = std::sync::mpsc::sync_channel::<Vec<Found>>(1);
            let actors = &actors;
            scope.spawn(move || {
                for chunk in to_find {
                    let out = chunk
                        .into_iter()
                        .map(|t| Found {
                            document_id: t.document_id,
                            findings: find_checked(&t.text, t.language.as_deref(), actors),
                            sha256: t.sha256,
                        })
                        .collect();
                    if found_tx.send(out).is_err() {
                        break;
                    }
                }
            });
            let mut chunks = documents.chunks(DOCUMENTS_PER_COMMIT);
            let mut in_flight = 0;
            if let Some(first) = chunks.next() {
                texts.send(read_texts(conn, first)?).ok();
                in_flight += 1;
            }
            while in_flight > 0 {
                // The next chunk is read while the finder works on this one.
                if let Some(next) = chunks.next() {
                    texts.send(read_texts(conn, next)?).ok();
                    in_flight += 1;
                }
                let Ok(chunk) = found.recv() else { break };
                in_flight -= 1;
                let tx = conn.transaction()?;
                for f in chunk {
                    let (suggestions, unread) = f.findings;
                    // The text was read before this transaction: a text replaced since keeps
                    // nothing found on the old one (it is found again when opened).
                    let current: Option<String> = tx
                        .query_row(
                            "SELECT sha256 FROM documents WHERE id = ?1",
                            [f.document_id],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if current.as_deref() == Some(f.sha256.as_str()) {
                        keep(&tx, f.document_id, &suggestions, now)?;
                    }
                    let suggestions = of_kinds(suggestions, &options.kinds);
                    run.found += suggestions.len();
                    run.unread += usize::from(unread.is_some());
                    run.open += still_open(&tx, f.document_id, coder, &known, suggestions)?.len();
                    run.documents += 1;
                    if !progress(run.documents, documents.len()) {
                        run.cancelled = true;
                        break;
                    }
                }
                tx.commit()?;
                if run.cancelled {
                    break;
                }
            }
            // Dropping the sender ends the finder's stage.
            drop(texts);
            Ok(())
        })?;
        Ok(run)
    }

    /// The suggestions kept for a document that are open for `coder`, in text order.
    pub fn open_suggestions(&self, document_id: i64, coder: i64) -> Result<Vec<OpenSuggestion>> {
        open_in(&self.conn, document_id, coder, &Known::read(&self.conn)?)
    }

    /// The first document after `after` (in import order, coming round to the start) with
    /// suggestions open for `coder`, and how many. Reads candidates a few at a time, so a
    /// project of a million documents answers as fast as one of ten.
    pub fn next_with_suggestions(&self, coder: i64, after: i64) -> Result<Option<(i64, usize)>> {
        let known = Known::read(&self.conn)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT s.document_id FROM suggestions s
             WHERE s.document_id > ?1 AND NOT EXISTS (
                 SELECT 1 FROM suggestion_decisions d
                 WHERE d.document_id = s.document_id AND d.key = s.key AND d.annotator_id = ?2)
             ORDER BY s.document_id LIMIT 64",
        )?;
        for from in [after, 0] {
            let mut at = from;
            loop {
                let ids: Vec<i64> = stmt
                    .query_map((at, coder), |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                let Some(&last) = ids.last() else { break };
                for id in ids {
                    if from == 0 && id >= after {
                        return Ok(None);
                    }
                    let open = open_in(&self.conn, id, coder, &known)?.len();
                    if open > 0 {
                        return Ok(Some((id, open)));
                    }
                }
                at = last;
            }
        }
        Ok(None)
    }

    /// Accepts the open suggestion `key`: its spans become `coder`'s annotations (an Actor, a
    /// Claim, a Cue where the schema has one) linked by `said_by`, a mention's Actor linked to
    /// its entity. `edited` carries the spans as the analyst corrected them; what was found
    /// stays under its key. An annotation the coder already has on the same span and label is
    /// used rather than doubled. One undo step.
    pub fn accept_suggestion(
        &mut self,
        document_id: i64,
        key: &str,
        edited: Option<&Suggestion>,
        coder: i64,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        let tx = self.conn.transaction()?;
        let open = open_in(&tx, document_id, coder, &Known::read(&tx)?)?;
        let found = open
            .iter()
            .find(|s| s.key == key)
            .ok_or_else(|| StoreError::UnknownSuggestion(key.to_string()))?;
        let chosen = match edited {
            Some(e) => {
                if e.kind != found.suggestion.kind {
                    return Err(StoreError::BadSuggestion(
                        "an edited suggestion keeps its kind".into(),
                    ));
                }
                // The entity found names the source found: an edited source names whom the
                // analyst made it name, and is linked to no entity until they say.
                Suggestion {
                    entity_id: found
                        .suggestion
                        .entity_id
                        .filter(|_| e.source == found.suggestion.source),
                    ..e.clone()
                }
            }
            None => found.suggestion.clone(),
        };
        let changes = make_annotations(&tx, document_id, &[&chosen], coder, now)?;
        let change = decide(
            &tx,
            document_id,
            vec![key.to_string()],
            SuggestionDecision::Accepted,
            changes,
            coder,
            now,
        )?;
        tx.commit()?;
        Ok(change)
    }

    /// Accepts every suggestion open for `coder` in the document, as one undo step. `None`
    /// when none was open.
    pub fn accept_all_suggestions(
        &mut self,
        document_id: i64,
        coder: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Change>> {
        self.accept_suggestions_of(
            document_id,
            &[SuggestionKind::Attribution, SuggestionKind::Mention],
            coder,
            now,
        )
    }

    /// [`Project::accept_all_suggestions`] for the suggestions of `kinds` only.
    pub fn accept_suggestions_of(
        &mut self,
        document_id: i64,
        kinds: &[SuggestionKind],
        coder: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Change>> {
        let tx = self.conn.transaction()?;
        let open: Vec<OpenSuggestion> = open_in(&tx, document_id, coder, &Known::read(&tx)?)?
            .into_iter()
            .filter(|s| kinds.contains(&s.suggestion.kind))
            .collect();
        if open.is_empty() {
            return Ok(None);
        }
        let chosen: Vec<&Suggestion> = open.iter().map(|s| &s.suggestion).collect();
        let changes = make_annotations(&tx, document_id, &chosen, coder, now)?;
        let keys = open.iter().map(|s| s.key.clone()).collect();
        let change = decide(
            &tx,
            document_id,
            keys,
            SuggestionDecision::Accepted,
            changes,
            coder,
            now,
        )?;
        tx.commit()?;
        Ok(Some(change))
    }

    /// Rejects the open suggestion `key` for `coder`: no later run proposes it to them again.
    /// Undo reopens it.
    pub fn reject_suggestion(
        &mut self,
        document_id: i64,
        key: &str,
        coder: i64,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        let tx = self.conn.transaction()?;
        if !open_in(&tx, document_id, coder, &Known::read(&tx)?)?
            .iter()
            .any(|s| s.key == key)
        {
            return Err(StoreError::UnknownSuggestion(key.to_string()));
        }
        let change = decide(
            &tx,
            document_id,
            vec![key.to_string()],
            SuggestionDecision::Rejected,
            Vec::new(),
            coder,
            now,
        )?;
        tx.commit()?;
        Ok(change)
    }
}

/// Records a decision made now (the annotations of `changes` are already in): applies the
/// decision rows and logs the step.
fn decide(
    tx: &Connection,
    document_id: i64,
    keys: Vec<String>,
    decision: SuggestionDecision,
    changes: Vec<Change>,
    coder: i64,
    now: DateTime<Utc>,
) -> Result<Change> {
    let change = Change::SuggestionsDecided {
        document_id,
        coder,
        keys,
        before: None,
        after: Some(decision),
        changes,
    };
    apply(tx, &change, now)?;
    crate::history::record(tx, &change, coder, now)?;
    Ok(change)
}

/// Applies a decision's rows (its annotation changes are applied by the caller).
pub(crate) fn apply(tx: &Connection, change: &Change, now: DateTime<Utc>) -> Result<()> {
    let Change::SuggestionsDecided {
        document_id,
        coder,
        keys,
        after,
        ..
    } = change
    else {
        return Ok(());
    };
    for key in keys {
        match after {
            Some(decision) => tx.execute(
                "INSERT OR REPLACE INTO suggestion_decisions
                 (document_id, key, annotator_id, decision, decided_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                (document_id, key, coder, decision.name(), time::to_sql(now)),
            )?,
            None => tx.execute(
                "DELETE FROM suggestion_decisions
                 WHERE document_id = ?1 AND key = ?2 AND annotator_id = ?3",
                (document_id, key, coder),
            )?,
        };
    }
    Ok(())
}

/// A document's text as the finder takes it.
struct Text {
    document_id: i64,
    text: String,
    language: Option<String>,
    /// The digest of `text`: findings are kept only while the document still has this text.
    sha256: String,
}

/// What the finder made of a document: its findings, or why it could not read it.
struct Found {
    document_id: i64,
    sha256: String,
    findings: (Vec<Suggestion>, Option<String>),
}

fn read_texts(conn: &Connection, ids: &[i64]) -> Result<Vec<Text>> {
    let mut stmt =
        conn.prepare_cached("SELECT text, language, sha256 FROM documents WHERE id = ?1")?;
    ids.iter()
        .map(|&document_id| {
            let (text, language, sha256) = stmt
                .query_row([document_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?
                .ok_or(StoreError::UnknownDocument(document_id))?;
            Ok(Text {
                document_id,
                text,
                language,
                sha256,
            })
        })
        .collect()
}

/// Runs the finder on one document's text.
fn find_in(
    conn: &Connection,
    document_id: i64,
    actors: &Actors,
) -> Result<(Vec<Suggestion>, Option<String>)> {
    let text = read_texts(conn, &[document_id])?.remove(0);
    Ok(find_checked(&text.text, text.language.as_deref(), actors))
}

/// The suggestions of the kinds asked for. Every kind is found and kept whatever a run asks,
/// so one coder's choice never takes away what another has open.
fn of_kinds(found: Vec<Suggestion>, kinds: &[SuggestionKind]) -> Vec<Suggestion> {
    found
        .into_iter()
        .filter(|s| kinds.contains(&s.kind))
        .collect()
}

/// The findings in a text; or, with none, why it cannot be read (a language the finder has no
/// rules for, or a text it failed on).
fn find_checked(
    text: &str,
    language: Option<&str>,
    actors: &Actors,
) -> (Vec<Suggestion>, Option<String>) {
    if let Some(language) = language.filter(|l| !readable_language(l)) {
        return (
            Vec::new(),
            Some(format!(
                "the finder has English rules only, and this document is in {language:?}"
            )),
        );
    }
    // The finder never panics on any text (its tests throw hostile text at it); should it
    // fail all the same, the document gets no suggestions and a reason, and the run goes on.
    match std::panic::catch_unwind(|| find_text(text, actors)) {
        Ok(found) => (found, None),
        Err(_) => (
            Vec::new(),
            Some("the finder could not read this text".to_string()),
        ),
    }
}

/// Languages the rules are for: English, and documents of no or several stated languages.
fn readable_language(language: &str) -> bool {
    let l = language.trim().to_ascii_lowercase();
    l.is_empty()
        || l == "en"
        || l.starts_with("en-")
        || l.starts_with("en_")
        || l == "english"
        || l == "mul"
        || l == "und"
}

fn find_text(text: &str, actors: &Actors) -> Vec<Suggestion> {
    let mentions = actors.mentions.find(text);
    let span = |s: claimdesk_suggest::Span| SuggestedSpan {
        start: s.start,
        end: s.end,
    };
    // The entity a span names: a mention covering exactly that span.
    let named = |s: SuggestedSpan| {
        mentions
            .iter()
            .find(|m| m.span.start == s.start && m.span.end == s.end)
            .map(|m| actors.ids[m.entity])
    };
    let mut out = Vec::new();
    {
        for a in find_attributions(text, Rules::english()) {
            let source = a.source.map(span);
            let resolved = a.resolved.map(span);
            out.push(Suggestion {
                kind: SuggestionKind::Attribution,
                content: Some(span(a.content)),
                source,
                cue: a.cue.map(span),
                resolved,
                entity_id: source.and_then(named).or_else(|| resolved.and_then(named)),
                quoted: matches!(a.kind, claimdesk_suggest::AttributionKind::Direct),
            });
        }
    }
    {
        // A mention that is an attribution's source is proposed with the attribution.
        let sources: HashSet<SuggestedSpan> = out.iter().filter_map(|s| s.source).collect();
        for m in &mentions {
            let at = span(m.span);
            if sources.contains(&at) {
                continue;
            }
            out.push(Suggestion {
                kind: SuggestionKind::Mention,
                content: None,
                source: Some(at),
                cue: None,
                resolved: None,
                entity_id: Some(actors.ids[m.entity]),
                quoted: false,
            });
        }
    }
    out.sort_by_key(|s| (s.start(), s.key()));
    // One suggestion per key (two findings of the same spans with other cues are one).
    let mut seen = HashSet::new();
    out.retain(|s| seen.insert(s.key()));
    out
}

/// Replaces what is kept for a document with `found`. Writes nothing when that is what is
/// kept already (a document opened again), so reading leaves the project as it was.
fn keep(tx: &Connection, document_id: i64, found: &[Suggestion], now: DateTime<Utc>) -> Result<()> {
    let mut fresh: Vec<(String, String)> = found
        .iter()
        .map(|s| Ok((s.key(), serde_json::to_string(s)?)))
        .collect::<Result<_>>()?;
    fresh.sort();
    let mut stmt = tx
        .prepare_cached("SELECT key, found FROM suggestions WHERE document_id = ?1 ORDER BY key")?;
    let kept: Vec<(String, String)> = stmt
        .query_map([document_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if kept == fresh {
        return Ok(());
    }
    tx.execute(
        "DELETE FROM suggestions WHERE document_id = ?1",
        [document_id],
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO suggestions (document_id, key, found, found_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let at = time::to_sql(now);
    for (key, json) in &fresh {
        insert.execute((document_id, key, json, &at))?;
    }
    Ok(())
}

/// Of a document's `found` suggestions, those still open for `coder`: not decided by them, and
/// not already coded by them (each proposed span already their annotation of that label).
fn still_open(
    conn: &Connection,
    document_id: i64,
    coder: i64,
    known: &Known,
    found: Vec<Suggestion>,
) -> Result<Vec<Suggestion>> {
    if found.is_empty() {
        return Ok(found);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT key FROM suggestion_decisions WHERE document_id = ?1 AND annotator_id = ?2",
    )?;
    let decided: HashSet<String> = stmt
        .query_map((document_id, coder), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let coded = coder_spans(conn, document_id, coder)?;
    Ok(found
        .into_iter()
        .filter(|s| !decided.contains(&s.key()))
        .filter(|s| {
            let Some(t) = &known.targets else { return true };
            let has = |label: i64, at: Option<SuggestedSpan>| {
                at.is_none_or(|at| coded.contains_key(&(label, at.start, at.end)))
            };
            !match s.kind {
                SuggestionKind::Attribution => has(t.claim, s.content) && has(t.actor, s.source),
                SuggestionKind::Mention => has(t.actor, s.source),
            }
        })
        .collect())
}

/// The spans `coder` has annotated in a document, by label: the annotation's id.
fn coder_spans(
    conn: &Connection,
    document_id: i64,
    coder: i64,
) -> Result<HashMap<(i64, usize, usize), i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, label_id, start, end FROM annotations
         WHERE document_id = ?1 AND annotator_id = ?2 ORDER BY id",
    )?;
    let mut out = HashMap::new();
    for row in stmt.query_map((document_id, coder), |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })? {
        let (id, label, start, end) = row?;
        out.entry((label, start as usize, end as usize))
            .or_insert(id);
    }
    Ok(out)
}

/// The kept suggestions of a document open for `coder` (see [`still_open`]), with their text.
fn open_in(
    conn: &Connection,
    document_id: i64,
    coder: i64,
    known: &Known,
) -> Result<Vec<OpenSuggestion>> {
    crate::annotations::ensure_document(conn, document_id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT s.key, s.found FROM suggestions s
         WHERE s.document_id = ?1 AND NOT EXISTS (
             SELECT 1 FROM suggestion_decisions d
             WHERE d.document_id = s.document_id AND d.key = s.key AND d.annotator_id = ?2)",
    )?;
    let kept: Vec<(String, String)> = stmt
        .query_map((document_id, coder), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if kept.is_empty() {
        return Ok(Vec::new());
    }
    let kept = kept
        .into_iter()
        .map(|(_, found)| serde_json::from_str(&found))
        .collect::<serde_json::Result<Vec<Suggestion>>>()?;
    let open = still_open(conn, document_id, coder, known, kept)?;
    let text = crate::documents::read_text(conn, document_id)?;
    let index = TextIndex::new(&text);
    let quote = |s: Option<SuggestedSpan>| -> Option<String> {
        let s = s?;
        let span = Span::new(s.start, s.end).ok()?;
        index.slice(span).ok().map(str::to_string)
    };
    let mut out = Vec::new();
    for suggestion in open {
        let key = suggestion.key();
        // A finding the text no longer holds (the text was replaced since) is not offered.
        let (content_quote, source_quote) = (quote(suggestion.content), quote(suggestion.source));
        if (suggestion.content.is_some() && content_quote.is_none())
            || (suggestion.source.is_some() && source_quote.is_none())
        {
            continue;
        }
        out.push(OpenSuggestion {
            key,
            content_quote,
            source_quote,
            cue_quote: quote(suggestion.cue),
            resolved_quote: quote(suggestion.resolved),
            entity_name: suggestion
                .entity_id
                .and_then(|id| known.names.get(&id).cloned()),
            suggestion,
        });
    }
    out.sort_by_key(|s| (s.suggestion.start(), s.key.clone()));
    Ok(out)
}

impl Project {
    /// Why an accepted attribution's claim and source cannot be linked, if they cannot: the
    /// schema has no `said_by` link type from Claim to Actor.
    pub fn suggestion_link_missing(&self) -> Result<Option<String>> {
        Ok(match targets(&self.conn) {
            Ok(t) if t.said_by.is_none() => Some(
                "the schema has no said_by link from Claim to Actor, so the claim and its source are not linked; add it in the Schema view"
                    .to_string(),
            ),
            _ => None,
        })
    }
}

/// The schema's Actor, Claim and Cue labels and its `said_by` link type, by name (any case).
fn targets(conn: &Connection) -> Result<Targets> {
    let labels = crate::documents::read_labels(conn)?;
    let label = |name: &str| {
        labels
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(name))
            .map(|l| l.id)
    };
    let missing = |name: &str| {
        StoreError::BadSuggestion(format!(
            "the schema has no {name} label; suggestions become Actor and Claim annotations"
        ))
    };
    let actor = label("Actor").ok_or_else(|| missing("Actor"))?;
    let claim = label("Claim").ok_or_else(|| missing("Claim"))?;
    let said_by = crate::schema::read_relation_types(conn)?
        .into_iter()
        .find(|t| t.name.eq_ignore_ascii_case("said_by") && t.allows(claim, actor))
        .map(|t| t.name);
    Ok(Targets {
        actor,
        claim,
        cue: label("Cue"),
        said_by,
    })
}

/// Makes the annotations and links of `chosen` for `coder`, reusing the coder's annotation
/// already on a span with that label, and answers the changes made.
fn make_annotations(
    tx: &Connection,
    document_id: i64,
    chosen: &[&Suggestion],
    coder: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Change>> {
    let t = targets(tx)?;
    let text = crate::documents::read_text(tx, document_id)?;
    let index = TextIndex::new(&text);
    let mut changes = Vec::new();
    let mut made = coder_spans(tx, document_id, coder)?;
    let mut linked: HashSet<(i64, i64)> = HashSet::new();
    let mut place = |label: i64,
                     at: SuggestedSpan,
                     entity: Option<i64>,
                     changes: &mut Vec<Change>|
     -> Result<i64> {
        if let Some(&id) = made.get(&(label, at.start, at.end)) {
            return Ok(id);
        }
        let annotation = insert_new_annotation(
            tx,
            &index,
            (document_id, label),
            Span::new(at.start, at.end)?,
            entity,
            coder,
            now,
        )?;
        made.insert((label, at.start, at.end), annotation.id);
        let id = annotation.id;
        changes.push(Change::AnnotationCreated {
            annotation,
            relations: Vec::new(),
        });
        Ok(id)
    };
    for s in chosen {
        if let Some(entity) = s.entity_id {
            let known = tx
                .query_row("SELECT 1 FROM entities WHERE id = ?1", [entity], |_| Ok(()))
                .optional()?;
            if known.is_none() {
                return Err(StoreError::BadSuggestion(
                    "the suggestion's entity is gone; run the suggestions again".into(),
                ));
            }
        }
        let actor = match s.source {
            Some(at) => Some(place(t.actor, at, s.entity_id, &mut changes)?),
            None => None,
        };
        let claim = match s.content {
            Some(at) => Some(place(t.claim, at, None, &mut changes)?),
            None => None,
        };
        if let (Some(cue), Some(at)) = (t.cue, s.cue) {
            place(cue, at, None, &mut changes)?;
        }
        if let (Some(kind), Some(claim), Some(actor)) = (&t.said_by, claim, actor) {
            let exists = tx
                .query_row(
                    "SELECT 1 FROM relations WHERE kind = ?1 AND from_id = ?2 AND to_id = ?3",
                    (kind, claim, actor),
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if !exists && linked.insert((claim, actor)) {
                let relation = Relation {
                    id: next_relation_id(tx)?,
                    uid: crate::uid::new(),
                    kind: kind.clone(),
                    from_id: claim,
                    to_id: actor,
                    annotator_id: coder,
                    created_at: now,
                };
                insert_relation(tx, &relation)?;
                changes.push(Change::RelationCreated {
                    relation,
                    document_id,
                });
            }
        }
    }
    Ok(changes)
}
