//! Entities (canonical actors and concepts), their mentions, and the statements table.

use serde::{Deserialize, Serialize};

use crate::args::{shown, MAX_NAME_BYTES};
use crate::error::ErrorDto;

/// A canonical actor or concept, with how many annotations mention it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityDto {
    pub id: i64,
    /// actor or concept.
    pub kind: &'static str,
    pub name: String,
    pub aliases: Vec<String>,
    pub mentions: i64,
}

impl EntityDto {
    pub fn new(e: claimdesk_core::dataset::Entity, mentions: i64) -> EntityDto {
        EntityDto {
            id: e.id,
            kind: e.kind.name(),
            name: e.name,
            aliases: e.aliases,
            mentions,
        }
    }
}

/// An entity kind from the webview.
pub fn entity_kind(kind: &str) -> Result<claimdesk_core::dataset::EntityKind, ErrorDto> {
    match kind {
        "actor" => Ok(claimdesk_core::dataset::EntityKind::Actor),
        "concept" => Ok(claimdesk_core::dataset::EntityKind::Concept),
        other => Err(ErrorDto::bad_request(format!(
            "an entity is an actor or a concept, not {}",
            shown(other)
        ))),
    }
}

/// A mention of an entity, for jumping to it (UTF-16 for the webview).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MentionDto {
    pub annotation_id: i64,
    pub document_id: i64,
    pub document_title: String,
    pub quote: String,
}

impl From<claimdesk_store::Mention> for MentionDto {
    fn from(m: claimdesk_store::Mention) -> MentionDto {
        MentionDto {
            annotation_id: m.annotation_id,
            document_id: m.document_id,
            document_title: m.document_title,
            quote: m.quote,
        }
    }
}

/// A row of the statements table.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementDto {
    pub document_id: i64,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub actor: String,
    pub actor_entity_id: Option<i64>,
    pub concept: String,
    pub concept_entity_id: Option<i64>,
    pub stance: Option<String>,
    pub claim_annotation_id: i64,
    pub actor_annotation_id: i64,
    /// The network node ids of the actor and the concept, as the Analysis views name them.
    pub actor_key: String,
    pub concept_key: String,
}

impl From<claimdesk_core::statement::Statement> for StatementDto {
    fn from(s: claimdesk_core::statement::Statement) -> StatementDto {
        let (actor_key, concept_key) = (s.actor_key().id, s.concept_key().id);
        StatementDto {
            actor_key,
            concept_key,
            document_id: s.document_id,
            title: s.title,
            date: s.date.map(|d| d.to_string()),
            source: s.source,
            actor: s.actor,
            actor_entity_id: s.actor_entity_id,
            concept: s.concept,
            concept_entity_id: s.concept_entity_id,
            stance: s.stance,
            claim_annotation_id: s.claim_annotation_id,
            actor_annotation_id: s.actor_annotation_id,
        }
    }
}

/// An entity as the entities panel sends it back: its name and aliases.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntityEditDto {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl EntityEditDto {
    /// The edit, if its name and aliases are within bounds.
    pub fn checked(self) -> Result<EntityEditDto, ErrorDto> {
        if self.name.len() > MAX_NAME_BYTES
            || self.aliases.len() > 1000
            || self.aliases.iter().any(|a| a.len() > MAX_NAME_BYTES)
        {
            return Err(ErrorDto::too_large(
                "the name or aliases",
                MAX_NAME_BYTES,
                "bytes each",
            ));
        }
        Ok(self)
    }
}
