//! Labels: the tags of a project's schema, with their colours, hotkeys and typed attributes.

use serde::{Deserialize, Serialize};

/// A tag analysts put on spans, such as `Actor`, `Claim` or `Position`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Label {
    pub id: i64,
    pub name: String,
    /// A CSS hex colour, `#rrggbb`.
    pub colour: String,
    /// The key that applies this label to the selected text, if any.
    pub hotkey: Option<String>,
    pub attributes: Vec<AttributeDef>,
}

/// A typed attribute a label carries, such as a Position's stance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttributeDef {
    pub name: String,
    pub kind: AttributeKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AttributeKind {
    /// One value out of a fixed list.
    Choice { options: Vec<String> },
    /// Free text.
    Text,
    /// Yes or no.
    Bool,
}

/// A kind of relation and the labels it may link, e.g. `said_by` from a Claim to an Actor.
/// An empty list allows any label at that end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationType {
    pub id: i64,
    pub name: String,
    pub from_labels: Vec<i64>,
    pub to_labels: Vec<i64>,
}

impl RelationType {
    /// Whether this type may link an annotation labelled `from` to one labelled `to`.
    pub fn allows(&self, from: i64, to: i64) -> bool {
        (self.from_labels.is_empty() || self.from_labels.contains(&from))
            && (self.to_labels.is_empty() || self.to_labels.contains(&to))
    }
}

/// A label before it has an id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewLabel {
    pub name: String,
    pub colour: String,
    pub hotkey: Option<String>,
    pub attributes: Vec<AttributeDef>,
}

fn choice(name: &str, options: &[&str]) -> AttributeDef {
    AttributeDef {
        name: name.to_string(),
        kind: AttributeKind::Choice {
            options: options.iter().map(|o| o.to_string()).collect(),
        },
    }
}

/// The schema of a new project: who (Actor), says what (Claim), with which stance (Position).
pub fn default_schema() -> Vec<NewLabel> {
    vec![
        NewLabel {
            name: "Actor".into(),
            colour: "#4e79a7".into(),
            hotkey: Some("1".into()),
            attributes: vec![choice(
                "kind",
                &["person", "organisation", "state", "other"],
            )],
        },
        NewLabel {
            name: "Claim".into(),
            colour: "#f28e2b".into(),
            hotkey: Some("2".into()),
            attributes: vec![],
        },
        NewLabel {
            name: "Position".into(),
            colour: "#59a14f".into(),
            hotkey: Some("3".into()),
            attributes: vec![choice("stance", &["support", "oppose", "neutral"])],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schema_has_actor_claim_position_on_keys_one_to_three() {
        let schema = default_schema();
        let names: Vec<_> = schema
            .iter()
            .map(|l| (l.name.as_str(), l.hotkey.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("Actor", Some("1")),
                ("Claim", Some("2")),
                ("Position", Some("3"))
            ]
        );
        assert_eq!(
            schema[2].attributes,
            [choice("stance", &["support", "oppose", "neutral"])]
        );
    }
}
