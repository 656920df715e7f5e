-- 5: the competence grid: self-assessments (dated, draft or finished, with the grid version
-- they were made with), one rating per competence with its evidence (a snapshot of the
-- record's label, so that history reads the same after the record is gone), a development
-- plan per member; and the team member in charge of each action.
ALTER TABLE action ADD COLUMN referent_member_id INTEGER REFERENCES member(id) ON DELETE SET NULL;
CREATE INDEX action_referent ON action(referent_member_id);

CREATE TABLE self_assessment (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    assessed_on  TEXT NOT NULL CHECK (date(assessed_on) = assessed_on),
    status       TEXT NOT NULL CHECK (status IN ('draft', 'finished')),
    grid_version INTEGER NOT NULL CHECK (grid_version >= 1),
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    finished_at  TEXT,
    CHECK ((status = 'finished') = (finished_at IS NOT NULL))
) STRICT;
CREATE INDEX self_assessment_member ON self_assessment(member_id, assessed_on);

CREATE TABLE competence_rating (
    assessment_id INTEGER NOT NULL REFERENCES self_assessment(id) ON DELETE CASCADE,
    competence    INTEGER NOT NULL CHECK (competence BETWEEN 1 AND 8),
    level         INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
    target        INTEGER CHECK (target IS NULL OR target BETWEEN 0 AND 4),
    evidence_note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, competence)
) STRICT, WITHOUT ROWID;

CREATE TABLE competence_evidence (
    assessment_id INTEGER NOT NULL,
    competence    INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('action', 'meeting', 'funding', 'link', 'decision_note')),
    record_id     INTEGER NOT NULL,
    label         TEXT NOT NULL,
    position      INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, competence, kind, record_id),
    FOREIGN KEY (assessment_id, competence)
        REFERENCES competence_rating(assessment_id, competence) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE development_plan (
    member_id   INTEGER PRIMARY KEY REFERENCES member(id) ON DELETE CASCADE,
    plan        TEXT NOT NULL DEFAULT '',
    reassess_on TEXT CHECK (reassess_on IS NULL OR date(reassess_on) = reassess_on),
    updated_at  TEXT NOT NULL
) STRICT;
