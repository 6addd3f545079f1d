//! Second factors, recovery codes and WebAuthn sign-in challenges. A TOTP secret is
//! sealed like an access key's secret (`secrets.rs`), bound to its ID (`mfa_device_id`); a recovery
//! code is kept only as a keyed hash; WebAuthn credentials hold public keys only.

use super::sql::{args, Db, DbError, Row};
use super::{Owner, StoreError};
use crate::clock;
use account_contract::{MfaDevice, MfaDeviceType};

/// Seconds a second factor may stay pending (created, not yet activated).
pub const PENDING_SECS: i64 = 600;
/// Seconds a WebAuthn sign-in challenge may be answered.
pub const CHALLENGE_SECS: i64 = 300;
/// Most unanswered sign-in challenges kept per identity (the oldest go first).
pub const MAX_CHALLENGES: i64 = 5;
/// Most pending (not yet activated) second factors kept per identity.
pub const MAX_PENDING: i64 = 5;

/// A second factor as stored.
#[derive(Debug, Clone)]
pub struct FactorRecord {
    pub mfa_device_id: String,
    pub account_id: String,
    /// The EIM user it belongs to; `None` for the account itself.
    pub user_id: Option<String>,
    pub kind: MfaDeviceType,
    pub name: String,
    pub active: bool,
    /// While pending: when it is forgotten.
    pub pending_until: Option<i64>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    /// TOTP: the base32 secret, sealed with the server key (its ID as associated data).
    pub totp_nonce: Option<Vec<u8>>,
    pub totp_sealed: Option<Vec<u8>>,
    /// TOTP: the last time step accepted; no code of that step or an earlier one is.
    pub totp_last_step: Option<i64>,
    /// WebAuthn: the credential ID (base64url), unique across all identities.
    pub credential_id: Option<String>,
    /// WebAuthn: the credential (webauthn-rs `Passkey`, JSON: public key and counter).
    pub passkey: Option<String>,
    /// WebAuthn, while pending: the registration state (webauthn-rs `PasskeyRegistration`).
    pub registration: Option<String>,
}

impl FactorRecord {
    /// Whose second factor this is.
    pub fn owner(&self) -> Owner {
        Owner { account_id: self.account_id.clone(), user_id: self.user_id.clone() }
    }

    /// A new pending second factor of `owner`.
    pub fn pending(owner: Owner, kind: MfaDeviceType, name: String, now: i64) -> Self {
        Self {
            mfa_device_id: crate::ids::mfa_device_id(),
            account_id: owner.account_id,
            user_id: owner.user_id,
            kind,
            name,
            active: false,
            pending_until: Some(now + PENDING_SECS),
            created_at: now,
            last_used_at: None,
            totp_nonce: None,
            totp_sealed: None,
            totp_last_step: None,
            credential_id: None,
            passkey: None,
            registration: None,
        }
    }

    /// The second factor as the API shows it.
    pub fn to_api(&self) -> MfaDevice {
        MfaDevice {
            mfa_device_id: self.mfa_device_id.clone(),
            name: self.name.clone(),
            kind: self.kind,
            creation_date: clock::format(self.created_at),
            last_used_date: self.last_used_at.map(clock::format),
        }
    }

    /// Whether it is pending and past its time.
    pub fn is_expired(&self, now: i64) -> bool {
        !self.active && self.pending_until.is_none_or(|t| t <= now)
    }
}

fn kind_text(kind: MfaDeviceType) -> &'static str {
    match kind {
        MfaDeviceType::Totp => "TOTP",
        MfaDeviceType::Webauthn => "WEBAUTHN",
    }
}

fn kind_of(text: &str) -> Result<MfaDeviceType, DbError> {
    match text {
        "TOTP" => Ok(MfaDeviceType::Totp),
        "WEBAUTHN" => Ok(MfaDeviceType::Webauthn),
        other => Err(DbError::Decode(format!("unknown second factor kind {other:?}"))),
    }
}

const SELECT: &str = "SELECT mfa_device_id, account_id, user_id, kind, name, active, pending_until, created_at,
    last_used_at, totp_nonce, totp_sealed, totp_last_step, credential_id, passkey, registration FROM mfa_devices";

fn from_row(row: &Row) -> Result<FactorRecord, DbError> {
    Ok(FactorRecord {
        mfa_device_id: row.get(0)?,
        account_id: row.get(1)?,
        user_id: row.get(2)?,
        kind: kind_of(&row.get::<String>(3)?)?,
        name: row.get(4)?,
        active: row.get(5)?,
        pending_until: row.get(6)?,
        created_at: row.get(7)?,
        last_used_at: row.get(8)?,
        totp_nonce: row.get(9)?,
        totp_sealed: row.get(10)?,
        totp_last_step: row.get(11)?,
        credential_id: row.get(12)?,
        passkey: row.get(13)?,
        registration: row.get(14)?,
    })
}

pub fn by_id(conn: &Db, mfa_device_id: &str) -> Result<Option<FactorRecord>, StoreError> {
    conn.query_opt(&format!("{SELECT} WHERE mfa_device_id = ?1"), args![mfa_device_id], from_row)
}

/// The active second factors of one identity, oldest first.
pub fn active_of(conn: &Db, owner: &Owner) -> Result<Vec<FactorRecord>, StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    conn.query(
        &format!(
            "{SELECT} WHERE account_id = ?1 AND user_id IS NOT DISTINCT FROM ?2 AND active = 1
                ORDER BY created_at, rowid"
        ),
        args![account_id, user_id],
        from_row,
    )
}

/// Whether the identity has an active second factor (MFA is on).
pub fn has_active(conn: &Db, owner: &Owner) -> Result<bool, StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    conn.value(
        "SELECT EXISTS (SELECT 1 FROM mfa_devices WHERE account_id = ?1
            AND user_id IS NOT DISTINCT FROM ?2 AND active = 1)",
        args![account_id, user_id],
    )
}

/// Forgets the identity's expired pending second factors, and its oldest pending ones
/// past `MAX_PENDING - 1` (room for one more).
pub fn purge_pending(conn: &Db, owner: &Owner, now: i64) -> Result<(), StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    conn.execute(
        "DELETE FROM mfa_devices WHERE account_id = ?1 AND user_id IS NOT DISTINCT FROM ?2 AND active = 0
            AND (pending_until IS NULL OR pending_until <= ?3)",
        args![account_id, user_id, now],
    )?;
    conn.execute(
        "DELETE FROM mfa_devices WHERE account_id = ?1 AND user_id IS NOT DISTINCT FROM ?2 AND active = 0
            AND mfa_device_id NOT IN (SELECT mfa_device_id FROM mfa_devices
                WHERE account_id = ?1 AND user_id IS NOT DISTINCT FROM ?2 AND active = 0
                ORDER BY created_at DESC, rowid DESC LIMIT ?3)",
        args![account_id, user_id, MAX_PENDING - 1],
    )
    .map(drop)
}

pub fn insert(conn: &Db, d: &FactorRecord) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO mfa_devices (mfa_device_id, account_id, user_id, kind, name, active, pending_until, created_at,
            last_used_at, totp_nonce, totp_sealed, totp_last_step, credential_id, passkey, registration)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        args![
            d.mfa_device_id, d.account_id, d.user_id, kind_text(d.kind), d.name, d.active, d.pending_until,
            d.created_at, d.last_used_at, d.totp_nonce, d.totp_sealed, d.totp_last_step, d.credential_id,
            d.passkey, d.registration
        ],
    )
    .map(drop)
}

/// Activates a pending authenticator app whose first code was of time step `step`:
/// that code, and every earlier one, is used. `false` if it was not pending.
pub fn activate_totp(
    conn: &Db,
    mfa_device_id: &str,
    step: i64,
    now: i64,
) -> Result<bool, StoreError> {
    conn.execute(
        "UPDATE mfa_devices SET active = 1, pending_until = NULL, totp_last_step = ?2, created_at = ?3
            WHERE mfa_device_id = ?1 AND active = 0",
        args![mfa_device_id, step, now],
    )
    .map(|n| n == 1)
}

/// Activates a pending security key with its credential. A credential already
/// registered (to anyone) is refused
/// (`StoreError::Duplicate`). `false` if it was not pending.
pub fn activate_webauthn(
    conn: &Db,
    mfa_device_id: &str,
    credential_id: &str,
    passkey: &str,
    now: i64,
) -> Result<bool, StoreError> {
    conn.execute(
        "UPDATE mfa_devices SET active = 1, pending_until = NULL, registration = NULL, credential_id = ?2,
            passkey = ?3, created_at = ?4 WHERE mfa_device_id = ?1 AND active = 0",
        args![mfa_device_id, credential_id, passkey, now],
    )
    .map(|n| n == 1)
}

pub fn delete(conn: &Db, mfa_device_id: &str) -> Result<bool, StoreError> {
    conn.execute("DELETE FROM mfa_devices WHERE mfa_device_id = ?1", args![mfa_device_id])
        .map(|n| n > 0)
}

/// Accepts a TOTP code of time step `step` for an active authenticator app: only a step later
/// than the last one accepted (so a code works once). `false` when it is not later.
pub fn accept_totp_step(
    conn: &Db,
    mfa_device_id: &str,
    step: i64,
    now: i64,
) -> Result<bool, StoreError> {
    conn.execute(
        "UPDATE mfa_devices SET totp_last_step = ?2, last_used_at = ?3
            WHERE mfa_device_id = ?1 AND active = 1 AND (totp_last_step IS NULL OR totp_last_step < ?2)",
        args![mfa_device_id, step, now],
    )
    .map(|n| n == 1)
}

/// Saves a security key's credential after a sign-in (its counter), and when it was used.
pub fn save_passkey(
    conn: &Db,
    mfa_device_id: &str,
    passkey: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE mfa_devices SET passkey = ?2, last_used_at = ?3 WHERE mfa_device_id = ?1 AND active = 1",
        args![mfa_device_id, passkey, now],
    )
    .map(drop)
}

/// Voids the identity's recovery codes.
pub fn delete_recovery_codes(conn: &Db, owner: &Owner) -> Result<(), StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    conn.execute(
        "DELETE FROM recovery_codes WHERE account_id = ?1 AND user_id IS NOT DISTINCT FROM ?2",
        args![account_id, user_id],
    )
    .map(drop)
}

/// Replaces the identity's recovery codes with these keyed hashes.
pub fn replace_recovery_codes(
    conn: &Db,
    owner: &Owner,
    hashes: &[Vec<u8>],
    now: i64,
) -> Result<(), StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    delete_recovery_codes(conn, owner)?;
    for hash in hashes {
        conn.execute(
            "INSERT INTO recovery_codes (account_id, user_id, code_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            args![account_id, user_id, hash, now],
        )?;
    }
    Ok(())
}

/// Uses up the recovery code with this keyed hash: `true` if it was there (and is
/// now gone), in one statement, so two requests cannot both use it.
pub fn use_recovery_code(conn: &Db, owner: &Owner, hash: &[u8]) -> Result<bool, StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    conn.execute(
        "DELETE FROM recovery_codes WHERE rowid = (SELECT rowid FROM recovery_codes
            WHERE account_id = ?1 AND user_id IS NOT DISTINCT FROM ?2 AND code_hash = ?3 LIMIT 1)",
        args![account_id, user_id, hash],
    )
    .map(|n| n == 1)
}

pub fn recovery_codes_left(conn: &Db, owner: &Owner) -> Result<u32, StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    conn.value(
        "SELECT COUNT(*) FROM recovery_codes WHERE account_id = ?1 AND user_id IS NOT DISTINCT FROM ?2",
        args![account_id, user_id],
    )
}

/// Keeps a WebAuthn sign-in challenge (its webauthn-rs `PasskeyAuthentication` state)
/// for `CHALLENGE_SECS`; expired ones go, and the identity keeps at most
/// `MAX_CHALLENGES` (the oldest go first).
pub fn insert_challenge(
    conn: &Db,
    owner: &Owner,
    challenge: &str,
    state: &str,
    now: i64,
) -> Result<(), StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    conn.execute("DELETE FROM webauthn_challenges WHERE expires_at <= ?1", args![now])?;
    conn.execute(
        "DELETE FROM webauthn_challenges WHERE account_id = ?1 AND user_id IS NOT DISTINCT FROM ?2
            AND challenge NOT IN (SELECT challenge FROM webauthn_challenges
                WHERE account_id = ?1 AND user_id IS NOT DISTINCT FROM ?2
                ORDER BY expires_at DESC, rowid DESC LIMIT ?3)",
        args![account_id, user_id, MAX_CHALLENGES - 1],
    )?;
    conn.execute(
        "INSERT INTO webauthn_challenges (challenge, account_id, user_id, state, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        args![challenge, account_id, user_id, state, now + CHALLENGE_SECS],
    )
    .map(drop)
}

/// Takes (and so uses up) the identity's unexpired challenge `challenge`: its state.
pub fn take_challenge(
    conn: &Db,
    owner: &Owner,
    challenge: &str,
    now: i64,
) -> Result<Option<String>, StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    conn.query_opt(
        "DELETE FROM webauthn_challenges WHERE challenge = ?1 AND account_id = ?2
            AND user_id IS NOT DISTINCT FROM ?3 AND expires_at > ?4 RETURNING state",
        args![challenge, account_id, user_id, now],
        |r| r.get(0),
    )
}

/// The second factor holding a WebAuthn credential (base64url ID), if any.
pub fn by_credential_id(
    conn: &Db,
    credential_id: &str,
) -> Result<Option<FactorRecord>, StoreError> {
    conn.query_opt(&format!("{SELECT} WHERE credential_id = ?1"), args![credential_id], from_row)
}
