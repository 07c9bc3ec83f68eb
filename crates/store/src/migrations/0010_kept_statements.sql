-- Schema version 10: statements kept. Frozen once shipped.
--
-- The Analysis views read every statement of the project: derived from the coding each time,
-- 100,000 statements take most of a second to read. Each coded document's statements are kept
-- here as the core's rule derived them, and derived again only for the documents whose coding
-- changed since. Triggers mark those documents, whoever changes them (an edit, undo, an import,
-- a merge, the team server); a reader derives a marked document's statements afresh.
--
-- Names are not kept: an actor or a concept is named by its entity when it has one, and an
-- entity may be renamed without touching the coding. Its entity id and its own quote are kept,
-- and the name is looked up when read. A document's date, source and title are read from it.
CREATE TABLE statement_rows (
    document_id             INTEGER NOT NULL,
    -- The statement's place among its document's statements.
    seq                     INTEGER NOT NULL,
    actor_annotation_id     INTEGER NOT NULL,
    actor_entity_id         INTEGER,
    actor_quote             TEXT NOT NULL,
    claim_annotation_id     INTEGER NOT NULL,
    concept_entity_id       INTEGER,
    claim_quote             TEXT NOT NULL,
    stance                  TEXT,
    position_annotation_id  INTEGER,
    PRIMARY KEY (document_id, seq)
) WITHOUT ROWID;

-- Documents whose kept statements may be out of date. No reference to documents: a deleted
-- document is marked as its annotations go, and its statements are dropped when marks are met.
CREATE TABLE statements_stale (
    document_id  INTEGER PRIMARY KEY
);

INSERT INTO statements_stale (document_id) SELECT DISTINCT document_id FROM annotations;

CREATE TRIGGER statements_stale_on_annotation_insert AFTER INSERT ON annotations
BEGIN
    INSERT OR IGNORE INTO statements_stale (document_id) VALUES (NEW.document_id);
END;

CREATE TRIGGER statements_stale_on_annotation_update AFTER UPDATE ON annotations
BEGIN
    INSERT OR IGNORE INTO statements_stale (document_id) VALUES (OLD.document_id);
    INSERT OR IGNORE INTO statements_stale (document_id) VALUES (NEW.document_id);
END;

CREATE TRIGGER statements_stale_on_annotation_delete AFTER DELETE ON annotations
BEGIN
    INSERT OR IGNORE INTO statements_stale (document_id) VALUES (OLD.document_id);
END;

CREATE TRIGGER statements_stale_on_relation_insert AFTER INSERT ON relations
BEGIN
    INSERT OR IGNORE INTO statements_stale (document_id)
    SELECT document_id FROM annotations WHERE id IN (NEW.from_id, NEW.to_id);
END;

CREATE TRIGGER statements_stale_on_relation_update AFTER UPDATE ON relations
BEGIN
    INSERT OR IGNORE INTO statements_stale (document_id)
    SELECT document_id FROM annotations WHERE id IN (OLD.from_id, OLD.to_id, NEW.from_id, NEW.to_id);
END;

CREATE TRIGGER statements_stale_on_relation_delete AFTER DELETE ON relations
BEGIN
    INSERT OR IGNORE INTO statements_stale (document_id)
    SELECT document_id FROM annotations WHERE id IN (OLD.from_id, OLD.to_id);
END;

-- A document's own row changes its statements' date, source and title only, which are read
-- from it; its deletion deletes its annotations, which marks it.
