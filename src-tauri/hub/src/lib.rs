//! Catalyse's hub: a PostgreSQL server the organisation already runs carries the team's change
//! files, for teams that share no folder (a PETR, its communautés de communes, the
//! Département…). No Catalyse server: PostgreSQL stores and protects the files (a role per
//! person, row-level security, TLS verified in full); the change files, the merge and the
//! conflict inbox are the folder's (`catalyse_core::share`).
//!
//! - [`error`]: what went wrong, named for a person (DNS, refused, TLS, authentication,
//!   privileges, a newer server schema), the lowest layer.
//! - [`address`]: the server's address in libpq's conventions (`postgresql://…`,
//!   `sslmode`, `sslrootcert`, `PGPASSWORD`, `~/.pgpass`); only `verify-full` is accepted.
//! - [`tls`]: the TLS configuration (rustls): the CA the address names, never no check.
//! - [`connect`]: a connection with the user's role, its failures classified.
//! - [`schema`]: the server schema (versioned, append-only migrations) and its policies;
//!   `catalyse hub init`.
//! - [`members`]: who may read a team's files (`catalyse hub grant|revoke`).
//! - [`status`]: what a role sees of the hub (`catalyse hub status`).
//! - [`mirror`]: the hub's copy on a laptop, a folder laid out as a shared folder.
//! - [`share`]: sharing through the hub (`share init|join --server`) and one exchange
//!   (`catalyse sync`): pull, the folder exchange on the copy, push, acknowledge.
//! - [`moving`]: a team moved from its shared folder to the hub (`catalyse share move`),
//!   and the laptops that follow it.

pub mod address;
pub mod connect;
pub mod error;
pub mod members;
pub mod mirror;
pub mod moving;
pub mod schema;
pub mod share;
pub mod status;
pub mod tls;

pub use error::{HubError, HubResult};
