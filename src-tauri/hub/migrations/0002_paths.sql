-- Server schema version 2: what a laptop needs to lay the files out as a shared folder holds
-- them (the hub's copy on each laptop is such a folder, read by the same checks): the space
-- file of a team, and the relative path of each change file and snapshot, in Catalyse's
-- strict names only. Pushes become visible to listeners (NOTIFY without a payload: a role
-- that is no member learns nothing but that something was pushed somewhere).

ALTER TABLE catalyse_hub.team ADD COLUMN space bytea CHECK (length(space) <= 4096);

ALTER TABLE catalyse_hub.change_file ADD COLUMN path text
    CHECK (path ~ '^appareils/[0-9a-f]{32}/[0-9]{4}-(0[1-9]|1[0-2])/[0-9]{8}\.ccf$'
           AND substr(path, 11, 32) = replace(device::text, '-', ''));

ALTER TABLE catalyse_hub.snapshot ADD COLUMN path text
    CHECK (path ~ '^instantanes/[0-9a-f]{32}-[0-9]{20}\.ccs$'
           AND substr(path, 13, 32) = replace(device::text, '-', ''));

CREATE FUNCTION catalyse_hub.pushed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pg_notify('catalyse_hub', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER change_file_pushed AFTER INSERT ON catalyse_hub.change_file
    FOR EACH STATEMENT EXECUTE FUNCTION catalyse_hub.pushed();
