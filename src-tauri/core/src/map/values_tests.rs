use super::values::*;
use crate::db::store::Store;

fn demo() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    crate::demo::populate(&mut s).unwrap();
    s
}

#[test]
fn classes_cover_every_value_above_zero_once_and_never_split_equal_values() {
    let values = [0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0];
    let c = classes(&values, 5);
    assert!(!c.is_empty() && c.len() <= 5);
    assert_eq!(c.iter().map(|c| c.communes).sum::<u32>(), 10);
    assert_eq!(c[0].from, 1.0);
    assert_eq!(c.last().unwrap().to, 21.0);
    for w in c.windows(2) {
        assert!(w[0].to < w[1].from, "{c:?}");
    }
    for v in values {
        let k = class_of(v, &c);
        if v == 0.0 {
            assert_eq!(k, 0);
        } else {
            let class = &c[k as usize - 1];
            assert!(class.from <= v && v <= class.to, "{v} in {class:?}");
        }
    }
    // Fewer distinct values than classes: one class each.
    let c = classes(&[0.0, 4.0, 4.0, 9.0], 5);
    assert_eq!(c.len(), 2);
    assert_eq!((c[0].from, c[0].to, c[0].communes), (4.0, 4.0, 2));
    assert!(classes(&[0.0, 0.0], 5).is_empty());
}

#[test]
fn the_demo_valley_in_shapes_that_fit_its_frame() {
    let s = demo();
    let frame = s.map_frame().unwrap();
    assert_eq!(frame.communes, 10);
    assert_eq!(frame.with_contour, 10);
    let [w, so, e, n] = frame.bounds;
    assert!(w < 0 && so < 0 && e > 0 && n > 0, "{frame:?}");
    // A valley some kilometres across.
    assert!((2_000..100_000).contains(&(e - w)), "{frame:?}");
    let shapes = s.map_shapes(0, 2_000).unwrap();
    assert_eq!(shapes.len(), 10);
    assert!(shapes.windows(2).all(|p| p[0].insee < p[1].insee));
    for shape in &shapes {
        assert!(!shape.polygons.is_empty());
        for ring in shape.polygons.iter().flatten() {
            assert!(ring.len() >= 6 && ring.len() % 2 == 0);
            for p in ring.chunks(2) {
                assert!(p[0] >= w - 1 && p[0] <= e + 1 && p[1] >= so - 1 && p[1] <= n + 1);
            }
        }
    }
    let page = s.map_shapes(8, 5).unwrap();
    assert_eq!(page.len(), 2, "the last page");
    assert_eq!(page[0].insee, shapes[8].insee);
}

#[test]
fn a_territory_without_contours_has_an_empty_frame_and_no_shapes() {
    let mut s = demo();
    let choice = |t: &str| crate::project::communes::CommuneChoice::parse(t).unwrap();
    let valley: Vec<_> = (0..10)
        .map(|i| choice(&format!("commune:{}", crate::demo::commune_code(i))))
        .collect();
    s.change_territory_communes(&[choice("commune:22278")], &valley)
        .unwrap();
    let frame = s.map_frame().unwrap();
    assert_eq!(
        (frame.communes, frame.with_contour, frame.bounds),
        (1, 0, [0; 4])
    );
    assert!(s.map_shapes(0, 100).unwrap().is_empty());
}

#[test]
fn the_measures_agree_with_the_communes_figures() {
    let s = demo();
    let figures = s.commune_figures().unwrap();
    let value =
        |v: &MapValues, insee: &str| v.values.iter().find(|c| c.insee == insee).unwrap().value;
    let actors = s.map_values(&MapQuery::default()).unwrap();
    let meetings = s
        .map_values(&MapQuery {
            measure: MapMeasure::Meetings,
            ..MapQuery::default()
        })
        .unwrap();
    let hours = s
        .map_values(&MapQuery {
            measure: MapMeasure::Hours,
            ..MapQuery::default()
        })
        .unwrap();
    let never = s
        .map_values(&MapQuery {
            measure: MapMeasure::NeverMet,
            ..MapQuery::default()
        })
        .unwrap();
    assert_eq!(actors.values.len(), figures.len());
    for f in &figures {
        assert_eq!(value(&actors, &f.insee), f64::from(f.actors));
        assert_eq!(value(&meetings, &f.insee), f64::from(f.met));
        assert!((value(&hours, &f.insee) - f.minutes as f64 / 60.0).abs() < 1e-9);
        assert_eq!(value(&never, &f.insee), f64::from(u8::from(f.never_met())));
    }
    let never_count = figures.iter().filter(|f| f.never_met()).count() as u32;
    assert!(never_count >= 1, "the demo has a commune never met");
    assert_eq!(actors.never_met, never_count);
    assert_eq!(never.total, f64::from(never_count));
    assert_eq!(actors.label, "Acteurs");
}

#[test]
fn a_monde_and_a_period_narrow_the_measure_and_bad_ones_are_refused() {
    let s = demo();
    let all = s.map_values(&MapQuery::default()).unwrap().total;
    let locals = s
        .map_values(&MapQuery {
            world: Some(crate::shared::codes::World::LocalAuthority),
            ..MapQuery::default()
        })
        .unwrap()
        .total;
    assert!(locals > 0.0 && locals < all, "{locals} of {all}");
    let q = |from: &str, to: &str| MapQuery {
        measure: MapMeasure::Meetings,
        world: None,
        from: Some(from.into()),
        to: Some(to.into()),
    };
    assert_eq!(
        s.map_values(&q("1900-01-01", "1900-12-31")).unwrap().total,
        0.0
    );
    let e = s.map_values(&q("2025-02-01", "2025-01-01")).unwrap_err();
    assert_eq!(e.code(), Some("map.period_reversed"));
    let e = s.map_values(&q("2025-13-01", "")).unwrap_err();
    assert_eq!(e.code(), Some("date.invalid"));
    assert!(MapMeasure::parse("never-met").is_ok());
    assert_eq!(
        MapMeasure::parse("tout").unwrap_err().code(),
        Some("map.measure_unknown")
    );
}

#[test]
fn a_commune_s_card_gathers_its_actors_actions_meetings_and_members() {
    let s = demo();
    let figures = s.commune_figures().unwrap();
    let busiest = figures.iter().max_by_key(|f| f.actors).unwrap();
    let card = s.commune_card(&busiest.insee).unwrap();
    assert_eq!(card.name, busiest.name);
    assert!(card.in_territory);
    assert_eq!(card.actors_total, busiest.actors);
    assert_eq!(card.actors.len() as u32, busiest.actors.min(50));
    assert_eq!(card.actions_total, busiest.actions);
    assert_eq!(card.meetings_total, busiest.met);
    assert_eq!(card.last_met, busiest.last_met);
    assert!(card.meetings.windows(2).all(|m| m[0].detail >= m[1].detail));
    assert_eq!(
        card.by_world.iter().map(|w| w.actors).sum::<u32>(),
        busiest.actors
    );
    assert!(!card.members.is_empty(), "the team met it");
    let never = figures.iter().find(|f| f.never_met()).unwrap();
    let card = s.commune_card(&never.insee).unwrap();
    assert_eq!((card.actors_total, card.meetings_total), (0, 0));
    assert!(card.members.is_empty() && card.last_met.is_none());
    let brieuc = s.commune_card("22278").unwrap();
    assert_eq!(brieuc.name, "Saint-Brieuc");
    assert!(!brieuc.in_territory);
    assert!(brieuc.epci.is_some());
    assert_eq!(
        s.commune_card("99999").unwrap_err().code(),
        Some("insee.unknown")
    );
}

#[test]
fn the_shapes_as_bytes_hold_what_the_json_holds() {
    let s = demo();
    let shapes = s.map_shapes(0, 2_000).unwrap();
    let bytes = s.map_shapes_bytes(0, 2_000).unwrap();
    assert_eq!(&bytes[..4], b"CSHP");
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!(u32_at(4) as usize, shapes.len());
    // Read back as the window reads them.
    let mut at = 8;
    for shape in &shapes {
        assert_eq!(&bytes[at..at + 5], shape.insee.as_bytes());
        at += 5;
        let n = u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
        at += 2;
        assert_eq!(std::str::from_utf8(&bytes[at..at + n]).unwrap(), shape.name);
        at += n;
        assert_eq!(u32_at(at) as usize, shape.polygons.len());
        at += 4;
        for polygon in &shape.polygons {
            assert_eq!(u32_at(at) as usize, polygon.len());
            at += 4;
            for ring in polygon {
                assert_eq!(u32_at(at) as usize * 2, ring.len());
                at += 4;
                for v in ring {
                    assert_eq!(
                        i32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()),
                        *v
                    );
                    at += 4;
                }
            }
        }
    }
    assert_eq!(at, bytes.len(), "nothing else");
    // A name with accents, as UTF-8.
    assert!(shapes.iter().any(|s| s.name == "Les Orgières"));
}
