//! Integration tests of the `catalyse` binary, one test binary with a module per area.

mod backup;
mod cli;
mod crash;
mod diskfull;
mod exchange;
mod notes;
mod readonly;
mod schema;
mod util;
