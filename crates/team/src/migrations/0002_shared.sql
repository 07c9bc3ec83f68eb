-- Team schema version 2: documents added after publication, assignments, and who pushed each
-- change. Frozen once shipped.

-- The role that sent a change or added a document: a copy knows its own changes by it (the
-- owner's copy pushes under its own role, in the names of the coders it codes as).
ALTER TABLE changes ADD COLUMN pushed_by name NOT NULL DEFAULT current_user;
ALTER TABLE documents ADD COLUMN added_by name NOT NULL DEFAULT current_user;

-- Which coder codes which document, and when they said they were done. The owner assigns;
-- a coder's role marks only its own assignments done.
CREATE TABLE assignments (
    sha256       text NOT NULL REFERENCES documents (sha256),
    coder        text NOT NULL REFERENCES coders (name),
    assigned_at  timestamptz NOT NULL,
    done_at      timestamptz,
    PRIMARY KEY (sha256, coder)
);
ALTER TABLE assignments ENABLE ROW LEVEL SECURITY;
CREATE POLICY assignments_read ON assignments FOR SELECT USING (true);
CREATE POLICY assignments_mark ON assignments FOR UPDATE
    USING (coder = team_coder()) WITH CHECK (coder = team_coder());
