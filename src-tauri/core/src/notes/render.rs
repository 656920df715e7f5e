//! Decision notes as documents: Markdown and print-ready HTML (DOCX and PDF build on the same
//! ordered blocks). User text is Markdown restricted to paragraphs, bold, italics, lists and
//! tables; raw HTML in it is shown as text, never interpreted. The HTML export runs no script
//! and fetches nothing: links only to the web or an address, pictures only embedded, and a
//! content security policy that says so.

use crate::notes::{date_fr, DecisionNote, NoteOption};
use crate::shared::domain::NoteStatus;
use crate::shared::money::format_euros;
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// The note's header lines, shared by every format.
pub struct HeaderLines {
    pub body: String,
    pub title: String,
    pub meta: Vec<(String, String)>,
}

pub fn header_lines(n: &DecisionNote) -> HeaderLines {
    let mut meta = vec![
        (
            "Destinataire".to_string(),
            n.addressee.label_fr().to_string(),
        ),
        (
            "Séance".to_string(),
            n.meeting_date
                .as_deref()
                .map(date_fr)
                .unwrap_or_else(|| "à fixer".into()),
        ),
        ("Objet".to_string(), n.subject.clone()),
    ];
    if !n.author.is_empty() {
        meta.push(("Rédigée par".into(), n.author.clone()));
    }
    meta.push((
        "Statut".into(),
        format!("{} — version {}", n.status.label_fr(), n.version),
    ));
    HeaderLines {
        body: n.body_name.clone(),
        title: "Note d'aide à la décision".into(),
        meta,
    }
}

/// The options as Markdown: each one, then a side-by-side comparison.
pub fn options_markdown(options: &[NoteOption]) -> String {
    if options.is_empty() {
        return String::new();
    }
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let cost = |o: &NoteOption| o.cost_cents.map(format_euros).unwrap_or_else(|| "—".into());
    let mut out = Vec::new();
    for (i, o) in options.iter().enumerate() {
        let mut block = vec![format!(
            "**Option {}\u{a0}: {}**{}",
            i + 1,
            o.title,
            if o.recommended { " (recommandée)" } else { "" }
        )];
        if !o.description.is_empty() {
            block.push(String::new());
            block.push(o.description.clone());
        }
        block.push(String::new());
        for (label, text) in [
            ("Avantages", o.pros.as_str()),
            ("Inconvénients", o.cons.as_str()),
            ("Risques", o.risks.as_str()),
        ] {
            if !text.is_empty() {
                block.push(format!("- *{label}*\u{a0}: {}", text.replace('\n', " ")));
            }
        }
        block.push(format!("- *Coût*\u{a0}: {}", cost(o)));
        out.push(block.join("\n"));
    }
    if options.len() > 1 {
        let mut t = vec![
            format!(
                "| | {} |",
                (1..=options.len())
                    .map(|i| format!("Option {i}"))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
            format!("|---|{}", "---|".repeat(options.len())),
        ];
        let row = |label: &str, f: &dyn Fn(&NoteOption) -> String| {
            format!(
                "| {label} | {} |",
                options
                    .iter()
                    .map(|o| cell(&f(o)))
                    .collect::<Vec<_>>()
                    .join(" | ")
            )
        };
        t.push(row("Intitulé", &|o| o.title.clone()));
        t.push(row("Coût", &|o| cost(o)));
        t.push(row("Avantages", &|o| o.pros.clone()));
        t.push(row("Inconvénients", &|o| o.cons.clone()));
        t.push(row("Risques", &|o| o.risks.clone()));
        t.push(row("Recommandée", &|o| {
            if o.recommended {
                "oui".into()
            } else {
                "".into()
            }
        }));
        out.push(format!("**Comparaison des options**\n\n{}", t.join("\n")));
    }
    out.join("\n\n")
}

/// The body of one section as Markdown (the options section adds the structured options).
pub fn section_markdown(n: &DecisionNote, i: usize) -> String {
    let s = &n.sections[i];
    let mut text = s.content.trim().to_string();
    if s.key == crate::shared::domain::SectionKey::Options {
        let opts = options_markdown(&n.options);
        if !opts.is_empty() {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&opts);
        }
    }
    text
}

/// The note as one Markdown document.
pub fn to_markdown(n: &DecisionNote) -> String {
    let h = header_lines(n);
    let mut out = String::new();
    if !h.body.is_empty() {
        out.push_str(&format!("**{}**\n\n", h.body));
    }
    out.push_str(&format!("# {}\n\n", h.title));
    for (k, v) in &h.meta {
        out.push_str(&format!("- **{k}**\u{a0}: {v}\n"));
    }
    for (i, s) in n.sections.iter().enumerate() {
        out.push_str(&format!("\n## {}. {}\n\n", i + 1, s.key.label_fr()));
        let body = section_markdown(n, i);
        out.push_str(if body.is_empty() { "*Néant.*" } else { &body });
        out.push('\n');
    }
    out
}

/// Text runs of a paragraph: (text, bold, italic).
pub type Runs = Vec<(String, bool, bool)>;

/// Each map a note asks for, by its address: drawn, or why not (`notes::maps`).
pub type NoteMaps =
    std::collections::HashMap<String, Result<crate::map::render::MapDrawing, String>>;

/// Whether a picture's address asks for the territory's map (`carte:…`, `notes::maps`).
pub fn is_map_address(url: &str) -> bool {
    url.get(..6)
        .is_some_and(|s| s.eq_ignore_ascii_case("carte:"))
}

/// Blocks read from a section's Markdown, in order: what the DOCX and the PDF lay out. Raw
/// HTML is kept as text; a heading typed in a section is a bold paragraph.
#[derive(Debug, PartialEq)]
pub enum Block {
    Paragraph(Runs),
    /// A list item: its nesting level (0 for the outer list) and its marker (« • », « 2. »).
    Item {
        level: usize,
        marker: String,
        runs: Runs,
    },
    /// Rows of cells, the first row being the header.
    Table(Vec<Vec<String>>),
    /// The territory's map, asked by a picture whose address is `carte:` (`notes::maps`),
    /// with its caption (the picture's text).
    Map {
        address: String,
        caption: String,
    },
}

/// What a list being read counts: `None` for bullets, the next number otherwise.
struct ListState {
    next: Option<u64>,
    marker: String,
}

impl ListState {
    /// The marker of the list's next item: « • », or its number.
    fn next_marker(&mut self) -> String {
        match self.next.as_mut() {
            Some(n) => {
                *n += 1;
                format!("{}.", *n - 1)
            }
            None => "•".into(),
        }
    }
}

/// Ends the paragraph being read: an item of the list being read, or a paragraph.
fn flush(runs: &mut Runs, out: &mut Vec<Block>, lists: &mut [ListState]) {
    if runs.is_empty() {
        return;
    }
    let runs = std::mem::take(runs);
    let level = lists.len().saturating_sub(1);
    match lists.last_mut() {
        // The first paragraph of an item carries its marker; what follows is indented.
        Some(l) => out.push(Block::Item {
            level,
            marker: std::mem::take(&mut l.marker),
            runs,
        }),
        None => out.push(Block::Paragraph(runs)),
    }
}

/// One event inside a map's picture: its caption's text, then the map at its end.
fn read_map(e: Event<'_>, map: &mut Option<(String, String)>, out: &mut Vec<Block>) {
    match e {
        Event::Text(t) | Event::Code(t) => {
            if let Some((_, caption)) = map.as_mut() {
                caption.push_str(&t);
            }
        }
        Event::End(TagEnd::Image) => {
            let (address, caption) = map.take().unwrap_or_default();
            out.push(Block::Map {
                address,
                caption: caption.trim().to_string(),
            });
        }
        _ => {}
    }
}

/// A table's structure: its start and end, its rows, the end of a cell (its text read).
fn read_table(
    e: &Event<'_>,
    table: &mut Option<Vec<Vec<String>>>,
    cell: &mut String,
    out: &mut Vec<Block>,
) {
    match e {
        Event::Start(Tag::Table(_)) => *table = Some(Vec::new()),
        Event::End(TagEnd::Table) => {
            if let Some(t) = table.take() {
                out.push(Block::Table(t));
            }
        }
        Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
            if let Some(t) = table.as_mut() {
                t.push(Vec::new());
            }
        }
        Event::End(TagEnd::TableCell) => {
            if let Some(row) = table.as_mut().and_then(|t| t.last_mut()) {
                row.push(std::mem::take(cell).trim().to_string());
            }
        }
        _ => {}
    }
}

pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let (mut bold, mut italic) = (0, 0);
    let mut runs: Runs = Vec::new();
    let mut lists: Vec<ListState> = Vec::new();
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut cell = String::new();
    // The map being read: its address and caption.
    let mut map: Option<(String, String)> = None;
    for e in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        if map.is_some() {
            read_map(e, &mut map, &mut out);
            continue;
        }
        match e {
            Event::Start(Tag::Image { dest_url, .. })
                if table.is_none() && is_map_address(&dest_url) =>
            {
                flush(&mut runs, &mut out, &mut lists);
                map = Some((dest_url.to_string(), String::new()));
            }
            Event::Start(Tag::Strong) | Event::Start(Tag::Heading { .. }) => bold += 1,
            Event::End(TagEnd::Strong) => bold -= 1,
            Event::End(TagEnd::Heading(_)) => {
                bold -= 1;
                flush(&mut runs, &mut out, &mut lists);
            }
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic -= 1,
            Event::Start(Tag::List(first)) => {
                flush(&mut runs, &mut out, &mut lists);
                lists.push(ListState {
                    next: first,
                    marker: String::new(),
                });
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut runs, &mut out, &mut lists);
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut runs, &mut out, &mut lists);
                if let Some(l) = lists.last_mut() {
                    l.marker = l.next_marker();
                }
            }
            Event::End(TagEnd::Item)
            | Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::CodeBlock) => flush(&mut runs, &mut out, &mut lists),
            Event::Start(Tag::Table(_))
            | Event::End(TagEnd::Table)
            | Event::Start(Tag::TableHead)
            | Event::Start(Tag::TableRow)
            | Event::End(TagEnd::TableCell) => read_table(&e, &mut table, &mut cell, &mut out),
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                if table.is_some() {
                    cell.push_str(&t);
                } else {
                    runs.push((t.to_string(), bold > 0, italic > 0));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if table.is_some() {
                    cell.push(' ');
                } else {
                    runs.push((" ".into(), false, false));
                }
            }
            _ => {}
        }
    }
    flush(&mut runs, &mut out, &mut lists);
    out
}

/// Markdown to HTML, with any raw HTML in the text shown as text. Only links to the web
/// (`http`, `https`) and to an address (`mailto`) are links, and only embedded pictures
/// (`data:`) are pictures: anything else (`javascript:`, a file, a remote picture that would
/// tell its server the note was opened) is shown as its text.
pub fn markdown_to_html(text: &str) -> String {
    markdown_to_html_with(text, &NoteMaps::new())
}

/// [`markdown_to_html`], the maps the text asks for drawn in place as inline SVG under their
/// caption (or the sentence saying why not).
pub fn markdown_to_html_with(text: &str, maps: &NoteMaps) -> String {
    // Whether each link or picture opened is kept, to drop its end with it (they nest).
    let mut kept: Vec<bool> = Vec::new();
    // Inside a map's picture: its address and its caption read so far; drawn at its end.
    let mut map: Option<(String, String)> = None;
    let parser = Parser::new_ext(text, Options::ENABLE_TABLES).filter_map(|e| {
        if let Some((address, caption)) = map.as_mut() {
            return match e {
                Event::Text(t) | Event::Code(t) => {
                    caption.push_str(&t);
                    None
                }
                Event::End(TagEnd::Image) => {
                    let html = map_html(maps.get(address.as_str()), caption.trim());
                    map = None;
                    Some(Event::Html(html.into()))
                }
                _ => None,
            };
        }
        if let Event::Start(Tag::Image { dest_url, .. }) = &e {
            if is_map_address(dest_url) {
                map = Some((dest_url.to_string(), String::new()));
                return None;
            }
        }
        let keep = match &e {
            Event::Html(s) | Event::InlineHtml(s) => return Some(Event::Text(s.clone())),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                // An address typed as `<nom@exemple.fr>`: written with `mailto:` before it.
                kept.push(*link_type == LinkType::Email || is_web_link(dest_url));
                kept.last() == Some(&true)
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                kept.push(is_embedded(dest_url));
                kept.last() == Some(&true)
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => kept.pop().unwrap_or(false),
            _ => true,
        };
        keep.then_some(e)
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, parser);
    out
}

/// The scheme of a URL as written (before the first `:`), when it has one made of letters.
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    (!scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphabetic())).then_some(scheme)
}

/// `http:`, `https:` or `mailto:` (any case), with nothing before it: a browser reads it the
/// same way (`java\tscript:`, ` javascript:` or a relative link are not).
fn is_web_link(url: &str) -> bool {
    scheme(url).is_some_and(|s| {
        ["http", "https", "mailto"]
            .iter()
            .any(|ok| s.eq_ignore_ascii_case(ok))
    })
}

/// A picture held in the note itself (`data:`), which loads nothing from anywhere.
fn is_embedded(url: &str) -> bool {
    scheme(url).is_some_and(|s| s.eq_ignore_ascii_case("data"))
}

/// A map drawn for the HTML export: its title, then the SVG; or why it is not drawn.
fn map_html(
    drawn: Option<&Result<crate::map::render::MapDrawing, String>>,
    caption: &str,
) -> String {
    match drawn {
        Some(Ok(d)) => {
            let title = if caption.is_empty() {
                &d.title
            } else {
                caption
            };
            format!(
                "<strong class=\"map-caption\">{}</strong><br>{}",
                escape(title),
                crate::map::render::svg(d)
            )
        }
        Some(Err(why)) => format!("<em>{}</em>", escape(why)),
        None => "<em>Carte non dessinée.</em>".into(),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The print stylesheet of the HTML export (A4, French typography).
pub const PRINT_CSS: &str = r#"
@page { size: A4; margin: 22mm 20mm 20mm 20mm; }
body { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.45; color: #1d2626; max-width: 170mm; margin: 0 auto; }
header.note-head { border-bottom: 2px solid #0e5e52; padding-bottom: 8pt; margin-bottom: 14pt; }
.body-name { font-family: "DejaVu Sans", sans-serif; font-weight: bold; color: #0e5e52; text-transform: uppercase; letter-spacing: .04em; font-size: 10pt; }
h1 { font-family: "DejaVu Sans", sans-serif; font-size: 18pt; margin: 4pt 0 8pt; }
img.logo { display: block; margin-bottom: 6pt; }
table.meta { width: auto; table-layout: auto; border: none; margin: 0; font-size: 10pt; break-inside: auto; }
table.meta th { width: 30mm; }
table.meta th, table.meta td { border: none; background: none; padding: 1pt 14pt 1pt 0; }
h2 { font-family: "DejaVu Sans", sans-serif; font-size: 13pt; color: #0e5e52; margin: 16pt 0 6pt; break-after: avoid; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 6pt 0; font-size: 9.5pt; break-inside: avoid; }
th, td { border: 1px solid #b9b3a7; padding: 3pt 5pt; text-align: left; vertical-align: top; }
th { background: #e3efec; }
em, i { font-style: italic; } strong, b { font-weight: bold; }
section { break-inside: avoid; }
.empty { color: #505a59; font-style: italic; }
footer { margin-top: 20pt; border-top: 1px solid #b9b3a7; font-size: 8.5pt; color: #505a59; padding-top: 4pt; }
"#;

/// The content security policy of the HTML export: no script, nothing fetched from anywhere;
/// only the page's own styles (its `<style>` and the logo's size) and embedded pictures (the
/// logo, `data:` pictures of the text).
pub const HTML_CSP: &str =
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// The note as a self-contained, print-ready HTML page, with the letterhead logo if any (and
/// no map drawn).
pub fn to_html(n: &DecisionNote, logo: Option<&crate::notes::letterhead::Letterhead>) -> String {
    to_html_with(n, logo, &NoteMaps::new())
}

/// [`to_html`] with the maps the note asks for.
pub fn to_html_with(
    n: &DecisionNote,
    logo: Option<&crate::notes::letterhead::Letterhead>,
    maps: &NoteMaps,
) -> String {
    use base64::Engine as _;
    let h = header_lines(n);
    let mut out = format!(
        "<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{HTML_CSP}\">\n"
    );
    out.push_str(&format!(
        "<title>{}</title>\n<style>{PRINT_CSS}</style>\n</head>\n<body>\n",
        escape(&n.subject)
    ));
    out.push_str("<header class=\"note-head\">\n");
    if let Some(logo) = logo {
        let (w, h) = logo.fit_mm(45.0, 16.0);
        out.push_str(&format!(
            "<img class=\"logo\" src=\"data:image/png;base64,{}\" alt=\"\" style=\"width:{w:.1}mm;height:{h:.1}mm\">\n",
            base64::engine::general_purpose::STANDARD.encode(&logo.png)
        ));
    }
    if !h.body.is_empty() {
        out.push_str(&format!(
            "<div class=\"body-name\">{}</div>\n",
            escape(&h.body)
        ));
    }
    out.push_str(&format!(
        "<h1>{}</h1>\n<table class=\"meta\">\n",
        escape(&h.title)
    ));
    for (k, v) in &h.meta {
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n",
            escape(k),
            escape(v)
        ));
    }
    out.push_str("</table>\n</header>\n");
    for (i, s) in n.sections.iter().enumerate() {
        out.push_str(&format!(
            "<section>\n<h2>{}. {}</h2>\n",
            i + 1,
            escape(s.key.label_fr())
        ));
        let body = section_markdown(n, i);
        if body.is_empty() {
            out.push_str("<p class=\"empty\">Néant.</p>\n");
        } else {
            out.push_str(&markdown_to_html_with(&body, maps));
        }
        out.push_str("</section>\n");
    }
    {
        let frozen = matches!(n.status, NoteStatus::Validated | NoteStatus::Presented);
        out.push_str(&format!(
            "<footer>{} — {} — version {}{}</footer>\n",
            escape(&h.body),
            escape(&n.subject),
            n.version,
            if frozen { " (validée)" } else { "" }
        ));
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::{blocks, Block};

    fn text(b: &Block) -> String {
        match b {
            Block::Paragraph(r) | Block::Item { runs: r, .. } => {
                r.iter().map(|(t, _, _)| t.as_str()).collect()
            }
            Block::Table(rows) => format!("{rows:?}"),
            Block::Map { address, caption } => format!("{caption} <{address}>"),
        }
    }

    #[test]
    fn blocks_keep_list_numbers_nesting_headings_and_raw_html_as_text() {
        let md = "# Titre tapé\n\nUn **gras** et *italique*.\n\n3. trois\n4. quatre\n   - sous-point\n\n- puce\n\n<b>pas du HTML</b>\n";
        let b = blocks(md);
        let items: Vec<(usize, &str, String)> = b
            .iter()
            .filter_map(|x| match x {
                Block::Item { level, marker, .. } => Some((*level, marker.as_str(), text(x))),
                _ => None,
            })
            .collect();
        assert_eq!(
            items,
            vec![
                (0, "3.", "trois".to_string()),
                (0, "4.", "quatre".to_string()),
                (1, "•", "sous-point".to_string()),
                (0, "•", "puce".to_string()),
            ]
        );
        // The heading is its own bold paragraph, not glued to the next one.
        assert_eq!(
            b[0],
            Block::Paragraph(vec![("Titre tapé".into(), true, false)])
        );
        assert_eq!(
            b[1],
            Block::Paragraph(vec![
                ("Un ".into(), false, false),
                ("gras".into(), true, false),
                (" et ".into(), false, false),
                ("italique".into(), false, true),
                (".".into(), false, false),
            ])
        );
        assert!(text(b.last().unwrap()).contains("<b>pas du HTML</b>"));
    }

    /// A note's text may come from anyone (a colleague's workspace, an import): its HTML export
    /// opened in a browser runs no script and fetches nothing. Links other than http, https
    /// and mailto, and pictures that are not embedded, are shown as their text; a CSP forbids
    /// scripts and remote content.
    #[test]
    fn the_html_export_has_no_script_link_nor_remote_picture_and_a_restrictive_csp() {
        use crate::db::store::Store;
        use crate::notes::{NoteInput, SectionInput};
        let mut s = Store::open_in_memory().unwrap();
        crate::demo::populate(&mut s).unwrap();
        let text = [
            "[x](javascript:alert(1)) and [y]( JAVASCRIPT:alert(2) ) and [z](JaVaScRiPt&#58;alert(3))",
            "[t](<java\tscript:alert(4)>) [u](java&#9;script:alert(5)) [e](&#106;avascript:alert(6))",
            "[v](vbscript:msgbox(7)) [d](data:text/html;base64,PHNjcmlwdD4=) [f](file:///etc/passwd)",
            "[r][ref] and <javascript:alert(8)> and [w](relative.html)\n\n[ref]: javascript:alert(9)",
            "![i](https://example.org/a.png) ![j](//example.org/b.png) ![k](HTTP://example.org/c.png)",
            "[![l](https://example.org/d.png)](https://example.org/page)",
            "<img src=\"https://example.org/e.png\"> <img src=x onerror=alert(10)>",
            "<a href=\"javascript:alert(11)\">a</a> <script>alert(12)</script>",
            "[site](https://example.org/ok) [Mail](MAILTO:contact@example.org) [web](http://example.org/) <nom@example.org>",
            "![pixel](data:image/png;base64,iVBORw0KGgo=)",
        ]
        .join("\n\n");
        let note = s
            .create_note(&NoteInput {
                subject: "Liens".into(),
                body_name: "PETR".into(),
                addressee: "bureau".into(),
                meeting_date: None,
                author: String::new(),
                records: vec![],
                sections: vec![SectionInput {
                    key: "objet".into(),
                    content: text,
                }],
                options: vec![],
            })
            .unwrap();
        let html = super::to_html(&note, None);
        // Text is escaped (`&lt;`): every `<` opens a tag.
        let tags: Vec<String> = html
            .to_lowercase()
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or("").to_string())
            .collect();
        let attr = |name: &str| -> Vec<String> {
            tags.iter()
                .filter_map(|t| t.split(&format!(" {name}=\"")).nth(1))
                .map(|v| v.split('"').next().unwrap_or("").to_string())
                .collect()
        };
        assert_eq!(
            attr("href"),
            vec![
                "https://example.org/page",
                "https://example.org/ok",
                "mailto:contact@example.org",
                "http://example.org/",
                "mailto:nom@example.org"
            ],
            "only http, https and mailto links: {html}"
        );
        assert_eq!(
            attr("src"),
            vec!["data:image/png;base64,ivborw0kggo="],
            "only embedded pictures: {html}"
        );
        for tag in &tags {
            for bad in [
                "javascript",
                "vbscript",
                "file:",
                "data:text",
                "onerror",
                "script",
            ] {
                assert!(!tag.contains(bad), "<{tag}>: {html}");
            }
        }
        // What was left out is shown as its text.
        for text in [
            "<p>x and y and z</p>",
            "<p>i j k</p>",
            "<a href=\"https://example.org/page\">l</a>",
            "<p>r and javascript:alert(8) and w</p>",
            "&lt;img src=\"https://example.org/e.png\"&gt;",
            "&lt;script&gt;alert(12)&lt;/script&gt;",
        ] {
            assert!(html.contains(text), "{text}: {html}");
        }
        let csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">";
        let (at, style) = (html.find(csp), html.find("<style>"));
        assert!(at.is_some() && at < style, "the policy comes first: {html}");
    }

    #[test]
    fn tables_are_rows_of_plain_cells() {
        let b = blocks("| A | B |\n|---|---|\n| **1** | 2 € |\n");
        assert_eq!(
            b,
            vec![Block::Table(vec![
                vec!["A".into(), "B".into()],
                vec!["1".into(), "2 €".into()],
            ])]
        );
    }
}
