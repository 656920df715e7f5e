//! Property-based tests of every import path and of the IPC argument types: whatever the
//! input, no panic, a clear error or a clean success, and a failed import changes nothing
//! (same records, same content fingerprint).
//!
//! Cases per path: `CATALYSE_FUZZ_CASES` (200 by default; `scripts/test.sh` runs 500). The
//! on-demand run: `CATALYSE_FUZZ_CASES=10000 cargo test -p catalyse-core robustness --
//! --ignored --nocapture` prints the figures.

use crate::actors::ActorInput;
use crate::db::store::Store;
use crate::exchange::tabular::FileFormat;
use crate::exchange::ExchangeKind;
use crate::network::{LinkInput, MeetingInput, MemberInput};
use crate::notes::NoteInput;
use crate::project::NewWorkspace;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

fn cases() -> u32 {
    std::env::var("CATALYSE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "\" onmouseover=\"alert(1)",
    "javascript:alert(1)",
    "\u{202E}gnp.exe",
    "=cmd|' /C calc'!A0",
    "+SUM(A1:A2)",
    "a\0b",
    "\u{7}\u{1b}[31m",
    "Mairie de Saint-Aubert",
    "Collectivité territoriale",
    "local_authority",
    "association",
    "partner",
    "partenariat",
    "2026-03-01",
    "01/03/2026",
    "2026-13-45",
    "1,5",
    "-3",
    "99999999999999999999",
    "",
    " ",
    "é",
    "\"quoted;cell\"",
    "line\nbreak",
];

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(HOSTILE).prop_map(str::to_string),
        1 => "[ -~éèà]{0,40}",
        1 => prop::collection::vec(any::<char>(), 0..30).prop_map(|v| v.into_iter().collect()),
        1 => (1usize..3000).prop_map(|n| "x".repeat(n)),
    ]
}

const HEADERS: &[&str] = &[
    "Nom;Monde;Commune;Engagement;Notes",
    "Acteur A;Acteur B;Nature;Force;Depuis;Notes",
    "Date;Type;Titre;Pratique;Activité;Heures;Acteurs;Notes",
    "name,world,commune",
    "",
];

/// Actor rows that are mostly valid: real monde and engagement labels, awkward names and
/// notes (so that imports succeed too, and what they write is checked).
fn actor_rows() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop_oneof![3 => "[A-Za-zéèàç' -]{1,40}", 1 => cell()],
            prop::sample::select(
                &[
                    "Collectivité territoriale",
                    "Association / ESS",
                    "Entreprise",
                    "state",
                    "Martien",
                ][..],
            ),
            cell(),
            prop::sample::select(&["Partenaire", "informed", "Impliqué", ""][..]),
            cell(),
        ),
        1..15,
    )
    .prop_map(|rows| {
        let q = |v: &str| format!("\"{}\"", v.replace('"', "\"\""));
        let mut text = String::from("Nom;Monde;Commune;Engagement;Notes");
        for (n, w, c, e, notes) in rows {
            text.push_str(&format!(
                "\n{};{};{};{};{}",
                q(&n),
                q(w),
                q(&c),
                q(e),
                q(&notes)
            ));
        }
        text
    })
}

/// CSV files: raw bytes, a header followed by rows of awkward cells, or mostly valid actors.
fn csv() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        actor_rows().prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..2000),
        (
            prop::sample::select(HEADERS),
            prop::collection::vec(prop::collection::vec(cell(), 0..8), 0..12),
            prop::sample::select(&[";", ",", "\t"][..]),
        )
            .prop_map(|(h, rows, sep)| {
                let mut text = h.replace(';', sep);
                for r in rows {
                    text.push('\n');
                    text.push_str(&r.join(sep));
                }
                text.into_bytes()
            }),
    ]
}

/// XLSX files: a real workbook of awkward cells or of mostly valid actors, sometimes with
/// bytes flipped; or one crafted to claim what a real one would not.
fn xlsx() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => (xlsx_book(), prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..3)])
            .prop_map(|(mut bytes, flips)| {
                for (i, b) in flips {
                    if !bytes.is_empty() {
                        let at = i.index(bytes.len());
                        bytes[at] ^= b;
                    }
                }
                bytes
            }),
        1 => crafted_xlsx(),
    ]
}

/// A real workbook of awkward cells or of mostly valid actors.
fn xlsx_book() -> impl Strategy<Value = Vec<u8>> {
    let valid = actor_rows().prop_map(|text| {
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default().to_string();
        let rows: Vec<Vec<String>> = lines
            .map(|l| {
                l.split("\";\"")
                    .map(|c| c.trim_matches('"').replace("\"\"", "\""))
                    .collect()
            })
            .collect();
        (header, rows)
    });
    let awkward = (
        prop::sample::select(HEADERS).prop_map(str::to_string),
        prop::collection::vec(prop::collection::vec(cell(), 0..8), 0..10),
    );
    prop_oneof![valid, awkward].prop_map(|(h, rows)| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, name) in h.split(';').enumerate() {
            let _ = sheet.write_string(0, c as u16, name);
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let _ = match v.parse::<f64>() {
                    Ok(n) if n.is_finite() => sheet.write_number(r as u32 + 1, c as u16, n),
                    _ => sheet.write_string(r as u32 + 1, c as u16, v),
                };
            }
        }
        book.save_to_buffer().unwrap_or_default()
    })
}

/// What a crafted workbook says that a real one would not: more shared texts than it holds,
/// cells far out (or beyond Excel's grid), an area of billions of cells, thousands of cell
/// formats, parts that unpack to much more than they weigh.
#[derive(Debug, Clone)]
enum Crafted {
    UniqueCount(String),
    Count(String),
    /// A cell at (column letters, row), with or without its reference.
    FarCell(String, u64, bool),
    Dimension(String),
    Formats(usize, usize),
    Padding(usize),
}

fn crafted_claim() -> impl Strategy<Value = Crafted> {
    let number = prop_oneof![
        prop::sample::select(
            &[
                "100000000000",
                "18446744073709551615",
                "18446744073709551616",
                "0099999999999999999999999",
                "4294967296",
                "16777217",
                "0",
                "-1",
                "+5",
                "1e9",
                "",
            ][..]
        )
        .prop_map(str::to_string),
        any::<u64>().prop_map(|n| n.to_string()),
    ];
    let column = prop::sample::select(&["A", "B", "Z", "XFD", "XFE", "ZZZZ", "AAAAAAAA"][..]);
    let row = prop_oneof![
        prop::sample::select(&[1u64, 2, 1_048_576, 1_048_577, 4_294_967_295, 4_294_967_296][..]),
        any::<u64>(),
    ];
    prop_oneof![
        number.clone().prop_map(Crafted::UniqueCount),
        number.prop_map(Crafted::Count),
        (column.clone(), row.clone(), any::<bool>()).prop_map(|(c, r, named)| Crafted::FarCell(
            c.to_string(),
            r,
            named
        )),
        (column, row).prop_map(|(c, r)| Crafted::Dimension(format!("A1:{c}{r}"))),
        (
            prop::sample::select(&[10usize, 3_000, 66_000][..]),
            prop::sample::select(&[8usize, 100_000][..])
        )
            .prop_map(|(n, font)| Crafted::Formats(n, font)),
        (0usize..3_000_000).prop_map(Crafted::Padding),
    ]
}

/// Rewrites a workbook's parts with `claims`, as a crafted file of a few kilobytes would.
fn craft(book: &[u8], claims: &[Crafted]) -> Vec<u8> {
    use std::io::{Read, Write};
    let Ok(mut zin) = zip::ZipArchive::new(std::io::Cursor::new(book)) else {
        return book.to_vec();
    };
    let mut parts: Vec<(String, String)> = Vec::new();
    for i in 0..zin.len() {
        let Ok(mut f) = zin.by_index(i) else { continue };
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        let mut text = String::new();
        if f.read_to_string(&mut text).is_ok() {
            parts.push((name, text));
        }
    }
    for claim in claims {
        for (name, text) in parts.iter_mut() {
            let sheet = name.starts_with("xl/worksheets/");
            match claim {
                Crafted::UniqueCount(n) if name.ends_with("sharedStrings.xml") => {
                    *text = replace_attr(text, "uniqueCount", n);
                }
                Crafted::Count(n) if name.ends_with("sharedStrings.xml") => {
                    *text = replace_attr(text, " count", n);
                }
                Crafted::FarCell(col, row, named) if sheet => {
                    let r = if *named {
                        format!(" r=\"{col}{row}\"")
                    } else {
                        String::new()
                    };
                    let cell = format!(
                        "<row r=\"{row}\"><c{r} t=\"inlineStr\"><is><t>x</t></is></c></row>"
                    );
                    *text = text.replacen("</sheetData>", &format!("{cell}</sheetData>"), 1);
                }
                Crafted::Dimension(area) if sheet => {
                    *text = replace_attr(text, "ref", area);
                }
                Crafted::Formats(n, font) if name.ends_with("styles.xml") => {
                    let xfs =
                        "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>".repeat(*n);
                    if let Some(open) = text.find("<cellXfs") {
                        let at = text[open..].find('>').map_or(text.len(), |i| open + i + 1);
                        text.insert_str(at, &xfs);
                    }
                    *text = text.replacen(
                        "<name val=\"",
                        &format!("<name val=\"{}", "P".repeat(*font)),
                        1,
                    );
                }
                _ => {}
            }
        }
        if let Crafted::Padding(n) = claim {
            parts.push((
                "xl/padding.xml".into(),
                format!("<p>{}</p>", " ".repeat(*n)),
            ));
        }
    }
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        if out
            .start_file(name, zip::write::SimpleFileOptions::default())
            .is_err()
            || out.write_all(text.as_bytes()).is_err()
        {
            return book.to_vec();
        }
    }
    out.finish().map(|c| c.into_inner()).unwrap_or_default()
}

/// `key="…"` with its first value replaced (or the text as it was).
fn replace_attr(text: &str, key: &str, value: &str) -> String {
    let open = format!("{key}=\"");
    let Some(at) = text.find(&open) else {
        return text.to_string();
    };
    let start = at + open.len();
    let end = text[start..].find('"').map_or(text.len(), |i| start + i);
    format!("{}{value}{}", &text[..start], &text[end..])
}

/// Workbooks that claim what a real one would not (see [`Crafted`]), over real ones of
/// mostly valid actors.
fn crafted_xlsx() -> impl Strategy<Value = Vec<u8>> {
    (xlsx_book(), prop::collection::vec(crafted_claim(), 1..4))
        .prop_map(|(book, claims)| craft(&book, &claims))
}

/// A workspace with a few records, and the fingerprint of everything in it.
fn base() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    crate::demo::populate(&mut s).unwrap();
    s
}

fn fingerprint(s: &Store) -> u64 {
    let mut h = DefaultHasher::new();
    s.export_json().unwrap().hash(&mut h);
    h.finish()
}

fn run_import(name: &str, format: FileFormat, strategy: impl Strategy<Value = Vec<u8>>) {
    let store = RefCell::new(base());
    let print = Cell::new(fingerprint(&store.borrow()));
    let (ok, refused) = (Cell::new(0u32), Cell::new(0u32));
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(strategy, 0usize..3, any::<bool>()), |(bytes, k, keep)| {
            let kind = [
                ExchangeKind::Actors,
                ExchangeKind::Links,
                ExchangeKind::Meetings,
            ][k];
            let mut s = store.borrow_mut();
            let _ = s.import_preview(kind, &bytes, format);
            match s.import(kind, &bytes, format, keep) {
                Ok(_) => {
                    ok.set(ok.get() + 1);
                    print.set(fingerprint(&s));
                }
                Err(e) => {
                    refused.set(refused.get() + 1);
                    prop_assert!(!e.to_string().trim().is_empty(), "an error says something");
                    prop_assert_eq!(
                        fingerprint(&s),
                        print.get(),
                        "a refused import changed the workspace"
                    );
                }
            }
            Ok(())
        })
        .unwrap();
    println!(
        "fuzz {name}: {} cases, {} imported, {} refused with a message and nothing changed, no panic reached the caller",
        ok.get() + refused.get(),
        ok.get(),
        refused.get()
    );
}

#[test]
#[ignore = "property-based run: scripts/test.sh runs it with --ignored --nocapture"]
fn csv_imports_never_panic_and_a_refused_one_changes_nothing() {
    run_import("CSV", FileFormat::Csv, csv());
}

#[test]
#[ignore = "property-based run: scripts/test.sh runs it with --ignored --nocapture"]
fn xlsx_imports_never_panic_and_a_refused_one_changes_nothing() {
    run_import("XLSX", FileFormat::Xlsx, xlsx());
}

/// Any JSON value, mostly small, with awkward leaves.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        cell().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    prop::sample::select(
                        &[
                            "name",
                            "world",
                            "title",
                            "date",
                            "kind",
                            "id",
                            "base64",
                            "actor_ids",
                            "sections",
                            "options",
                            "records",
                            "subject",
                            "addressee"
                        ][..]
                    )
                    .prop_map(str::to_string),
                    "[a-z_]{1,12}",
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
#[ignore = "property-based run: scripts/test.sh runs it with --ignored --nocapture"]
fn workspace_json_imports_never_panic_and_never_leave_a_file() {
    let dir = tempfile::TempDir::new().unwrap();
    let good: Value = serde_json::from_str(&base().export_json().unwrap()).unwrap();
    let tables: Vec<String> = good["tables"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let (ok, refused) = (Cell::new(0u32), Cell::new(0u32));
    let n = Cell::new(0u32);
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(
                0usize..5,
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                "[a-z_]{1,14}",
                json(),
                any::<prop::sample::Index>(),
            ),
            |(how, t, row, column, value, cut)| {
                let mut doc = good.clone();
                let table = &tables[t.index(tables.len())];
                let bytes = match how {
                    // A value replaced in a record (a known column or not).
                    0 | 1 => {
                        if let Some(rows) = doc["tables"][table].as_array_mut() {
                            if !rows.is_empty() {
                                let i = row.index(rows.len());
                                let col = if how == 0 {
                                    rows[i]
                                        .as_object()
                                        .and_then(|o| {
                                            o.keys().nth(column.len() % o.len().max(1)).cloned()
                                        })
                                        .unwrap_or(column)
                                } else {
                                    column
                                };
                                rows[i][col] = value;
                            }
                        }
                        serde_json::to_vec(&doc).unwrap()
                    }
                    // A whole table or the header replaced.
                    2 => {
                        doc["tables"][table] = value;
                        serde_json::to_vec(&doc).unwrap()
                    }
                    3 => {
                        doc["schema_version"] = value;
                        serde_json::to_vec(&doc).unwrap()
                    }
                    // A document cut anywhere.
                    _ => {
                        let full = serde_json::to_vec(&doc).unwrap();
                        full[..cut.index(full.len())].to_vec()
                    }
                };
                n.set(n.get() + 1);
                let to = dir.path().join(format!("case-{}.catalyse", n.get()));
                match crate::exchange::workspace_json::import(&bytes, &to) {
                    Ok(_) => ok.set(ok.get() + 1),
                    Err(e) => {
                        refused.set(refused.get() + 1);
                        prop_assert!(!e.to_string().trim().is_empty());
                        prop_assert!(!to.exists(), "a refused import left a file");
                    }
                }
                let _ = std::fs::remove_file(&to);
                Ok(())
            },
        )
        .unwrap();
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 0, "no temporary file left");
    println!(
        "fuzz workspace JSON: {} cases, {} imported, {} refused with a message and no file, no panic reached the caller",
        ok.get() + refused.get(),
        ok.get(),
        refused.get()
    );
}

/// Objects with the fields the IPC types expect, holding awkward values, so that they get past
/// deserialisation and reach core's validation.
fn shaped() -> impl Strategy<Value = Value> {
    (
        cell(),
        cell(),
        cell(),
        cell(),
        cell(),
        prop::collection::vec(any::<i64>(), 0..3),
    )
        .prop_map(|(a, b, c, d, e, ids)| {
            serde_json::json!({
                "name": a, "world": b, "commune": c, "engagement": d, "notes": e,
                "role": b, "structure": c, "is_user": false,
                "date": d, "kind": b, "title": a, "practice": null, "activity": null, "hours": e,
                "actor_ids": ids, "member_ids": [], "follow_ups": [],
                "actor_a": 1, "actor_b": 2, "nature": b, "strength": 2, "since": null,
                "introduced_by_actor": null, "introduced_by_member": null,
                "subject": a, "body_name": c, "addressee": b, "meeting_date": d, "author": e,
                "records": [], "sections": [{ "key": "objet", "content": a }], "options": [],
                "territory_name": a, "territory_kind": b, "project_title": c
            })
        })
}

#[test]
#[ignore = "property-based run: scripts/test.sh runs it with --ignored --nocapture"]
fn ipc_arguments_of_any_shape_are_refused_or_handled_without_panic() {
    let store = RefCell::new(base());
    let (parsed, rejected) = (Cell::new(0u32), Cell::new(0u32));
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(0usize..6, prop_oneof![json(), shaped()]), |(which, v)| {
            let mut s = store.borrow_mut();
            let seen = match which {
                0 => serde_json::from_value::<ActorInput>(v).map(|i| {
                    let _ = s.create_actor(&i);
                }),
                1 => serde_json::from_value::<MeetingInput>(v).map(|i| {
                    let _ = s.create_meeting(&i);
                }),
                2 => serde_json::from_value::<NoteInput>(v).map(|i| {
                    let _ = s.create_note(&i);
                }),
                3 => serde_json::from_value::<LinkInput>(v).map(|i| {
                    let _ = s.create_link(&i);
                }),
                4 => serde_json::from_value::<MemberInput>(v).map(|i| {
                    let _ = s.create_member(&i);
                }),
                _ => serde_json::from_value::<NewWorkspace>(v).map(|i| {
                    let _ = i.validate();
                }),
            };
            match seen {
                Ok(()) => parsed.set(parsed.get() + 1),
                Err(_) => rejected.set(rejected.get() + 1),
            }
            Ok(())
        })
        .unwrap();
    let integrity: String = store
        .borrow()
        .conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    println!(
        "fuzz IPC arguments: {} cases, {} of the right shape (then validated by core), {} refused by the type, no panic reached the caller",
        parsed.get() + rejected.get(),
        parsed.get(),
        rejected.get()
    );
}
