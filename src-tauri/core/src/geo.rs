//! Geography: the communes of France, known offline (the code officiel géographique shipped
//! in the binary, [`communes`]).

pub mod communes;
pub mod place;
