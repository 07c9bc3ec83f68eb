-- Schema version 4: several coders on one corpus. Frozen once shipped.
--
-- Coding arrives from other coders' files and projects and is merged: every annotation, link,
-- entity and event gets a global identity (a UUID) that stays with it through export, import and
-- merge, so the same thing arriving twice is stored once. Rows made before this version get a
-- random (version 4) UUID here; new ones get a time-ordered (version 7) UUID from the program.

-- A random version 4 UUID, written out per row (SQLite evaluates randomblob() per call).
ALTER TABLE annotations ADD COLUMN uid TEXT;
UPDATE annotations SET uid = lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
    || '-' || substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2)
    || '-' || hex(randomblob(6)));
CREATE UNIQUE INDEX annotations_by_uid ON annotations (uid);

ALTER TABLE relations ADD COLUMN uid TEXT;
UPDATE relations SET uid = lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
    || '-' || substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2)
    || '-' || hex(randomblob(6)));
CREATE UNIQUE INDEX relations_by_uid ON relations (uid);

ALTER TABLE entities ADD COLUMN uid TEXT;
UPDATE entities SET uid = lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
    || '-' || substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2)
    || '-' || hex(randomblob(6)));
CREATE UNIQUE INDEX entities_by_uid ON entities (uid);

-- The log is append-only; its guard steps aside for this one backfill.
ALTER TABLE events ADD COLUMN uid TEXT;
DROP TRIGGER events_are_append_only_update;
UPDATE events SET uid = lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
    || '-' || substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2)
    || '-' || hex(randomblob(6)));
CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;
CREATE UNIQUE INDEX events_by_uid ON events (uid);

-- The curated layer (the adjudicated gold version) is kept as a coder of its own kind, so the
-- reader, statements, networks and exports treat it like any other coder.
ALTER TABLE annotators ADD COLUMN kind TEXT NOT NULL DEFAULT 'coder'
    CHECK (kind IN ('coder', 'curated'));

-- Project settings that travel with the file (e.g. blind mode), one JSON value per key.
CREATE TABLE project_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL CHECK (json_valid(value))
) WITHOUT ROWID;

-- Who codes which document, and when they said they were done with it.
CREATE TABLE assignments (
    annotator_id  INTEGER NOT NULL REFERENCES annotators (id),
    document_id   INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    assigned_at   TEXT NOT NULL,
    done_at       TEXT,
    PRIMARY KEY (annotator_id, document_id)
) WITHOUT ROWID;
CREATE INDEX assignments_by_document ON assignments (document_id);

-- Documents whose disagreements have been adjudicated into the curated layer: blind mode shows
-- every coder's work on these.
CREATE TABLE adjudications (
    document_id    INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    annotator_id   INTEGER NOT NULL REFERENCES annotators (id),
    adjudicated_at TEXT NOT NULL
);

-- How each disagreement of a document was settled: the stretch of text, and whose version
-- went into the curated layer (NULL: all rejected). Written and removed by undoable changes.
CREATE TABLE adjudication_decisions (
    document_id    INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    start          INTEGER NOT NULL,
    end            INTEGER NOT NULL,
    accepted       TEXT,
    PRIMARY KEY (document_id, start, end)
) WITHOUT ROWID;

-- Undo and redo are per coder: Ctrl+Z never undoes another coder's edit.
ALTER TABLE undo_stack ADD COLUMN annotator_id INTEGER REFERENCES annotators (id);
UPDATE undo_stack SET annotator_id = (SELECT annotator_id FROM events WHERE id = event_id);
CREATE INDEX undo_stack_by_annotator ON undo_stack (annotator_id, seq);
ALTER TABLE redo_stack ADD COLUMN annotator_id INTEGER REFERENCES annotators (id);
UPDATE redo_stack SET annotator_id = (SELECT annotator_id FROM events WHERE id = event_id);
CREATE INDEX redo_stack_by_annotator ON redo_stack (annotator_id, seq);
