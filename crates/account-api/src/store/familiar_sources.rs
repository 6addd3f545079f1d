//! The sources each identity completed a sign-in from (`auth::familiar` decides what
//! they mean): client addresses, and digests of device cookies. Bounded per identity
//! and forgotten when unseen for long, so the table cannot grow without sign-ins.

use super::sql::{args, Db};
use super::StoreError;

/// Most sources of one kind kept per identity; past it the least recently seen go.
pub const KEEP_PER_KIND: i64 = 20;
/// A source unseen for this long is no longer familiar, and is forgotten.
pub const FORGET_AFTER_SECS: i64 = 90 * 86_400;

/// What a familiar source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A client address (an IPv4 address, or an IPv6 /64), as text.
    Address,
    /// The SHA-256 of a device cookie, hex.
    Device,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Address => "address",
            Kind::Device => "device",
        }
    }
}

/// Whether `identity` completed a sign-in from this source in the last 90 days.
pub fn is_familiar(
    conn: &Db,
    identity: &str,
    kind: Kind,
    value: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let seen: Option<i64> = conn.query_opt(
        "SELECT last_seen FROM familiar_sources WHERE identity = ?1 AND kind = ?2 AND value = ?3",
        args![identity, kind.as_str(), value],
        |r| r.get(0),
    )?;
    Ok(seen.is_some_and(|at| at > now - FORGET_AFTER_SECS))
}

/// Notes that `identity` completed a sign-in from this source now. A new source also
/// trims what is kept: the most recent `KEEP_PER_KIND` of its kind for the identity,
/// and no source unseen for 90 days (a known one costs one update, so sign-ins on
/// PostgreSQL do not all scan the same rows).
pub fn seen(
    conn: &Db,
    identity: &str,
    kind: Kind,
    value: &str,
    now: i64,
) -> Result<(), StoreError> {
    let kind = kind.as_str();
    let known = conn.execute(
        "UPDATE familiar_sources SET last_seen = ?4 WHERE identity = ?1 AND kind = ?2 AND value = ?3",
        args![identity, kind, value, now],
    )?;
    if known > 0 {
        return Ok(());
    }
    // Another sign-in from the same new source may have inserted it meanwhile.
    conn.execute(
        "INSERT INTO familiar_sources (identity, kind, value, last_seen) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (identity, kind, value) DO UPDATE SET last_seen = ?4",
        args![identity, kind, value, now],
    )?;
    conn.execute(
        "DELETE FROM familiar_sources WHERE identity = ?1 AND kind = ?2 AND value NOT IN
            (SELECT value FROM familiar_sources WHERE identity = ?1 AND kind = ?2
                ORDER BY last_seen DESC, value LIMIT ?3)",
        args![identity, kind, KEEP_PER_KIND],
    )?;
    conn.execute(
        "DELETE FROM familiar_sources WHERE last_seen <= ?1",
        args![now - FORGET_AFTER_SECS],
    )?;
    Ok(())
}
