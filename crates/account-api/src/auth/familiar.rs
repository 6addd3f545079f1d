//! A lockout the attacker cannot aim (Microsoft Entra's smart lockout is the model):
//! failures are counted apart by where they come from. A source is familiar to an
//! identity when it completed a sign-in of that identity before (the password, and
//! the second factor with MFA): its client address (an IPv4 address, or an IPv6 /64),
//! or a device cookie the API gave that browser then. Each familiar source has a
//! counter of its own; every other source shares the identity's plain one. So failures
//! from strangers lock strangers out, never the owner where they signed in before,
//! and an attacker gets today's guesses from anywhere, plus one counter's worth only
//! for each source of the owner's they also hold (their network, their browser).
//!
//! The device cookie is not a credential: it only picks a counter. It is 128 random
//! bits, kept `HttpOnly` by the browser (never in `localStorage`), stored here as its
//! SHA-256 only, never logged.

use std::net::IpAddr;

use axum::http::{header, HeaderMap};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::throttle::client_group;
use crate::store::familiar_sources::{self as sources, Kind};
use crate::store::{Db, StoreError};

/// The device cookie's name.
pub const DEVICE_COOKIE: &str = "osc_console_device";
/// The device cookies read from one request at most (a browser sends one).
const MAX_DEVICE_COOKIES: usize = 4;

/// A device cookie's value, given to a browser at its first sign-in of an identity:
/// 128 random bits as hex. Never shown in logs (`Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceCookie(String);

impl std::fmt::Debug for DeviceCookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceCookie(…)")
    }
}

impl DeviceCookie {
    pub fn fresh() -> Self {
        let mut bytes = [0u8; 16];
        OsRng.fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    pub fn value(&self) -> &str {
        &self.0
    }

    /// What is stored: the value's SHA-256, hex.
    fn digest(value: &str) -> String {
        hex::encode(Sha256::digest(value.as_bytes()))
    }
}

/// The device cookies a request carries, as digests (a malformed value is ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Devices(Vec<String>);

impl Devices {
    pub fn of(headers: &HeaderMap) -> Self {
        let values = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(name, value)| {
                *name == DEVICE_COOKIE
                    && value.len() == 32
                    && value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            })
            .map(|(_, value)| DeviceCookie::digest(value));
        Self(values.take(MAX_DEVICE_COOKIES).collect())
    }
}

/// Where a password check comes from.
#[derive(Debug, Clone)]
pub struct Source {
    pub address: IpAddr,
    pub devices: Devices,
    /// A device cookie to give the browser if this check completes a sign-in and it
    /// carries none the identity knows (offered for a browser's sign-in only).
    pub new_device: Option<DeviceCookie>,
}

impl Source {
    pub fn new(address: IpAddr, devices: Devices) -> Self {
        Self { address, devices, new_device: None }
    }

    fn address_text(&self) -> String {
        client_group(self.address).to_string()
    }
}

/// A source as one identity knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Familiarity {
    Stranger,
    /// A client address the identity signed in from.
    Address(String),
    /// A device cookie the identity's sign-in gave (its digest).
    Device(String),
}

impl Familiarity {
    /// The key its failures are counted under: the identity's own for strangers.
    pub fn lockout_key(&self, identity: &str) -> String {
        match self {
            Familiarity::Stranger => identity.to_owned(),
            Familiarity::Address(address) => format!("{identity}#address:{address}"),
            Familiarity::Device(digest) => format!("{identity}#device:{digest}"),
        }
    }
}

/// How `identity` (its lockout key, `account:…`) knows `source`: a known device first
/// (it follows the browser across networks), then a known address.
pub fn familiarity(
    conn: &Db,
    identity: &str,
    source: &Source,
    now: i64,
) -> Result<Familiarity, StoreError> {
    for digest in &source.devices.0 {
        if sources::is_familiar(conn, identity, Kind::Device, digest, now)? {
            return Ok(Familiarity::Device(digest.clone()));
        }
    }
    let address = source.address_text();
    if sources::is_familiar(conn, identity, Kind::Address, &address, now)? {
        return Ok(Familiarity::Address(address));
    }
    Ok(Familiarity::Stranger)
}

/// A source whose sign-in of an identity may complete: remembered then (`remember`).
#[derive(Debug, Clone)]
pub struct SignIn {
    identity: String,
    source: Source,
    /// The known device the request carried, if any.
    device: Option<String>,
}

impl SignIn {
    /// The sign-in of `identity` from `source`, known as `familiarity`: a new device
    /// cookie is given only to a browser that carries none the identity knows.
    pub fn new(identity: String, mut source: Source, familiarity: &Familiarity) -> Self {
        let device = match familiarity {
            Familiarity::Device(digest) => Some(digest.clone()),
            _ => None,
        };
        if device.is_some() {
            source.new_device = None;
        }
        Self { identity, source, device }
    }

    /// The device cookie `remember` records, for the answer to set.
    pub fn new_device(&self) -> Option<&DeviceCookie> {
        self.source.new_device.as_ref()
    }

    /// The sign-in completed: its address and device are familiar from now on.
    pub fn remember(&self, conn: &Db, now: i64) -> Result<(), StoreError> {
        let address = self.source.address_text();
        sources::seen(conn, &self.identity, Kind::Address, &address, now)?;
        let device = match (&self.device, &self.source.new_device) {
            (Some(known), _) => known.clone(),
            (None, Some(new)) => DeviceCookie::digest(new.value()),
            (None, None) => return Ok(()),
        };
        sources::seen(conn, &self.identity, Kind::Device, &device, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::store::engine::sqlite::in_memory as db;
    use axum::http::HeaderValue;

    fn from(address: &str, cookie: Option<&DeviceCookie>) -> Source {
        let mut headers = HeaderMap::new();
        if let Some(cookie) = cookie {
            let value = format!("theme=dark; {DEVICE_COOKIE}={}", cookie.value());
            headers.insert(header::COOKIE, HeaderValue::from_str(&value).unwrap());
        }
        Source::new(address.parse().unwrap(), Devices::of(&headers))
    }

    #[test]
    fn a_completed_sign_in_makes_its_address_and_device_familiar_to_its_identity_only() {
        let conn = db();
        let now = 1_000_000;
        let mut first = from("203.0.113.7", None);
        first.new_device = Some(DeviceCookie::fresh());
        let known = familiarity(&conn, "account:1", &first, now).unwrap();
        assert_eq!(known, Familiarity::Stranger);
        let sign_in = SignIn::new("account:1".into(), first, &known);
        let cookie = sign_in.new_device().cloned().expect("a browser without one gets one");
        sign_in.remember(&conn, now).unwrap();

        let at = |address, cookie| familiarity(&conn, "account:1", &from(address, cookie), now);
        assert_eq!(at("203.0.113.7", None).unwrap(), Familiarity::Address("203.0.113.7".into()));
        let device = at("198.51.100.1", Some(&cookie)).unwrap();
        assert!(matches!(&device, Familiarity::Device(d) if d != cookie.value()), "{device:?}");
        assert_eq!(
            at("198.51.100.1", Some(&DeviceCookie::fresh())).unwrap(),
            Familiarity::Stranger
        );
        assert_eq!(
            familiarity(&conn, "account:2", &from("203.0.113.7", Some(&cookie)), now).unwrap(),
            Familiarity::Stranger,
            "per identity"
        );
        let later = now + sources::FORGET_AFTER_SECS;
        let forgotten = familiarity(&conn, "account:1", &from("203.0.113.7", None), later);
        assert_eq!(forgotten.unwrap(), Familiarity::Stranger, "unseen for 90 days");

        // A browser that comes back with its cookie is not given another.
        let mut again = from("198.51.100.1", Some(&cookie));
        again.new_device = Some(DeviceCookie::fresh());
        assert!(SignIn::new("account:1".into(), again, &device).new_device().is_none());
    }

    #[test]
    fn an_identity_keeps_its_twenty_latest_sources_of_each_kind() {
        let conn = db();
        for i in 0..25 {
            let source = from(&format!("203.0.113.{i}"), None);
            SignIn::new("account:1".into(), source, &Familiarity::Stranger)
                .remember(&conn, 1_000 + i)
                .unwrap();
        }
        let known = |i: i64| {
            let source = from(&format!("203.0.113.{i}"), None);
            familiarity(&conn, "account:1", &source, 2_000).unwrap() != Familiarity::Stranger
        };
        assert!(!known(4) && known(5) && known(24));
    }

    #[test]
    fn an_ipv6_client_is_its_64_and_only_well_formed_cookies_count() {
        let conn = db();
        let v6 = from("2001:db8:1:2::10", None);
        SignIn::new("user:U".into(), v6, &Familiarity::Stranger).remember(&conn, 1).unwrap();
        let same_64 = familiarity(&conn, "user:U", &from("2001:db8:1:2::99", None), 2).unwrap();
        assert_eq!(same_64, Familiarity::Address("2001:db8:1:2::".into()));

        let mut headers = HeaderMap::new();
        let bad = format!("{DEVICE_COOKIE}=NOT-HEX; {DEVICE_COOKIE}={}", "A".repeat(32));
        headers.insert(header::COOKIE, HeaderValue::from_str(&bad).unwrap());
        assert_eq!(Devices::of(&headers), Devices::default());
    }
}
