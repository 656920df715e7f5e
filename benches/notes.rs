//! Decision-note benchmark (not a test): composes a five-page note from the demo data (generated
//! context, actors, funding plan and schedule; three options; long written sections) and
//! prints the median and worst time to generate its sections and to export it to DOCX, PDF,
//! HTML and Markdown, with the letterhead logo.
//!
//! Run: `cargo bench --bench notes` (runs: `CATALYSE_BENCH_NOTE_RUNS`, default 20).

use catalyse_core::notes::export::NoteFormat;
use catalyse_core::notes::{NoteInput, NoteRecordInput, OptionInput, SectionInput};
use catalyse_core::Store;
use std::time::{Duration, Instant};

const PARAGRAPH: &str = "Le projet s'inscrit dans l'axe du Projet de territoire consacré à \
l'économie de montagne. Il associe les producteurs, la communauté de communes et les \
financeurs, et répond à un besoin exprimé lors des ateliers de concertation : garder une offre \
alimentaire de proximité et mieux rémunérer le travail des exploitations.";

fn timed(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], *times.last().unwrap())
}

fn pages(pdf: &[u8]) -> usize {
    pdf.windows(10)
        .filter(|w| *w == b"/Type/Page" || *w == b"/Type /Pag")
        .count()
        .saturating_sub(1)
}

fn main() {
    let runs: usize = std::env::var("CATALYSE_BENCH_NOTE_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("bench.catalyse");
    let mut store: Store = catalyse_core::demo::write_demo(&path).unwrap();
    let first = store.list_notes().unwrap()[0].id;
    let records: Vec<NoteRecordInput> = store
        .note(first)
        .unwrap()
        .records
        .iter()
        .map(|r| NoteRecordInput {
            kind: r.kind.code().into(),
            record_id: r.record_id,
        })
        .collect();
    let long = |n: usize| vec![PARAGRAPH; n].join("\n\n");
    let section = |key: &str, content: String| SectionInput {
        key: key.into(),
        content,
    };
    let option = |i: usize| OptionInput {
        title: format!("Scénario {i}"),
        description: PARAGRAPH.into(),
        pros: "Calendrier tenu, partenaires mobilisés".into(),
        cons: "Dossier à compléter en trois semaines".into(),
        cost: format!("{} 000", 40 + i * 4),
        risks: "Retard si une pièce manque".into(),
        recommended: i == 1,
    };
    let input = NoteInput {
        subject: "Magasin de producteurs : note complète pour le Comité syndical".into(),
        body_name: "PETR du Haut-Verdanson".into(),
        addressee: "comite_syndical".into(),
        meeting_date: Some("2027-03-01".into()),
        author: "Claire Vasseur".into(),
        records,
        sections: vec![
            section("objet", long(1)),
            section("enjeux", long(6)),
            section(
                "avis",
                format!("Avis **favorable** du service.\n\n{}", long(6)),
            ),
            section(
                "annexes",
                "- Plan de financement\n- Lettres de soutien\n- Délibérations".into(),
            ),
        ],
        options: (1..=3).map(option).collect(),
    };
    let logo = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/icons/128x128@2x.png")).unwrap();
    store.set_note_logo("logo.png", &logo).unwrap();
    let id = store.create_note(&input).unwrap().id;

    let (gen_med, gen_max) = timed(runs, || {
        store.refresh_preview(id).unwrap();
    });
    let mut sizes = Vec::new();
    let mut lines = Vec::new();
    for format in [
        NoteFormat::Docx,
        NoteFormat::Pdf,
        NoteFormat::Html,
        NoteFormat::Markdown,
    ] {
        let bytes = store.export_note(id, format).unwrap();
        sizes.push((format, bytes.len()));
        if format == NoteFormat::Pdf {
            println!("PDF pages: {}", pages(&bytes));
        }
        let (med, max) = timed(runs, || {
            store.export_note(id, format).unwrap();
        });
        lines.push(format!(
            "export {:<5} median {:>8.1} ms  max {:>8.1} ms  ({} bytes)",
            format.extension(),
            med.as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3,
            bytes.len()
        ));
    }
    println!(
        "generate sections (read data, compose French text): median {:.2} ms, max {:.2} ms over {runs} runs",
        gen_med.as_secs_f64() * 1e3,
        gen_max.as_secs_f64() * 1e3
    );
    for l in lines {
        println!("{l}");
    }
}
