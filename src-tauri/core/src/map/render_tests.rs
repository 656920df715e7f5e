use super::render::*;
use super::values::{MapMeasure, MapQuery};
use crate::db::store::Store;

fn demo() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    crate::demo::populate(&mut s).unwrap();
    s
}

#[test]
fn the_demo_map_is_laid_out_with_its_legend_title_and_source() {
    let s = demo();
    let opts = RenderOptions {
        width: 800.0,
        highlight: vec![crate::demo::commune_code(0)],
        title: None,
    };
    let d = s.map_drawing(&MapQuery::default(), &opts).unwrap();
    assert_eq!(d.communes.len(), 10);
    assert_eq!(d.width, 800.0);
    assert!(d.title.starts_with("Acteurs par commune — "), "{}", d.title);
    assert!(d.source.contains("demo-contours.geojson"), "{}", d.source);
    // Every point inside the map's frame.
    let (x, y, w, h) = d.frame;
    for c in &d.communes {
        for &(px, py) in c.rings.iter().flatten() {
            assert!(px >= x - 0.5 && px <= x + w + 0.5 && py >= y - 0.5 && py <= y + h + 0.5);
        }
    }
    assert_eq!(d.communes.iter().filter(|c| c.highlighted).count(), 1);
    assert_eq!(d.communes.iter().filter(|c| c.never_met).count(), 1);
    let last = d.legend.last().unwrap();
    assert!(last.hatched && last.text.ends_with("1 commune"), "{last:?}");
    assert!(d.legend.iter().any(|l| l.text.starts_with("aucun · ")));
}

#[test]
fn the_svg_is_well_formed_escapes_user_text_and_names_every_commune() {
    let s = demo();
    s.conn
        .execute(
            "UPDATE territory SET name = 'Vallée <du> \"Verdanson\" & co' WHERE id = 1",
            [],
        )
        .unwrap();
    let q = MapQuery {
        measure: MapMeasure::Meetings,
        world: None,
        from: Some("2020-01-01".into()),
        to: None,
    };
    let d = s.map_drawing(&q, &RenderOptions::default()).unwrap();
    let text = svg(&d);
    assert!(text.contains("Vallée &lt;du&gt; &quot;Verdanson&quot; &amp; co"));
    assert!(!text.contains("<du>"));
    assert!(text.contains(", depuis le 2020-01-01"));
    for name in crate::demo::COMMUNES {
        assert!(text.contains(&format!("<title>{name} · ")), "{name}");
    }
    // A parser reads it whole.
    resvg::usvg::Tree::from_str(&text, &resvg::usvg::Options::default()).unwrap();
}

#[test]
fn the_png_is_drawn_at_its_scale_with_the_communes_coloured() {
    let s = demo();
    let d = s
        .map_drawing(
            &MapQuery::default(),
            &RenderOptions {
                width: 600.0,
                ..RenderOptions::default()
            },
        )
        .unwrap();
    let bytes = png(&d, 1.5).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let decoded = resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap();
    assert_eq!(decoded.width(), (outer_size(&d).0 * 1.5).round() as u32);
    assert_eq!(outer_size(&d).0, 620.0);
    // The darkest blue of the classes is drawn somewhere.
    let dark = decoded
        .pixels()
        .iter()
        .filter(|p| p.red() < 0x20 && p.green() < 0x60 && p.blue() > 0x70)
        .count();
    assert!(dark > 100, "{dark} dark blue pixels");
}

#[test]
fn a_territory_without_contours_has_no_map_to_draw() {
    let mut s = demo();
    s.conn.execute("DELETE FROM commune_contour", []).unwrap();
    let e = s
        .map_drawing(&MapQuery::default(), &RenderOptions::default())
        .unwrap_err();
    assert_eq!(e.code(), Some("map.no_contours"));
    let _ = &mut s;
}

#[test]
fn values_are_said_the_french_way() {
    assert_eq!(format_value(MapMeasure::Hours, 2.5), "2,5");
    assert_eq!(
        format_value(MapMeasure::Funding, 12500.0),
        "12\u{202f}500 €"
    );
    assert_eq!(format_value(MapMeasure::Actors, 3.0), "3");
    assert_eq!(format_value(MapMeasure::NeverMet, 1.0), "jamais rencontrée");
}
