//! What a news page wraps around its article, for [`crate::read::html`] to leave out: the page is
//! cut down before `dom_smoothie` looks for the article, and the lines it returns are checked
//! once more.
//!
//! - [`headline`] finds the article's headline: the heading (`h1`, else `h2`, `h3`) whose text
//!   is the title the page declares in `og:title` or JSON-LD, else the `h1` its `<title>` starts
//!   with or contains. [`prepare`] removes that heading and everything drawn before it (site
//!   header, cookie banner, breadcrumbs, kicker), since an article never starts above its
//!   headline; the importer puts the headline back as the text's first line.
//! - [`prepare`] also removes small elements whose class, id, role, `aria-label` or
//!   `data-component` names them as boilerplate (share bars, bylines, timestamps, newsletter
//!   boxes, related links, advertisements, cookie banners, captions and credits, pull quotes,
//!   tags, comments) and figures around an image. "Small" guards the article: an element with
//!   600 characters of text or more is kept unless most of its text is links.
//! - [`is_boilerplate_line`] recognises what is left by its words alone: bylines ("By Reuters
//!   Staff", "Von Anna Schmidt"), share prompts, "Advertisement", "Related:" and "Read more"
//!   links, dateline and update stamps ("Updated 3 hours ago", "10:42 GMT"), photo credits,
//!   sign-offs ("Reporting by …; Editing by …"). It only ever matches short lines that do not
//!   read as a sentence, so an article sentence is never dropped for its first word.

use std::sync::OnceLock;

use dom_query::{Document, NodeRef};
use regex::Regex;

/// The article's headline and the element showing it, if the page shows it.
struct Headline<'a> {
    text: String,
    element: Option<NodeRef<'a>>,
}

/// Whitespace collapsed; compared without regard to case.
fn normal(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Finds the headline. `declared` are the titles the page declares for its article (og:title,
/// JSON-LD headline), best first; `title` is its `<title>`, which often adds the site's name.
fn headline<'a>(
    page: &'a Document,
    declared: &[&str],
    title: Option<&str>,
) -> Option<Headline<'a>> {
    let declared: Vec<&str> = declared
        .iter()
        .copied()
        .filter(|d| !d.trim().is_empty())
        .collect();
    let wanted: Vec<String> = declared.iter().map(|d| normal(d)).collect();
    for level in ["h1", "h2", "h3"] {
        let found = page.select(level).nodes().iter().copied().find(|node| {
            let text = normal(&node.text());
            !text.is_empty() && wanted.contains(&text)
        });
        if let Some(node) = found {
            return Some(Headline {
                text: one_line(&node.text()),
                element: Some(node),
            });
        }
    }
    if let Some(first) = declared.first() {
        // Declared but shown in no heading: the declaration is the headline.
        return Some(Headline {
            text: one_line(first),
            element: None,
        });
    }
    let title = normal(title?);
    page.select("h1")
        .nodes()
        .iter()
        .copied()
        .find(|node| {
            let text = normal(&node.text());
            !text.is_empty() && title.contains(&text)
        })
        .map(|node| Headline {
            text: one_line(&node.text()),
            element: Some(node),
        })
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds the headline (see [`headline`]), cuts the page down with [`prepare`] and returns the
/// headline's text.
pub(crate) fn cut_to_article(
    page: &Document,
    declared: &[&str],
    title: Option<&str>,
) -> Option<String> {
    let found = headline(page, declared, title);
    prepare(page, found.as_ref());
    found.map(|h| h.text)
}

/// Cuts the page down to what may be article: everything before the headline and the
/// headline itself go, then the small boilerplate elements.
fn prepare(page: &Document, headline: Option<&Headline<'_>>) {
    if let Some(element) = headline.and_then(|h| h.element) {
        let mut node = element;
        while let Some(parent) = node.parent() {
            if node.has_name("body") || node.has_name("html") {
                break;
            }
            while let Some(before) = node.prev_sibling() {
                before.remove_from_parent();
            }
            node = parent;
        }
        element.remove_from_parent();
    }
    let doomed: Vec<NodeRef> = page
        .select("body *")
        .nodes()
        .iter()
        .copied()
        .filter(|node| is_boilerplate_element(node))
        .collect();
    for node in doomed {
        node.remove_from_parent();
    }
}

/// Words in class names, ids and the like that mark an element as boilerplate.
const MARKERS: &[&str] = &[
    "share",
    "sharing",
    "social",
    "teilen",
    "partage",
    "newsletter",
    "signup",
    "subscribe",
    "subscription",
    "promo",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "anzeige",
    "pub",
    "publicite",
    "taboola",
    "outbrain",
    "cookie",
    "cookies",
    "consent",
    "cmp",
    "gdpr",
    "related",
    "byline",
    "author",
    "autor",
    "signature",
    "timestamp",
    "dateline",
    "date",
    "datum",
    "updated",
    "meta",
    "breadcrumb",
    "breadcrumbs",
    "tags",
    "tag",
    "comments",
    "caption",
    "credit",
    "pullquote",
    "standfirst",
    "kicker",
    "rubric",
    "paywall",
    "abonnement",
];

/// Marker phrases written across several words of a class name.
const PHRASES: &[&str] = &[
    "read-more",
    "readmore",
    "read-next",
    "more-from",
    "more-on",
    "pull-quote",
    "post-navigation",
    "author-info",
    "links-block",
    "mehr-zum-thema",
    "lesen-sie-auch",
    "sur-le-meme-sujet",
    "a-lire-aussi",
];

/// Elements that may be removed for their markers; inline elements inside a paragraph are
/// part of its sentence whatever their class says.
fn is_boilerplate_element(node: &NodeRef) -> bool {
    let Some(name) = node.node_name() else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    let in_paragraph = node
        .ancestors_it(None)
        .any(|a| a.has_name("p") || a.has_name("li") || a.has_name("h2") || a.has_name("h3"));
    if in_paragraph {
        return false;
    }
    let small = || {
        let text = node.text();
        let length = text.chars().filter(|c| !c.is_whitespace()).count();
        length < 600 || link_share(node, length) > 0.5
    };
    if name == "figcaption" {
        return true;
    }
    let shows_media = || {
        node.descendants_it()
            .any(|d| d.has_name("img") || d.has_name("picture") || d.has_name("video"))
    };
    if name == "figure" && shows_media() {
        return small();
    }
    if matches!(name.as_str(), "body" | "html" | "main" | "article") {
        return false;
    }
    let names: String = ["class", "id", "role", "aria-label", "data-component"]
        .iter()
        .filter_map(|a| node.attr(a))
        .map(|v| v.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    if names.is_empty() {
        return false;
    }
    let marked = names
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| MARKERS.contains(&word))
        || names
            .split_whitespace()
            .any(|class| PHRASES.iter().any(|p| class.contains(p)));
    marked && small()
}

/// The share of an element's (non-space) text that is link text.
fn link_share(node: &NodeRef, length: usize) -> f64 {
    let linked: usize = node
        .descendants_it()
        .filter(|d| d.has_name("a"))
        .map(|a| a.text().chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    linked as f64 / length.max(1) as f64
}

/// Drops boilerplate lines from extracted text, keeping paragraphs separated by one blank line.
pub(crate) fn drop_boilerplate_lines(text: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in text.split('\n') {
        if line.trim().is_empty() {
            blank = true;
            continue;
        }
        if is_boilerplate_line(line) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(line);
    }
    out
}

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("boilerplate patterns are valid"))
}

/// Whether a line of extracted text is boilerplate (see the module documentation).
pub(crate) fn is_boilerplate_line(line: &str) -> bool {
    static ALWAYS: OnceLock<Regex> = OnceLock::new();
    static UNLESS_PROSE: OnceLock<Regex> = OnceLock::new();
    static BYLINE: OnceLock<Regex> = OnceLock::new();
    static STAMP: OnceLock<Regex> = OnceLock::new();
    static DATE_WORDS: OnceLock<Regex> = OnceLock::new();
    static DATE: OnceLock<Regex> = OnceLock::new();
    let line = line.trim();
    let words = line.split_whitespace().count();
    if words == 0 {
        return true;
    }
    // Lines that open with what only boilerplate opens with, whatever follows.
    let always = regex(
        &ALWAYS,
        r"(?ix)^(?:
            (?:share|teilen|partager|compartir)(?:save)?\b(?:\s+(?:this|on|via|to|the|story|article|post|page|facebook|x|twitter|whatsapp|linkedin|email|e-mail|save))*\s*(?::.*)?$
          | auf\s+\w+\s+teilen$
          | (?:advertisement|anzeige|publicité|publicidad|pubblicità|sponsored|werbung)\b
          | (?:photo|image|photograph|picture|foto|bild|credit|image\s+source|image\s+caption)\s*[:,]
          | \(?(?:image|photo|foto)\s*:
          | (?:(?:additional\s+)?reporting|writing|editing)\s+by\b
          | (?:posted\s+in|filed\s+under|tagged|topics|tags|categories)\s*:
          | [«←<]?\s*back\s+to\b
          | contact\s+\S.*@
          | ©
          | copyright\b
        )",
    );
    // Lines that open like link lists and stamps, unless they go on as prose.
    let unless_prose = regex(
        &UNLESS_PROSE,
        r"(?ix)^(?:
            (?:related|read\s+more|read\s+next|see\s+also|more\s+on\s+this\s+story|related\s+topics|lesen\s+sie\s+auch|mehr\s+zum\s+thema|à\s+lire\s+aussi|lire\s+aussi|sur\s+le\s+même\s+sujet|leer\s+más)\b
          | (?:updated|published|posted|aktualisiert|publié|mis\s+à\s+jour|actualizado)\b
        )",
    );
    // Short lines only: a long line is article text whatever it opens with.
    if words <= 25 && always.is_match(line) {
        return true;
    }
    if words <= 25 && unless_prose.is_match(line) && !reads_as_sentences(line) {
        return true;
    }
    let byline = regex(
        &BYLINE,
        r"^(?i:(?:words\s+)?by|von|par|por|door|di|av|af)\s+\p{Lu}[\p{L}.'’-]*(?:(?:\s+|\s*[,|·&]\s*)(?:\p{Lu}[\p{L}.'’-]*|and|und|et|y|e|och|og|of|the|de|van|von|der|la|le|photographs|by|staff|writer|reporter|correspondent|senior|editor))*\s*[|·,]?\s*$",
    );
    if words <= 12 && byline.is_match(line) {
        return true;
    }
    // Lines made of a date or a time and little else: "6 May 2025", "10:42 GMT",
    // "Nick Lowe | June 20 2025 - 11:30pm |", "Updated 3 hours ago".
    let stamp = regex(
        &STAMP,
        r"(?i)\b(?:\d{1,2}[:.h]\d{2}\s*(?:[ap]\.?m\.?|uhr|gmt|utc|bst|cet|cest|et|pt)?|\d+\s+(?:minutes?|hours?|days?|mins?|hrs?)\s+ago|vor\s+\d+\s+(?:minuten|stunden|tagen)|il\s+y\s+a\s+\d+\s+(?:minutes?|heures?|jours?))\b",
    );
    let date_words = regex(
        &DATE_WORDS,
        r"(?i)\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon|tue|wed|thu|fri|sat|sun|\d{1,4}(?:st|nd|rd|th)?|[ap]\.?m\.?|gmt|utc|bst|cet|cest|et|pt|uhr|ago|hours?|minutes?|updated|published|posted|stunden|vor|il|y|a|heures?)\b\.?",
    );
    // A date is a month named next to a number, or day, month and year in figures; a number
    // alone ("Paragraph 299") is none.
    let date = regex(
        &DATE,
        r"(?i)\b(?:\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\d{1,4}[./-]\d{1,2}[./-]\d{2,4})",
    );
    if words <= 14 && (stamp.is_match(line) || date.is_match(line)) && !reads_as_sentences(line) {
        let rest = stamp.replace_all(line, " ");
        let rest = date_words.replace_all(&rest, " ");
        // What may be left is a name beside the stamp ("Nick Lowe | June 20 2025"), never
        // words of a sentence ("Talks on 12 May").
        let left: Vec<&str> = rest
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if left.len() <= 2 && left.iter().all(|w| w.starts_with(char::is_uppercase)) {
            return true;
        }
    }
    false
}

/// Whether a line reads as prose: more than six words, ending with `.`, `!`, `?` or `…`
/// (perhaps inside quotes or brackets).
fn reads_as_sentences(line: &str) -> bool {
    let end = line.trim_end_matches(['"', '\'', '’', '”', '»', ')', ' ']);
    end.ends_with(['.', '!', '?', '…']) && line.split_whitespace().count() > 6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_lines_are_recognised_by_their_words() {
        for line in [
            "By Reuters Staff",
            "By Sam Ortiz and Lena Brandt",
            "Von Anna Schmidt",
            "Share this story",
            "Share on Facebook",
            "Share",
            "Advertisement",
            "Advertisement · Scroll to continue",
            "Anzeige",
            "Related: Pier closed after inspectors find corroded pilings",
            "READ MORE: Hospices warn of cuts as costs soar",
            "Read more",
            "Lesen Sie auch: Radweg an der Ringstraße wird teurer",
            "Updated 3 hours ago",
            "April 2, 2025 6:14 AM UTC Updated 3 hours ago",
            "10:42 GMT",
            "6 May 2025",
            "Nick Lowe | June 20 2025 - 11:30pm |",
            "Photo: A section of the Harbor Street pier closed in 2023. (Jo Park / Staff)",
            "Reporting by Selin Kaya; Editing by Mark Hollis",
            "© 2025 The Daily Ledger",
        ] {
            assert!(is_boilerplate_line(line), "{line:?}");
        }
    }

    #[test]
    fn article_sentences_are_never_taken_for_boilerplate() {
        for line in [
            "By Tuesday the river had risen by two metres.",
            "\"By mile twenty my feet were screaming, but every time I wanted to stop I thought of him.\"",
            "Share prices fell 5% on Monday after the company warned on profits.",
            "Updated figures published on Friday showed 214 vessels left in March.",
            "Related talks in Geneva ended without an agreement, officials said.",
            "Photo agencies said the images had been altered.",
            "The vote is on 12 May.",
            "Paragraph 299",
            "Talks on 12 May",
            "What happens next",
            "Empty places cost money",
            "Reactions abroad",
            "Union says talks could resume next week",
            "Operators say about a fifth of normal services will run, mostly between 07:30 and 18:30.",
        ] {
            assert!(!is_boilerplate_line(line), "{line:?}");
        }
    }
}
