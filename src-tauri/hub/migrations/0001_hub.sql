-- Catalyse's hub, server schema version 1: a team's change files stored append-only, its
-- snapshots, its devices and their acknowledgements, and its members. Run by
-- `catalyse hub init` as the administrator's role, which owns everything here (an owner is not
-- subject to the policies: the administrator of the server can read the change files).
--
-- The people are PostgreSQL roles (one per person, LOGIN, SCRAM password or certificate),
-- members of the group role catalyse_member, which holds the privileges; the policies below
-- give each role the rows of the teams it is a member of (catalyse_hub.member) and no other.
-- No role but the owner may update or delete a change file, a snapshot, a device.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'catalyse_member') THEN
        CREATE ROLE catalyse_member NOLOGIN;
    END IF;
END
$$;

CREATE SCHEMA catalyse_hub;
REVOKE ALL ON SCHEMA catalyse_hub FROM PUBLIC;
GRANT USAGE ON SCHEMA catalyse_hub TO catalyse_member;

-- The schema's version, one row.
CREATE TABLE catalyse_hub.version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version integer NOT NULL
);
INSERT INTO catalyse_hub.version (version) VALUES (0);

-- A shared workspace (its `team` identity is the workspace's sharing identity).
CREATE TABLE catalyse_hub.team (
    id uuid PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by name NOT NULL DEFAULT current_user
);

-- Who may read a team's files and add their own: a role per person. A revoked member keeps
-- its row (revoked_at) and sees nothing more.
CREATE TABLE catalyse_hub.member (
    team uuid NOT NULL REFERENCES catalyse_hub.team (id),
    role name NOT NULL,
    granted_at timestamptz NOT NULL DEFAULT now(),
    granted_by name NOT NULL DEFAULT current_user,
    revoked_at timestamptz,
    PRIMARY KEY (team, role)
);

-- A laptop of the team, and the role that pushes its files.
CREATE TABLE catalyse_hub.device (
    team uuid NOT NULL REFERENCES catalyse_hub.team (id),
    device uuid NOT NULL,
    role name NOT NULL DEFAULT current_user,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    joined_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team, device)
);

-- A change file, as in the shared folder: its bytes check themselves (magic, identities,
-- sequence, the previous file's hash, a closing hash); the hub stores them as they came.
-- Keyed by (team, device, sequence): a push repeated after a lost connection writes nothing twice.
CREATE TABLE catalyse_hub.change_file (
    team uuid NOT NULL,
    device uuid NOT NULL,
    seq bigint NOT NULL CHECK (seq >= 1),
    bytes bytea NOT NULL,
    hash bytea NOT NULL CHECK (length(hash) = 32),
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team, device, seq),
    FOREIGN KEY (team, device) REFERENCES catalyse_hub.device (team, device)
);

-- The whole workspace for a laptop that joins late, made by one device up to its own file `seq`.
CREATE TABLE catalyse_hub.snapshot (
    team uuid NOT NULL,
    device uuid NOT NULL,
    seq bigint NOT NULL CHECK (seq >= 0),
    bytes bytea NOT NULL,
    hash bytea NOT NULL CHECK (length(hash) = 32),
    made_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team, device, seq),
    FOREIGN KEY (team, device) REFERENCES catalyse_hub.device (team, device)
);

-- What each device has received of each other device's files (the last sequence applied).
CREATE TABLE catalyse_hub.ack (
    team uuid NOT NULL,
    device uuid NOT NULL,
    of_device uuid NOT NULL,
    seq bigint NOT NULL CHECK (seq >= 0),
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team, device, of_device),
    FOREIGN KEY (team, device) REFERENCES catalyse_hub.device (team, device)
);

-- Whether `who` is a current member of `t`. SECURITY DEFINER: it reads catalyse_hub.member
-- past that table's own policy (a policy calling itself would recurse); its search path is fixed.
CREATE FUNCTION catalyse_hub.is_member(t uuid, who name) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1 FROM catalyse_hub.member m
        WHERE m.team = t AND m.role = who AND m.revoked_at IS NULL
    )
$$;
REVOKE ALL ON FUNCTION catalyse_hub.is_member(uuid, name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION catalyse_hub.is_member(uuid, name) TO catalyse_member;

-- Whether `d` is a device of team `t` pushed by the current role.
CREATE FUNCTION catalyse_hub.is_own_device(t uuid, d uuid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1 FROM catalyse_hub.device x
        WHERE x.team = t AND x.device = d AND x.role = current_user
    )
$$;
REVOKE ALL ON FUNCTION catalyse_hub.is_own_device(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION catalyse_hub.is_own_device(uuid, uuid) TO catalyse_member;

-- Privileges: read everything (the policies filter), add rows, move one's own
-- acknowledgements forward; never update or delete anything else.
GRANT SELECT ON catalyse_hub.version TO catalyse_member;
GRANT SELECT, INSERT ON catalyse_hub.team TO catalyse_member;
GRANT SELECT ON catalyse_hub.member TO catalyse_member;
GRANT SELECT, INSERT ON catalyse_hub.device, catalyse_hub.change_file, catalyse_hub.snapshot
    TO catalyse_member;
GRANT SELECT, INSERT ON catalyse_hub.ack TO catalyse_member;
GRANT UPDATE (seq, at) ON catalyse_hub.ack TO catalyse_member;

ALTER TABLE catalyse_hub.team ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalyse_hub.member ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalyse_hub.device ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalyse_hub.change_file ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalyse_hub.snapshot ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalyse_hub.ack ENABLE ROW LEVEL SECURITY;

-- A team is seen by its members; a member may create one (`catalyse share init --server`),
-- becoming its first member by the trigger below.
CREATE POLICY team_read ON catalyse_hub.team FOR SELECT
    USING (catalyse_hub.is_member(id, current_user));
CREATE POLICY team_create ON catalyse_hub.team FOR INSERT
    WITH CHECK (created_by = current_user);

CREATE FUNCTION catalyse_hub.team_creator_is_member() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO catalyse_hub.member (team, role, granted_by) VALUES (NEW.id, NEW.created_by, NEW.created_by);
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION catalyse_hub.team_creator_is_member() FROM PUBLIC;
CREATE TRIGGER team_creator_is_member AFTER INSERT ON catalyse_hub.team
    FOR EACH ROW EXECUTE FUNCTION catalyse_hub.team_creator_is_member();

CREATE POLICY member_read ON catalyse_hub.member FOR SELECT
    USING (catalyse_hub.is_member(team, current_user));

CREATE POLICY device_read ON catalyse_hub.device FOR SELECT
    USING (catalyse_hub.is_member(team, current_user));
CREATE POLICY device_add ON catalyse_hub.device FOR INSERT
    WITH CHECK (catalyse_hub.is_member(team, current_user) AND role = current_user);

CREATE POLICY change_file_read ON catalyse_hub.change_file FOR SELECT
    USING (catalyse_hub.is_member(team, current_user));
CREATE POLICY change_file_add ON catalyse_hub.change_file FOR INSERT
    WITH CHECK (catalyse_hub.is_member(team, current_user)
                AND catalyse_hub.is_own_device(team, device));

CREATE POLICY snapshot_read ON catalyse_hub.snapshot FOR SELECT
    USING (catalyse_hub.is_member(team, current_user));
CREATE POLICY snapshot_add ON catalyse_hub.snapshot FOR INSERT
    WITH CHECK (catalyse_hub.is_member(team, current_user)
                AND catalyse_hub.is_own_device(team, device));

CREATE POLICY ack_read ON catalyse_hub.ack FOR SELECT
    USING (catalyse_hub.is_member(team, current_user));
CREATE POLICY ack_add ON catalyse_hub.ack FOR INSERT
    WITH CHECK (catalyse_hub.is_member(team, current_user)
                AND catalyse_hub.is_own_device(team, device));
CREATE POLICY ack_move ON catalyse_hub.ack FOR UPDATE
    USING (catalyse_hub.is_member(team, current_user)
           AND catalyse_hub.is_own_device(team, device))
    WITH CHECK (catalyse_hub.is_member(team, current_user)
                AND catalyse_hub.is_own_device(team, device));
