//! `catalyse map`: the territory on a map (issue 27). `map territory` sets the territory's
//! communes, `map import-contours` imports their contours from a public file, `map
//! communes` lists them in figures, `map render` draws the map as SVG or PNG.

use super::fail;
use catalyse_core::project::communes::{CommuneChoice, TerritoryCommunes};
use catalyse_core::shared::money::group_digits;
use catalyse_core::workspace::backups::CommandStore;
use catalyse_core::Store;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum MapCommand {
    /// Les communes du territoire : ajoute ou retire un département, un EPCI ou une commune
    /// (tout ou rien ; sans --add ni --remove, affiche leur nombre et leur population).
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Territory {
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// departement:CODE, epci:SIREN ou commune:CODE_INSEE (répétable).
        #[arg(long, value_name = "CHOIX")]
        add: Vec<String>,
        /// departement:CODE, epci:SIREN ou commune:CODE_INSEE (répétable), retirés après les ajouts.
        #[arg(long, value_name = "CHOIX")]
        remove: Vec<String>,
        /// Affiche le bilan en JSON.
        #[arg(long)]
        json: bool,
    },
    /// Importe les contours des communes d'un fichier GeoJSON (WGS84 ou Lambert-93) ou
    /// GeoPackage (IGN ADMIN EXPRESS), rapprochés des communes par leur code INSEE (tout ou rien).
    #[command(
        name = "import-contours",
        help_template = "{about}\n\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n"
    )]
    ImportContours {
        /// Le fichier de contours (.geojson, .json ou .gpkg).
        #[arg(value_name = "FICHIER")]
        file: PathBuf,
        #[arg(long, value_name = "ESPACE")]
        workspace: PathBuf,
        /// La propriété des entités qui porte le code INSEE (trouvée seule d'ordinaire).
        #[arg(long, value_name = "PROPRIÉTÉ")]
        code_property: Option<String>,
        /// Lit et rapproche sans rien écrire.
        #[arg(long)]
        dry_run: bool,
        /// Affiche le bilan en JSON.
        #[arg(long)]
        json: bool,
    },
    /// Dessine la carte du territoire, colorée selon une mesure, en SVG ou en PNG.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Render {
        #[arg(long, value_name = "ESPACE")]
        workspace: PathBuf,
        /// actors, actions, funding, meetings, hours, links ou never-met.
        #[arg(long, value_name = "MESURE", default_value = "actors")]
        measure: String,
        /// Le monde des acteurs comptés (mesure actors), par son code : local_authority, state…
        #[arg(long, value_name = "MONDE")]
        world: Option<String>,
        /// Début de la période (AAAA-MM-JJ ; rencontres, heures, liens).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Fin de la période (AAAA-MM-JJ, incluse).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Une commune à souligner, par son code INSEE (répétable).
        #[arg(long, value_name = "INSEE")]
        highlight: Vec<String>,
        /// Largeur de l'image, en points (900 par défaut).
        #[arg(long, value_name = "POINTS", default_value_t = 900.0)]
        width: f64,
        /// Le fichier écrit : .svg ou .png.
        #[arg(long, value_name = "FICHIER")]
        out: PathBuf,
        /// Remplace le fichier s'il existe.
        #[arg(long)]
        force: bool,
    },
    /// Les communes du territoire et leurs chiffres : acteurs, actions, rencontres, contour.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Communes {
        #[arg(long, value_name = "ESPACE")]
        workspace: PathBuf,
        /// Affiche la liste en JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(super) fn run(cmd: MapCommand) -> i32 {
    match cmd {
        MapCommand::Territory {
            workspace,
            add,
            remove,
            json,
        } => territory(&workspace, &add, &remove, json),
        MapCommand::ImportContours {
            file,
            workspace,
            code_property,
            dry_run,
            json,
        } => import_contours(&file, &workspace, code_property.as_deref(), dry_run, json),
        MapCommand::Communes { workspace, json } => communes(&workspace, json),
        MapCommand::Render {
            workspace,
            measure,
            world,
            from,
            to,
            highlight,
            width,
            out,
            force,
        } => {
            let options = catalyse_core::map::render::RenderOptions {
                width,
                highlight,
                title: None,
            };
            render(
                &workspace,
                (&measure, world, from, to),
                &options,
                &out,
                force,
            )
        }
    }
}

/// Prints `value` as JSON; 0, or 1 when it cannot be written.
fn print_json(value: &impl serde::Serialize) -> i32 {
    match serde_json::to_string_pretty(value) {
        Ok(s) => {
            println!("{s}");
            0
        }
        Err(e) => {
            eprintln!("Erreur : bilan illisible ({e}).");
            1
        }
    }
}

fn import_contours(
    file: &std::path::Path,
    workspace: &std::path::Path,
    code_property: Option<&str>,
    dry_run: bool,
    json: bool,
) -> i32 {
    let done = if dry_run {
        Store::open_for_reading(workspace)
            .and_then(|s| s.prepare_contours(file, code_property))
            .map(|p| (p.preview, 0))
    } else {
        let root = catalyse_core::workspace::paths::backups_root();
        CommandStore::open(workspace, &root).and_then(|mut s| {
            let p = s.prepare_contours(file, code_property)?;
            let written = s.write_contours(&p)?;
            Ok((p.preview, written))
        })
    };
    let (p, written) = match done {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if json {
        let mut v = serde_json::to_value(&p).unwrap_or_default();
        v["written"] = written.into();
        return print_json(&v);
    }
    println!(
        "{} entité(s) lue(s) ({}) : {} rapprochée(s) par leur code, {} par un ancien code (fusion), {} sans commune.",
        p.features,
        p.projection,
        p.matched,
        p.matched_by_former_code,
        p.unmatched.len()
    );
    for u in p.unmatched.iter().take(20) {
        println!(
            "  entité n° {} : code {}{}",
            u.index + 1,
            u.code.as_deref().unwrap_or("absent"),
            u.name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        );
    }
    if p.code_property.is_none() {
        println!(
            "Aucune propriété ne porte de code INSEE : choisissez-la avec --code-property parmi {}.",
            p.properties.join(", ")
        );
    }
    println!(
        "{} commune(s) dessinée(s), {} position(s) gardée(s) sur {} après simplification.",
        p.communes, p.positions_kept, p.positions
    );
    if dry_run {
        println!("Rien n'a été écrit (--dry-run).");
    } else {
        println!("{written} contour(s) enregistré(s).");
    }
    0
}

fn communes(workspace: &std::path::Path, json: bool) -> i32 {
    let figures = match Store::open_for_reading(workspace).and_then(|s| s.commune_figures()) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    if json {
        let rows: Vec<serde_json::Value> = figures
            .iter()
            .map(|c| {
                let mut v = serde_json::to_value(c).unwrap_or_default();
                v["never_met"] = c.never_met().into();
                v
            })
            .collect();
        return print_json(&rows);
    }
    for c in &figures {
        println!(
            "{} {} : {} acteur(s), {} action(s), {} rencontre(s){}",
            c.insee,
            c.name,
            c.actors,
            c.actions,
            c.met,
            if c.never_met() {
                " — jamais rencontrée"
            } else {
                ""
            }
        );
    }
    let never = figures.iter().filter(|c| c.never_met()).count();
    println!(
        "{} commune(s), dont {never} jamais rencontrée(s).",
        figures.len()
    );
    0
}

fn territory(workspace: &std::path::Path, add: &[String], remove: &[String], json: bool) -> i32 {
    let parse = |texts: &[String]| -> Result<Vec<CommuneChoice>, catalyse_core::CoreError> {
        texts.iter().map(|t| CommuneChoice::parse(t)).collect()
    };
    let (add, remove) = match (parse(add), parse(remove)) {
        (Ok(a), Ok(r)) => (a, r),
        (Err(e), _) | (_, Err(e)) => return fail(&e),
    };
    let done = if add.is_empty() && remove.is_empty() {
        // Only read: the file is not locked, backed up nor written.
        Store::open_for_reading(workspace).and_then(|s| s.territory_communes())
    } else {
        let root = catalyse_core::workspace::paths::backups_root();
        CommandStore::open(workspace, &root)
            .and_then(|mut s| s.change_territory_communes(&add, &remove))
    };
    let r = match done {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if json {
        return print_json(&r);
    }
    say(&r);
    0
}

fn say(r: &TerritoryCommunes) {
    for n in &r.renamed {
        let what = if n.arrondissement {
            "un arrondissement de"
        } else {
            "une ancienne commune, aujourd'hui dans"
        };
        let former = if n.former_name.is_empty() {
            String::new()
        } else {
            format!(" ({})", n.former_name)
        };
        println!("{}{former} est {what} {} ({}).", n.given, n.name, n.insee);
    }
    if r.added > 0 || r.removed > 0 {
        println!(
            "{} commune(s) ajoutée(s), {} retirée(s).",
            r.added, r.removed
        );
    }
    println!(
        "Le territoire compte {} commune(s), {} habitant(s).",
        r.communes,
        group_digits(r.population)
    );
}

/// Draws the map of a measure into `out` (SVG or PNG, from its extension).
fn render(
    workspace: &std::path::Path,
    (measure, world, from, to): (&str, Option<String>, Option<String>, Option<String>),
    options: &catalyse_core::map::render::RenderOptions,
    out: &std::path::Path,
    force: bool,
) -> i32 {
    use catalyse_core::map::values::{MapMeasure, MapQuery};
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext != "svg" && ext != "png" {
        eprintln!("Erreur : le fichier de la carte doit finir par .svg ou .png.");
        return 2;
    }
    if out.exists() && !force {
        eprintln!(
            "Erreur : {} existe déjà ; ajoutez --force pour le remplacer.",
            out.display()
        );
        return 1;
    }
    let drawn = MapMeasure::parse(measure)
        .and_then(|measure| {
            let world = world
                .map(|w| catalyse_core::shared::codes::World::parse("world", &w))
                .transpose()?;
            Ok(MapQuery {
                measure,
                world,
                from,
                to,
            })
        })
        .and_then(|query| {
            Store::open_for_reading(workspace)
                .and_then(|s| s.write_map(&query, options, out, ext == "png"))
        });
    match drawn {
        Ok(n) => {
            println!("Carte écrite : {} ({n} communes).", out.display());
            0
        }
        Err(e) => fail(&e),
    }
}
