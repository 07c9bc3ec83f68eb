use claimdesk_suggest::{find_attributions, find_mentions, Fold, Rules, Span};
use proptest::prelude::*;

/// Slices by code points, independently of the crate's own `Span::slice`.
fn by_code_points(text: &str, span: Span) -> String {
    text.chars()
        .skip(span.start)
        .take(span.end - span.start)
        .collect()
}

const PREFIXES: [&str; 7] = [
    "🇺🇦🇪🇺 ",
    "👩‍👩‍👧‍👦 ",
    "e\u{301}te\u{301} fini.\n",
    "Line one.\r\n\r\n",
    "שלום עולם. مرحبا بالعالم. ",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 text.\r\n",
    "\u{feff}\u{200f}",
];

#[test]
fn offsets_are_code_points_after_emoji_flags_marks_crlf_and_rtl() {
    for prefix in PREFIXES {
        let text = format!("{prefix}“We will stay in the city,” said Ana Ruiz.\r\nShe said the bridge would reopen.");
        let found = find_attributions(&text, Rules::english());
        assert_eq!(found.len(), 2, "{prefix:?}: {found:?}");
        assert_eq!(
            by_code_points(&text, found[0].content),
            "“We will stay in the city,”"
        );
        assert_eq!(by_code_points(&text, found[0].source.unwrap()), "Ana Ruiz");
        assert_eq!(
            by_code_points(&text, found[1].content),
            "the bridge would reopen"
        );
        assert_eq!(
            by_code_points(&text, found[1].resolved.unwrap()),
            "Ana Ruiz"
        );
    }
}

#[test]
fn emoji_inside_content_and_names_keep_offsets() {
    let text = "Zoë 🇫🇷 Ørsted said the 👨‍👩‍👧 plan was “a good start for everyone”.";
    let found = find_attributions(text, Rules::english());
    assert_eq!(found.len(), 1);
    assert_eq!(
        by_code_points(text, found[0].content),
        "the 👨‍👩‍👧 plan was “a good start for everyone”"
    );
    let mentions = find_mentions(
        text,
        &[vec!["Orsted".to_string()], vec!["Zoe".to_string()]],
        Fold::CaseAndDiacritics,
    );
    let spans: Vec<String> = mentions
        .iter()
        .map(|m| by_code_points(text, m.span))
        .collect();
    assert_eq!(spans, ["Zoë", "Ørsted"]);
}

#[test]
fn rtl_names_are_found_as_whole_words() {
    let text = "🇮🇱 אמר דוד כהן היום";
    let mentions = find_mentions(text, &[vec!["דוד כהן".to_string()]], Fold::Case);
    assert_eq!(mentions.len(), 1);
    assert_eq!(by_code_points(text, mentions[0].span), "דוד כהן");
}

fn check_within(text: &str) {
    let len = text.chars().count();
    for a in find_attributions(text, Rules::english()) {
        let spans = a
            .parts
            .iter()
            .copied()
            .chain(a.source)
            .chain(a.cue)
            .chain(a.resolved)
            .chain([a.content]);
        for s in spans {
            assert!(s.start < s.end && s.end <= len, "{s:?} in {text:?}");
        }
        assert!(!a.parts.is_empty());
        assert_eq!(a.content.start, a.parts[0].start);
        assert_eq!(a.content.end, a.parts[a.parts.len() - 1].end);
    }
    let names = vec![
        vec!["a".to_string(), "said".to_string(), "".to_string()],
        vec!["İ".to_string(), "ß".to_string(), "\u{301}".to_string()],
    ];
    for fold in [Fold::None, Fold::Case, Fold::CaseAndDiacritics] {
        let mentions = find_mentions(text, &names, fold);
        for m in &mentions {
            assert!(m.span.start < m.span.end && m.span.end <= len);
        }
        for pair in mentions.windows(2) {
            assert!(pair[0].span.end <= pair[1].span.start);
        }
    }
}

#[test]
fn hostile_strings_never_panic() {
    let hostile = [
        "",
        "“",
        "”",
        "\"\"\"\"",
        "‘’‘’",
        "said",
        ", said",
        "said,",
        "according to",
        "according to,",
        ", according to .",
        "“\n\n“\n\n“",
        "\r\n\r\n“a b c d",
        "“a b c,” he said. “",
        "He said:",
        "He said:\n\n",
        "...said...said...",
        ". . . , , , : : :",
        "Mr. Mr. Mr.",
        "U.S. U.S.",
        "who said who said",
        "İİİ ßß \u{301}\u{301} \u{200d}\u{200d}",
        "«»«»„“„“",
        "\u{0}\u{1}\u{7f}",
        "a\u{2028}b\u{2029}c\u{85}d",
        "😀said😀 “😀😀😀”",
    ];
    for text in hostile {
        check_within(text);
    }
    let long = "“Yes, yes, yes,” he said, ".repeat(500);
    check_within(&long);
}

proptest! {
    #[test]
    fn any_text_gives_spans_inside_it(text in "[\\PC\\s“”\"«»„‘’'.,:;!?é\u{301}\u{200D}🇺🇦]{0,120}") {
        check_within(&text);
    }

    #[test]
    fn any_mix_of_cue_words_gives_spans_inside_it(
        words in prop::collection::vec(
            prop::sample::select(vec![
                "said", "He", "the", "spokesperson", "“", "”", "\"", ",", ".", "according",
                "to", "Mr.", "U.S.", "saying", "told", "reporters", "that", "who", "\n\n",
                "Bruce", "added", ":", "«", "»", "‘", "’", "🇺🇦", "e\u{301}",
            ]),
            0..60,
        )
    ) {
        check_within(&words.join(" "));
        check_within(&words.concat());
    }
}
