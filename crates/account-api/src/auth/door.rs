//! The door: a call in progress (`Ctx`) and the one way its handler reaches storage.
//!
//! `ctx.read(|tx| …)` reads. `ctx.write(|tx| …)` writes, and inside the write's own
//! transaction, before the closure runs, always checks that the credentials the call
//! was made with still hold (`Caller::still_valid`): a session revoked, a key
//! deactivated or a password changed while the call waited means the write does not
//! land. Calls cannot skip it: the store is private to `auth` (`BehindDoor`).
//!
//! `ctx.write_one(statement, answer)` is the same write when it is one statement known
//! before it runs (UpdateAccount's): the credentials' check is then a requirement sent
//! with it (`Caller::key_requirements`), and PostgreSQL sends the whole transaction in
//! one round trip from the async threads (`Store::write_one`).
//!
//! Dry runs (`DryRun: true`) follow one rule, here: the write runs as the real call
//! would (credentials checked, every rule of the closure applied) and is then rolled
//! back, so a dry run answers what the real call would and changes nothing. A handler
//! reads `ctx.dry_run` only to skip work outside storage (hashing a new password) and
//! to shape its answer (OAPI answers a dry run without the object).
//!
//! Rules that hold for some calls only belong here too, checked in the same
//! transaction: a request its call declares sensitive (`calls::Serve::sensitive`: the
//! sign-in email, second factors, an EIM user's first password…) needs, from a
//! session, a recent proof of the password and second factor ("sudo mode", GitHub's
//! name: the sign-in, or `CreateReauthentication`, within `reauthentication_secs`);
//! the dispatch sets `sensitive`, and every write of the call checks it
//! (`Caller::recently_proved`). Permanent keys and Basic are not sessions: OUTSCALE's rules.

use std::sync::Arc;

use account_contract::{ApiError, ErrorCode, ResponseContext};

use super::familiar::Source;
use super::AppState;
use crate::failure::credentials_revoked;
use crate::store::access_keys::SessionOf;
use crate::store::sessions;
use crate::store::sql::{Query, Row};
use crate::store::{self, AccountRecord, Db, Owner, StoreError};

/// One call in progress: who makes it, from where, when, under which request ID.
pub struct Ctx {
    pub state: AppState,
    pub caller: Caller,
    /// Where the call comes from: the client's address and the device cookies it
    /// carries, as the lockout and the cap on password checks tell clients apart.
    pub source: Source,
    /// The client's User-Agent (read for sign-ins only).
    pub user_agent: Option<String>,
    pub request_id: String,
    pub now: i64,
    /// The request asked for a dry run: writes are rolled back.
    pub dry_run: bool,
    /// The request makes a sensitive change: from a session, its writes need a recent
    /// proof of the password (`Caller::recently_proved`).
    pub sensitive: bool,
}

/// How a write through the door ends without committing.
enum Undone<T> {
    Failed(ApiError),
    /// A dry run's result, rolled back.
    DryRun(T),
}

impl<T> From<StoreError> for Undone<T> {
    fn from(e: StoreError) -> Self {
        Undone::Failed(e.into())
    }
}

impl Ctx {
    pub fn context(&self) -> ResponseContext {
        ResponseContext { request_id: self.request_id.clone() }
    }

    /// Fails early, before any password work, when a sensitive request from a session
    /// has no recent proof; the write checks it again in its transaction.
    pub async fn check_sensitive(&self) -> Result<(), ApiError> {
        if !self.sensitive {
            return Ok(());
        }
        self.recently_proved().await
    }

    /// Fails unless the caller may make a sensitive change now (`Caller::recently_proved`).
    async fn recently_proved(&self) -> Result<(), ApiError> {
        if self.caller.session.is_none() {
            return Ok(());
        }
        let (caller, now, window) =
            (self.caller.clone(), self.now, self.state.reauthentication_secs);
        self.read(move |c| caller.recently_proved(c, now, window)).await
    }

    /// The account's row, from memory while storage vouches for it (`AppState::accounts`).
    pub async fn account(&self, account_id: &str) -> Result<Option<Arc<AccountRecord>>, ApiError> {
        let accounts = &self.state.accounts;
        if let Some(found) = accounts.get(account_id) {
            return Ok(Some(found));
        }
        let epoch = accounts.epoch();
        let found = store::accounts::read_now(&self.state.store.0, account_id).await?;
        Ok(found.map(|record| accounts.keep(account_id, epoch, record)))
    }

    /// Reads for this call.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T, ApiError> + Send + 'static,
    {
        self.state.store.read(f).await
    }

    /// Writes for this call, in one transaction: the caller's credentials checked
    /// again first, and for a sensitive request its recent proof, then `f`; a dry run
    /// is rolled back (see the module's rule).
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T, ApiError> + Clone + Send + 'static,
    {
        self.write_proving(self.sensitive, f).await
    }

    /// `write`, for a change its handler finds sensitive by what it asks rather than by
    /// its call's rule (a key asked to outlive its session): the recent proof is
    /// checked first, and again inside the write.
    pub async fn write_sensitive<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T, ApiError> + Clone + Send + 'static,
    {
        self.recently_proved().await?;
        self.write_proving(true, f).await
    }

    /// `write`, for a write that is one statement known before it runs: `answer` reads
    /// its rows, or its failure. When the credentials' check is all the door must add
    /// (a signed call, not sensitive, not a dry run), it goes with the statement as
    /// requirements (`Store::write_one`); otherwise the statement runs as `write`'s.
    pub async fn write_one<T, A>(&self, statement: Query, answer: A) -> Result<T, ApiError>
    where
        T: Send + 'static,
        A: FnOnce(Result<Vec<Row>, StoreError>) -> Result<T, ApiError> + Clone + Send + 'static,
    {
        if self.dry_run || self.sensitive || self.caller.password_hash.is_some() {
            return self
                .write(move |tx| {
                    answer(tx.fetch_ending(&statement.sql, &statement.args).map_err(Into::into))
                })
                .await;
        }
        let requirements = self.caller.key_requirements();
        answer(self.state.store.0.write_one(requirements, statement).await)
    }

    async fn write_proving<T, F>(&self, sensitive: bool, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T, ApiError> + Clone + Send + 'static,
    {
        let (caller, dry_run) = (self.caller.clone(), self.dry_run);
        let proof = sensitive.then_some((self.now, self.state.reauthentication_secs));
        let write = move |tx: &Db| {
            caller.still_valid(tx).map_err(Undone::Failed)?;
            if let Some((now, window)) = proof {
                caller.recently_proved(tx, now, window).map_err(Undone::Failed)?;
            }
            let value = f(tx).map_err(Undone::Failed)?;
            if dry_run {
                return Err(Undone::DryRun(value));
            }
            Ok(value)
        };
        let store = &self.state.store.0;
        // Only a write meant to land may commit with its last statement (`Sql::fetch_ending`).
        let written =
            if dry_run { store.write(write).await } else { store.write_ending(write).await };
        match written {
            Ok(value) | Err(Undone::DryRun(value)) => Ok(value),
            Err(Undone::Failed(e)) => Err(e),
        }
    }
}

/// The identity a request acts as.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account, or the EIM user acting.
    pub owner: Owner,
    /// The key that signed the request; `None` for email/password.
    pub access_key_id: Option<String>,
    /// The session the signing key belongs to, if it does.
    pub session: Option<SessionOf>,
    /// For email/password: the password hash that matched. A write made for this call
    /// checks it is still current, so a check in flight during a password change fails.
    pub password_hash: Option<String>,
}

/// What a sensitive change from a session without a recent proof answers.
pub fn reauthentication_required() -> ApiError {
    ApiError::new(
        ErrorCode::ReauthenticationRequired,
        "Reauthentication required: this change needs the password (and the second factor) proved again in this session (CreateReauthentication).",
    )
}

impl Caller {
    /// Fails unless the caller may make a sensitive change now: it signs with a
    /// permanent key or a password, or its session proved the password (and second
    /// factor) less than `window` seconds ago.
    pub fn recently_proved(&self, conn: &Db, now: i64, window: i64) -> Result<(), ApiError> {
        let Some(session) = &self.session else { return Ok(()) };
        match sessions::proved_at(conn, &session.id)? {
            Some(at) if now - at < window => Ok(()),
            _ => Err(reauthentication_required()),
        }
    }

    /// The signing key's part of `still_valid`: the key still active, and its
    /// session's key still there (`access_keys::still_active`).
    pub fn key_requirements(&self) -> Vec<Query> {
        let session = self.session.as_ref().map(|s| s.id.as_str());
        self.access_key_id
            .iter()
            .map(|key| store::access_keys::still_active(key, session))
            .collect()
    }

    /// Fails unless the credentials this call was made with still hold, inside the
    /// write that acts on them: the signing key (and its session) still exist, or the
    /// password checked is still the identity's.
    ///
    /// The key's check is a requirement of the write (`Sql::require`): PostgreSQL asks
    /// it in the round trip of the write's first statement, and a key that no longer
    /// holds rolls the whole write back (`StoreError::Unmet`, answered as
    /// `credentials_revoked`).
    pub fn still_valid(&self, conn: &Db) -> Result<(), ApiError> {
        for required in self.key_requirements() {
            required.require(conn).map_err(StoreError::from)?;
        }
        if let Some(checked) = &self.password_hash {
            let current = super::identity_of(conn, &self.owner)?;
            if current.as_ref().and_then(super::Identity::password_hash) != Some(checked.as_str()) {
                return Err(credentials_revoked());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::resolve_login;
    use crate::store::{accounts, passwords, NewAccount, Store};

    /// A password check that passed before a password change no longer vouches for
    /// the writes of its request (a Basic `CreateAccessKey` in flight, say).
    #[test]
    fn a_password_check_made_before_a_change_is_void_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Store::open(&crate::store::Database::Sqlite(dir.path().join("db.sqlite")), 1).unwrap();
        let new = NewAccount {
            account_id: "123456789012".into(),
            customer_id: "12345678".into(),
            email: "a@example.com".into(),
            password_hash: "$argon2id$old".into(),
            profile: Default::default(),
            now: 1,
        };
        store.write_blocking(move |c| accounts::insert(c, &new)).unwrap();
        let identity: Option<_> =
            store.read_blocking(|c| resolve_login(c, "a@example.com")).unwrap();
        let caller = identity.unwrap().password_caller();
        let check = caller.clone();
        store.read_blocking(move |c| check.still_valid(c)).expect("valid before the change");
        let owner = Owner::account("123456789012");
        store.write_blocking(move |c| passwords::set(c, &owner, "$argon2id$new", 2, 10)).unwrap();
        let e = store.read_blocking(move |c| caller.still_valid(c)).unwrap_err();
        assert_eq!((e.status, e.items[0].code.as_str()), (401, "1"));
    }
}
