//! Secrets at rest: the server key that seals access-key secrets, argon2id
//! password hashes, and the strength check of new passwords.

use std::io::Write;
use std::path::Path;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::rngs::OsRng;
use rand::RngCore;

/// Seals and opens access-key secrets with the server key (ChaCha20-Poly1305;
/// the access key ID is bound as associated data, so a sealed secret cannot be
/// moved to another key).
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

impl SecretBox {
    /// Loads the server key from `path`, or creates it (mode 0600) when `may_create`.
    pub fn load_or_create(path: &Path, may_create: bool) -> Result<Self, String> {
        let key = match std::fs::read(path) {
            Ok(bytes) if bytes.len() == 32 => bytes,
            Ok(_) => return Err(format!("{} is not a 32-byte server key", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && may_create => {
                let mut key = vec![0u8; 32];
                OsRng.fill_bytes(&mut key);
                write_private(path, &key).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
                tracing::info!(path = %path.display(), "created the server key");
                key
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(format!(
                    "the server key {} is missing, and the database holds access keys sealed with it",
                    path.display()
                ))
            }
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        Ok(Self { cipher: ChaCha20Poly1305::new(Key::from_slice(&key)) })
    }

    pub fn seal(&self, access_key_id: &str, secret: &str) -> (Vec<u8>, Vec<u8>) {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: secret.as_bytes(), aad: access_key_id.as_bytes() })
            .expect("ChaCha20-Poly1305 seals any message");
        (nonce.to_vec(), sealed)
    }

    pub fn open(&self, access_key_id: &str, nonce: &[u8], sealed: &[u8]) -> Option<String> {
        if nonce.len() != 12 {
            return None;
        }
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: access_key_id.as_bytes() })
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// An argon2id hash in PHC form, with a random salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 hashes any password").to_string()
}

/// Checks a password against a PHC hash (argon2 compares in constant time).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// zxcvbn's score (0–4), with the account's own words as a dictionary.
pub fn strength(password: &str, user_inputs: &[&str]) -> u8 {
    zxcvbn::zxcvbn(password, user_inputs).score() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_under_their_key_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.key");
        let sb = SecretBox::load_or_create(&path, true).unwrap();
        let (nonce, sealed) = sb.seal("AK1", "secret");
        assert_eq!(sb.open("AK1", &nonce, &sealed).as_deref(), Some("secret"));
        assert_eq!(sb.open("AK2", &nonce, &sealed), None);
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let again = SecretBox::load_or_create(&path, false).unwrap();
        assert_eq!(again.open("AK1", &nonce, &sealed).as_deref(), Some("secret"));
    }

    #[test]
    fn passwords_hash_with_argon2id() {
        let h = hash_password("Correct-Horse-Battery-9");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Correct-Horse-Battery-9", &h));
        assert!(!verify_password("Correct-Horse-Battery-8", &h));
    }
}
