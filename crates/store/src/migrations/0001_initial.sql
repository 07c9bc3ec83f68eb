-- Schema version 1: the first shipped schema. Frozen: later versions add migrations, never edit
-- this file.

CREATE TABLE annotators (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    created_at  TEXT NOT NULL
);

-- The text is immutable once imported (see the trigger below), kept exactly as decoded.
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    text         TEXT NOT NULL,
    char_count   INTEGER NOT NULL,
    title        TEXT NOT NULL,
    date         TEXT,
    source       TEXT,
    author       TEXT,
    url          TEXT,
    language     TEXT,
    metadata     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    sha256       TEXT NOT NULL UNIQUE,
    imported_at  TEXT NOT NULL
);

CREATE TRIGGER documents_text_is_immutable BEFORE UPDATE OF text, sha256 ON documents
BEGIN
    SELECT RAISE(ABORT, 'document text is immutable');
END;

CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text, content = 'documents', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);

-- New documents are indexed by the store when an import commits (Batch::flush_index), not by a
-- trigger: FTS5 flushes its pending terms at every savepoint, and imports take one per file and
-- per document, which made trigger indexing three times slower than indexing in bulk.

CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents
BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
END;

CREATE TRIGGER documents_fts_update AFTER UPDATE OF title ON documents
BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

-- attributes: a JSON array of attribute definitions (name, kind).
CREATE TABLE labels (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    colour      TEXT NOT NULL,
    hotkey      TEXT UNIQUE,
    attributes  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(attributes)),
    position    INTEGER NOT NULL
);

-- kind: 'actor' for canonical actors, 'concept' for claim concepts.
CREATE TABLE entities (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('actor', 'concept')),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    created_at  TEXT NOT NULL,
    UNIQUE (kind, name)
);

CREATE TABLE entity_aliases (
    entity_id  INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    alias      TEXT NOT NULL CHECK (length(trim(alias)) > 0),
    PRIMARY KEY (entity_id, alias)
);

-- start and end are Unicode code points, end exclusive.
CREATE TABLE annotations (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    label_id      INTEGER NOT NULL REFERENCES labels (id),
    start         INTEGER NOT NULL,
    end           INTEGER NOT NULL,
    quote         TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    suffix        TEXT NOT NULL,
    attributes    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
    note          TEXT,
    entity_id     INTEGER REFERENCES entities (id) ON DELETE SET NULL,
    annotator_id  INTEGER NOT NULL REFERENCES annotators (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (0 <= start AND start < end)
);

CREATE INDEX annotations_by_document ON annotations (document_id, start);
CREATE INDEX annotations_by_label ON annotations (label_id);

CREATE TABLE relations (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (length(trim(kind)) > 0),
    from_id       INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
    to_id         INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
    annotator_id  INTEGER NOT NULL REFERENCES annotators (id),
    created_at    TEXT NOT NULL,
    CHECK (from_id <> to_id)
);

CREATE INDEX relations_by_from ON relations (from_id);
CREATE INDEX relations_by_to ON relations (to_id);

-- The append-only log of every change. action: 'do' for an edit, 'undo' and 'redo' for history
-- steps (target_id names the edit undone or redone), 'import' for documents brought in.
-- payload: the change as JSON, complete enough to apply in either direction.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    annotator_id  INTEGER NOT NULL REFERENCES annotators (id),
    action        TEXT NOT NULL CHECK (action IN ('do', 'undo', 'redo', 'import')),
    target_id     INTEGER REFERENCES events (id),
    kind          TEXT NOT NULL,
    document_id   INTEGER,
    payload       TEXT NOT NULL CHECK (json_valid(payload))
);

CREATE INDEX events_by_document ON events (document_id);

CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

-- The undo and redo stacks: 'do' events that can be undone, and undone ones that can be redone,
-- top of stack = highest seq. Derived from the log, kept here so history survives a restart.
CREATE TABLE undo_stack (
    seq       INTEGER PRIMARY KEY,
    event_id  INTEGER NOT NULL UNIQUE REFERENCES events (id)
);

CREATE TABLE redo_stack (
    seq       INTEGER PRIMARY KEY,
    event_id  INTEGER NOT NULL UNIQUE REFERENCES events (id)
);
