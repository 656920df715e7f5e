-- 4: full-text search over actors, contacts, meetings and actions (accent-insensitive).
-- The index row id encodes the record: id * 8 + kind (1 actor, 2 contact, 3 meeting,
-- 4 action), so triggers update it by row id.
CREATE VIRTUAL TABLE search_index USING fts5(
    title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

INSERT INTO search_index(rowid, title, body)
    SELECT id * 8 + 1, name, commune || ' ' || notes || ' ' || needs || ' ' || contributions FROM actor;
INSERT INTO search_index(rowid, title, body)
    SELECT id * 8 + 2, name, role || ' ' || email || ' ' || notes FROM contact;
INSERT INTO search_index(rowid, title, body)
    SELECT id * 8 + 3, title, notes FROM meeting;
INSERT INTO search_index(rowid, title, body)
    SELECT id * 8 + 4, title, description FROM action;

CREATE TRIGGER actor_search_ai AFTER INSERT ON actor BEGIN
    INSERT INTO search_index(rowid, title, body)
    VALUES (new.id * 8 + 1, new.name, new.commune || ' ' || new.notes || ' ' || new.needs || ' ' || new.contributions);
END;
CREATE TRIGGER actor_search_au AFTER UPDATE ON actor BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
    INSERT INTO search_index(rowid, title, body)
    VALUES (new.id * 8 + 1, new.name, new.commune || ' ' || new.notes || ' ' || new.needs || ' ' || new.contributions);
END;
CREATE TRIGGER actor_search_ad AFTER DELETE ON actor BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
END;

CREATE TRIGGER contact_search_ai AFTER INSERT ON contact BEGIN
    INSERT INTO search_index(rowid, title, body) VALUES (new.id * 8 + 2, new.name, new.role || ' ' || new.email || ' ' || new.notes);
END;
CREATE TRIGGER contact_search_au AFTER UPDATE ON contact BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
    INSERT INTO search_index(rowid, title, body) VALUES (new.id * 8 + 2, new.name, new.role || ' ' || new.email || ' ' || new.notes);
END;
CREATE TRIGGER contact_search_ad AFTER DELETE ON contact BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
END;

CREATE TRIGGER meeting_search_ai AFTER INSERT ON meeting BEGIN
    INSERT INTO search_index(rowid, title, body) VALUES (new.id * 8 + 3, new.title, new.notes);
END;
CREATE TRIGGER meeting_search_au AFTER UPDATE ON meeting BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
    INSERT INTO search_index(rowid, title, body) VALUES (new.id * 8 + 3, new.title, new.notes);
END;
CREATE TRIGGER meeting_search_ad AFTER DELETE ON meeting BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
END;

CREATE TRIGGER action_search_ai AFTER INSERT ON action BEGIN
    INSERT INTO search_index(rowid, title, body) VALUES (new.id * 8 + 4, new.title, new.description);
END;
CREATE TRIGGER action_search_au AFTER UPDATE ON action BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
    INSERT INTO search_index(rowid, title, body) VALUES (new.id * 8 + 4, new.title, new.description);
END;
CREATE TRIGGER action_search_ad AFTER DELETE ON action BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
END;
