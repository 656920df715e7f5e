//! `catalyse history`: the journal of changes, and `history undo`.

use super::fail;
use catalyse_core::safety::backup::CommandStore;
use catalyse_core::{CoreError, Store};
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Annule une modification (son numéro, voir `catalyse history`), comme le Journal de
    /// l'application : refusé, sans rien changer, quand des modifications plus récentes
    /// portent sur les mêmes données ou qu'un enregistrement dont elle dépend a été supprimé.
    #[command(
        help_template = "{about}\n\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n"
    )]
    Undo {
        /// Le numéro de la modification.
        #[arg(value_name = "NUMERO")]
        set: i64,
        /// L'espace de travail.
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// Affiche le résultat en JSON : {"undone": n, "change_set": m} ou {"blocked": [...]}.
        #[arg(long)]
        json: bool,
    },
}

pub(super) fn history(
    workspace: &Path,
    json: bool,
    since: Option<String>,
    record: Option<String>,
) -> i32 {
    use std::io::Write;
    let store = match Store::open_for_reading(workspace) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    if let Some(r) = &record {
        if let Err(e) = catalyse_core::shared::domain::valid_uid("record", r) {
            return fail(&e);
        }
    }
    let q = catalyse_core::history::model::HistoryQuery {
        since,
        record,
        ..Default::default()
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut first = true;
    let mut count = 0usize;
    let result = store.export_history(&q, |set| {
        count += 1;
        let written = if json {
            let sep = if first { "[\n" } else { ",\n" };
            first = false;
            serde_json::to_string(&set)
                .map_err(|e| std::io::Error::other(e.to_string()))
                .and_then(|text| write!(out, "{sep}{text}"))
        } else {
            print_change_set(&mut out, &set)
        };
        written.map_err(CoreError::from)
    });
    if let Err(e) = result {
        let _ = out.flush();
        return fail(&e);
    }
    let closed = if json {
        if first {
            writeln!(out, "[]")
        } else {
            writeln!(out, "\n]")
        }
    } else if count == 0 {
        writeln!(out, "Aucune modification enregistrée.")
    } else {
        Ok(())
    };
    match closed.and_then(|_| out.flush()).map_err(CoreError::from) {
        Ok(()) => 0,
        Err(e) => fail(&e),
    }
}

/// A change set as lines of text: when, who, what, then each change.
fn print_change_set(
    out: &mut impl std::io::Write,
    set: &catalyse_core::history::export::ExportedSet,
) -> std::io::Result<()> {
    writeln!(
        out,
        "n° {} — {} — {} — {}",
        set.id, set.at, set.who, set.label
    )?;
    for c in &set.changes {
        let value = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => format!("« {s} »"),
            serde_json::Value::Null => "(vide)".into(),
            other => other.to_string(),
        };
        match (c.op, &c.field) {
            ("insert", _) => writeln!(out, "  + {} {} : créé", c.table, c.record)?,
            ("delete", _) => writeln!(out, "  − {} {} : supprimé", c.table, c.record)?,
            (_, Some(field)) => writeln!(
                out,
                "  ~ {} {} : {field} : {} → {}",
                c.table,
                c.record,
                value(&c.before),
                value(&c.after)
            )?,
            _ => {}
        }
    }
    Ok(())
}

pub(super) fn history_undo(set: i64, workspace: &Path, json: bool) -> i32 {
    use catalyse_core::history::model::UndoOutcome;
    let mut store =
        match CommandStore::open(workspace, &catalyse_core::workspace::paths::backups_root()) {
            Ok(s) => s,
            Err(e) => return fail(&e),
        };
    match store.undo_change_set(set) {
        Ok(UndoOutcome::Done { change_set }) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "undone": set, "change_set": change_set })
                );
            } else {
                match change_set {
                    Some(m) => {
                        println!("Modification n° {set} annulée (nouvelle modification n° {m}).")
                    }
                    None => println!(
                        "Modification n° {set} annulée (il n'y avait plus rien à défaire)."
                    ),
                }
            }
            0
        }
        Ok(UndoOutcome::Blocked { blockers }) => {
            if json {
                let list: Vec<serde_json::Value> = blockers
                    .iter()
                    .map(|b| {
                        serde_json::json!({
                            "id": b.id, "at": b.at, "author": b.author,
                            "label": catalyse_core::history::store::label_fr(&b.label),
                        })
                    })
                    .collect();
                println!("{}", serde_json::json!({ "blocked": list }));
            }
            eprintln!(
                "Erreur : la modification n° {set} ne peut pas être annulée : des modifications plus récentes portent sur les mêmes données. Annulez-les d'abord :"
            );
            for b in &blockers {
                eprintln!(
                    "- n° {} — {} — {} — {}",
                    b.id,
                    b.at,
                    b.author,
                    catalyse_core::history::store::label_fr(&b.label)
                );
            }
            1
        }
        Err(e) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "error": { "kind": e.kind(), "code": e.code(), "message": e.to_string() } })
                );
            }
            fail(&e)
        }
    }
}
