-- Team schema version 3: which copy of a project sent each change. Frozen once shipped.
--
-- A coder may work on two computers under one role: each copy brings the other's changes,
-- so a copy knows its own by this mark, not by the role (NULL: sent before version 3, by the
-- role's one copy).
ALTER TABLE changes ADD COLUMN pushed_from text;
