//! The map drawn outside the window (issue 27): laid out once as a [`MapDrawing`] (the
//! communes' rings in points, their fills, the legend, the title and the source line), then
//! written as SVG (`catalyse map render`, the window's export, a note's HTML), rasterised to
//! PNG by `resvg` with the embedded DejaVu Sans (a note's DOCX, the PNG export), or drawn as
//! vector paths by the notes' PDF.

use crate::db::store::Store;
use crate::map::values::{MapMeasure, MapQuery, MapValues, SHAPE_PAGE_MAX};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::money::group_digits;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// Fills of the classes: « none », then five blues (ColorBrewer « Blues »), as the window's.
pub const CLASS_FILLS: [&str; 6] = [
    "#f3f1ec", "#dbe7f3", "#a9c9e3", "#6aa3d0", "#2f73b3", "#0b4a8b",
];
/// The outline and hatching of a commune never met.
pub const NEVER_MET: &str = "#b3261e";
/// The communes' outlines.
pub const OUTLINE: &str = "#6d6a64";

/// How a map is drawn: its width in points, the communes to outline in black (a note's
/// subject), and a title (otherwise the measure's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderOptions {
    pub width: f64,
    pub highlight: Vec<String>,
    pub title: Option<String>,
}

/// A commune laid out: its rings in points (y downwards), its fill, whether nobody has met it
/// and whether it is highlighted.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnCommune {
    pub insee: String,
    pub name: String,
    pub rings: Vec<Vec<(f64, f64)>>,
    pub fill: &'static str,
    pub never_met: bool,
    pub highlighted: bool,
    pub value: String,
}

/// A line of the legend: its swatch's fill (hatched for the communes never met) and text.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendLine {
    pub fill: &'static str,
    pub hatched: bool,
    pub text: String,
}

/// A map laid out, in points, ready to be written in any format.
#[derive(Debug, Clone, PartialEq)]
pub struct MapDrawing {
    pub width: f64,
    pub height: f64,
    pub title: String,
    /// Where the map area lies (left, top, width, height).
    pub frame: (f64, f64, f64, f64),
    pub communes: Vec<DrawnCommune>,
    /// The legend's left and top, and its lines.
    pub legend_at: (f64, f64),
    pub legend: Vec<LegendLine>,
    pub source: String,
}

/// Height of a legend line, of the title and of the source line, in points.
const LINE: f64 = 16.0;
const TITLE: f64 = 26.0;
const SOURCE: f64 = 22.0;
/// The white margin around an SVG or PNG map, in points.
const MARGIN: f64 = 10.0;

/// A value as the legend says it (French digits).
pub fn format_value(measure: MapMeasure, v: f64) -> String {
    match measure {
        MapMeasure::Hours => format!("{:.1}", v).replace('.', ","),
        MapMeasure::Funding => format!("{} €", group_digits(v.round().max(0.0) as u64)),
        MapMeasure::NeverMet if v > 0.0 => "jamais rencontrée".into(),
        MapMeasure::NeverMet => "rencontrée".into(),
        _ => group_digits(v.round().max(0.0) as u64),
    }
}

fn communes_text(n: u32) -> String {
    if n == 1 {
        "1 commune".into()
    } else {
        format!("{} communes", group_digits(u64::from(n)))
    }
}

/// The legend's lines for a measure's values.
fn legend(values: &MapValues) -> Vec<LegendLine> {
    let m = values.query.measure;
    let mut out = Vec::new();
    if m != MapMeasure::NeverMet {
        for (i, c) in values.classes.iter().enumerate() {
            let text = if c.from == c.to {
                format!(
                    "{} · {}",
                    format_value(m, c.from),
                    communes_text(c.communes)
                )
            } else {
                format!(
                    "de {} à {} · {}",
                    format_value(m, c.from),
                    format_value(m, c.to),
                    communes_text(c.communes)
                )
            };
            out.push(LegendLine {
                fill: CLASS_FILLS[(i + 1).min(5)],
                hatched: false,
                text,
            });
        }
        let none = values.values.iter().filter(|v| v.class == 0).count() as u32;
        out.push(LegendLine {
            fill: CLASS_FILLS[0],
            hatched: false,
            text: format!("aucun · {}", communes_text(none)),
        });
    }
    out.push(LegendLine {
        fill: NEVER_MET,
        hatched: true,
        text: format!("jamais rencontrées · {}", communes_text(values.never_met)),
    });
    out
}

impl Store {
    /// The map of a measure laid out at `opts.width` points; an error when no commune of the
    /// territory has a contour.
    pub fn map_drawing(&self, query: &MapQuery, opts: &RenderOptions) -> CoreResult<MapDrawing> {
        let frame = self.map_frame()?;
        if frame.with_contour == 0 {
            return Err(CoreError::validation(
                "map",
                "map.no_contours",
                "Aucune commune du territoire n'a de contour : importez-les d'abord (catalyse map import-contours).",
            ));
        }
        let values = self.map_values(query)?;
        let by: HashMap<&str, (f64, u8)> = values
            .values
            .iter()
            .map(|v| (v.insee.as_str(), (v.value, v.class)))
            .collect();
        let width = if opts.width > 0.0 { opts.width } else { 720.0 };
        let legend = legend(&values);
        let legend_w = (width * 0.34).clamp(170.0, 280.0);
        let map_w = width - legend_w - 12.0;
        let [x0, y0, x1, y1] = frame.bounds.map(f64::from);
        let (dx, dy) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
        let map_h = (map_w * dy / dx).clamp(map_w * 0.35, map_w * 1.4);
        let scale = (map_w / dx).min(map_h / dy);
        let (ox, oy) = (
            (map_w - dx * scale) / 2.0,
            TITLE + (map_h - dy * scale) / 2.0,
        );
        let place = Place {
            ox,
            oy,
            x0,
            y1,
            scale,
        };
        let communes = self.drawn_communes(query.measure, &by, &opts.highlight, &place)?;
        let height = TITLE + map_h.max(legend.len() as f64 * LINE + LINE) + SOURCE;
        Ok(MapDrawing {
            width,
            height,
            title: opts
                .title
                .clone()
                .unwrap_or_else(|| self.map_title(query).unwrap_or_default()),
            frame: (0.0, TITLE, map_w, map_h),
            communes,
            legend_at: (map_w + 12.0, TITLE),
            legend,
            source: self.map_source()?,
        })
    }

    /// « Acteurs par commune — Vallée du Verdanson » and the period, if any.
    fn map_title(&self, query: &MapQuery) -> CoreResult<String> {
        let territory: String = self
            .conn
            .query_row("SELECT name FROM territory WHERE id = 1", [], |r| r.get(0))
            .unwrap_or_default();
        let mut title = match query.measure {
            MapMeasure::NeverMet => format!("Communes jamais rencontrées — {territory}"),
            m => format!("{} par commune — {territory}", m.label_fr()),
        };
        if let (Some(world), MapMeasure::Actors) = (query.world, query.measure) {
            let _ = write!(title, " ({})", world.label_fr());
        }
        let from = query.from.as_deref().filter(|d| !d.is_empty());
        let to = query.to.as_deref().filter(|d| !d.is_empty());
        match (from, to) {
            (Some(f), Some(t)) => {
                let _ = write!(title, ", du {f} au {t}");
            }
            (Some(f), None) => {
                let _ = write!(title, ", depuis le {f}");
            }
            (None, Some(t)) => {
                let _ = write!(title, ", jusqu'au {t}");
            }
            (None, None) => {}
        }
        Ok(title)
    }

    /// The source line: the list of communes, the contours' files, the day.
    fn map_source(&self) -> CoreResult<String> {
        let sources: Vec<String> = self
            .conn
            .prepare("SELECT DISTINCT source FROM commune_contour ORDER BY source")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(format!(
            "Sources : INSEE, code officiel géographique ; contours : {} ; carte Catalyse du {}.",
            sources.join(", "),
            chrono::Local::now().date_naive()
        ))
    }
}

/// Where the map's metres land in points: the offsets, the west and north bounds, the scale.
struct Place {
    ox: f64,
    oy: f64,
    x0: f64,
    y1: f64,
    scale: f64,
}

impl Store {
    /// Every commune with a contour, laid out, with its fill and marks.
    fn drawn_communes(
        &self,
        measure: MapMeasure,
        by: &HashMap<&str, (f64, u8)>,
        highlight: &[String],
        at: &Place,
    ) -> CoreResult<Vec<DrawnCommune>> {
        let never: HashSet<String> = self.never_met_codes()?;
        let highlight: HashSet<&str> = highlight.iter().map(String::as_str).collect();
        let mut communes = Vec::new();
        let mut offset = 0;
        loop {
            let page = self.map_shapes(offset, SHAPE_PAGE_MAX)?;
            offset += SHAPE_PAGE_MAX;
            let last = page.len() < SHAPE_PAGE_MAX as usize;
            for s in page {
                let (value, class) = by.get(s.insee.as_str()).copied().unwrap_or((0.0, 0));
                let rings = s
                    .polygons
                    .iter()
                    .flatten()
                    .map(|r| {
                        r.chunks_exact(2)
                            .map(|p| {
                                (
                                    at.ox + (f64::from(p[0]) - at.x0) * at.scale,
                                    at.oy + (at.y1 - f64::from(p[1])) * at.scale,
                                )
                            })
                            .collect()
                    })
                    .collect();
                communes.push(DrawnCommune {
                    fill: CLASS_FILLS[usize::from(class).min(5)],
                    never_met: never.contains(&s.insee),
                    highlighted: highlight.contains(s.insee.as_str()),
                    value: format_value(measure, value),
                    name: s.name,
                    insee: s.insee,
                    rings,
                });
            }
            if last {
                return Ok(communes);
            }
        }
    }
}

impl Store {
    /// Writes the map of `query` into `path`, as PNG (two pixels per point) when `png`, as SVG
    /// otherwise; returns the communes drawn.
    pub fn write_map(
        &self,
        query: &MapQuery,
        opts: &RenderOptions,
        path: &std::path::Path,
        png: bool,
    ) -> CoreResult<usize> {
        let d = self.map_drawing(query, opts)?;
        let bytes = if png {
            self::png(&d, 2.0)?
        } else {
            svg(&d).into_bytes()
        };
        crate::shared::files::write_whole(path, &bytes)?;
        Ok(d.communes.len())
    }
}

/// Text safe inside XML.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// The size of the SVG and PNG pictures, in points: the drawing and its white margin.
pub fn outer_size(d: &MapDrawing) -> (f64, f64) {
    (d.width + 2.0 * MARGIN, d.height + 2.0 * MARGIN)
}

/// A commune's outline as SVG path data.
fn path_data(rings: &[Vec<(f64, f64)>]) -> String {
    let mut d = String::new();
    for ring in rings {
        for (i, (x, y)) in ring.iter().enumerate() {
            let _ = write!(d, "{}{:.1} {:.1}", if i == 0 { "M" } else { "L" }, x, y);
        }
        d.push('Z');
    }
    d
}

/// The map as an SVG document (text in DejaVu Sans, each commune titled with its value).
pub fn svg(d: &MapDrawing) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="-{m} -{m} {w:.1} {h:.1}" font-family="DejaVu Sans, sans-serif">"##,
        w = outer_size(d).0,
        h = outer_size(d).1,
        m = MARGIN
    );
    let _ = write!(
        s,
        r##"<title>{}</title><defs><pattern id="never-met" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="{NEVER_MET}" stroke-width="1.6"/></pattern></defs><rect x="-{MARGIN}" y="-{MARGIN}" width="100%" height="100%" fill="#ffffff"/>"##,
        xml(&d.title)
    );
    let _ = write!(
        s,
        r##"<text x="0" y="17" font-size="14" font-weight="bold" fill="#1f2624">{}</text>"##,
        xml(&d.title)
    );
    s.push_str(r##"<g stroke-linejoin="round">"##);
    for c in &d.communes {
        let data = path_data(&c.rings);
        let _ = write!(
            s,
            r##"<path d="{data}" fill="{}" fill-rule="evenodd" stroke="{OUTLINE}" stroke-width="0.6"><title>{} · {}</title></path>"##,
            c.fill,
            xml(&c.name),
            xml(&c.value)
        );
        if c.never_met {
            let _ = write!(
                s,
                r##"<path d="{data}" fill="url(#never-met)" fill-rule="evenodd" stroke="{NEVER_MET}" stroke-width="1.5"/>"##
            );
        }
    }
    for c in d.communes.iter().filter(|c| c.highlighted) {
        let _ = write!(
            s,
            r##"<path d="{}" fill="none" stroke="#111111" stroke-width="2.4"/>"##,
            path_data(&c.rings)
        );
    }
    s.push_str("</g>");
    let (lx, ly) = d.legend_at;
    for (i, line) in d.legend.iter().enumerate() {
        let y = ly + i as f64 * LINE;
        let fill = if line.hatched {
            "url(#never-met)"
        } else {
            line.fill
        };
        let stroke = if line.hatched { NEVER_MET } else { OUTLINE };
        let _ = write!(
            s,
            r##"<rect x="{lx:.1}" y="{:.1}" width="16" height="11" fill="{fill}" stroke="{stroke}"/><text x="{:.1}" y="{:.1}" font-size="10" fill="#1f2624">{}</text>"##,
            y + 2.0,
            lx + 22.0,
            y + 11.0,
            xml(&line.text)
        );
    }
    let _ = write!(
        s,
        r##"<text x="0" y="{:.1}" font-size="8.5" fill="#505a59">{}</text></svg>"##,
        d.height - 7.0,
        xml(&d.source)
    );
    s
}

/// The map as a PNG image, `scale` pixels per point, its text in the embedded DejaVu Sans.
pub fn png(d: &MapDrawing, scale: f32) -> CoreResult<Vec<u8>> {
    use resvg::{tiny_skia, usvg};
    let fail = |what: &str| CoreError::Internal {
        detail: format!("image de la carte impossible : {what}"),
    };
    let mut options = usvg::Options::default();
    let sans = &crate::shared::fonts::faces()?[crate::shared::fonts::SANS];
    let bold = &crate::shared::fonts::faces()?[crate::shared::fonts::SANS + 1];
    options.fontdb_mut().load_font_data(sans.clone());
    options.fontdb_mut().load_font_data(bold.clone());
    options.font_family = "DejaVu Sans".into();
    let tree = usvg::Tree::from_str(&svg(d), &options).map_err(|e| fail(&e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| fail("taille"))?;
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| fail("taille"))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| fail(&e.to_string()))
}
