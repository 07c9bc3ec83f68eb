//! Bytes to text: UTF-8 (with or without a byte-order mark), UTF-16 LE/BE with a byte-order
//! mark, and Windows-1252 as the fallback for old files. The byte-order mark is dropped; nothing
//! else is changed (line endings and normalisation stay as they were).
//!
//! Binary data is refused rather than decoded into garbage: NUL bytes, other C0 control
//! characters in the Windows-1252 fallback, or bytes Windows-1252 leaves undefined.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::FormatError;

/// The encoding a text was read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decoded {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

/// Decodes `bytes` as text, or says why they are not text.
pub fn text(bytes: &[u8]) -> Result<String, FormatError> {
    text_with_encoding(bytes).map(|(text, _)| text)
}

pub fn text_with_encoding(bytes: &[u8]) -> Result<(String, Decoded), FormatError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|e| {
            FormatError::NotText(format!(
                "invalid UTF-8 at byte {} after a UTF-8 byte-order mark",
                e.valid_up_to() + 3
            ))
        })?;
        return refuse_nul(text).map(|t| (t, Decoded::Utf8Bom));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, UTF_16LE).map(|t| (t, Decoded::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, UTF_16BE).map(|t| (t, Decoded::Utf16Be));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return refuse_nul(text).map(|t| (t, Decoded::Utf8));
    }
    windows_1252(bytes).map(|t| (t, Decoded::Windows1252))
}

fn refuse_nul(text: &str) -> Result<String, FormatError> {
    if let Some(at) = text.find('\0') {
        return Err(FormatError::NotText(format!(
            "NUL byte at byte {at}: this looks like a binary file"
        )));
    }
    Ok(text.to_string())
}

fn utf16(bytes: &[u8], encoding: &'static Encoding) -> Result<String, FormatError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(FormatError::NotText(format!(
            "{} text with an odd number of bytes (truncated file?)",
            encoding.name()
        )));
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(FormatError::NotText(format!(
            "invalid {} (an unpaired surrogate)",
            encoding.name()
        )));
    }
    refuse_nul(&text)
}

/// Bytes Windows-1252 does not define.
const UNDEFINED_1252: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

fn windows_1252(bytes: &[u8]) -> Result<String, FormatError> {
    if let Some(at) = bytes.iter().position(|b| {
        UNDEFINED_1252.contains(b) || (*b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
    }) {
        return Err(FormatError::NotText(format!(
            "neither UTF-8 nor Windows-1252 (byte 0x{:02X} at {at}); save it as UTF-8 and import again",
            bytes[at]
        )));
    }
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
    Ok(text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        out.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        out
    }

    fn utf16be(s: &str) -> Vec<u8> {
        let mut out = vec![0xFE, 0xFF];
        out.extend(s.encode_utf16().flat_map(|u| u.to_be_bytes()));
        out
    }

    const HOSTILE: &str = "🇺🇦 👩‍👩‍👧 e\u{301}\r\nقال אמר Bruce\r\n";

    #[test]
    fn utf8_is_kept_exactly() {
        assert_eq!(
            text_with_encoding(HOSTILE.as_bytes()).unwrap(),
            (HOSTILE.to_string(), Decoded::Utf8)
        );
    }

    #[test]
    fn the_utf8_byte_order_mark_is_dropped() {
        let bytes = [b"\xEF\xBB\xBF".as_slice(), HOSTILE.as_bytes()].concat();
        assert_eq!(
            text_with_encoding(&bytes).unwrap(),
            (HOSTILE.to_string(), Decoded::Utf8Bom)
        );
    }

    #[test]
    fn utf16_with_a_byte_order_mark_decodes_both_ways() {
        assert_eq!(
            text_with_encoding(&utf16le(HOSTILE)).unwrap(),
            (HOSTILE.to_string(), Decoded::Utf16Le)
        );
        assert_eq!(
            text_with_encoding(&utf16be(HOSTILE)).unwrap(),
            (HOSTILE.to_string(), Decoded::Utf16Be)
        );
    }

    #[test]
    fn windows_1252_is_the_fallback() {
        assert_eq!(
            text_with_encoding(b"Caf\xe9 \x93quoted\x94 \x80 5\r\n").unwrap(),
            ("Café “quoted” € 5\r\n".to_string(), Decoded::Windows1252)
        );
    }

    #[test]
    fn binary_and_broken_input_is_refused_with_a_reason() {
        let cases: [(&[u8], &str); 6] = [
            (b"PK\x03\x04\x00\x00binary", "NUL byte"),
            (b"\x89PNG\r\n\x1a\n\xff", "neither UTF-8 nor Windows-1252"),
            (b"abc\x81def", "byte 0x81"),
            (b"\xFF\xFEa", "odd number of bytes"),
            (b"\xFF\xFE\x00\xD8a\x00", "unpaired surrogate"),
            (b"\xEF\xBB\xBFok\xC3(", "invalid UTF-8 at byte 5"),
        ];
        for (bytes, reason) in cases {
            let err = text(bytes).unwrap_err();
            assert_eq!(err.code(), "not_text");
            assert!(
                err.to_string().contains(reason),
                "{err} should say {reason}"
            );
        }
    }
}
