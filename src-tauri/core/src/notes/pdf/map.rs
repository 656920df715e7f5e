//! The territory's map in a note's PDF, as vector paths (issue 27): each commune filled by its
//! class and outlined, the communes never met hatched (lines clipped to their outline) and
//! outlined in red, the note's subject outlined in black; the legend, the caption and the
//! source line set in DejaVu Sans. A map that could not be drawn leaves a sentence instead.

use super::fonts::{Face, Style};
use super::{color, hex, Flow, Rgb3, BODY, BODY_LEADING, GREY, INK, LEFT, WIDTH};
use crate::map::render::{DrawnCommune, MapDrawing, NEVER_MET, OUTLINE};
use printpdf::{LinePoint, Op, PaintMode, Point, Polygon, PolygonRing, Pt, Rect, WindingOrder};

/// A `#rrggbb` colour.
fn rgb(hex_text: &str) -> Rgb3 {
    hex(u32::from_str_radix(hex_text.trim_start_matches('#'), 16).unwrap_or(0))
}

/// A commune's outline in page points: `(x0, top)` is where the drawing's origin lands.
fn polygon(c: &DrawnCommune, x0: f32, top: f32, k: f32, mode: PaintMode) -> Polygon {
    Polygon {
        rings: c
            .rings
            .iter()
            .map(|r| PolygonRing {
                points: r
                    .iter()
                    .map(|&(x, y)| LinePoint {
                        p: Point {
                            x: Pt(x0 + x as f32 * k),
                            y: Pt(top - y as f32 * k),
                        },
                        bezier: false,
                    })
                    .collect(),
            })
            .collect(),
        mode,
        winding_order: WindingOrder::EvenOdd,
    }
}

/// Diagonal lines every 3.5 points across a box (left, bottom, right, top), to be clipped.
fn hatching(b: (f32, f32, f32, f32)) -> Vec<Op> {
    let (l, bo, r, t) = b;
    let mut ops = vec![
        Op::SetOutlineColor {
            col: color(rgb(NEVER_MET)),
        },
        Op::SetOutlineThickness { pt: Pt(0.7) },
    ];
    let span = (r - l) + (t - bo);
    let mut d = 0.0;
    while d <= span {
        ops.push(Op::DrawLine {
            line: printpdf::Line {
                points: vec![
                    LinePoint {
                        p: Point {
                            x: Pt(l + d),
                            y: Pt(bo),
                        },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point {
                            x: Pt(l + d - (t - bo)),
                            y: Pt(t),
                        },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
        d += 3.5;
    }
    ops
}

/// A commune's box in page points.
fn bounds(c: &DrawnCommune, x0: f32, top: f32, k: f32) -> (f32, f32, f32, f32) {
    let mut b = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in c.rings.iter().flatten() {
        let (px, py) = (x0 + x as f32 * k, top - y as f32 * k);
        b = (b.0.min(px), b.1.min(py), b.2.max(px), b.3.max(py));
    }
    b
}

impl Flow<'_> {
    /// The map a note asks for at `address`, with its caption, or why it is not drawn.
    pub(super) fn map(&mut self, address: &str, caption: &str) {
        let maps = self.maps;
        match maps.get(address) {
            Some(Ok(d)) => self.drawing(d, caption),
            Some(Err(why)) => self.note_line(why),
            None => self.note_line("Carte non dessinée."),
        }
    }

    fn note_line(&mut self, text: &str) {
        let style = Style::new(Face::SerifItalic, BODY, GREY);
        self.paragraph(&[(text.to_string(), style)], LEFT, WIDTH, 1);
        self.y -= 6.0;
    }

    fn drawing(&mut self, d: &MapDrawing, caption: &str) {
        let k = WIDTH / d.width as f32;
        let height = d.height as f32 * k;
        let caption_style = Style::new(Face::SansBold, 9.5, INK);
        self.ensure(height + 2.0 * BODY * BODY_LEADING);
        self.gap(4.0);
        let top = self.y;
        let fonts = self.fonts;
        let mut ops = vec![Op::SaveGraphicsState];
        // The drawing's own title line is the caption here (the note's words when given).
        let title = if caption.is_empty() {
            &d.title
        } else {
            caption
        };
        ops.extend(fonts.text(
            &fonts.fit(title, caption_style, WIDTH),
            caption_style,
            LEFT,
            top - 11.0,
        ));
        for c in &d.communes {
            ops.push(Op::SetFillColor {
                col: color(rgb(c.fill)),
            });
            ops.push(Op::SetOutlineColor {
                col: color(rgb(OUTLINE)),
            });
            ops.push(Op::SetOutlineThickness { pt: Pt(0.4) });
            ops.push(Op::DrawPolygon {
                polygon: polygon(c, LEFT, top, k, PaintMode::FillStroke),
            });
        }
        for c in d.communes.iter().filter(|c| c.never_met) {
            ops.push(Op::SaveGraphicsState);
            ops.push(Op::DrawPolygon {
                polygon: polygon(c, LEFT, top, k, PaintMode::Clip),
            });
            ops.extend(hatching(bounds(c, LEFT, top, k)));
            ops.push(Op::RestoreGraphicsState);
            ops.push(Op::SetOutlineColor {
                col: color(rgb(NEVER_MET)),
            });
            ops.push(Op::SetOutlineThickness { pt: Pt(1.1) });
            ops.push(Op::DrawPolygon {
                polygon: polygon(c, LEFT, top, k, PaintMode::Stroke),
            });
        }
        for c in d.communes.iter().filter(|c| c.highlighted) {
            ops.push(Op::SetOutlineColor {
                col: color(hex(0x111111)),
            });
            ops.push(Op::SetOutlineThickness { pt: Pt(1.8) });
            ops.push(Op::DrawPolygon {
                polygon: polygon(c, LEFT, top, k, PaintMode::Stroke),
            });
        }
        ops.extend(self.legend_ops(d, top, k));
        let source = Style::new(Face::Sans, 7.0, GREY);
        ops.extend(fonts.text(
            &fonts.fit(&d.source, source, WIDTH),
            source,
            LEFT,
            top - height + 5.0,
        ));
        ops.push(Op::RestoreGraphicsState);
        self.ops().extend(ops);
        self.y -= height + 8.0;
    }

    /// The legend's swatches and lines, beside the map.
    fn legend_ops(&self, d: &MapDrawing, top: f32, k: f32) -> Vec<Op> {
        let text = Style::new(Face::Sans, 8.0, INK);
        let (lx, ly) = (
            LEFT + d.legend_at.0 as f32 * k,
            top - d.legend_at.1 as f32 * k,
        );
        let mut ops = Vec::new();
        for (i, line) in d.legend.iter().enumerate() {
            let y = ly - i as f32 * 14.0;
            let swatch = |mode| Rect {
                x: Pt(lx),
                y: Pt(y - 10.0),
                width: Pt(14.0),
                height: Pt(9.0),
                mode: Some(mode),
                winding_order: None,
            };
            if line.hatched {
                ops.push(Op::SaveGraphicsState);
                ops.push(Op::DrawRectangle {
                    rectangle: swatch(PaintMode::Clip),
                });
                ops.extend(hatching((lx, y - 10.0, lx + 14.0, y - 1.0)));
                ops.push(Op::RestoreGraphicsState);
            } else {
                ops.push(Op::SetFillColor {
                    col: color(rgb(line.fill)),
                });
                ops.push(Op::DrawRectangle {
                    rectangle: swatch(PaintMode::Fill),
                });
            }
            let outline = if line.hatched { NEVER_MET } else { OUTLINE };
            ops.push(Op::SetOutlineColor {
                col: color(rgb(outline)),
            });
            ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
            ops.push(Op::DrawRectangle {
                rectangle: swatch(PaintMode::Stroke),
            });
            let room = WIDTH - (lx - LEFT) - 18.0;
            ops.extend(self.fonts.text(
                &self.fonts.fit(&line.text, text, room),
                text,
                lx + 18.0,
                y - 8.5,
            ));
        }
        ops
    }
}
