//! Reading the project out for exports: the schema and entities, and the documents in a scope,
//! one at a time, with labels and annotators resolved to names.

use std::collections::HashMap;

use rusqlite::{params_from_iter, Connection};

use claimdesk_core::dataset::{
    AnnotationRecord, DocumentRecord, EntityKind, LabelInfo, ProjectInfo, RelationRecord,
    RelationTypeInfo, Scope,
};

use crate::error::{Result, StoreError};
use crate::open::Project;
use crate::rows::{
    alias_from_row, document_from_row, entity_from_row, qualified, StoredAnnotation, StoredCoder,
    StoredRelation, ALIAS_COLUMNS, ANNOTATION_COLUMNS, ANNOTATION_COLUMNS_FOR_CODING,
    CODER_COLUMNS, DOCUMENT_COLUMNS, DOCUMENT_COLUMNS_WITHOUT_TEXT, ENTITY_COLUMNS,
    RELATION_COLUMNS,
};

/// Documents read at once with their texts: few, as a text may be long.
const TEXTS_AT_ONCE: usize = 32;
/// Documents read at once for their coding alone.
pub(crate) const CODING_AT_ONCE: usize = 500;

impl Project {
    /// The schema, the entities and the annotators who coded.
    pub fn project_info(&self) -> Result<ProjectInfo> {
        project_info(&self.conn)
    }

    /// The ids of the documents in `scope`, in id order.
    pub fn scope_documents(&self, scope: &Scope) -> Result<Vec<i64>> {
        scope_documents(&self.conn, scope)
    }

    /// One document as exports see it, with the annotations and relations `scope` keeps.
    pub fn document_record(&self, id: i64, scope: &Scope) -> Result<DocumentRecord> {
        Reader::new(&self.conn, scope)?.document(id)
    }

    /// Calls `each` with every document in `scope`, in id order, from one consistent snapshot
    /// of the project (writes made meanwhile, by this or another process, are not seen).
    /// Stops at the first error `each` returns.
    pub fn read_scope<E: From<StoreError>>(
        &self,
        scope: &Scope,
        mut each: impl FnMut(DocumentRecord) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.in_snapshot(|| {
            let reader = Reader::new(&self.conn, scope)?;
            for batch in scope_documents(&self.conn, scope)?.chunks(TEXTS_AT_ONCE) {
                for doc in reader.documents(batch)? {
                    each(doc)?;
                }
            }
            Ok(())
        })
    }

    /// Runs `read` in one read transaction, which pins a consistent snapshot of the project
    /// (writes made meanwhile, by this or another process, are not seen). It is only ever read
    /// from, so ending it by commit or rollback is the same.
    pub(crate) fn in_snapshot<T, E: From<StoreError>>(
        &self,
        read: impl FnOnce() -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(StoreError::from)?;
        let result = read();
        let end = self.conn.execute_batch("COMMIT").map_err(StoreError::from);
        let value = result?;
        end?;
        Ok(value)
    }

    /// Calls `each` with every coded document in `scope` (its coding, not its text) and the
    /// statements derived from it: what statements and counts read. Only coded documents are
    /// read: in a large corpus most documents have none.
    pub(crate) fn each_coded(
        &self,
        scope: &Scope,
        mut each: impl FnMut(&DocumentRecord, Vec<claimdesk_core::statement::Statement>),
    ) -> Result<()> {
        let info = self.project_info()?;
        let reader = Reader::coding(&self.conn, scope)?;
        for batch in coded_scope_documents(&self.conn, scope)?.chunks(CODING_AT_ONCE) {
            for doc in reader.documents(batch)? {
                let statements = claimdesk_core::statement::statements(&doc, &info);
                each(&doc, statements);
            }
        }
        Ok(())
    }
}

pub(crate) fn project_info(conn: &Connection) -> Result<ProjectInfo> {
    let mut labels = Vec::new();
    for label in crate::documents::read_labels(conn)? {
        labels.push(LabelInfo {
            name: label.name,
            colour: label.colour,
            hotkey: label.hotkey,
            attributes: label.attributes,
        });
    }
    let mut aliases: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ALIAS_COLUMNS} FROM entity_aliases ORDER BY entity_id, alias"
    ))?;
    for row in stmt.query_map([], alias_from_row)? {
        let (id, alias) = row?;
        aliases.entry(id).or_default().push(alias);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTITY_COLUMNS} FROM entities ORDER BY id"
    ))?;
    let mut entities = Vec::new();
    for row in stmt.query_map([], |r| Ok(entity_from_row(r)))? {
        let mut entity = row??;
        entity.aliases = aliases.remove(&entity.id).unwrap_or_default();
        entities.push(entity);
    }
    // Annotators who coded something: whoever only imported or browsed is not part of the data.
    let mut stmt = conn.prepare_cached(
        "SELECT name FROM annotators WHERE id IN
             (SELECT annotator_id FROM annotations UNION SELECT annotator_id FROM relations)
         ORDER BY id",
    )?;
    let annotators = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    let label_names: HashMap<i64, String> = crate::documents::read_labels(conn)?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    let names = |ids: &[i64]| -> Vec<String> {
        ids.iter()
            .filter_map(|id| label_names.get(id).cloned())
            .collect()
    };
    let relation_types = crate::schema::read_relation_types(conn)?
        .into_iter()
        .map(|t| RelationTypeInfo {
            from_labels: names(&t.from_labels),
            to_labels: names(&t.to_labels),
            name: t.name,
        })
        .collect();
    Ok(ProjectInfo {
        labels,
        entities,
        annotators,
        relation_types,
    })
}

pub(crate) fn entity_kind(kind: &str) -> Result<EntityKind> {
    match kind {
        "actor" => Ok(EntityKind::Actor),
        "concept" => Ok(EntityKind::Concept),
        other => Err(StoreError::Corrupt(format!(
            "unknown entity kind {other:?}"
        ))),
    }
}

fn scope_documents(conn: &Connection, scope: &Scope) -> Result<Vec<i64>> {
    scope_documents_where(conn, scope, "")
}

/// The documents in `scope` that have at least one annotation.
pub(crate) fn coded_scope_documents(conn: &Connection, scope: &Scope) -> Result<Vec<i64>> {
    scope_documents_where(
        conn,
        scope,
        " AND d.id IN (SELECT document_id FROM document_stats WHERE annotation_count > 0)",
    )
}

fn scope_documents_where(conn: &Connection, scope: &Scope, extra: &str) -> Result<Vec<i64>> {
    let mut sql = String::from("SELECT d.id FROM documents d WHERE 1 = 1");
    sql.push_str(extra);
    let mut params: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(ids) = &scope.documents {
        sql.push_str(" AND d.id IN (SELECT value FROM json_each(?))");
        params.push(serde_json::to_string(ids)?.into());
    }
    if let Some(from) = scope.date_from {
        sql.push_str(" AND d.date >= ?");
        params.push(from.to_string().into());
    }
    if let Some(to) = scope.date_to {
        sql.push_str(" AND d.date <= ?");
        params.push(to.to_string().into());
    }
    if let Some(query) = scope.search.as_deref().filter(|q| !q.trim().is_empty()) {
        sql.push_str(" AND d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)");
        params.push(query.to_string().into());
    }
    if let Some(set) = scope.set_id {
        sql.push_str(
            " AND d.id IN (SELECT document_id FROM document_set_members WHERE set_id = ?)",
        );
        params.push(set.into());
    }
    sql.push_str(" ORDER BY d.id");
    let mut stmt = conn.prepare(&sql)?;
    let ids = stmt
        .query_map(params_from_iter(params), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>();
    ids.map_err(|e| match (&e, scope.search.as_deref()) {
        // A malformed query is the user's to fix; other failures are the database's.
        (rusqlite::Error::SqliteFailure(f, message), Some(query))
            if f.code == rusqlite::ErrorCode::Unknown =>
        {
            StoreError::BadSearch(format!("{query:?} ({})", message.as_deref().unwrap_or("")))
        }
        _ => StoreError::from(e),
    })
}

/// Reads documents with the annotation filters of a scope, with names resolved once.
pub(crate) struct Reader<'c> {
    conn: &'c Connection,
    labels: HashMap<i64, String>,
    annotators: HashMap<i64, String>,
    label_filter: Option<Vec<String>>,
    annotator_filter: Option<Vec<String>>,
    seen_by: Option<String>,
    /// Documents are read with an empty text, and annotations without their context and note
    /// (statements and counts need only the coding).
    without_text: bool,
}

impl<'c> Reader<'c> {
    pub(crate) fn new(conn: &'c Connection, scope: &Scope) -> Result<Reader<'c>> {
        let labels = crate::documents::read_labels(conn)?
            .into_iter()
            .map(|l| (l.id, l.name))
            .collect();
        let annotators = conn
            .prepare(&format!("SELECT {CODER_COLUMNS} FROM annotators"))?
            .query_map([], StoredCoder::from_row)?
            .map(|c| c.map(|c| (c.id, c.name)))
            .collect::<rusqlite::Result<_>>()?;
        Ok(Reader {
            conn,
            labels,
            annotators,
            label_filter: scope.labels.clone(),
            annotator_filter: scope.annotators.clone(),
            seen_by: scope.seen_by.clone(),
            without_text: false,
        })
    }

    /// A reader of documents' coding alone (no text, no context, no note).
    pub(crate) fn coding(conn: &'c Connection, scope: &Scope) -> Result<Reader<'c>> {
        Ok(Reader {
            without_text: true,
            ..Reader::new(conn, scope)?
        })
    }

    fn name(map: &HashMap<i64, String>, id: i64, what: &str) -> Result<String> {
        map.get(&id)
            .cloned()
            .ok_or_else(|| StoreError::Corrupt(format!("{what} {id} is referenced but missing")))
    }

    fn document(&self, id: i64) -> Result<DocumentRecord> {
        self.documents(&[id])?
            .pop()
            .ok_or(StoreError::UnknownDocument(id))
    }

    /// Documents `ids`, in that order, read with three statements for all of them (their rows,
    /// their annotations, their links) rather than three for each: a corpus is read in batches.
    pub(crate) fn documents(&self, ids: &[i64]) -> Result<Vec<DocumentRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // The ids are the database's own integers: written into the statement, they need no
        // binding, and SQLite looks each up in the index.
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        // Ids close together (a corpus read in order, where most documents are in the scope) are
        // read as one range of the index, and rows of the documents between them left out here.
        let wanted: std::collections::HashSet<i64> = ids.iter().copied().collect();
        let (first, last) = (
            *ids.iter().min().unwrap_or(&0),
            *ids.iter().max().unwrap_or(&0),
        );
        let of_documents = |column: &str| {
            if last - first < 4 * ids.len() as i64 {
                format!("{column} BETWEEN {first} AND {last}")
            } else {
                format!("{column} IN ({list})")
            }
        };
        let columns = if self.without_text {
            DOCUMENT_COLUMNS_WITHOUT_TEXT
        } else {
            DOCUMENT_COLUMNS
        };
        let mut docs: HashMap<i64, claimdesk_core::Document> = HashMap::with_capacity(ids.len());
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {columns} FROM documents WHERE id IN ({list})"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let doc = document_from_row(r)?;
            docs.insert(doc.id, doc);
        }

        // Blind mode: until a document is adjudicated, the coder sees only their own work.
        let adjudicated: std::collections::HashSet<i64> = match &self.seen_by {
            Some(_) => self
                .conn
                .prepare(&format!(
                    "SELECT document_id FROM adjudications WHERE document_id IN ({list})"
                ))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
            None => Default::default(),
        };
        let mut annotations: HashMap<i64, Vec<AnnotationRecord>> = HashMap::new();
        let columns = if self.without_text {
            ANNOTATION_COLUMNS_FOR_CODING
        } else {
            ANNOTATION_COLUMNS
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {columns} FROM annotations WHERE {}",
            of_documents("document_id")
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let a = StoredAnnotation::from_row(r)?;
            if !wanted.contains(&a.document_id) {
                continue;
            }
            let label = Self::name(&self.labels, a.label_id, "label")?;
            let annotator = Self::name(&self.annotators, a.annotator_id, "annotator")?;
            let blind_to_others = self.seen_by.is_some() && !adjudicated.contains(&a.document_id);
            if !keep(&self.label_filter, &label)
                || !keep(&self.annotator_filter, &annotator)
                || (blind_to_others && self.seen_by.as_deref() != Some(annotator.as_str()))
            {
                continue;
            }
            let a = a.into_annotation()?;
            annotations
                .entry(a.document_id)
                .or_default()
                .push(AnnotationRecord {
                    id: a.id,
                    uid: a.uid,
                    label,
                    start: a.start,
                    end: a.end,
                    quote: a.quote,
                    prefix: a.prefix,
                    suffix: a.suffix,
                    attributes: a.attributes,
                    note: a.note,
                    entity_id: a.entity_id,
                    annotator,
                    created_at: a.created_at,
                    updated_at: a.updated_at,
                });
        }

        let kept: std::collections::HashSet<i64> = annotations
            .values()
            .flat_map(|list| list.iter().map(|a| a.id))
            .collect();
        let mut relations: HashMap<i64, Vec<RelationRecord>> = HashMap::new();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {}, a.document_id AS of_document FROM relations r
             JOIN annotations a ON a.id = r.from_id
             WHERE {}",
            qualified("r", RELATION_COLUMNS),
            of_documents("a.document_id")
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            // The column after the relation's own.
            let document: i64 = row.get(RELATION_COLUMNS.split(',').count())?;
            let r = StoredRelation::from_row(row)?;
            // (An annotation of a document outside the batch is not among those kept.)
            if !kept.contains(&r.from_id) || !kept.contains(&r.to_id) {
                continue;
            }
            let annotator = Self::name(&self.annotators, r.annotator_id, "annotator")?;
            let r = r.into_relation()?;
            relations.entry(document).or_default().push(RelationRecord {
                id: r.id,
                uid: r.uid,
                kind: r.kind,
                from_id: r.from_id,
                to_id: r.to_id,
                annotator,
                created_at: r.created_at,
            });
        }

        // In a document's order (sorting here, by document, costs less than SQLite's sorter).
        for list in annotations.values_mut() {
            list.sort_unstable_by_key(|a| (a.start, a.end, a.id));
        }
        for list in relations.values_mut() {
            list.sort_unstable_by_key(|r| r.id);
        }
        ids.iter()
            .map(|&id| {
                let doc = docs.remove(&id).ok_or(StoreError::UnknownDocument(id))?;
                Ok(DocumentRecord {
                    id: doc.id,
                    title: doc.title,
                    date: doc.date,
                    source: doc.source,
                    author: doc.author,
                    url: doc.url,
                    language: doc.language,
                    metadata: doc.metadata,
                    sha256: doc.sha256,
                    imported_at: doc.imported_at,
                    text: doc.text,
                    annotations: annotations.remove(&id).unwrap_or_default(),
                    relations: relations.remove(&id).unwrap_or_default(),
                })
            })
            .collect()
    }
}

fn keep(filter: &Option<Vec<String>>, name: &str) -> bool {
    filter
        .as_ref()
        .is_none_or(|names| names.iter().any(|n| n == name))
}

impl Project {
    /// The Counts view's figures for the documents and coding in `scope`, statements as
    /// `filter` keeps them, from one consistent snapshot.
    pub fn counts(
        &self,
        scope: &Scope,
        filter: &claimdesk_core::analysis::Filter,
    ) -> Result<claimdesk_core::analysis::Counts> {
        let mut counter = claimdesk_core::analysis::Counter::default();
        let in_view = self.in_snapshot(|| {
            let in_view = scope_documents(&self.conn, scope)?.len();
            self.each_coded(scope, |doc, statements| {
                counter.document(doc, &statements, filter)
            })?;
            Ok::<_, StoreError>(in_view)
        })?;
        Ok(counter.finish(in_view))
    }
}
