//! `.spacy` files: a `DocBin` as spaCy writes it (the parent module says what each Doc holds).

use std::collections::{BTreeSet, HashMap};
use std::io::{BufWriter, Write};

use flate2::write::ZlibEncoder;
use flate2::Compression;
use serde_json::{json, Value};

use claimdesk_core::dataset::{DocumentRecord, ProjectInfo};

use super::strings::string_id;
use super::{meta, msgpack, prepare};
use crate::write::{ExportError, ExportOptions, ExportSummary, Exporter, Output};

pub(crate) fn new_docbin(
    project: &ProjectInfo,
    options: &ExportOptions,
    mut out: Box<dyn Output>,
) -> Result<Box<dyn Exporter>, ExportError> {
    let _ = options;
    let file = out.create("export.spacy")?;
    Ok(Box::new(DocBin {
        file: Some(file),
        labels: project.labels.iter().map(|l| l.name.clone()).collect(),
        entities: project
            .entities
            .iter()
            .map(|e| (e.id, e.name.clone()))
            .collect(),
        tokens: Vec::new(),
        spaces: Vec::new(),
        lengths: Vec::new(),
        strings: BTreeSet::new(),
        span_groups: Vec::new(),
        user_data: Vec::new(),
        summary: ExportSummary::default(),
    }))
}

/// spaCy's attribute ids (`spacy.attrs`), in the order of the token columns.
pub(super) const ORTH: u64 = 65;
pub(super) const ENT_IOB: u64 = 77;
pub(super) const ENT_TYPE: u64 = 78;
pub(super) const SENT_START: u64 = 80;
pub(super) const ENT_KB_ID: u64 = 452;
pub(super) const ENT_ID: u64 = 454;
pub(super) const ATTRS: [u64; 6] = [ORTH, ENT_IOB, ENT_TYPE, SENT_START, ENT_KB_ID, ENT_ID];

/// `Token.iob_strings()`: missing, inside, outside, beginning.
pub(super) const IOB_MISSING: u64 = 0;
pub(super) const IOB_I: u64 = 1;
pub(super) const IOB_O: u64 = 2;
pub(super) const IOB_B: u64 = 3;

struct DocBin {
    file: Option<Box<dyn Write + Send>>,
    labels: Vec<String>,
    entities: HashMap<i64, String>,
    /// Little-endian u64 rows of `ATTRS`, all documents one after the other.
    tokens: Vec<u8>,
    spaces: Vec<u8>,
    /// Little-endian i32 token counts.
    lengths: Vec<u8>,
    strings: BTreeSet<String>,
    span_groups: Vec<Vec<u8>>,
    user_data: Vec<Vec<u8>>,
    summary: ExportSummary,
}

impl DocBin {
    fn intern(&mut self, s: &str) -> u64 {
        if !self.strings.contains(s) {
            self.strings.insert(s.to_string());
        }
        string_id(s)
    }
}

impl Exporter for DocBin {
    fn document(&mut self, doc: &DocumentRecord) -> Result<(), ExportError> {
        let p = prepare(doc, &mut self.summary)?;

        // Per-token entity columns.
        let n = p.tokens.len();
        let mut iob = vec![IOB_O; n];
        let mut ent_type = vec![0u64; n];
        let mut kb = vec![0u64; n];
        let mut ent_id = vec![0u64; n];
        for ((a, range), &ent) in p.spans.iter().zip(&p.ents) {
            if !ent {
                continue;
            }
            let label = self.intern(&a.label);
            let id = self.intern(&a.id.to_string());
            let entity = match a.entity_id {
                Some(e) => self.intern(&e.to_string()),
                None => 0,
            };
            for t in range.clone() {
                iob[t] = if t == range.start { IOB_B } else { IOB_I };
                ent_type[t] = label;
                kb[t] = entity;
                ent_id[t] = id;
            }
        }
        for ((_, range), &ent) in p.spans.iter().zip(&p.ents) {
            if !ent {
                for t in range.clone() {
                    if iob[t] == IOB_O {
                        iob[t] = IOB_MISSING;
                    }
                }
            }
        }
        for (i, t) in p.tokens.iter().enumerate() {
            let orth = self.intern(t.text(&doc.text));
            let sent_start = if i == 0 || p.tokens[i - 1].sentence != t.sentence {
                1
            } else {
                u64::MAX // -1: not a sentence start
            };
            for v in [orth, iob[i], ent_type[i], sent_start, kb[i], ent_id[i]] {
                self.tokens.extend_from_slice(&v.to_le_bytes());
            }
            self.spaces.push(u8::from(t.ws));
        }
        let length = i32::try_from(n)
            .map_err(|_| ExportError::Invalid(format!("document {} is too long", doc.id)))?;
        self.lengths.extend_from_slice(&length.to_le_bytes());

        // Span groups: "sc" with everything, then one per label.
        let mut packed: Vec<(&str, Vec<u8>)> = Vec::with_capacity(p.spans.len());
        for (a, range) in &p.spans {
            let id = self.intern(&a.id.to_string());
            let kb = match a.entity_id {
                Some(e) => self.intern(&e.to_string()),
                None => 0,
            };
            let label = self.intern(&a.label);
            let mut bytes = Vec::with_capacity(40);
            bytes.extend_from_slice(&id.to_be_bytes());
            bytes.extend_from_slice(&kb.to_be_bytes());
            bytes.extend_from_slice(&label.to_be_bytes());
            for v in [range.start, range.end, a.start, a.end] {
                let v = i32::try_from(v).map_err(|_| {
                    ExportError::Invalid(format!("document {} is too long", doc.id))
                })?;
                bytes.extend_from_slice(&v.to_be_bytes());
            }
            packed.push((a.label.as_str(), bytes));
        }
        let mut groups: Vec<(&str, Vec<&[u8]>)> =
            vec![("sc", packed.iter().map(|(_, b)| b.as_slice()).collect())];
        let mut names: Vec<&str> = self.labels.iter().map(String::as_str).collect();
        for (label, _) in &packed {
            if !names.contains(label) {
                names.push(label);
            }
        }
        for name in names.into_iter().filter(|n| *n != "sc") {
            let spans = packed
                .iter()
                .filter(|(l, _)| *l == name)
                .map(|(_, b)| b.as_slice())
                .collect();
            groups.push((name, spans));
        }
        let mut msg = Vec::new();
        msgpack::map(&mut msg, groups.len());
        for (name, spans) in &groups {
            let mut group = Vec::new();
            msgpack::map(&mut group, 3);
            msgpack::str(&mut group, "name");
            msgpack::str(&mut group, name);
            msgpack::str(&mut group, "attrs");
            msgpack::map(&mut group, 0);
            msgpack::str(&mut group, "spans");
            msgpack::array(&mut group, spans.len());
            for span in spans {
                msgpack::bin(&mut group, span);
            }
            msgpack::bin(&mut msg, &group);
            msgpack::array(&mut msg, 1);
            msgpack::str(&mut msg, name);
        }
        self.span_groups.push(msg);

        // User data: everything else about the document.
        let annotations: Vec<Value> = p
            .spans
            .iter()
            .zip(&p.ents)
            .map(|((a, _), ent)| {
                json!({
                    "id": a.id,
                    "label": a.label,
                    "start": a.start,
                    "end": a.end,
                    "annotator": a.annotator,
                    "entity_id": a.entity_id,
                    "entity": a.entity_id.and_then(|e| self.entities.get(&e)),
                    "attributes": a.attributes,
                    "note": a.note,
                    "in_ents": ent,
                })
            })
            .collect();
        let relations: Vec<Value> = doc
            .relations
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "kind": r.kind,
                    "from_id": r.from_id,
                    "to_id": r.to_id,
                    "annotator": r.annotator,
                })
            })
            .collect();
        let data = json!({
            "document": meta(doc),
            "annotations": annotations,
            "relations": relations,
        });
        let mut user = Vec::new();
        msgpack::map(&mut user, 1);
        msgpack::array(&mut user, 4);
        msgpack::str(&mut user, "._.");
        msgpack::str(&mut user, "claimdesk");
        msgpack::nil(&mut user);
        msgpack::nil(&mut user);
        msgpack::json(&mut user, &data);
        self.user_data.push(user);

        self.summary.documents += 1;
        self.summary.annotations += p.spans.len();
        self.summary.relations += doc.relations.len();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<ExportSummary, ExportError> {
        let file = self
            .file
            .take()
            .ok_or_else(|| ExportError::Invalid("the export was finished twice".into()))?;
        let mut z = ZlibEncoder::new(BufWriter::new(file), Compression::default());
        let n = self.span_groups.len();
        let mut head = Vec::new();
        msgpack::map(&mut head, 10);
        msgpack::str(&mut head, "version");
        msgpack::str(&mut head, "0.1");
        msgpack::str(&mut head, "attrs");
        msgpack::array(&mut head, ATTRS.len());
        for a in ATTRS {
            msgpack::uint(&mut head, a);
        }
        msgpack::str(&mut head, "tokens");
        msgpack::bin_header(&mut head, self.tokens.len());
        z.write_all(&head)?;
        z.write_all(&self.tokens)?;

        let mut buf = Vec::new();
        msgpack::str(&mut buf, "spaces");
        msgpack::bin(&mut buf, &self.spaces);
        msgpack::str(&mut buf, "lengths");
        msgpack::bin(&mut buf, &self.lengths);
        msgpack::str(&mut buf, "strings");
        msgpack::array(&mut buf, self.strings.len());
        for s in &self.strings {
            msgpack::str(&mut buf, s);
        }
        msgpack::str(&mut buf, "cats");
        msgpack::array(&mut buf, n);
        for _ in 0..n {
            msgpack::map(&mut buf, 0);
        }
        msgpack::str(&mut buf, "flags");
        msgpack::array(&mut buf, n);
        for _ in 0..n {
            msgpack::map(&mut buf, 1);
            msgpack::str(&mut buf, "has_unknown_spaces");
            msgpack::bool(&mut buf, false);
        }
        msgpack::str(&mut buf, "span_groups");
        msgpack::array(&mut buf, n);
        for g in &self.span_groups {
            msgpack::bin(&mut buf, g);
        }
        msgpack::str(&mut buf, "user_data");
        msgpack::array(&mut buf, n);
        for u in &self.user_data {
            msgpack::bin(&mut buf, u);
        }
        z.write_all(&buf)?;
        let mut file = z.finish()?;
        file.flush()?;
        Ok(self.summary)
    }
}
