-- Schema version 9: a team copy's own change as it took effect when it was made again on top of
-- another copy's change that comes before it in the server's order (a merge of entities met a
-- concurrent one). The log keeps what was first done; undo and redo read the change from here
-- when it is here.
CREATE TABLE rebased_events (
    event_id  INTEGER PRIMARY KEY REFERENCES events (id),
    payload   TEXT NOT NULL
);

-- Changes another copy made, applied here from the team server: never sent back, and not
-- counted as this copy's to send.
CREATE TABLE received_events (
    event_id  INTEGER PRIMARY KEY REFERENCES events (id)
);

-- What went, for changes other copies made before they saw it go (`replica_aliases`): an edit
-- of a deleted annotation or link passes over it, and a mention of a deleted entity brings the
-- entity back as it was (`deleted-entity-state:UID`).
CREATE TRIGGER annotations_leave_a_mark AFTER DELETE ON annotations WHEN OLD.uid IS NOT NULL
BEGIN
    INSERT INTO replica_aliases (key, target) VALUES ('deleted-annotation:' || OLD.uid, '')
    ON CONFLICT (key) DO NOTHING;
END;
CREATE TRIGGER relations_leave_a_mark AFTER DELETE ON relations WHEN OLD.uid IS NOT NULL
BEGIN
    INSERT INTO replica_aliases (key, target) VALUES ('deleted-relation:' || OLD.uid, '')
    ON CONFLICT (key) DO NOTHING;
END;
CREATE TRIGGER entities_leave_their_state BEFORE DELETE ON entities WHEN OLD.uid IS NOT NULL
BEGIN
    INSERT INTO replica_aliases (key, target) VALUES ('deleted-entity-state:' || OLD.uid,
        json_object('uid', OLD.uid, 'kind', OLD.kind, 'name', OLD.name, 'aliases',
                    (SELECT json_group_array(alias) FROM entity_aliases WHERE entity_id = OLD.id)))
    ON CONFLICT (key) DO UPDATE SET target = excluded.target;
END;
