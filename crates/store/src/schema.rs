//! The schema of a project: labels (with colours, hotkeys and typed attributes) and relation
//! types (with the labels they may link). Every change is an undoable edit.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use claimdesk_core::label::NewLabel;
use claimdesk_core::{
    Annotation, AttributeDef, AttributeKind, Change, Label, Relation, RelationType,
};

use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::rows::{relation_type_from_row, RELATION_TYPE_COLUMNS};

/// Keys the app keeps for itself, which no label may take.
const RESERVED_KEYS: [&str; 9] = ["j", "k", "l", "n", "p", "?", "/", "e", "h"];

impl Project {
    /// The relation types, in schema order.
    pub fn relation_types(&self) -> Result<Vec<RelationType>> {
        read_relation_types(&self.conn)
    }

    /// Adds a label at the end of the schema.
    pub fn create_label(
        &mut self,
        new: &NewLabel,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Label> {
        let tx = self.conn.transaction()?;
        let position: i64 = tx.query_row(
            "SELECT coalesce(max(position), -1) + 1 FROM labels",
            [],
            |r| r.get(0),
        )?;
        let id: i64 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM labels", [], |r| {
            r.get(0)
        })?;
        let label = Label {
            id,
            name: new.name.trim().to_string(),
            colour: new.colour.clone(),
            hotkey: new.hotkey.clone(),
            attributes: new.attributes.clone(),
        };
        check_label(&tx, &label, None)?;
        let change = Change::LabelCreated {
            label: label.clone(),
            position,
            annotations: Vec::new(),
            relations: Vec::new(),
        };
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(label)
    }

    /// Adds several labels at the end of the schema as one undoable step (a codebook brought in
    /// from another tool). All or nothing: a label that cannot be created (its name taken,
    /// its colour or key invalid) refuses the whole list.
    pub fn create_labels(
        &mut self,
        new: &[NewLabel],
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<Label>> {
        if new.is_empty() {
            return Ok(Vec::new());
        }
        let tx = self.conn.transaction()?;
        let mut changes = Vec::with_capacity(new.len());
        let mut labels = Vec::with_capacity(new.len());
        for new in new {
            let position: i64 = tx.query_row(
                "SELECT coalesce(max(position), -1) + 1 FROM labels",
                [],
                |r| r.get(0),
            )?;
            let id: i64 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM labels", [], |r| {
                r.get(0)
            })?;
            let label = Label {
                id,
                name: new.name.trim().to_string(),
                colour: new.colour.clone(),
                hotkey: new.hotkey.clone(),
                attributes: new.attributes.clone(),
            };
            check_label(&tx, &label, None)?;
            let change = Change::LabelCreated {
                label: label.clone(),
                position,
                annotations: Vec::new(),
                relations: Vec::new(),
            };
            // Applied one by one, so the next label's checks see this one.
            crate::history::apply(&tx, &change, now)?;
            changes.push(change);
            labels.push(label);
        }
        crate::history::record(&tx, &Change::Several { changes }, annotator_id, now)?;
        tx.commit()?;
        Ok(labels)
    }

    /// Renames, recolours, re-keys a label or changes its attributes; every annotation keeps it.
    /// Values of attributes that are removed or whose options no longer allow them stay on the
    /// annotations but are no longer offered.
    pub fn update_label(
        &mut self,
        label: &Label,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Label> {
        let tx = self.conn.transaction()?;
        let before = read_label(&tx, label.id)?;
        let after = Label {
            name: label.name.trim().to_string(),
            ..label.clone()
        };
        check_label(&tx, &after, Some(&before))?;
        if after == before {
            return Ok(before);
        }
        let change = Change::LabelUpdated {
            before,
            after: after.clone(),
        };
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(after)
    }

    /// How many annotations and relations deleting the label would remove.
    pub fn label_usage(&self, id: i64) -> Result<(i64, i64)> {
        read_label(&self.conn, id)?;
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM annotations WHERE label_id = ?1),
                    (SELECT count(*) FROM relations r JOIN annotations a
                       ON a.id IN (r.from_id, r.to_id) WHERE a.label_id = ?1)",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Deletes a label with its annotations and their relations; undo brings all of it back.
    /// Callers ask the analyst first, showing [`Project::label_usage`].
    pub fn delete_label(
        &mut self,
        id: i64,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        let tx = self.conn.transaction()?;
        let label = read_label(&tx, id)?;
        let position: i64 =
            tx.query_row("SELECT position FROM labels WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        let annotations = crate::annotations::annotations_where(&tx, "label_id = ?1", id)?;
        let relations = crate::annotations::relations_where(
            &tx,
            "from_id IN (SELECT id FROM annotations WHERE label_id = ?1)
             OR to_id IN (SELECT id FROM annotations WHERE label_id = ?1)",
            id,
        )?;
        let change = Change::LabelDeleted {
            label,
            position,
            annotations,
            relations,
        };
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(change)
    }

    /// Adds a relation type.
    pub fn create_relation_type(
        &mut self,
        name: &str,
        from_labels: &[i64],
        to_labels: &[i64],
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<RelationType> {
        let tx = self.conn.transaction()?;
        let id: i64 = tx.query_row(
            "SELECT coalesce(max(id), 0) + 1 FROM relation_types",
            [],
            |r| r.get(0),
        )?;
        let position: i64 = tx.query_row(
            "SELECT coalesce(max(position), -1) + 1 FROM relation_types",
            [],
            |r| r.get(0),
        )?;
        let rt = RelationType {
            id,
            name: name.trim().to_string(),
            from_labels: from_labels.to_vec(),
            to_labels: to_labels.to_vec(),
        };
        check_relation_type(&tx, &rt)?;
        let change = Change::RelationTypeCreated {
            relation_type: rt.clone(),
            position,
            relations: Vec::new(),
        };
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(rt)
    }

    /// Renames a relation type or changes the labels it may link. Renaming renames the kind of
    /// every relation of that type; existing relations are kept even if no longer allowed.
    pub fn update_relation_type(
        &mut self,
        rt: &RelationType,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<RelationType> {
        let tx = self.conn.transaction()?;
        let before = read_relation_type(&tx, rt.id)?;
        let after = RelationType {
            name: rt.name.trim().to_string(),
            ..rt.clone()
        };
        check_relation_type(&tx, &after)?;
        if after == before {
            return Ok(before);
        }
        let change = Change::RelationTypeUpdated {
            before,
            after: after.clone(),
        };
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(after)
    }

    /// Deletes a relation type and the relations of that kind; undo brings them back.
    pub fn delete_relation_type(
        &mut self,
        id: i64,
        annotator_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        let tx = self.conn.transaction()?;
        let relation_type = read_relation_type(&tx, id)?;
        let position: i64 = tx.query_row(
            "SELECT position FROM relation_types WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        let relations = crate::annotations::relations_of_kind(&tx, &relation_type.name)?;
        let change = Change::RelationTypeDeleted {
            relation_type,
            position,
            relations,
        };
        crate::history::commit(tx, &change, annotator_id, now)?;
        Ok(change)
    }
}

fn bad(message: impl Into<String>) -> StoreError {
    StoreError::BadSchema(message.into())
}

/// Checks a label made (`before` is `None`) or changed. A name or key kept as it was is not
/// taken again: a team copy may hold two labels of one name that coders made at once.
fn check_label(conn: &Connection, label: &Label, before: Option<&Label>) -> Result<()> {
    let name = label.name.as_str();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(bad("a label name needs 1 to 64 characters"));
    }
    let taken: Option<i64> = conn
        .query_row(
            "SELECT id FROM labels WHERE name = ?1 AND id <> ?2",
            (name, label.id),
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() && before.is_none_or(|b| b.name != label.name) {
        return Err(bad(format!("there is already a label called {name:?}")));
    }
    let colour = label.colour.as_bytes();
    if colour.len() != 7 || colour[0] != b'#' || !colour[1..].iter().all(u8::is_ascii_hexdigit) {
        return Err(bad("a colour is written #rrggbb"));
    }
    if let Some(key) = &label.hotkey {
        let one = key.chars().count() == 1 && !key.chars().all(char::is_whitespace);
        if !one {
            return Err(bad("a hotkey is one key, such as 4 or a"));
        }
        if RESERVED_KEYS.contains(&key.to_lowercase().as_str()) {
            return Err(bad(format!(
                "the key {key:?} is kept for moving, linking and help; choose another"
            )));
        }
        let holder: Option<String> = conn
            .query_row(
                "SELECT name FROM labels WHERE lower(hotkey) = lower(?1) AND id <> ?2",
                (key, label.id),
                |r| r.get(0),
            )
            .optional()?;
        let kept = before.is_some_and(|b| {
            b.hotkey.as_ref().map(|k| k.to_lowercase()) == Some(key.to_lowercase())
        });
        if let (Some(holder), false) = (holder, kept) {
            return Err(bad(format!("the key {key:?} already applies {holder}")));
        }
    }
    let mut names = std::collections::HashSet::new();
    for AttributeDef { name, kind } in &label.attributes {
        if name.trim().is_empty() || name.chars().count() > 64 || !names.insert(name.as_str()) {
            return Err(bad(format!(
                "attribute names must be 1 to 64 characters and distinct ({name:?})"
            )));
        }
        if let AttributeKind::Choice { options } = kind {
            let distinct: std::collections::HashSet<&String> = options.iter().collect();
            if options.is_empty()
                || distinct.len() != options.len()
                || options.iter().any(|o| o.trim().is_empty())
            {
                return Err(bad(format!(
                    "the choices of {name:?} must be distinct and not empty"
                )));
            }
        }
    }
    Ok(())
}

fn check_relation_type(conn: &Connection, rt: &RelationType) -> Result<()> {
    let name = rt.name.as_str();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(bad("a relation type name needs 1 to 64 characters"));
    }
    let taken: Option<i64> = conn
        .query_row(
            "SELECT id FROM relation_types WHERE name = ?1 AND id <> ?2",
            (name, rt.id),
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(bad(format!(
            "there is already a relation type called {name:?}"
        )));
    }
    for label in rt.from_labels.iter().chain(&rt.to_labels) {
        read_label(conn, *label)?;
    }
    Ok(())
}

pub(crate) fn read_label(conn: &Connection, id: i64) -> Result<Label> {
    crate::documents::read_labels(conn)?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or(StoreError::UnknownLabel(id))
}

pub(crate) fn read_relation_types(conn: &Connection) -> Result<Vec<RelationType>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RELATION_TYPE_COLUMNS} FROM relation_types ORDER BY position, id"
    ))?;
    let rows = stmt.query_map([], |r| Ok(relation_type_from_row(r)))?;
    rows.map(|row| row?).collect()
}

fn read_relation_type(conn: &Connection, id: i64) -> Result<RelationType> {
    read_relation_types(conn)?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(StoreError::UnknownRelationType(id))
}

/// Applies a schema change to the tables (history calls this for do, undo and redo).
pub(crate) fn apply(tx: &Connection, change: &Change) -> Result<()> {
    match change {
        Change::LabelUpdated { after, .. } => {
            tx.execute(
                "UPDATE labels SET name = ?2, colour = ?3, hotkey = ?4, attributes = ?5 WHERE id = ?1",
                (
                    after.id,
                    &after.name,
                    &after.colour,
                    &after.hotkey,
                    serde_json::to_string(&after.attributes)?,
                ),
            )?;
        }
        Change::LabelDeleted { label, .. } => {
            // Relations go with their annotations (ON DELETE CASCADE).
            tx.execute("DELETE FROM annotations WHERE label_id = ?1", [label.id])?;
            tx.execute("DELETE FROM labels WHERE id = ?1", [label.id])?;
        }
        Change::RelationTypeUpdated { before, after } => {
            if before.name != after.name {
                // A link made elsewhere with the old name still finds the type.
                tx.execute(
                    "INSERT INTO replica_aliases (key, target) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET target = excluded.target",
                    (format!("relation_type:{}", before.name), &after.name),
                )?;
            }
            tx.execute(
                "UPDATE relation_types SET name = ?2, from_labels = ?3, to_labels = ?4 WHERE id = ?1",
                (
                    after.id,
                    &after.name,
                    serde_json::to_string(&after.from_labels)?,
                    serde_json::to_string(&after.to_labels)?,
                ),
            )?;
            tx.execute(
                "UPDATE relations SET kind = ?2 WHERE kind = ?1",
                (&before.name, &after.name),
            )?;
        }
        Change::RelationTypeDeleted { relation_type, .. } => {
            tx.execute(
                "DELETE FROM relations WHERE kind = ?1",
                [&relation_type.name],
            )?;
            tx.execute(
                "DELETE FROM relation_types WHERE id = ?1",
                [relation_type.id],
            )?;
        }
        _ => {}
    }
    Ok(())
}

/// Undoing a label deletion: the label, then its annotations and their relations.
pub(crate) fn restore_label(
    tx: &Connection,
    label: &Label,
    position: i64,
    annotations: &[Annotation],
    relations: &[Relation],
) -> Result<()> {
    insert_label(tx, label, position)?;
    for a in annotations {
        crate::annotations::insert_annotation(tx, a, Some(a.id))?;
    }
    for r in relations {
        crate::annotations::insert_relation(tx, r)?;
    }
    Ok(())
}

fn insert_label(tx: &Connection, label: &Label, position: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO labels (id, name, colour, hotkey, attributes, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        (
            label.id,
            &label.name,
            &label.colour,
            &label.hotkey,
            serde_json::to_string(&label.attributes)?,
            position,
        ),
    )?;
    Ok(())
}

pub(crate) fn insert_relation_type(
    tx: &Connection,
    rt: &RelationType,
    position: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO relation_types (id, name, from_labels, to_labels, position) VALUES (?1, ?2, ?3, ?4, ?5)",
        (
            rt.id,
            &rt.name,
            serde_json::to_string(&rt.from_labels)?,
            serde_json::to_string(&rt.to_labels)?,
            position,
        ),
    )?;
    Ok(())
}

/// A label from the schema as creation would make it, for tests and seeding.
pub fn new_label(name: &str, colour: &str, hotkey: Option<&str>) -> NewLabel {
    NewLabel {
        name: name.into(),
        colour: colour.into(),
        hotkey: hotkey.map(str::to_string),
        attributes: Vec::new(),
    }
}
