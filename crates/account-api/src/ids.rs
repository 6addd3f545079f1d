//! Identifiers and secrets, in OUTSCALE's shapes.

use rand::rngs::OsRng;
use rand::Rng;

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

fn random_from(alphabet: &[u8], len: usize) -> String {
    (0..len).map(|_| alphabet[OsRng.gen_range(0..alphabet.len())] as char).collect()
}

/// A 12-digit account ID.
pub fn account_id() -> String {
    random_from(b"0123456789", 12)
}

/// An 8-digit customer ID.
pub fn customer_id() -> String {
    random_from(b"0123456789", 8)
}

/// A 20-character access key ID.
pub fn access_key_id() -> String {
    random_from(UPPER_ALNUM, 20)
}

/// A 40-character secret key.
pub fn secret_key() -> String {
    random_from(UPPER_ALNUM, 40)
}

/// A 32-character EIM user ID.
pub fn user_id() -> String {
    random_from(UPPER_ALNUM, 32)
}

/// A request's ID, a random UUID: from the thread's generator (ChaCha, seeded from
/// the system's), not a system call per request. It names a request in logs; it
/// guards nothing.
pub fn request_id() -> String {
    uuid::Builder::from_random_bytes(rand::random()).into_uuid().to_string()
}

/// A second factor's ID: `mfa-` and 24 hexadecimal digits.
pub fn mfa_device_id() -> String {
    format!("mfa-{}", random_from(b"0123456789abcdef", 24))
}
