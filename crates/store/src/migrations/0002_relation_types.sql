-- Schema version 2: relation types, each with the labels it may link. Frozen once shipped.

-- from_labels, to_labels: JSON arrays of label ids; an empty array allows any label.
CREATE TABLE relation_types (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    from_labels  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(from_labels)),
    to_labels    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(to_labels)),
    position     INTEGER NOT NULL
);

-- Who says what: a claim is said by an actor, a position held by an actor and about a claim.
INSERT INTO relation_types (name, from_labels, to_labels, position)
SELECT 'said_by', json_array(c.id), json_array(a.id), 0
FROM labels c, labels a WHERE c.name = 'Claim' AND a.name = 'Actor';

INSERT INTO relation_types (name, from_labels, to_labels, position)
SELECT 'held_by', json_array(p.id), json_array(a.id), 1
FROM labels p, labels a WHERE p.name = 'Position' AND a.name = 'Actor';

INSERT INTO relation_types (name, from_labels, to_labels, position)
SELECT 'about', json_array(p.id), json_array(c.id), 2
FROM labels p, labels c WHERE p.name = 'Position' AND c.name = 'Claim';

-- Kinds already in use (brought in from other tools) become types that link any labels.
INSERT OR IGNORE INTO relation_types (name, position)
SELECT kind, 2 + row_number() OVER (ORDER BY kind) FROM (SELECT DISTINCT kind FROM relations);
