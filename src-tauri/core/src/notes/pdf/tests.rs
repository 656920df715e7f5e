use super::*;
use printpdf::TextItem;

/// What the pages draw, piece by piece.
fn drawn(pages: &[Vec<Op>]) -> Vec<Vec<String>> {
    pages
        .iter()
        .map(|ops| {
            ops.iter()
                .filter_map(|op| match op {
                    Op::ShowText { items } => Some(
                        items
                            .iter()
                            .map(|i| match i {
                                TextItem::Text(t) => t.clone(),
                                _ => String::new(),
                            })
                            .collect(),
                    ),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

fn body(text: &str) -> Vec<(String, Style)> {
    vec![(text.to_string(), Style::new(Face::Serif, BODY, INK))]
}

#[test]
fn demo_notes_make_small_pdfs_with_page_furniture() {
    let mut s = crate::db::store::Store::open_in_memory().unwrap();
    crate::demo::populate(&mut s).unwrap();
    for n in s.list_notes().unwrap() {
        let pdf = super::to_pdf(&s.note(n.id).unwrap(), None).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // Six DejaVu faces weigh 1 MB whole: only the glyphs drawn are embedded.
        assert!(pdf.len() < 100_000, "{} bytes: fonts are subset", pdf.len());
    }
}

#[test]
fn every_word_of_a_note_is_drawn_and_every_page_is_numbered() {
    let mut s = crate::db::store::Store::open_in_memory().unwrap();
    crate::demo::populate(&mut s).unwrap();
    let fonts = Fonts::load().unwrap();
    for n in s.list_notes().unwrap() {
        let note = s.note(n.id).unwrap();
        let pages = layout(&note, &fonts, &crate::notes::maps::NoteMaps::new());
        let total = pages.len();
        for i in 0..total {
            let furniture = drawn(&[furniture(&note, &fonts, None, i + 1, total)]);
            assert!(furniture[0].contains(&format!("page {} sur {total}", i + 1)));
        }
        // In reading order, spaces aside: every paragraph, item and cell whole.
        let squeeze = |t: &str| t.split_whitespace().collect::<String>();
        let all = squeeze(&drawn(&pages).concat().concat());
        for i in 0..note.sections.len() {
            for block in blocks(&section_markdown(&note, i)) {
                let texts = match block {
                    Block::Paragraph(r) | Block::Item { runs: r, .. } => {
                        vec![r.into_iter().map(|(t, _, _)| t).collect::<String>()]
                    }
                    Block::Table(rows) => rows.concat(),
                    // No map is drawn here (none is given): a sentence says so.
                    Block::Map { .. } => vec!["Carte non dessinée.".to_string()],
                };
                for text in texts {
                    assert!(all.contains(&squeeze(&text)), "« {text} » not drawn");
                }
            }
        }
    }
}

#[test]
fn lines_break_at_spaces_only_and_fit_the_width() {
    let fonts = Fonts::load().unwrap();
    let text =
        "L'action «\u{a0}Magasin de producteurs\u{a0}» (statut\u{a0}: en préparation) coûte \
                    45\u{202f}000,00\u{a0}€ ; elle répond-elle aux enjeux\u{a0}? Oui\u{a0}! "
            .repeat(6);
    let lines = wrap(&fonts, &body(&text), 200.0);
    assert!(lines.len() > 10);
    let mut joined = Vec::new();
    for line in &lines {
        assert!(line.width <= 200.0 + 0.01, "{} pt wide", line.width);
        let t: String = line.pieces.iter().map(|(_, t, _)| t.as_str()).collect();
        assert!(!t.starts_with([':', ';', '!', '?', '»', '€', ' ']), "{t:?}");
        assert!(!t.ends_with(' '));
        joined.push(t);
    }
    assert_eq!(joined.join(" "), text.trim_end());
}

#[test]
fn a_word_longer_than_a_line_is_cut_to_fit() {
    let fonts = Fonts::load().unwrap();
    let url = format!("voir https://example.org/{} puis", "a".repeat(300));
    let lines = wrap(&fonts, &body(&url), 150.0);
    assert!(lines.len() >= 4);
    assert!(lines.iter().all(|l| l.width <= 150.0 + 0.01));
    let all: String = lines
        .iter()
        .flat_map(|l| l.pieces.iter().map(|(_, t, _)| t.as_str()))
        .collect();
    assert_eq!(all.replace(' ', ""), url.replace(' ', ""));
}

#[test]
fn a_long_table_goes_on_over_pages_with_its_header_repeated() {
    let fonts = Fonts::load().unwrap();
    let maps = crate::notes::maps::NoteMaps::new();
    let mut flow = Flow::new(&fonts, &maps);
    let mut rows = vec![vec!["Financeur".to_string(), "Montant".to_string()]];
    for i in 0..80 {
        rows.push(vec![format!("Financeur n° {i}"), format!("{i} 000,00 €")]);
    }
    // One cell taller than a page: it is split between pages.
    rows.push(vec!["mot ".repeat(2_000), "1,00 €".into()]);
    rows.push(vec!["Dernier".into(), "2,00 €".into()]);
    flow.table(&rows);
    let pages = drawn(&flow.pages);
    assert!(pages.len() >= 4, "{} pages", pages.len());
    for page in &pages {
        assert!(
            page.contains(&"Financeur".to_string()),
            "header on every page"
        );
    }
    let all = pages.concat();
    for i in 0..80 {
        assert!(all.contains(&format!("Financeur n° {i}")));
    }
    assert!(all.iter().filter(|t| t.contains("mot")).count() > 40);
    assert!(all.contains(&"Dernier".to_string()));
    // Nothing is drawn below the bottom margin.
    for ops in &flow.pages {
        for op in ops {
            if let Op::SetTextCursor { pos } = op {
                assert!(pos.y.0 >= BOTTOM - 0.01, "text at {} pt", pos.y.0);
            }
        }
    }
}

#[test]
fn an_empty_section_says_so_and_a_heading_never_ends_a_page() {
    let mut s = crate::db::store::Store::open_in_memory().unwrap();
    crate::demo::populate(&mut s).unwrap();
    let mut note = s.note(s.list_notes().unwrap()[0].id).unwrap();
    for section in &mut note.sections {
        section.content = "Un paragraphe assez long pour occuper des lignes. ".repeat(9);
    }
    note.sections[2].content.clear();
    note.options.clear();
    let fonts = Fonts::load().unwrap();
    let pages = layout(&note, &fonts, &crate::notes::maps::NoteMaps::new());
    let texts = drawn(&pages);
    assert!(texts.concat().contains(&"Néant.".to_string()));
    for page in &texts {
        let last = page.last().unwrap();
        assert!(
            !last.chars().next().unwrap().is_ascii_digit() || !last.contains(". "),
            "a page ends on the heading « {last} »"
        );
    }
}
