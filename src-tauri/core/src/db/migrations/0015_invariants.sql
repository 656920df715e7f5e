-- 15: the invariants a merge can break (share::invariants). A broken invariant is computed
-- from the records themselves, the same on every laptop holding them; one a person decided to
-- leave as it is (« Laisser tel quel ») is recorded here, a record that is journaled and
-- travels like any other: its kind and its key (made of identities and of the values that
-- broke it, so that a later change shows it again). Two laptops accepting the same one make
-- two records, harmless: no unique key, so that no change file can fail on it.
CREATE TABLE invariant_accepted (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL DEFAULT (catalyse_uid()),
    kind       TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
    key        TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 4000),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX invariant_accepted_uid ON invariant_accepted(uid);
CREATE INDEX invariant_accepted_key ON invariant_accepted(kind, key);

-- Actors of one folded name and commune, found by one walk of an index (100,000 actors);
-- contacts in their order under each actor.
CREATE INDEX actor_key_by_name_commune ON actor_key(name, commune, actor_id);
CREATE INDEX contact_order ON contact(actor_id, position);
