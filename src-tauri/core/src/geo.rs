//! Geography: the communes of France, known offline (the code officiel géographique shipped
//! in the binary, [`communes`]).

pub mod codec;
pub mod communes;
pub mod contours;
pub mod frame;
pub mod place;
pub mod simplify;
