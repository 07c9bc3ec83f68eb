use std::borrow::Cow;

use super::*;
use chrono::NaiveDate;
use proptest::prelude::*;

const NEWS: &[u8] = include_bytes!("../../../tests/fixtures/html/news-article.html");
const HOSTILE: &[u8] = include_bytes!("../../../tests/fixtures/html/hostile.html");
const WINDOWS_1252: &[u8] = include_bytes!("../../../tests/fixtures/html/windows-1252.html");
const UTF16LE: &[u8] = include_bytes!("../../../tests/fixtures/html/utf16le-bom.html");
const SHORT: &[u8] = include_bytes!("../../../tests/fixtures/html/short-notice.html");

fn import(bytes: &[u8]) -> NewDocument {
    parse(bytes, "page.html").unwrap().document
}

fn text_of(html: &str) -> String {
    body_text(&Document::from(html))
}

#[test]
fn a_news_page_keeps_only_the_article_text() {
    let doc = parse(NEWS, "news-article.html").unwrap().document;
    // The headline opens the text; byline, share bar, newsletter box and related links
    // are gone.
    assert_eq!(
        doc.text,
        "Ministers clash over grain corridor\n\n\
         Ukraine’s agriculture minister said on Friday that the Black Sea grain corridor \
         “will stay open whatever happens”, rejecting claims from Moscow that shipments had \
         been suspended. 🇺🇦\n\
         \n\
         “We are not going to be intimidated,” she told reporters in Odesa, adding that \
         exporters had shipped 3.2 million tonnes since January & that insurers remained \
         “cautiously optimistic”. Her deputy, Rene\u{301} Marchenko, called the night’s talks \
         “the best news in months 😀”.\n\
         \n\
         Reactions abroad\n\
         \n\
         In Cairo, a trade ministry spokesman said the deal was “اتفاق مهم” (an important \
         agreement), while an Israeli official in Jerusalem called it “צעד חשוב”, an \
         important step.\n\
         \n\
         “Food security is not a bargaining chip,” the joint statement said.\n\
         \n\
         Exports since January, according to the ministry:\n\
         \n\
         Wheat: 1.4 million tonnes\n\
         Maize: 1.1 million tonnes\n\
         Sunflower oil: 0.7 million tonnes\n\
         \n\
         A family from Mykolaiv 👩\u{200d}👩\u{200d}👧 watched the first ship leave the port \
         on Saturday morning; the harbour master said the next convoy would sail on Monday \
         if the weather held."
    );
}

#[test]
fn metadata_comes_from_open_graph_and_meta_tags() {
    let doc = parse(NEWS, "news-article.html").unwrap().document;
    assert_eq!(doc.title, "Ministers clash over grain corridor");
    assert_eq!(doc.author.as_deref(), Some("Marta Kovalenko"));
    assert_eq!(doc.date, NaiveDate::from_ymd_opt(2025, 3, 14));
    assert_eq!(
        doc.url.as_deref(),
        Some("https://ledger.example/world/2025/03/14/grain-corridor")
    );
    assert_eq!(doc.language.as_deref(), Some("en-GB"));
    assert_eq!(doc.source.as_deref(), Some("news-article.html"));
    assert_eq!(
        serde_json::Value::Object(doc.metadata),
        serde_json::json!({
            "site_name": "The Daily Ledger",
            "description": "Kyiv insists the Black Sea route stays open; Cairo and Jerusalem welcome the deal.",
        })
    );
}

#[test]
fn scripts_and_handlers_never_survive_as_markup() {
    let doc = import(HOSTILE);
    for needle in [
        "<",
        "script",
        "onerror",
        "javascript:",
        "alert",
        "pwned",
        "hidden by",
    ] {
        assert!(!doc.text.contains(needle), "{needle:?} in {:?}", doc.text);
    }
    // The `">` is what a browser shows too: it is left over from a broken attribute.
    assert_eq!(
        doc.text,
        "Talks resume in Geneva\n\n\
         Negotiators returned to Geneva on Tuesday after a three-week pause, officials said, \
         and both delegations described the first session as “constructive” despite the \
         difficult agenda ahead of them.\n\
         \n\
         The mediator told reporters that a draft text would be circulated before the \
         weekend, and that observers from three neighbouring states had been invited.\n\
         \n\
         \">\n\
         \n\
         Neither side would say whether the ceasefire lines were discussed, but a senior \
         diplomat said the mood was “better than expected” and that technical teams would \
         keep working through the night.\n\
         \n\
         The next round is scheduled for March, according to the mediator’s office."
    );
    assert_eq!(doc.title, "Talks resume in Geneva");
    assert_eq!(doc.url, None, "javascript: addresses are not kept");
}

#[test]
fn a_windows_1252_page_decodes() {
    let doc = import(WINDOWS_1252);
    assert_eq!(
        doc.text,
        "Le café rouvre\n\n\
         « C’est un nouveau départ », a déclaré la propriétaire du café de la place, où les \
         prix — en € — n’ont pas bougé depuis 2019 et où les habitués attendaient depuis des \
         mois la fin des travaux.\n\
         \n\
         Les clients ont salué la réouverture : “enfin”, disait l’un d’eux en commandant un \
         café crème à 2,50 €, tandis que le maire promettait une terrasse plus grande pour \
         l’été prochain."
    );
    // The page's heading, which its <title> repeats with the site's name.
    assert_eq!(doc.title, "Le café rouvre");
    assert_eq!(doc.author.as_deref(), Some("Renée Dubois"));
    assert_eq!(doc.date, NaiveDate::from_ymd_opt(2024, 11, 5));
    assert_eq!(doc.language.as_deref(), Some("fr"));
}

#[test]
fn a_utf16le_page_with_a_byte_order_mark_decodes() {
    let doc = import(UTF16LE);
    assert_eq!(
        doc.text,
        "قمة القاهرة\n\n\
         قال المتحدث إن الاتفاق “مهم جدًا” 🇪🇬، وقال مسؤول إسرائيلي: “צעד חשוב”.\n\
         \n\
         A family 👩\u{200d}👩\u{200d}👧 from Cafe\u{301} Street waved 😀."
    );
    assert_eq!(doc.title, "قمة القاهرة");
    assert_eq!(doc.language.as_deref(), Some("ar"));
}

#[test]
fn a_page_without_an_article_falls_back_to_the_visible_body_text() {
    let doc = import(SHORT);
    assert_eq!(
        doc.text,
        "Correction\n\
         \n\
         An earlier version of this story misstated the minister’s first name. It is \
         Marta, not Maria."
    );
    assert_eq!(doc.title, "Correction");
}

#[test]
fn without_meta_tags_the_markup_gives_title_date_and_author() {
    let doc = import(
        b"<html><head><title>  Port \n reopens </title></head><body><article>\
          <p class=byline>By <a rel=author href=/a>Jane  Doe</a></p>\
          <time datetime='2024-02-03T10:00'>3 February</time>\
          <p>The port reopened on Saturday.</p></article></body></html>",
    );
    assert_eq!(doc.title, "Port reopens");
    assert_eq!(doc.author.as_deref(), Some("Jane Doe"));
    assert_eq!(doc.date, NaiveDate::from_ymd_opt(2024, 2, 3));
    assert_eq!(doc.url, None);
    assert_eq!(doc.language, None);
    assert!(doc.metadata.is_empty());
}

#[test]
fn json_ld_gives_title_date_and_authors_when_the_meta_tags_do_not() {
    let doc = import(
        br#"<html><head><script type="application/ld+json">{"@context":"https://schema.org",
        "@type":"NewsArticle","headline":"Port reopens","datePublished":"2022-01-02T05:00:00Z",
        "author":[{"@type":"Person","name":"A One"},{"@type":"Person","name":"B Two"}]}</script>
        </head><body><p>The port reopened.</p></body></html>"#,
    );
    assert_eq!(doc.title, "Port reopens");
    assert_eq!(doc.date, NaiveDate::from_ymd_opt(2022, 1, 2));
    assert_eq!(doc.author.as_deref(), Some("A One, B Two"));
}

#[test]
fn meta_name_date_and_og_url_are_used_before_json_ld_and_relative_links() {
    let doc = import(
        br#"<html><head><meta name="date" content="2023-07-08">
        <link rel="canonical" href="/relative/path">
        <meta property="og:url" content="https://ledger.example/a">
        <meta property="og:description" content="Not the description">
        <script type="application/ld+json">{"@context":"https://schema.org",
        "@type":"NewsArticle","datePublished":"2022-01-02"}</script>
        </head><body><p>Body words.</p></body></html>"#,
    );
    assert_eq!(doc.date, NaiveDate::from_ymd_opt(2023, 7, 8));
    assert_eq!(doc.url.as_deref(), Some("https://ledger.example/a"));
    assert!(doc.metadata.is_empty());
}

#[test]
fn the_first_line_is_the_title_when_the_page_names_none() {
    let doc = import(b"<body><p>First line here.</p><p>Second line.</p></body>");
    assert_eq!(doc.title, "First line here.");
    assert_eq!(doc.text, "First line here.\n\nSecond line.");
    assert_eq!(doc.source.as_deref(), Some("page.html"));
}

#[test]
fn the_text_keeps_paragraphs_lines_and_preformatted_blocks() {
    let text = text_of(
        "<body>\n  <h2>Heading</h2><p>First   paragraph\n\twith a\u{a0}line<br>and more.</p>\
         <ul><li>One</li><li>Two <b>bold</b></li></ul><p>a<br><br>b</p>\
         <pre>  keep\n     this</pre>\
         <table><tr><th>Name</th><th>Age</th></tr><tr><td>Ann</td><td>41</td></tr></table>\
         <p>&quot;Tom &amp; Jerry&quot; &#x1F600; caf&eacute;<span>s</span> <!-- gone --></p>\
         <div>outer <div>inner</div> tail</div></body>",
    );
    assert_eq!(
        text,
        "Heading\n\
         \n\
         First paragraph with a line\n\
         and more.\n\
         \n\
         One\n\
         Two bold\n\
         \n\
         a\n\
         \n\
         b\n\
         \n  keep\n     this\n\
         \n\
         Name Age\n\
         Ann 41\n\
         \n\
         \"Tom & Jerry\" 😀 cafés\n\
         \n\
         outer\n\
         \n\
         inner\n\
         \n\
         tail"
    );
}

#[test]
fn escaped_markup_is_kept_as_the_text_a_reader_sees() {
    assert_eq!(
        import(b"<p>Use &lt;b&gt; for bold</p>").text,
        "Use <b> for bold"
    );
}

#[test]
fn pages_without_text_are_empty() {
    for page in [
        "",
        " \n\t",
        "<!-- only a comment -->",
        "<html><head><title>Only a title</title></head><body><script>x()</script></body></html>",
        "<svg><text>drawn, not written</text></svg><img alt=picture>",
    ] {
        assert_eq!(
            parse(page.as_bytes(), "empty.html"),
            Err(FormatError::Empty("empty.html".into())),
            "{page:?}"
        );
    }
}

#[test]
fn binary_input_is_refused_as_not_text() {
    let err = parse(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image.html").unwrap_err();
    assert_eq!(err.code(), "not_text");
}

#[test]
fn ordinary_pages_are_parsed_unchanged() {
    for page in [NEWS, HOSTILE, SHORT] {
        let html = decode::text(page).unwrap();
        assert!(matches!(limit_nesting(&html), Cow::Borrowed(_)));
    }
}

#[test]
fn sloppy_but_ordinary_markup_is_never_flattened() {
    // What real pages do without end tags, repeated far more often than any page does.
    // (Not a `<form>` inside an unclosed `<font>`: that nests in browsers too.)
    let icon =
        r#"<svg viewBox="0 0 24 24"><path d="M0 0h24"/><path d="M1 1"/><circle r=1 /></svg>"#;
    let mut page = String::from("<!doctype html><html><head><title>Sloppy</title></head><body>");
    page += "<ul>";
    for i in 0..300 {
        page += &format!("<li><a href=/s/{i}>{icon} Section {i}</a>");
    }
    page += "</ul><table>";
    for i in 0..300 {
        page += &format!("<tr><td>{i}<td><font color=red>cell<td><b>bold <i>both</b> it</i>");
    }
    page += "</table><select>";
    for i in 0..300 {
        page += &format!("<option value={i}>Option {i}");
    }
    page += "</select><dl>";
    for i in 0..300 {
        page += &format!("<dt>Term {i}<dd>Definition <p>para");
    }
    page += "</dl>";
    for i in 0..300 {
        page += &format!(
            "<p><font face=Arial>Paragraph {i} <script>var t = '<div><div><span>';</script>\
             <input name=q><button>Go</button><br><img src=x.png>"
        );
    }
    page += "</body></html>";
    assert!(matches!(limit_nesting(&page), Cow::Borrowed(_)));
    let doc = import(page.as_bytes());
    assert!(doc.text.contains("Paragraph 299"), "{}", &doc.text[..200]);
}

#[test]
fn a_hundred_thousand_nested_divs_are_flattened_quickly() {
    let n = 100_000;
    let html = format!(
        "<title>Deep</title>{}Deep text{}<p>After.</p>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let started = std::time::Instant::now();
    let doc = parse(html.as_bytes(), "deep.html").unwrap().document;
    let took = started.elapsed();
    assert_eq!(doc.text, "Deep text\n\nAfter.");
    assert_eq!(doc.title, "Deep");
    // About a second in a debug build; unflattened, parsing alone takes many minutes.
    assert!(took.as_secs() < 20, "took {took:?}");
}

#[test]
fn hostile_nesting_patterns_stay_shallow() {
    let n = 20_000;
    let distinct = |pattern: &str| -> String {
        (0..n / 4)
            .map(|i| pattern.replace("#", &i.to_string()))
            .collect()
    };
    let cases = [
        "<div>".repeat(n),
        "<b>".repeat(n),
        "<div/>".repeat(n),
        "<x-a>".repeat(n),
        "<span><div></span>".repeat(n / 3),
        "<b><div></b>x".repeat(n / 4),
        distinct("<div><b id=#></div>x"),
        distinct("<p><i class=#>x</p>"),
        "<li><ul></li>".repeat(n / 3),
        "<div><object></div>".repeat(n / 3),
        "<table><tr><td>".repeat(n / 3),
        "<dl><dt>".repeat(n / 2),
        "<math><mi>".repeat(n / 2),
        format!("<table><tr><td><svg><td><style>{}", "<x>".repeat(n)),
        format!("<svg><p>{}", "<x/>".repeat(n)),
        format!("<select>{}", "<div>".repeat(n)),
        // Patterns fuzzing found while the model was being written, each a way the parser
        // keeps elements open that a naive model would believe closed.
        "<td><i id=1>".repeat(n / 2),
        "<image><svg>".repeat(n / 2),
        "<frameset><iframe>".repeat(n / 2),
        "<frameset><p>".repeat(n / 2),
        "</frameset>--><frameset><dialog>".repeat(n / 3),
        "<optgroup>".repeat(n),
        "<form><noscript></form>".repeat(n / 3),
        "<font color=red></button></b><button>".repeat(n / 4),
        "<ruby><dt><rb>".repeat(n / 3),
        "<x><noscript><select>".repeat(n / 3),
        "</mtext></a><mtext><menu>".repeat(n / 4),
        "<svg><foreignObject><div></svg>".repeat(n / 4),
        format!("<svg>{}", "<td>".repeat(n)),
        "<dialog></math><math><br>".repeat(n / 4),
        "</template><span><template><col><script>".repeat(n / 5),
        "<script><div>".repeat(n / 2),
        format!(
            "<select><input><i id=1>{}",
            "</noscript><optgroup>".repeat(n / 3)
        ),
        "<table><div><tr></div><td>".repeat(n / 5),
    ];
    for html in cases {
        let limited = limit_nesting(&html);
        let (depth, _) = depth_and_size(&Document::from(limited.as_ref()));
        // The tree may be deeper than the parser's stack ever was (`</form>` leaves its
        // element in the tree), but not by more than this.
        assert!(depth <= 4 * MAX_DEPTH, "{} nests {depth} deep", &html[..40]);
    }
}

#[test]
fn hidden_elements_nested_too_deep_go_with_their_content() {
    let html = format!(
        "{}<p>visible</p><script>var secret = 1;</script><style>p{{}}</style>\
         <svg><text>svg secret</text></svg><noscript>noscript secret</noscript>\
         <template>template secret</template><textarea>typed secret</textarea>\
         <span>and this</span>{}",
        "<div>".repeat(1000),
        "</div>".repeat(1000)
    );
    assert_eq!(import(html.as_bytes()).text, "visible and this");
}

#[test]
fn tags_with_thousands_of_attributes_are_kept_bare() {
    let attributes: String = (0..5000).map(|i| format!(" a{i}=x")).collect();
    let html = format!("<p{attributes}>Words.</p><script{attributes}>hidden()</script>");
    let limited = limit_nesting(&html);
    assert_eq!(limited, "<p>Words.</p><script>hidden()</script>");
    assert_eq!(import(html.as_bytes()).text, "Words.");
}

/// Pieces of markup that shuffle into tag soup; none of them leaves a tag open inside a
/// quote or a comment that could swallow what follows.
const SOUP: &[&str] = &[
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<i>",
    "<a href=x>",
    "</a>",
    "<li>",
    "<ul>",
    "</ul>",
    "<table>",
    "<tr>",
    "<td>",
    "</table>",
    "<svg>",
    "</svg>",
    "<math>",
    "<pre>",
    "</pre>",
    "<br>",
    "<template>",
    "<noscript>",
    "<select>",
    "<textarea>",
    "</textarea>",
    "<object>",
    "<!-- c -->",
    "<title>",
    "</title>",
    "<body>",
    "<head>",
    "<script>steal()</script>",
    "<style>p{color:red}</style>",
    "<iframe>framed</iframe>",
    "<img src=x onerror=steal()>",
    "words",
    " ",
    "\n",
    "&amp;",
    "😀",
    "e\u{301}",
    "قال",
];

proptest! {
    // The default number of cases; failures are reported, not written into the source tree.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = parse(&bytes, "any.html");
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        let _ = parse(text.as_bytes(), "any.html");
    }

    #[test]
    fn json_ld_of_any_shape_never_panics(
        json in prop_oneof![any::<String>(), "[{}\\[\\]\":,@a-zA-Z0-9 .\\\\-]{0,300}"]
    ) {
        let html = format!(
            "<script type=\"application/ld+json\">{json}</script><p>Body.</p>"
        );
        let _ = parse(html.as_bytes(), "ld.html");
    }

    #[test]
    fn tag_soup_never_leaks_script_content(
        pieces in prop::collection::vec(prop::sample::select(SOUP), 0..80)
    ) {
        let html = pieces.concat();
        match parse(html.as_bytes(), "soup.html") {
            Ok(doc) => {
                let text = doc.document.text;
                for needle in ["steal", "color:red", "framed", "<"] {
                    prop_assert!(!text.contains(needle), "{needle:?} in {text:?}");
                }
                prop_assert_eq!(text.trim(), text.as_str());
                prop_assert!(!text.is_empty());
            }
            Err(err) => prop_assert_eq!(err, FormatError::Empty("soup.html".into())),
        }
    }
}
