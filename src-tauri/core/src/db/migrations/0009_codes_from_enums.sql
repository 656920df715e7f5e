-- 9: the lists of codes come from the enums of the app, no longer from CHECK constraints.
-- A code column (actor.world, action.status...) was limited by a CHECK listing its codes, so
-- adding a code to an enum meant rebuilding its table in a migration. The codes now live in
-- `code_value` (list = the enum's name in shared/domain.rs): a Catalyse that writes to a
-- workspace adds the codes of its enums that are missing (db::store::add_missing_codes), and
-- triggers refuse a code that is not there. A Catalyse that finds a code its enums do not
-- have refuses the file untouched, as it refuses a newer schema.
CREATE TABLE code_value (
    list TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (list, code)
) WITHOUT ROWID;

-- The codes as of this release (later codes are added when a workspace is opened).
INSERT INTO code_value (list, code) VALUES
    ('TerritoryKind', 'petr'),
    ('TerritoryKind', 'epci'),
    ('TerritoryKind', 'municipality'),
    ('TerritoryKind', 'pays'),
    ('TerritoryKind', 'regional_park'),
    ('TerritoryKind', 'department'),
    ('TerritoryKind', 'region'),
    ('ProjectStatus', 'drafting'),
    ('ProjectStatus', 'adopted'),
    ('ProjectStatus', 'revising'),
    ('World', 'local_authority'),
    ('World', 'state'),
    ('World', 'business'),
    ('World', 'association'),
    ('World', 'citizen'),
    ('World', 'research'),
    ('World', 'funder'),
    ('World', 'network'),
    ('Engagement', 'informed'),
    ('Engagement', 'consulted'),
    ('Engagement', 'involved'),
    ('Engagement', 'partner'),
    ('Engagement', 'lead'),
    ('Priority', 'high'),
    ('Priority', 'medium'),
    ('Priority', 'low'),
    ('ActionStatus', 'idea'),
    ('ActionStatus', 'preparing'),
    ('ActionStatus', 'ongoing'),
    ('ActionStatus', 'done'),
    ('ActionStatus', 'abandoned'),
    ('Practice', 'dialogue'),
    ('Practice', 'experimentation'),
    ('Practice', 'support'),
    ('Practice', 'place'),
    ('Engineering', 'public_management'),
    ('Engineering', 'cross_cutting_project'),
    ('Engineering', 'catalysis'),
    ('FundingStatus', 'considered'),
    ('FundingStatus', 'requested'),
    ('FundingStatus', 'granted'),
    ('FundingStatus', 'refused'),
    ('MeetingKind', 'meeting'),
    ('MeetingKind', 'workshop'),
    ('MeetingKind', 'steering_committee'),
    ('MeetingKind', 'visit'),
    ('MeetingKind', 'event'),
    ('LinkNature', 'partnership'),
    ('LinkNature', 'funding'),
    ('LinkNature', 'dialogue'),
    ('LinkNature', 'service'),
    ('LinkNature', 'membership'),
    ('LinkNature', 'conflict'),
    ('AssessmentStatus', 'draft'),
    ('AssessmentStatus', 'finished'),
    ('EvidenceKind', 'action'),
    ('EvidenceKind', 'meeting'),
    ('EvidenceKind', 'funding'),
    ('EvidenceKind', 'link'),
    ('EvidenceKind', 'decision_note'),
    ('Addressee', 'bureau'),
    ('Addressee', 'comite_syndical'),
    ('Addressee', 'president'),
    ('Addressee', 'conference_maires'),
    ('Addressee', 'other'),
    ('NoteStatus', 'draft'),
    ('NoteStatus', 'reviewed'),
    ('NoteStatus', 'validated'),
    ('NoteStatus', 'presented'),
    ('NoteRecordKind', 'action'),
    ('NoteRecordKind', 'need'),
    ('NoteRecordKind', 'actor'),
    ('SectionKey', 'objet'),
    ('SectionKey', 'contexte'),
    ('SectionKey', 'enjeux'),
    ('SectionKey', 'acteurs'),
    ('SectionKey', 'options'),
    ('SectionKey', 'financement'),
    ('SectionKey', 'calendrier'),
    ('SectionKey', 'avis'),
    ('SectionKey', 'annexes');

-- The CHECKs go by SQLite's procedure for removing a CHECK constraint
-- (https://sqlite.org/lang_altertable.html, "Making other kinds of table schema changes"):
-- the table's text in sqlite_schema is edited and the stored rows stay as they are. The
-- migration runner then increments schema_version, as that procedure asks, and checks the
-- file's integrity before committing.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (kind IN (''petr'',''epci'',''municipality'',''pays'',''regional_park'',''department'',''region''))', '')
    WHERE type = 'table' AND name = 'territory';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (status IN (''drafting'',''adopted'',''revising''))', '')
    WHERE type = 'table' AND name = 'project';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (world IN (''local_authority'',''state'',''business'',''association'',''citizen'',''research'',''funder'',''network''))', '')
    WHERE type = 'table' AND name = 'actor';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (engagement IN (''informed'',''consulted'',''involved'',''partner'',''lead''))', '')
    WHERE type = 'table' AND name = 'actor';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (priority IN (''high'',''medium'',''low''))', '')
    WHERE type = 'table' AND name = 'need';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (status IN (''idea'',''preparing'',''ongoing'',''done'',''abandoned''))', '')
    WHERE type = 'table' AND name = 'action';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (practice IS NULL OR practice IN (''dialogue'',''experimentation'',''support'',''place''))', '')
    WHERE type = 'table' AND name = 'action';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (engineering IS NULL OR engineering IN (''public_management'',''cross_cutting_project'',''catalysis''))', '')
    WHERE type = 'table' AND name = 'action';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (status IN (''considered'',''requested'',''granted'',''refused''))', '')
    WHERE type = 'table' AND name = 'funding';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (kind IN (''meeting'',''workshop'',''steering_committee'',''visit'',''event''))', '')
    WHERE type = 'table' AND name = 'meeting';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (practice IS NULL OR practice IN (''dialogue'',''experimentation'',''support'',''place''))', '')
    WHERE type = 'table' AND name = 'meeting';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (nature IN (''partnership'',''funding'',''dialogue'',''service'',''membership'',''conflict''))', '')
    WHERE type = 'table' AND name = 'link';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (status IN (''draft'', ''finished''))', '')
    WHERE type = 'table' AND name = 'self_assessment';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (kind IN (''action'', ''meeting'', ''funding'', ''link'', ''decision_note''))', '')
    WHERE type = 'table' AND name = 'competence_evidence';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (addressee IN (''bureau'', ''comite_syndical'', ''president'', ''conference_maires'', ''other''))', '')
    WHERE type = 'table' AND name = 'decision_note';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (status IN (''draft'', ''reviewed'', ''validated'', ''presented''))', '')
    WHERE type = 'table' AND name = 'decision_note';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (kind IN (''action'', ''need'', ''actor''))', '')
    WHERE type = 'table' AND name = 'note_record';
UPDATE sqlite_schema SET sql = replace(sql, ' CHECK (key IN (''objet'', ''contexte'', ''enjeux'', ''acteurs'', ''options'', ''financement'', ''calendrier'', ''avis'', ''annexes''))', '')
    WHERE type = 'table' AND name = 'note_section';
PRAGMA writable_schema = OFF;

-- Each code column accepts only the codes of its list, on insert and on update.
CREATE TRIGGER territory_kind_code_insert BEFORE INSERT ON territory
WHEN NEW.kind NOT IN (SELECT code FROM code_value WHERE list = 'TerritoryKind')
BEGIN SELECT RAISE(ABORT, 'code inconnu : territory.kind'); END;
CREATE TRIGGER territory_kind_code_update BEFORE UPDATE OF kind ON territory
WHEN NEW.kind NOT IN (SELECT code FROM code_value WHERE list = 'TerritoryKind')
BEGIN SELECT RAISE(ABORT, 'code inconnu : territory.kind'); END;
CREATE TRIGGER project_status_code_insert BEFORE INSERT ON project
WHEN NEW.status NOT IN (SELECT code FROM code_value WHERE list = 'ProjectStatus')
BEGIN SELECT RAISE(ABORT, 'code inconnu : project.status'); END;
CREATE TRIGGER project_status_code_update BEFORE UPDATE OF status ON project
WHEN NEW.status NOT IN (SELECT code FROM code_value WHERE list = 'ProjectStatus')
BEGIN SELECT RAISE(ABORT, 'code inconnu : project.status'); END;
CREATE TRIGGER actor_world_code_insert BEFORE INSERT ON actor
WHEN NEW.world NOT IN (SELECT code FROM code_value WHERE list = 'World')
BEGIN SELECT RAISE(ABORT, 'code inconnu : actor.world'); END;
CREATE TRIGGER actor_world_code_update BEFORE UPDATE OF world ON actor
WHEN NEW.world NOT IN (SELECT code FROM code_value WHERE list = 'World')
BEGIN SELECT RAISE(ABORT, 'code inconnu : actor.world'); END;
CREATE TRIGGER actor_engagement_code_insert BEFORE INSERT ON actor
WHEN NEW.engagement NOT IN (SELECT code FROM code_value WHERE list = 'Engagement')
BEGIN SELECT RAISE(ABORT, 'code inconnu : actor.engagement'); END;
CREATE TRIGGER actor_engagement_code_update BEFORE UPDATE OF engagement ON actor
WHEN NEW.engagement NOT IN (SELECT code FROM code_value WHERE list = 'Engagement')
BEGIN SELECT RAISE(ABORT, 'code inconnu : actor.engagement'); END;
CREATE TRIGGER need_priority_code_insert BEFORE INSERT ON need
WHEN NEW.priority NOT IN (SELECT code FROM code_value WHERE list = 'Priority')
BEGIN SELECT RAISE(ABORT, 'code inconnu : need.priority'); END;
CREATE TRIGGER need_priority_code_update BEFORE UPDATE OF priority ON need
WHEN NEW.priority NOT IN (SELECT code FROM code_value WHERE list = 'Priority')
BEGIN SELECT RAISE(ABORT, 'code inconnu : need.priority'); END;
CREATE TRIGGER action_status_code_insert BEFORE INSERT ON action
WHEN NEW.status NOT IN (SELECT code FROM code_value WHERE list = 'ActionStatus')
BEGIN SELECT RAISE(ABORT, 'code inconnu : action.status'); END;
CREATE TRIGGER action_status_code_update BEFORE UPDATE OF status ON action
WHEN NEW.status NOT IN (SELECT code FROM code_value WHERE list = 'ActionStatus')
BEGIN SELECT RAISE(ABORT, 'code inconnu : action.status'); END;
CREATE TRIGGER action_practice_code_insert BEFORE INSERT ON action
WHEN NEW.practice NOT IN (SELECT code FROM code_value WHERE list = 'Practice')
BEGIN SELECT RAISE(ABORT, 'code inconnu : action.practice'); END;
CREATE TRIGGER action_practice_code_update BEFORE UPDATE OF practice ON action
WHEN NEW.practice NOT IN (SELECT code FROM code_value WHERE list = 'Practice')
BEGIN SELECT RAISE(ABORT, 'code inconnu : action.practice'); END;
CREATE TRIGGER action_engineering_code_insert BEFORE INSERT ON action
WHEN NEW.engineering NOT IN (SELECT code FROM code_value WHERE list = 'Engineering')
BEGIN SELECT RAISE(ABORT, 'code inconnu : action.engineering'); END;
CREATE TRIGGER action_engineering_code_update BEFORE UPDATE OF engineering ON action
WHEN NEW.engineering NOT IN (SELECT code FROM code_value WHERE list = 'Engineering')
BEGIN SELECT RAISE(ABORT, 'code inconnu : action.engineering'); END;
CREATE TRIGGER funding_status_code_insert BEFORE INSERT ON funding
WHEN NEW.status NOT IN (SELECT code FROM code_value WHERE list = 'FundingStatus')
BEGIN SELECT RAISE(ABORT, 'code inconnu : funding.status'); END;
CREATE TRIGGER funding_status_code_update BEFORE UPDATE OF status ON funding
WHEN NEW.status NOT IN (SELECT code FROM code_value WHERE list = 'FundingStatus')
BEGIN SELECT RAISE(ABORT, 'code inconnu : funding.status'); END;
CREATE TRIGGER meeting_kind_code_insert BEFORE INSERT ON meeting
WHEN NEW.kind NOT IN (SELECT code FROM code_value WHERE list = 'MeetingKind')
BEGIN SELECT RAISE(ABORT, 'code inconnu : meeting.kind'); END;
CREATE TRIGGER meeting_kind_code_update BEFORE UPDATE OF kind ON meeting
WHEN NEW.kind NOT IN (SELECT code FROM code_value WHERE list = 'MeetingKind')
BEGIN SELECT RAISE(ABORT, 'code inconnu : meeting.kind'); END;
CREATE TRIGGER meeting_practice_code_insert BEFORE INSERT ON meeting
WHEN NEW.practice NOT IN (SELECT code FROM code_value WHERE list = 'Practice')
BEGIN SELECT RAISE(ABORT, 'code inconnu : meeting.practice'); END;
CREATE TRIGGER meeting_practice_code_update BEFORE UPDATE OF practice ON meeting
WHEN NEW.practice NOT IN (SELECT code FROM code_value WHERE list = 'Practice')
BEGIN SELECT RAISE(ABORT, 'code inconnu : meeting.practice'); END;
CREATE TRIGGER link_nature_code_insert BEFORE INSERT ON link
WHEN NEW.nature NOT IN (SELECT code FROM code_value WHERE list = 'LinkNature')
BEGIN SELECT RAISE(ABORT, 'code inconnu : link.nature'); END;
CREATE TRIGGER link_nature_code_update BEFORE UPDATE OF nature ON link
WHEN NEW.nature NOT IN (SELECT code FROM code_value WHERE list = 'LinkNature')
BEGIN SELECT RAISE(ABORT, 'code inconnu : link.nature'); END;
CREATE TRIGGER self_assessment_status_code_insert BEFORE INSERT ON self_assessment
WHEN NEW.status NOT IN (SELECT code FROM code_value WHERE list = 'AssessmentStatus')
BEGIN SELECT RAISE(ABORT, 'code inconnu : self_assessment.status'); END;
CREATE TRIGGER self_assessment_status_code_update BEFORE UPDATE OF status ON self_assessment
WHEN NEW.status NOT IN (SELECT code FROM code_value WHERE list = 'AssessmentStatus')
BEGIN SELECT RAISE(ABORT, 'code inconnu : self_assessment.status'); END;
CREATE TRIGGER competence_evidence_kind_code_insert BEFORE INSERT ON competence_evidence
WHEN NEW.kind NOT IN (SELECT code FROM code_value WHERE list = 'EvidenceKind')
BEGIN SELECT RAISE(ABORT, 'code inconnu : competence_evidence.kind'); END;
CREATE TRIGGER competence_evidence_kind_code_update BEFORE UPDATE OF kind ON competence_evidence
WHEN NEW.kind NOT IN (SELECT code FROM code_value WHERE list = 'EvidenceKind')
BEGIN SELECT RAISE(ABORT, 'code inconnu : competence_evidence.kind'); END;
CREATE TRIGGER decision_note_addressee_code_insert BEFORE INSERT ON decision_note
WHEN NEW.addressee NOT IN (SELECT code FROM code_value WHERE list = 'Addressee')
BEGIN SELECT RAISE(ABORT, 'code inconnu : decision_note.addressee'); END;
CREATE TRIGGER decision_note_addressee_code_update BEFORE UPDATE OF addressee ON decision_note
WHEN NEW.addressee NOT IN (SELECT code FROM code_value WHERE list = 'Addressee')
BEGIN SELECT RAISE(ABORT, 'code inconnu : decision_note.addressee'); END;
CREATE TRIGGER decision_note_status_code_insert BEFORE INSERT ON decision_note
WHEN NEW.status NOT IN (SELECT code FROM code_value WHERE list = 'NoteStatus')
BEGIN SELECT RAISE(ABORT, 'code inconnu : decision_note.status'); END;
CREATE TRIGGER decision_note_status_code_update BEFORE UPDATE OF status ON decision_note
WHEN NEW.status NOT IN (SELECT code FROM code_value WHERE list = 'NoteStatus')
BEGIN SELECT RAISE(ABORT, 'code inconnu : decision_note.status'); END;
CREATE TRIGGER note_record_kind_code_insert BEFORE INSERT ON note_record
WHEN NEW.kind NOT IN (SELECT code FROM code_value WHERE list = 'NoteRecordKind')
BEGIN SELECT RAISE(ABORT, 'code inconnu : note_record.kind'); END;
CREATE TRIGGER note_record_kind_code_update BEFORE UPDATE OF kind ON note_record
WHEN NEW.kind NOT IN (SELECT code FROM code_value WHERE list = 'NoteRecordKind')
BEGIN SELECT RAISE(ABORT, 'code inconnu : note_record.kind'); END;
CREATE TRIGGER note_section_key_code_insert BEFORE INSERT ON note_section
WHEN NEW.key NOT IN (SELECT code FROM code_value WHERE list = 'SectionKey')
BEGIN SELECT RAISE(ABORT, 'code inconnu : note_section.key'); END;
CREATE TRIGGER note_section_key_code_update BEFORE UPDATE OF key ON note_section
WHEN NEW.key NOT IN (SELECT code FROM code_value WHERE list = 'SectionKey')
BEGIN SELECT RAISE(ABORT, 'code inconnu : note_section.key'); END;
