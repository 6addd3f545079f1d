//! One-time codes: TOTP for authenticator apps (RFC 6238: HMAC-SHA-1, 6 digits, 30
//! seconds, as every app expects), its `otpauth://` URI and QR code, and recovery codes.

use account_contract::{TotpSetup, TOTP_DIGITS, TOTP_STEP_SECS};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use subtle::ConstantTimeEq;

/// The issuer an authenticator app shows beside the login.
pub const ISSUER: &str = "OUTSCALE";

/// A new TOTP secret: 20 random bytes (160 bits, RFC 4226's recommendation), in base32
/// without padding (32 characters).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    data_encoding::BASE32_NOPAD.encode(&bytes)
}

/// The time step of a Unix time.
pub fn step_of(unix: i64) -> i64 {
    unix.div_euclid(TOTP_STEP_SECS as i64)
}

/// The code of one time step (RFC 4226's HOTP with the step as counter), `TOTP_DIGITS` digits.
pub fn code_at(secret: &[u8], step: i64) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&(step as u64).to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[hash.len() - 1] & 0x0f) as usize;
    let binary =
        u32::from_be_bytes([hash[offset], hash[offset + 1], hash[offset + 2], hash[offset + 3]])
            & 0x7fff_ffff;
    format!("{:0width$}", binary % 10u32.pow(TOTP_DIGITS as u32), width = TOTP_DIGITS)
}

/// The time step whose code `code` is (spaces ignored), among the step of `now` and one
/// either side, later than `after` (the last step accepted): a code is accepted once.
/// `None` for a wrong, malformed, stale or used code, or a secret that is not base32.
pub fn matching_step(secret_base32: &str, code: &str, now: i64, after: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != TOTP_DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secret = data_encoding::BASE32_NOPAD.decode(secret_base32.as_bytes()).ok()?;
    let current = step_of(now);
    let mut found = None;
    // Every candidate is computed and compared, whichever matches.
    for step in current - 1..=current + 1 {
        let matches: bool = code_at(&secret, step).as_bytes().ct_eq(code.as_bytes()).into();
        if matches && after.is_none_or(|last| step > last) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// `otpauth://totp/OUTSCALE:<login>?secret=…&issuer=OUTSCALE&algorithm=SHA1&digits=6&period=30`.
pub fn otpauth_uri(login: &str, secret_base32: &str) -> String {
    format!(
        "otpauth://totp/{ISSUER}:{}?secret={secret_base32}&issuer={ISSUER}&algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP_SECS}",
        percent_encode(login)
    )
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The QR code of `text`: a row of `1` (dark) and `0` per line, without the quiet zone.
pub fn qr_rows(text: &str) -> Vec<String> {
    use qrcodegen::{QrCode, QrCodeEcc};
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).expect("an otpauth URI fits a QR code");
    (0..qr.size())
        .map(|y| (0..qr.size()).map(|x| if qr.get_module(x, y) { '1' } else { '0' }).collect())
        .collect()
}

/// What an authenticator app needs for `login`'s secret.
pub fn setup(login: &str, secret_base32: &str) -> TotpSetup {
    let uri = otpauth_uri(login, secret_base32);
    TotpSetup { secret: secret_base32.to_owned(), qr_code: qr_rows(&uri), otp_auth_uri: uri }
}

/// Lower-case letters and digits, without `l`, `o`, `0` and `1`: 32 symbols, 5 bits each.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";

/// A new recovery code, `xxxxx-xxxxx`: ten symbols of 32, 50 bits.
pub fn new_recovery_code() -> String {
    let symbol = || RECOVERY_ALPHABET[OsRng.gen_range(0..RECOVERY_ALPHABET.len())] as char;
    let first: String = (0..5).map(|_| symbol()).collect();
    let second: String = (0..5).map(|_| symbol()).collect();
    format!("{first}-{second}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B (SHA-1, 8 digits there; the last 6 are the 6-digit code).
    #[test]
    fn totp_matches_rfc_6238() {
        let secret = b"12345678901234567890";
        for (unix, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code_at(secret, step_of(unix)), eight[2..], "at {unix}");
        }
    }

    #[test]
    fn a_code_is_accepted_in_its_window_and_once() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        let raw = data_encoding::BASE32_NOPAD.decode(secret.as_bytes()).unwrap();
        let now = 1_700_000_015;
        let step = step_of(now);
        let code = code_at(&raw, step);
        assert_eq!(matching_step(&secret, &code, now, None), Some(step));
        assert_eq!(
            matching_step(&secret, &format!("{} {}", &code[..3], &code[3..]), now, None),
            Some(step)
        );
        assert_eq!(matching_step(&secret, &code, now + 30, None), Some(step), "one step late");
        assert_eq!(matching_step(&secret, &code, now - 30, None), Some(step), "one step early");
        assert_eq!(matching_step(&secret, &code, now + 60, None), None, "two steps late");
        assert_eq!(matching_step(&secret, &code, now, Some(step)), None, "used");
        assert_eq!(matching_step(&secret, &code, now, Some(step - 1)), Some(step));
        let previous = code_at(&raw, step - 1);
        assert_eq!(matching_step(&secret, &previous, now, Some(step)), None, "older than the last");
        for bad in ["", "12345", "1234567", "abcdef"] {
            assert_eq!(matching_step(&secret, bad, now, None), None);
        }
    }

    #[test]
    fn the_uri_names_the_issuer_and_the_login() {
        assert_eq!(
            otpauth_uri("123456789012/alice bob", "ABC"),
            "otpauth://totp/OUTSCALE:123456789012%2Falice%20bob?secret=ABC&issuer=OUTSCALE&algorithm=SHA1&digits=6&period=30"
        );
        let rows = qr_rows(&otpauth_uri("a@example.com", &new_secret()));
        assert!(rows.len() >= 21 && rows.iter().all(|r| r.len() == rows.len()));
        assert!(rows.iter().all(|r| r.bytes().all(|b| b == b'0' || b == b'1')));
        // A finder pattern in the top-left corner: no quiet zone.
        assert_eq!(rows[0][..7], *"1111111");
    }

    #[test]
    fn recovery_codes_have_fifty_bits_in_two_groups() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert!(code.bytes().filter(|b| *b != b'-').all(|b| RECOVERY_ALPHABET.contains(&b)));
        assert_ne!(new_recovery_code(), code);
    }
}
