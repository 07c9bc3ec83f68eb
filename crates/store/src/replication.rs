//! Changes as every replica of a team project reads them.
//!
//! A project's ids are its own: another coder's copy numbers its annotations, labels and
//! documents otherwise. So each change is also logged in a *global form*, written with the
//! event in the same transaction: annotations and links by their uids, documents by the
//! digest of their text, labels by name, entities by uid, coders by name. A replica applies a
//! change in that form through the same code as redo ([`crate::history::apply`]), giving new
//! rows its own ids, and logs it under the change's own uid, so a change arriving twice is
//! applied once.
//!
//! Annotations and links belong to their coder, so they never conflict. Shared edits — labels
//! and entities — are states: a label or an entity as it now is, found by its uid. The server orders them, and a copy that pulls
//! another coder's edit of something it has itself edited later in that order passes it over
//! ([`Incoming::later_here`]): every copy ends with the state of the last edit in the server's
//! order. Two entities two coders made under one name are both in every copy, for the analyst
//! to merge (so for labels); a merged entity is found by the merged one's uid (the table
//! `replica_aliases`). What cannot be applied (an entity others have coded since it was
//! deleted) is reported, never dropped.
//!
//! Adjudication decisions travel with the curated annotations they bring; a decision on a span
//! another adjudicator decided earlier in the server's order replaces that one (and its curated
//! annotations) in every copy.
//!
//! Merges of entities and their undoing travel too; as they do not commute with the edits
//! around them, a pull that meets one is replayed in the server's order ([`Project::replay`]).
//!
//! So do deletions of labels and relation types in use (in every copy, what used them at that
//! point of the server's order goes; what uses them later brings them back), and their undoing
//! (not in blind mode: it carries other coders' coding in a change every coder reads). Edits
//! of what was deleted earlier in the server's order pass (the table `replica_aliases` keeps a
//! mark of deleted annotations and links, and the state of deleted entities, which a mention
//! brings back).
//!
//! Text replacements travel as the new text with where the replacing copy put each annotation;
//! annotations made elsewhere on the old text are placed on the new one when they arrive (the
//! old text is kept under `document-text:SHA`, the document found by `document:SHA`), or set
//! aside as orphans.
//!
//! Not replicated, reported as not sent: in blind mode, the undoing of a deletion in use.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use claimdesk_core::annotation::CONTEXT_CHARS;
use claimdesk_core::dataset::{AnnotationRecord, Entity, EntityKind, ProjectInfo, RelationRecord};
use claimdesk_core::document::sha256_hex;
use claimdesk_core::history::Decision;
use claimdesk_core::label::AttributeDef;
use claimdesk_core::label::RelationType;
use claimdesk_core::suggestion::SuggestionDecision;
use claimdesk_core::{Annotation, Change, Label, Relation, Span, TextIndex};

use crate::error::Result;
use crate::open::Project;
use crate::time;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Global {
    AnnotationCreated {
        annotation: GlobalAnnotation,
        relations: Vec<GlobalRelation>,
    },
    AnnotationDeleted {
        annotation: GlobalAnnotation,
        relations: Vec<GlobalRelation>,
    },
    AnnotationUpdated {
        before: Box<GlobalAnnotation>,
        after: Box<GlobalAnnotation>,
    },
    RelationCreated {
        relation: GlobalRelation,
        document: String,
    },
    RelationDeleted {
        relation: GlobalRelation,
        document: String,
    },
    Several {
        changes: Vec<Global>,
    },
    SuggestionsDecided {
        document: String,
        coder: String,
        keys: Vec<String>,
        before: Option<SuggestionDecision>,
        after: Option<SuggestionDecision>,
        changes: Vec<Global>,
    },
    /// The label `uid` is now as `label` says (made, renamed, recoloured…).
    LabelSet {
        uid: String,
        label: GlobalLabel,
    },
    /// The label `uid` went; `in_use`: with the annotations that had it (in every copy, those
    /// there at this point of the server's order).
    LabelDeleted {
        uid: String,
        name: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        in_use: bool,
    },
    /// A relation type is now as said (made, renamed, given other endpoints); it was called
    /// `before` (`None`: it is new). Endpoints are labels, by uid.
    RelationTypeSet {
        before: Option<String>,
        name: String,
        from: Vec<String>,
        to: Vec<String>,
    },
    /// A relation type went; `in_use`: with the links of its kind.
    RelationTypeDeleted {
        name: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        in_use: bool,
    },
    /// An entity is now as `after` says (made, renamed or given other aliases).
    EntitySet {
        after: GlobalEntity,
    },
    /// An entity with no mentions went.
    EntityDeleted {
        entity: GlobalEntity,
    },
    /// `merged` went into `kept` (as it now is), with every mention.
    EntitiesMerged {
        kept: GlobalEntity,
        merged: GlobalEntity,
    },
    /// A merge was undone: `merged` is back with `mentions` (annotation uids), and `kept` is
    /// as before the merge.
    EntitiesSplit {
        kept: GlobalEntity,
        merged: GlobalEntity,
        mentions: Vec<String>,
    },
    /// A document's text (`document`: the sha256 of the text replaced) was replaced by `text`.
    /// `moved` says where each annotation the replacing copy had went, `orphaned` which it set
    /// aside, `restored` which orphans came back (the undoing of a replacement); a copy places
    /// the annotations these do not name with the same re-anchoring.
    TextReplaced {
        document: String,
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        moved: Vec<(String, usize, usize)>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        orphaned: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        restored: Vec<String>,
    },
    /// An adjudicator settled a disagreement (beside it, in the same step, the accepted
    /// version's annotations came into the curated layer).
    DecisionRecorded {
        decision: GlobalDecision,
    },
    /// A decision was taken back.
    DecisionRemoved {
        decision: GlobalDecision,
    },
}

/// A decision on a disagreement, by the document's sha256 and the span it covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct GlobalDecision {
    document: String,
    start: usize,
    end: usize,
    /// The coder whose version was accepted; `None`: every version was rejected.
    accepted: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct GlobalLabel {
    name: String,
    colour: String,
    hotkey: Option<String>,
    attributes: Vec<AttributeDef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct GlobalEntity {
    uid: String,
    kind: EntityKind,
    name: String,
    aliases: Vec<String>,
}

fn global_label(l: &Label) -> GlobalLabel {
    GlobalLabel {
        name: l.name.clone(),
        colour: l.colour.clone(),
        hotkey: l.hotkey.clone(),
        attributes: l.attributes.clone(),
    }
}

fn global_entity(e: &Entity) -> Option<GlobalEntity> {
    (!e.uid.is_empty()).then(|| GlobalEntity {
        uid: e.uid.clone(),
        kind: e.kind,
        name: e.name.clone(),
        aliases: e.aliases.clone(),
    })
}

impl Global {
    /// The uids of the labels the annotations of this change have.
    fn label_uids(&self, out: &mut Vec<String>) {
        match self {
            Global::AnnotationCreated { annotation: a, .. }
            | Global::AnnotationDeleted { annotation: a, .. } => {
                out.extend(a.label_uid.iter().cloned())
            }
            Global::AnnotationUpdated { after, .. } => out.extend(after.label_uid.iter().cloned()),
            Global::Several { changes } | Global::SuggestionsDecided { changes, .. } => {
                changes.iter().for_each(|c| c.label_uids(out))
            }
            _ => {}
        }
    }

    /// The uids of the entities the annotations of this change name.
    fn entity_uids(&self, out: &mut Vec<String>) {
        match self {
            Global::AnnotationCreated { annotation: a, .. } => out.extend(a.entity.iter().cloned()),
            Global::AnnotationUpdated { after, .. } => out.extend(after.entity.iter().cloned()),
            Global::Several { changes } | Global::SuggestionsDecided { changes, .. } => {
                changes.iter().for_each(|c| c.entity_uids(out))
            }
            _ => {}
        }
    }

    /// The shared things this change sets (`label:UID`, `entity:UID`).
    fn touches(&self, out: &mut Vec<String>) {
        match self {
            Global::LabelSet { uid, .. } | Global::LabelDeleted { uid, .. } => {
                out.push(format!("label:{uid}"))
            }
            Global::RelationTypeSet { before, name, .. } => {
                out.extend(before.iter().map(|b| format!("relation_type:{b}")));
                out.push(format!("relation_type:{name}"));
            }
            Global::RelationTypeDeleted { name, .. } => out.push(format!("relation_type:{name}")),
            Global::EntitySet { after: e } | Global::EntityDeleted { entity: e } => {
                out.push(format!("entity:{}", e.uid))
            }
            Global::EntitiesMerged { kept, merged }
            | Global::EntitiesSplit { kept, merged, .. } => {
                out.push(format!("entity:{}", kept.uid));
                out.push(format!("entity:{}", merged.uid));
            }
            Global::DecisionRecorded { decision: d } | Global::DecisionRemoved { decision: d } => {
                out.push(format!("decision:{}:{}-{}", d.document, d.start, d.end))
            }
            Global::Several { changes } | Global::SuggestionsDecided { changes, .. } => {
                changes.iter().for_each(|c| c.touches(out))
            }
            _ => {}
        }
    }
}

/// What a sync needs to know of a change in global form, read once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Traits {
    /// The shared things (labels, entities, relation types, decisions) it sets, as keys to
    /// compare two changes by: `label:UID`, `entity:UID`, `relation_type:NAME`,
    /// `decision:SHA256:START-END`. Empty for a coder's own coding, which no one else changes.
    pub touches: Vec<String>,
    /// It does not commute with the edits around it: a merge of entities or its undoing, a
    /// deletion of a label or relation type, a text replacement. A pull that meets one is
    /// replayed in the server's order ([`Project::replay`]).
    pub reorders: bool,
}

/// The [`Traits`] of a change in global form (none for one this version cannot read).
pub fn traits(global: &str) -> Traits {
    fn reorders(g: &Global) -> bool {
        match g {
            Global::EntitiesMerged { .. }
            | Global::EntitiesSplit { .. }
            | Global::LabelDeleted { .. }
            | Global::RelationTypeDeleted { .. }
            | Global::TextReplaced { .. } => true,
            Global::Several { changes } => changes.iter().any(reorders),
            _ => false,
        }
    }
    let Ok(g) = serde_json::from_str::<Global>(global) else {
        return Traits::default();
    };
    let mut touches = Vec::new();
    g.touches(&mut touches);
    Traits {
        touches,
        reorders: reorders(&g),
    }
}

/// Whether a change in global form is a text replacement (a shared edit: every coder reads
/// it, whatever the document).
pub fn replaces_text(global: &str) -> bool {
    matches!(
        serde_json::from_str::<Global>(global),
        Ok(Global::TextReplaced { .. })
    )
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct GlobalAnnotation {
    uid: String,
    /// The sha256 of the document's text.
    document: String,
    label: String,
    /// The label's uid (absent in changes of the first team builds: found by name then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label_uid: Option<String>,
    start: usize,
    end: usize,
    quote: String,
    prefix: String,
    suffix: String,
    attributes: serde_json::Map<String, serde_json::Value>,
    note: Option<String>,
    /// The entity's uid.
    entity: Option<String>,
    coder: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct GlobalRelation {
    uid: String,
    kind: String,
    from: String,
    to: String,
    coder: String,
    created_at: DateTime<Utc>,
}

/// The global form of `change` as JSON, read in `conn` as the change leaves it; `None` for a
/// kind not replicated (or a row made before identities, which has no uid).
pub(crate) fn global(conn: &Connection, change: &Change) -> Result<Option<String>> {
    let mut uids = HashMap::new();
    collect_uids(change, &mut uids);
    Ok(match to_global(conn, change, &uids)? {
        Some(g) => Some(serde_json::to_string(&g)?),
        None => None,
    })
}

/// Annotation uids the change itself carries, by id: a deleted annotation is no longer in the
/// table, but its links still name it.
fn collect_uids(change: &Change, out: &mut HashMap<i64, String>) {
    match change {
        Change::AnnotationCreated { annotation, .. }
        | Change::AnnotationDeleted { annotation, .. } => {
            out.insert(annotation.id, annotation.uid.clone());
        }
        Change::AnnotationUpdated { after, .. } => {
            out.insert(after.id, after.uid.clone());
        }
        Change::Several { changes } | Change::SuggestionsDecided { changes, .. } => {
            changes.iter().for_each(|c| collect_uids(c, out))
        }
        _ => {}
    }
}

fn to_global(
    conn: &Connection,
    change: &Change,
    uids: &HashMap<i64, String>,
) -> Result<Option<Global>> {
    let annotation = |a: &Annotation| global_annotation(conn, a);
    let relations = |rs: &[Relation]| -> Result<Option<Vec<GlobalRelation>>> {
        rs.iter().map(|r| global_relation(conn, r, uids)).collect()
    };
    Ok(match change {
        Change::AnnotationCreated {
            annotation: a,
            relations: rs,
        } => match (annotation(a)?, relations(rs)?) {
            (Some(annotation), Some(relations)) => Some(Global::AnnotationCreated {
                annotation,
                relations,
            }),
            _ => None,
        },
        Change::AnnotationDeleted {
            annotation: a,
            relations: rs,
        } => match (annotation(a)?, relations(rs)?) {
            (Some(annotation), Some(relations)) => Some(Global::AnnotationDeleted {
                annotation,
                relations,
            }),
            _ => None,
        },
        Change::AnnotationUpdated { before, after } => {
            match (annotation(before)?, annotation(after)?) {
                (Some(before), Some(after)) => Some(Global::AnnotationUpdated {
                    before: Box::new(before),
                    after: Box::new(after),
                }),
                _ => None,
            }
        }
        Change::RelationCreated {
            relation,
            document_id,
        } => {
            match (
                global_relation(conn, relation, uids)?,
                document_key(conn, *document_id)?,
            ) {
                (Some(relation), Some(document)) => {
                    Some(Global::RelationCreated { relation, document })
                }
                _ => None,
            }
        }
        Change::RelationDeleted {
            relation,
            document_id,
        } => {
            match (
                global_relation(conn, relation, uids)?,
                document_key(conn, *document_id)?,
            ) {
                (Some(relation), Some(document)) => {
                    Some(Global::RelationDeleted { relation, document })
                }
                _ => None,
            }
        }
        Change::Several { changes }
            if changes
                .iter()
                .any(|c| matches!(c, Change::TextReplaced { .. })) =>
        {
            global_text_replaced(conn, changes)?
        }
        Change::Several { changes } => {
            all_global(conn, changes, uids)?.map(|changes| Global::Several { changes })
        }
        Change::SuggestionsDecided {
            document_id,
            coder,
            keys,
            before,
            after,
            changes,
        } => {
            let Some(out) = all_global(conn, changes, uids)? else {
                return Ok(None);
            };
            let mut global_keys = Vec::new();
            for key in keys {
                match map_mention_key(key, |id| entity_uid(conn, id))? {
                    Some(k) => global_keys.push(k),
                    None => return Ok(None),
                }
            }
            match document_key(conn, *document_id)? {
                Some(document) => Some(Global::SuggestionsDecided {
                    document,
                    coder: crate::coders::name_of(conn, *coder)?,
                    keys: global_keys,
                    before: *before,
                    after: *after,
                    changes: out,
                }),
                None => None,
            }
        }
        Change::LabelCreated {
            label,
            annotations,
            relations,
            ..
        } => {
            let Some(uid) = label_uid(conn, label.id)? else {
                return Ok(None);
            };
            let set = Global::LabelSet {
                uid,
                label: global_label(label),
            };
            if annotations.is_empty() && relations.is_empty() {
                Some(set)
            } else {
                // A deletion in use undone: the label and what it brings back.
                brought_back(conn, set, annotations, relations, uids)?
            }
        }
        Change::LabelDeleted {
            label,
            annotations,
            relations,
            ..
        } => {
            aliased(conn, &format!("deleted-label:{}", label.id))?.map(|uid| Global::LabelDeleted {
                uid,
                name: label.name.clone(),
                in_use: !annotations.is_empty() || !relations.is_empty(),
            })
        }
        Change::RelationTypeCreated {
            relation_type,
            relations,
            ..
        } => match global_relation_type(conn, None, relation_type)? {
            Some(set) if relations.is_empty() => Some(set),
            Some(set) => brought_back(conn, set, &[], relations, uids)?,
            None => None,
        },
        Change::RelationTypeUpdated { before, after } => {
            global_relation_type(conn, Some(&before.name), after)?
        }
        Change::RelationTypeDeleted {
            relation_type,
            relations,
            ..
        } => Some(Global::RelationTypeDeleted {
            name: relation_type.name.clone(),
            in_use: !relations.is_empty(),
        }),
        Change::LabelUpdated { after, .. } => {
            label_uid(conn, after.id)?.map(|uid| Global::LabelSet {
                uid,
                label: global_label(after),
            })
        }
        Change::EntityCreated { entity } | Change::EntityUpdated { after: entity, .. } => {
            global_entity(entity).map(|after| Global::EntitySet { after })
        }
        Change::EntityDeleted { entity } => {
            global_entity(entity).map(|entity| Global::EntityDeleted { entity })
        }
        Change::EntitiesMerged {
            kept_after, merged, ..
        } => match (global_entity(kept_after), global_entity(merged)) {
            (Some(kept), Some(merged)) => Some(Global::EntitiesMerged { kept, merged }),
            _ => None,
        },
        Change::EntitiesSplit {
            kept_before,
            merged,
            mentions,
            ..
        } => match (global_entity(kept_before), global_entity(merged)) {
            (Some(kept), Some(merged)) => {
                let mut uids = Vec::with_capacity(mentions.len());
                for &id in mentions {
                    let uid: Option<String> = conn
                        .prepare_cached("SELECT uid FROM annotations WHERE id = ?1")?
                        .query_row([id], |r| r.get(0))
                        .optional()?
                        .flatten();
                    match uid {
                        Some(uid) => uids.push(uid),
                        None => return Ok(None),
                    }
                }
                Some(Global::EntitiesSplit {
                    kept,
                    merged,
                    mentions: uids,
                })
            }
            _ => None,
        },
        Change::DecisionRecorded { decision } => {
            global_decision(conn, decision)?.map(|decision| Global::DecisionRecorded { decision })
        }
        Change::DecisionRemoved { decision } => {
            global_decision(conn, decision)?.map(|decision| Global::DecisionRemoved { decision })
        }
        _ => None,
    })
}

fn global_decision(conn: &Connection, d: &Decision) -> Result<Option<GlobalDecision>> {
    Ok(
        document_key(conn, d.document_id)?.map(|document| GlobalDecision {
            document,
            start: d.start,
            end: d.end,
            accepted: d.accepted.clone(),
        }),
    )
}

/// A text replacement (or its undoing) in global form: the new text, and where the
/// annotations went. In blind mode only the text: the change is read by every coder, and where
/// other coders' annotations went says what they coded; each copy places its own.
fn global_text_replaced(conn: &Connection, changes: &[Change]) -> Result<Option<Global>> {
    let Some((before, after)) = changes.iter().find_map(|c| match c {
        Change::TextReplaced { before, after, .. } => Some((before, after)),
        _ => None,
    }) else {
        return Ok(None);
    };
    let blind = crate::coders::blind_mode(conn)?;
    let (mut moved, mut orphaned, mut restored) = (Vec::new(), Vec::new(), Vec::new());
    if !blind {
        for c in changes {
            match c {
                Change::AnnotationUpdated { after, .. } => {
                    moved.push((after.uid.clone(), after.start, after.end))
                }
                Change::AnnotationOrphaned { annotation, .. } => {
                    orphaned.push(annotation.uid.clone())
                }
                Change::OrphanRestored { annotation, .. } => restored.push(annotation.uid.clone()),
                _ => {}
            }
        }
    }
    Ok(Some(Global::TextReplaced {
        document: sha256_hex(before),
        text: after.clone(),
        moved,
        orphaned,
        restored,
    }))
}

/// An undone deletion in use, in global form: the label or relation type (`set`), then the
/// annotations and links it brings back, made anew. `None` in blind mode: a change that is not
/// one document's is read by every coder, and these are other coders' coding.
fn brought_back(
    conn: &Connection,
    set: Global,
    annotations: &[Annotation],
    relations: &[Relation],
    uids: &HashMap<i64, String>,
) -> Result<Option<Global>> {
    let blind = crate::coders::blind_mode(conn)?;
    if blind {
        return Ok(None);
    }
    let mut changes = vec![set];
    for a in annotations {
        let Some(annotation) = global_annotation(conn, a)? else {
            return Ok(None);
        };
        changes.push(Global::AnnotationCreated {
            annotation,
            relations: Vec::new(),
        });
    }
    for r in relations {
        let document_id: Option<i64> = conn
            .query_row(
                "SELECT document_id FROM annotations WHERE id = ?1",
                [r.from_id],
                |row| row.get(0),
            )
            .optional()?;
        let (Some(relation), Some(document)) = (
            global_relation(conn, r, uids)?,
            match document_id {
                Some(id) => document_key(conn, id)?,
                None => None,
            },
        ) else {
            return Ok(None);
        };
        changes.push(Global::RelationCreated { relation, document });
    }
    Ok(Some(Global::Several { changes }))
}

/// The global forms of all of `changes`, or `None` if one has none.
fn all_global(
    conn: &Connection,
    changes: &[Change],
    uids: &HashMap<i64, String>,
) -> Result<Option<Vec<Global>>> {
    let mut out = Vec::new();
    for c in changes {
        match to_global(conn, c, uids)? {
            Some(g) => out.push(g),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

/// A mention's key names its entity (`m:START-END:ENTITY`): mapped by `f`; other keys as they
/// are. `None` when the entity cannot be mapped.
fn map_mention_key(
    key: &str,
    f: impl Fn(&str) -> Result<Option<String>>,
) -> Result<Option<String>> {
    match key
        .strip_prefix("m:")
        .and_then(|rest| rest.rsplit_once(':'))
    {
        Some((span, entity)) if entity != "-" => Ok(f(entity)?.map(|e| format!("m:{span}:{e}"))),
        _ => Ok(Some(key.to_string())),
    }
}

fn entity_uid(conn: &Connection, id: &str) -> Result<Option<String>> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    Ok(conn
        .query_row("SELECT uid FROM entities WHERE id = ?1", [id], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?
        .flatten())
}

fn global_relation_type(
    conn: &Connection,
    before: Option<&str>,
    rt: &RelationType,
) -> Result<Option<Global>> {
    let uids = |ids: &[i64]| -> Result<Option<Vec<String>>> {
        ids.iter().map(|&id| label_uid(conn, id)).collect()
    };
    Ok(match (uids(&rt.from_labels)?, uids(&rt.to_labels)?) {
        (Some(from), Some(to)) => Some(Global::RelationTypeSet {
            before: before.map(str::to_string),
            name: rt.name.clone(),
            from,
            to,
        }),
        _ => None,
    })
}

fn label_uid(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT uid FROM labels WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

fn document_key(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT sha256 FROM documents WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?)
}

fn global_annotation(conn: &Connection, a: &Annotation) -> Result<Option<GlobalAnnotation>> {
    if a.uid.is_empty() {
        return Ok(None);
    }
    let Some(document) = document_key(conn, a.document_id)? else {
        return Ok(None);
    };
    let Some((label, label_uid)) = conn
        .prepare_cached("SELECT name, uid FROM labels WHERE id = ?1")?
        .query_row([a.label_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })
        .optional()?
    else {
        return Ok(None);
    };
    let entity = match a.entity_id {
        Some(id) => match entity_uid(conn, &id.to_string())? {
            Some(uid) => Some(uid),
            None => return Ok(None),
        },
        None => None,
    };
    Ok(Some(GlobalAnnotation {
        uid: a.uid.clone(),
        document,
        label,
        label_uid,
        start: a.start,
        end: a.end,
        quote: a.quote.clone(),
        prefix: a.prefix.clone(),
        suffix: a.suffix.clone(),
        attributes: a.attributes.clone(),
        note: a.note.clone(),
        entity,
        coder: crate::coders::name_of(conn, a.annotator_id)?,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }))
}

fn global_relation(
    conn: &Connection,
    r: &Relation,
    uids: &HashMap<i64, String>,
) -> Result<Option<GlobalRelation>> {
    let uid_of = |id: i64| -> Result<Option<String>> {
        if let Some(uid) = uids.get(&id) {
            return Ok(Some(uid.clone()));
        }
        Ok(conn
            .query_row("SELECT uid FROM annotations WHERE id = ?1", [id], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten())
    };
    if r.uid.is_empty() {
        return Ok(None);
    }
    let (Some(from), Some(to)) = (uid_of(r.from_id)?, uid_of(r.to_id)?) else {
        return Ok(None);
    };
    Ok(Some(GlobalRelation {
        uid: r.uid.clone(),
        kind: r.kind.clone(),
        from,
        to,
        coder: crate::coders::name_of(conn, r.annotator_id)?,
        created_at: r.created_at,
    }))
}

/// What became of a change from another replica.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Applied now.
    Applied,
    /// Applied before (its uid is in the log): nothing done.
    AlreadyHere,
    /// Passed over: this copy has itself set what it sets, later in the server's order.
    Superseded,
    /// Cannot be applied here, with why (a document, label or entity this project lacks, or
    /// what it changes is not as it expects): nothing done, tried again later.
    NotApplied(String),
    /// Declined for good, with why: a deletion of a label or an entity that annotations here
    /// use (made meanwhile by coders who had not seen the deletion). Where it was deleted,
    /// those annotations bring it back, so every copy keeps it.
    Declined(String),
}

/// An entry of this project's log to send to the other replicas.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    pub id: i64,
    pub uid: String,
    pub coder: String,
    pub action: String,
    pub kind: String,
    pub document: Option<String>,
    /// The change in global form (JSON); `None` for a kind not replicated yet.
    pub global: Option<String>,
    pub at: DateTime<Utc>,
}

impl Project {
    /// `coder`'s entries of the log after entry `after` (imports left out), oldest first.
    ///
    /// `None` for every coder's: the owner's copy, which codes under several names. What came
    /// from the server is never among them.
    pub fn outgoing(&self, coder: Option<&str>, after: i64) -> Result<Vec<Outgoing>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.id, e.uid, a.name, e.action, e.kind, d.sha256, e.global, e.at
             FROM events e JOIN annotators a ON a.id = e.annotator_id
             LEFT JOIN documents d ON d.id = e.document_id
             WHERE e.id > ?1 AND (?2 IS NULL OR a.name = ?2) AND e.action <> 'import'
               AND NOT EXISTS (SELECT 1 FROM received_events r WHERE r.event_id = e.id)
             ORDER BY e.id",
        )?;
        let rows = stmt.query_map((after, coder), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, uid, coder, action, kind, document, global, at) = row?;
            out.push(Outgoing {
                id,
                uid: uid.unwrap_or_default(),
                coder,
                action,
                kind,
                document,
                global,
                at: time::from_sql(&at)?,
            });
        }
        Ok(out)
    }

    /// Each label's name and uid (the same in every copy of a team project).
    pub fn label_uids(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, uid FROM labels WHERE uid IS NOT NULL ORDER BY position")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Gives the labels named so the uids another copy knows them by (a copy made of a team
    /// project), in one transaction.
    pub fn set_label_uids(&mut self, uids: &[(String, String)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for (name, uid) in uids {
            tx.execute("UPDATE labels SET uid = ?2 WHERE name = ?1", (name, uid))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The documents imported into this project after log entry `after`: the id of the last
    /// such entry, and the documents (ids), oldest first.
    pub fn imported_since(&self, after: i64) -> Result<(i64, Vec<i64>)> {
        // An import logs one entry per transaction, naming the range of ids it gave.
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.id, json_extract(e.payload, '$.first_id'), json_extract(e.payload, '$.last_id')
             FROM events e
             WHERE e.id > ?1 AND e.action = 'import' AND e.kind = 'documents_imported'
             ORDER BY e.id",
        )?;
        let mut last = after;
        let mut ranges = Vec::new();
        for row in stmt.query_map([after], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })? {
            let (event, first, last_id) = row?;
            last = event;
            if let (Some(first), Some(last_id)) = (first, last_id) {
                ranges.push((first, last_id));
            }
        }
        let mut ids = Vec::new();
        let mut documents = self
            .conn
            .prepare_cached("SELECT id FROM documents WHERE id BETWEEN ?1 AND ?2 ORDER BY id")?;
        for (first, last_id) in ranges {
            for id in documents.query_map([first, last_id], |r| r.get::<_, i64>(0))? {
                let id = id?;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        Ok((last, ids))
    }

    /// Every assignment: the document's sha256, the coder's name, when assigned and when done.
    pub fn assignment_rows(&self) -> Result<Vec<AssignmentRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.sha256, a.name, s.assigned_at, s.done_at
             FROM assignments s JOIN documents d ON d.id = s.document_id
             JOIN annotators a ON a.id = s.annotator_id ORDER BY d.sha256, a.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (document, coder, assigned_at, done_at) = row?;
            out.push(AssignmentRow {
                document,
                coder,
                assigned_at: time::from_sql(&assigned_at)?,
                done_at: done_at.as_deref().map(time::from_sql).transpose()?,
            });
        }
        Ok(out)
    }

    /// A short fingerprint of every assignment and done mark here: it changes when one is
    /// made, removed or marked (a sync sends and takes assignments only when it did).
    pub fn assignments_fingerprint(&self) -> Result<String> {
        Ok(self.conn.query_row(
            "SELECT count(*) || ':' || total(annotator_id * 1000003 + document_id) || ':'
                    || total(julianday(assigned_at)) || ':'
                    || total(coalesce(julianday(done_at), -1))
             FROM assignments",
            [],
            |r| r.get(0),
        )?)
    }

    /// Takes the assignments another copy holds, in one transaction: new ones are added (the
    /// coder too, if new here), and the done mark is as given. Those of a document this
    /// project lacks are left out. Answers how many changed.
    pub fn take_assignments(&mut self, rows: &[AssignmentRow]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut changed = 0;
        for row in rows {
            let Some(document) = tx
                .prepare_cached("SELECT id FROM documents WHERE sha256 = ?1")?
                .query_row([&row.document], |r| r.get::<_, i64>(0))
                .optional()?
            else {
                continue;
            };
            let coder = annotator_in(&tx, &row.coder, row.assigned_at)?;
            let done = row.done_at.map(time::to_sql);
            changed += tx
                .prepare_cached(
                    "INSERT INTO assignments (annotator_id, document_id, assigned_at, done_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (annotator_id, document_id) DO UPDATE SET done_at = excluded.done_at
                     WHERE done_at IS NOT excluded.done_at",
                )?
                .execute((coder, document, time::to_sql(row.assigned_at), done))?;
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Adds other coders' coding of a document at a team project's publication, which this
    /// copy could not read then (blind mode; the document was adjudicated since): annotations
    /// and links not here yet (by uid), with labels found by their uid (`label_uids`: name at
    /// publication → uid) or name and entities by the uid `info` gives them. What names a
    /// label or entity this project no longer has is left out. One transaction; answers how
    /// many annotations were added. Nothing is logged: it is what the copy would have held
    /// had it been allowed to read it at join.
    pub fn add_published_coding(
        &mut self,
        info: &ProjectInfo,
        label_uids: &[(String, String)],
        sha256: &str,
        annotations: &[AnnotationRecord],
        relations: &[RelationRecord],
    ) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let Some((document_id, text)) = tx
            .query_row(
                "SELECT id, text FROM documents WHERE sha256 = ?1",
                [sha256],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
        else {
            return Ok(0);
        };
        let index = TextIndex::new(&text);
        let mut ids: HashMap<i64, i64> = HashMap::new();
        let mut added = 0;
        for a in annotations {
            if a.uid.is_empty() {
                continue;
            }
            if let Some(id) = tx
                .prepare_cached("SELECT id FROM annotations WHERE uid = ?1")?
                .query_row([&a.uid], |r| r.get::<_, i64>(0))
                .optional()?
            {
                ids.insert(a.id, id);
                continue;
            }
            let by_uid = match label_uids.iter().find(|(name, _)| name == &a.label) {
                Some((_, uid)) => label_by_uid(&tx, uid)?,
                None => None,
            };
            let label_id = match by_uid {
                Some(id) => id,
                None => match tx
                    .prepare_cached("SELECT id FROM labels WHERE name = ?1")?
                    .query_row([&a.label], |r| r.get::<_, i64>(0))
                    .optional()?
                {
                    Some(id) => id,
                    None => continue,
                },
            };
            let entity_id = match a.entity_id {
                None => None,
                Some(id) => match info.entity(id).filter(|e| !e.uid.is_empty()) {
                    Some(e) => match entity_by_uid(&tx, &e.uid)? {
                        Some(here) => Some(here.id),
                        None => continue,
                    },
                    None => continue,
                },
            };
            let Ok(span) = Span::new(a.start, a.end).and_then(|s| index.check(s)) else {
                continue;
            };
            let Ok(quote) = index.slice(span) else {
                continue;
            };
            if quote != a.quote || span.is_empty() {
                continue;
            }
            let (prefix, suffix) = index.context(span, CONTEXT_CHARS)?;
            let annotator_id = annotator_in(&tx, &a.annotator, a.created_at)?;
            let id = crate::rows::insert_annotation(
                &tx,
                &crate::rows::AnnotationRow {
                    id: None,
                    uid: &a.uid,
                    document_id,
                    label_id,
                    start: a.start as i64,
                    end: a.end as i64,
                    quote,
                    prefix,
                    suffix,
                    attributes: &serde_json::to_string(&a.attributes)?,
                    note: a.note.as_deref(),
                    entity_id,
                    annotator_id,
                    created_at: &time::to_sql(a.created_at),
                    updated_at: &time::to_sql(a.updated_at),
                },
            )?;
            ids.insert(a.id, id);
            added += 1;
        }
        for r in relations {
            let (Some(&from), Some(&to)) = (ids.get(&r.from_id), ids.get(&r.to_id)) else {
                continue;
            };
            if r.uid.is_empty()
                || tx
                    .prepare_cached("SELECT 1 FROM relations WHERE uid = ?1")?
                    .exists([&r.uid])?
            {
                continue;
            }
            crate::import::ensure_relation_type(&tx, &r.kind)?;
            let annotator_id = annotator_in(&tx, &r.annotator, r.created_at)?;
            crate::rows::insert_relation(
                &tx,
                &crate::rows::RelationRow {
                    id: None,
                    uid: &r.uid,
                    kind: &r.kind,
                    from_id: from,
                    to_id: to,
                    annotator_id,
                    created_at: &time::to_sql(r.created_at),
                },
            )?;
        }
        tx.commit()?;
        Ok(added)
    }

    /// A short fingerprint of the adjudicated marks: it changes when one is made or taken back.
    pub fn adjudications_fingerprint(&self) -> Result<String> {
        Ok(self.conn.query_row(
            "SELECT count(*) || ':' || total(document_id) FROM adjudications",
            [],
            |r| r.get(0),
        )?)
    }

    /// Every document marked adjudicated, by sha256.
    pub fn adjudicated_documents(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.sha256 FROM adjudications a JOIN documents d ON d.id = a.document_id
             ORDER BY d.sha256",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The id of the log's last entry (0 when empty).
    pub fn last_event(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))?)
    }

    /// Applies other copies' changes as if this copy's own changes `mine` (by uid) had been
    /// made where the server put them: `mine` are taken back, newest first, then `steps` go
    /// in the server's order — theirs applied, ours made again from their global form on what
    /// is there by then — and own changes of `mine` the steps do not name (not sent yet) are
    /// made again last. So a merge of entities that met another copy's concurrent one ends
    /// the same in every copy. One transaction; answers what became of each of theirs, or
    /// `None` (nothing done) when one of `mine` cannot be taken back or made again.
    pub fn replay(
        &mut self,
        mine: &[String],
        steps: &[Replayed],
        at: DateTime<Utc>,
    ) -> Result<Option<Vec<Applied>>> {
        let tx = self.conn.transaction()?;
        match replay_in(&tx, mine, steps, at) {
            Ok(Some(out)) => {
                tx.commit()?;
                Ok(Some(out))
            }
            // Dropped: rolled back.
            Ok(None) | Err(_) => Ok(None),
        }
    }

    /// Applies a change another replica made (`global`, as [`Outgoing::global`]), logged under
    /// its own `uid` as `coder`'s: at most once, all or nothing.
    pub fn apply_global(
        &mut self,
        uid: &str,
        coder: &str,
        action: &str,
        global: &str,
        at: DateTime<Utc>,
    ) -> Result<Applied> {
        let incoming = Incoming {
            uid: uid.to_string(),
            coder: coder.to_string(),
            action: action.to_string(),
            global: global.to_string(),
            at,
            later_here: Vec::new(),
        };
        Ok(self
            .apply_globals(std::slice::from_ref(&incoming))?
            .remove(0))
    }

    /// [`Project::apply_global`] for many changes in order, in one transaction (one durable
    /// commit for all), each applied or not on its own.
    pub fn apply_globals(&mut self, changes: &[Incoming]) -> Result<Vec<Applied>> {
        let tx = self.conn.transaction()?;
        let mut out = Vec::with_capacity(changes.len());
        for c in changes {
            out.push(apply_one(&tx, c)?);
        }
        tx.commit()?;
        Ok(out)
    }
}

/// An assignment as every copy reads it: by the document's sha256 and the coder's name.
#[derive(Clone, Debug, PartialEq)]
pub struct AssignmentRow {
    pub document: String,
    pub coder: String,
    pub assigned_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
}

/// A change from another replica, as the server holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Incoming {
    pub uid: String,
    pub coder: String,
    pub action: String,
    /// The change in global form (JSON).
    pub global: String,
    pub at: DateTime<Utc>,
    /// What of the change's shared things (see [`Traits::touches`]) this copy has itself set later
    /// in the server's order. A change that sets one of them is passed over, except a merge
    /// or split of entities: that still happens, keeping the later state of the entity that
    /// stays (so every copy holds the same entities in the end).
    pub later_here: Vec<String>,
}

/// A step of [`Project::replay`]: another copy's change, or one of this copy's own (by uid).
#[derive(Clone, Debug, PartialEq)]
pub enum Replayed {
    Theirs(Incoming),
    Mine(String),
}

fn apply_one(tx: &Connection, c: &Incoming) -> Result<Applied> {
    let known = tx
        .prepare_cached("SELECT 1 FROM events WHERE uid = ?1")?
        .exists([&c.uid])?;
    if known {
        return Ok(Applied::AlreadyHere);
    }
    let g: Global = match serde_json::from_str(&c.global) {
        Ok(g) => g,
        Err(e) => {
            return Ok(Applied::NotApplied(format!(
                "a change this version cannot read: {e}"
            )))
        }
    };
    let regroups = matches!(
        g,
        Global::EntitiesMerged { .. } | Global::EntitiesSplit { .. }
    );
    if !c.later_here.is_empty() && !regroups {
        return Ok(Applied::Superseded);
    }
    let mut ids = Ids::new(tx)?;
    ids.later_here = c.later_here.clone();
    tx.execute_batch("SAVEPOINT remote")?;
    // A label deleted here that the change's annotations use comes back first.
    let mut revived = revive_labels(tx, &g, &mut ids, c.at)?;
    revived.extend(revive_entities(tx, &g, c.at)?);
    let change = match localize(tx, &g, &mut ids)? {
        Ok(change) => change,
        Err(why) => {
            tx.execute_batch("ROLLBACK TO remote; RELEASE remote")?;
            return Ok(if why.starts_with(KEPT) {
                Applied::Declined(why)
            } else {
                Applied::NotApplied(why)
            });
        }
    };
    let coder_id = annotator_in(tx, &c.coder, c.at)?;
    if let Err(e) = crate::history::apply(tx, &change, c.at) {
        tx.execute_batch("ROLLBACK TO remote; RELEASE remote")?;
        return Ok(Applied::NotApplied(e.to_string()));
    }
    let change = if revived.is_empty() {
        change
    } else {
        revived.push(change);
        Change::Several { changes: revived }
    };
    let action = if matches!(c.action.as_str(), "do" | "undo" | "redo") {
        c.action.as_str()
    } else {
        "do"
    };
    let event_id = crate::rows::append_event(
        tx,
        &crate::rows::EventRow {
            uid: &c.uid,
            at: &time::to_sql(c.at),
            annotator_id: coder_id,
            action,
            target_id: None,
            kind: change.kind(),
            document_id: change.document(),
            payload: &serde_json::to_string(&change)?,
            global: Some(&c.global),
        },
    )?;
    tx.execute(
        "INSERT INTO received_events (event_id) VALUES (?1)",
        [event_id],
    )?;
    remember(tx, &ids)?;
    tx.execute_batch("RELEASE remote")?;
    Ok(Applied::Applied)
}

/// The form log entry `event` took when it was last made again on top of another copy's
/// change ([`Project::replay`]), if it was.
pub(crate) fn rebased(conn: &Connection, event: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT payload FROM rebased_events WHERE event_id = ?1")?
        .query_row([event], |r| r.get(0))
        .optional()?)
}

/// What a localized change leaves to do once applied: names to remember, uids to give.
fn remember(tx: &Connection, ids: &Ids) -> Result<()> {
    for (key, target) in &ids.aliases {
        alias(tx, key, target)?;
    }
    for (id, uid) in &ids.label_uids {
        tx.execute("UPDATE labels SET uid = ?2 WHERE id = ?1", (id, uid))?;
    }
    Ok(())
}

/// What `key` names in `replica_aliases`, if anything.
fn aliased(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT target FROM replica_aliases WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// Whether the annotation or link (`table`) `uid` is here.
fn here(conn: &Connection, table: &str, uid: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE uid = ?1"))?
        .exists([uid])?)
}

/// The orphan `uid` here, if it is one: as it was, its links, and why it was set aside.
fn orphan_here(
    conn: &Connection,
    uid: &str,
) -> Result<Option<(Annotation, Vec<Relation>, String)>> {
    let row: Option<(String, String, String)> = conn
        .prepare_cached("SELECT annotation, relations, reason FROM orphans WHERE uid = ?1")?
        .query_row([uid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((a, r, reason)) => {
            Some((serde_json::from_str(&a)?, serde_json::from_str(&r)?, reason))
        }
        None => None,
    })
}

/// Whether the annotation or link (`kind`) `uid` was here and was deleted (and is not back).
fn gone(conn: &Connection, kind: &str, uid: &str) -> Result<bool> {
    let table = if kind == "relation" {
        "relations"
    } else {
        "annotations"
    };
    let here = conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE uid = ?1"))?
        .exists([uid])?;
    Ok(!here
        && conn
            .prepare_cached("SELECT 1 FROM replica_aliases WHERE key = ?1")?
            .exists([format!("deleted-{kind}:{uid}")])?)
}

/// Brings back, applied, the entities deleted here that the annotations of `g` name, as they
/// were when deleted; answers the changes that did.
fn revive_entities(tx: &Connection, g: &Global, at: DateTime<Utc>) -> Result<Vec<Change>> {
    let mut uids = Vec::new();
    g.entity_uids(&mut uids);
    let mut revived = Vec::new();
    for uid in uids {
        if entity_by_uid(tx, &uid)?.is_some() {
            continue;
        }
        let Some(state) = aliased(tx, &format!("deleted-entity-state:{uid}"))? else {
            continue;
        };
        let entity: GlobalEntity = serde_json::from_str(&state)?;
        if let Ok(change) = local_entity_set(tx, &entity)? {
            crate::history::apply(tx, &change, at)?;
            revived.push(change);
        }
    }
    Ok(revived)
}

/// Brings back, applied, the labels deleted here that the annotations of `g` use (with the
/// state they had when deleted); answers the changes that did.
fn revive_labels(
    tx: &Connection,
    g: &Global,
    ids: &mut Ids,
    at: DateTime<Utc>,
) -> Result<Vec<Change>> {
    let mut revived = Vec::new();
    let mut uids = Vec::new();
    g.label_uids(&mut uids);
    for uid in uids {
        if label_by_uid(tx, &uid)?.is_some() {
            continue;
        }
        let Some(state) = aliased(tx, &format!("deleted-label-state:{uid}"))? else {
            continue;
        };
        let label: GlobalLabel = serde_json::from_str(&state)?;
        let Ok(change) = local_label_set(tx, &uid, &label, ids)? else {
            continue;
        };
        crate::history::apply(tx, &change, at)?;
        if let Change::LabelCreated { label, .. } = &change {
            tx.execute("UPDATE labels SET uid = ?2 WHERE id = ?1", (label.id, &uid))?;
        }
        revived.push(change);
    }
    Ok(revived)
}

/// Makes one of this copy's own changes again from its global form, on what is here now,
/// and keeps the form it took (so undoing it takes back what it now did). One that cannot be
/// made here now takes no effect.
fn make_again(tx: &Connection, id: i64, global: &str, at: DateTime<Utc>) -> Result<()> {
    let g: Global = serde_json::from_str(global)?;
    let mut ids = Ids::new(tx)?;
    let mut revived = revive_labels(tx, &g, &mut ids, at)?;
    revived.extend(revive_entities(tx, &g, at)?);
    let change = localize(tx, &g, &mut ids)?.unwrap_or_else(|_| nothing());
    crate::history::apply(tx, &change, at)?;
    remember(tx, &ids)?;
    let change = if revived.is_empty() {
        change
    } else {
        revived.push(change);
        Change::Several { changes: revived }
    };
    tx.execute(
        "INSERT INTO rebased_events (event_id, payload) VALUES (?1, ?2)
         ON CONFLICT (event_id) DO UPDATE SET payload = excluded.payload",
        (id, serde_json::to_string(&change)?),
    )?;
    Ok(())
}

fn replay_in(
    tx: &Connection,
    mine: &[String],
    steps: &[Replayed],
    at: DateTime<Utc>,
) -> Result<Option<Vec<Applied>>> {
    let mut own: Vec<(i64, Change, String)> = Vec::new();
    let mut by_uid: HashMap<&str, (i64, String)> = HashMap::new();
    for uid in mine {
        let row = tx
            .prepare_cached("SELECT id, payload, global FROM events WHERE uid = ?1")?
            .query_row([uid], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })
            .optional()?;
        let Some((id, payload, global)) = row else {
            continue;
        };
        let Some(global) = global else {
            return Ok(None);
        };
        let payload = rebased(tx, id)?.unwrap_or(payload);
        by_uid.insert(uid, (id, global.clone()));
        own.push((id, serde_json::from_str(&payload)?, global));
    }
    own.sort_by_key(|o| o.0);
    for (_, change, _) in own.iter().rev() {
        crate::history::apply(tx, &change.inverse(), at)?;
    }
    let mut out = Vec::new();
    for step in steps {
        match step {
            Replayed::Theirs(c) => out.push(apply_one(
                tx,
                &Incoming {
                    later_here: Vec::new(),
                    ..c.clone()
                },
            )?),
            Replayed::Mine(uid) => {
                if let Some((id, global)) = by_uid.remove(uid.as_str()) {
                    make_again(tx, id, &global, at)?;
                }
            }
        }
    }
    // Own changes the steps did not place (not sent yet) come last, in the order made.
    let mut rest: Vec<(i64, String)> = by_uid.into_values().collect();
    rest.sort();
    for (id, global) in rest {
        make_again(tx, id, &global, at)?;
    }
    Ok(Some(out))
}

/// The id of coder `name`, added if this project has not met them yet.
fn annotator_in(conn: &Connection, name: &str, at: DateTime<Utc>) -> Result<i64> {
    conn.execute(
        "INSERT INTO annotators (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
        (name, time::to_sql(at)),
    )?;
    Ok(
        conn.query_row("SELECT id FROM annotators WHERE name = ?1", [name], |r| {
            r.get(0)
        })?,
    )
}

/// The ids new rows take here, handed out in order while a change is localized.
struct Ids {
    annotation: i64,
    relation: i64,
    /// Annotations by uid, as this change makes or finds them.
    annotations: HashMap<String, i64>,
    /// Names to remember once the change is applied (the table `replica_aliases`).
    aliases: Vec<(String, String)>,
    /// Labels made, with the uid they have in every copy.
    label_uids: Vec<(i64, String)>,
    /// Shared things this copy set later in the server's order (see [`Incoming::later_here`]).
    later_here: Vec<String>,
}

impl Ids {
    fn new(conn: &Connection) -> Result<Ids> {
        Ok(Ids {
            annotation: crate::annotations::next_annotation_id(conn)?,
            relation: crate::annotations::next_relation_id(conn)?,
            annotations: HashMap::new(),
            aliases: Vec::new(),
            label_uids: Vec::new(),
            later_here: Vec::new(),
        })
    }

    fn annotation(&mut self, conn: &Connection, uid: &str) -> Result<i64> {
        if let Some(&id) = self.annotations.get(uid) {
            return Ok(id);
        }
        let id = match conn
            .query_row("SELECT id FROM annotations WHERE uid = ?1", [uid], |r| {
                r.get(0)
            })
            .optional()?
        {
            Some(id) => id,
            None => {
                self.annotation += 1;
                self.annotation - 1
            }
        };
        self.annotations.insert(uid.to_string(), id);
        Ok(id)
    }

    fn relation(&mut self, conn: &Connection, uid: &str) -> Result<i64> {
        Ok(
            match conn
                .query_row("SELECT id FROM relations WHERE uid = ?1", [uid], |r| {
                    r.get(0)
                })
                .optional()?
            {
                Some(id) => id,
                None => {
                    self.relation += 1;
                    self.relation - 1
                }
            },
        )
    }
}

/// How the reason of a declined deletion begins.
const KEPT: &str = "kept: ";

/// Why a change cannot be localized here, as the analyst reads it.
type Localized<T> = std::result::Result<T, String>;

fn localize(conn: &Connection, g: &Global, ids: &mut Ids) -> Result<Localized<Change>> {
    macro_rules! tryl {
        ($e:expr) => {
            match $e? {
                Ok(v) => v,
                Err(why) => return Ok(Err(why)),
            }
        };
    }
    Ok(Ok(match g {
        // Made again (an undone deletion) while set aside here: it stays an orphan, for the
        // analyst to place.
        Global::AnnotationCreated { annotation, .. }
            if orphan_here(conn, &annotation.uid)?.is_some() =>
        {
            nothing()
        }
        Global::AnnotationCreated {
            annotation,
            relations,
        } => {
            // Links to an annotation deleted here meanwhile do not come back with it.
            let mut kept = Vec::new();
            for r in relations {
                let other = if r.from == annotation.uid {
                    &r.to
                } else {
                    &r.from
                };
                if !gone(conn, "annotation", other)? {
                    kept.push(r.clone());
                }
            }
            match local_annotation(conn, annotation, ids)? {
                Err(why) if why.starts_with(UNPLACED) => Change::OrphanRecreated {
                    annotation: tryl!(local_annotation_as_made(conn, annotation, ids)),
                    relations: Vec::new(),
                    reason: why[UNPLACED.len()..].to_string(),
                },
                annotation => Change::AnnotationCreated {
                    annotation: tryl!(Ok::<_, crate::error::StoreError>(annotation)),
                    relations: tryl!(local_relations(conn, &kept, ids)),
                },
            }
        }
        // What is not here any more (deleted, or set aside when its text was replaced, earlier
        // in the server's order): an edit of it passes, a deletion takes the orphan.
        Global::AnnotationDeleted { annotation, .. }
            if !here(conn, "annotations", &annotation.uid)? =>
        {
            match orphan_here(conn, &annotation.uid)? {
                Some((annotation, relations, reason)) => Change::OrphanDeleted {
                    annotation,
                    relations,
                    reason,
                },
                None => nothing(),
            }
        }
        Global::AnnotationUpdated { after, .. } if !here(conn, "annotations", &after.uid)? => {
            nothing()
        }
        Global::RelationCreated { relation, .. }
            if !(ids.annotations.contains_key(&relation.from)
                || here(conn, "annotations", &relation.from)?)
                || !(ids.annotations.contains_key(&relation.to)
                    || here(conn, "annotations", &relation.to)?) =>
        {
            nothing()
        }
        Global::RelationDeleted { relation, .. } if !here(conn, "relations", &relation.uid)? => {
            nothing()
        }
        Global::AnnotationDeleted {
            annotation,
            relations,
        } => Change::AnnotationDeleted {
            annotation: tryl!(local_annotation(conn, annotation, ids)),
            relations: tryl!(local_relations(conn, relations, ids)),
        },
        Global::AnnotationUpdated { before, after } => Change::AnnotationUpdated {
            before: tryl!(local_annotation(conn, before, ids)),
            after: tryl!(local_annotation(conn, after, ids)),
        },
        Global::RelationCreated { relation, document } => Change::RelationCreated {
            relation: tryl!(local_relation(conn, relation, ids)),
            document_id: tryl!(local_document(conn, document)),
        },
        Global::RelationDeleted { relation, document } => Change::RelationDeleted {
            relation: tryl!(local_relation(conn, relation, ids)),
            document_id: tryl!(local_document(conn, document)),
        },
        Global::Several { changes } => {
            let mut out = Vec::new();
            for c in changes {
                out.push(tryl!(localize(conn, c, ids)));
            }
            Change::Several { changes: out }
        }
        Global::SuggestionsDecided {
            document,
            coder,
            keys,
            before,
            after,
            changes,
        } => {
            let mut out = Vec::new();
            for c in changes {
                out.push(tryl!(localize(conn, c, ids)));
            }
            let mut local_keys = Vec::new();
            for key in keys {
                match map_mention_key(key, |uid| {
                    Ok(conn
                        .query_row("SELECT id FROM entities WHERE uid = ?1", [uid], |r| {
                            r.get::<_, i64>(0)
                        })
                        .optional()?
                        .map(|id| id.to_string()))
                })? {
                    Some(k) => local_keys.push(k),
                    None => {
                        return Ok(Err("a suggestion names an entity this project lacks".into()))
                    }
                }
            }
            let coder = match conn
                .query_row("SELECT id FROM annotators WHERE name = ?1", [coder], |r| {
                    r.get(0)
                })
                .optional()?
            {
                Some(id) => id,
                None => annotator_in(conn, coder, Utc::now())?,
            };
            Change::SuggestionsDecided {
                document_id: tryl!(local_document(conn, document)),
                coder,
                keys: local_keys,
                before: *before,
                after: *after,
                changes: out,
            }
        }
        Global::LabelSet { uid, label } => tryl!(local_label_set(conn, uid, label, ids)),
        Global::LabelDeleted { uid, name, in_use } => {
            tryl!(local_label_deleted(conn, uid, name, *in_use))
        }
        Global::RelationTypeSet {
            before,
            name,
            from,
            to,
        } => tryl!(local_relation_type_set(
            conn,
            before.as_deref(),
            name,
            from,
            to,
            ids
        )),
        Global::RelationTypeDeleted { name, in_use } => {
            tryl!(local_relation_type_deleted(conn, name, *in_use))
        }
        Global::EntitySet { after } => tryl!(local_entity_set(conn, after)),
        Global::EntityDeleted { entity } => tryl!(local_entity_deleted(conn, entity)),
        Global::EntitiesMerged { kept, merged } => {
            tryl!(local_entities_merged(conn, kept, merged, ids))
        }
        Global::EntitiesSplit {
            kept,
            merged,
            mentions,
        } => tryl!(local_entities_split(conn, kept, merged, mentions, ids)),
        Global::TextReplaced {
            document,
            text,
            moved,
            orphaned,
            restored,
        } => tryl!(local_text_replaced(
            conn, document, text, moved, orphaned, restored
        )),
        Global::DecisionRecorded { decision } => tryl!(local_decision_recorded(conn, decision)),
        Global::DecisionRemoved { decision } => tryl!(local_decision_removed(conn, decision)),
    }))
}

/// A text replacement made elsewhere: the document's text becomes `text`, the annotations
/// the other copy named go where it put them (or are set aside as it did), orphans it brought
/// back come back, and the others here are re-anchored as a replacement here would. One whose
/// text was replaced here meanwhile (by another copy, earlier in the server's order) is
/// re-anchored from the text it has here.
fn local_text_replaced(
    conn: &Connection,
    document: &str,
    text: &str,
    moved: &[(String, usize, usize)],
    orphaned: &[String],
    restored: &[String],
) -> Result<Localized<Change>> {
    let document_id = match local_document(conn, document)? {
        Ok(id) => id,
        Err(why) => return Ok(Err(why)),
    };
    let (sha, old): (String, String) = conn.query_row(
        "SELECT sha256, text FROM documents WHERE id = ?1",
        [document_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if old == text {
        return Ok(Ok(nothing()));
    }
    if let Some(twin) = conn
        .prepare_cached("SELECT id FROM documents WHERE sha256 = ?1 AND id <> ?2")?
        .query_row((sha256_hex(text), document_id), |r| r.get::<_, i64>(0))
        .optional()?
    {
        return Ok(Err(format!(
            "its new text is already the text of document {twin} here"
        )));
    }
    // The other copy's placements hold for the text it replaced, which is the one here.
    let same = sha == document;
    let index = TextIndex::new(text);
    let annotations = crate::annotations::annotations_where(conn, "document_id = ?1", document_id)?;
    let mut rest = Vec::new();
    let (mut orphans, mut moves) = (Vec::new(), Vec::new());
    let now = Utc::now();
    let mut orphan = |a: Annotation, reason: &str| -> Result<()> {
        let relations = crate::annotations::relations_touching(conn, a.id)?;
        orphans.push(Change::AnnotationOrphaned {
            annotation: a,
            relations,
            reason: reason.to_string(),
        });
        Ok(())
    };
    let mut place = |a: Annotation, start: usize, end: usize| -> Result<bool> {
        let mut after = a.clone();
        if crate::versions::place(&index, &mut after, start, end).is_err() {
            return Ok(false);
        }
        if after != a {
            after.updated_at = now;
            moves.push(Change::AnnotationUpdated { before: a, after });
        }
        Ok(true)
    };
    for a in annotations {
        if same {
            if orphaned.contains(&a.uid) {
                orphan(a, "set aside where its text was replaced")?;
                continue;
            }
            if let Some(&(_, start, end)) = moved.iter().find(|m| m.0 == a.uid) {
                if place(a.clone(), start, end)? {
                    continue;
                }
            }
        }
        rest.push(a);
    }
    let spans: Vec<(usize, usize)> = rest.iter().map(|a| (a.start, a.end)).collect();
    for (a, placement) in rest
        .into_iter()
        .zip(claimdesk_core::anchor::reanchor(&old, text, &spans))
    {
        match placement {
            claimdesk_core::anchor::Placement::Placed { start, end, .. } => {
                if !place(a.clone(), start, end)? {
                    orphan(a, "could not be placed on the new text")?;
                }
            }
            claimdesk_core::anchor::Placement::Orphaned { reason } => orphan(a, reason.describe())?,
        }
    }
    let mut back = Vec::new();
    for uid in restored {
        let row: Option<(String, String, String)> = conn
            .prepare_cached("SELECT annotation, relations, reason FROM orphans WHERE uid = ?1")?
            .query_row([uid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        if let Some((annotation, relations, reason)) = row {
            let annotation: Annotation = serde_json::from_str(&annotation)?;
            // Its offsets are into the text it was set aside from: the one coming back.
            if annotation.document_id == document_id && place_fits(&index, &annotation) {
                back.push(Change::OrphanRestored {
                    annotation,
                    relations: serde_json::from_str(&relations)?,
                    reason,
                });
            }
        }
    }
    let mut changes = orphans;
    changes.push(Change::TextReplaced {
        document_id,
        before: old,
        after: text.to_string(),
    });
    changes.extend(back);
    changes.extend(moves);
    Ok(Ok(Change::Several { changes }))
}

/// Whether an orphan's offsets and quote hold on a text.
fn place_fits(index: &TextIndex<'_>, a: &Annotation) -> bool {
    Span::new(a.start, a.end)
        .and_then(|s| index.check(s))
        .ok()
        .and_then(|s| index.slice(s).ok())
        .is_some_and(|q| q == a.quote)
}

/// The decision already recorded here on the span `d` covers, if any.
fn decision_at(
    conn: &Connection,
    document_id: i64,
    d: &GlobalDecision,
) -> Result<Option<Decision>> {
    Ok(conn
        .prepare_cached(
            "SELECT accepted FROM adjudication_decisions
             WHERE document_id = ?1 AND start = ?2 AND end = ?3",
        )?
        .query_row((document_id, d.start as i64, d.end as i64), |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?
        .map(|accepted| Decision {
            document_id,
            start: d.start,
            end: d.end,
            accepted,
        }))
}

/// A decision another adjudicator recorded. One recorded here on the same span came earlier in
/// the server's order (a later one of this copy's own passes the incoming one over), so it is
/// replaced: taken back with the curated annotations it brought, and the incoming one
/// recorded. Every copy then holds the last decision and only its curated annotations.
fn local_decision_recorded(conn: &Connection, d: &GlobalDecision) -> Result<Localized<Change>> {
    let document_id = match local_document(conn, &d.document)? {
        Ok(id) => id,
        Err(why) => return Ok(Err(why)),
    };
    let decision = Decision {
        document_id,
        start: d.start,
        end: d.end,
        accepted: d.accepted.clone(),
    };
    let Some(earlier) = decision_at(conn, document_id, d)? else {
        return Ok(Ok(Change::DecisionRecorded { decision }));
    };
    let mut changes = Vec::new();
    let mut gone = std::collections::HashSet::new();
    for uid in curated_by_decision(conn, &earlier)? {
        let Some(id) = conn
            .prepare_cached("SELECT id FROM annotations WHERE uid = ?1")?
            .query_row([&uid], |r| r.get::<_, i64>(0))
            .optional()?
        else {
            continue;
        };
        let annotation = crate::annotations::read_annotation_by_id(conn, id)?;
        let relations: Vec<Relation> = crate::annotations::relations_touching(conn, id)?
            .into_iter()
            .filter(|r| gone.insert(r.id))
            .collect();
        changes.push(Change::AnnotationDeleted {
            annotation,
            relations,
        });
    }
    changes.push(Change::DecisionRemoved { decision: earlier });
    changes.push(Change::DecisionRecorded { decision });
    Ok(Ok(Change::Several { changes }))
}

/// The uids of the curated annotations the step that recorded `decision` made (the latest such
/// step in the log).
fn curated_by_decision(conn: &Connection, decision: &Decision) -> Result<Vec<String>> {
    fn leaves<'a>(changes: &'a [Change], out: &mut Vec<&'a Change>) {
        for c in changes {
            match c {
                Change::Several { changes } => leaves(changes, out),
                c => out.push(c),
            }
        }
    }
    fn find(changes: &[Change], decision: &Decision) -> Option<Vec<String>> {
        let mut all = Vec::new();
        leaves(changes, &mut all);
        let records = all.iter().any(|c| {
            matches!(c, Change::DecisionRecorded { decision: d }
                if d.start == decision.start && d.end == decision.end)
        });
        records.then(|| {
            let deleted: Vec<&str> = all
                .iter()
                .filter_map(|c| match c {
                    Change::AnnotationDeleted { annotation, .. } => Some(annotation.uid.as_str()),
                    _ => None,
                })
                .collect();
            all.iter()
                .filter_map(|c| match c {
                    Change::AnnotationCreated { annotation, .. }
                        if !deleted.contains(&annotation.uid.as_str()) =>
                    {
                        Some(annotation.uid.clone())
                    }
                    _ => None,
                })
                .collect()
        })
    }
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(r.payload, e.payload) FROM events e
         LEFT JOIN rebased_events r ON r.event_id = e.id
         WHERE e.document_id = ?1 AND e.action <> 'undo' AND e.kind = 'several'
         ORDER BY e.id DESC",
    )?;
    let payloads = stmt.query_map([decision.document_id], |r| r.get::<_, String>(0))?;
    for payload in payloads {
        let Ok(Change::Several { changes }) = serde_json::from_str::<Change>(&payload?) else {
            continue;
        };
        if let Some(uids) = find(&changes, decision) {
            return Ok(uids);
        }
    }
    Ok(Vec::new())
}

/// A decision taken back elsewhere. Here it goes only if it is still the one recorded (another
/// may have replaced it since).
fn local_decision_removed(conn: &Connection, d: &GlobalDecision) -> Result<Localized<Change>> {
    let document_id = match local_document(conn, &d.document)? {
        Ok(id) => id,
        Err(why) => return Ok(Err(why)),
    };
    Ok(Ok(match decision_at(conn, document_id, d)? {
        Some(here) if here.accepted == d.accepted => Change::DecisionRemoved { decision: here },
        _ => Change::Several {
            changes: Vec::new(),
        },
    }))
}

/// The id `select` (one `?1` parameter) finds for `key`, or for what `key` became here
/// (`replica_aliases` under `kind`).
fn find_following(conn: &Connection, select: &str, kind: &str, key: &str) -> Result<Option<i64>> {
    let find = |key: &str| -> Result<Option<i64>> {
        Ok(conn
            .prepare_cached(select)?
            .query_row([key], |r| r.get(0))
            .optional()?)
    };
    match find(key)? {
        Some(id) => Ok(Some(id)),
        None => find(&resolve(conn, kind, key)?),
    }
}

fn local_document(conn: &Connection, sha256: &str) -> Result<Localized<i64>> {
    // A text replaced here since is found by `document:SHA`.
    let found = find_following(
        conn,
        "SELECT id FROM documents WHERE sha256 = ?1",
        "document",
        sha256,
    )?;
    Ok(found.ok_or_else(|| {
        "its document is not in this project (or has another text here)".to_string()
    }))
}

/// How the reason of an annotation that cannot be placed on its document's new text begins.
const UNPLACED: &str = "unplaced: ";

/// An annotation as another copy made it, here: on the document's text as it is here. One
/// made on a text replaced here since is placed on the new text as the replacement placed the
/// others (or, if it is here, where it is); one that cannot be placed answers why, after
/// [`UNPLACED`].
fn local_annotation(
    conn: &Connection,
    a: &GlobalAnnotation,
    ids: &mut Ids,
) -> Result<Localized<Annotation>> {
    let mut annotation = match local_annotation_as_made(conn, a, ids)? {
        Ok(annotation) => annotation,
        Err(why) => return Ok(Err(why)),
    };
    let (sha, text): (String, String) = conn.query_row(
        "SELECT sha256, text FROM documents WHERE id = ?1",
        [annotation.document_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if sha == a.document {
        return Ok(Ok(annotation));
    }
    let here: Option<(i64, i64, String, String, String)> = conn
        .prepare_cached(
            "SELECT start, end, quote, prefix, suffix FROM annotations
             WHERE uid = ?1 AND document_id = ?2",
        )?
        .query_row((&a.uid, annotation.document_id), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    if let Some((start, end, quote, prefix, suffix)) = here {
        annotation.start = start as usize;
        annotation.end = end as usize;
        (annotation.quote, annotation.prefix, annotation.suffix) = (quote, prefix, suffix);
        return Ok(Ok(annotation));
    }
    let old: Option<String> = aliased(conn, &format!("document-text:{}", a.document))?;
    let Some(old) = old else {
        return Ok(Err(
            "its document has another text here, and the one it was made on is unknown".into(),
        ));
    };
    match claimdesk_core::anchor::reanchor(&old, &text, &[(a.start, a.end)]).remove(0) {
        claimdesk_core::anchor::Placement::Placed { start, end, .. } => {
            crate::versions::place(&TextIndex::new(&text), &mut annotation, start, end)?;
            Ok(Ok(annotation))
        }
        claimdesk_core::anchor::Placement::Orphaned { reason } => {
            Ok(Err(format!("{UNPLACED}{}", reason.describe())))
        }
    }
}

/// An annotation as another copy made it, with the offsets it was made with.
fn local_annotation_as_made(
    conn: &Connection,
    a: &GlobalAnnotation,
    ids: &mut Ids,
) -> Result<Localized<Annotation>> {
    let document_id = match local_document(conn, &a.document)? {
        Ok(id) => id,
        Err(why) => return Ok(Err(why)),
    };
    let by_uid = match &a.label_uid {
        Some(uid) => label_by_uid(conn, uid)?,
        None => None,
    };
    let label_id = match by_uid {
        Some(id) => id,
        None => match conn
            .prepare_cached("SELECT id FROM labels WHERE name = ?1")?
            .query_row([&a.label], |r| r.get(0))
            .optional()?
        {
            Some(id) if a.label_uid.is_none() => id,
            _ => return Ok(Err(format!("this project has no label {:?}", a.label))),
        },
    };
    let entity_id = match &a.entity {
        Some(uid) => match entity_by_uid(conn, uid)? {
            Some(e) => Some(e.id),
            None => return Ok(Err("it links to an entity this project lacks".into())),
        },
        None => None,
    };
    Ok(Ok(Annotation {
        id: ids.annotation(conn, &a.uid)?,
        uid: a.uid.clone(),
        document_id,
        label_id,
        start: a.start,
        end: a.end,
        quote: a.quote.clone(),
        prefix: a.prefix.clone(),
        suffix: a.suffix.clone(),
        attributes: a.attributes.clone(),
        note: a.note.clone(),
        entity_id,
        annotator_id: annotator_in(conn, &a.coder, a.created_at)?,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }))
}

fn local_relation(
    conn: &Connection,
    r: &GlobalRelation,
    ids: &mut Ids,
) -> Result<Localized<Relation>> {
    Ok(Ok(Relation {
        id: ids.relation(conn, &r.uid)?,
        uid: r.uid.clone(),
        kind: relation_type_named(conn, &r.kind)?
            .map(|t| t.name)
            .unwrap_or_else(|| r.kind.clone()),
        from_id: ids.annotation(conn, &r.from)?,
        to_id: ids.annotation(conn, &r.to)?,
        annotator_id: annotator_in(conn, &r.coder, r.created_at)?,
        created_at: r.created_at,
    }))
}

fn local_relations(
    conn: &Connection,
    rs: &[GlobalRelation],
    ids: &mut Ids,
) -> Result<Localized<Vec<Relation>>> {
    let mut out = Vec::new();
    for r in rs {
        match local_relation(conn, r, ids)? {
            Ok(r) => out.push(r),
            Err(why) => return Ok(Err(why)),
        }
    }
    Ok(Ok(out))
}

/// Remembers that another replica's `key` is `target` here (the table `replica_aliases`).
fn alias(conn: &Connection, key: &str, target: &str) -> Result<()> {
    if key.strip_prefix("label:") == Some(target) || key.strip_prefix("entity:") == Some(target) {
        return Ok(());
    }
    conn.execute(
        "INSERT INTO replica_aliases (key, target) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET target = excluded.target",
        (key, target),
    )?;
    Ok(())
}

/// What `key` names here, following remembered names (a few steps at most).
fn resolve(conn: &Connection, kind: &str, name: &str) -> Result<String> {
    let mut name = name.to_string();
    for _ in 0..8 {
        match aliased(conn, &format!("{kind}:{name}"))? {
            Some(target) if target != name => name = target,
            _ => break,
        }
    }
    Ok(name)
}

fn label_by_uid(conn: &Connection, uid: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM labels WHERE uid = ?1")?
        .query_row([uid], |r| r.get(0))
        .optional()?)
}

/// The entity with `uid` here, or the one it became one with.
fn entity_by_uid(conn: &Connection, uid: &str) -> Result<Option<Entity>> {
    let id = find_following(
        conn,
        "SELECT id FROM entities WHERE uid = ?1",
        "entity",
        uid,
    )?;
    id.map(|id| crate::entities::read_entity(conn, id))
        .transpose()
}

/// A change that changes nothing (what another copy set is already so here).
fn nothing() -> Change {
    Change::Several {
        changes: Vec::new(),
    }
}

/// A label as another copy set it, as a change here: the state of the last edit in the
/// server's order. A name or key another label has here is kept as it is (two coders may each
/// have made "Topic"): every copy holds the same labels.
fn local_label_set(
    conn: &Connection,
    uid: &str,
    label: &GlobalLabel,
    ids: &mut Ids,
) -> Result<Localized<Change>> {
    let state = |id: i64| Label {
        id,
        name: label.name.clone(),
        colour: label.colour.clone(),
        hotkey: label.hotkey.clone(),
        attributes: label.attributes.clone(),
    };
    Ok(Ok(match label_by_uid(conn, uid)? {
        Some(id) => {
            let local = crate::schema::read_label(conn, id)?;
            let after = state(id);
            if after == local {
                return Ok(Ok(nothing()));
            }
            Change::LabelUpdated {
                before: local,
                after,
            }
        }
        None => {
            let (id, position): (i64, i64) = conn.query_row(
                "SELECT coalesce(max(id), 0) + 1, coalesce(max(position), -1) + 1 FROM labels",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            ids.label_uids.push((id, uid.to_string()));
            Change::LabelCreated {
                label: state(id),
                position,
                annotations: Vec::new(),
                relations: Vec::new(),
            }
        }
    }))
}

/// The relation type called `name` here, or called so before a rename here.
fn relation_type_named(conn: &Connection, name: &str) -> Result<Option<RelationType>> {
    let types = crate::schema::read_relation_types(conn)?;
    if let Some(t) = types.iter().find(|t| t.name == name) {
        return Ok(Some(t.clone()));
    }
    let here = resolve(conn, "relation_type", name)?;
    Ok(types.into_iter().find(|t| t.name == here))
}

/// A relation type as another copy set it, as a change here: the state of the last edit in
/// the server's order. A new name another type has here cannot be taken: that is reported.
fn local_relation_type_set(
    conn: &Connection,
    before: Option<&str>,
    name: &str,
    from: &[String],
    to: &[String],
    ids: &mut Ids,
) -> Result<Localized<Change>> {
    let labels = |uids: &[String]| -> Result<Option<Vec<i64>>> {
        uids.iter().map(|u| label_by_uid(conn, u)).collect()
    };
    let (Some(from_labels), Some(to_labels)) = (labels(from)?, labels(to)?) else {
        return Ok(Err(format!(
            "relation type {name:?} links labels this project lacks"
        )));
    };
    let here = match before {
        Some(b) => relation_type_named(conn, b)?,
        None => None,
    };
    let here = match here {
        Some(t) => Some(t),
        None => crate::schema::read_relation_types(conn)?
            .into_iter()
            .find(|t| t.name == name),
    };
    let taken = |id: i64| -> Result<bool> {
        Ok(crate::schema::read_relation_types(conn)?
            .iter()
            .any(|t| t.name == name && t.id != id))
    };
    Ok(Ok(match here {
        Some(local) => {
            let after = RelationType {
                id: local.id,
                name: name.to_string(),
                from_labels,
                to_labels,
            };
            if after == local {
                return Ok(Ok(nothing()));
            }
            if taken(local.id)? {
                return Ok(Err(format!(
                    "relation type {:?} cannot be renamed {name:?} here: another has that name",
                    local.name
                )));
            }
            if local.name != name {
                ids.aliases
                    .push((format!("relation_type:{}", local.name), name.to_string()));
            }
            Change::RelationTypeUpdated {
                before: local,
                after,
            }
        }
        None => {
            let (id, position): (i64, i64) = conn.query_row(
                "SELECT coalesce(max(id), 0) + 1, coalesce(max(position), -1) + 1
                 FROM relation_types",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Change::RelationTypeCreated {
                relation_type: RelationType {
                    id,
                    name: name.to_string(),
                    from_labels,
                    to_labels,
                },
                position,
                relations: Vec::new(),
            }
        }
    }))
}

fn local_relation_type_deleted(
    conn: &Connection,
    name: &str,
    in_use: bool,
) -> Result<Localized<Change>> {
    let Some(local) = relation_type_named(conn, name)? else {
        return Ok(Ok(nothing()));
    };
    let used: i64 = conn.query_row(
        "SELECT count(*) FROM relations WHERE kind = ?1",
        [&local.name],
        |r| r.get(0),
    )?;
    if in_use {
        // Deleted with its links: those here go too.
        let position: i64 = conn.query_row(
            "SELECT position FROM relation_types WHERE id = ?1",
            [local.id],
            |r| r.get(0),
        )?;
        let relations = crate::annotations::relations_of_kind(conn, &local.name)?;
        return Ok(Ok(Change::RelationTypeDeleted {
            relation_type: local,
            position,
            relations,
        }));
    }
    if used > 0 {
        return Ok(Err(format!(
            "{KEPT}relation type {name:?} was deleted by another coder, but {used} link(s) here \
             are of it"
        )));
    }
    let position: i64 = conn.query_row(
        "SELECT position FROM relation_types WHERE id = ?1",
        [local.id],
        |r| r.get(0),
    )?;
    Ok(Ok(Change::RelationTypeDeleted {
        relation_type: local,
        position,
        relations: Vec::new(),
    }))
}

fn local_label_deleted(
    conn: &Connection,
    uid: &str,
    name: &str,
    in_use: bool,
) -> Result<Localized<Change>> {
    let Some(id) = label_by_uid(conn, uid)? else {
        return Ok(Ok(nothing()));
    };
    let (used, position): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM annotations WHERE label_id = ?1),
                (SELECT position FROM labels WHERE id = ?1)",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if in_use {
        // Deleted with its annotations: those here go too, with their links.
        let annotations = crate::annotations::annotations_where(conn, "label_id = ?1", id)?;
        let mut seen = std::collections::HashSet::new();
        let mut relations = Vec::new();
        for a in &annotations {
            for r in crate::annotations::relations_touching(conn, a.id)? {
                if seen.insert(r.id) {
                    relations.push(r);
                }
            }
        }
        return Ok(Ok(Change::LabelDeleted {
            label: crate::schema::read_label(conn, id)?,
            position,
            annotations,
            relations,
        }));
    }
    if used > 0 {
        return Ok(Err(format!(
            "{KEPT}label {name:?} was deleted by another coder, but {used} annotation(s) here \
             use it"
        )));
    }
    Ok(Ok(Change::LabelDeleted {
        label: crate::schema::read_label(conn, id)?,
        position,
        annotations: Vec::new(),
        relations: Vec::new(),
    }))
}

/// An entity as another copy set it, as a change here: the state of the last edit in the
/// server's order. A name another entity of its kind has here is kept as it is (two coders may
/// each have made "Putin"): every copy holds the same entities, for the analyst to merge.
fn local_entity_set(conn: &Connection, after: &GlobalEntity) -> Result<Localized<Change>> {
    if merged_away(conn, &after.uid)? {
        // Merged into another earlier in the server's order: gone in every copy, and the
        // entity it went into stays as it is.
        return Ok(Ok(nothing()));
    }
    let aliases = clean_aliases(after);
    Ok(Ok(match entity_by_uid(conn, &after.uid)? {
        Some(local) => {
            let next = Entity {
                name: after.name.clone(),
                aliases,
                ..local.clone()
            };
            if next == local {
                return Ok(Ok(nothing()));
            }
            Change::EntityUpdated {
                before: local,
                after: next,
            }
        }
        None => {
            let id: i64 =
                conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM entities", [], |r| {
                    r.get(0)
                })?;
            Change::EntityCreated {
                entity: Entity {
                    id,
                    uid: after.uid.clone(),
                    kind: after.kind,
                    name: after.name.clone(),
                    aliases,
                },
            }
        }
    }))
}

fn local_entity_deleted(conn: &Connection, entity: &GlobalEntity) -> Result<Localized<Change>> {
    if merged_away(conn, &entity.uid)? {
        return Ok(Ok(nothing()));
    }
    let Some(local) = entity_by_uid(conn, &entity.uid)? else {
        return Ok(Ok(nothing()));
    };
    let mentions: i64 = conn.query_row(
        "SELECT count(*) FROM annotations WHERE entity_id = ?1",
        [local.id],
        |r| r.get(0),
    )?;
    if mentions > 0 {
        return Ok(Err(format!(
            "{KEPT}{:?} was deleted by another coder, but it has {mentions} mention(s) here",
            local.name
        )));
    }
    Ok(Ok(Change::EntityDeleted { entity: local }))
}

/// Whether the entity `uid` went into another here (by a merge not undone).
fn merged_away(conn: &Connection, uid: &str) -> Result<bool> {
    Ok(own_entity(conn, uid)?.is_none() && resolve(conn, "entity", uid)? != uid)
}

/// A merge undone elsewhere: the merged entity comes back here with the mentions it had (those
/// that still point to the kept one), and the kept one is as before the merge unless this copy
/// set it later.
fn local_entities_split(
    conn: &Connection,
    kept: &GlobalEntity,
    merged: &GlobalEntity,
    mentions: &[String],
    ids: &mut Ids,
) -> Result<Localized<Change>> {
    let Some(kept_here) = entity_by_uid(conn, &kept.uid)? else {
        return Ok(Err(format!(
            "{:?} was split from {:?}, which this project lacks",
            merged.name, kept.name
        )));
    };
    if own_entity(conn, &merged.uid)?.is_some() {
        // Never merged here, or split already.
        return Ok(Ok(nothing()));
    }
    let mut back = Vec::new();
    for uid in mentions {
        if let Some(id) = conn
            .prepare_cached("SELECT id FROM annotations WHERE uid = ?1 AND entity_id = ?2")?
            .query_row((uid, kept_here.id), |r| r.get::<_, i64>(0))
            .optional()?
        {
            back.push(id);
        }
    }
    let id: i64 = conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM entities", [], |r| {
        r.get(0)
    })?;
    let clean = clean_aliases;
    let kept_before = if ids.later_here.contains(&format!("entity:{}", kept.uid))
        || merged_away(conn, &kept.uid)?
    {
        kept_here.clone()
    } else {
        Entity {
            name: kept.name.clone(),
            aliases: clean(kept),
            ..kept_here.clone()
        }
    };
    Ok(Ok(Change::EntitiesSplit {
        kept_before,
        kept_after: kept_here,
        merged: Entity {
            id,
            uid: merged.uid.clone(),
            kind: merged.kind,
            name: merged.name.clone(),
            aliases: clean(merged),
        },
        mentions: back,
    }))
}

fn local_entities_merged(
    conn: &Connection,
    kept: &GlobalEntity,
    merged: &GlobalEntity,
    ids: &mut Ids,
) -> Result<Localized<Change>> {
    let Some(kept_here) = entity_by_uid(conn, &kept.uid)? else {
        if conn
            .prepare_cached("SELECT 1 FROM replica_aliases WHERE key = ?1")?
            .exists([format!("deleted-entity-state:{}", kept.uid)])?
        {
            // Deleted here earlier in the server's order: the merge passes.
            return Ok(Ok(nothing()));
        }
        return Ok(Err(format!(
            "{:?} was merged into {:?}, which this project lacks",
            merged.name, kept.name
        )));
    };
    // The kept entity takes the state the merge gave it, unless this copy set it later in the
    // server's order, or it went into another here earlier (that merge's state stands).
    let later = ids.later_here.contains(&format!("entity:{}", kept.uid));
    let kept_own = !merged_away(conn, &kept.uid)?;
    let with_state = |e: &Entity| Entity {
        name: kept.name.clone(),
        aliases: clean_aliases(kept),
        ..e.clone()
    };
    let merged_here = match own_entity(conn, &merged.uid)? {
        Some(id) => crate::entities::read_entity(conn, id)?,
        None => {
            // Merged here already (or never here): only the kept entity's state.
            return if kept_own && !later {
                local_entity_set(conn, kept)
            } else {
                Ok(Ok(nothing()))
            };
        }
    };
    if merged_here.id == kept_here.id {
        // The kept entity went into the merged one here, earlier in the server's order: they
        // are one already, and the one that stays is the earlier merge's.
        return Ok(Ok(nothing()));
    }
    let mentions: Vec<i64> = conn
        .prepare("SELECT id FROM annotations WHERE entity_id = ?1 ORDER BY id")?
        .query_map([merged_here.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let kept_after = if kept_own && !later {
        with_state(&kept_here)
    } else {
        kept_here.clone()
    };
    Ok(Ok(Change::EntitiesMerged {
        kept_before: kept_here,
        kept_after,
        merged: merged_here,
        mentions,
    }))
}

/// The id of the entity whose own uid is `uid` (not one merged into it).
fn own_entity(conn: &Connection, uid: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM entities WHERE uid = ?1")?
        .query_row([uid], |r| r.get(0))
        .optional()?)
}

/// An entity's aliases as stored: without its name, sorted, once each.
fn clean_aliases(e: &GlobalEntity) -> Vec<String> {
    let mut aliases = e.aliases.clone();
    aliases.retain(|a| *a != e.name);
    aliases.sort();
    aliases.dedup();
    aliases
}
