// A real PostgreSQL for the end-to-end tests of the hub (Debian 12's `postgresql`, installed by
// scripts/setup.sh), as the Rust tests start it (tests/hub/server.rs): `initdb` in a temporary
// folder as `nobody` when the tests run as root, a free port, TLS only, with a certificate
// authority and a `localhost` certificate made here with `openssl`. And a D-Bus session with
// GNOME Keyring unlocked, where the app keeps the server's password.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, chownSync, chmodSync, appendFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./harness.mjs";

export const SUPERUSER = "hub_super";
const SUPERUSER_PASSWORD = "super-secret-de-test";

/** The newest PostgreSQL's programs. */
function binDir() {
  const root = "/usr/lib/postgresql";
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(a) - Number(b));
  if (!versions.length) throw new Error("no PostgreSQL server in /usr/lib/postgresql/*/bin (scripts/setup.sh installs it)");
  return path.join(root, versions[versions.length - 1], "bin");
}

/** @param {string} dir @param {string[]} args */
function openssl(dir, args) { execFileSync("openssl", args, { cwd: dir, stdio: "pipe" }); }

/** @param {string} dir @param {string} name */
function makeCa(dir, name) {
  openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${name}`]);
}

/** Starts a server with a database `territoire` owned by `hub_admin` (CREATEROLE, no superuser). */
export async function startPostgres(adminPassword) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "catalyse-pg-"));
  const bin = binDir();
  const owner = process.getuid?.() === 0
    ? { uid: Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" })), gid: Number(execFileSync("id", ["-g", "nobody"], { encoding: "utf8" })) }
    : null;
  makeCa(dir, "ca");
  openssl(dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
    "-out", "server.csr", "-subj", "/CN=localhost"]);
  writeFileSync(path.join(dir, "server.ext"), "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
  openssl(dir, ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
    "-out", "server.crt", "-days", "2", "-extfile", "server.ext"]);
  chmodSync(path.join(dir, "server.key"), 0o600);
  writeFileSync(path.join(dir, "pw"), SUPERUSER_PASSWORD);
  if (owner) {
    for (const f of readdirSync(dir)) chownSync(path.join(dir, f), owner.uid, owner.gid);
    chownSync(dir, owner.uid, owner.gid);
  }
  const asOwner = (/** @type {string} */ program, /** @type {string[]} */ args) => {
    const r = spawnSync(path.join(bin, program), args, { cwd: dir, encoding: "utf8", ...(owner ?? {}) });
    if (r.status !== 0) throw new Error(`${program} ${args.join(" ")}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const port = await freePort();
  asOwner("initdb", ["-D", "data", "-U", SUPERUSER, "--pwfile=pw", "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const data = path.join(dir, "data");
  appendFileSync(path.join(data, "postgresql.conf"),
    `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\n` +
    `ssl = on\nssl_cert_file = '${path.join(dir, "server.crt")}'\nssl_key_file = '${path.join(dir, "server.key")}'\n` +
    "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
  writeFileSync(path.join(data, "pg_hba.conf"),
    "local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n");
  if (owner) chownSync(path.join(data, "pg_hba.conf"), owner.uid, owner.gid);
  asOwner("pg_ctl", ["-D", "data", "-l", "log", "-w", "-t", "60", "start"]);
  const pg = {
    port,
    ca: path.join(dir, "ca.crt"),
    /** The address of `territoire` for `user`, verified against the CA. @param {string} user */
    url: (user) => `postgresql://${user}@localhost:${port}/territoire?sslrootcert=${encodeURIComponent(path.join(dir, "ca.crt"))}`,
    /** SQL as the superuser on `db`, through the local socket. @param {string} db @param {string} sql */
    admin(db, sql) {
      const r = spawnSync("psql", ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", dir, "-p", String(port), "-U", SUPERUSER, "-d", db, "-c", sql],
        { encoding: "utf8", env: { ...process.env, PGPASSWORD: SUPERUSER_PASSWORD } });
      if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr}`);
      return r.stdout.trim();
    },
    stop() {
      try { asOwner("pg_ctl", ["-D", "data", "-m", "immediate", "-w", "stop"]); } catch { /* already stopped */ }
      try { rmSync(dir, { recursive: true, force: true }); } catch { /* left for inspection */ }
    },
    log: () => { try { return readFileSync(path.join(dir, "log"), "utf8"); } catch { return ""; } },
  };
  pg.admin("postgres", `CREATE ROLE hub_admin LOGIN CREATEROLE PASSWORD '${adminPassword}'`);
  pg.admin("postgres", "CREATE DATABASE territoire OWNER hub_admin");
  return pg;
}

/**
 * A D-Bus session bus of its own with GNOME Keyring unlocked on it (the Secret Service the app
 * keeps passwords in): one per laptop (apps on one bus would be one instance of the app for
 * the single-instance plugin). `use()` puts its address into `process.env` for what is
 * launched next; `env` gives it for a command.
 */
export function startKeyring() {
  const out = execFileSync("dbus-daemon", ["--session", "--fork", "--print-address=1", "--print-pid=1"], { encoding: "utf8" });
  const [address, pid] = out.trim().split("\n");
  // Its own keyrings, in a folder of its own (not the user's).
  const home = mkdtempSync(path.join(os.tmpdir(), "catalyse-trousseau-"));
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, HOME: home, XDG_DATA_HOME: path.join(home, "data") };
  // The daemon forks and keeps running: its output is not waited for.
  execFileSync("gnome-keyring-daemon", ["--unlock", "--components=secrets"], { input: "trousseau de test", env, stdio: ["pipe", "ignore", "ignore"] });
  return {
    address,
    env: { DBUS_SESSION_BUS_ADDRESS: address },
    use() { process.env.DBUS_SESSION_BUS_ADDRESS = address; },
    stop() {
      try { process.kill(Number(pid)); } catch { /* gone */ }
      delete process.env.DBUS_SESSION_BUS_ADDRESS;
      try { rmSync(home, { recursive: true, force: true }); } catch { /* left */ }
    },
  };
}
