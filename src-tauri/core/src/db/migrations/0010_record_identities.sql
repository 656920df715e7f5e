-- 10: every record has a stable identity, `uid`: a UUID version 7 (time-ordered, random in
-- its other 74 bits), given once when the record is created and never changed, so that two
-- workspaces made on two laptops never give the same one. The integer keys stay for the
-- joins inside one file (see ARCHITECTURE.md, "Identities"); the journal of changes, exports
-- and (next) sharing between laptops name records by uid.
--
-- Each table gets the column, every existing row its identity (catalyse_uid(), a function
-- every connection that writes registers, as it registers catalyse_fold), and a unique index.

ALTER TABLE action ADD COLUMN uid TEXT;
UPDATE action SET uid = catalyse_uid();
CREATE UNIQUE INDEX action_uid ON action(uid);

ALTER TABLE action_need ADD COLUMN uid TEXT;
UPDATE action_need SET uid = catalyse_uid();
CREATE UNIQUE INDEX action_need_uid ON action_need(uid);

ALTER TABLE action_partner ADD COLUMN uid TEXT;
UPDATE action_partner SET uid = catalyse_uid();
CREATE UNIQUE INDEX action_partner_uid ON action_partner(uid);

ALTER TABLE actor ADD COLUMN uid TEXT;
UPDATE actor SET uid = catalyse_uid();
CREATE UNIQUE INDEX actor_uid ON actor(uid);

ALTER TABLE actor_tag ADD COLUMN uid TEXT;
UPDATE actor_tag SET uid = catalyse_uid();
CREATE UNIQUE INDEX actor_tag_uid ON actor_tag(uid);

ALTER TABLE axis ADD COLUMN uid TEXT;
UPDATE axis SET uid = catalyse_uid();
CREATE UNIQUE INDEX axis_uid ON axis(uid);

ALTER TABLE axis_need ADD COLUMN uid TEXT;
UPDATE axis_need SET uid = catalyse_uid();
CREATE UNIQUE INDEX axis_need_uid ON axis_need(uid);

ALTER TABLE competence_evidence ADD COLUMN uid TEXT;
UPDATE competence_evidence SET uid = catalyse_uid();
CREATE UNIQUE INDEX competence_evidence_uid ON competence_evidence(uid);

ALTER TABLE competence_rating ADD COLUMN uid TEXT;
UPDATE competence_rating SET uid = catalyse_uid();
CREATE UNIQUE INDEX competence_rating_uid ON competence_rating(uid);

ALTER TABLE contact ADD COLUMN uid TEXT;
UPDATE contact SET uid = catalyse_uid();
CREATE UNIQUE INDEX contact_uid ON contact(uid);

ALTER TABLE decision_note ADD COLUMN uid TEXT;
UPDATE decision_note SET uid = catalyse_uid();
CREATE UNIQUE INDEX decision_note_uid ON decision_note(uid);

ALTER TABLE development_plan ADD COLUMN uid TEXT;
UPDATE development_plan SET uid = catalyse_uid();
CREATE UNIQUE INDEX development_plan_uid ON development_plan(uid);

ALTER TABLE follow_up ADD COLUMN uid TEXT;
UPDATE follow_up SET uid = catalyse_uid();
CREATE UNIQUE INDEX follow_up_uid ON follow_up(uid);

ALTER TABLE funding ADD COLUMN uid TEXT;
UPDATE funding SET uid = catalyse_uid();
CREATE UNIQUE INDEX funding_uid ON funding(uid);

ALTER TABLE indicator ADD COLUMN uid TEXT;
UPDATE indicator SET uid = catalyse_uid();
CREATE UNIQUE INDEX indicator_uid ON indicator(uid);

ALTER TABLE letterhead_logo ADD COLUMN uid TEXT;
UPDATE letterhead_logo SET uid = catalyse_uid();
CREATE UNIQUE INDEX letterhead_logo_uid ON letterhead_logo(uid);

ALTER TABLE link ADD COLUMN uid TEXT;
UPDATE link SET uid = catalyse_uid();
CREATE UNIQUE INDEX link_uid ON link(uid);

ALTER TABLE meeting ADD COLUMN uid TEXT;
UPDATE meeting SET uid = catalyse_uid();
CREATE UNIQUE INDEX meeting_uid ON meeting(uid);

ALTER TABLE meeting_actor ADD COLUMN uid TEXT;
UPDATE meeting_actor SET uid = catalyse_uid();
CREATE UNIQUE INDEX meeting_actor_uid ON meeting_actor(uid);

ALTER TABLE meeting_member ADD COLUMN uid TEXT;
UPDATE meeting_member SET uid = catalyse_uid();
CREATE UNIQUE INDEX meeting_member_uid ON meeting_member(uid);

ALTER TABLE member ADD COLUMN uid TEXT;
UPDATE member SET uid = catalyse_uid();
CREATE UNIQUE INDEX member_uid ON member(uid);

ALTER TABLE need ADD COLUMN uid TEXT;
UPDATE need SET uid = catalyse_uid();
CREATE UNIQUE INDEX need_uid ON need(uid);

ALTER TABLE note_option ADD COLUMN uid TEXT;
UPDATE note_option SET uid = catalyse_uid();
CREATE UNIQUE INDEX note_option_uid ON note_option(uid);

ALTER TABLE note_record ADD COLUMN uid TEXT;
UPDATE note_record SET uid = catalyse_uid();
CREATE UNIQUE INDEX note_record_uid ON note_record(uid);

ALTER TABLE note_section ADD COLUMN uid TEXT;
UPDATE note_section SET uid = catalyse_uid();
CREATE UNIQUE INDEX note_section_uid ON note_section(uid);

ALTER TABLE note_version ADD COLUMN uid TEXT;
UPDATE note_version SET uid = catalyse_uid();
CREATE UNIQUE INDEX note_version_uid ON note_version(uid);

ALTER TABLE project ADD COLUMN uid TEXT;
UPDATE project SET uid = catalyse_uid();
CREATE UNIQUE INDEX project_uid ON project(uid);

ALTER TABLE self_assessment ADD COLUMN uid TEXT;
UPDATE self_assessment SET uid = catalyse_uid();
CREATE UNIQUE INDEX self_assessment_uid ON self_assessment(uid);

ALTER TABLE territory ADD COLUMN uid TEXT;
UPDATE territory SET uid = catalyse_uid();
CREATE UNIQUE INDEX territory_uid ON territory(uid);

-- Then the column gets its default and becomes required, by the documented edit of
-- sqlite_schema (as in migration 9): every row was just rewritten with its uid, so no row
-- relies on the default and none is NULL (the runner's quick check verifies it).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, ', uid TEXT', ', uid TEXT NOT NULL DEFAULT (catalyse_uid())')
WHERE type = 'table' AND name IN ('action', 'action_need', 'action_partner', 'actor', 'actor_tag', 'axis', 'axis_need', 'competence_evidence', 'competence_rating', 'contact', 'decision_note', 'development_plan', 'follow_up', 'funding', 'indicator', 'letterhead_logo', 'link', 'meeting', 'meeting_actor', 'meeting_member', 'member', 'need', 'note_option', 'note_record', 'note_section', 'note_version', 'project', 'self_assessment', 'territory');
PRAGMA writable_schema = OFF;
