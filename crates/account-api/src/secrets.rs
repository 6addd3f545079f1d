//! Secrets at rest: the server key that seals access-key and TOTP secrets and keys
//! the hashes of recovery codes, argon2id password hashes, and the strength check of
//! new passwords.

use std::io::Write;
use std::path::Path;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::Sha256;

use crate::store::{access_keys, meta, Store};

/// Seals and opens access-key and TOTP secrets with the server key (ChaCha20-Poly1305;
/// the access key or second factor ID is bound as associated data, so a sealed secret
/// cannot be moved to another one), and hashes recovery codes with a key derived from it.
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
    /// HMAC-SHA256 key for recovery codes: HMAC-SHA256(server key, a fixed label).
    code_key: [u8; 32],
}

impl SecretBox {
    /// Loads the server key from `path`, or creates it (mode 0600) when `may_create`.
    pub fn load_or_create(path: &Path, may_create: bool) -> Result<Self, String> {
        let key = match std::fs::read(path) {
            Ok(_) if shared_with_others(path)? => {
                return Err(format!(
                    "{} may be read by other users: it must be its owner's only (chmod 600 {})",
                    path.display(),
                    path.display()
                ))
            }
            Ok(bytes) if bytes.len() == 32 => bytes,
            Ok(_) => return Err(format!("{} is not a 32-byte server key", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && may_create => {
                let mut key = vec![0u8; 32];
                OsRng.fill_bytes(&mut key);
                write_private(path, &key)
                    .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
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
        let mut derive =
            <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("HMAC takes any key length");
        derive.update(b"account-api recovery codes v1");
        Ok(Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
            code_key: derive.finalize().into_bytes().into(),
        })
    }

    /// Checks that this is the key the database's secrets were sealed with, and
    /// records a check for next time: a wrong key is a clear error at start-up, not
    /// a failure on every signed call.
    pub fn check_against(&self, store: &Store) -> Result<(), String> {
        const CHECK: &str = "server-key-check";
        let wrong = || {
            "the server key does not open the secrets in this database: is it the right key file?"
                .to_owned()
        };
        let recorded = store.read_blocking(|c| meta::get(c, CHECK)).map_err(|e| e.to_string())?;
        if let Some(blob) = recorded {
            let (nonce, sealed) = blob.split_at(blob.len().min(12));
            return match self.open(CHECK, nonce, sealed) {
                Some(text) if text == CHECK => Ok(()),
                _ => Err(wrong()),
            };
        }
        // A database from before the check: try one of its keys.
        if let Some(k) = store.read_blocking(access_keys::sample).map_err(|e| e.to_string())? {
            self.open(&k.access_key_id, &k.secret_nonce, &k.secret_sealed).ok_or_else(wrong)?;
        }
        let (nonce, sealed) = self.seal(CHECK, CHECK);
        store
            .write_blocking(move |c| {
                meta::set(c, CHECK, &[nonce.as_slice(), sealed.as_slice()].concat())
            })
            .map_err(|e| e.to_string())
    }

    pub fn seal(&self, access_key_id: &str, secret: &str) -> (Vec<u8>, Vec<u8>) {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload { msg: secret.as_bytes(), aad: access_key_id.as_bytes() },
            )
            .expect("ChaCha20-Poly1305 seals any message");
        (nonce.to_vec(), sealed)
    }

    /// The keyed hash a recovery code is stored as (HMAC-SHA256): without the server
    /// key, the database does not tell the codes, even by trying all 2^50.
    pub fn code_hash(&self, code: &str) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.code_key)
            .expect("HMAC takes any key length");
        mac.update(code.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    pub fn open(&self, access_key_id: &str, nonce: &[u8], sealed: &[u8]) -> Option<String> {
        if nonce.len() != 12 {
            return None;
        }
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload { msg: sealed, aad: access_key_id.as_bytes() },
            )
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
    file.sync_all()?;
    // The new name must survive a crash too: sync the folder that holds it.
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::File::open(folder)?.sync_all()
}

/// Whether anyone but the owner may read or write the file.
fn shared_with_others(path: &Path) -> Result<bool, String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .permissions()
            .mode();
        Ok(mode & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(false)
    }
}

/// An argon2id hash in PHC form, with a random salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password")
        .to_string()
}

/// Checks a password against a PHC hash (argon2 compares in constant time).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
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
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let e = SecretBox::load_or_create(&path, false).err().unwrap();
            assert!(e.contains("chmod 600"), "{e}");
        }
    }

    #[test]
    fn a_wrong_server_key_is_found_at_start_up() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Store::open(&crate::store::Database::Sqlite(dir.path().join("db.sqlite")), 1).unwrap();
        let right = SecretBox::load_or_create(&dir.path().join("right.key"), true).unwrap();
        right.check_against(&store).unwrap();
        right.check_against(&store).expect("the same key again");
        let other = SecretBox::load_or_create(&dir.path().join("other.key"), true).unwrap();
        assert!(other.check_against(&store).unwrap_err().contains("right key file"));
    }

    #[test]
    fn passwords_hash_with_argon2id() {
        let h = hash_password("Correct-Horse-Battery-9");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Correct-Horse-Battery-9", &h));
        assert!(!verify_password("Correct-Horse-Battery-8", &h));
    }
}
