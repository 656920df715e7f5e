//! The tests of `tabular`: hostile workbooks, encodings, separators, formulas.

/// A workbook whose cell reference overflows the parser's row counter (found by the
/// property tests): refused with a message, no panic escapes.
#[test]
fn a_workbook_with_an_absurd_cell_reference_is_refused() {
    use std::io::{Read, Write};
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Nom").unwrap();
    sheet.write_string(1, 0, "Mairie").unwrap();
    let good = book.save_to_buffer().unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(good)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/") {
            data = String::from_utf8(data)
                .unwrap()
                .replace("r=\"A2\"", "r=\"A99999999999999\"")
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    let bad = out.finish().unwrap().into_inner();
    let e = read_table(&bad, FileFormat::Xlsx).unwrap_err();
    assert_eq!(e.code(), Some("xlsx.invalid"), "{e}");
}

use super::xlsx_checks::{KeptElementSeen, XlsxLimits, XLSX_LIMITS};
use super::xlsx_file::read_xlsx_within;
use super::*;
use std::io::Cursor;

// ----- Workbooks that announce or hold more than they should ------------------------------

/// A workbook written by hand, as small as a crafted file can be: `sheet` is the first
/// sheet's content (inside `<worksheet>`), `parts` any other parts (shared texts, styles).
fn crafted(sheet: &str, parts: &[(&str, String)]) -> Vec<u8> {
    use std::io::Write;
    let head = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
    let rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut all: Vec<(String, String)> = vec![
        (
            "_rels/.rels".into(),
            format!(
                r#"{head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml".into(),
            format!(
                r#"{head}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{rels}"><sheets><sheet name="Feuille1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels".into(),
            format!(
                r#"{head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/worksheets/sheet1.xml".into(),
            format!(
                r#"{head}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet}</worksheet>"#
            ),
        ),
    ];
    all.extend(
        parts
            .iter()
            .map(|(n, t)| (n.to_string(), format!("{head}{t}"))),
    );
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in all {
        out.start_file(name, deflated).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn shared(unique_count: &str, texts: &[&str]) -> (&'static str, String) {
    let items: String = texts
        .iter()
        .map(|t| format!("<si><t>{t}</t></si>"))
        .collect();
    (
        "xl/sharedStrings.xml",
        format!(
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{unique_count}">{items}</sst>"#,
            n = texts.len()
        ),
    )
}

fn refused(bytes: &[u8]) -> (String, String) {
    match read_table(bytes, FileFormat::Xlsx) {
        Err(e) => (e.code().unwrap_or("").to_string(), e.to_string()),
        Ok(t) => panic!("read: {} rows", t.rows.len()),
    }
}

/// The reader reserves room for as many shared texts as `<sst uniqueCount>` announces: a
/// kilobyte file announcing 100 billion would end the process. Refused by name first.
#[test]
fn a_workbook_announcing_absurd_shared_texts_is_refused_before_it_is_read() {
    let sheet = r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData>"#;
    let bomb = crafted(sheet, &[shared("100000000000", &["Nom", "Mairie"])]);
    assert!(bomb.len() < 2048, "{} bytes", bomb.len());
    let (code, message) = refused(&bomb);
    assert_eq!(code, "xlsx.invalid");
    assert_eq!(
        message,
        "Le classeur annonce 100\u{202F}000\u{202F}000\u{202F}000 textes partagés : ce n'est pas un fichier Excel valide."
    );
    // Beyond what an `usize` holds, or more than its part could hold (each text takes at
    // least `<si/>`), or more uses than the workbook has bytes.
    let (_, message) = refused(&crafted(
        sheet,
        &[shared("0099999999999999999999999", &["Nom", "Mairie"])],
    ));
    assert!(
        message.contains("annonce un nombre de 23 chiffres de textes partagés"),
        "{message}"
    );
    let (code, message) = refused(&crafted(sheet, &[shared("5000", &["Nom", "Mairie"])]));
    assert_eq!(code, "xlsx.invalid", "{message}");
    assert!(
        message.contains("annonce 5\u{202F}000 textes partagés"),
        "{message}"
    );
    let (_, message) = refused(&crafted(
        sheet,
        &[(
            "xl/sharedStrings.xml",
            r#"<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="123456789012"><x:si><x:t>Nom</x:t></x:si><x:si><x:t>Mairie</x:t></x:si></x:sst>"#.into(),
        )],
    ));
    assert!(
        message.contains("annonce 123\u{202F}456\u{202F}789\u{202F}012 emplois de textes partagés"),
        "{message}"
    );
    // What it really holds is read.
    let t = read_table(
        &crafted(sheet, &[shared("2", &["Nom", "Mairie"])]),
        FileFormat::Xlsx,
    )
    .unwrap();
    assert_eq!(
        (t.headers, t.rows[0].cells.clone()),
        (
            vec!["Nom".to_string()],
            csv::StringRecord::from(vec!["Mairie"])
        )
    );
}

/// A sheet read as a grid takes rows × columns cells up to its farthest reference: `A1` and
/// `XFD1048576` made 17 billion. Read cell by cell, it is two cells.
#[test]
fn a_sparse_sheet_is_read_cell_by_cell_not_as_its_whole_grid() {
    let sheet = r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#;
    let bytes = crafted(sheet, &[]);
    assert!(bytes.len() < 2048, "{} bytes", bytes.len());
    let t = read_table(&bytes, FileFormat::Xlsx).unwrap();
    assert_eq!(t.headers, vec!["Nom"]);
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].line, 1_048_576);
    assert_eq!(t.rows[0].cells.len(), 16_384);
    assert_eq!(&t.rows[0].cells[16_383], "x");
    // Cells given out of order, and one given twice (the last one counts, as in Excel).
    let sheet = r#"<sheetData><row r="3"><c r="B3"><v>2</v></c><c r="A3"><v>1</v></c></row><row r="1"><c r="A1" t="inlineStr"><is><t>A</t></is></c><c r="B1" t="inlineStr"><is><t>B</t></is></c></row><row r="3"><c r="B3"><v>3</v></c></row></sheetData>"#;
    let t = read_table(&crafted(sheet, &[]), FileFormat::Xlsx).unwrap();
    assert_eq!(t.headers, vec!["A", "B"]);
    assert_eq!(
        (t.rows[0].line, t.rows[0].cells.clone()),
        (3, csv::StringRecord::from(vec!["1", "3"]))
    );
}

/// Rows that reach far to the right, counted from column A, are more cells than an import
/// reads: refused, without laying them out.
#[test]
fn a_sheet_wider_than_an_import_reads_is_refused() {
    // 1,025 rows to column XFD: 16,793,600 cells, just over the 16,777,216 an import reads.
    let rows: String = (1..=1025)
        .map(|r| {
            format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="XFD{r}"><v>1</v></c></row>"#)
        })
        .collect();
    let bytes = crafted(&format!("<sheetData>{rows}</sheetData>"), &[]);
    assert!(bytes.len() < 16 * 1024, "{} bytes", bytes.len());
    let (code, message) = refused(&bytes);
    assert_eq!(code, "xlsx.too_large", "{message}");
    assert_eq!(
        message,
        "Les lignes de la feuille, comptées de la colonne A à leur dernière cellule, font plus de 16\u{202F}777\u{202F}216 cellules : c'est plus qu'une importation n'en lit. Gardez les colonnes et les lignes utiles, ou enregistrez la feuille en CSV."
    );
}

/// A reference outside Excel's grid (`XFE1`, row 1,048,577), given or reached by counting,
/// or an announced area beyond it: not a workbook Excel wrote, refused by name.
#[test]
fn cells_and_areas_outside_excels_grid_are_refused_by_name() {
    let header = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c></row>"#;
    for (sheet, named) in [
        (
            format!(r#"<sheetData>{header}<row r="2"><c r="XFE2"><v>1</v></c></row></sheetData>"#),
            "La cellule « XFE2 »",
        ),
        (
            format!(
                r#"<sheetData>{header}<row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData>"#
            ),
            "La cellule « A1048577 »",
        ),
        // No reference: the reader counts from the row's.
        (
            format!(r#"<sheetData>{header}<row r="1048577"><c><v>1</v></c></row></sheetData>"#),
            "La cellule « A1048577 »",
        ),
        (
            format!(r#"<dimension ref="A1:XFD99999999"/><sheetData>{header}</sheetData>"#),
            "Le classeur annonce la zone « A1:XFD99999999 »",
        ),
    ] {
        let (code, message) = refused(&crafted(&sheet, &[]));
        assert_eq!(code, "xlsx.invalid", "{message}");
        assert!(
            message.starts_with(named)
                && message.ends_with("hors de la grille d'Excel (1\u{202F}048\u{202F}576 lignes, 16\u{202F}384 colonnes) : ce n'est pas un fichier Excel valide."),
            "{message}"
        );
    }
}

/// A shared text is copied into every cell using it: a megabyte used by 300 cells would be
/// 300 MB. More text than a CSV import reads is refused before it is copied.
#[test]
fn a_shared_text_used_by_many_cells_is_counted_before_it_is_copied() {
    let big = "x".repeat(1024 * 1024);
    let rows: String = (2..=301)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>1</v></c></row>"#))
        .collect();
    let sheet =
        format!(r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>{rows}</sheetData>"#);
    let bytes = crafted(&sheet, &[shared("2", &["Nom", &big])]);
    assert!(bytes.len() < 16 * 1024, "{} bytes", bytes.len());
    let (code, message) = refused(&bytes);
    assert_eq!(code, "xlsx.too_large", "{message}");
    assert!(
        message.starts_with("Les cellules de la feuille contiennent plus de 256 Mo de texte"),
        "{message}"
    );
}

/// Each cell format gets its own copy of its font (and fill, border, number format): a
/// long font name and thousands of formats would be hundreds of megabytes. Excel makes at
/// most 64,000 formats; more, or copies beyond 256 MB, are refused.
#[test]
fn cell_formats_that_would_copy_too_much_are_refused() {
    let sheet = r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c></row></sheetData>"#;
    let styles = |font: &str, formats: usize| {
        (
            "xl/styles.xml",
            format!(
                r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><name val="{font}"/></font></fonts><cellXfs count="{formats}">{}</cellXfs></styleSheet>"#,
                r#"<xf numFmtId="0" fontId="0"/>"#.repeat(formats)
            ),
        )
    };
    let name = "P".repeat(100 * 1024);
    let (code, message) = refused(&crafted(sheet, &[styles(&name, 3000)]));
    assert_eq!(code, "xlsx.invalid", "{message}");
    assert!(
        message.starts_with("Le classeur définit 3\u{202F}000 formats de cellule aux polices"),
        "{message}"
    );
    let (_, message) = refused(&crafted(sheet, &[styles("Calibri", 70_000)]));
    assert!(
        message.starts_with("Le classeur définit 70\u{202F}000 formats de cellule :"),
        "{message}"
    );
    // What a real workbook has is read.
    let t = read_table(
        &crafted(sheet, &[styles("Calibri", 3000)]),
        FileFormat::Xlsx,
    )
    .unwrap();
    assert_eq!(t.headers, vec!["Nom"]);
}

/// The parts looked at closely are those that may hold an element the reader keeps, found
/// however its name is written (a prefix, a `/` in it, cut between two pieces read).
#[test]
fn elements_the_reader_keeps_are_found_however_written_and_cut() {
    let seen = |pieces: &[&[u8]]| {
        let mut s = KeptElementSeen::default();
        for p in pieces {
            s.feed(p);
        }
        s.seen
    };
    for xml in [
        "<font>",
        "<x:font/>",
        "<x/y:font >",
        "<a<b:xf\t",
        "<Relationship Id=\"rId1\"/>",
        "<si/>",
        "<sst\n",
    ] {
        assert!(seen(&[xml.as_bytes()]), "{xml}");
    }
    for xml in [
        "<fonts>",
        "<rFont val=\"x\"/>",
        "<sheetData>",
        "<c r=\"A1\"><v>1</v></c>",
        "<f>SUM(A1)</f>",
        "font>",
        "<font",
    ] {
        assert!(!seen(&[xml.as_bytes()]), "{xml}");
    }
    let xml = b"<worksheet><sheetData/><x:Relationship/></worksheet>";
    for cut in 0..xml.len() {
        assert!(seen(&[&xml[..cut], &xml[cut..]]), "cut at {cut}");
    }
    let bytes: Vec<&[u8]> = xml.chunks(1).collect();
    assert!(seen(&bytes), "one byte at a time");
    let bytes: Vec<&[u8]> = b"<sheetData><c><v>1</v></c></sheetData>"
        .chunks(3)
        .collect();
    assert!(!seen(&bytes));
}

/// A part that unpacks to more than the limit (a zip bomb) is refused while it is being
/// unpacked, before the reader opens it; so are more shared texts, or texts, or entries of a
/// kind, than the limits. (Tried with lowered limits, to keep the files small.)
#[test]
fn what_unpacks_or_holds_more_than_the_limits_is_refused() {
    let sheet = r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData>"#;
    let padded = format!("{}{sheet}", " ".repeat(3 * 1024 * 1024));
    let bomb = crafted(&padded, &[shared("2", &["Nom", "Mairie"])]);
    assert!(bomb.len() < 16 * 1024, "{} bytes", bomb.len());
    read_table(&bomb, FileFormat::Xlsx).expect("within the real limits");
    let mib = XlsxLimits {
        unpacked: 1024 * 1024,
        ..XLSX_LIMITS
    };
    let e = read_xlsx_within(&bomb, &mib).unwrap_err();
    assert_eq!(e.code(), Some("xlsx.too_large"));
    assert!(
        e.to_string().starts_with(
            "Le classeur se décompresse en plus de 1 Mo : c'est plus qu'une importation n'en lit."
        ),
        "{e}"
    );

    let texts = ["Nom", "Mairie", "École", "Gare"];
    let ok = crafted(sheet, &[shared("3", &texts)]);
    let few = XlsxLimits {
        cells: 3,
        ..XLSX_LIMITS
    };
    let e = read_xlsx_within(&ok, &few).unwrap_err();
    assert_eq!(e.to_string(), "Le classeur contient plus de 3 textes partagés : c'est plus qu'une importation n'en lit. Gardez les colonnes et les lignes utiles, ou enregistrez la feuille en CSV.");
    let short = XlsxLimits {
        text: 12,
        ..XLSX_LIMITS
    };
    let e = read_xlsx_within(&ok, &short).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Les textes du classeur dépassent"),
        "{e}"
    );
    let e = read_xlsx_within(
        &ok,
        &XlsxLimits {
            entries: 1,
            ..XLSX_LIMITS
        },
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Le classeur contient plus de 1 relations entre parties"),
        "{e}"
    );
    assert_eq!(read_xlsx_within(&ok, &XLSX_LIMITS).unwrap().rows.len(), 1);
    let inline = |r: u32| format!(r#"<c r="A{r}" t="inlineStr"><is><t>{r}</t></is></c>"#);
    let three = crafted(
        &format!(
            "<sheetData>{}{}{}</sheetData>",
            inline(1),
            inline(2),
            inline(3)
        ),
        &[],
    );
    let e = read_xlsx_within(
        &three,
        &XlsxLimits {
            cells: 2,
            ..XLSX_LIMITS
        },
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("La feuille a plus de 2 cellules : "),
        "{e}"
    );
    assert_eq!(
        read_xlsx_within(
            &three,
            &XlsxLimits {
                cells: 3,
                ..XLSX_LIMITS
            }
        )
        .unwrap()
        .rows
        .len(),
        2
    );
}

/// A CSV of 70 MB (a département's million links) is read; an XLSX that large, which
/// would unpack to far more in memory, is refused by its size.
#[test]
fn size_limits_depend_on_the_format() {
    let mut big = b"Acteur A;Acteur B\n".to_vec();
    let line = b"Association des amis du patrimoine de Saint-Martin;Mairie de Saint-Martin\n";
    while big.len() <= XLSX_MAX + 6 * 1024 * 1024 {
        big.extend_from_slice(line);
    }
    let t = read_table(&big, FileFormat::Csv).unwrap();
    assert_eq!(t.rows.len(), (big.len() - 18) / line.len());
    let e = read_table(&big, FileFormat::Xlsx).unwrap_err();
    assert_eq!(e.code(), Some("file.too_big"), "{e}");
    assert!(e.to_string().contains("64 Mo au plus"), "{e}");
}

fn csv(bytes: &[u8]) -> Table {
    read_table(bytes, FileFormat::Csv).unwrap()
}

#[test]
fn reads_utf8_with_and_without_bom_and_windows_1252() {
    let t = csv("Nom;Commune\r\nÉcole des Écrins;Gap\r\n".as_bytes());
    assert_eq!(t.encoding, "UTF-8");
    assert_eq!(t.rows[0].cells, vec!["École des Écrins", "Gap"]);
    let t = csv("\u{feff}Nom;Commune\nÉcole;Gap\n".as_bytes());
    assert_eq!(t.encoding, "UTF-8 (BOM)");
    assert_eq!(
        t.headers,
        vec!["Nom", "Commune"],
        "the BOM is not in the header"
    );
    // "Écrins ; Œuvre" in Windows-1252: É = 0xC9, Œ = 0x8C.
    let t = csv(b"Nom;Commune\r\n\xC9crins;\x8Cuvre\r\n");
    assert_eq!(t.encoding, "Windows-1252");
    assert_eq!(t.rows[0].cells, vec!["Écrins", "Œuvre"]);
    // UTF-16 LE with BOM and tabs, as Excel's "Texte Unicode".
    let mut b = vec![0xFF, 0xFE];
    for u in "Nom\tCommune\r\nÉcole\tGap\r\n".encode_utf16() {
        b.extend(u.to_le_bytes());
    }
    let t = csv(&b);
    assert_eq!((t.encoding.as_str(), t.separator), ("UTF-16", Some('\t')));
    assert_eq!(t.rows[0].cells, vec!["École", "Gap"]);
}

#[test]
fn detects_separators_and_keeps_quoted_ones() {
    let t = csv(b"Nom,Commune,Notes\n\"Dupont; fils\",Gap,\"dit \"\"le sage\"\"\"\n");
    assert_eq!(t.separator, Some(','));
    assert_eq!(
        t.rows[0].cells,
        vec!["Dupont; fils", "Gap", "dit \"le sage\""]
    );
    let t = csv(b"\"Nom, complet\";Commune\nA;B\n");
    assert_eq!(t.separator, Some(';'));
    assert_eq!(t.headers, vec!["Nom, complet", "Commune"]);
}

#[test]
fn multi_line_cells_ragged_rows_and_line_numbers() {
    let t = csv(b"Nom;Notes\nA;\"ligne 1\nligne 2\"\n\nB\nC;x;en trop\n");
    assert_eq!(t.rows.len(), 3, "the blank line is skipped");
    assert_eq!(&t.rows[0].cells[1], "ligne 1\nligne 2");
    assert_eq!(
        t.rows[1].line, 5,
        "line numbers count the lines of quoted cells"
    );
    assert_eq!(t.rows[1].cells, vec!["B"]);
    assert_eq!(t.rows[2].cells.len(), 3);
}

#[test]
fn empty_and_blank_files_are_refused_clearly() {
    for b in [&b""[..], b"   \r\n\r\n", b"\xEF\xBB\xBF", b";;;\n"] {
        let e = read_table(b, FileFormat::Csv).unwrap_err();
        assert_eq!(e.code(), Some("file.empty"), "{b:?}");
    }
    let e = read_table(b"not a zip", FileFormat::Xlsx).unwrap_err();
    assert_eq!(e.code(), Some("xlsx.invalid"));
}

#[test]
fn huge_fields_are_read_whole() {
    let big = "x".repeat(300_000);
    let t = csv(format!("Nom;Notes\nA;{big}\n").as_bytes());
    assert_eq!(t.rows[0].cells[1].len(), 300_000);
}

#[test]
fn formulas_are_neutralised_and_read_back() {
    for (raw, out) in [
        ("=1+1", "'=1+1"),
        ("+33 4 92", "'+33 4 92"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Gap", "Gap"),
        ("l'Écrin", "l'Écrin"),
    ] {
        assert_eq!(neutralise(raw), out);
        assert_eq!(unneutralise(out), raw);
    }
    let bytes = write_csv(
        &["Nom", "Notes"],
        &[vec!["=HYPERLINK(\"http://x\")".into(), "a;b".into()]],
    )
    .unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFNom;Notes\r\n"));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://x\"\")\";\"a;b\""),
        "{text}"
    );
    let t = csv(&bytes);
    assert_eq!(
        unneutralise(&t.rows[0].cells[0]),
        "=HYPERLINK(\"http://x\")"
    );
}

#[test]
fn xlsx_round_trip_writes_text_never_formulas() {
    let rows = vec![
        vec!["École".to_string(), "=1+2".to_string()],
        vec!["B".to_string(), "".to_string()],
    ];
    let bytes = write_xlsx("Acteurs", &["Nom", "Notes"], &rows).unwrap();
    let t = read_table(&bytes, FileFormat::Xlsx).unwrap();
    assert_eq!(t.headers, vec!["Nom", "Notes"]);
    assert_eq!(t.rows[0].cells, vec!["École", "=1+2"]);
    assert_eq!(t.rows[1].line, 3);
    assert_eq!(t.rows[1].cells, vec!["B"]);
    let sheet = zip_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("<f>"), "no formula is stored: {sheet}");
    let styles = zip_part(&bytes, "xl/styles.xml");
    assert!(styles.contains("quotePrefix=\"1\""), "{styles}");
}

fn zip_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

mod split {
    use super::super::csv_file::read_csv_split;
    use crate::shared::progress::Progress;
    use proptest::prelude::*;

    /// A line of a file without double quotes: cells of letters, accents, spaces and
    /// separators, blank or made of spaces now and then.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            1 => Just(String::new()),
            1 => Just("  ".to_string()),
            8 => proptest::collection::vec("[a-zé ]{0,6}", 1..5).prop_map(|c| c.join(";")),
            1 => proptest::collection::vec("[a-z]{0,3}", 1..4).prop_map(|c| c.join(",")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// A file without double quotes read in two halves at once gives exactly the table
        /// one pass gives (rows, their line numbers, the header), whatever its line breaks
        /// (`\n`, `\r\n`), blank lines (at the start too) and last line; and the same
        /// refusal when one pass refuses it.
        #[test]
        fn a_file_read_in_two_halves_gives_the_rows_of_one_pass(
            lines in proptest::collection::vec(line(), 0..40),
            crlf in any::<bool>(),
            last_break in any::<bool>(),
        ) {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut text = lines.join(nl);
            if last_break {
                text.push_str(nl);
            }
            let once = read_csv_split(text.as_bytes(), &Progress::none(), usize::MAX);
            let halves = read_csv_split(text.as_bytes(), &Progress::none(), 0);
            match (once, halves) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "{:?} / {:?}", a.map(|_| ()), b.map(|_| ())),
            }
        }
    }
}
