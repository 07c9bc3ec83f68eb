-- Schema version 8: what the copies of a team project need to agree. Frozen once shipped.
--
-- Entity names are no longer unique by the table's own rule. An analyst still cannot give two
-- entities of a kind one name (Claimdesk refuses it and offers a merge), but two coders of a
-- team project may each make "Putin" offline: every copy then holds both, the same two, until
-- someone merges them, where a unique name would keep one out of some copies and not others.
-- (Run with foreign keys off, as SQLite's documented way to change a table's constraints.)
CREATE TABLE entities_v8 (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('actor', 'concept')),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    created_at  TEXT NOT NULL,
    uid         TEXT
);
INSERT INTO entities_v8 (id, kind, name, created_at, uid)
SELECT id, kind, name, created_at, uid FROM entities;
DROP TABLE entities;
ALTER TABLE entities_v8 RENAME TO entities;
CREATE UNIQUE INDEX entities_by_uid ON entities (uid);
CREATE INDEX entities_by_name ON entities (kind, name);

-- Labels likewise: a label has a uid, the same in every copy of a team project, and its name
-- and key are unique only by Claimdesk's own checks, so every copy can hold what the team made.
CREATE TABLE labels_v8 (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    colour      TEXT NOT NULL,
    hotkey      TEXT,
    attributes  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(attributes)),
    position    INTEGER NOT NULL,
    uid         TEXT
);
INSERT INTO labels_v8 (id, name, colour, hotkey, attributes, position, uid)
SELECT id, name, colour, hotkey, attributes, position,
       lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
             || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)
             || '-' || hex(randomblob(6)))
FROM labels;
DROP TABLE labels;
ALTER TABLE labels_v8 RENAME TO labels;
CREATE UNIQUE INDEX labels_by_uid ON labels (uid);
CREATE INDEX labels_by_name ON labels (name);
-- A label deleted leaves its uid under its id (`deleted-label:ID`), so the undoing of the
-- deletion, which makes it again with that id, brings the same uid back; one made without
-- a uid otherwise gets a new one. It also leaves what it was (`deleted-label-state:UID`): an
-- annotation another coder made with it meanwhile brings it back.
CREATE TRIGGER labels_leave_their_uid BEFORE DELETE ON labels WHEN OLD.uid IS NOT NULL
BEGIN
    INSERT INTO replica_aliases (key, target) VALUES ('deleted-label:' || OLD.id, OLD.uid)
    ON CONFLICT (key) DO UPDATE SET target = excluded.target;
    INSERT INTO replica_aliases (key, target) VALUES ('deleted-label-state:' || OLD.uid,
        json_object('name', OLD.name, 'colour', OLD.colour, 'hotkey', OLD.hotkey,
                    'attributes', json(OLD.attributes)))
    ON CONFLICT (key) DO UPDATE SET target = excluded.target;
END;
CREATE TRIGGER labels_get_a_uid AFTER INSERT ON labels WHEN NEW.uid IS NULL
BEGIN
    UPDATE labels SET uid = coalesce(
        (SELECT target FROM replica_aliases
         WHERE key = 'deleted-label:' || NEW.id
           AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.uid = replica_aliases.target)),
        lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
        || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1)
        || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))))
    WHERE id = NEW.id;
END;

-- The names another copy's changes use for what this project calls otherwise. A key is
-- `label:NAME` or `entity:UID`; its target is the label's name or the entity's uid here: a
-- renamed label is still found by its old name in a change made before the rename, and a
-- merged entity by its uid in a change made before the merge.
CREATE TABLE replica_aliases (
    key     TEXT PRIMARY KEY,
    target  TEXT NOT NULL
);
