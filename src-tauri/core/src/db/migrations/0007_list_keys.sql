-- 7: list keys, derived from the records by triggers (never edited, never exported): the
-- actors' and meetings' texts folded the project's way (`catalyse_fold`: case, accents,
-- ligatures), so that lists are filtered and sorted in SQL with an index, accent- and
-- case-insensitively, however many records there are; names sort in natural order
-- (`catalyse_sort_key`: « Acteur 2 » before « Acteur 10 »).
CREATE TABLE actor_key (
    actor_id   INTEGER PRIMARY KEY,
    sort       TEXT NOT NULL,
    name       TEXT NOT NULL,
    commune    TEXT NOT NULL,
    world      TEXT NOT NULL,
    engagement TEXT NOT NULL
) STRICT;
INSERT INTO actor_key (actor_id, sort, name, commune, world, engagement)
    SELECT id, catalyse_sort_key(name), catalyse_fold(name), catalyse_fold(commune), world, engagement FROM actor;
CREATE INDEX actor_key_by_name ON actor_key(sort, actor_id, name, commune, world, engagement);
CREATE INDEX actor_key_by_commune ON actor_key(commune, sort, actor_id);

CREATE TRIGGER actor_key_ai AFTER INSERT ON actor BEGIN
    INSERT INTO actor_key (actor_id, sort, name, commune, world, engagement)
    VALUES (new.id, catalyse_sort_key(new.name), catalyse_fold(new.name), catalyse_fold(new.commune), new.world, new.engagement);
END;
CREATE TRIGGER actor_key_au AFTER UPDATE OF id, name, commune, world, engagement ON actor BEGIN
    DELETE FROM actor_key WHERE actor_id = old.id;
    INSERT INTO actor_key (actor_id, sort, name, commune, world, engagement)
    VALUES (new.id, catalyse_sort_key(new.name), catalyse_fold(new.name), catalyse_fold(new.commune), new.world, new.engagement);
END;
CREATE TRIGGER actor_key_ad AFTER DELETE ON actor BEGIN
    DELETE FROM actor_key WHERE actor_id = old.id;
END;

CREATE TABLE meeting_key (
    meeting_id INTEGER PRIMARY KEY,
    date       TEXT NOT NULL,
    title      TEXT NOT NULL
) STRICT;
INSERT INTO meeting_key (meeting_id, date, title)
    SELECT id, date, catalyse_fold(title) FROM meeting;
CREATE INDEX meeting_key_by_date ON meeting_key(date, meeting_id, title);

CREATE TRIGGER meeting_key_ai AFTER INSERT ON meeting BEGIN
    INSERT INTO meeting_key (meeting_id, date, title) VALUES (new.id, new.date, catalyse_fold(new.title));
END;
CREATE TRIGGER meeting_key_au AFTER UPDATE OF id, date, title ON meeting BEGIN
    DELETE FROM meeting_key WHERE meeting_id = old.id;
    INSERT INTO meeting_key (meeting_id, date, title) VALUES (new.id, new.date, catalyse_fold(new.title));
END;
CREATE TRIGGER meeting_key_ad AFTER DELETE ON meeting BEGIN
    DELETE FROM meeting_key WHERE meeting_id = old.id;
END;

-- The titles of everything the search box finds, folded and in order, so that the titles
-- starting with what was typed come first, alphabetically, from an index (the full-text index
-- then finds words anywhere). Kinds as in the search index: 1 actor, 2 contact, 3 meeting,
-- 4 action.
CREATE TABLE search_key (
    kind  INTEGER NOT NULL,
    id    INTEGER NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;
INSERT INTO search_key (kind, id, title) SELECT 1, id, catalyse_fold(name) FROM actor;
INSERT INTO search_key (kind, id, title) SELECT 2, id, catalyse_fold(name) FROM contact;
INSERT INTO search_key (kind, id, title) SELECT 3, id, catalyse_fold(title) FROM meeting;
INSERT INTO search_key (kind, id, title) SELECT 4, id, catalyse_fold(title) FROM action;
CREATE INDEX search_key_by_title ON search_key(title, kind, id);

CREATE TRIGGER search_key_actor_ai AFTER INSERT ON actor BEGIN
    INSERT INTO search_key (kind, id, title) VALUES (1, new.id, catalyse_fold(new.name));
END;
CREATE TRIGGER search_key_actor_au AFTER UPDATE OF id, name ON actor BEGIN
    DELETE FROM search_key WHERE kind = 1 AND id = old.id;
    INSERT INTO search_key (kind, id, title) VALUES (1, new.id, catalyse_fold(new.name));
END;
CREATE TRIGGER search_key_actor_ad AFTER DELETE ON actor BEGIN
    DELETE FROM search_key WHERE kind = 1 AND id = old.id;
END;
CREATE TRIGGER search_key_contact_ai AFTER INSERT ON contact BEGIN
    INSERT INTO search_key (kind, id, title) VALUES (2, new.id, catalyse_fold(new.name));
END;
CREATE TRIGGER search_key_contact_au AFTER UPDATE OF id, name ON contact BEGIN
    DELETE FROM search_key WHERE kind = 2 AND id = old.id;
    INSERT INTO search_key (kind, id, title) VALUES (2, new.id, catalyse_fold(new.name));
END;
CREATE TRIGGER search_key_contact_ad AFTER DELETE ON contact BEGIN
    DELETE FROM search_key WHERE kind = 2 AND id = old.id;
END;
CREATE TRIGGER search_key_meeting_ai AFTER INSERT ON meeting BEGIN
    INSERT INTO search_key (kind, id, title) VALUES (3, new.id, catalyse_fold(new.title));
END;
CREATE TRIGGER search_key_meeting_au AFTER UPDATE OF id, title ON meeting BEGIN
    DELETE FROM search_key WHERE kind = 3 AND id = old.id;
    INSERT INTO search_key (kind, id, title) VALUES (3, new.id, catalyse_fold(new.title));
END;
CREATE TRIGGER search_key_meeting_ad AFTER DELETE ON meeting BEGIN
    DELETE FROM search_key WHERE kind = 3 AND id = old.id;
END;
CREATE TRIGGER search_key_action_ai AFTER INSERT ON action BEGIN
    INSERT INTO search_key (kind, id, title) VALUES (4, new.id, catalyse_fold(new.title));
END;
CREATE TRIGGER search_key_action_au AFTER UPDATE OF id, title ON action BEGIN
    DELETE FROM search_key WHERE kind = 4 AND id = old.id;
    INSERT INTO search_key (kind, id, title) VALUES (4, new.id, catalyse_fold(new.title));
END;
CREATE TRIGGER search_key_action_ad AFTER DELETE ON action BEGIN
    DELETE FROM search_key WHERE kind = 4 AND id = old.id;
END;

-- The last network analysis, kept so that the analysis screen opens at once: every actor's
-- figures, and a summary with the fingerprint of the actors and links it was computed from
-- (a different fingerprint: the figures are out of date and computed again).
CREATE TABLE network_figures (
    actor_id       INTEGER PRIMARY KEY,
    degree         INTEGER NOT NULL,
    betweenness    REAL NOT NULL,
    mondes_bridged INTEGER NOT NULL,
    component      INTEGER NOT NULL
) STRICT;
CREATE INDEX network_figures_by_betweenness ON network_figures(betweenness DESC, degree DESC, actor_id);
CREATE INDEX network_figures_isolated ON network_figures(degree, actor_id);
CREATE TABLE network_summary (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    computed_at  TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    actors       INTEGER NOT NULL,
    links        INTEGER NOT NULL,
    components   INTEGER NOT NULL,
    largest      INTEGER NOT NULL,
    isolated     INTEGER NOT NULL,
    exact        INTEGER NOT NULL,
    sole_bridges TEXT NOT NULL
) STRICT;

-- The map's last layout: where each actor shown is placed (0 to 1), and for which network.
CREATE TABLE map_layout (
    actor_id INTEGER PRIMARY KEY,
    x        REAL NOT NULL,
    y        REAL NOT NULL
) STRICT;
CREATE TABLE map_summary (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    computed_at TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    actors      INTEGER NOT NULL
) STRICT;
