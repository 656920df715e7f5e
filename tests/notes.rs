//! Decision notes from the command line, checked with the tools a reader would use:
//! LibreOffice (headless) must open the DOCX and convert it to PDF, and the text of that PDF
//! and of Catalyse's own PDF (read by pdftotext) must hold every section and the funding table.
//! `scripts/setup.sh` installs LibreOffice Writer and poppler-utils for this.

use crate::util::{bytes, Dir};
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const SECTIONS: [&str; 9] = [
    "1. Objet et décision attendue",
    "2. Contexte",
    "3. Enjeux pour le territoire",
    "4. Acteurs mobilisés et partenaires",
    "5. Options / scénarios",
    "6. Plan de financement",
    "7. Calendrier",
    "8. Avis / recommandation du service",
    "9. Annexes",
];

fn demo(dir: &Dir) -> std::path::PathBuf {
    let path = dir.path("demo.catalyse");
    dir.catalyse().arg("demo").arg(&path).assert().success();
    path
}

/// The note ids of the demo, draft first.
fn notes(dir: &Dir, ws: &Path) -> Vec<Value> {
    let out = dir
        .catalyse()
        .args(["note", "list", "--json", "--workspace"])
        .arg(ws)
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn export(dir: &Dir, ws: &Path, id: i64, format: &str, out: &Path) {
    dir.catalyse()
        .args([
            "note",
            "export",
            &id.to_string(),
            "--format",
            format,
            "--out",
        ])
        .arg(out)
        .arg("--workspace")
        .arg(ws)
        .assert()
        .success()
        .stdout(predicate::str::contains("exportée"));
}

/// The text of a PDF, with pdftotext's layout (table rows stay on one line).
fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/setup.sh)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    // Collapse runs of spaces so table columns read as "A B C".
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of a PDF as pdftotext reads it, spaces untouched (no-break spaces kept).
fn pdf_raw_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/setup.sh)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

/// French typography as laid out on the page: no line starts with « : ; ! ? » » or ends
/// with « « » (the no-break spaces kept them with their word).
fn assert_no_orphan_punctuation(text: &str, what: &str) {
    for line in text.lines() {
        let t = line.trim_matches(|c: char| c.is_whitespace());
        assert!(
            !t.starts_with([':', ';', '!', '?', '»']) && !t.ends_with('«'),
            "{what}: a line starts with punctuation or ends with « : {line:?}"
        );
    }
}

fn assert_note_text(text: &str, what: &str) {
    for s in SECTIONS {
        assert!(text.contains(s), "{what}: no « {s} » in\n{text}");
    }
    assert!(text.contains("PETR DU HAUT-VERDANSON"), "{what}: header");
    assert!(
        text.contains("Financeur Dispositif Statut Montant Part du budget"),
        "{what}: funding table header in\n{text}"
    );
    assert!(
        text.contains("GAL LEADER du"),
        "{what}: a funder's row in\n{text}"
    );
    assert!(
        text.contains("45 000,00 €") && text.contains("30 %"),
        "{what}: amounts and shares in French format in\n{text}"
    );
    assert!(text.contains("10 décembre 2026"), "{what}: dates in French");
    assert!(
        text.contains("page 1 sur") || text.contains("page 1"),
        "{what}: page numbers"
    );
}

#[test]
fn libreoffice_opens_the_docx_and_both_pdfs_hold_every_section_and_the_funding_table() {
    let dir = Dir::new();
    let ws = demo(&dir);
    let list = notes(&dir, &ws);
    assert_eq!(list.len(), 2);
    let draft = list
        .iter()
        .find(|n| n["status"] == "draft")
        .expect("a draft")["id"]
        .as_i64()
        .unwrap();
    let logo = dir.path("logo.png");
    std::fs::write(&logo, include_bytes!("../icons/128x128.png")).unwrap();
    dir.catalyse()
        .args(["note", "logo"])
        .arg(&logo)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .success()
        .stdout(predicate::str::contains("Logo « logo.png » enregistré"));

    let docx = dir.path("note.docx");
    export(&dir, &ws, draft, "docx", &docx);
    let converted = dir.path("lo");
    let status = Command::new("soffice")
        .env("HOME", dir.path("lo-home"))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&converted)
        .arg(&docx)
        .output()
        .expect("LibreOffice (soffice, installed by scripts/setup.sh)");
    let lo_pdf = converted.join("note.pdf");
    assert!(
        lo_pdf.exists(),
        "LibreOffice did not convert the DOCX: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert_note_text(&pdf_text(&lo_pdf), "DOCX through LibreOffice");
    assert_no_orphan_punctuation(&pdf_raw_text(&lo_pdf), "DOCX through LibreOffice");

    let pdf = dir.path("note.pdf");
    export(&dir, &ws, draft, "pdf", &pdf);
    assert!(bytes(&pdf).starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    assert_note_text(&text, "Catalyse's PDF");
    assert!(text.contains("Note d'aide à la décision"));
    let raw = pdf_raw_text(&pdf);
    assert_no_orphan_punctuation(&raw, "Catalyse's PDF");
    // The subject as typed (« Montclar : dépôt ») is printed with a no-break space.
    assert!(
        raw.contains("Montclar\u{a0}: dépôt"),
        "Catalyse's PDF: no no-break space before « : » in the subject:\n{raw}"
    );

    let md = dir.path("note.md");
    export(&dir, &ws, draft, "md", &md);
    let md = String::from_utf8(bytes(&md)).unwrap();
    assert!(md.contains("| Financeur | Dispositif | Statut | Montant | Part du budget |"));

    // Removing the logo is one command too; the exports still work without it.
    dir.catalyse()
        .args(["note", "logo", "--remove", "--workspace"])
        .arg(&ws)
        .assert()
        .success();
    let html = dir.path("note.html");
    export(&dir, &ws, draft, "html", &html);
    let html = String::from_utf8(bytes(&html)).unwrap();
    assert!(!html.contains("data:image/png"));
    assert!(html.contains("<h2>6. Plan de financement</h2>"));
}

#[test]
fn note_export_refuses_to_overwrite_and_names_what_is_wrong() {
    let dir = Dir::new();
    let ws = demo(&dir);
    let out = dir.path("note.pdf");
    std::fs::write(&out, b"keep me").unwrap();
    dir.catalyse()
        .args(["note", "export", "1", "--format", "pdf", "--out"])
        .arg(&out)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .failure()
        .stderr(predicate::str::contains("--force"));
    assert_eq!(bytes(&out), b"keep me");
    dir.catalyse()
        .args(["note", "export", "999", "--format", "md", "--out"])
        .arg(dir.path("x.md"))
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .failure()
        .stderr(predicate::str::contains("introuvable"));
    assert!(
        !dir.path("x.md").exists(),
        "nothing written for a missing note"
    );
    let not_an_image = dir.path("logo.png");
    std::fs::write(&not_an_image, b"not a picture").unwrap();
    dir.catalyse()
        .args(["note", "logo"])
        .arg(&not_an_image)
        .arg("--workspace")
        .arg(&ws)
        .assert()
        .failure()
        .stderr(predicate::str::contains("PNG ou JPEG"));
    let check = dir
        .catalyse()
        .args(["check", "--json"])
        .arg(&ws)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(json["counts"]["decision_notes"], 2, "{json}");
}
