//! Entities: canonical actors ("Vladimir Putin") and claim concepts, with their aliases, the
//! annotations that mention them, renaming and merging. Every change is an undoable edit.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use claimdesk_core::dataset::{Entity, EntityKind};
use claimdesk_core::Change;

use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::rows::{entity_from_row, mention_from_row, ENTITY_COLUMNS, MENTION_COLUMNS};

/// A mention of an entity: an annotation that points to it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Mention {
    pub annotation_id: i64,
    /// Who coded the mention (blind mode shows a coder only their own).
    pub annotator_id: i64,
    pub document_id: i64,
    pub document_title: String,
    pub quote: String,
    pub start: usize,
    pub end: usize,
}

const MAX_NAME_CHARS: usize = 200;
const MAX_ALIASES: usize = 200;

impl Project {
    /// The entities of one kind (or all), by name, with how many annotations mention each.
    pub fn entities(&self, kind: Option<EntityKind>) -> Result<Vec<(Entity, i64)>> {
        let info = crate::dataset::project_info(&self.conn)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT entity_id, count(*) FROM annotations WHERE entity_id IS NOT NULL GROUP BY entity_id",
        )?;
        let counts: std::collections::HashMap<i64, i64> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out: Vec<(Entity, i64)> = info
            .entities
            .into_iter()
            .filter(|e| kind.is_none_or(|k| e.kind == k))
            .map(|e| {
                let n = counts.get(&e.id).copied().unwrap_or(0);
                (e, n)
            })
            .collect();
        out.sort_by_key(|(e, _)| e.name.to_lowercase());
        Ok(out)
    }

    /// One entity with its aliases.
    pub fn entity(&self, id: i64) -> Result<Entity> {
        read_entity(&self.conn, id)
    }

    /// Creates an entity. Names are unique within a kind.
    pub fn create_entity(
        &mut self,
        kind: EntityKind,
        name: &str,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Entity> {
        let tx = self.conn.transaction()?;
        let id: i64 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM entities", [], |r| {
            r.get(0)
        })?;
        let entity = Entity {
            id,
            uid: crate::uid::new(),
            kind,
            name: name.trim().to_string(),
            aliases: Vec::new(),
        };
        check(&tx, &entity, true)?;
        let change = Change::EntityCreated {
            entity: entity.clone(),
        };
        apply(&tx, &change, now)?;
        crate::history::record(&tx, &change, annotator_id, now)?;
        tx.commit()?;
        Ok(entity)
    }

    /// Renames an entity or sets its aliases.
    pub fn update_entity(
        &mut self,
        entity: &Entity,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Entity> {
        let tx = self.conn.transaction()?;
        let before = read_entity(&tx, entity.id)?;
        let mut aliases: Vec<String> = entity
            .aliases
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        aliases.sort();
        aliases.dedup();
        let after = Entity {
            id: before.id,
            uid: before.uid.clone(),
            kind: before.kind,
            name: entity.name.trim().to_string(),
            aliases,
        };
        // A name kept as it was is not taken again (a team copy may hold two of one name).
        check(&tx, &after, after.name != before.name)?;
        if after == before {
            return Ok(before);
        }
        let change = Change::EntityUpdated {
            before,
            after: after.clone(),
        };
        apply(&tx, &change, now)?;
        crate::history::record(&tx, &change, annotator_id, now)?;
        tx.commit()?;
        Ok(after)
    }

    /// Merges `merged` into `kept`: every mention moves to `kept`, and `merged`'s name and
    /// aliases become aliases of `kept`. Both must be of the same kind.
    pub fn merge_entities(
        &mut self,
        kept: i64,
        merged: i64,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Entity> {
        if kept == merged {
            return Err(StoreError::BadEntity(
                "an entity cannot be merged into itself".into(),
            ));
        }
        let tx = self.conn.transaction()?;
        let kept_before = read_entity(&tx, kept)?;
        let merged = read_entity(&tx, merged)?;
        if kept_before.kind != merged.kind {
            return Err(StoreError::BadEntity(format!(
                "{} is an {} and {} a {}: only entities of one kind merge",
                kept_before.name,
                kept_before.kind.name(),
                merged.name,
                merged.kind.name()
            )));
        }
        let mut aliases = kept_before.aliases.clone();
        aliases.push(merged.name.clone());
        aliases.extend(merged.aliases.iter().cloned());
        aliases.retain(|a| a != &kept_before.name);
        aliases.sort();
        aliases.dedup();
        let kept_after = Entity {
            aliases,
            ..kept_before.clone()
        };
        let mentions = mention_ids(&tx, merged.id)?;
        let change = Change::EntitiesMerged {
            kept_before,
            kept_after: kept_after.clone(),
            merged,
            mentions,
        };
        apply(&tx, &change, now)?;
        crate::history::record(&tx, &change, annotator_id, now)?;
        tx.commit()?;
        Ok(kept_after)
    }

    /// The annotations that mention an entity, in document order.
    /// How many annotations mention an entity (what the entity list shows beside it), counted
    /// without reading them.
    pub fn mention_count(&self, id: i64) -> Result<i64> {
        read_entity(&self.conn, id)?;
        Ok(self.conn.query_row(
            "SELECT count(*) FROM annotations WHERE entity_id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }

    pub fn entity_mentions(&self, id: i64) -> Result<Vec<Mention>> {
        read_entity(&self.conn, id)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MENTION_COLUMNS} FROM annotations a JOIN documents d ON d.id = a.document_id
             WHERE a.entity_id = ?1 ORDER BY a.document_id, a.start"
        ))?;
        let rows = stmt.query_map([id], mention_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn check(conn: &Connection, entity: &Entity, new_name: bool) -> Result<()> {
    let name = entity.name.as_str();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(StoreError::BadEntity(format!(
            "an entity name needs 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    if entity.aliases.len() > MAX_ALIASES
        || entity
            .aliases
            .iter()
            .any(|a| a.chars().count() > MAX_NAME_CHARS)
    {
        return Err(StoreError::BadEntity(format!(
            "an entity has at most {MAX_ALIASES} aliases of at most {MAX_NAME_CHARS} characters"
        )));
    }
    if !new_name {
        return Ok(());
    }
    let taken: Option<i64> = conn
        .query_row(
            "SELECT id FROM entities WHERE kind = ?1 AND name = ?2 AND id <> ?3",
            (entity.kind.name(), name, entity.id),
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(StoreError::BadEntity(format!(
            "there is already an {} called {name:?}; merge the two instead",
            entity.kind.name()
        )));
    }
    Ok(())
}

pub(crate) fn read_entity(conn: &Connection, id: i64) -> Result<Entity> {
    let mut entity = conn
        .query_row(
            &format!("SELECT {ENTITY_COLUMNS} FROM entities WHERE id = ?1"),
            [id],
            |r| Ok(entity_from_row(r)),
        )
        .optional()?
        .ok_or(StoreError::UnknownEntity(id))??;
    let mut stmt = conn
        .prepare_cached("SELECT alias FROM entity_aliases WHERE entity_id = ?1 ORDER BY alias")?;
    entity.aliases = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(entity)
}

fn mention_ids(conn: &Connection, id: i64) -> Result<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM annotations WHERE entity_id = ?1 ORDER BY id")?;
    let ids = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

fn insert(tx: &Connection, e: &Entity, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "INSERT INTO entities (id, kind, name, created_at, uid) VALUES (?1, ?2, ?3, ?4, ?5)",
        (
            e.id,
            e.kind.name(),
            &e.name,
            crate::time::to_sql(now),
            crate::uid::or_new(&e.uid),
        ),
    )?;
    set_aliases(tx, e)
}

fn set_aliases(tx: &Connection, e: &Entity) -> Result<()> {
    tx.execute("DELETE FROM entity_aliases WHERE entity_id = ?1", [e.id])?;
    for alias in &e.aliases {
        tx.execute(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias) VALUES (?1, ?2)",
            (e.id, alias),
        )?;
    }
    Ok(())
}

fn point(tx: &Connection, mentions: &[i64], entity: i64) -> Result<()> {
    for id in mentions {
        tx.execute(
            "UPDATE annotations SET entity_id = ?2 WHERE id = ?1",
            (id, entity),
        )?;
    }
    Ok(())
}

/// Applies an entity change to the tables (history calls this for do, undo and redo).
pub(crate) fn apply(tx: &Connection, change: &Change, now: DateTime<Utc>) -> Result<()> {
    match change {
        Change::EntityCreated { entity } => insert(tx, entity, now)?,
        Change::EntityDeleted { entity } => {
            // Only ever the undoing of a creation; mentions made since were undone first.
            tx.execute("DELETE FROM entities WHERE id = ?1", [entity.id])?;
        }
        Change::EntityUpdated { after, .. } => {
            tx.execute(
                "UPDATE entities SET name = ?2 WHERE id = ?1",
                (after.id, &after.name),
            )?;
            set_aliases(tx, after)?;
        }
        Change::EntitiesMerged {
            kept_after,
            merged,
            mentions,
            ..
        } => {
            point(tx, mentions, kept_after.id)?;
            set_aliases(tx, kept_after)?;
            tx.execute("DELETE FROM entities WHERE id = ?1", [merged.id])?;
            // The merged entity's uid names the kept one from now on (a team copy's changes
            // made before they saw the merge still name it).
            if !merged.uid.is_empty() && !kept_after.uid.is_empty() {
                tx.execute(
                    "INSERT INTO replica_aliases (key, target) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET target = excluded.target",
                    (format!("entity:{}", merged.uid), &kept_after.uid),
                )?;
            }
        }
        Change::EntitiesSplit {
            kept_before,
            merged,
            mentions,
            ..
        } => {
            insert(tx, merged, now)?;
            tx.execute(
                "DELETE FROM replica_aliases WHERE key = ?1",
                [format!("entity:{}", merged.uid)],
            )?;
            tx.execute(
                "UPDATE entities SET name = ?2 WHERE id = ?1",
                (kept_before.id, &kept_before.name),
            )?;
            set_aliases(tx, kept_before)?;
            point(tx, mentions, merged.id)?;
        }
        _ => {}
    }
    Ok(())
}
