-- Schema version 6: suggestions. Frozen once shipped.
--
-- What the finder proposed in a document, as last found: a cache of its output, replaced by
-- each run on the document and never part of history. `key` names the finding (its kind and
-- spans), `found` holds it whole (JSON).
CREATE TABLE suggestions (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    key           TEXT NOT NULL,
    found         TEXT NOT NULL CHECK (json_valid(found)),
    found_at      TEXT NOT NULL,
    UNIQUE (document_id, key)
);

-- Each coder's decisions, made through the event log (so undo reopens a suggestion): an
-- accepted suggestion became that coder's annotations; a rejected one is not proposed to
-- that coder again, by any later run.
CREATE TABLE suggestion_decisions (
    document_id   INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    key           TEXT NOT NULL,
    annotator_id  INTEGER NOT NULL REFERENCES annotators (id),
    decision      TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    decided_at    TEXT NOT NULL,
    PRIMARY KEY (document_id, key, annotator_id)
) WITHOUT ROWID;
