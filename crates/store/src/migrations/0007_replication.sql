-- Schema version 7: changes as every replica of a team project reads them. Frozen once shipped.
--
-- `global` is the change with this project's ids replaced by global keys (the uids of
-- annotations, links and entities, label names, the digests of document texts, coder names),
-- written with the entry. NULL for entries made before this version and for kinds not
-- replicated yet (schema, entity and text edits).
ALTER TABLE events ADD COLUMN global TEXT CHECK (global IS NULL OR json_valid(global));
