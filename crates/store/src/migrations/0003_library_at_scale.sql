-- Schema version 3: the library at corpus scale. Frozen once shipped.
--
-- The library lists, sorts, filters and counts a million documents a page at a time, in SQL:
-- how many annotations each document has is kept (triggers keep it), and every sort order has
-- an index that gives it directly, so a page is read without visiting the rest.

-- Kept beside the documents, not in them: a document's row holds its whole text, and updating
-- it on every annotation would rewrite (or at least walk) a megabyte for a one-character edit.
CREATE TABLE document_stats (
    document_id       INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    annotation_count  INTEGER NOT NULL DEFAULT 0
);

INSERT INTO document_stats (document_id, annotation_count)
SELECT d.id, (SELECT count(*) FROM annotations a WHERE a.document_id = d.id) FROM documents d;

CREATE TRIGGER documents_get_stats AFTER INSERT ON documents
BEGIN
    INSERT INTO document_stats (document_id) VALUES (new.id);
END;

CREATE TRIGGER annotations_counted_on_insert AFTER INSERT ON annotations
BEGIN
    UPDATE document_stats SET annotation_count = annotation_count + 1
    WHERE document_id = new.document_id;
END;

CREATE TRIGGER annotations_counted_on_delete AFTER DELETE ON annotations
BEGIN
    UPDATE document_stats SET annotation_count = annotation_count - 1
    WHERE document_id = old.document_id;
END;

CREATE INDEX document_stats_by_annotation_count ON document_stats (annotation_count, document_id);

-- Undated documents and those without a source come last in either direction, so each of these
-- orders has an index for ascending and one for descending.
CREATE INDEX documents_by_date ON documents (date IS NULL, date, id);
CREATE INDEX documents_by_date_descending ON documents (date IS NULL, date DESC, id DESC);
CREATE INDEX documents_by_source ON documents (source IS NULL, source COLLATE NOCASE, id);
CREATE INDEX documents_by_source_descending
    ON documents (source IS NULL, source COLLATE NOCASE DESC, id DESC);
CREATE INDEX documents_by_title ON documents (title COLLATE NOCASE, id);

-- The documents a label or a coder appears in: coded documents are few in a large corpus, and
-- these find them without reading the others.
CREATE INDEX annotations_by_label_and_document ON annotations (label_id, document_id);
CREATE INDEX annotations_by_annotator_and_document ON annotations (annotator_id, document_id);
DROP INDEX annotations_by_label;

-- Samples: named sets of documents drawn from a filter or a search, with how they were drawn
-- (the query, the size, the seed, the strata) so the same sample can be drawn and reported again.
CREATE TABLE document_sets (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    drawn       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(drawn)),
    created_at  TEXT NOT NULL
);

CREATE TABLE document_set_members (
    set_id       INTEGER NOT NULL REFERENCES document_sets (id) ON DELETE CASCADE,
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (set_id, document_id)
) WITHOUT ROWID;

CREATE INDEX document_set_members_by_document ON document_set_members (document_id);
