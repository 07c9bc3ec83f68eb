//! REFI-QDA codebooks (`.qdc`): a project's labels as codes, written and read.
//!
//! Written in `urn:QDA-XML:codebook:1.0`; read from that namespace and ATLAS.ti's older
//! `urn:QDA-XML:codebook:0:4`. `<Sets>` (groups of codes) are ignored, empty or not.

use claimdesk_core::dataset::LabelInfo;

use super::{codes_for_labels, labels_from_codes, read_codes, write_codes, xml};
use crate::FormatError;

const WHAT: &str = "REFI-QDA codebook";
pub const NAMESPACE: &str = "urn:QDA-XML:codebook:1.0";
/// The namespace ATLAS.ti 8 and 9 write.
const NAMESPACE_0_4: &str = "urn:QDA-XML:codebook:0:4";

/// The codebook of `labels`, as a `.qdc` file; `None` without labels (a codebook needs at
/// least one code).
pub fn write(labels: &[LabelInfo]) -> Option<String> {
    if labels.is_empty() {
        return None;
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<CodeBook xmlns=\"");
    out.push_str(NAMESPACE);
    out.push_str("\" origin=\"Claimdesk ");
    out.push_str(env!("CARGO_PKG_VERSION"));
    out.push_str("\">\n");
    out.push_str("<Codes>\n");
    write_codes(&mut out, &codes_for_labels(labels));
    out.push_str("</Codes>\n</CodeBook>\n");
    Some(out)
}

/// The labels a `.qdc` file describes, in its order (see [`super`] for how codes become
/// labels and attributes).
pub fn read(bytes: &[u8]) -> Result<Vec<LabelInfo>, FormatError> {
    let root = xml::parse(bytes, WHAT)?;
    if root.name != "CodeBook" {
        return Err(FormatError::malformed(
            WHAT,
            format!("the root element is <{}>, not <CodeBook>", root.name),
        ));
    }
    match root.namespace() {
        Some(NAMESPACE | NAMESPACE_0_4) => {}
        other => {
            return Err(FormatError::malformed(
                WHAT,
                format!(
                "the namespace is {other:?}, not {NAMESPACE:?} (or ATLAS.ti's {NAMESPACE_0_4:?})"
            ),
            ))
        }
    }
    let codes = root
        .child("Codes")
        .ok_or_else(|| FormatError::malformed(WHAT, "it has no <Codes>"))?;
    let codes = read_codes(codes, WHAT)?;
    Ok(labels_from_codes(&codes).0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimdesk_core::AttributeKind;

    /// What Taguette 1.5.2's `codebook_xml` writes: upper-case GUIDs, an empty `<Sets/>`.
    const TAGUETTE: &[u8] = br#"<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.5.2"><Codes><Code guid="0D62985D-B147-5D01-A9B5-CAE5DCD98342" name="interesting" isCodable="true"/><Code guid="4C7C3DC2-4863-547A-9806-78651A6C454E" name="people.parents" isCodable="true"/><Code guid="A0FEBEC3-BE2D-519D-80AD-4132A8D0DD8F" name="caf&#233; &#x2615;" isCodable="true"/></Codes><Sets/></CodeBook>"#;

    #[test]
    fn taguettes_codebook_reads_as_its_tags() {
        let labels = read(TAGUETTE).unwrap();
        let names: Vec<&str> = labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["interesting", "people.parents", "café ☕"]);
    }

    #[test]
    fn atlas_ti_namespace_is_read_and_a_foreign_one_refused() {
        let old = br##"<CodeBook xmlns="urn:QDA-XML:codebook:0:4"><Codes><Code guid="{0D62985D-B147-5D01-A9B5-CAE5DCD98342}" name="A" isCodable="true" color="#f00"/></Codes></CodeBook>"##;
        let labels = read(old).unwrap();
        assert_eq!(labels[0].colour, "#ff0000");
        let foreign = br#"<CodeBook xmlns="urn:example"><Codes/></CodeBook>"#;
        let error = read(foreign).unwrap_err();
        assert_eq!(error.code(), "malformed");
        assert!(error.to_string().contains("namespace"), "{error}");
        assert!(read(b"<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes><Code name=\"x\" isCodable=\"true\"/></Codes></CodeBook>").is_err());
    }

    #[test]
    fn the_default_schema_is_written_and_read_back() {
        let labels: Vec<LabelInfo> = claimdesk_core::label::default_schema()
            .into_iter()
            .map(|l| LabelInfo {
                name: l.name,
                colour: l.colour,
                hotkey: None,
                attributes: l.attributes,
            })
            .collect();
        let written = write(&labels).unwrap();
        assert_eq!(Some(&written), write(&labels).as_ref());
        assert_eq!(write(&[]), None);
        let back = read(written.as_bytes()).unwrap();
        assert_eq!(back, labels);
        assert!(matches!(
            back[2].attributes[0].kind,
            AttributeKind::Choice { .. }
        ));
    }
}
