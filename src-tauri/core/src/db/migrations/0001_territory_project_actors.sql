-- 1: the territory, its project header and its actors.
CREATE TABLE territory (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind        TEXT NOT NULL CHECK (kind IN ('petr','epci','municipality','pays','regional_park','department','region')),
    description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE project (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    territory_id  INTEGER NOT NULL REFERENCES territory(id),
    title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    vision        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('drafting','adopted','revising')),
    period_start  TEXT CHECK (period_start IS NULL OR date(period_start) = period_start),
    period_end    TEXT CHECK (period_end IS NULL OR date(period_end) = period_end),
    adoption_date TEXT CHECK (adoption_date IS NULL OR date(adoption_date) = adoption_date),
    CHECK (period_start IS NULL OR period_end IS NULL OR period_end >= period_start)
) STRICT;

CREATE TABLE actor (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    world       TEXT NOT NULL CHECK (world IN ('local_authority','state','business','association','citizen','research','funder','network')),
    commune     TEXT NOT NULL DEFAULT '',
    engagement  TEXT NOT NULL CHECK (engagement IN ('informed','consulted','involved','partner','lead')),
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX actor_world ON actor(world);
