//! REFI-QDA, the exchange standard of qualitative analysis tools (ATLAS.ti, MAXQDA, NVivo,
//! QualCoder, Taguette): projects (`.qdpx`, read by [`project`], written by the `qdpx`
//! exporter) and codebooks (`.qdc`, [`codebook`]).
//!
//! ```
//! use claimdesk_formats::refi::codebook;
//!
//! let labels = codebook::read(br#"<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
//!     <Code guid="0d62985d-b147-5d01-a9b5-cae5dcd98342" name="interesting" isCodable="true"/>
//!   </Codes></CodeBook>"#)?;
//! assert_eq!(labels[0].name, "interesting");
//! # Ok::<(), claimdesk_formats::FormatError>(())
//! ```
//!
//! Labels and codes: each label is a codable code with its colour. A label's attributes are
//! sub-codes, as QDA tools nest codes: an attribute is a code that cannot be coded (a folder)
//! under its label, and each choice is a codable code under it (`Position` › `stance` ›
//! `support`); a yes/no attribute has the choices `true` and `false`; a free-text attribute is
//! a folder without choices, its values written in the selection's description as
//! `name: value` lines. An annotation's attribute value is a second coding of its selection,
//! with the choice's code. Reading goes the other way: a codable code is a label, named by its
//! path when nested (`Parent/Child`); a folder of codes under a label is an attribute, whose
//! choices count as values only on a selection coded with that label too (otherwise they are
//! labels of their own, named by their path).
//!
//! Identities: REFI-QDA wants a GUID for everything. Annotations and links keep their UUIDs;
//! everything else gets a name-based UUID (version 8, from SHA-256) of what it stands for —
//! a label's name, a document's SHA-256, a coder's name — so exporting the same project
//! twice gives the same files.

pub mod codebook;
pub mod project;
pub(crate) mod xml;

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use claimdesk_core::dataset::LabelInfo;
use claimdesk_core::{AttributeDef, AttributeKind};

/// A name-based UUID (RFC 9562 version 8, from SHA-256) for `name` of a `kind`.
pub fn name_guid(kind: &str, name: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(b"claimdesk refi-qda\0");
    hash.update(kind.as_bytes());
    hash.update(b"\0");
    hash.update(name.as_bytes());
    let digest = hash.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A GUID as REFI-QDA writes it (with or without braces, any case), in lower case without
/// braces; `None` if it is not one.
pub fn normalize_guid(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(s);
    let groups: Vec<&str> = s.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    let ok = groups.len() == 5
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    ok.then(|| s.to_ascii_lowercase())
}

/// A colour as `#rrggbb` from REFI-QDA's `#RRGGBB` or `#RGB`.
pub(crate) fn colour_in(s: &str) -> Option<String> {
    let hex = s.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(format!(
            "#{}",
            hex.chars()
                .flat_map(|c| [c, c])
                .collect::<String>()
                .to_ascii_lowercase()
        )),
        _ => None,
    }
}

/// A label colour (`#rrggbb`) as REFI-QDA writes it, `#RRGGBB`.
pub(crate) fn colour_out(s: &str) -> Option<String> {
    colour_in(s)
        .filter(|c| c.len() == 7)
        .map(|c| c.to_ascii_uppercase())
}

/// Colours for codes that come without one, in turn.
const PALETTE: [&str; 8] = [
    "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6",
];

/// A code of a codebook.
#[derive(Clone, Debug, PartialEq)]
pub struct Code {
    pub guid: String,
    pub name: String,
    pub codable: bool,
    pub colour: Option<String>,
    pub description: Option<String>,
    pub children: Vec<Code>,
}

/// What the code of a label's attribute choice (or of a yes/no value) is called.
fn bool_name(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

pub(crate) fn label_guid(label: &str) -> String {
    name_guid("code", label)
}

pub(crate) fn attribute_guid(label: &str, attribute: &str) -> String {
    name_guid("code", &format!("{label}\u{1f}{attribute}"))
}

pub(crate) fn value_guid(label: &str, attribute: &str, value: &str) -> String {
    name_guid("code", &format!("{label}\u{1f}{attribute}\u{1f}{value}"))
}

/// The codes for a project's labels (see the module's documentation).
pub fn codes_for_labels(labels: &[LabelInfo]) -> Vec<Code> {
    labels
        .iter()
        .map(|label| Code {
            guid: label_guid(&label.name),
            name: label.name.clone(),
            codable: true,
            colour: colour_out(&label.colour),
            description: None,
            children: label
                .attributes
                .iter()
                .map(|def| {
                    let values: Vec<String> = match &def.kind {
                        AttributeKind::Choice { options } => options.clone(),
                        AttributeKind::Bool => vec!["true".into(), "false".into()],
                        AttributeKind::Text => Vec::new(),
                    };
                    Code {
                        guid: attribute_guid(&label.name, &def.name),
                        name: def.name.clone(),
                        codable: false,
                        colour: None,
                        description: Some(
                            match def.kind {
                                AttributeKind::Text => {
                                    "A free-text attribute: its values are in the selections' descriptions, as name: value lines"
                                }
                                AttributeKind::Bool => "A yes/no attribute",
                                AttributeKind::Choice { .. } => "A choice attribute",
                            }
                            .to_string(),
                        ),
                        children: values
                            .iter()
                            .map(|v| Code {
                                guid: value_guid(&label.name, &def.name, v),
                                name: v.clone(),
                                codable: true,
                                colour: None,
                                description: None,
                                children: Vec::new(),
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// The code of an annotation's attribute value, if the attribute is a choice or yes/no.
pub(crate) fn value_code(
    label: &LabelInfo,
    attribute: &str,
    value: &serde_json::Value,
) -> Option<String> {
    let def = label.attributes.iter().find(|d| d.name == attribute)?;
    let value = match (&def.kind, value) {
        (AttributeKind::Choice { options }, serde_json::Value::String(s))
            if options.contains(s) =>
        {
            s.clone()
        }
        (AttributeKind::Bool, serde_json::Value::Bool(b)) => bool_name(*b).to_string(),
        _ => return None,
    };
    Some(value_guid(&label.name, attribute, &value))
}

/// Writes codes as `<Code>` elements (the same in projects and codebooks).
pub(crate) fn write_codes(out: &mut String, codes: &[Code]) {
    for code in codes {
        out.push_str("<Code guid=\"");
        out.push_str(&code.guid);
        out.push_str("\" name=\"");
        xml::attr(out, &code.name);
        out.push_str("\" isCodable=\"");
        out.push_str(bool_name(code.codable));
        out.push('"');
        if let Some(colour) = &code.colour {
            out.push_str(" color=\"");
            out.push_str(colour);
            out.push('"');
        }
        if code.description.is_none() && code.children.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        if let Some(d) = &code.description {
            out.push_str("<Description>");
            xml::text(out, d);
            out.push_str("</Description>\n");
        }
        write_codes(out, &code.children);
        out.push_str("</Code>\n");
    }
}

/// Reads the `<Code>` children of `parent`.
pub(crate) fn read_codes(
    parent: &xml::Element,
    what: &str,
) -> Result<Vec<Code>, crate::FormatError> {
    parent
        .children_named("Code")
        .map(|c| {
            let guid = c.attr("guid").and_then(normalize_guid).ok_or_else(|| {
                crate::FormatError::malformed(
                    what,
                    format!(
                        "the code {:?} has no valid guid",
                        c.attr("name").unwrap_or("")
                    ),
                )
            })?;
            let name = c
                .attr("name")
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .ok_or_else(|| {
                    crate::FormatError::malformed(what, format!("the code {guid} has no name"))
                })?;
            Ok(Code {
                guid,
                name: name.to_string(),
                // isCodable is required; a file that leaves it out is read as codable.
                codable: !matches!(c.attr("isCodable").map(str::trim), Some("false" | "0")),
                colour: c.attr("color").and_then(colour_in),
                description: c.child("Description").map(|d| d.text.clone()),
                children: read_codes(c, what)?,
            })
        })
        .collect()
}

/// What a code stands for when a selection is coded with it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CodeRole {
    /// The label it gives when it stands alone: its path of names.
    pub label: String,
    /// For the choice of an attribute: the label, the attribute and the value.
    pub value: Option<(String, String, serde_json::Value)>,
}

/// Labels (in codebook order) and the role of every code, from a codebook's codes.
pub(crate) fn labels_from_codes(codes: &[Code]) -> (Vec<LabelInfo>, HashMap<String, CodeRole>) {
    let mut labels = Vec::new();
    let mut roles = HashMap::new();
    walk(codes, "", &mut labels, &mut roles);
    for (i, label) in labels.iter_mut().enumerate() {
        if label.colour.is_empty() {
            label.colour = PALETTE[i % PALETTE.len()].to_string();
        }
    }
    (labels, roles)
}

fn path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

fn walk(
    codes: &[Code],
    prefix: &str,
    labels: &mut Vec<LabelInfo>,
    roles: &mut HashMap<String, CodeRole>,
) {
    for code in codes {
        let name = path(prefix, &code.name);
        if !code.codable {
            // A folder of codes: its codable codes are labels named by their path.
            walk(&code.children, &name, labels, roles);
            continue;
        }
        roles.insert(
            code.guid.clone(),
            CodeRole {
                label: name.clone(),
                value: None,
            },
        );
        let at = labels.len();
        labels.push(LabelInfo {
            name: name.clone(),
            colour: code
                .colour
                .as_deref()
                .and_then(colour_in)
                .unwrap_or_default(),
            hotkey: None,
            attributes: Vec::new(),
        });
        let mut attributes = Vec::new();
        let mut nested = Vec::new();
        for child in &code.children {
            let is_attribute = !child.codable
                && child
                    .children
                    .iter()
                    .all(|v| v.codable && v.children.is_empty());
            if !is_attribute {
                nested.push(child.clone());
                continue;
            }
            let options: Vec<String> = child.children.iter().map(|v| v.name.clone()).collect();
            let is_bool = options.len() == 2
                && options.iter().any(|o| o == "true")
                && options.iter().any(|o| o == "false");
            let kind = if options.is_empty() {
                AttributeKind::Text
            } else if is_bool {
                AttributeKind::Bool
            } else {
                AttributeKind::Choice {
                    options: options.clone(),
                }
            };
            for v in &child.children {
                let value = if is_bool {
                    serde_json::Value::Bool(v.name == "true")
                } else {
                    serde_json::Value::String(v.name.clone())
                };
                roles.insert(
                    v.guid.clone(),
                    CodeRole {
                        label: path(&path(&name, &child.name), &v.name),
                        value: Some((name.clone(), child.name.clone(), value)),
                    },
                );
            }
            attributes.push(AttributeDef {
                name: child.name.clone(),
                kind,
            });
        }
        labels[at].attributes = attributes;
        walk(&nested, &name, labels, roles);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_guids_are_stable_valid_version_8_uuids() {
        let a = name_guid("code", "Actor");
        assert_eq!(a, name_guid("code", "Actor"));
        assert_ne!(a, name_guid("code", "Claim"));
        assert_eq!(normalize_guid(&a).as_deref(), Some(a.as_str()));
        assert_eq!(&a[14..15], "8");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(
            normalize_guid("{0D62985D-B147-5D01-A9B5-CAE5DCD98342}").as_deref(),
            Some("0d62985d-b147-5d01-a9b5-cae5dcd98342")
        );
        assert_eq!(normalize_guid("0d62985d-b147-5d01-a9b5"), None);
    }

    #[test]
    fn the_default_schema_goes_to_codes_and_back() {
        let labels: Vec<LabelInfo> = claimdesk_core::label::default_schema()
            .into_iter()
            .map(|l| LabelInfo {
                name: l.name,
                colour: l.colour,
                hotkey: None,
                attributes: l.attributes,
            })
            .collect();
        let codes = codes_for_labels(&labels);
        assert_eq!(codes[0].colour.as_deref(), Some("#4E79A7"));
        let (back, roles) = labels_from_codes(&codes);
        assert_eq!(back, labels);
        let support = value_code(&labels[2], "stance", &serde_json::json!("support")).unwrap();
        assert_eq!(
            roles[&support].value,
            Some((
                "Position".into(),
                "stance".into(),
                serde_json::json!("support")
            ))
        );
    }

    #[test]
    fn nested_codes_are_labels_named_by_their_path() {
        let code = |name: &str, codable, children| Code {
            guid: name_guid("t", name),
            name: name.into(),
            codable,
            colour: None,
            description: None,
            children,
        };
        let codes = vec![
            code("Theme", true, vec![code("Child", true, vec![])]),
            code("Folder", false, vec![code("Leaf", true, vec![])]),
        ];
        let (labels, _) = labels_from_codes(&codes);
        let names: Vec<&str> = labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["Theme", "Theme/Child", "Folder/Leaf"]);
        assert!(labels.iter().all(|l| l.colour.len() == 7));
    }
}
