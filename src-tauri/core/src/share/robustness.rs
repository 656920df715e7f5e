//! Property-based tests of reading change files, like the import paths' (`exchange::robustness`):
//! whatever the bytes (a valid file cut, zero-filled, bytes flipped, inserted or removed,
//! pieces of JSON spliced, random), reading never panics, and says « valid » only for the
//! file exactly as it was written.
//!
//! Cases: `CATALYSE_FUZZ_CASES` (200 by default; `scripts/test.sh` runs 500; 10,000 on demand).

use super::format::{read, Expected, Reading};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases() -> u32 {
    std::env::var("CATALYSE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// A way to damage a file.
#[derive(Debug, Clone)]
enum Damage {
    Cut(usize),
    ZeroTail(usize),
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Splice(usize, &'static str),
    Random(Vec<u8>),
}

const PIECES: &[&str] = &[
    "\"op\":2",
    "\"op\":9",
    "null",
    "{}",
    "[]",
    "\"table\":\"sqlite_master\"",
    "\"seq\":0",
    "\"format\":2",
    "\"schema\":999",
    "\u{0}",
    "\\u0000",
    "\"at\":-1",
    "END ",
    "\n",
    "99999999999999999999",
];

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        any::<usize>().prop_map(Damage::Cut),
        (1usize..200).prop_map(Damage::ZeroTail),
        (any::<usize>(), 1u8..=255).prop_map(|(i, x)| Damage::Flip(i, x)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, b)| Damage::Insert(i, b)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Damage::Remove(i, n)),
        (any::<usize>(), prop::sample::select(PIECES)).prop_map(|(i, p)| Damage::Splice(i, p)),
        prop::collection::vec(any::<u8>(), 0..512).prop_map(Damage::Random),
    ]
}

fn apply(original: &[u8], d: &Damage) -> Vec<u8> {
    let mut b = original.to_vec();
    let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
    match d {
        Damage::Cut(i) => b.truncate(at(*i, b.len())),
        Damage::ZeroTail(n) => {
            let n = (*n).min(b.len());
            let len = b.len();
            b[len - n..].fill(0);
        }
        Damage::Flip(i, x) => {
            let i = at(*i, b.len());
            b[i] ^= x;
        }
        Damage::Insert(i, bytes) => {
            let i = at(*i, b.len() + 1);
            b.splice(i..i, bytes.iter().copied());
        }
        Damage::Remove(i, n) => {
            let i = at(*i, b.len());
            let end = (i + n).min(b.len());
            b.drain(i..end);
        }
        Damage::Splice(i, piece) => {
            let i = at(*i, b.len() + 1);
            b.splice(i..i, piece.bytes());
        }
        Damage::Random(bytes) => b = bytes.clone(),
    }
    b
}

#[test]
#[ignore = "property-based run: scripts/test.sh runs it with --ignored --nocapture"]
fn change_files_never_panic_and_only_the_written_file_is_valid() {
    let (original, _) = super::format::tests::valid_file();
    let expected = Expected {
        workspace: "0190f6a4-b2c3-7000-8000-0000000000aa",
        schema: crate::SCHEMA_VERSION,
        device: Some("0190f6a4-b2c3-7000-8000-0000000000bb"),
        seq: Some(1),
    };
    let counts = std::cell::RefCell::new(std::collections::BTreeMap::<&str, u32>::new());
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&damage(), |d| {
            let bytes = apply(&original, &d);
            let reading = std::panic::catch_unwind(|| read(&bytes, &expected))
                .map_err(|_| TestCaseError::fail(format!("read panicked on {d:?}")))?;
            let kind = match &reading {
                Reading::Valid(_) => "valid",
                Reading::Incomplete(_) => "incomplete",
                Reading::Waits(_) => "waits",
                Reading::Refused(_) => "refused",
            };
            *counts.borrow_mut().entry(kind).or_default() += 1;
            if bytes != original {
                prop_assert!(kind != "valid", "a damaged file read as valid: {d:?}");
            }
            Ok(())
        })
        .unwrap();
    println!(
        "change files read after damage ({} cases): {:?}",
        cases(),
        counts.into_inner()
    );
}

/// Snapshots come from the shared folder like change files. Damaged as files, or damaged in
/// their body's text then framed again with a matching closing hash (anyone can compute
/// one), reading never panics; the file as written is the only valid one of the first kind,
/// and a body framed again is read exactly as its plain reading says (valid with the same
/// body, or refused).
#[test]
#[ignore = "property-based run: scripts/test.sh runs it with --ignored --nocapture"]
fn snapshots_never_panic_and_a_body_reads_as_its_text_says() {
    use super::format::frame;
    use super::snapshot::{encode, read, SnapshotBody, SnapshotHeader, SnapshotReading, MAGIC};
    let header = SnapshotHeader {
        format: super::snapshot::SNAPSHOT_FORMAT,
        schema: crate::SCHEMA_VERSION,
        workspace: "espace".into(),
        device: "0190f6a4-b2c3-7000-8000-0000000000bb".into(),
        at: 1,
        devices: Default::default(),
        length: 0,
    };
    let text = r#"{"workspace":{"actors":[{"name":"Tiers-lieu","commune":"Fourmies"}]},"versions":[["actor","x",1]],"conflicts":[],"aliases":[]}"#;
    let body: SnapshotBody = serde_json::from_str(text).unwrap();
    let original = encode(&header, &body);
    // A body's text framed as an uncompressed snapshot (format 1), its hash right.
    let framed = |text: &[u8]| {
        let h = SnapshotHeader {
            format: 1,
            length: text.len() as u64,
            ..header.clone()
        };
        frame(MAGIC, &serde_json::to_vec(&h).unwrap(), text).0
    };
    let counts = std::cell::RefCell::new(std::collections::BTreeMap::<&str, u32>::new());
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(damage(), any::<bool>()), |(d, in_body)| {
            let bytes = match in_body {
                true => framed(&apply(text.as_bytes(), &d)),
                false => apply(&original, &d),
            };
            let reading =
                std::panic::catch_unwind(|| read(&bytes, "espace", crate::SCHEMA_VERSION))
                    .map_err(|_| TestCaseError::fail(format!("read panicked on {d:?}")))?;
            let read_body = match &reading {
                SnapshotReading::Valid(v) => Some(&v.1),
                SnapshotReading::Not(_) => None,
            };
            *counts
                .borrow_mut()
                .entry(if read_body.is_some() {
                    "valid"
                } else {
                    "not valid"
                })
                .or_default() += 1;
            if in_body {
                let damaged = apply(text.as_bytes(), &d);
                let plain = serde_json::from_slice::<SnapshotBody>(&damaged).ok();
                prop_assert_eq!(read_body, plain.as_ref(), "{:?}", d);
            } else if bytes != original {
                prop_assert!(
                    read_body.is_none(),
                    "a damaged snapshot read as valid: {d:?}"
                );
            }
            Ok(())
        })
        .unwrap();
    println!(
        "snapshots read after damage ({} cases): {:?}",
        cases(),
        counts.into_inner()
    );
}
