//! What a page says about itself (title, date, author, URL, language), read from its markup
//! before main-text extraction rewrites it.

use dom_query::Document;

/// What the page's markup says about it, read before `dom_smoothie` rewrites the page.
#[derive(Debug, Default)]
pub(super) struct PageMeta {
    pub(super) og_title: Option<String>,
    pub(super) title: Option<String>,
    pub(super) author: Option<String>,
    pub(super) article_author: Option<String>,
    pub(super) published: Option<String>,
    pub(super) date: Option<String>,
    pub(super) time: Option<String>,
    /// The page's byline element, read here because the element is cut from the page before
    /// `dom_smoothie` could see it.
    pub(super) byline: Option<String>,
    pub(super) canonical: Option<String>,
    pub(super) og_url: Option<String>,
    pub(super) lang: Option<String>,
    pub(super) site_name: Option<String>,
    pub(super) description: Option<String>,
}

impl PageMeta {
    pub(super) fn read(page: &Document) -> PageMeta {
        let mut meta = PageMeta::default();
        for node in page.select("meta[content]").nodes() {
            let Some(content) = node.attr("content") else {
                continue;
            };
            let keys = [node.attr("property"), node.attr("name")];
            for key in keys.into_iter().flatten() {
                let slot = match key.trim().to_ascii_lowercase().as_str() {
                    "og:title" => &mut meta.og_title,
                    "author" => &mut meta.author,
                    "article:author" => &mut meta.article_author,
                    "article:published_time" => &mut meta.published,
                    "date" => &mut meta.date,
                    "og:url" => &mut meta.og_url,
                    "og:site_name" => &mut meta.site_name,
                    "description" => &mut meta.description,
                    _ => continue,
                };
                if slot.is_none() && !content.trim().is_empty() {
                    *slot = Some(content.to_string());
                }
            }
        }
        meta.title = page
            .select("head title")
            .nodes()
            .first()
            .map(|n| n.text().to_string());
        meta.time = page
            .select("article time[datetime], time[pubdate][datetime]")
            .nodes()
            .first()
            .and_then(|n| n.attr("datetime"))
            .map(|d| d.to_string());
        meta.byline = page
            .select(r#"[rel~="author"], [itemprop~="author"], .byline"#)
            .nodes()
            .first()
            .map(|n| n.text().to_string());
        meta.canonical = page
            .select("link[rel][href]")
            .nodes()
            .iter()
            .find(|link| {
                link.attr("rel").is_some_and(|rel| {
                    rel.split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                })
            })
            .and_then(|link| link.attr("href"))
            .map(|href| href.to_string());
        meta.lang = page
            .select("html[lang]")
            .nodes()
            .first()
            .and_then(|n| n.attr("lang"))
            .map(|l| l.to_string());
        meta
    }
}

/// Whitespace collapsed and trimmed; `None` when nothing is left.
pub(super) fn clean(text: &str) -> Option<String> {
    let cleaned = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(cleaned).filter(|c| !c.is_empty())
}

/// A byline as a name: whitespace collapsed and a leading "By" dropped.
pub(super) fn author_name(byline: &str) -> Option<String> {
    let byline = clean(byline)?;
    let name = match byline.split_once(' ') {
        Some((by, name)) if by.eq_ignore_ascii_case("by") => name.to_string(),
        _ => byline,
    };
    Some(name)
}

pub(super) fn looks_like_url(text: &str) -> bool {
    let text = text.trim_start().to_ascii_lowercase();
    text.starts_with("http://") || text.starts_with("https://")
}

/// Only absolute web addresses are kept: a relative link means nothing without the page's
/// address, and other schemes (`javascript:`) are no place to send an analyst.
pub(super) fn web_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    let plain = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    (web && plain && url.len() > "https://".len() && url.len() <= 2048).then(|| url.to_string())
}

/// A BCP 47 language tag such as `en-GB`, or nothing.
pub(super) fn language_tag(lang: &str) -> Option<String> {
    let lang = lang.trim();
    let valid = !lang.is_empty()
        && lang.len() <= 35
        && lang
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| lang.to_string())
}
