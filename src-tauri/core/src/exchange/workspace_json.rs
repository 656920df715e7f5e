//! The whole workspace as one JSON document: every record of every table, with the format's
//! version, the schema version it was written with and the app's version.
//!
//! ```json
//! { "format": "catalyse-workspace", "format_version": 1, "app_version": "0.1.0",
//!   "schema_version": 6,
//!   "tables": { "actor": [ { "id": 1, "name": "Mairie", … } ], … } }
//! ```
//!
//! Columns keep their SQL names and values their SQL types (integers, text, `null`; binary
//! data as `{"base64": "…"}`); money is in cents and dates are ISO text, as in the database.
//! Tables and rows are written in a fixed order (tables by name, rows by key), so exporting,
//! importing and exporting again gives the same bytes.
//!
//! An import builds a **new** file: it creates the schema of the document's version, inserts
//! every record in one transaction (the tables are `STRICT`, so a wrong type is refused; the
//! `CHECK` constraints and foreign keys check sizes, codes and references), checks that no
//! reference dangles, migrates to the current schema, and only then gives the file its name.
//! Any problem leaves nothing behind and is reported with the table and the record.

use crate::db::migrations::{CODES_TABLE_SINCE, SCHEMA_VERSION};
use crate::db::store::{self, Store, APPLICATION_ID, BUSY_TIMEOUT};
use crate::db::tables::{data_tables, layout, quote, to_json, Column};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::{Phase, Progress};
use base64::Engine as _;
use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

pub const FORMAT: &str = "catalyse-workspace";
pub const FORMAT_VERSION: i64 = 1;
/// Largest document read, in bytes.
pub const MAX_BYTES: u64 = 512 * 1024 * 1024;

fn invalid(message: String) -> CoreError {
    CoreError::Validation {
        field: "file",
        code: "workspace_json.invalid",
        message,
    }
}

/// The workspace behind `conn` as a JSON document.
pub fn export(conn: &Connection) -> CoreResult<String> {
    export_with(conn, &Progress::none())
}

/// [`export`], reporting the rows read to `progress` and stopping when it is cancelled.
pub fn export_with(conn: &Connection, progress: &Progress) -> CoreResult<String> {
    let schema: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let names = data_tables(conn)?;
    let mut total: u64 = 0;
    for table in &names {
        let n: i64 =
            conn.query_row(&format!("SELECT count(*) FROM {}", quote(table)), [], |r| {
                r.get(0)
            })?;
        total += n as u64;
    }
    let mut done: u64 = 0;
    progress.step(Phase::Exporting, 0, Some(total))?;
    // Written as it is read, one record at a time: the text `serde_json::to_string_pretty`
    // gives of the whole document (keys in order, two spaces a level), without holding the
    // document as a tree of values (at a million links, several gigabytes).
    let scalar = |v: Value| v.to_string();
    let mut text = String::from("{\n");
    for (key, value) in [
        ("app_version", scalar(env!("CARGO_PKG_VERSION").into())),
        ("format", scalar(FORMAT.into())),
        ("format_version", scalar(FORMAT_VERSION.into())),
        ("schema_version", scalar(schema.into())),
    ] {
        text.push_str(&format!("  \"{key}\": {value},\n"));
    }
    text.push_str("  \"tables\": {");
    let mut names = names;
    names.sort();
    for (t, table) in names.iter().enumerate() {
        let (cols, keys) = layout(conn, table)?;
        let order = if keys.is_empty() {
            "rowid".to_string()
        } else {
            keys.iter().map(|k| quote(k)).collect::<Vec<_>>().join(", ")
        };
        // Identifiers come from the schema itself, never from input.
        let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {order}",
            selected(table, &names),
            quote(table)
        );
        let mut st = conn.prepare(&sql)?;
        let mut rows = st.query([])?;
        text.push_str(if t == 0 { "\n    " } else { ",\n    " });
        text.push_str(&scalar(table.as_str().into()));
        text.push_str(": [");
        let mut any = false;
        while let Some(row) = rows.next()? {
            let mut obj = Map::new();
            for (i, c) in cols.iter().enumerate() {
                obj.insert(c.name.clone(), to_json(row.get_ref(i)?));
            }
            let pretty = serde_json::to_string_pretty(&Value::Object(obj))
                .map_err(|e| CoreError::Io(std::io::Error::other(e)))?;
            // A newline in the text is the layout's (a string's is escaped).
            text.push_str(if any { ",\n      " } else { "\n      " });
            text.push_str(&pretty.replace('\n', "\n      "));
            any = true;
            done += 1;
            if done.is_multiple_of(4096) {
                progress.step(Phase::Exporting, done, Some(total))?;
            }
        }
        text.push_str(if any { "\n    ]" } else { "]" });
    }
    text.push_str(if names.is_empty() {
        "}\n}\n"
    } else {
        "\n  }\n}\n"
    });
    progress.step(Phase::Exporting, total, Some(total))?;
    Ok(text)
}

/// The columns `names` of `table` as the document writes them: as they are, but the
/// journal's packed batches as the JSON they hold (db/packed.rs), so that the document stays
/// readable (a Catalyse reads either form back). Identifiers come from the schema itself.
fn selected(table: &str, names: &[&str]) -> String {
    names
        .iter()
        .map(|name| match (table, *name) {
            ("change", "after") => crate::db::journal::after_text(""),
            _ => quote(name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// This workspace as a JSON document (see the module's documentation).
    pub fn export_json(&self) -> CoreResult<String> {
        export(&self.conn)
    }

    /// Writes this workspace as a JSON document to `path`, whole or not at all, with its
    /// progress; cancelled, no file is written.
    pub fn export_json_file(&self, path: &Path, progress: &Progress) -> CoreResult<()> {
        let text = export_with(&self.conn, progress)?;
        progress.check()?;
        crate::exchange::write_whole(path, text.as_bytes())
    }
}

/// One JSON value as an SQL value for a column of declared type `kind`, or a message saying
/// why not. Types are not converted: text stays text, numbers numbers.
fn to_sql(v: &Value, kind: &str) -> Result<Sql, String> {
    let expected = match kind {
        "INTEGER" => "un nombre entier",
        "REAL" => "un nombre",
        "TEXT" => "du texte",
        "BLOB" => "des données {\"base64\": …}",
        _ => "",
    };
    let fits = match (kind, v) {
        (_, Value::Null) => true,
        ("INTEGER", Value::Number(n)) => n.is_i64(),
        ("REAL", Value::Number(_)) => true,
        ("TEXT", Value::String(_)) => true,
        ("BLOB", Value::Object(_)) => true,
        ("ANY", _) => true,
        _ => false,
    };
    if !fits {
        return Err(format!("{expected} est attendu, pas {v}"));
    }
    Ok(match v {
        Value::Null => Sql::Null,
        Value::Bool(_) => return Err("vrai/faux n'est pas une valeur possible".into()),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Sql::Integer(i),
            (None, Some(f)) => Sql::Real(f),
            _ => return Err(format!("nombre hors limites : {n}")),
        },
        Value::String(s) => Sql::Text(s.clone()),
        Value::Object(o) => match (o.len(), o.get("base64")) {
            (1, Some(Value::String(b))) => Sql::Blob(
                base64::engine::general_purpose::STANDARD
                    .decode(b)
                    .map_err(|e| format!("données base64 illisibles ({e})"))?,
            ),
            _ => return Err("un objet n'est accepté que sous la forme {\"base64\": \"…\"}".into()),
        },
        Value::Array(_) => return Err("une liste n'est pas une valeur possible".into()),
    })
}

/// SQLite's refusal, in French.
fn explain(e: &rusqlite::Error) -> String {
    let text = e.to_string();
    if let Some(rule) = text.strip_prefix("CHECK constraint failed: ") {
        return format!("une valeur ne respecte pas la règle « {rule} »");
    }
    if let Some(column) = text.strip_prefix("code inconnu : ") {
        return format!(
            "« {column} » n'a pas une valeur que cette version de Catalyse connaît (document d'une version plus récente ?)"
        );
    }
    if let Some(cols) = text.strip_prefix("UNIQUE constraint failed: ") {
        return format!("doublon : « {cols} » existe déjà");
    }
    if let Some(col) = text.strip_prefix("NOT NULL constraint failed: ") {
        return format!("« {col} » est obligatoire");
    }
    if text.starts_with("cannot store ") {
        return format!("type de valeur incorrect ({text})");
    }
    text
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonImport {
    pub counts: BTreeMap<String, i64>,
    /// The schema version of the document (older ones are migrated).
    pub from_schema: i64,
}

/// Reads a workspace document and writes it as a new workspace at `to` (which must not exist).
pub fn import(bytes: &[u8], to: &Path) -> CoreResult<JsonImport> {
    import_with(bytes, to, &Progress::none())
}

/// [`import`], reporting its progress (reading the document, then writing its records) and
/// stopping when cancelled: nothing is left at `to` then.
pub fn import_with(bytes: &[u8], to: &Path, progress: &Progress) -> CoreResult<JsonImport> {
    import_up_to(bytes, to, progress, MAX_BYTES)
}

/// [`import_with`] of a document of at most `most` bytes (a snapshot of the shared folder,
/// checked whole before, may be larger than [`MAX_BYTES`]).
pub fn import_up_to(
    bytes: &[u8],
    to: &Path,
    progress: &Progress,
    most: u64,
) -> CoreResult<JsonImport> {
    if bytes.len() as u64 > most {
        return Err(invalid(format!(
            "Le fichier pèse {} Mo : au-delà de {} Mo, ce n'est pas un export de Catalyse.",
            bytes.len() / (1024 * 1024),
            most / (1024 * 1024)
        )));
    }
    if to.exists() {
        return Err(CoreError::AlreadyExists {
            path: to.to_path_buf(),
        });
    }
    progress.step(Phase::Reading, 0, None)?;
    let (tables, schema) = read_document(bytes)?;
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = store::temp_sibling(to, "importing");
    store::remove_db_files(&tmp);
    let built = write_workspace(&tmp, &tables, schema, progress).and_then(|counts| {
        // The last moment to stop: after this, the new workspace is in place.
        progress.check()?;
        store::publish(&tmp, to)?;
        Ok(counts)
    });
    store::remove_db_files(&tmp);
    Ok(JsonImport {
        counts: built?,
        from_schema: schema,
    })
}

/// A document's tables by name, each as its JSON text (an array of records when valid),
/// borrowed from the document: the records are read one at a time as they are written, so a
/// document of a million links is never held as a tree of values (several gigabytes).
type RawTables<'a> = BTreeMap<String, &'a RawValue>;

/// The document's tables and the schema they were written with, once its header is checked.
fn read_document(bytes: &[u8]) -> CoreResult<(RawTables<'_>, i64)> {
    use serde_json::error::Category;
    let doc: RawTables<'_> = serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => invalid(format!(
            "Le fichier n'est pas un JSON valide (ligne {}, colonne {}).",
            e.line(),
            e.column()
        )),
        Category::Data => {
            invalid("Le fichier n'est pas un export d'espace de travail Catalyse.".into())
        }
    })?;
    // The header's few values, read whole; the tables stay as text.
    let field = |name: &str| -> Option<Value> {
        doc.get(name)
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
    };
    if field("format").as_ref().and_then(Value::as_str) != Some(FORMAT) {
        return Err(invalid(format!(
            "Le fichier n'est pas un export d'espace de travail Catalyse (« format » doit valoir « {FORMAT} »)."
        )));
    }
    let format_version = field("format_version");
    if format_version.as_ref().and_then(Value::as_i64) != Some(FORMAT_VERSION) {
        return Err(invalid(format!(
            "Version de format non prise en charge : {} (cette version de Catalyse lit la version {FORMAT_VERSION}).",
            format_version.map(|v| v.to_string()).unwrap_or_else(|| "absente".into())
        )));
    }
    let schema = match field("schema_version").as_ref().and_then(Value::as_i64) {
        Some(v) if (1..=SCHEMA_VERSION).contains(&v) => v,
        Some(v) if v > SCHEMA_VERSION => {
            return Err(invalid(format!(
                "Ce fichier vient d'une version plus récente de Catalyse (schéma {v}, celle-ci connaît jusqu'au {SCHEMA_VERSION}) : mettez Catalyse à jour pour l'importer."
            )))
        }
        _ => {
            return Err(invalid(
                "« schema_version » manque ou n'est pas un nombre entre 1 et la version actuelle."
                    .into(),
            ))
        }
    };
    let tables = doc
        .get("tables")
        .and_then(|raw| serde_json::from_str::<RawTables<'_>>(raw.get()).ok())
        .ok_or_else(|| invalid("« tables » manque ou n'est pas un objet.".into()))?;
    Ok((tables, schema))
}

/// A new file at `tmp` with the schema `schema`, its journal off (the document's records and
/// journal are copied in as they are: not journaled again).
fn file_at_schema(
    tmp: &Path,
    schema: i64,
) -> CoreResult<(Connection, crate::db::journal::Journal)> {
    let mut conn = Connection::open(tmp)?;
    crate::db::guard::harden(&mut conn)?;
    let journal = store::register_functions(&conn)?;
    journal.set_enabled(false);
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    let tx = conn.transaction()?;
    for index in 0..schema as usize {
        crate::db::apply::apply(&tx, index)?;
    }
    tx.pragma_update(None, "user_version", schema)?;
    tx.commit()?;
    Ok((conn, journal))
}

/// Writes the tables into a new file at `tmp`: the schema they were written with, every
/// record in one transaction, references checked, then migrated to the current schema.
fn write_workspace(
    tmp: &Path,
    tables: &RawTables<'_>,
    schema: i64,
    progress: &Progress,
) -> CoreResult<BTreeMap<String, i64>> {
    // Each table's records, each as its text (`None`: the table is not a list).
    let tables: Vec<(&String, Option<Vec<&RawValue>>)> = tables
        .iter()
        .map(|(name, raw)| (name, serde_json::from_str(raw.get()).ok()))
        .collect();
    let total: u64 = tables
        .iter()
        .flat_map(|(_, r)| r)
        .map(|r| r.len() as u64)
        .sum();
    let mut done: u64 = 0;
    progress.step(Phase::Writing, 0, Some(total))?;
    let (mut conn, journal) = file_at_schema(tmp, schema)?;
    if schema >= CODES_TABLE_SINCE {
        // The codes this build knows, beyond those of the schema's release: a record may
        // use them. A code that is not there (from a newer Catalyse) is refused by its trigger.
        store::add_missing_codes(&mut conn)?;
    }
    let known = data_tables(&conn)?;
    let tx = conn.transaction()?;
    // References are checked once everything is in, whatever the order of the tables.
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    for (table, rows) in tables {
        let Some(table) = known.iter().find(|t| *t == table) else {
            return Err(invalid(format!(
                "Table inconnue : « {table} » (schéma {schema})."
            )));
        };
        let Some(rows) = rows else {
            return Err(invalid(format!(
                "Table « {table} » : une liste d'enregistrements est attendue."
            )));
        };
        let (cols, _) = layout(&tx, table)?;
        for (i, raw) in rows.iter().enumerate() {
            insert_record(&tx, table, &cols, i, raw)?;
            done += 1;
            if done.is_multiple_of(4096) {
                progress.step(Phase::Writing, done, Some(total))?;
            }
        }
    }
    progress.step(Phase::Writing, total, Some(total))?;
    progress.step(Phase::Indexing, 0, None)?;
    check_identities_and_references(&tx, &known)?;
    tx.commit()?;
    store::migrate_connection(&mut conn, &journal)?;
    crate::browse::listing::check_short_lists(&conn).map_err(|e| invalid(e.to_string()))?;
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(invalid(format!(
            "Le fichier importé est incohérent : {check}."
        )));
    }
    let counts = store::counts(&conn)?;
    conn.close().map_err(|(_, e)| CoreError::from(e))?;
    Ok(counts)
}

/// Inserts record `i` of `table`: its columns matched against the schema, its values
/// converted to their column's type and passed as parameters.
fn insert_record(
    tx: &Connection,
    table: &str,
    cols: &[Column],
    i: usize,
    raw: &RawValue,
) -> CoreResult<()> {
    let at = |m: String| {
        invalid(format!(
            "Table « {table} », enregistrement {} : {m}.",
            i + 1
        ))
    };
    // Valid JSON already (checked as the document was read), parsed one record at a time.
    let row: Value = serde_json::from_str(raw.get()).map_err(|e| at(e.to_string()))?;
    let Some(row) = row.as_object() else {
        return Err(at("un objet est attendu".into()));
    };
    let mut names = Vec::with_capacity(row.len());
    let mut values = Vec::with_capacity(row.len());
    for (col, v) in row {
        let Some(column) = cols.iter().find(|c| c.name == *col) else {
            return Err(at(format!("colonne inconnue « {col} »")));
        };
        if col == "uid" {
            // A record's identity, as catalyse_uid() writes it (a missing one is given anew).
            let text = v.as_str().unwrap_or_default();
            crate::shared::domain::valid_uid("uid", text).map_err(|e| at(e.to_string()))?;
        }
        if let (Some(text), "TEXT") = (v.as_str(), column.kind.as_str()) {
            // The rule the forms and the imports apply (`domain::forbidden_control`).
            if let Some(c) = crate::shared::domain::forbidden_control(text) {
                return Err(at(format!(
                    "« {col} » contient un caractère de contrôle (U+{:04X}), interdit dans un texte",
                    c as u32
                )));
            }
        }
        names.push(quote(&column.name));
        values.push(to_sql(v, &column.kind).map_err(|m| at(format!("« {col} » : {m}")))?);
    }
    if names.is_empty() {
        return Err(at("enregistrement vide".into()));
    }
    // Identifiers come from the schema (matched above), values are parameters.
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote(table),
        names.join(", "),
        vec!["?"; names.len()].join(", ")
    );
    tx.prepare_cached(&sql)?
        .execute(rusqlite::params_from_iter(values.iter()))
        .map_err(|e| at(explain(&e)))?;
    Ok(())
}

/// The first reference to a record that does not exist: its table, row and parent table.
/// Refuses, naming them, an identity two records hold and a reference to a record that is
/// not there (before the commit would refuse it).
fn check_identities_and_references(tx: &Connection, known: &[String]) -> CoreResult<()> {
    // A record has one identity in the whole workspace (its history, its erasure and the
    // team's merge find it by it): the same one on two records is crafted.
    if let Some((uid, a, b)) = first_shared_identity(tx, known)? {
        return Err(invalid(format!(
            "L'identité « {uid} » est celle d'un enregistrement de « {a} » et d'un enregistrement de « {b} » : chaque enregistrement a la sienne."
        )));
    }
    if let Some((table, rowid, parent)) = first_dangling_reference(tx)? {
        return Err(invalid(format!(
            "Table « {table} », enregistrement d'identifiant {rowid} : il renvoie à un enregistrement de « {parent} » qui n'existe pas."
        )));
    }
    Ok(())
}

/// An identity that two records of different kinds hold (tables of [`RECORD_KINDS`]
/// present with a `uid` column), with the two tables.
///
/// [`RECORD_KINDS`]: crate::db::records::RECORD_KINDS
fn first_shared_identity(
    tx: &Connection,
    known: &[String],
) -> CoreResult<Option<(String, String, String)>> {
    let mut parts = Vec::new();
    for kind in crate::db::records::RECORD_KINDS {
        if !known.iter().any(|t| t == kind.table) {
            continue;
        }
        let (cols, _) = layout(tx, kind.table)?;
        if cols.iter().any(|c| c.name == "uid") {
            // Table names from the descriptors, matched against the schema above.
            parts.push(format!(
                "SELECT uid, '{t}' AS t FROM {q} WHERE uid IS NOT NULL",
                t = kind.table,
                q = quote(kind.table)
            ));
        }
    }
    if parts.len() < 2 {
        return Ok(None);
    }
    let sql = format!(
        "SELECT uid, min(t), max(t) FROM ({}) GROUP BY uid HAVING count(*) > 1 LIMIT 1",
        parts.join(" UNION ALL ")
    );
    Ok(tx
        .query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

fn first_dangling_reference(tx: &Connection) -> CoreResult<Option<(String, i64, String)>> {
    Ok(tx
        .query_row(
            "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                    r.get(2)?,
                ))
            },
        )
        .optional()?)
}

/// [`import`] from a file, refusing one far too big before reading it.
pub fn import_file(source: &Path, to: &Path) -> CoreResult<JsonImport> {
    import_file_with(source, to, &Progress::none())
}

/// [`import_file`] with its progress (see [`import_with`]).
pub fn import_file_with(source: &Path, to: &Path, progress: &Progress) -> CoreResult<JsonImport> {
    let len = std::fs::metadata(source)
        .map_err(|_| CoreError::FileNotFound {
            path: source.to_path_buf(),
        })?
        .len();
    if len > MAX_BYTES {
        return Err(invalid(format!(
            "« {} » est trop volumineux ({} Mo) pour être un export de Catalyse.",
            source.display(),
            len / (1024 * 1024)
        )));
    }
    import_with(&std::fs::read(source)?, to, progress)
}

#[cfg(test)]
#[path = "workspace_json_tests.rs"]
mod tests;
