//! Labels and relation types: as the schema editor shows them, and as it sends them back.

use serde::{Deserialize, Serialize};

use claimdesk_core::Label;

use crate::args::{MAX_NAME_BYTES, MAX_NOTE_BYTES};
use crate::error::ErrorDto;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelDto {
    pub id: i64,
    pub name: String,
    pub colour: String,
    pub hotkey: Option<String>,
    pub attributes: Vec<claimdesk_core::AttributeDef>,
}

impl From<Label> for LabelDto {
    fn from(l: Label) -> LabelDto {
        LabelDto {
            id: l.id,
            name: l.name,
            colour: l.colour,
            hotkey: l.hotkey,
            attributes: l.attributes,
        }
    }
}

/// A relation type and the labels it may link (empty: any).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationTypeDto {
    pub id: i64,
    pub name: String,
    pub from_labels: Vec<i64>,
    pub to_labels: Vec<i64>,
}

impl From<claimdesk_core::RelationType> for RelationTypeDto {
    fn from(t: claimdesk_core::RelationType) -> RelationTypeDto {
        RelationTypeDto {
            id: t.id,
            name: t.name,
            from_labels: t.from_labels,
            to_labels: t.to_labels,
        }
    }
}

/// A label as the schema editor sends it.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelEditDto {
    pub name: String,
    pub colour: String,
    #[serde(default)]
    pub hotkey: Option<String>,
    #[serde(default)]
    pub attributes: Vec<claimdesk_core::AttributeDef>,
}

impl LabelEditDto {
    pub fn into_new(self) -> Result<claimdesk_core::label::NewLabel, ErrorDto> {
        let too_big = self.name.len() > MAX_NAME_BYTES
            || self.colour.len() > 16
            || self.hotkey.as_ref().is_some_and(|h| h.len() > 16)
            || self.attributes.len() > 64
            || serde_json::to_string(&self.attributes).map_or(0, |s| s.len()) > MAX_NOTE_BYTES;
        if too_big {
            return Err(ErrorDto::too_large(
                "the label",
                MAX_NAME_BYTES,
                "bytes per name",
            ));
        }
        Ok(claimdesk_core::label::NewLabel {
            name: self.name,
            colour: self.colour,
            hotkey: self.hotkey.filter(|h| !h.is_empty()),
            attributes: self.attributes,
        })
    }
}

/// A relation type as the schema editor sends it.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelationTypeEditDto {
    pub name: String,
    #[serde(default)]
    pub from_labels: Vec<i64>,
    #[serde(default)]
    pub to_labels: Vec<i64>,
}

impl RelationTypeEditDto {
    pub fn checked(self) -> Result<RelationTypeEditDto, ErrorDto> {
        if self.name.len() > MAX_NAME_BYTES || self.from_labels.len() + self.to_labels.len() > 2000
        {
            return Err(ErrorDto::too_large(
                "the relation type",
                MAX_NAME_BYTES,
                "bytes",
            ));
        }
        Ok(self)
    }
}

/// What deleting a label would take with it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelUsageDto {
    pub annotations: i64,
    pub relations: i64,
}
