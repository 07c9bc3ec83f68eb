-- Schema version 9: a team copy's own change as it took effect when it was made again on top of
-- another copy's change that comes before it in the server's order (a merge of entities met a
-- concurrent one). The log keeps what was first done; undo and redo read the change from here
-- when it is here.
CREATE TABLE rebased_events (
    event_id  INTEGER PRIMARY KEY REFERENCES events (id),
    payload   TEXT NOT NULL
);
