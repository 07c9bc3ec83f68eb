//! The HTML tokenizer's cuts, as far as the nesting limit needs them: where each tag, comment
//! and raw-text element starts and ends in the source, by byte offset.

/// Tags with more attributes than this lose their attributes: the parser checks each new
/// attribute against all earlier ones, which is quadratic.
pub(super) const MAX_ATTRIBUTES: usize = 512;

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// One piece of markup, as the HTML tokenizer would cut it.
pub(super) enum Token<'a> {
    /// A `<` that starts no markup.
    Text,
    /// A comment, doctype or processing instruction; the markup goes on at `end`.
    Comment {
        end: usize,
    },
    Start {
        name: &'a str,
        /// Where the attributes begin.
        attributes_at: usize,
        end: usize,
        attributes: usize,
    },
    End {
        name: &'a str,
        end: usize,
    },
    /// The input ends inside markup, which the tokenizer then drops.
    Eof,
}

/// Reads the markup starting at `lt`, which holds a `<`.
pub(super) fn token(html: &str, lt: usize) -> Token<'_> {
    let bytes = html.as_bytes();
    let bogus_comment = |from: usize| match bytes[from..].iter().position(|&b| b == b'>') {
        Some(i) => Token::Comment { end: from + i + 1 },
        None => Token::Eof,
    };
    match bytes.get(lt + 1).copied() {
        Some(b'!') if bytes[lt..].starts_with(b"<!--") => {
            let body = lt + 4;
            let end = if bytes[body..].starts_with(b">") {
                Some(body + 1)
            } else if bytes[body..].starts_with(b"->") {
                Some(body + 2)
            } else {
                comment_end(bytes, body)
            };
            end.map_or(Token::Eof, |end| Token::Comment { end })
        }
        // Doctypes, processing instructions and CDATA outside foreign content are bogus
        // comments that end at the next `>`.
        Some(b'!' | b'?') => bogus_comment(lt + 2),
        Some(b'/') => match bytes.get(lt + 2).copied() {
            Some(b) if b.is_ascii_alphabetic() => {
                let (name, rest) = tag_name(html, lt + 2);
                match tag_end(bytes, rest) {
                    Some((end, _)) => Token::End { name, end },
                    None => Token::Eof,
                }
            }
            // The tokenizer ignores `</>`.
            Some(b'>') => Token::Comment { end: lt + 3 },
            Some(_) => bogus_comment(lt + 2),
            None => Token::Eof,
        },
        Some(b) if b.is_ascii_alphabetic() => {
            let (name, rest) = tag_name(html, lt + 1);
            match tag_end(bytes, rest) {
                Some((end, attributes)) => Token::Start {
                    name,
                    attributes_at: rest,
                    end,
                    attributes,
                },
                None => Token::Eof,
            }
        }
        _ => Token::Text,
    }
}

/// The end of a comment that has begun: after `-->` or `--!>`.
fn comment_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(i) = bytes[at..].windows(2).position(|w| w == b"--") {
        let dashes = at + i;
        let tail = &bytes[dashes + 2..];
        if tail.starts_with(b">") {
            return Some(dashes + 3);
        }
        if tail.starts_with(b"!>") {
            return Some(dashes + 4);
        }
        at = dashes + 1;
    }
    None
}

/// A tag name from `start`, and where its attributes begin.
fn tag_name(html: &str, start: usize) -> (&str, usize) {
    let bytes = html.as_bytes();
    let len = bytes[start..]
        .iter()
        .position(|&b| is_space(b) || b == b'/' || b == b'>')
        .unwrap_or(bytes.len() - start);
    (&html[start..start + len], start + len)
}

/// Follows the tokenizer's attribute states from `at` to the `>` that closes the tag: the index
/// after it and the number of attributes, or `None` when the input ends first.
fn tag_end(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    #[derive(Clone, Copy)]
    enum State {
        BeforeName,
        Name,
        AfterName,
        BeforeValue,
        Quoted(u8),
        Unquoted,
        AfterQuoted,
        SelfClosing,
    }
    let mut state = State::BeforeName;
    let mut attributes = 0;
    for (i, &b) in bytes.iter().enumerate().skip(at) {
        state = match (state, b) {
            (State::Quoted(q), _) if b == q => State::AfterQuoted,
            (State::Quoted(q), _) => State::Quoted(q),
            (_, b'>') => return Some((i + 1, attributes)),
            (State::BeforeName | State::AfterQuoted | State::SelfClosing, _) if is_space(b) => {
                State::BeforeName
            }
            (State::BeforeName | State::AfterQuoted | State::SelfClosing, b'/') => {
                State::SelfClosing
            }
            (State::BeforeName | State::AfterQuoted | State::SelfClosing, _) => {
                attributes += 1;
                State::Name
            }
            (State::Name | State::AfterName, b'=') => State::BeforeValue,
            (State::Name | State::AfterName, b'/') => State::SelfClosing,
            (State::Name | State::AfterName, _) if is_space(b) => State::AfterName,
            (State::Name, _) => State::Name,
            (State::AfterName, _) => {
                attributes += 1;
                State::Name
            }
            (State::BeforeValue, _) if is_space(b) => State::BeforeValue,
            (State::BeforeValue, b'"' | b'\'') => State::Quoted(b),
            (State::BeforeValue | State::Unquoted, _) if !is_space(b) => State::Unquoted,
            (State::BeforeValue | State::Unquoted, _) => State::BeforeName,
        };
    }
    None
}

/// The value of the attribute `wanted` (empty when it has none) in a tag whose attributes
/// start at `from`, read the way the tokenizer reads them; the first of duplicates counts.
pub(super) fn attribute<'h>(html: &'h str, from: usize, wanted: &str) -> Option<&'h str> {
    let bytes = html.as_bytes();
    let len = bytes.len();
    let mut i = from;
    loop {
        while i < len && (is_space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        if i >= len || bytes[i] == b'>' {
            return None;
        }
        // A name may begin with `=`; it ends at whitespace, `/`, `>` or the next `=`.
        let name_start = i;
        i += 1;
        while i < len && !is_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name = &html[name_start..i];
        while i < len && is_space(bytes[i]) {
            i += 1;
        }
        let mut value = "";
        if i < len && bytes[i] == b'=' {
            i += 1;
            while i < len && is_space(bytes[i]) {
                i += 1;
            }
            if i < len && matches!(bytes[i], b'"' | b'\'') {
                let quote = bytes[i];
                let start = i + 1;
                let end = start + bytes[start..].iter().position(|&b| b == quote)?;
                value = &html[start..end];
                i = end + 1;
            } else {
                let start = i;
                while i < len && !is_space(bytes[i]) && bytes[i] != b'>' {
                    i += 1;
                }
                value = &html[start..i];
            }
        }
        if name.eq_ignore_ascii_case(wanted) {
            return Some(value);
        }
    }
}

/// The elements whose content is raw text, in the order [`RawTextEnds`] keeps them.
const RAW_TEXT_NAMES: [&str; 8] = [
    "script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title",
];

/// Where each raw-text element's next end tag was found. Without it a page of unclosed
/// `<script>` tags would have the rest of the page searched once for each of them.
#[derive(Default)]
pub(super) struct RawTextEnds {
    /// Per name: not searched yet, no end tag after the last search, or the next one.
    ends: [Option<Option<usize>>; RAW_TEXT_NAMES.len()],
}

impl RawTextEnds {
    /// The start of the first `</name` end tag at or after `from`, for a lower-case `name`.
    pub(super) fn after(&mut self, html: &str, name: &str, from: usize) -> Option<usize> {
        let slot = RAW_TEXT_NAMES.iter().position(|n| *n == name)?;
        match self.ends[slot] {
            Some(None) => return None,
            Some(Some(end)) if end >= from => return Some(end),
            _ => {}
        }
        let found = raw_text_end(html, name, from);
        self.ends[slot] = Some(found);
        found
    }
}

/// Where the raw text of a `name` element that starts at `from` ends: at its end tag, if it
/// has one.
fn raw_text_end(html: &str, name: &str, from: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(i) = html[at..].find("</") {
        let tag = at + i;
        let name_end = tag + 2 + name.len();
        let matches = bytes
            .get(tag + 2..name_end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        if matches
            && bytes
                .get(name_end)
                .is_none_or(|&b| is_space(b) || b == b'/' || b == b'>')
        {
            return Some(tag);
        }
        at = tag + 2;
    }
    None
}
