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
    assert_eq!(e.kind(), "already_exists", "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    // A shared folder too deep for Windows is refused before anything is written.
    let deep = dir.path().join("d".repeat(200));
    let e = crate::share::folder::write_change_file(&deep, &header(1, ""), &body).unwrap_err();
    assert_eq!(e.code(), Some("share.folder_too_long"), "{e}");
    assert!(!deep.exists());
}
