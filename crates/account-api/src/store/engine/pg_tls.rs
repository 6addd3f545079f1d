//! The link to PostgreSQL, encrypted with rustls as the URL's `sslmode` says, with
//! libpq's names and meanings: `disable`, `prefer` (the default: TLS when the server
//! offers it), `require` (TLS, any certificate), `verify-ca` (a certificate signed by
//! `sslrootcert`), `verify-full` (that, and for the host named in the URL). The root
//! certificates are `sslrootcert=/path/to/ca.pem`, or Mozilla's (bundled) when it is
//! absent or `system`. A host reached over the network with no `sslmode` is refused at
//! start-up: left to the default, the link could go in the clear, and the sign-in
//! secrets and access keys with it.

use std::net::IpAddr;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres_rustls::MakeRustlsConnect;

/// How the link is protected (libpq's `sslmode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn parse(value: &str) -> Result<Self, String> {
        Ok(match value {
            "disable" => Mode::Disable,
            "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            // libpq's `allow` tries the clear first: never what an operator wants here.
            other => {
                return Err(format!(
                    "--db: sslmode={other} is not one of disable, prefer, require, verify-ca, \
                     verify-full"
                ))
            }
        })
    }
}

/// What the certificate the server shows must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// Anything (`prefer`, `require`): encrypted, but not proof of whom it reaches.
    Nothing,
    /// Signed by the root certificates.
    Chain,
    /// Signed by them and made out to the host in the URL.
    ChainAndName,
}

/// The connection settings and the TLS connector that go with them.
pub struct Link {
    pub config: tokio_postgres::Config,
    pub tls: MakeRustlsConnect,
    /// How the link is protected, for the start-up log.
    pub protection: String,
}

/// Reads `url`: its PostgreSQL settings, and how to protect the link.
pub fn link(url: &str) -> Result<Link, String> {
    let (rest, sslmode, rootcert) = take_tls_params(url)?;
    let mut config: tokio_postgres::Config =
        rest.parse().map_err(|e| format!("--db: not a PostgreSQL URL ({e})"))?;
    let mode = match (sslmode, network_host(&config)) {
        (Some(mode), _) => mode,
        (None, None) => Mode::Prefer,
        (None, Some(host)) => return Err(needs_sslmode(&host)),
    };
    let check = match (mode, rootcert.as_deref()) {
        (Mode::VerifyFull, _) => Check::ChainAndName,
        (Mode::VerifyCa, None | Some("system")) => {
            return Err("--db: sslmode=verify-ca checks the certificate against your own CA: \
                 add sslrootcert=/path/to/ca.pem, or use sslmode=verify-full"
                .into())
        }
        (Mode::Prefer | Mode::Require, Some("system")) => {
            return Err("--db: sslrootcert=system goes with sslmode=verify-full".into())
        }
        // libpq: with a root certificate, `require` checks the chain as `verify-ca` does.
        (Mode::VerifyCa | Mode::Prefer | Mode::Require, Some(_)) => Check::Chain,
        (Mode::Disable | Mode::Prefer | Mode::Require, None) => Check::Nothing,
        (Mode::Disable, Some(_)) => Check::Nothing,
    };
    let only_sockets = config.get_hostaddrs().is_empty()
        && !config.get_hosts().is_empty()
        && config.get_hosts().iter().all(|h| !matches!(h, Host::Tcp(_)));
    // PostgreSQL has no TLS on its local socket, and libpq ignores sslmode there: the
    // link does not leave the machine.
    config.ssl_mode(match mode {
        _ if only_sockets => SslMode::Disable,
        Mode::Disable => SslMode::Disable,
        Mode::Prefer => SslMode::Prefer,
        Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
    });
    let roots = match (check, rootcert.as_deref()) {
        (Check::Nothing, _) => RootCertStore::empty(),
        (_, None | Some("system")) => {
            RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() }
        }
        (_, Some(path)) => roots_from(path)?,
    };
    let protection = match (only_sockets, mode, check) {
        (true, ..) => "the local socket, no TLS".to_owned(),
        (_, Mode::Disable, _) => "not encrypted (sslmode=disable)".to_owned(),
        (_, Mode::Prefer, Check::Nothing) => {
            "TLS when the server offers it, its certificate not checked (sslmode=prefer)".into()
        }
        (_, _, Check::Nothing) => "TLS, the server's certificate not checked".to_owned(),
        (_, _, Check::Chain) => "TLS, the server's certificate checked, not its name".to_owned(),
        (_, _, Check::ChainAndName) => "TLS, the server's certificate and name checked".into(),
    };
    Ok(Link { config, tls: connector(check, roots)?, protection })
}

/// The URL without `sslmode` and `sslrootcert` (read here, not by the driver, which
/// knows neither `verify-ca`, `verify-full` nor `sslrootcert`), and their values.
fn take_tls_params(url: &str) -> Result<(String, Option<Mode>, Option<String>), String> {
    // The query starts at the first `?` after the credentials, as the driver reads it.
    let after_at = url.find('@').map_or(0, |at| at + 1);
    let Some(q) = url[after_at..].find('?').map(|q| after_at + q) else {
        return Ok((url.to_owned(), None, None));
    };
    let (mut sslmode, mut rootcert) = (None, None);
    let mut kept = Vec::new();
    for pair in url[q + 1..].split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = || {
            percent_encoding::percent_decode_str(value)
                .decode_utf8()
                .map(|v| v.into_owned())
                .map_err(|_| format!("--db: {key} is not UTF-8"))
        };
        match key {
            "sslmode" => sslmode = Some(Mode::parse(&decoded()?)?),
            "sslrootcert" => rootcert = Some(decoded()?),
            _ => kept.push(pair),
        }
    }
    let rest = match kept.is_empty() {
        true => url[..q].to_owned(),
        false => format!("{}?{}", &url[..q], kept.join("&")),
    };
    Ok((rest, sslmode, rootcert))
}

/// The first host the link would reach over the network: not the local socket, not a
/// loopback address, not `localhost`. Any other name counts: where it leads can change
/// after start-up.
fn network_host(config: &tokio_postgres::Config) -> Option<String> {
    let local_name = |name: &str| {
        name.eq_ignore_ascii_case("localhost")
            || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    };
    // A `hostaddr` is where the connection goes; its `host` only names the certificate.
    if let Some(ip) = config.get_hostaddrs().iter().find(|ip| !ip.is_loopback()) {
        return Some(ip.to_string());
    }
    if !config.get_hostaddrs().is_empty() {
        return None;
    }
    config.get_hosts().iter().find_map(|host| match host {
        Host::Tcp(name) if !local_name(name) => Some(name.clone()),
        _ => None,
    })
}

fn needs_sslmode(host: &str) -> String {
    format!(
        "--db: PostgreSQL at {host} is reached over the network, and the URL does not say how \
         to protect the link: add sslmode=verify-full (encrypted, the server's certificate \
         checked; with sslrootcert=/path/to/ca.pem when your own CA signed it), or \
         sslmode=require (encrypted, any certificate), or sslmode=disable (in the clear: only on \
         a network you trust), as in ?sslmode=verify-full&sslrootcert=/etc/account-api/db-ca.pem"
    )
}

/// The certificates of a PEM file (`sslrootcert`).
fn roots_from(path: &str) -> Result<RootCertStore, String> {
    let cannot = |e: &dyn std::fmt::Display| format!("--db: sslrootcert={path}: {e}");
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| cannot(&e))? {
        roots.add(cert.map_err(|e| cannot(&e))?).map_err(|e| cannot(&e))?;
    }
    if roots.is_empty() {
        return Err(cannot(&"no certificate (PEM, -----BEGIN CERTIFICATE-----) in it"));
    }
    Ok(roots)
}

/// The TLS connector: rustls on ring, TLS 1.2 and 1.3.
fn connector(check: Check, roots: RootCertStore) -> Result<MakeRustlsConnect, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?;
    let config = match check {
        Check::ChainAndName => builder.with_root_certificates(roots),
        Check::Chain => {
            let chain =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| format!("--db: sslrootcert: {e}"))?;
            let verifier = NameUnchecked { chain: Some(chain), provider };
            builder.dangerous().with_custom_certificate_verifier(Arc::new(verifier))
        }
        Check::Nothing => {
            let verifier = NameUnchecked { chain: None, provider };
            builder.dangerous().with_custom_certificate_verifier(Arc::new(verifier))
        }
    };
    Ok(MakeRustlsConnect::new(config.with_no_client_auth()))
}

/// The certificate's name is not checked: `verify-ca` (and `require` with a root
/// certificate) check its chain, `prefer` and `require` nothing, as libpq. The
/// handshake's signatures are checked either way, so the server holds the key.
#[derive(Debug)]
struct NameUnchecked {
    chain: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for NameUnchecked {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        // The name is checked last, once the chain holds: this error means only the name is off.
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode_of(url: &str) -> Result<SslMode, String> {
        link(url).map(|l| l.config.get_ssl_mode())
    }

    #[test]
    fn sslmode_and_sslrootcert_are_read_here_and_the_rest_by_the_driver() {
        let (rest, mode, root) = take_tls_params(
            "postgres://a:p%3F@db/x?application_name=y&sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20x.pem&port=6000",
        )
        .unwrap();
        assert_eq!(rest, "postgres://a:p%3F@db/x?application_name=y&port=6000");
        assert_eq!((mode, root.as_deref()), (Some(Mode::VerifyFull), Some("/etc/ca x.pem")));
        let (rest, mode, _) = take_tls_params("postgresql://db/x?sslmode=disable").unwrap();
        assert_eq!((rest.as_str(), mode), ("postgresql://db/x", Some(Mode::Disable)));
        assert!(take_tls_params("postgres://db/x?sslmode=allow")
            .unwrap_err()
            .contains("verify-full"));
    }

    #[test]
    fn a_host_over_the_network_needs_an_sslmode() {
        for url in [
            "postgres://api@db.example.com/x",
            "postgres://api@10.0.0.5:5433/x",
            "postgres://api@localhost,db2/x",
            "postgres://api@[2001:db8::1]/x",
            "postgres://api@localhost/x?hostaddr=192.0.2.7",
        ] {
            let e = link(url).err().unwrap_or_else(|| panic!("{url} accepted"));
            assert!(e.contains("sslmode=verify-full") && e.contains("sslmode=disable"), "{e}");
        }
        let e = link("postgres://api@db.example.com/x").err().unwrap();
        assert!(e.contains("at db.example.com is reached over the network"), "{e}");
        // The machine itself: libpq's default, TLS when the server offers it.
        for url in [
            "postgres://api@127.0.0.1/x",
            "postgres://api@localhost/x",
            "postgres://api@[::1]:5433/x",
            "postgres://api@127.0.0.2/x",
            "postgresql:///x?host=/var/run/postgresql",
            "postgres://api@db.example.com/x?hostaddr=127.0.0.1",
        ] {
            assert!(link(url).is_ok(), "{url}");
        }
        assert_eq!(mode_of("postgres://api@127.0.0.1/x"), Ok(SslMode::Prefer));
        // Said, it is honoured, whatever the host.
        assert_eq!(mode_of("postgres://api@db/x?sslmode=disable"), Ok(SslMode::Disable));
        assert_eq!(mode_of("postgres://api@db/x?sslmode=verify-full"), Ok(SslMode::Require));
    }

    #[test]
    fn the_local_socket_has_no_tls() {
        let url = "postgresql:///x?host=/var/run/postgresql&sslmode=verify-full";
        assert_eq!(mode_of(url), Ok(SslMode::Disable));
        assert_eq!(link(url).unwrap().protection, "the local socket, no TLS");
    }

    #[test]
    fn root_certificates_must_be_given_where_they_matter_and_readable() {
        let e = link("postgres://api@db/x?sslmode=verify-ca").err().unwrap();
        assert!(e.contains("sslrootcert=/path/to/ca.pem"), "{e}");
        let e = link("postgres://api@db/x?sslmode=require&sslrootcert=system").err().unwrap();
        assert!(e.contains("verify-full"), "{e}");
        let e = link("postgres://api@db/x?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem");
        assert!(e.err().unwrap().contains("sslrootcert=/nonexistent/ca.pem"));
        let empty = std::env::temp_dir().join(format!("pg-tls-empty-{}.pem", std::process::id()));
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let url =
            format!("postgres://api@db/x?sslmode=verify-full&sslrootcert={}", empty.display());
        let e = link(&url).err().unwrap();
        std::fs::remove_file(&empty).unwrap();
        assert!(e.contains("no certificate"), "{e}");
        // Mozilla's roots when none is named.
        let l = link("postgres://api@db/x?sslmode=verify-full").unwrap();
        assert_eq!(l.protection, "TLS, the server's certificate and name checked");
    }
}
