-- 2: the structure of the project: needs, axes, actions, partners, funding, indicators.
CREATE TABLE need (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description TEXT NOT NULL DEFAULT '',
    priority    TEXT NOT NULL CHECK (priority IN ('high','medium','low')),
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE axis (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE axis_need (
    axis_id INTEGER NOT NULL REFERENCES axis(id) ON DELETE CASCADE,
    need_id INTEGER NOT NULL REFERENCES need(id) ON DELETE CASCADE,
    PRIMARY KEY (axis_id, need_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX axis_need_need ON axis_need(need_id);

CREATE TABLE action (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description   TEXT NOT NULL DEFAULT '',
    axis_id       INTEGER REFERENCES axis(id) ON DELETE SET NULL,
    status        TEXT NOT NULL CHECK (status IN ('idea','preparing','ongoing','done','abandoned')),
    start_date    TEXT CHECK (start_date IS NULL OR date(start_date) = start_date),
    end_date      TEXT CHECK (end_date IS NULL OR date(end_date) = end_date),
    budget_cents  INTEGER CHECK (budget_cents IS NULL OR budget_cents >= 0),
    lead_actor_id INTEGER REFERENCES actor(id) ON DELETE SET NULL,
    practice      TEXT CHECK (practice IS NULL OR practice IN ('dialogue','experimentation','support','place')),
    activity      INTEGER CHECK (activity IS NULL OR (practice IS NOT NULL AND activity BETWEEN 1 AND 4)),
    engineering   TEXT CHECK (engineering IS NULL OR engineering IN ('public_management','cross_cutting_project','catalysis')),
    position      INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (start_date IS NULL OR end_date IS NULL OR end_date >= start_date)
) STRICT;
CREATE INDEX action_axis ON action(axis_id);
CREATE INDEX action_lead ON action(lead_actor_id);

CREATE TABLE action_need (
    action_id INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    need_id   INTEGER NOT NULL REFERENCES need(id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, need_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX action_need_need ON action_need(need_id);

CREATE TABLE action_partner (
    action_id INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    actor_id  INTEGER NOT NULL REFERENCES actor(id) ON DELETE CASCADE,
    role      TEXT NOT NULL DEFAULT '',
    position  INTEGER NOT NULL,
    PRIMARY KEY (action_id, actor_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX action_partner_actor ON action_partner(actor_id);

CREATE TABLE funding (
    id           INTEGER PRIMARY KEY,
    action_id    INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    funder_id    INTEGER REFERENCES actor(id) ON DELETE SET NULL,
    scheme       TEXT NOT NULL DEFAULT '',
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    status       TEXT NOT NULL CHECK (status IN ('considered','requested','granted','refused')),
    requested_on TEXT CHECK (requested_on IS NULL OR date(requested_on) = requested_on),
    decision_on  TEXT CHECK (decision_on IS NULL OR date(decision_on) = decision_on),
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX funding_action ON funding(action_id);
CREATE INDEX funding_funder ON funding(funder_id);

CREATE TABLE indicator (
    id          INTEGER PRIMARY KEY,
    action_id   INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    unit        TEXT NOT NULL DEFAULT '',
    target      REAL,
    current     REAL,
    measured_on TEXT CHECK (measured_on IS NULL OR date(measured_on) = measured_on),
    position    INTEGER NOT NULL
) STRICT;
CREATE INDEX indicator_action ON indicator(action_id);
