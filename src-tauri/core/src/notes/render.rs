//! Decision notes as documents: Markdown and print-ready HTML (DOCX and PDF build on the same
//! ordered blocks). User text is Markdown restricted to paragraphs, bold, italics, lists and
//! tables; raw HTML in it is shown as text, never interpreted.

use crate::notes::{date_fr, DecisionNote, NoteOption};
use crate::shared::domain::NoteStatus;
use crate::shared::money::format_euros;
use pulldown_cmark::{Event, Options, Parser};

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

/// Markdown to HTML, with any raw HTML in the text shown as text.
pub fn markdown_to_html(text: &str) -> String {
    let parser = Parser::new_ext(text, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, parser);
    out
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

/// The note as a self-contained, print-ready HTML page, with the letterhead logo if any.
pub fn to_html(n: &DecisionNote, logo: Option<&crate::notes::export::Letterhead>) -> String {
    html_document(n, logo, true)
}

/// The HTML the PDF is laid out from: the body's name, the logo and the page numbers are
/// drawn on every page by the PDF writer instead.
pub(crate) fn html_for_pdf(n: &DecisionNote) -> String {
    html_document(n, None, false)
}

fn html_document(
    n: &DecisionNote,
    logo: Option<&crate::notes::export::Letterhead>,
    page_furniture: bool,
) -> String {
    use base64::Engine as _;
    let h = header_lines(n);
    let mut out =
        String::from("<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n");
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
    if page_furniture && !h.body.is_empty() {
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
            out.push_str(&markdown_to_html(&body));
        }
        out.push_str("</section>\n");
    }
    if page_furniture {
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
