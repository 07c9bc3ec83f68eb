//! Tables of articles: CSV (with a header row), JSON Lines, JSON arrays of records, and plain
//! text with one article per line. Each record is a document; a [`ColumnMap`] says which
//! columns hold the text and metadata, and every other column is kept as free metadata.

use chrono::NaiveDate;
use claimdesk_core::NewDocument;
use serde_json::{Map, Value};

use crate::read::decode;
use crate::{FormatError, ImportedDocument};

/// Which column holds what. Defaults to columns named `text`, `title`, `date`, `source`,
/// `author`, `url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnMap {
    pub text: String,
    pub title: String,
    pub date: String,
    pub source: String,
    pub author: String,
    pub url: String,
}

impl Default for ColumnMap {
    fn default() -> ColumnMap {
        ColumnMap {
            text: "text".into(),
            title: "title".into(),
            date: "date".into(),
            source: "source".into(),
            author: "author".into(),
            url: "url".into(),
        }
    }
}

impl ColumnMap {
    /// Applies `field=column` overrides, e.g. `text=body,date=published`.
    pub fn with_overrides(mut self, spec: &str) -> Result<ColumnMap, FormatError> {
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, column) = pair.split_once('=').ok_or_else(|| {
                FormatError::Options(format!("column mapping {pair:?} should read field=column"))
            })?;
            let slot = match field.trim() {
                "text" => &mut self.text,
                "title" => &mut self.title,
                "date" => &mut self.date,
                "source" => &mut self.source,
                "author" => &mut self.author,
                "url" => &mut self.url,
                other => {
                    return Err(FormatError::Options(format!(
                        "unknown field {other:?} in the column mapping; use text, title, date, source, author or url"
                    )))
                }
            };
            *slot = column.trim().to_string();
        }
        Ok(self)
    }
}

/// Reads a CSV file with a header row (RFC 4180; any encoding [`decode`] accepts).
pub fn parse_csv(
    bytes: &[u8],
    name: &str,
    columns: &ColumnMap,
) -> Result<Vec<ImportedDocument>, FormatError> {
    let text = decode::text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| FormatError::malformed("CSV", e))?
        .clone();
    if !headers.iter().any(|h| h == columns.text) {
        return Err(missing_text_column(columns, headers.iter()));
    }
    let mut docs = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| FormatError::malformed("CSV", e))?;
        let record: Map<String, Value> = headers
            .iter()
            .zip(row.iter())
            .map(|(h, v)| (h.to_string(), Value::String(v.to_string())))
            .collect();
        docs.push(document(record, columns, &format!("{name}#{}", i + 1))?);
    }
    Ok(docs)
}

/// Reads JSON Lines: one JSON object per line; blank lines are ignored.
pub fn parse_jsonl(
    bytes: &[u8],
    name: &str,
    columns: &ColumnMap,
) -> Result<Vec<ImportedDocument>, FormatError> {
    let text = decode::text(bytes)?;
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        docs.extend(parse_jsonl_line(line, name, i + 1, columns)?);
    }
    Ok(docs)
}

/// Reads line `number` (counted from 1) of a JSON Lines file called `name`, for importers that
/// stream a file too large to hold: `None` for a blank line.
pub fn parse_jsonl_line(
    line: &str,
    name: &str,
    number: usize,
    columns: &ColumnMap,
) -> Result<Option<ImportedDocument>, FormatError> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let value: Value = serde_json::from_str(line)
        .map_err(|e| FormatError::malformed("JSON Lines", format!("line {number}: {e}")))?;
    let Value::Object(record) = value else {
        return Err(FormatError::malformed(
            "JSON Lines",
            format!("line {number} is not a JSON object"),
        ));
    };
    document(record, columns, &format!("{name}#{number}")).map(Some)
}

/// Reads a JSON array of objects.
pub fn parse_json(
    bytes: &[u8],
    name: &str,
    columns: &ColumnMap,
) -> Result<Vec<ImportedDocument>, FormatError> {
    let text = decode::text(bytes)?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| FormatError::malformed("JSON", e))?;
    let Value::Array(records) = value else {
        return Err(FormatError::malformed(
            "JSON",
            "expected an array of records",
        ));
    };
    records
        .into_iter()
        .enumerate()
        .map(|(i, record)| match record {
            Value::Object(record) => document(record, columns, &format!("{name}#{}", i + 1)),
            _ => Err(FormatError::malformed(
                "JSON",
                format!("record {} is not an object", i + 1),
            )),
        })
        .collect()
}

/// Reads plain text with one article per line (as in the Lee corpus); blank lines are skipped.
pub fn parse_lines(bytes: &[u8], name: &str) -> Result<Vec<ImportedDocument>, FormatError> {
    let text = decode::text(bytes)?;
    // Blank lines are skipped, so a file of nothing else would import as nothing at all.
    if text.trim().is_empty() {
        return Err(FormatError::Empty(name.to_string()));
    }
    Ok(text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            ImportedDocument::plain(NewDocument::from_plain_text(
                line,
                &format!("{name}#{}", i + 1),
            ))
        })
        .collect())
}

fn missing_text_column<'a>(
    columns: &ColumnMap,
    present: impl Iterator<Item = &'a str>,
) -> FormatError {
    let present: Vec<_> = present.collect();
    FormatError::Options(format!(
        "no column {:?} holds the text; the columns are {}; map one with --columns text=NAME",
        columns.text,
        present.join(", ")
    ))
}

fn take_string(record: &mut Map<String, Value>, column: &str) -> Option<String> {
    match record.get(column) {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            let s = s.clone();
            record.remove(column);
            Some(s)
        }
        Some(Value::Null) => {
            record.remove(column);
            None
        }
        _ => None,
    }
}

/// Reads a date given as `YYYY-MM-DD` or an RFC 3339 / ISO 8601 timestamp starting with one.
fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    raw.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .filter(|_| raw.len() == 10 || raw[10..].starts_with(['T', ' ', 't']))
}

fn document(
    mut record: Map<String, Value>,
    columns: &ColumnMap,
    source: &str,
) -> Result<ImportedDocument, FormatError> {
    let text = match record.remove(&columns.text) {
        Some(Value::String(text)) if !text.trim().is_empty() => text,
        Some(Value::String(_)) | Some(Value::Null) | None => {
            return Err(FormatError::malformed(
                "table",
                format!("record {source} has no text in column {:?}", columns.text),
            ))
        }
        Some(other) => {
            return Err(FormatError::malformed(
                "table",
                format!(
                    "record {source}: column {:?} holds {other}, not text",
                    columns.text
                ),
            ))
        }
    };
    let mut doc = NewDocument::from_plain_text(&text, source);
    if let Some(title) = take_string(&mut record, &columns.title) {
        doc.title = title;
    }
    // A date that does not parse stays in the metadata, so nothing is lost.
    if let Some(Value::String(raw)) = record.get(&columns.date) {
        if let Some(date) = parse_date(raw) {
            doc.date = Some(date);
            record.remove(&columns.date);
        }
    }
    if let Some(source) = take_string(&mut record, &columns.source) {
        doc.source = Some(source);
    }
    doc.author = take_string(&mut record, &columns.author);
    doc.url = take_string(&mut record, &columns.url);
    doc.metadata = record;
    Ok(ImportedDocument::plain(doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> ColumnMap {
        ColumnMap::default()
    }

    #[test]
    fn a_one_article_per_line_file_with_only_blank_lines_is_refused_as_empty() {
        for text in ["", "\n \n\t\r\n"] {
            let err = parse_lines(text.as_bytes(), "lee.cor").unwrap_err();
            assert_eq!(err.code(), "empty", "{text:?}");
            assert!(err.to_string().contains("lee.cor"), "{err}");
        }
    }

    #[test]
    fn csv_rows_become_documents_with_metadata() {
        let csv = "title,text,date,outlet,url\r\n\
                   Talks,\"Line one\r\n“quoted”, 🇺🇦\",2025-02-18,BBC,https://e.x/1\r\n\
                   ,Second article,18/02/2025,,\r\n";
        let docs = parse_csv(csv.as_bytes(), "news.csv", &map()).unwrap();
        assert_eq!(docs.len(), 2);
        let first = &docs[0].document;
        assert_eq!(first.text, "Line one\r\n“quoted”, 🇺🇦");
        assert_eq!(first.title, "Talks");
        assert_eq!(first.date.unwrap().to_string(), "2025-02-18");
        assert_eq!(first.url.as_deref(), Some("https://e.x/1"));
        assert_eq!(first.source.as_deref(), Some("news.csv#1"));
        assert_eq!(first.metadata["outlet"], "BBC");
        let second = &docs[1].document;
        assert_eq!(second.title, "Second article");
        assert_eq!(second.date, None);
        assert_eq!(
            second.metadata["date"], "18/02/2025",
            "an unreadable date is kept"
        );
    }

    #[test]
    fn a_column_mapping_picks_other_columns() {
        let csv = "headline,body,published\nT,Body text,2024-05-06T10:00:00Z\n";
        let columns = map()
            .with_overrides("text=body, title=headline, date=published")
            .unwrap();
        let docs = parse_csv(csv.as_bytes(), "x.csv", &columns).unwrap();
        assert_eq!(docs[0].document.text, "Body text");
        assert_eq!(docs[0].document.title, "T");
        assert_eq!(docs[0].document.date.unwrap().to_string(), "2024-05-06");
    }

    #[test]
    fn a_missing_text_column_names_the_columns_there_are() {
        let err = parse_csv(b"a,b\n1,2\n", "x.csv", &map()).unwrap_err();
        assert_eq!(err.code(), "bad_options");
        assert!(err.to_string().contains("the columns are a, b"), "{err}");
        assert!(map().with_overrides("body").is_err());
        assert!(map().with_overrides("colour=x").is_err());
    }

    #[test]
    fn json_lines_and_json_arrays_keep_other_fields_as_metadata() {
        let jsonl = "{\"text\":\"One 😀\",\"title\":\"A\",\"tags\":[\"x\"]}\n\n{\"text\":\"Two\",\"author\":\"Ana\"}\n";
        let docs = parse_jsonl(jsonl.as_bytes(), "a.jsonl", &map()).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].document.metadata["tags"], serde_json::json!(["x"]));
        assert_eq!(docs[1].document.author.as_deref(), Some("Ana"));
        let json = "[{\"text\":\"One\"},{\"text\":\"Two\",\"date\":\"2020-01-02\"}]";
        let docs = parse_json(json.as_bytes(), "a.json", &map()).unwrap();
        assert_eq!(docs[1].document.date.unwrap().to_string(), "2020-01-02");
    }

    #[test]
    fn malformed_records_are_refused_with_their_place() {
        let err = parse_jsonl(b"{\"text\":\"ok\"}\n[1]\n", "a.jsonl", &map()).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        let err = parse_jsonl(b"{\"text\":5}\n", "a.jsonl", &map()).unwrap_err();
        assert!(err.to_string().contains("holds 5"), "{err}");
        let err = parse_json(b"{\"text\":\"x\"}", "a.json", &map()).unwrap_err();
        assert!(err.to_string().contains("array"), "{err}");
    }

    #[test]
    fn one_article_per_line() {
        let docs = parse_lines(b"First article.\r\n\r\nSecond article.", "lee.cor").unwrap();
        let texts: Vec<_> = docs.iter().map(|d| d.document.text.as_str()).collect();
        assert_eq!(texts, ["First article.", "Second article."]);
        assert_eq!(docs[1].document.source.as_deref(), Some("lee.cor#3"));
    }
}
