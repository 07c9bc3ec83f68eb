use super::docbin::*;
use super::strings::*;
use super::*;
use crate::write::testdata::{doc, documents, project, run_one};
use crate::write::ExportFormat;
use std::collections::BTreeMap;

fn export(
    format: ExportFormat,
    docs: &[DocumentRecord],
) -> Result<(Vec<u8>, ExportSummary), ExportError> {
    run_one(format, &project(), docs, format.default_name())
}

fn lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn string_ids_are_spacys_hashes_and_symbols() {
    // Values from spacy.strings.hash_string and spacy.symbols.IDS.
    assert_eq!(string_id("apple"), 8566208034543834098);
    assert_eq!(string_id("Путин"), 13800627032844091586);
    assert_eq!(murmur64a(b"", 1), 14313749767032693980);
    assert_eq!(string_id(""), 0);
    assert_eq!(string_id("IS_ALPHA"), 1);
    assert_eq!(string_id("ORTH"), ORTH);
    assert_eq!(string_id("ENT_IOB"), ENT_IOB);
    assert_eq!(string_id("SENT_START"), SENT_START);
    assert_eq!(string_id("ENT_KB_ID"), ENT_KB_ID);
    assert_eq!(string_id("ENT_ID"), ENT_ID);
    assert_eq!(string_id("_"), 456);
}

#[test]
fn msgpack_values_take_their_smallest_form() {
    let mut out = Vec::new();
    msgpack::uint(&mut out, 5);
    msgpack::uint(&mut out, 200);
    msgpack::json(&mut out, &Value::from(-1));
    msgpack::json(&mut out, &Value::from(-200));
    msgpack::str(&mut out, "ab");
    msgpack::array(&mut out, 0);
    msgpack::map(&mut out, 16);
    msgpack::bin(&mut out, &[1]);
    assert_eq!(
        out,
        [
            0x05, 0xcc, 200, 0xff, 0xd1, 0xff, 0x38, 0xa2, b'a', b'b', 0x90, 0xde, 0, 16, 0xc4, 1,
            1
        ]
    );
    let mut long = Vec::new();
    msgpack::str(&mut long, &"x".repeat(40));
    assert_eq!(&long[..2], [0xd9, 40]);
    let mut other = Vec::new();
    msgpack::json(&mut other, &serde_json::json!([null, true, 1.5]));
    assert_eq!(
        other,
        [0x93, 0xc0, 0xc3, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]
    );
}

#[test]
fn a_small_text_gives_exactly_this_jsonl_line() {
    let d = doc(
        "Putin  met\r\nRubio.",
        &[(0, 5, "Putin"), (12, 17, "Rubio")],
    );
    let (bytes, summary) = export(ExportFormat::SpacyJsonl, &[d]).unwrap();
    let line = &lines(&bytes)[0];
    assert_eq!(line["text"], "Putin  met\r\nRubio.");
    assert_eq!(line["meta"]["id"], 7);
    assert_eq!(
        line["tokens"],
        json!([
            {"text": "Putin", "start": 0, "end": 5, "id": 0, "ws": true},
            {"text": " ", "start": 6, "end": 7, "id": 1, "ws": false},
            {"text": "met", "start": 7, "end": 10, "id": 2, "ws": false},
            {"text": "\r\n", "start": 10, "end": 12, "id": 3, "ws": false},
            {"text": "Rubio", "start": 12, "end": 17, "id": 4, "ws": false},
            {"text": ".", "start": 17, "end": 18, "id": 5, "ws": false},
        ])
    );
    assert_eq!(
        line["spans"],
        json!([
            {"start": 0, "end": 5, "token_start": 0, "token_end": 0, "label": "Actor", "id": 1},
            {"start": 12, "end": 17, "token_start": 4, "token_end": 4, "label": "Actor", "id": 2},
        ])
    );
    assert_eq!(summary.documents, 1);
    assert_eq!(summary.spans_checked, 2);
}

#[test]
fn a_line_separator_in_the_text_does_not_break_the_jsonl_line() {
    let d = doc("a\u{2028}b\u{85}c\u{2029}", &[(0, 3, "a\u{2028}b")]);
    let (bytes, _) = export(ExportFormat::SpacyJsonl, &[d]).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(!text.contains(['\u{2028}', '\u{2029}', '\u{85}']));
    assert!(text.contains("a\\u2028b"));
    assert_eq!(
        lines(text.as_bytes())[0]["text"],
        "a\u{2028}b\u{85}c\u{2029}"
    );
}

#[test]
fn jsonl_tokens_give_back_the_text_and_every_span_its_quote() {
    let docs = documents();
    let (bytes, summary) = export(ExportFormat::SpacyJsonl, &docs).unwrap();
    let lines = lines(&bytes);
    assert_eq!(lines.len(), 3);
    for (line, d) in lines.iter().zip(&docs) {
        let tokens = line["tokens"].as_array().unwrap();
        let mut text = String::new();
        for t in tokens {
            text.push_str(t["text"].as_str().unwrap());
            if t["ws"].as_bool().unwrap() {
                text.push(' ');
            }
        }
        assert_eq!(text, d.text);
        let chars: Vec<char> = d.text.chars().collect();
        let spans = line["spans"].as_array().unwrap();
        assert_eq!(spans.len(), d.annotations.len());
        for (s, a) in spans.iter().zip(&d.annotations) {
            let (start, end) = (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
            let quote: String = chars[start as usize..end as usize].iter().collect();
            assert_eq!(quote, a.quote);
            assert_eq!(s["id"], a.id);
            let first = &tokens[s["token_start"].as_u64().unwrap() as usize];
            let last = &tokens[s["token_end"].as_u64().unwrap() as usize];
            assert_eq!((&first["start"], &last["end"]), (&s["start"], &s["end"]));
        }
    }
    assert_eq!(summary.annotations, 14);
    let flag = lines[0]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["text"] == "🇺🇦")
        .unwrap();
    assert_eq!((&flag["start"], &flag["end"]), (&json!(10), &json!(12)));
    assert!(lines[0]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["text"] == "\r\n"));
}

/// Reads back a DocBin just far enough to check it: a tiny msgpack reader.
mod read {
    use std::io::Read;

    #[derive(Debug, Clone, PartialEq)]
    pub enum V {
        Nil,
        Bool(bool),
        Int(i128),
        Str(String),
        Bin(Vec<u8>),
        Arr(Vec<V>),
        Map(Vec<(V, V)>),
    }

    impl V {
        pub fn get(&self, key: &str) -> &V {
            match self {
                V::Map(m) => &m.iter().find(|(k, _)| *k == V::Str(key.into())).unwrap().1,
                _ => panic!("not a map"),
            }
        }
        pub fn arr(&self) -> &[V] {
            match self {
                V::Arr(a) => a,
                _ => panic!("not an array"),
            }
        }
        pub fn bin(&self) -> &[u8] {
            match self {
                V::Bin(b) => b,
                _ => panic!("not bin"),
            }
        }
    }

    pub fn inflate(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    pub fn value(b: &[u8], at: &mut usize) -> V {
        let tag = b[*at];
        *at += 1;
        let take = |n: usize, at: &mut usize| {
            let s = &b[*at..*at + n];
            *at += n;
            s.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x)) as usize
        };
        let (kind, len) = match tag {
            0x00..=0x7f => return V::Int(tag.into()),
            0x80..=0x8f => ('m', (tag & 0x0f) as usize),
            0x90..=0x9f => ('a', (tag & 0x0f) as usize),
            0xa0..=0xbf => ('s', (tag & 0x1f) as usize),
            0xc0 => return V::Nil,
            0xc2 => return V::Bool(false),
            0xc3 => return V::Bool(true),
            0xc4 => ('b', take(1, at)),
            0xc5 => ('b', take(2, at)),
            0xc6 => ('b', take(4, at)),
            0xcc => return V::Int(take(1, at) as i128),
            0xcd => return V::Int(take(2, at) as i128),
            0xce => return V::Int(take(4, at) as i128),
            0xcf => return V::Int(take(8, at) as i128),
            0xd9 => ('s', take(1, at)),
            0xda => ('s', take(2, at)),
            0xdc => ('a', take(2, at)),
            0xde => ('m', take(2, at)),
            0xe0..=0xff => return V::Int(i128::from(tag as i8)),
            t => panic!("tag {t:#x} not expected here"),
        };
        match kind {
            's' | 'b' => {
                let raw = b[*at..*at + len].to_vec();
                *at += len;
                if kind == 's' {
                    V::Str(String::from_utf8(raw).unwrap())
                } else {
                    V::Bin(raw)
                }
            }
            'a' => V::Arr((0..len).map(|_| value(b, at)).collect()),
            _ => V::Map(
                (0..len)
                    .map(|_| {
                        let k = value(b, at);
                        (k, value(b, at))
                    })
                    .collect(),
            ),
        }
    }

    pub fn parse(b: &[u8]) -> V {
        let mut at = 0;
        let v = value(b, &mut at);
        assert_eq!(at, b.len(), "trailing bytes");
        v
    }
}

#[test]
fn the_docbin_holds_tokens_spaces_and_every_span_in_sc() {
    let docs = documents();
    let (bytes, summary) = export(ExportFormat::Spacy, &docs).unwrap();
    let msg = read::parse(&read::inflate(&bytes));
    let keys: Vec<String> = match &msg {
        read::V::Map(m) => m
            .iter()
            .map(|(k, _)| match k {
                read::V::Str(s) => s.clone(),
                _ => panic!(),
            })
            .collect(),
        _ => panic!(),
    };
    assert_eq!(
        keys,
        [
            "version",
            "attrs",
            "tokens",
            "spaces",
            "lengths",
            "strings",
            "cats",
            "flags",
            "span_groups",
            "user_data"
        ]
    );
    let strings: BTreeMap<u64, String> = msg
        .get("strings")
        .arr()
        .iter()
        .map(|s| match s {
            read::V::Str(s) => (string_id(s), s.clone()),
            _ => panic!(),
        })
        .collect();
    let lengths: Vec<usize> = msg
        .get("lengths")
        .bin()
        .chunks(4)
        .map(|c| i32::from_le_bytes(c.try_into().unwrap()) as usize)
        .collect();
    let spaces = msg.get("spaces").bin();
    let rows: Vec<u64> = msg
        .get("tokens")
        .bin()
        .chunks(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(lengths.iter().sum::<usize>(), spaces.len());
    assert_eq!(rows.len(), spaces.len() * ATTRS.len());

    let mut first = 0;
    for (i, d) in docs.iter().enumerate() {
        // words + spaces give back the text.
        let mut text = String::new();
        for t in first..first + lengths[i] {
            text.push_str(&strings[&rows[t * ATTRS.len()]]);
            if spaces[t] == 1 {
                text.push(' ');
            }
        }
        assert_eq!(text, d.text);

        // Every annotation is in "sc", by characters and by tokens.
        let groups = read::parse(msg.get("span_groups").arr()[i].bin());
        let read::V::Map(groups) = groups else {
            panic!()
        };
        let sc = groups
            .iter()
            .map(|(k, _)| read::parse(k.bin()))
            .find(|g| *g.get("name") == read::V::Str("sc".into()))
            .unwrap();
        let spans = sc.get("spans").arr();
        assert_eq!(spans.len(), d.annotations.len());
        let chars: Vec<char> = d.text.chars().collect();
        for (s, a) in spans.iter().zip(&d.annotations) {
            let b = s.bin();
            let int = |at: usize| i32::from_be_bytes(b[at..at + 4].try_into().unwrap());
            let u = |at: usize| u64::from_be_bytes(b[at..at + 8].try_into().unwrap());
            let (start_char, end_char) = (int(32) as usize, int(36) as usize);
            assert_eq!(
                chars[start_char..end_char].iter().collect::<String>(),
                a.quote
            );
            assert_eq!(strings[&u(0)], a.id.to_string());
            assert_eq!(strings[&u(16)], a.label);
            // The token span covers the same characters.
            let (ts, te) = (int(24) as usize, int(28) as usize);
            let token_text: String = (first + ts..first + te)
                .map(|t| {
                    let mut s = strings[&rows[t * ATTRS.len()]].clone();
                    if spaces[t] == 1 && t + 1 < first + te {
                        s.push(' ');
                    }
                    s
                })
                .collect();
            assert_eq!(token_text, a.quote);
        }
        assert_eq!(groups.len(), 1 + project().labels.len());
        first += lengths[i];
    }
    assert_eq!(summary.annotations, 14);
    assert_eq!(summary.documents, 3);
}

#[test]
fn ents_do_not_overlap_and_keep_the_longest() {
    let d = documents().remove(0);
    let p = prepare(&d, &mut ExportSummary::default()).unwrap();
    let chosen: Vec<i64> = p
        .spans
        .iter()
        .zip(&p.ents)
        .filter(|(_, e)| **e)
        .map(|((a, _), _)| a.id)
        .collect();
    // 2, the Claim, over 6 which crosses it; 10 over 3, 7 and 8 which share tokens with
    // it; 5 "Putin (Путин)" over 4 "Putin".
    assert_eq!(chosen, [11, 1, 2, 5, 10, 9]);
    let mut seen = vec![false; p.tokens.len()];
    for ((_, range), e) in p.spans.iter().zip(&p.ents) {
        if *e {
            for t in range.clone() {
                assert!(!seen[t]);
                seen[t] = true;
            }
        }
    }
}

#[test]
fn a_wrong_quote_fails_the_self_check_in_both_formats() {
    for format in [ExportFormat::Spacy, ExportFormat::SpacyJsonl] {
        let mut docs = documents();
        docs[1].annotations[0].quote = "Tammy Bruce ".into();
        let error = export(format, &docs).unwrap_err();
        assert!(matches!(
            error,
            ExportError::SelfCheck {
                annotation_id: 12,
                document_id: 2,
                ..
            }
        ));
    }
}
