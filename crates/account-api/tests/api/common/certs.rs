//! Certificates made by the test (rcgen): an authority of its own, and the server
//! certificates it signs, for a PostgreSQL cluster with `ssl = on`.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

use super::cluster::ServerCertificate;

pub struct Authority {
    issuer: Issuer<'static, KeyPair>,
    /// Its certificate, PEM: what a client is given as `sslrootcert`.
    pub pem: String,
}

impl Authority {
    pub fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::new()).expect("no names");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().expect("key");
        let pem = params.self_signed(&key).expect("self-signed").pem();
        Self { issuer: Issuer::new(params, key), pem }
    }

    /// A server certificate made out to these names (DNS names or IP addresses).
    pub fn server(&self, names: &[&str]) -> ServerCertificate {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).expect("names");
        params.distinguished_name.push(DnType::CommonName, "PostgreSQL for the tests");
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.issuer).expect("signed").pem();
        ServerCertificate { cert, key: key.serialize_pem() }
    }
}
