//! Change files read back: valid only when whole and right; cut or zero-filled ones are
//! incomplete, never half-used; others refused or waiting, with the reason.

use super::*;
use crate::actors::ActorInput;
use crate::db::store::Store;

const WS: &str = "0190f6a4-b2c3-7000-8000-0000000000aa";
const DEV: &str = "0190f6a4-b2c3-7000-8000-0000000000bb";

fn header(seq: u64, prev: &str) -> Header {
    Header {
        format: FORMAT_VERSION,
        schema: crate::SCHEMA_VERSION,
        workspace: WS.into(),
        device: DEV.into(),
        name: "ordinateur de Claire".into(),
        seen: Default::default(),
        seq,
        prev: prev.into(),
        length: 0,
    }
}

fn expected() -> Expected<'static> {
    Expected {
        workspace: WS,
        schema: crate::SCHEMA_VERSION,
        device: Some(DEV),
        seq: Some(1),
    }
}

/// A body as a real workspace's journal gives it: an actor created, edited, deleted.
pub(crate) fn journal_body() -> Body {
    let mut s = Store::open_in_memory().unwrap();
    s.journal().set_author("Claire Vasseur");
    s.journal().set_device(DEV);
    let input = |name: &str| ActorInput {
        name: name.into(),
        world: "association".into(),
        commune: "Larrieu".into(),
        insee: None,
        engagement: "partner".into(),
        notes: "Première rencontre\nen mars".into(),
    };
    let a = s.create_actor(&input("Les Jardins du Verdanson")).unwrap();
    s.update_actor(a.id, &input("Les Jardins partagés du Verdanson"))
        .unwrap();
    s.delete_actor(a.id).unwrap();
    s.outgoing_sets(DEV, 0, 100).unwrap()
}

pub(crate) fn valid_file() -> (Vec<u8>, String) {
    encode(&header(1, ""), &journal_body())
}

#[test]
fn a_file_round_trips_and_carries_the_journal() {
    let body = journal_body();
    assert_eq!(body.sets.len(), 3, "{body:?}");
    assert_eq!(body.sets[0].author, "Claire Vasseur");
    assert_eq!(body.sets[0].changes[0].op, 1);
    assert!(body.sets[0].changes[0].after.is_object());
    assert_eq!(body.sets[1].changes[0].field.as_deref(), Some("name"));
    assert_eq!(
        body.sets[1].changes[0].after,
        "Les Jardins partagés du Verdanson"
    );
    assert_eq!(body.sets[2].changes[0].op, 3);
    let (bytes, hash) = encode(&header(1, ""), &body);
    match read(&bytes, &expected()) {
        Reading::Valid(f) => {
            assert_eq!(f.body, body);
            assert_eq!(f.hash, hash);
            assert_eq!(
                f.header.length as usize,
                serde_json::to_vec(&body).unwrap().len()
            );
        }
        other => panic!("{other:?}"),
    }
    // The next file names this one's hash.
    let (next, _) = encode(&header(2, &hash), &body);
    let e = Expected {
        seq: Some(2),
        ..expected()
    };
    assert!(matches!(read(&next, &e), Reading::Valid(_)));
}

#[test]
fn a_file_cut_anywhere_or_zero_filled_at_its_tail_is_incomplete_never_valid() {
    let (bytes, _) = valid_file();
    for cut in 0..bytes.len() {
        match read(&bytes[..cut], &expected()) {
            Reading::Incomplete(_) => {}
            other => panic!("cut at {cut} of {}: {other:?}", bytes.len()),
        }
    }
    for zeros in [1, 2, 10, 80, bytes.len() / 2, bytes.len()] {
        let mut b = bytes.clone();
        let n = b.len();
        b[n - zeros..].fill(0);
        assert!(
            matches!(read(&b, &expected()), Reading::Incomplete(_)),
            "{zeros} zeros"
        );
    }
}

#[test]
fn a_damaged_foreign_or_newer_file_is_refused_or_waits_with_the_reason() {
    let (bytes, _) = valid_file();
    // One byte changed inside the body: the closing hash no longer matches.
    let mut damaged = bytes.clone();
    let i = bytes.len() / 2;
    damaged[i] = if damaged[i] == b'a' { b'b' } else { b'a' };
    match read(&damaged, &expected()) {
        Reading::Refused(why) => assert!(
            why.contains("empreinte") || why.contains("illisible"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
    let refused = |bytes: &[u8], e: &Expected<'_>, words: &str| match read(bytes, e) {
        Reading::Refused(why) => assert!(why.contains(words), "{why}"),
        other => panic!("{words}: {other:?}"),
    };
    refused(
        b"PK\x03\x04 not ours",
        &expected(),
        "pas un fichier de modifications",
    );
    let other_ws = "0190f6a4-b2c3-7000-8000-0000000000cc";
    refused(
        &bytes,
        &Expected {
            workspace: other_ws,
            ..expected()
        },
        "autre espace",
    );
    refused(
        &bytes,
        &Expected {
            device: Some(other_ws),
            ..expected()
        },
        "dossier de l'ordinateur",
    );
    refused(
        &bytes,
        &Expected {
            seq: Some(7),
            ..expected()
        },
        "numéro",
    );
    let mut trailing = bytes.clone();
    trailing.extend_from_slice(b"more");
    refused(&trailing, &expected(), "suivent");
    // A kind of record this build does not know, a bad identity, an update without a column.
    let mut body = journal_body();
    body.sets[0].changes[0].table = "x; DROP TABLE actor".into();
    refused(
        &encode(&header(1, ""), &body).0,
        &expected(),
        "type d'enregistrement inconnu",
    );
    let mut body = journal_body();
    body.sets[1].changes[0].record = "42".into();
    refused(&encode(&header(1, ""), &body).0, &expected(), "identité");
    let mut body = journal_body();
    body.sets[1].changes[0].field = None;
    refused(&encode(&header(1, ""), &body).0, &expected(), "opération");
    let mut body = journal_body();
    body.sets[0].author = "Claire\u{7}".into();
    refused(&encode(&header(1, ""), &body).0, &expected(), "auteur");
    // Written by a newer Catalyse: it waits.
    let newer = Header {
        format: FORMAT_VERSION + 1,
        ..header(1, "")
    };
    assert!(matches!(
        read(&encode(&newer, &journal_body()).0, &expected()),
        Reading::Waits(_)
    ));
    let newer = Header {
        schema: crate::SCHEMA_VERSION + 1,
        ..header(1, "")
    };
    match read(&encode(&newer, &journal_body()).0, &expected()) {
        Reading::Waits(why) => assert!(why.contains("mettez Catalyse à jour"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_change_file_is_written_once_under_its_name_and_never_over_another() {
    let dir = tempfile::TempDir::new().unwrap();
    let body = journal_body();
    let (path, hash) =
        crate::share::folder::write_change_file(dir.path(), &header(1, ""), &body).unwrap();
    let relative = path
        .strip_prefix(dir.path())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    assert!(
        matches!(
            crate::share::names::classify(&relative),
            crate::share::names::Name::Change { seq: 1, .. }
        ),
        "{relative}"
    );
    let bytes = std::fs::read(&path).unwrap();
    assert!(matches!(read(&bytes, &expected()), Reading::Valid(f) if f.hash == hash));
    // Nothing but the file in its folder (the temporary name is gone).
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // The same device and number again (a cloned identity): refused, the file unchanged.
    let mut other = body.clone();
    other.sets.truncate(1);
    let e =
        crate::share::folder::write_change_file(dir.path(), &header(1, ""), &other).unwrap_err();
    assert_eq!(e.code(), Some("share.cloned_device_file"), "{e}");
    assert!(e.to_string().contains("même identité"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    // A shared folder too deep for Windows is refused before anything is written.
    let deep = dir.path().join("d".repeat(200));
    let e = crate::share::folder::write_change_file(&deep, &header(1, ""), &body).unwrap_err();
    assert_eq!(e.code(), Some("share.folder_too_long"), "{e}");
    assert!(!deep.exists());
}

/// A workspace with an import of `n` actors then of `n` links between them, and the two
/// change sets.
fn imported(n: usize) -> (Store, i64, i64) {
    use crate::exchange::{tabular::FileFormat, ExchangeKind};
    let mut s = Store::open_in_memory().unwrap();
    let mut sets = Vec::new();
    let actors: String = (0..n).map(|i| format!("Lot {i};Entreprise\n")).collect();
    let links: String = (0..n)
        .map(|i| format!("Lot {i};Lot {};Partenariat\n", (i + 1) % n))
        .collect();
    for (kind, text) in [
        (ExchangeKind::Actors, format!("Nom;Monde\n{actors}")),
        (
            ExchangeKind::Links,
            format!("Acteur A;Acteur B;Nature\n{links}"),
        ),
    ] {
        s.import(kind, text.as_bytes(), FileFormat::Csv, false)
            .unwrap();
        sets.push(
            s.conn
                .query_row("SELECT max(id) FROM change_set", [], |r| r.get(0))
                .unwrap(),
        );
    }
    (s, sets[0], sets[1])
}

/// The sharing sends a batch as one change of op 4 holding the records' array, each with
/// its identity; the change file's check accepts it and refuses a malformed one.
#[test]
fn a_batch_travels_as_one_change_and_a_malformed_one_is_refused() {
    let (s, _, links_set) = imported(20);
    let device = s.journal().device_id();
    let body = s.outgoing_sets(&device, 0, 1000).unwrap();
    let at: i64 = s
        .conn
        .query_row(
            "SELECT at FROM change_set WHERE id = ?1",
            [links_set],
            |r| r.get(0),
        )
        .unwrap();
    let set = body.sets.iter().find(|x| x.at == at).unwrap();
    assert_eq!(set.changes.len(), 1);
    let c = &set.changes[0];
    assert_eq!(
        (c.op, c.table.as_str(), c.field.as_deref()),
        (4, "link", None)
    );
    let rows = c.after.as_array().unwrap();
    assert_eq!(rows.len(), 20);
    let uid: String = s
        .conn
        .query_row("SELECT min(uid) FROM link", [], |r| r.get(0))
        .unwrap();
    assert_eq!(c.record, uid);
    assert_eq!(rows[0]["uid"], uid);
    assert!(rows[0]["actor_a"].as_str().is_some_and(|a| a.len() == 36));
    assert_eq!(check_body(&body), None);
    let bad = |f: fn(&mut Change)| {
        let mut b = body.clone();
        let i = b.sets.iter().position(|x| x.at == at).unwrap();
        f(&mut b.sets[i].changes[0]);
        check_body(&b)
    };
    assert!(bad(|c| c.after = serde_json::json!({"a": 1})).is_some());
    assert!(bad(|c| c.after = serde_json::json!([])).is_some());
    assert!(bad(|c| c.after = serde_json::json!([{"id": 1}])).is_some());
    assert!(bad(|c| c.after = serde_json::json!([{"uid": "x"}])).is_some());
    assert!(bad(|c| c.field = Some("name".into())).is_some());
    assert!(bad(|c| c.before = serde_json::json!(3)).is_some());
}
