//! The journal's batch entries ([`crate::db::journal::ROWS`]) packed: the JSON array of an
//! import's records compressed with LZ4 (block format), about a tenth of its size (the
//! records of one batch repeat their keys, their dates and the prefixes of their
//! identities). A million links' journal is then about 50 MB instead of 360 MB, which the
//! import no longer writes to disk, nor the backups copy.
//!
//! A packed entry is a BLOB: [`MAGIC`], the JSON's length (4 bytes, little-endian), then the
//! LZ4 block. Entries written before (migration 14 to this one) hold the JSON as text, and
//! stay so: every reader reads `after` of a batch through the SQL function
//! [`ROWS_FUNCTION`] (`catalyse_rows(after)`), which gives the JSON text of either form.
//! A workspace is untrusted: a packed entry is checked whole before anything is made of it
//! (its length against what LZ4 can expand to, its block, its text as UTF-8), and one that
//! fails is an error naming the journal, never a crash nor a guess.

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};
use rusqlite::Connection;

/// The first bytes of a packed batch ("Catalyse Journal Rows", format 1).
pub const MAGIC: &[u8; 4] = b"CJR\x01";

/// SQL function `catalyse_rows(after)`: the JSON text of a batch's records, packed or not.
pub const ROWS_FUNCTION: &str = "catalyse_rows";

/// SQL function `catalyse_pack(json)`: the packed form of a batch's records (JSON text).
pub const PACK_FUNCTION: &str = "catalyse_pack";

/// LZ4 writes at most one byte of literal per 255 bytes it expands to (plus a little): a
/// block claiming more than this many times its own size is not one LZ4 wrote.
const EXPANSION_MAX: usize = 256;

/// The packed form of `json`.
pub fn pack(json: &str) -> Vec<u8> {
    let bytes = json.as_bytes();
    let mut out = Vec::with_capacity(8 + lz4_flex::block::get_maximum_output_size(bytes.len()));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    let start = out.len();
    out.resize(
        start + lz4_flex::block::get_maximum_output_size(bytes.len()),
        0,
    );
    let written = lz4_flex::block::compress_into(bytes, &mut out[start..])
        .expect("the output has the room LZ4 asks for");
    out.truncate(start + written);
    out
}

/// Whether `bytes` begin as a packed batch does.
pub fn is_packed(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// The JSON text of a packed batch, or what is wrong with it (in French).
pub fn unpack(bytes: &[u8]) -> Result<String, String> {
    let wrong = |what: &str| format!("une entrée groupée du journal est illisible ({what}).");
    let rest = bytes.strip_prefix(MAGIC).ok_or_else(|| wrong("en-tête"))?;
    let (length, block) = rest
        .split_first_chunk::<4>()
        .ok_or_else(|| wrong("longueur"))?;
    let length = u32::from_le_bytes(*length) as usize;
    if length > block.len().saturating_mul(EXPANSION_MAX) + 16 {
        return Err(wrong("longueur"));
    }
    let json = lz4_flex::block::decompress(block, length).map_err(|_| wrong("données"))?;
    if json.len() != length {
        return Err(wrong("longueur"));
    }
    String::from_utf8(json).map_err(|_| wrong("texte"))
}

/// Registers [`ROWS_FUNCTION`] and [`PACK_FUNCTION`] on `conn`. Any other argument is
/// given back as it is (a text that is not UTF-8 is an error, never mended).
pub(crate) fn register(conn: &Connection, flags: FunctionFlags) -> rusqlite::Result<()> {
    let failed =
        |e: Box<dyn std::error::Error + Send + Sync>| rusqlite::Error::UserFunctionError(e);
    conn.create_scalar_function(
        ROWS_FUNCTION,
        1,
        flags,
        move |ctx: &mut Context<'_>| match ctx.get_raw(0) {
            ValueRef::Blob(b) if is_packed(b) => {
                Ok(Value::Text(unpack(b).map_err(|m| failed(m.into()))?))
            }
            other => Value::try_from(other).map_err(|e| failed(e.into())),
        },
    )?;
    conn.create_scalar_function(
        PACK_FUNCTION,
        1,
        flags,
        move |ctx: &mut Context<'_>| match ctx.get_raw(0) {
            ValueRef::Text(t) => Ok(Value::Blob(pack(
                std::str::from_utf8(t).map_err(|e| failed(e.into()))?,
            ))),
            other => Value::try_from(other).map_err(|e| failed(e.into())),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_unpacks_to_its_json_and_a_damaged_one_is_refused() {
        let json = r#"[{"uid":"01a2","name":"Mairie d'Écully","notes":"été"},{"uid":"01a3","name":"Mairie d'Écully","notes":""}]"#;
        let packed = pack(json);
        assert!(is_packed(&packed));
        assert_eq!(unpack(&packed).unwrap(), json);
        assert_eq!(unpack(&pack("")).unwrap(), "");
        let big = format!("[{}]", vec![r#"{"nature":"dialogue"}"#; 5000].join(","));
        assert!(
            pack(&big).len() * 20 < big.len(),
            "repeated records pack small"
        );
        assert_eq!(unpack(&pack(&big)).unwrap(), big);

        // Damaged: every prefix, each byte flipped, a length claiming too much or too little.
        for n in 0..packed.len() {
            assert!(unpack(&packed[..n]).is_err(), "cut at {n}");
        }
        for i in 0..packed.len() {
            let mut b = packed.clone();
            b[i] ^= 0x5a;
            if let Ok(s) = unpack(&b) {
                assert_eq!(
                    s.len(),
                    json.len(),
                    "a flipped byte never changes the length"
                );
            }
        }
        let mut huge = packed.clone();
        huge[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(unpack(&huge).unwrap_err().contains("longueur"));
        let mut short = packed.clone();
        short[4..8].copy_from_slice(&3u32.to_le_bytes());
        assert!(unpack(&short).is_err());
        let mut latin = MAGIC.to_vec();
        latin.extend_from_slice(&1u32.to_le_bytes());
        latin.extend_from_slice(&lz4_flex::block::compress(&[0xe9]));
        assert!(unpack(&latin).unwrap_err().contains("texte"));
    }

    #[test]
    fn the_sql_functions_read_both_forms() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn, FunctionFlags::SQLITE_UTF8).unwrap();
        let json = r#"[{"uid":"a","n":1}]"#;
        let (text, from_blob, length): (String, String, i64) = conn
            .query_row(
                "SELECT catalyse_rows(?1), catalyse_rows(catalyse_pack(?1)),
                        json_array_length(catalyse_rows(catalyse_pack(?1)))",
                [json],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((text.as_str(), from_blob.as_str(), length), (json, json, 1));
        let null: Option<String> = conn
            .query_row("SELECT catalyse_rows(NULL)", [], |r| r.get(0))
            .unwrap();
        assert_eq!(null, None);
        let e = conn
            .query_row("SELECT catalyse_rows(X'434A520163000000FF')", [], |r| {
                r.get::<_, String>(0)
            })
            .unwrap_err();
        assert!(e.to_string().contains("illisible"), "{e}");
    }
}
