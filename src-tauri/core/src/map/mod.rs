//! The territory on a map (issue 27): the communes' contours imported once (`contours`), the
//! map's frame, shapes and measures (`values`), each commune in figures (`figures`), a
//! commune's card (`card`), and the map drawn as SVG and PNG (`render`). Below the project and
//! the notes, which both show it.

pub mod card;
pub mod contours;
pub mod figures;
pub mod render;
pub mod values;

#[cfg(test)]
mod render_tests;
#[cfg(test)]
mod robustness;
#[cfg(test)]
mod values_tests;
