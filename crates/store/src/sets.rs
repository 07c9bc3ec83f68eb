//! Samples: named sets of documents drawn from the library's current filter or a search, at
//! random or stratified, from a seed recorded with them. The library filters by a sample and
//! exports can be limited to one.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::params_from_iter;
use serde::{Deserialize, Serialize};

use claimdesk_core::library::LibraryQuery;
use claimdesk_core::sample::{draw, strata_counts, Candidate};

use crate::error::{Result, StoreError};
use crate::library::{library_filter, LIBRARY_FROM, LIBRARY_ID};
use crate::open::Project;
use crate::time;

/// What a stratified sample is stratified by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "key")]
pub enum Strata {
    Source,
    /// The month of the document's date (YYYY-MM); undated documents form a stratum.
    Month,
    /// A metadata field, e.g. `outlet` or `country`.
    Metadata(String),
}

/// How a sample is drawn: from the documents `query` and `search` select, `size` of them, with
/// `seed`, stratified or not. Kept with the sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SampleSpec {
    pub query: LibraryQuery,
    pub search: Option<String>,
    pub size: usize,
    pub seed: u64,
    pub strata: Option<Strata>,
}

/// A sample as the library lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentSet {
    pub id: i64,
    pub name: String,
    pub documents: usize,
    pub spec: SampleSpec,
    pub created_at: DateTime<Utc>,
}

/// A sample just drawn, with what it was drawn from and how many of each stratum it holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DrawnSample {
    pub set: DocumentSet,
    /// How many documents the filter offered.
    pub candidates: usize,
    pub strata: BTreeMap<String, usize>,
}

/// The most documents one sample holds.
pub const MAX_SAMPLE: usize = 100_000;

/// The largest seed: 2^53 − 1, the largest whole number JavaScript holds exactly.
pub const MAX_SEED: u64 = (1 << 53) - 1;

impl Project {
    /// Draws a sample as `spec` says and keeps it as a document set called `name`.
    pub fn draw_sample(
        &mut self,
        name: &str,
        spec: &SampleSpec,
        now: DateTime<Utc>,
    ) -> Result<DrawnSample> {
        let name = name.trim();
        let bad = |why: String| StoreError::BadSample(why);
        if name.is_empty() {
            return Err(bad("a sample needs a name".into()));
        }
        if spec.size == 0 || spec.size > MAX_SAMPLE {
            return Err(bad(format!("a sample holds 1 to {MAX_SAMPLE} documents")));
        }
        // Seeds are shown and typed in the app, whose numbers are exact only up to 2^53.
        if spec.seed > MAX_SEED {
            return Err(bad(format!(
                "a seed is a whole number from 0 to {MAX_SEED}"
            )));
        }
        if let Some(Strata::Metadata(key)) = &spec.strata {
            if key.trim().is_empty() {
                return Err(bad("name the metadata field to stratify by".into()));
            }
        }
        let candidates = self.sample_candidates(spec)?;
        if candidates.is_empty() {
            return Err(bad("no document matches the filter to draw from".into()));
        }
        let chosen = draw(&candidates, spec.size, spec.seed);
        let strata = if spec.strata.is_some() {
            strata_counts(&candidates, &chosen)
        } else {
            BTreeMap::new()
        };
        let tx = self.conn.transaction()?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM document_sets WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )?;
        if taken {
            return Err(bad(format!("there is already a sample called {name:?}")));
        }
        tx.execute(
            "INSERT INTO document_sets (name, drawn, created_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![name, serde_json::to_string(spec)?, time::to_sql(now)],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut insert = tx.prepare(
                "INSERT INTO document_set_members (set_id, document_id) VALUES (?1, ?2)",
            )?;
            for document in &chosen {
                insert.execute([id, *document])?;
            }
        }
        tx.commit()?;
        Ok(DrawnSample {
            set: DocumentSet {
                id,
                name: name.to_string(),
                documents: chosen.len(),
                spec: spec.clone(),
                created_at: now,
            },
            candidates: candidates.len(),
            strata,
        })
    }

    /// The documents the filter of `spec` offers, with their stratum.
    fn sample_candidates(&self, spec: &SampleSpec) -> Result<Vec<Candidate>> {
        let (filter, mut params) = library_filter(&spec.query, LIBRARY_ID);
        let stratum = match &spec.strata {
            None => "NULL".to_string(),
            Some(Strata::Source) => "d.source".to_string(),
            Some(Strata::Month) => "substr(d.date, 1, 7)".to_string(),
            // The field by its exact name, whatever characters it holds (a JSON path could not
            // name every key).
            Some(Strata::Metadata(_)) => {
                "(SELECT CAST(j.value AS TEXT) FROM json_each(d.metadata) j WHERE j.key = ?)"
                    .to_string()
            }
        };
        if let Some(Strata::Metadata(key)) = &spec.strata {
            params.insert(0, key.trim().to_string().into());
        }
        let mut sql = format!("SELECT d.id, {stratum} FROM {LIBRARY_FROM} WHERE 1 = 1{filter}");
        if let Some(search) = spec.search.as_deref().filter(|s| !s.trim().is_empty()) {
            sql.push_str(
                " AND d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)",
            );
            params.push(search.to_string().into());
        }
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(params), |r| {
                Ok(Candidate {
                    id: r.get(0)?,
                    stratum: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>();
        let mut rows = rows.map_err(|e| match (&e, spec.search.as_deref()) {
            (rusqlite::Error::SqliteFailure(f, message), Some(query))
                if f.code == rusqlite::ErrorCode::Unknown =>
            {
                StoreError::BadSearch(format!("{query:?} ({})", message.as_deref().unwrap_or("")))
            }
            _ => StoreError::from(e),
        })?;
        // Stratified, a document without the field is in a stratum of its own, not left out.
        if spec.strata.is_some() {
            for c in &mut rows {
                c.stratum.get_or_insert_with(|| "(none)".into());
            }
        }
        Ok(rows)
    }

    /// The samples of the project, newest first.
    pub fn document_sets(&self) -> Result<Vec<DocumentSet>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.id, s.name, s.drawn, s.created_at,
                    (SELECT count(*) FROM document_set_members m WHERE m.set_id = s.id)
             FROM document_sets s ORDER BY s.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        rows.map(|row| {
            let (id, name, drawn, created_at, documents) = row?;
            Ok(DocumentSet {
                id,
                name,
                documents: usize::try_from(documents).unwrap_or(0),
                spec: serde_json::from_str(&drawn)?,
                created_at: time::from_sql(&created_at)?,
            })
        })
        .collect()
    }

    /// The sample with this id.
    pub fn document_set(&self, id: i64) -> Result<DocumentSet> {
        self.document_sets()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(StoreError::UnknownSet(id))
    }

    /// The sample called `name`.
    pub fn document_set_named(&self, name: &str) -> Result<Option<DocumentSet>> {
        Ok(self.document_sets()?.into_iter().find(|s| s.name == name))
    }

    /// Deletes a sample (its documents stay in the project).
    pub fn delete_document_set(&mut self, id: i64) -> Result<()> {
        let tx = self.conn.transaction()?;
        let deleted = tx.execute("DELETE FROM document_sets WHERE id = ?1", [id])?;
        if deleted == 0 {
            return Err(StoreError::UnknownSet(id));
        }
        tx.commit()?;
        Ok(())
    }
}
