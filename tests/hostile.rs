//! Hostile files: a workspace that arrives by e-mail, on a USB key or from a shared folder
//! is hostile until checked.
//!
//! - `a_crafted_workspace_runs_none_of_its_sql`: the file of the security review (a table
//!   whose name closes the journal's trigger and attaches another file), given to every
//!   command of the real binary: each refuses it, naming the table, and nothing of it runs.
//! - `hostile_files_campaign` (ignored; the test command runs it in its own step with
//!   `CATALYSE_HOSTILE_CASES`, 300 by default, 10,000 on demand, seeded by
//!   `CATALYSE_HOSTILE_SEED`): mutated workspaces (pages overwritten, truncated, header
//!   fields, freelist and pointer-map damage, bits flipped, WAL files that do not belong),
//!   crafted schemas (extra objects, names with quotes, semicolons and comments, triggers and
//!   views with side effects, generated columns, `CHECK`s and defaults calling functions, a
//!   `sqlite_stat1` with absurd figures, huge page counts) and the workspaces of every
//!   released schema. For each: no crash, none of the file's SQL run (a sentinel file that
//!   any `ATTACH` would create never appears, no marker row written by its triggers), either
//!   refused with a clear message and the file byte-identical, or opened correctly (read,
//!   written, checked); and a good workspace still opens and takes a write afterwards. The
//!   counts per outcome are printed.

use crate::util::{bytes, Dir};
use catalyse_core::actors::ActorInput;
use catalyse_core::Store;
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A deterministic generator (xorshift64*), so a failing case can be replayed by its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// The table name of the review's file: it ends the journal's generated trigger, attaches
/// the file `target` and creates a table in it.
fn injection(target: &Path) -> String {
    format!(
        "x AFTER INSERT ON actor BEGIN SELECT 1; END; COMMIT; ATTACH '{}' AS p; CREATE TABLE p.pwned AS SELECT 'owned' AS v; DETACH p; BEGIN; /*",
        target.display()
    )
}

fn raw(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    catalyse_core::db::store::register_functions(&c).unwrap();
    c
}

fn demo(dir: &Dir, name: &str) -> PathBuf {
    let path = dir.path(name);
    dir.catalyse().arg("demo").arg(&path).assert().success();
    path
}

/// The review's attack, on the real binary: every command that takes a workspace refuses
/// the file before running anything of it, names the table, writes nothing, and the
/// attacker's file never appears.
#[test]
fn a_crafted_workspace_runs_none_of_its_sql() {
    let dir = Dir::new();
    let evil = demo(&dir, "evil.catalyse");
    // Another workspace of the user's: the attack writes into it (reproduced on 1acead3:
    // `import actors` created the table `pwned` there).
    let victim = demo(&dir, "victim.catalyse");
    let victim_before = bytes(&victim);
    {
        let c = raw(&evil);
        c.execute_batch(&format!(
            "CREATE TABLE \"{}\" (a INTEGER) STRICT",
            injection(&victim).replace('"', "\"\"")
        ))
        .unwrap();
    }
    let before = bytes(&evil);
    std::fs::write(
        dir.path("a.csv"),
        "Nom;Monde;Commune\nFoyer;Association / ESS;Larrieu\n",
    )
    .unwrap();
    let json_out = dir.path("out.json");
    let commands: Vec<Vec<std::ffi::OsString>> = vec![
        vec![
            "import".into(),
            "actors".into(),
            dir.path("a.csv").into(),
            "--workspace".into(),
            evil.clone().into(),
        ],
        vec!["check".into(), evil.clone().into()],
        vec!["network".into(), "--workspace".into(), evil.clone().into()],
        vec!["grid".into(), "--workspace".into(), evil.clone().into()],
        vec![
            "note".into(),
            "list".into(),
            "--workspace".into(),
            evil.clone().into(),
        ],
        vec![
            "export".into(),
            "workspace".into(),
            json_out.clone().into(),
            "--workspace".into(),
            evil.clone().into(),
        ],
        vec![
            "backup".into(),
            "--workspace".into(),
            evil.clone().into(),
            "--out".into(),
            dir.path("b.catalyse").into(),
        ],
        vec![
            "restore".into(),
            evil.clone().into(),
            "--to".into(),
            dir.path("r.catalyse").into(),
        ],
        vec![
            "person".into(),
            "erase".into(),
            "--contact".into(),
            "1".into(),
            "--workspace".into(),
            evil.clone().into(),
            "--yes".into(),
        ],
        vec![
            "history".into(),
            "--workspace".into(),
            evil.clone().into(),
            "--json".into(),
        ],
    ];
    for args in &commands {
        let out = dir.catalyse().args(args).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(1), "{args:?}: {text}");
        assert!(
            text.contains("contient une table inconnue « x AFTER INSERT ON actor")
                && text.contains("il n'a pas été écrit par Catalyse ou a été modifié"),
            "{args:?}: {text}"
        );
        assert!(
            bytes(&victim) == victim_before,
            "{args:?} ran the file's SQL"
        );
        assert!(bytes(&evil) == before, "{args:?} wrote to the file");
    }
    for made in ["b.catalyse", "r.catalyse", "out.json"] {
        assert!(!dir.path(made).exists(), "{made}");
    }
    // The same file with the table dropped again is an ordinary workspace.
    {
        let c = raw(&evil);
        c.execute_batch(&format!(
            "DROP TABLE \"{}\"",
            injection(&victim).replace('"', "\"\"")
        ))
        .unwrap();
    }
    dir.catalyse()
        .args(["import", "actors"])
        .arg(dir.path("a.csv"))
        .arg("--workspace")
        .arg(&evil)
        .assert()
        .success();
    assert!(bytes(&victim) == victim_before);
}

/// What happened to one hostile file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Refused on opening, with the error's kind.
    Refused(&'static str),
    /// Opened, then refused at its first use (damage SQLite finds only when it reads there).
    RefusedInUse(&'static str),
    /// Opened, read, written and checked.
    Opened,
}

/// Kinds of refusal a user can act upon (each has its French message and its English one).
const CLEAR: &[&str] = &[
    "not_a_workspace",
    "corrupt",
    "foreign_schema",
    "newer_schema",
    "newer_codes",
    "unreadable",
];

/// The marker a crafted trigger writes when it runs.
const MARKER: &str = "INSERT INTO code_value (list, code) VALUES ('Marker', 'pwned')";

fn actor(name: &str) -> ActorInput {
    ActorInput {
        name: name.into(),
        world: "association".into(),
        commune: "Larrieu".into(),
        insee: None,
        engagement: "involved".into(),
        notes: String::new(),
    }
}

/// Gives `path` to every way Catalyse opens a file, and says what happened.
fn try_file(path: &Path, t: &Targets, backups: &Path, label: &str) -> Outcome {
    let before = std::fs::read(path).unwrap_or_default();
    let wal = catalyse_core_companion(path, "-wal");
    // An empty WAL is what a read-only connection leaves: no WAL.
    let wal_before = std::fs::read(&wal).unwrap_or_default();
    // Read-only looks: never panic, never write.
    let report = catalyse_core::safety::check::check(path);
    let inspected = catalyse_core::db::store::inspect(path);
    assert!(
        std::fs::read(path).unwrap_or_default() == before,
        "{label}: a read-only look wrote"
    );
    if let Err(e) = &inspected {
        assert!(
            !report.healthy,
            "{label}: check says healthy, inspect says {e}"
        );
    }
    let outcome = match Store::open_with(path, backups) {
        Err(e) => {
            assert!(
                std::fs::read(path).unwrap_or_default() == before,
                "{label}: refused ({e}) but written to"
            );
            assert!(
                std::fs::read(&wal).unwrap_or_default() == wal_before,
                "{label}: WAL written"
            );
            assert!(
                CLEAR.contains(&e.kind()),
                "{label}: unclear refusal {:?}: {e}",
                e.kind()
            );
            assert!(!e.to_string().is_empty());
            Outcome::Refused(e.kind())
        }
        Ok(mut s) => {
            let used = (|| -> catalyse_core::CoreResult<()> {
                s.counts()?;
                s.list_actors()?;
                s.create_actor(&actor("Atelier du contrôle"))?;
                s.search("atelier")?;
                Ok(())
            })();
            match used {
                Err(e) => {
                    assert!(
                        CLEAR.contains(&e.kind()),
                        "{label}: unclear error in use {:?}: {e}",
                        e.kind()
                    );
                    Outcome::RefusedInUse(e.kind())
                }
                Ok(()) => {
                    assert!(s.close(), "{label}: not closed cleanly");
                    // What was opened and written is a sound workspace.
                    let c = Connection::open(path).unwrap();
                    let ok: String = c
                        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                        .unwrap();
                    assert_eq!(ok, "ok", "{label}");
                    let fk: i64 = c
                        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                            r.get(0)
                        })
                        .unwrap();
                    assert_eq!(fk, 0, "{label}");
                    let marked: i64 = c
                        .query_row(
                            "SELECT count(*) FROM code_value WHERE list = 'Marker'",
                            [],
                            |r| r.get(0),
                        )
                        .unwrap();
                    assert_eq!(marked, 0, "{label}: a trigger of the file ran");
                    let journaled: i64 = c
                        .query_row(
                            "SELECT count(*) FROM change WHERE tbl = 'actor' AND after LIKE '%Atelier du contr%'",
                            [],
                            |r| r.get(0),
                        )
                        .unwrap();
                    assert_eq!(journaled, 1, "{label}: the write was not journaled");
                    Outcome::Opened
                }
            }
        }
    };
    assert!(
        !t.sentinel.exists(),
        "{label}: the file's SQL attached a new file"
    );
    assert!(
        bytes(&t.victim) == t.victim_bytes,
        "{label}: the file's SQL wrote to another file"
    );
    outcome
}

fn catalyse_core_companion(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// A good workspace still opens and takes a write.
fn still_usable(template: &Path, dir: &Path) {
    let path = dir.join("bon.catalyse");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(catalyse_core_companion(&path, suffix));
    }
    std::fs::copy(template, &path).unwrap();
    let mut s = Store::open_with(&path, &dir.join("sauvegardes")).expect("a good workspace opens");
    s.create_actor(&actor("Toujours là"))
        .expect("and takes a write");
    drop(s);
}

/// Edits the SQL text of `name` in `sqlite_master` (the documented, dangerous way).
fn edit_schema(path: &Path, name: &str, edit: impl Fn(&str) -> String) {
    let c = raw(path);
    let sql: String = c
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .unwrap();
    c.execute_batch("PRAGMA writable_schema = ON").unwrap();
    c.execute(
        "UPDATE sqlite_master SET sql = ?1 WHERE name = ?2",
        [edit(&sql), name.to_string()],
    )
    .unwrap();
    let v: i64 = c
        .query_row("PRAGMA schema_version", [], |r| r.get(0))
        .unwrap();
    c.pragma_update(None, "schema_version", v + 1).unwrap();
}

/// Splices `column` as the first column of a `CREATE TABLE`'s text.
fn first_column(sql: &str, column: &str) -> String {
    let at = sql.find('(').unwrap() + 1;
    format!("{}{column}, {}", &sql[..at], &sql[at..])
}

/// Splices `constraint` as the last clause of a `CREATE TABLE`'s text.
fn last_clause(sql: &str, constraint: &str) -> String {
    let at = sql.rfind(')').unwrap();
    format!("{}, {constraint}{}", &sql[..at], &sql[at..])
}

/// What a file's SQL would reach: a file it would create (`sentinel`, never there) and
/// another workspace of the user's (`victim`, never changed).
struct Targets {
    sentinel: PathBuf,
    victim: PathBuf,
    victim_bytes: Vec<u8>,
}

/// A crafted schema: its name, the outcomes it may have (`opened`, or the kinds of refusal;
/// none listed: any clear one), and what to do to a copy of the demo (given the targets).
type Craft = (&'static str, &'static [&'static str], Crafter);

/// What makes a crafted file out of a copy of the demo.
type Crafter = Box<dyn Fn(&Path, &Targets)>;

const FOREIGN: &[&str] = &["foreign_schema"];

/// The newest schema version before this one whose objects are not this one's.
fn newest_other_schema() -> i64 {
    use catalyse_core::db::schema::reference;
    let now: Vec<_> = reference(catalyse_core::SCHEMA_VERSION)
        .unwrap()
        .objects()
        .cloned()
        .collect();
    (1..catalyse_core::SCHEMA_VERSION)
        .rev()
        .find(|v| {
            reference(*v)
                .unwrap()
                .objects()
                .cloned()
                .collect::<Vec<_>>()
                != now
        })
        .expect("an older schema differs")
}
const OPENED: &[&str] = &["opened"];
const UNREADABLE: &[&str] = &["corrupt", "foreign_schema"];
const ANY: &[&str] = &[];

/// Schemas crafted to run SQL or to pass for Catalyse's.
fn crafted() -> Vec<Craft> {
    let sql = |s: &'static str| -> Crafter {
        Box::new(move |p: &Path, t: &Targets| {
            raw(p)
                .execute_batch(
                    &s.replace("SENTINEL", &t.sentinel.to_string_lossy())
                        .replace("VICTIM", &t.victim.to_string_lossy()),
                )
                .unwrap()
        })
    };
    let load = "load_extension('SENTINEL')";
    vec![
        (
            "the review's injected table name (another workspace)", FOREIGN,
            Box::new(|p: &Path, t: &Targets| {
                raw(p)
                    .execute_batch(&format!(
                        "CREATE TABLE \"{}\" (a INTEGER) STRICT",
                        injection(&t.victim).replace('"', "\"\"")
                    ))
                    .unwrap()
            }),
        ),
        (
            "the review's injected table name (a new file)", FOREIGN,
            Box::new(|p: &Path, t: &Targets| {
                raw(p)
                    .execute_batch(&format!(
                        "CREATE TABLE \"{}\" (a INTEGER) STRICT",
                        injection(&t.sentinel).replace('"', "\"\"")
                    ))
                    .unwrap()
            }),
        ),
        (
            "an injected index name", FOREIGN,
            sql("CREATE INDEX \"i ON actor(id); ATTACH 'VICTIM' AS p; --\" ON actor(notes)"),
        ),
        ("a table named with a quote, a semicolon and a comment", FOREIGN, sql("CREATE TABLE \"x\"\"; DROP TABLE actor; --\" (a)")),
        ("an extra table", FOREIGN, sql("CREATE TABLE notes_perso (texte TEXT)")),
        ("an extra table with a journal-like name", FOREIGN, sql("CREATE TABLE journal_x_insert (a)")),
        ("an AUTOINCREMENT table (sqlite_sequence)", FOREIGN, sql("CREATE TABLE compteur (id INTEGER PRIMARY KEY AUTOINCREMENT)")),
        ("an extra full-text table", FOREIGN, sql("CREATE VIRTUAL TABLE recherche USING fts5(texte)")),
        ("a view calling load_extension", FOREIGN, sql("CREATE VIEW v AS SELECT load_extension('SENTINEL')")),
        ("a view shadowing nothing", FOREIGN, sql("CREATE VIEW acteurs AS SELECT * FROM actor")),
        ("a trigger writing a marker", FOREIGN, sql("CREATE TRIGGER t AFTER INSERT ON actor BEGIN INSERT INTO code_value (list, code) VALUES ('Marker', 'pwned'); END")),
        ("a trigger named with quotes and a comment", FOREIGN, sql("CREATE TRIGGER \"t'; --\" AFTER UPDATE ON actor BEGIN INSERT INTO code_value (list, code) VALUES ('Marker', 'pwned'); END")),
        (
            "a journal trigger with the file's own body", OPENED,
            Box::new(|p: &Path, _| {
                raw(p)
                    .execute_batch(&format!(
                        "DROP TRIGGER journal_actor_insert;
                         CREATE TRIGGER journal_actor_insert AFTER INSERT ON actor BEGIN {MARKER}; END;"
                    ))
                    .unwrap()
            }),
        ),
        (
            "every journal trigger of the actors with the file's own body", OPENED,
            Box::new(|p: &Path, _| {
                let c = raw(p);
                for op in ["insert", "update", "delete"] {
                    c.execute_batch(&format!(
                        "DROP TRIGGER journal_actor_{op};
                         CREATE TRIGGER journal_actor_{op} AFTER {} ON actor BEGIN {MARKER}; END;",
                        op.to_uppercase()
                    ))
                    .unwrap();
                }
            }),
        ),
        ("a journal trigger on the wrong table", FOREIGN, sql("DROP TRIGGER journal_actor_insert; CREATE TRIGGER journal_actor_insert AFTER INSERT ON need BEGIN SELECT 1; END")),
        ("a journal trigger of a table that is not there", FOREIGN, sql("CREATE TRIGGER journal_x_insert AFTER INSERT ON actor BEGIN SELECT 1; END")),
        ("a derived-data trigger with another body", FOREIGN, sql("DROP TRIGGER actor_key_ai; CREATE TRIGGER actor_key_ai AFTER INSERT ON actor BEGIN INSERT INTO code_value (list, code) VALUES ('Marker', 'pwned'); END")),
        ("an extra index", FOREIGN, sql("CREATE INDEX actor_notes ON actor(notes)")),
        ("an index on an expression", FOREIGN, sql("CREATE INDEX x ON actor(abs(id))")),
        ("a known index changed", FOREIGN, sql("DROP INDEX change_of_record; CREATE INDEX change_of_record ON change(record, tbl)")),
        ("a known index removed", FOREIGN, sql("DROP INDEX change_of_record")),
        ("a table removed", FOREIGN, sql("DROP TABLE note_section")),
        ("a table renamed", FOREIGN, sql("ALTER TABLE need RENAME TO besoin")),
        ("a column added", FOREIGN, sql("ALTER TABLE actor ADD COLUMN site TEXT NOT NULL DEFAULT ''")),
        ("sqlite_stat1 with absurd figures", FOREIGN, sql("ANALYZE; UPDATE sqlite_stat1 SET stat = '1 1000000000 1'")),
        (
            "a generated column calling load_extension", UNREADABLE,
            Box::new(move |p: &Path, t: &Targets| {
                let l = load.replace("SENTINEL", &t.sentinel.to_string_lossy());
                edit_schema(p, "actor", |sql| {
                    first_column(sql, &format!("pwn TEXT GENERATED ALWAYS AS ({l}) VIRTUAL"))
                })
            }),
        ),
        (
            "a CHECK calling load_extension", UNREADABLE,
            Box::new(move |p: &Path, t: &Targets| {
                let l = load.replace("SENTINEL", &t.sentinel.to_string_lossy());
                edit_schema(p, "actor", |sql| last_clause(sql, &format!("CHECK ({l} IS NULL)")))
            }),
        ),
        (
            "a CHECK writing through a function", UNREADABLE,
            Box::new(|p: &Path, _| {
                edit_schema(p, "need", |sql| last_clause(sql, "CHECK (catalyse_uid() IS NOT NULL)"))
            }),
        ),
        (
            "a default calling load_extension", UNREADABLE,
            Box::new(move |p: &Path, t: &Targets| {
                let l = load.replace("SENTINEL", &t.sentinel.to_string_lossy());
                edit_schema(p, "actor", |sql| {
                    sql.replacen("DEFAULT ''", &format!("DEFAULT ({l})"), 1)
                })
            }),
        ),
        (
            "a trigger whose text attaches a file", UNREADABLE,
            Box::new(|p: &Path, t: &Targets| {
                let s = t.victim.to_string_lossy().into_owned();
                edit_schema(p, "actor_key_ai", move |sql| {
                    format!("{sql}; ATTACH '{s}' AS p; CREATE TABLE p.x (a)")
                })
            }),
        ),
        (
            "a trigger whose text is not SQL", UNREADABLE,
            Box::new(|p: &Path, _| edit_schema(p, "actor_key_ai", |_| "CREATE TRIGGER ((".into())),
        ),
        ("a newer schema version", &["newer_schema"], sql("PRAGMA user_version = 999")),
        ("a negative schema version", &["corrupt"], sql("PRAGMA user_version = -5")),
        ("schema version 0", FOREIGN, sql("PRAGMA user_version = 0")),
        (
            "an older schema version claimed (the newest whose schema differs)", FOREIGN,
            Box::new(|p: &Path, _| {
                raw(p)
                    .pragma_update(None, "user_version", newest_other_schema())
                    .unwrap()
            }),
        ),
        (
            // A migration that changes no table (19: the journal's batches packed from then
            // on): a file claiming the version before has that version's schema, and is
            // migrated like one; otherwise it is the case above.
            "the version before claimed",
            if newest_other_schema() == catalyse_core::SCHEMA_VERSION - 1 { FOREIGN } else { &["opened"] },
            Box::new(|p: &Path, _| {
                raw(p)
                    .pragma_update(None, "user_version", catalyse_core::SCHEMA_VERSION - 1)
                    .unwrap()
            }),
        ),
        ("another application's id", &["not_a_workspace"], sql("PRAGMA application_id = 1234")),
        ("a code of a newer Catalyse", &["newer_codes"], sql("INSERT INTO code_value (list, code) VALUES ('World', 'culture')")),
        (
            "a huge page count in the header", ANY,
            Box::new(|p: &Path, _| patch(p, 28, &0xFFFF_FFF0u32.to_be_bytes())),
        ),
        (
            "a pointer map announced (largest root page) in a file without one", ANY,
            Box::new(|p: &Path, _| patch(p, 52, &7u32.to_be_bytes())),
        ),
        (
            "a freelist trunk pointing past the end", ANY,
            Box::new(|p: &Path, _| {
                patch(p, 32, &0x00FF_FFFFu32.to_be_bytes());
                patch(p, 36, &3u32.to_be_bytes());
            }),
        ),
        (
            "a text encoding of UTF-16", ANY,
            Box::new(|p: &Path, _| patch(p, 56, &2u32.to_be_bytes())),
        ),
    ]
}

/// Writes `data` at `offset` of the file.
fn patch(path: &Path, offset: u64, data: &[u8]) {
    use std::io::{Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(offset)).unwrap();
    f.write_all(data).unwrap();
}

/// A real WAL of another workspace: frames with valid checksums that do not belong here.
fn foreign_wal(template: &Path, dir: &Path) -> Vec<u8> {
    let other = dir.join("autre.catalyse");
    std::fs::copy(template, &other).unwrap();
    let c = raw(&other);
    c.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    let _: String = c
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    c.execute_batch(
        "PRAGMA foreign_keys = OFF;
         DELETE FROM code_value WHERE list = 'World';
         UPDATE actor SET notes = 'écrit ailleurs' WHERE id % 2 = 0;
         DELETE FROM link WHERE id % 3 = 0;",
    )
    .unwrap();
    let wal = std::fs::read(catalyse_core_companion(&other, "-wal")).unwrap();
    drop(c);
    let _ = std::fs::remove_file(&other);
    wal
}

/// One random mutation of a copy of a workspace; its name.
fn mutate(rng: &mut Rng, path: &Path, foreign: &[u8]) -> String {
    let mut data = std::fs::read(path).unwrap();
    let page = u16::from_be_bytes([data[16], data[17]]) as usize;
    let page = if page == 1 { 65536 } else { page.max(512) };
    let pages = data.len() / page;
    let what = match rng.below(9) {
        0 => {
            let n = 1 + rng.below(pages as u64 - 1) as usize;
            let kind = rng.below(3);
            let fill: Vec<u8> = match kind {
                0 => rng.bytes(page),
                1 => vec![0; page],
                _ => {
                    let from = rng.below(pages as u64) as usize * page;
                    data[from..from + page].to_vec()
                }
            };
            data[n * page..(n + 1) * page].copy_from_slice(&fill);
            format!(
                "page {} overwritten ({})",
                n + 1,
                ["random", "zeros", "another page"][kind as usize]
            )
        }
        1 => {
            let at = if rng.below(2) == 0 {
                rng.below(data.len() as u64) as usize
            } else {
                rng.below(pages as u64) as usize * page
            };
            data.truncate(at);
            format!("truncated at {at}")
        }
        2 => {
            const FIELDS: &[(usize, usize, &str)] = &[
                (16, 2, "page size"),
                (18, 1, "write version"),
                (19, 1, "read version"),
                (20, 1, "reserved bytes"),
                (21, 3, "payload fractions"),
                (24, 4, "change counter"),
                (28, 4, "page count"),
                (32, 4, "freelist trunk"),
                (36, 4, "freelist count"),
                (40, 4, "schema cookie"),
                (44, 4, "schema format"),
                (48, 4, "cache size"),
                (52, 4, "largest root page (pointer map)"),
                (56, 4, "text encoding"),
                (60, 4, "user version"),
                (64, 4, "incremental vacuum"),
                (68, 4, "application id"),
                (92, 8, "version valid for"),
            ];
            let (at, len, name) = FIELDS[rng.below(FIELDS.len() as u64) as usize];
            let v = rng.bytes(len);
            data[at..at + len].copy_from_slice(&v);
            format!("header: {name} = {v:02x?}")
        }
        3 => {
            let n = 1 + rng.below(8);
            for _ in 0..n {
                let at = rng.below(data.len() as u64) as usize;
                data[at] ^= 1 << rng.below(8);
            }
            format!("{n} bits flipped")
        }
        4 => {
            // Freelist damage: a trunk page and a count that do not match the file.
            let trunk = rng.below(pages as u64 * 2) as u32;
            data[32..36].copy_from_slice(&trunk.to_be_bytes());
            let count = rng.below(pages as u64 * 2) as u32;
            data[36..40].copy_from_slice(&count.to_be_bytes());
            format!("freelist trunk {trunk}, count {count}")
        }
        5 => {
            // A pointer map announced: SQLite reads page 2 as one.
            let root = 1 + rng.below(pages as u64) as u32;
            data[52..56].copy_from_slice(&root.to_be_bytes());
            data[64..68].copy_from_slice(&(rng.below(2) as u32).to_be_bytes());
            format!("pointer map announced (root {root})")
        }
        6 => {
            let mut wal = foreign.to_vec();
            let how = rng.below(3);
            match how {
                0 => {}
                1 => wal.truncate(rng.below(wal.len() as u64) as usize),
                _ => {
                    let at = 32 + rng.below(wal.len() as u64 - 32) as usize;
                    wal[at] ^= 0xFF;
                }
            }
            std::fs::write(catalyse_core_companion(path, "-wal"), &wal).unwrap();
            format!(
                "a WAL of another workspace ({})",
                ["whole", "cut", "one byte changed"][how as usize]
            )
        }
        7 => {
            let n = 32 + rng.below(64 * 1024) as usize;
            std::fs::write(catalyse_core_companion(path, "-wal"), rng.bytes(n)).unwrap();
            format!("a WAL of {n} random bytes")
        }
        _ => {
            // Cells of a page shuffled: the page's own bytes moved around.
            let n = 1 + rng.below(pages as u64 - 1) as usize;
            let start = n * page;
            let a = start + 8 + rng.below((page - 16) as u64) as usize;
            let b = start + 8 + rng.below((page - 16) as u64) as usize;
            let len = 1 + rng.below(64) as usize;
            let len = len.min(start + page - a.max(b));
            let chunk = data[a..a + len].to_vec();
            data.copy_within(b..b + len, a);
            data[b..b + len].copy_from_slice(&chunk);
            format!("page {} bytes swapped", n + 1)
        }
    };
    std::fs::write(path, &data).unwrap();
    what
}

/// The campaign (see the module's documentation).
#[test]
#[ignore = "run by the test command in its own step (CATALYSE_HOSTILE_CASES)"]
fn hostile_files_campaign() {
    let cases: usize = std::env::var("CATALYSE_HOSTILE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let seed: u64 = std::env::var("CATALYSE_HOSTILE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_CA7A_17C5);
    let started = std::time::Instant::now();
    let dir = Dir::new();
    let template = dir.path("demo.catalyse");
    catalyse_core::demo::write_demo(&template).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let released: Vec<PathBuf> = (1..=catalyse_core::SCHEMA_VERSION)
        .map(|v| fixtures.join(format!("schema-v{v}.catalyse")))
        .filter(|p| p.exists())
        .collect();
    std::fs::create_dir_all(dir.path("wal")).unwrap();
    let foreign = foreign_wal(&template, &dir.path("wal"));
    let victim = dir.path("victime.catalyse");
    std::fs::copy(&template, &victim).unwrap();
    let targets = Targets {
        sentinel: dir.path("pwned.db"),
        victim_bytes: bytes(&victim),
        victim,
    };
    let backups = dir.path("sauvegardes");
    let work = dir.path("cas");
    let mut counts: BTreeMap<(String, Outcome), usize> = BTreeMap::new();
    let mut run = |family: &str, setup: &mut dyn FnMut(&Path) -> String| -> Outcome {
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).unwrap();
        let path = work.join("hostile.catalyse");
        let label = setup(&path);
        let outcome = try_file(&path, &targets, &backups, &label);
        still_usable(&template, &work);
        *counts
            .entry((family.to_string(), outcome.clone()))
            .or_default() += 1;
        outcome
    };
    // Every released schema: opened (and migrated).
    for fixture in &released {
        let label = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let outcome = run("released schema", &mut |p: &Path| {
            std::fs::copy(fixture, p).unwrap();
            label.clone()
        });
        assert_eq!(outcome, Outcome::Opened, "{label}");
    }
    // Crafted schemas.
    for (label, expected, craft) in crafted() {
        let outcome = run("crafted schema", &mut |p: &Path| {
            std::fs::copy(&template, p).unwrap();
            craft(p, &targets);
            label.to_string()
        });
        let kind = match &outcome {
            Outcome::Opened => "opened",
            Outcome::Refused(k) | Outcome::RefusedInUse(k) => k,
        };
        assert!(
            expected.is_empty() || expected.contains(&kind),
            "{label}: {outcome:?}, expected one of {expected:?}"
        );
    }
    // Random damage, on the demo of this version and on the released ones.
    let mut rng = Rng(seed | 1);
    let bases: Vec<&Path> = std::iter::once(template.as_path())
        .chain(released.iter().map(PathBuf::as_path))
        .collect();
    for i in 0..cases {
        let base = bases[if rng.below(3) == 0 {
            rng.below(bases.len() as u64) as usize
        } else {
            0
        }];
        let case_seed = rng.next();
        let mut case_rng = Rng(case_seed | 1);
        run("mutated workspace", &mut |p: &Path| {
            std::fs::copy(base, p).unwrap();
            let what = mutate(&mut case_rng, p, &foreign);
            format!(
                "case {i} (seed {case_seed}, {}): {what}",
                base.file_name().unwrap().to_string_lossy()
            )
        });
    }
    println!(
        "hostile files: {} cases in {:.1} s (seed {seed}), no crash, no SQL of a file run, every refused file byte-identical, a good workspace usable after each:",
        counts.values().sum::<usize>(),
        started.elapsed().as_secs_f64()
    );
    for ((family, outcome), n) in &counts {
        println!("  {family:<18} {:<32} {n}", format!("{outcome:?}"));
    }
}
