//! CoNLL-2003 IOB2 and the multi-layer token TSV.
//!
//! The export is a folder of three files:
//!
//! - `iob2-<Label>.conll`: CoNLL-2003 style, IOB2 tags for one label layer
//!   ([`ExportOptions::conll_label`], by default the first label of the schema). One token per
//!   line, four columns separated by single spaces, `TOKEN _ _ TAG` (word, POS, chunk, NER; POS
//!   and chunk are unknown, `_`). Sentences end with a blank line; each document starts with
//!   `-DOCSTART- -X- O O` and a blank line, in the order of `tokens.tsv` and of the document ids
//!   listed in `README.txt`.
//!
//!   **Header convention.** The first line of the file says what it holds, in the shape of a
//!   document separator, so that readers which skip `-DOCSTART-` lines (the CoNLL-2003 readers
//!   of Hugging Face datasets, transformers, AllenNLP, flair) pass over it unchanged:
//!   `-DOCSTART- scheme=IOB2 layer=<Label> O`, followed by a blank line. spaCy's `convert`
//!   splits documents on the exact line `-DOCSTART- -X- O O` and reads the header as a
//!   one-token document tagged `O`.
//!
//!   Tags are `B-<Label>`, `I-<Label>` and `O`; whitespace and `|` in a label become `_`.
//!   IOB2 cannot hold two spans on one token: where spans of the layer overlap, the longest is
//!   kept (then the earliest, then the lowest id) and the others are left out of this file,
//!   listed in `README.txt` and still present in `tokens.tsv`.
//! - `tokens.tsv`: every token with its offsets and every annotation of every label. Tab
//!   separated, a header row, no quoting (no field holds a tab or line break; read it with
//!   `quoting=csv.QUOTE_NONE`). Columns: `document` (id), `sentence` and `token` (both counted
//!   from 0 within the document), `start` and `end` (code points, end exclusive, as Python
//!   `str` indices), `text` (the token exactly as in the document), then one column per label
//!   of the schema, in schema order: every annotation of that label covering the token, as
//!   `B-<Label>[<annotation id>]` on its first token and `I-<Label>[<id>]` on the others,
//!   joined by `|`, outermost first; `O` when none. Nested and crossing spans all survive.
//! - `README.txt`: scheme, units, columns and counts, and what was left out of the IOB2 file.
//!
//! Tokens are those of [`super::tokens`]: whitespace is never a token, so an annotation that
//! starts or ends with whitespace covers the tokens inside it (listed as trimmed in the
//! README) and an annotation of whitespace alone covers none (listed as left out of both
//! files). An annotation whose label is not in the schema has no column and is listed too.
//!
//! Self-check: every token written is sliced again out of the text by its code-point offsets
//! and compared with its text; every annotation is checked against its quote, both by its own
//! offsets and by the extent of the tokens it is written on.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};

use claimdesk_core::dataset::{AnnotationRecord, DocumentRecord, ProjectInfo};
use claimdesk_core::Unit;

use super::check::SpanCheck;
use super::tokens::{covered, is_space, Token, Tokens};
use super::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

/// Where CoNLL documents start, as spaCy's converter splits them.
const DOCSTART: &str = "-DOCSTART- -X- O O";

pub(super) fn new(
    project: &ProjectInfo,
    options: &ExportOptions,
    mut out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let labels: Vec<String> = project.labels.iter().map(|l| l.name.clone()).collect();
    let layer = match &options.conll_label {
        Some(name) => {
            if project.label(name).is_none() {
                return Err(ExportError::Invalid(format!(
                    "there is no label {name:?} for CoNLL; the labels are {}",
                    labels.join(", ")
                )));
            }
            name.clone()
        }
        None => labels.first().cloned().ok_or_else(|| {
            ExportError::Invalid("the project has no labels to write CoNLL for".into())
        })?,
    };
    let iob_name = format!("iob2-{}.conll", file_part(&layer));
    let mut iob = BufWriter::new(out.create(&iob_name)?);
    writeln!(
        iob,
        "-DOCSTART- scheme=IOB2 layer={} O\n",
        tag_label(&layer)
    )?;
    let mut tsv = BufWriter::new(out.create("tokens.tsv")?);
    let mut header = String::from("document\tsentence\ttoken\tstart\tend\ttext");
    for label in &labels {
        header.push('\t');
        header.extend(label.chars().map(|c| if is_space(c) { ' ' } else { c }));
    }
    writeln!(tsv, "{header}")?;
    Ok(Box::new(Conll {
        out,
        iob_name,
        iob,
        tsv,
        layer,
        labels,
        documents: Vec::new(),
        tokens: 0,
        sentences: 0,
        per_label: Vec::new(),
        layer_total: 0,
        layer_written: 0,
        overlapping: Vec::new(),
        trimmed: Vec::new(),
        missing: Vec::new(),
        summary: ExportSummary::default(),
    }))
}

struct Conll {
    out: Box<dyn Output>,
    iob_name: String,
    iob: BufWriter<Box<dyn Write + Send>>,
    tsv: BufWriter<Box<dyn Write + Send>>,
    layer: String,
    labels: Vec<String>,
    documents: Vec<i64>,
    tokens: usize,
    sentences: usize,
    /// Annotations in `tokens.tsv`, per label in schema order.
    per_label: Vec<usize>,
    layer_total: usize,
    layer_written: usize,
    /// Lines for the README: spans of the layer left out of the IOB2 file.
    overlapping: Vec<String>,
    /// Spans that start or end with whitespace, written on the tokens inside them.
    trimmed: Vec<String>,
    /// Spans in neither file.
    missing: Vec<String>,
    summary: ExportSummary,
}

/// An annotation placed on tokens.
struct Placed<'a> {
    annotation: &'a AnnotationRecord,
    label: usize,
    tokens: std::ops::Range<usize>,
}

impl Exporter for Conll {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let check = SpanCheck::new(doc);
        let cut = Tokens::new(doc);
        let tokens = cut.conll();
        for t in &tokens {
            check.text(0, Unit::CodePoint, t.start, t.end, t.text(&doc.text))?;
        }

        // Every annotation onto its tokens, checked twice.
        let mut placed: Vec<Placed> = Vec::new();
        for a in &doc.annotations {
            if a.start >= a.end {
                return Err(ExportError::Invalid(format!(
                    "annotation {} in document {} is empty",
                    a.id, doc.id
                )));
            }
            check.span(a.id, Unit::CodePoint, a.start, a.end)?;
            self.summary.spans_checked += 1;
            let label = self.labels.iter().position(|l| *l == a.label);
            let Some(range) = covered(&tokens, a.start, a.end) else {
                self.missing
                    .push(describe(doc, a, "whitespace only, so on no token"));
                continue;
            };
            let (start, end) = (tokens[range.start].start, tokens[range.end - 1].end);
            let trimmed = a.quote.trim_matches(is_space);
            check.text(a.id, Unit::CodePoint, start, end, trimmed)?;
            let Some(label) = label else {
                self.missing
                    .push(describe(doc, a, "its label is not in the schema"));
                continue;
            };
            if (start, end) != (a.start, a.end) {
                self.trimmed.push(describe(
                    doc,
                    a,
                    &format!("written on {start}..{end}, without its whitespace"),
                ));
            }
            placed.push(Placed {
                annotation: a,
                label,
                tokens: range,
            });
        }

        // The TSV cells: outermost first, then by id.
        placed.sort_by_key(|p| {
            (
                p.annotation.start,
                std::cmp::Reverse(p.annotation.end),
                p.annotation.id,
            )
        });
        let n_labels = self.labels.len();
        let mut cells: Vec<Vec<String>> = vec![Vec::new(); tokens.len() * n_labels];
        for p in &placed {
            let tag = tag_label(&self.labels[p.label]);
            for i in p.tokens.clone() {
                let bi = if i == p.tokens.start { 'B' } else { 'I' };
                cells[i * n_labels + p.label].push(format!("{bi}-{tag}[{}]", p.annotation.id));
            }
        }

        // IOB2 for the layer: longest first, then earliest, then lowest id.
        let mut layer: Vec<&Placed> = placed
            .iter()
            .filter(|p| p.annotation.label == self.layer)
            .collect();
        layer.sort_by_key(|p| {
            let extent = tokens[p.tokens.end - 1].end - tokens[p.tokens.start].start;
            (
                std::cmp::Reverse(extent),
                p.annotation.start,
                p.annotation.id,
            )
        });
        let mut owner: Vec<Option<i64>> = vec![None; tokens.len()];
        let mut tags: Vec<String> = vec!["O".to_string(); tokens.len()];
        let layer_tag = tag_label(&self.layer);
        self.layer_total += layer.len();
        for p in layer {
            if let Some(other) = p.tokens.clone().find_map(|i| owner[i]) {
                self.overlapping.push(describe(
                    doc,
                    p.annotation,
                    &format!("overlaps annotation {other}"),
                ));
                continue;
            }
            for i in p.tokens.clone() {
                owner[i] = Some(p.annotation.id);
                let bi = if i == p.tokens.start { 'B' } else { 'I' };
                tags[i] = format!("{bi}-{layer_tag}");
            }
            self.layer_written += 1;
        }

        // The IOB2 file.
        let mut block = format!("{DOCSTART}\n\n");
        for (i, t) in tokens.iter().enumerate() {
            if i > 0 && t.sentence != tokens[i - 1].sentence {
                block.push('\n');
            }
            let _ = writeln!(block, "{} _ _ {}", t.text(&doc.text), tags[i]);
        }
        if !tokens.is_empty() {
            block.push('\n');
        }
        self.iob.write_all(block.as_bytes())?;

        // The TSV.
        let mut rows = String::new();
        for (i, t) in tokens.iter().enumerate() {
            let _ = write!(
                rows,
                "{}\t{}\t{i}\t{}\t{}\t{}",
                doc.id,
                t.sentence,
                t.start,
                t.end,
                t.text(&doc.text)
            );
            for cell in &cells[i * n_labels..(i + 1) * n_labels] {
                rows.push('\t');
                if cell.is_empty() {
                    rows.push('O');
                } else {
                    rows.push_str(&cell.join("|"));
                }
            }
            rows.push('\n');
        }
        self.tsv.write_all(rows.as_bytes())?;

        self.per_label.resize(n_labels, 0);
        for p in &placed {
            self.per_label[p.label] += 1;
        }
        self.documents.push(doc.id);
        self.tokens += tokens.len();
        self.sentences += sentence_count(&tokens);
        self.summary.documents += 1;
        self.summary.annotations += placed.len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        self.iob.flush()?;
        self.tsv.flush()?;
        let readme = self.readme();
        let mut file = self.out.create("README.txt")?;
        file.write_all(readme.as_bytes())?;
        file.flush()?;
        Ok(self.summary)
    }
}

impl Conll {
    fn readme(&self) -> String {
        let tag = tag_label(&self.layer);
        let mut r = String::new();
        let _ = writeln!(r, "Claimdesk CoNLL export\n");
        let _ = writeln!(r, "Files");
        let _ = writeln!(
            r,
            "  {}  CoNLL-2003 style, scheme IOB2, label layer {:?} only",
            self.iob_name, self.layer
        );
        let _ = writeln!(
            r,
            "  tokens.tsv  every token with offsets, every annotation of every label"
        );
        let _ = writeln!(r, "  README.txt  this file\n");
        let _ = writeln!(r, "Units");
        let _ = writeln!(
            r,
            "  Offsets are Unicode code points (Python str indices), start inclusive, end exclusive.\n\
             \x20 Sentence and token numbers count from 0 within each document.\n"
        );
        let _ = writeln!(r, "Tokens");
        let _ = writeln!(
            r,
            "  Runs of letters and digits (with their combining marks and joiners), and each other\n\
             \x20 non-whitespace grapheme on its own (punctuation, symbols, emoji, flags). Whitespace is\n\
             \x20 never a token. Every annotation start and end is a token boundary. A sentence ends at a\n\
             \x20 line break, or after . ! ? followed by whitespace, but never inside an annotation.\n"
        );
        let _ = writeln!(r, "{}", self.iob_name);
        let _ = writeln!(
            r,
            "  First line: \"-DOCSTART- scheme=IOB2 layer={tag} O\" (a header in the shape of a document\n\
             \x20 separator, so CoNLL readers skip it), then a blank line. Each document starts with\n\
             \x20 \"{DOCSTART}\" and a blank line; sentences end with a blank line. One token per line:\n\
             \x20 TOKEN _ _ TAG (word, POS, chunk, NER; POS and chunk unknown). Tags: B-{tag}, I-{tag}, O.\n\
             \x20 Documents come in this order (ids): {}\n",
            join_ids(&self.documents)
        );
        let _ = writeln!(r, "tokens.tsv");
        let _ = writeln!(
            r,
            "  Tab-separated with a header row and no quoting: read it with quoting=csv.QUOTE_NONE\n\
             \x20 (and keep_default_na=False in pandas). Columns: document, sentence, token, start, end,\n\
             \x20 text, then one per label: every annotation of that label on the token as\n\
             \x20 B-<label>[<annotation id>] on its first token, I-<label>[<id>] on the others, joined\n\
             \x20 by |, outermost first; O for none. Whitespace and | in labels become _ in tags.\n"
        );
        let _ = writeln!(r, "Counts");
        let _ = writeln!(r, "  documents: {}", self.summary.documents);
        let _ = writeln!(r, "  sentences: {}", self.sentences);
        let _ = writeln!(r, "  tokens: {}", self.tokens);
        let per_label: Vec<String> = self
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{l} {}", self.per_label.get(i).copied().unwrap_or(0)))
            .collect();
        let _ = writeln!(
            r,
            "  annotations in tokens.tsv: {} ({})",
            self.summary.annotations,
            per_label.join(", ")
        );
        let _ = writeln!(
            r,
            "  {} annotations in {}: {} of {}",
            self.layer, self.iob_name, self.layer_written, self.layer_total
        );
        let _ = writeln!(
            r,
            "  annotations checked against their quotes: {}\n",
            self.summary.spans_checked
        );
        let section = |r: &mut String, title: &str, lines: &[String]| {
            let _ = writeln!(r, "{title}: {}", lines.len());
            for line in lines {
                let _ = writeln!(r, "  {line}");
            }
            let _ = writeln!(r);
        };
        section(
            &mut r,
            &format!(
                "Left out of {} because they overlap a longer {} span (all are in tokens.tsv)",
                self.iob_name, self.layer
            ),
            &self.overlapping,
        );
        section(
            &mut r,
            "Starting or ending with whitespace, written on the tokens inside them",
            &self.trimmed,
        );
        section(
            &mut r,
            "Left out of both files (no tokens or no column)",
            &self.missing,
        );
        r
    }
}

/// One annotation, for the README.
fn describe(doc: &DocumentRecord, a: &AnnotationRecord, why: &str) -> String {
    let mut quote: String = a
        .quote
        .chars()
        .take(60)
        .map(|c| if is_space(c) { ' ' } else { c })
        .collect();
    if a.quote.chars().count() > 60 {
        quote.push('…');
    }
    format!(
        "document {} annotation {} {} {}..{} {quote:?}: {why}",
        doc.id, a.id, a.label, a.start, a.end
    )
}

fn join_ids(ids: &[i64]) -> String {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    ids.join(", ")
}

fn sentence_count(tokens: &[Token]) -> usize {
    tokens.last().map_or(0, |t| t.sentence + 1)
}

/// A label as it appears inside a tag: no whitespace, no `|`.
fn tag_label(label: &str) -> String {
    label
        .chars()
        .map(|c| if is_space(c) || c == '|' { '_' } else { c })
        .collect()
}

/// A label as part of a file name: letters, digits, `-` and `_` only.
fn file_part(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::testdata::{doc, documents, project, run, text as file};
    use crate::write::{ExportFormat, MemoryOutput};

    fn export(
        docs: &[DocumentRecord],
        label: Option<&str>,
    ) -> Result<(MemoryOutput, ExportSummary), ExportError> {
        let options = ExportOptions {
            conll_label: label.map(str::to_string),
            ..ExportOptions::default()
        };
        run(ExportFormat::Conll, &project(), &options, docs)
    }

    #[test]
    fn a_small_text_gives_exactly_this_iob2_and_tsv() {
        let d = doc(
            "Putin met Rubio.\nThen left",
            &[(0, 5, "Putin"), (10, 15, "Rubio")],
        );
        let (out, summary) = export(&[d], None).unwrap();
        assert_eq!(
            out.names(),
            ["README.txt", "iob2-Actor.conll", "tokens.tsv"]
        );
        assert_eq!(
            file(&out, "iob2-Actor.conll"),
            "-DOCSTART- scheme=IOB2 layer=Actor O\n\n\
             -DOCSTART- -X- O O\n\n\
             Putin _ _ B-Actor\nmet _ _ O\nRubio _ _ B-Actor\n. _ _ O\n\n\
             Then _ _ O\nleft _ _ O\n\n"
        );
        assert_eq!(
            file(&out, "tokens.tsv"),
            "document\tsentence\ttoken\tstart\tend\ttext\tActor\tClaim\tPosition\n\
             7\t0\t0\t0\t5\tPutin\tB-Actor[1]\tO\tO\n\
             7\t0\t1\t6\t9\tmet\tO\tO\tO\n\
             7\t0\t2\t10\t15\tRubio\tB-Actor[2]\tO\tO\n\
             7\t0\t3\t15\t16\t.\tO\tO\tO\n\
             7\t1\t4\t17\t21\tThen\tO\tO\tO\n\
             7\t1\t5\t22\t26\tleft\tO\tO\tO\n"
        );
        assert_eq!(summary.documents, 1);
        assert_eq!(summary.annotations, 2);
        assert_eq!(summary.spans_checked, 2);
    }

    #[test]
    fn the_chosen_layer_names_the_file_and_the_header() {
        let (out, _) = export(&documents(), Some("Claim")).unwrap();
        let iob = file(&out, "iob2-Claim.conll");
        assert!(iob.starts_with("-DOCSTART- scheme=IOB2 layer=Claim O\n\n"));
        assert_eq!(iob.matches("\n-DOCSTART- -X- O O\n").count(), 3);
        assert!(iob.contains("השלום _ _ I-Claim\n"));
        assert!(!iob.contains("Actor"));
        assert!(export(&documents(), Some("Nope")).is_err());
    }

    /// Parses the TSV: (document, token text, start, end, label cells).
    fn rows(tsv: &str) -> Vec<(i64, String, usize, usize, Vec<String>)> {
        tsv.lines()
            .skip(1)
            .map(|line| {
                let f: Vec<&str> = line.split('\t').collect();
                (
                    f[0].parse().unwrap(),
                    f[5].to_string(),
                    f[3].parse().unwrap(),
                    f[4].parse().unwrap(),
                    f[6..].iter().map(|s| s.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn flags_zwj_and_crlf_tokens_line_up_with_their_code_points() {
        let docs = documents();
        let (out, _) = export(&docs, None).unwrap();
        let rows = rows(&file(&out, "tokens.tsv"));
        for (id, text, start, end, _) in &rows {
            let d = docs.iter().find(|d| d.id == *id).unwrap();
            let sliced: String = d.text.chars().skip(*start).take(end - start).collect();
            assert_eq!(&sliced, text);
            assert!(!text.contains(['\t', '\n', '\r', ' ']));
        }
        let find = |t: &str| rows.iter().find(|r| r.1 == t).unwrap();
        assert_eq!((find("🇺🇦").2, find("🇺🇦").3), (10, 12));
        assert_eq!(find("🇺🇦").4[0], "B-Actor[11]");
        assert_eq!(find("👩‍👩‍👧").4[1], "I-Claim[2]");
        assert_eq!(find("cafe\u{301}").4[0], "B-Actor[7]");
        // The Claim that crosses CRLF goes on over it.
        assert_eq!(find("השלום").4[1], "I-Claim[10]|B-Claim[8]");
    }

    #[test]
    fn overlapping_spans_are_all_in_the_tsv_and_the_dropped_ones_in_the_readme() {
        let docs = documents();
        let (out, summary) = export(&docs, None).unwrap();
        let tsv = file(&out, "tokens.tsv");
        for d in &docs {
            for a in &d.annotations {
                assert!(
                    tsv.contains(&format!("B-{}[{}]", a.label, a.id)),
                    "{}",
                    a.id
                );
            }
        }
        assert_eq!(summary.annotations, 14);
        let rows = rows(&tsv);
        let putin = rows.iter().find(|r| r.1 == "Putin").unwrap();
        assert_eq!(putin.4[0], "B-Actor[5]|B-Actor[4]");
        // "said: “A ceasefire" crosses the Claim.
        let a = rows.iter().find(|r| r.1 == "A").unwrap();
        assert_eq!(a.4, ["O", "B-Claim[2]", "I-Position[6]"]);

        let iob = file(&out, "iob2-Actor.conll");
        assert!(iob.contains("Putin _ _ B-Actor\n( _ _ I-Actor\n"));
        let readme = file(&out, "README.txt");
        assert!(readme.contains("annotation 4 Actor 62..67 \"Putin\": overlaps annotation 5"));
        assert!(readme.contains("Actor annotations in iob2-Actor.conll: 6 of 7"));
        assert!(readme.contains("scheme IOB2"));
        assert!(readme.contains("code points"));
        assert!(readme.contains("(ids): 1, 2, 3"));
    }

    #[test]
    fn spans_with_edge_whitespace_are_trimmed_and_whitespace_only_ones_are_reported() {
        let d = doc("x Putin  y", &[(1, 7, " Putin"), (7, 8, " ")]);
        let (out, summary) = export(&[d], None).unwrap();
        assert!(file(&out, "tokens.tsv").contains("\tPutin\tB-Actor[1]\t"));
        let readme = file(&out, "README.txt");
        assert!(readme.contains("annotation 1 Actor 1..7 \" Putin\": written on 2..7"));
        assert!(readme.contains("annotation 2 Actor 7..8 \" \": whitespace only"));
        assert_eq!(summary.annotations, 1);
        assert_eq!(summary.spans_checked, 2);
    }

    #[test]
    fn a_wrong_quote_fails_the_self_check() {
        let mut docs = documents();
        docs[0].annotations[0].quote = "Zelenskyy".into();
        let id = docs[0].annotations[0].id;
        let Err(error) = export(&docs, None) else {
            panic!("the export passed")
        };
        assert!(
            matches!(error, ExportError::SelfCheck { annotation_id, document_id: 1, .. } if annotation_id == id)
        );
    }

    #[test]
    fn a_quote_wrong_only_by_a_shift_fails_too() {
        let mut d = doc("Putin met Rubio", &[(0, 5, "Putin")]);
        d.annotations[0].start = 1;
        d.annotations[0].end = 6;
        assert!(matches!(
            export(&[d], None),
            Err(ExportError::SelfCheck { .. })
        ));
    }
}
