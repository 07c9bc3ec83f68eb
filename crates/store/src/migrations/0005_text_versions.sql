-- Schema version 5: a document's text can be replaced by a corrected version. Frozen once shipped.
--
-- The text was immutable; now it changes only through Project::replace_text, which re-anchors
-- the annotations and keeps the old text in the event log, so the change can be undone. The
-- full-text index follows in the program (a document not yet indexed must not be touched).
DROP TRIGGER documents_text_is_immutable;

-- A stray UPDATE of the text alone is still refused: a new text comes with its own digest and
-- length, as replace_text writes them.
CREATE TRIGGER documents_text_changes_whole BEFORE UPDATE OF text, sha256 ON documents
    WHEN new.sha256 = old.sha256 OR new.char_count != length(new.text)
BEGIN
    SELECT RAISE(ABORT, 'a document text changes only with its digest and length');
END;

-- Annotations that could not be placed on a new text, set aside with their links until the
-- analyst places them by hand or deletes them. `annotation` and `relations` hold them as they
-- were (JSON), so placing one brings everything back.
CREATE TABLE orphans (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,
    document_id   INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    annotator_id  INTEGER NOT NULL REFERENCES annotators (id),
    annotation    TEXT NOT NULL CHECK (json_valid(annotation)),
    relations     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(relations)),
    reason        TEXT NOT NULL,
    orphaned_at   TEXT NOT NULL
);

CREATE INDEX orphans_by_document ON orphans (document_id);

-- A new version of a document is found by its URL (imports of new versions, merges of a
-- coder's copy) without reading every document.
CREATE INDEX documents_by_url ON documents (url) WHERE url IS NOT NULL;
