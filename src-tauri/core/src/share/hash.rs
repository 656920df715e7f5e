//! The content hash: a SHA-256 of a canonical dump of the records that travel (kinds in the
//! descriptors' order, records by identity, fields by name, references as identities,
//! without what stays on one laptop), equal on laptops that hold the same content.

use crate::db::store::Store;
use crate::share::rows::{record, Tables};
use crate::shared::error::CoreResult;
use sha2::{Digest, Sha256};

impl Store {
    /// The content hash of this workspace's records (see the module's doc).
    pub fn content_hash(&self) -> CoreResult<String> {
        let mut hasher = Sha256::new();
        for line in self.content_dump()? {
            hasher.update(line.as_bytes());
            hasher.update([b'\n']);
        }
        Ok(hex::encode(hasher.finalize()))
    }

    /// The canonical dump the content hash is made of: a line per record.
    pub fn content_dump(&self) -> CoreResult<Vec<String>> {
        let mut out = Vec::new();
        let mut tables = Tables::default();
        for kind in crate::db::records::RECORD_KINDS.iter().filter(|k| k.syncs) {
            let uids: Vec<String> = self
                .conn
                .prepare(&format!(
                    "SELECT uid FROM {} ORDER BY uid",
                    crate::db::tables::quote(kind.table)
                ))?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for uid in uids {
                let Some(row) = record(&self.conn, &mut tables, kind.table, &uid)? else {
                    continue;
                };
                // serde_json's maps are sorted by key: the dump is canonical.
                out.push(format!("{} {}", kind.table, serde_json::Value::Object(row)));
            }
        }
        Ok(out)
    }

    /// The inbox as a canonical text (its entries sorted), for comparing laptops.
    pub fn inbox_dump(&self) -> CoreResult<Vec<String>> {
        let rows = self
            .conn
            .prepare(
                "SELECT tbl, record, field, kind || CASE quiet WHEN 1 THEN '(quiet)' ELSE '' END, at, device, author, value FROM share_conflict
                 ORDER BY tbl, record, field, at, device",
            )?
            .query_map([], |r| {
                Ok(format!(
                    "{} {} {} {} {} {} {} {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                ))
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}
