-- Team schema version 1: a published project. Frozen once shipped; later versions add files.
--
-- The database holds one team project. Its owner (who published it) sees and changes
-- everything; each coder connects as their own PostgreSQL role, named in `coders`, and
-- row-level security decides what that role may read and write: only changes in its own name,
-- and in blind mode no other coder's coding of a document before it is adjudicated.

-- Settings of the team project (blind mode, when it was published), one JSON value per key.
CREATE TABLE team_settings (
    key    text PRIMARY KEY,
    value  jsonb NOT NULL
);

-- The coders and the role each connects as. The curated layer is a coder too.
CREATE TABLE coders (
    name     text PRIMARY KEY CHECK (length(trim(name)) > 0),
    role     name UNIQUE,
    curated  boolean NOT NULL DEFAULT false
);

-- The schema, entities and coders at publication (Claimdesk's export header, as JSON).
CREATE TABLE snapshot (
    id            integer PRIMARY KEY CHECK (id = 1),
    info          jsonb NOT NULL,
    published_at  timestamptz NOT NULL,
    published_by  name NOT NULL DEFAULT current_user
);

-- The documents, without their coding, in the order they were published.
CREATE TABLE documents (
    sha256    text PRIMARY KEY,
    position  bigint NOT NULL UNIQUE,
    record    jsonb NOT NULL
);

-- Each coder's coding of a document at publication: annotations and the links among them.
CREATE TABLE coding (
    sha256       text NOT NULL REFERENCES documents (sha256),
    coder        text NOT NULL REFERENCES coders (name),
    annotations  jsonb NOT NULL,
    relations    jsonb NOT NULL,
    PRIMARY KEY (sha256, coder)
);

-- Documents whose disagreements have been adjudicated: blind mode opens them to everyone.
CREATE TABLE adjudicated (
    sha256  text PRIMARY KEY REFERENCES documents (sha256)
);

-- The replication log: every change, in the server's order. `uid` is the change's global
-- identity (a change sent twice is stored once); `document` is the sha256 of the document it
-- touched, NULL for shared edits (schema, entities).
CREATE TABLE changes (
    seq          bigserial PRIMARY KEY,
    uid          text NOT NULL UNIQUE,
    coder        text NOT NULL REFERENCES coders (name),
    action       text NOT NULL CHECK (action IN ('do', 'undo', 'redo', 'import')),
    kind         text NOT NULL,
    document     text,
    payload      jsonb NOT NULL,
    made_at      timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX changes_by_document ON changes (document);

-- Who the connected role is, as a coder (NULL for the owner and anyone else).
CREATE FUNCTION team_coder() RETURNS text LANGUAGE sql STABLE AS
    $$ SELECT name FROM coders WHERE role = current_user $$;

-- Whether the connected role may read `coder`'s coding of `document`.
CREATE FUNCTION team_may_read(coder text, document text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coder = team_coder()
        OR document IS NULL
        OR NOT coalesce((SELECT value = 'true'::jsonb FROM team_settings WHERE key = 'blind_mode'), false)
        OR EXISTS (SELECT 1 FROM adjudicated a WHERE a.sha256 = document)
        OR coalesce((SELECT curated FROM coders WHERE role = current_user), false)
$$;

ALTER TABLE coding ENABLE ROW LEVEL SECURITY;
CREATE POLICY coding_read ON coding FOR SELECT USING (team_may_read(coder, sha256));

ALTER TABLE changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY changes_read ON changes FOR SELECT USING (team_may_read(coder, document));
CREATE POLICY changes_write ON changes FOR INSERT WITH CHECK (coder = team_coder());
