//! Arbitrary and mutated bytes into every importer: an error is fine, a panic or hang is not.
//! 1,100 cases per format, over 10,000 in all; `make fuzz-long` sets `CLAIMDESK_FUZZ_CASES` to
//! run 100,000 per format.

use claimdesk_formats::read::{brat, native};
use claimdesk_formats::{import_bytes, Format, ImportOptions};
use proptest::prelude::*;

/// Real files of each kind, as seeds for mutation.
fn seeds(format: Format) -> Vec<&'static [u8]> {
    match format {
        Format::Text | Format::Lines => vec![
            include_bytes!("../../../tests/fixtures/hostile-unicode.txt").as_slice(),
            include_bytes!("../../../tests/fixtures/hostile-markup.txt").as_slice(),
        ],
        Format::Html => {
            vec![include_bytes!("../../../tests/fixtures/hostile-page.html").as_slice()]
        }
        Format::Markdown => vec![
            b"---\ntitle: T\n---\n# Head\n\n*a* [b](c) `d`\n\n- e\n\n<script>x</script>\n"
                .as_slice(),
        ],
        Format::Docx => vec![include_bytes!("fixtures/docx/hostile.docx").as_slice()],
        Format::Pdf => vec![
            include_bytes!("fixtures/pdf/text.pdf").as_slice(),
            include_bytes!("fixtures/pdf/unicode.pdf").as_slice(),
        ],
        Format::Csv => {
            vec![b"title,text,date\nA,\"x, \"\"y\"\"\",2024-01-02\nB,z,bad\n".as_slice()]
        }
        Format::Jsonl => vec![
            b"{\"text\":\"a\",\"date\":\"2024-01-02\"}\n{\"text\":\"b\",\"x\":[1,{}]}\n".as_slice(),
            // Claimdesk's own export, which the native reader takes.
            include_bytes!("../../../tests/interop/fixture.jsonl").as_slice(),
        ],
        Format::Json => vec![b"[{\"text\":\"a\",\"title\":null},{\"text\":\"b\"}]".as_slice()],
        Format::Qdpx => vec![include_bytes!("fixtures/refi/pyrefiqda.qdpx").as_slice()],
        Format::Brat => vec![
            b"T1\tPER 0 5\tTammy\nR1\tr Arg1:T1 Arg2:T1\nA1\tX T1 v\n#1\tAnnotatorNotes T1\tn\n"
                .as_slice(),
        ],
    }
}

/// Bytes from a seed with a few of them changed, some cut off or some inserted.
fn mutated(format: Format) -> impl Strategy<Value = Vec<u8>> {
    let seeds = seeds(format);
    (
        0..seeds.len(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..12),
        any::<prop::sample::Index>(),
    )
        .prop_map(move |(seed, edits, cut)| {
            let mut bytes = seeds[seed].to_vec();
            for (at, byte, kind) in edits {
                if bytes.is_empty() {
                    bytes.push(byte);
                    continue;
                }
                let i = at.index(bytes.len());
                match kind {
                    0 => bytes[i] = byte,
                    1 => bytes.insert(i, byte),
                    2 => {
                        bytes.remove(i);
                    }
                    _ => bytes[i] ^= 0x80,
                }
            }
            if cut.index(4) == 0 && !bytes.is_empty() {
                bytes.truncate(cut.index(bytes.len()));
            }
            bytes
        })
}

fn input(format: Format) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2048),
        any::<String>().prop_map(String::into_bytes),
        mutated(format),
    ]
}

fn check(format: Format, bytes: &[u8]) {
    let options = ImportOptions {
        split: Some("(?m)^=+$".into()),
        ..ImportOptions::default()
    };
    if format == Format::Brat {
        let _ = brat::parse(b"Tammy Bruce said so.", bytes, "a.txt");
        let _ = brat::parse(bytes, bytes, "a.txt");
    } else {
        if format == Format::Jsonl {
            if let Ok((_, mut reader)) = native::Reader::new(bytes) {
                while reader.next_document().is_some() {}
            }
        }
        let _ = import_bytes(format, bytes, "input", &options);
        let _ = import_bytes(format, bytes, "input", &ImportOptions::default());
    }
}

fn cases() -> u32 {
    std::env::var("CLAIMDESK_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1100)
}

macro_rules! never_panics {
    ($($name:ident => $format:expr),* $(,)?) => {
        proptest! {
            #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]
            $(
                #[test]
                fn $name(bytes in input($format)) {
                    check($format, &bytes);
                }
            )*
        }
    };
}

never_panics! {
    text_importer_never_panics => Format::Text,
    lines_importer_never_panics => Format::Lines,
    markdown_importer_never_panics => Format::Markdown,
    html_importer_never_panics => Format::Html,
    docx_importer_never_panics => Format::Docx,
    pdf_importer_never_panics => Format::Pdf,
    csv_importer_never_panics => Format::Csv,
    jsonl_importer_never_panics => Format::Jsonl,
    json_importer_never_panics => Format::Json,
    brat_importer_never_panics => Format::Brat,
    qdpx_importer_never_panics => Format::Qdpx,
}
