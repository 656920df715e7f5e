-- 17: actors, actions and meetings placed in a commune by its INSEE code (issue 27): a current
-- commune of the list Catalyse ships (geo::communes), checked by the core when a person or an
-- import sets it; NULL when unknown. An actor's `commune` text stays, as written or as the
-- list names the commune. The actors' free-text communes are matched once, after this
-- migration, by `geo::placement` (the list is in Rust, not in SQL).
ALTER TABLE actor ADD COLUMN insee TEXT CHECK (insee IS NULL OR length(insee) = 5);
ALTER TABLE action ADD COLUMN insee TEXT CHECK (insee IS NULL OR length(insee) = 5);
ALTER TABLE meeting ADD COLUMN insee TEXT CHECK (insee IS NULL OR length(insee) = 5);
CREATE INDEX actor_insee ON actor(insee) WHERE insee IS NOT NULL;
CREATE INDEX action_insee ON action(insee) WHERE insee IS NOT NULL;
CREATE INDEX meeting_insee ON meeting(insee) WHERE insee IS NOT NULL;
-- The search index is rewritten only when an indexed text changes (not for a place).
DROP TRIGGER actor_search_au;
CREATE TRIGGER actor_search_au AFTER UPDATE OF id, name, commune, notes, needs, contributions ON actor BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
    INSERT INTO search_index(rowid, title, body)
    VALUES (new.id * 8 + 1, new.name, new.commune || ' ' || new.notes || ' ' || new.needs || ' ' || new.contributions);
END;
-- The actors' communes written before, matched once (folded name within the territory's
-- départements, then France; never guessed between homonyms).
UPDATE actor SET insee = catalyse_place(commune, (SELECT group_concat(insee) FROM territory_commune))
 WHERE commune <> '';
