-- 16: the communes of the territory (issue 27), by INSEE code: current communes of the list
-- Catalyse ships (geo::communes), checked by the core when a person picks them. A record that
-- is journaled and travels; its key (territory, commune) makes two laptops picking the same
-- commune one record (the merge's duplicates).
CREATE TABLE territory_commune (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL DEFAULT (catalyse_uid()),
    territory_id INTEGER NOT NULL REFERENCES territory(id) ON DELETE CASCADE,
    insee        TEXT NOT NULL CHECK (length(insee) = 5),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX territory_commune_uid ON territory_commune(uid);
CREATE UNIQUE INDEX territory_commune_insee ON territory_commune(territory_id, insee);
