//! The TLS configuration of a connection to the hub (rustls, ring): the server's certificate
//! must chain to the authority the address names (`sslrootcert`: a file, or the system's) and
//! be valid for the host of the address: libpq's `verify-full`. There is no way to turn a
//! check off: an organisation with its own CA gives its certificate file.

use crate::address::{Address, ClientCert, Roots};
use crate::error::{HubError, HubResult};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};
use std::path::Path;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The connector for `address`.
pub fn connector(address: &Address) -> HubResult<MakeRustlsConnect> {
    // ring rather than aws-lc-rs (rustls' default, whose C build needs CMake and NASM for the
    // Windows cross-build). ring has no post-quantum key exchange, hence the deprecation; the
    // servers it meets (PostgreSQL on OpenSSL 3.0, Debian 12) offer none either.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HubError::Server(e.to_string()))?
        .with_root_certificates(roots(&address.roots)?);
    let config = match &address.client_cert {
        None => builder.with_no_client_auth(),
        Some(ClientCert { cert, key }) => {
            let chain = certificates(cert)?;
            let key = PrivateKeyDer::from_pem_file(key).map_err(|e| unusable(key, &e))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| unusable(cert, &e))?
        }
    };
    Ok(MakeRustlsConnect::new(config))
}

fn roots(roots: &Roots) -> HubResult<RootCertStore> {
    let mut store = RootCertStore::empty();
    match roots {
        Roots::File(path) => {
            for cert in certificates(path)? {
                store.add(cert).map_err(|e| unusable(path, &e))?;
            }
        }
        Roots::System => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = store.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(HubError::Certificate {
                    path: "system".into(),
                    why: "aucune autorité de certification du système n'a pu être lue.".into(),
                });
            }
        }
    }
    Ok(store)
}

/// The certificates of a PEM file (at least one).
fn certificates(path: &Path) -> HubResult<Vec<CertificateDer<'static>>> {
    if !path.exists() {
        return Err(HubError::Certificate {
            path: path.display().to_string(),
            why: "ce fichier n'existe pas.".into(),
        });
    }
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| unusable(path, &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| unusable(path, &e))?;
    if certs.is_empty() {
        return Err(HubError::Certificate {
            path: path.display().to_string(),
            why: "il ne contient aucun certificat (format PEM attendu).".into(),
        });
    }
    Ok(certs)
}

fn unusable(path: &Path, e: &dyn std::fmt::Display) -> HubError {
    HubError::Certificate {
        path: path.display().to_string(),
        why: format!("{e}."),
    }
}
