//! A small element tree read with quick-xml, enough for REFI-QDA's project and codebook
//! files, and the escaping their writers share.
//!
//! Text follows XML 1.0's rules: a line break written as CR LF (or a lone CR) reads as LF,
//! while one written as a character reference (`&#13;`) is kept, so writers that need a CR
//! write the reference.

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::FormatError;

/// Elements nested deeper than this are refused (no real file comes near it).
const MAX_DEPTH: usize = 200;

/// One element: its local name (any prefix dropped), attributes as written, children, and the
/// text directly inside it.
#[derive(Debug, Default)]
pub(crate) struct Element {
    pub prefix: Option<String>,
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The namespace the element's own name is in, from its `xmlns` attributes (enough for a
    /// root element).
    pub fn namespace(&self) -> Option<&str> {
        match &self.prefix {
            Some(p) => self.attr(&format!("xmlns:{p}")),
            None => self.attr("xmlns"),
        }
    }
}

fn split_name(raw: &[u8]) -> (Option<String>, String) {
    let name = String::from_utf8_lossy(raw);
    match name.split_once(':') {
        Some((p, local)) => (Some(p.to_string()), local.to_string()),
        None => (None, name.into_owned()),
    }
}

fn element(e: &quick_xml::events::BytesStart<'_>, what: &str) -> Result<Element, FormatError> {
    let (prefix, name) = split_name(e.name().as_ref());
    let mut attrs = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| FormatError::malformed(what, format!("<{name}>: {err}")))?;
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        let value = attr
            .unescape_value()
            .map_err(|err| FormatError::malformed(what, format!("<{name} {key}>: {err}")))?;
        if let Some(c) = value.chars().find(|&c| !is_xml_char(c)) {
            return Err(FormatError::malformed(
                what,
                format!(
                    "<{name} {key}>: U+{:04X} is not a character XML can carry",
                    c as u32
                ),
            ));
        }
        attrs.push((key, value.into_owned()));
    }
    Ok(Element {
        prefix,
        name,
        attrs,
        ..Element::default()
    })
}

/// Parses a whole document into its root element.
pub(crate) fn parse(bytes: &[u8], what: &str) -> Result<Element, FormatError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(FormatError::malformed(what, "the XML is not UTF-8"));
    }
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let bad = |reader: &Reader<&[u8]>, e: &dyn std::fmt::Display| {
        FormatError::malformed(
            what,
            format!("XML error at byte {}: {e}", reader.buffer_position()),
        )
    };
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader.read_event().map_err(|e| bad(&reader, &e))?;
        match event {
            Event::Start(e) => {
                if root.is_some() {
                    return Err(bad(&reader, &"content after the root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(bad(&reader, &"elements nested too deeply"));
                }
                stack.push(element(&e, what)?);
            }
            Event::Empty(e) => {
                let el = element(&e, what)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None if root.is_none() => root = Some(el),
                    None => return Err(bad(&reader, &"content after the root element")),
                }
            }
            Event::End(_) => {
                let done = stack
                    .pop()
                    .ok_or_else(|| bad(&reader, &"unbalanced end tag"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => {
                let text = t.xml10_content().map_err(|e| bad(&reader, &e))?;
                // quick-xml lets characters through that XML 1.0 forbids (NUL and most
                // controls); a name or text holding one would reach the project.
                if let Some(c) = text.chars().find(|&c| !is_xml_char(c)) {
                    let why = format!("U+{:04X} is not a character XML can carry", c as u32);
                    return Err(bad(&reader, &why));
                }
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err(bad(&reader, &"text outside the root element")),
                }
            }
            Event::CData(t) => {
                let text = t.decode().map_err(|e| bad(&reader, &e))?;
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let c = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .map_err(|e| bad(&reader, &e))?
                        .filter(|&c| is_xml_char(c))
                        .ok_or_else(|| bad(&reader, &"an invalid character reference"))?
                } else {
                    let name = r.decode().map_err(|e| bad(&reader, &e))?;
                    match name.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => {
                            return Err(bad(&reader, &format!("unknown entity &{other};")));
                        }
                    }
                };
                if let Some(el) = stack.last_mut() {
                    el.text.push(c);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(FormatError::malformed(
            what,
            "the XML ends before its elements are closed",
        ));
    }
    root.ok_or_else(|| FormatError::malformed(what, "no XML root element"))
}

/// Whether XML 1.0 can carry `c` at all.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Escapes `s` for an attribute value in double quotes. Line breaks and tabs are written as
/// references, so they survive attribute-value normalisation; characters XML cannot carry
/// become U+FFFD.
pub(crate) fn attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

/// Escapes `s` as element text. A CR is written as a reference, which a parser keeps (a
/// literal one would be read as LF).
pub(crate) fn text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keeps_referenced_carriage_returns_and_normalises_literal_ones() {
        let root = parse(b"<a>x\r\ny&#13;&#10;z &amp; \xf0\x9f\x98\x80</a>", "t").unwrap();
        assert_eq!(root.text, "x\ny\r\nz & \u{1F600}");
        let mut out = String::new();
        text(&mut out, "a\r\nb<\u{1}");
        assert_eq!(out, "a&#13;\nb&lt;\u{FFFD}");
    }

    #[test]
    fn broken_xml_is_refused() {
        assert!(parse(b"<a><b></a>", "t").is_err());
        assert!(parse(b"<a>", "t").is_err());
        assert!(parse(b"", "t").is_err());
        assert!(parse(b"<a/><b/>", "t").is_err());
    }

    #[test]
    fn characters_xml_cannot_carry_are_refused_in_names_and_text() {
        for bad in [
            &b"<a name=\"x\0y\"/>"[..],
            b"<a name=\"\x01\"/>",
            b"<a name=\"&#1;\"/>",
            b"<a>x\0</a>",
            b"<a>&#0;</a>",
            b"<a>&#x1b;</a>",
        ] {
            let error = parse(bad, "t")
                .err()
                .unwrap_or_else(|| panic!("{bad:?} was read"));
            assert_eq!(error.code(), "malformed");
        }
        let root = parse(b"<a name=\"tab&#9;and line&#10;\">\t\n</a>", "t").unwrap();
        assert_eq!(root.attr("name"), Some("tab\tand line\n"));
    }
}
