//! The schema, as numbered migrations applied in order at start: one list per engine,
//! the same numbers, the same tables and columns (a test compares them). SQLite keeps
//! its count in `PRAGMA user_version`, PostgreSQL in `account_api_schema`.
//!
//! PostgreSQL differs only in types (BIGINT, BYTEA) and in a `rowid` column on the
//! tables whose queries order by insertion (SQLite has one implicitly), so the same
//! SQL runs on both.

/// Schema versions, applied in order; `PRAGMA user_version` says how many ran.
pub const SQLITE: &[&str] = &[
    // 1: accounts, their password history, access keys, failed sign-in counters.
    "CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        email TEXT NOT NULL,
        email_key TEXT NOT NULL UNIQUE,
        first_name TEXT, last_name TEXT, job_title TEXT,
        phone_number TEXT, mobile_number TEXT,
        company_name TEXT, vat_number TEXT,
        city TEXT, zip_code TEXT, state_province TEXT, country TEXT,
        additional_emails TEXT NOT NULL DEFAULT '[]',
        outscale_login_allowed INTEGER NOT NULL DEFAULT 1,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
     );
     CREATE TABLE password_history (
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
     );
     CREATE INDEX password_history_account ON password_history(account_id, created_at);
     CREATE TABLE access_keys (
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        secret_nonce BLOB NOT NULL,
        secret_sealed BLOB NOT NULL,
        state TEXT NOT NULL,
        tag TEXT,
        expires_at INTEGER,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL
     );
     CREATE INDEX access_keys_account ON access_keys(account_id);
     CREATE TABLE login_failures (
        identity TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locked_until INTEGER NOT NULL
     );",
    // 2: EIM users; access keys and password history may belong to one.
    "CREATE TABLE users (
        user_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        user_name TEXT NOT NULL,
        user_email TEXT,
        path TEXT NOT NULL DEFAULT '/',
        password_hash TEXT,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        UNIQUE (account_id, user_name)
     );
     ALTER TABLE access_keys ADD COLUMN user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE;
     ALTER TABLE password_history ADD COLUMN user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE;
     CREATE INDEX access_keys_user ON access_keys(user_id);",
    // 3: sessions (a key created with email/password, and every key created under it),
    // keys whose state or expiration the account decided, when failures were last
    // counted (old counters are purged), and a check that the server key is the right one.
    "ALTER TABLE access_keys ADD COLUMN session_id TEXT;
     ALTER TABLE access_keys ADD COLUMN account_controlled INTEGER NOT NULL DEFAULT 0;
     CREATE INDEX access_keys_session ON access_keys(session_id);
     ALTER TABLE login_failures ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
     CREATE INDEX login_failures_updated ON login_failures(updated_at);
     CREATE TABLE server_meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);",
    // 4: second factors (authenticator apps, WebAuthn credentials), recovery codes (keyed
    // hashes only), WebAuthn sign-in challenges. Each belongs to the account (`user_id`
    // NULL) or one of its users, and goes with it.
    "CREATE TABLE mfa_devices (
        mfa_device_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 0,
        pending_until INTEGER,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        totp_nonce BLOB,
        totp_sealed BLOB,
        totp_last_step INTEGER,
        credential_id TEXT UNIQUE,
        passkey TEXT,
        registration TEXT
     );
     CREATE INDEX mfa_devices_owner ON mfa_devices(account_id, user_id);
     CREATE TABLE recovery_codes (
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
        code_hash BLOB NOT NULL,
        created_at INTEGER NOT NULL
     );
     CREATE INDEX recovery_codes_owner ON recovery_codes(account_id, user_id, code_hash);
     CREATE TABLE webauthn_challenges (
        challenge TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
        state TEXT NOT NULL,
        expires_at INTEGER NOT NULL
     );
     CREATE INDEX webauthn_challenges_owner ON webauthn_challenges(account_id, user_id, expires_at);
     CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges(expires_at);",
    // 5: the device of each session (sessions as devices).
    "CREATE TABLE session_devices (
        session_id TEXT PRIMARY KEY REFERENCES access_keys(access_key_id) ON DELETE CASCADE,
        browser TEXT,
        os TEXT,
        client_ip TEXT,
        last_active_at INTEGER NOT NULL
     );",
    // 6: consecutive wrong second-factor codes per identity (`account:ID`, `user:ID`),
    // never forgotten with time: only a right factor, a recovery code or the operator
    // clears them.
    "CREATE TABLE mfa_failures (
        identity TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
     );",
    // 7: the sources each identity signed in from (smart lockout, `auth/familiar.rs`): a
    // client address, or the SHA-256 of a device cookie (never the cookie itself).
    "CREATE TABLE familiar_sources (
        identity TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        last_seen INTEGER NOT NULL,
        PRIMARY KEY (identity, kind, value)
     );
     CREATE INDEX familiar_sources_seen ON familiar_sources(last_seen);",
    // 8: when the session last proved its password (and second factor): recent
    // re-authentication. NULL: never since the server knew (a sign-in sets it).
    "ALTER TABLE session_devices ADD COLUMN proved_at INTEGER;",
    // 9: changes the caches above storage must hear of (`store/changes.rs`): whatever
    // deletes an access key (a session ended, a user deleted, by this server or the
    // command line) or changes its state or expiry, and whatever changes an account's
    // row, moves a counter the server watches. On PostgreSQL the key triggers notify
    // instead, and accounts are not cached (the table is kept on both so that the
    // engines have the same tables).
    "CREATE TABLE cache_changes (
        what TEXT PRIMARY KEY,
        generation INTEGER NOT NULL
     );
     INSERT INTO cache_changes (what, generation) VALUES ('access_keys', 0), ('accounts', 0);
     CREATE TRIGGER access_key_deleted AFTER DELETE ON access_keys
     BEGIN UPDATE cache_changes SET generation = generation + 1 WHERE what = 'access_keys'; END;
     CREATE TRIGGER access_key_changed AFTER UPDATE OF state, expires_at, session_id ON access_keys
        WHEN OLD.state IS NOT NEW.state OR OLD.expires_at IS NOT NEW.expires_at
            OR OLD.session_id IS NOT NEW.session_id
     BEGIN UPDATE cache_changes SET generation = generation + 1 WHERE what = 'access_keys'; END;
     CREATE TRIGGER account_changed AFTER UPDATE ON accounts
     BEGIN UPDATE cache_changes SET generation = generation + 1 WHERE what = 'accounts'; END;
     CREATE TRIGGER account_deleted AFTER DELETE ON accounts
     BEGIN UPDATE cache_changes SET generation = generation + 1 WHERE what = 'accounts'; END;",
    // 10: PostgreSQL's `account_api_require`, which SQLite does not need (a write's
    // requirements are asked at once there); kept so that both count the same versions.
    "",
    // 11: PostgreSQL's revocation notice, which SQLite does not need (its counters).
    "",
    // 12: when each access key last signed a call, and from which client address
    // (`ReadAccessKeys`' `LastUsedDate`, `LastUsedClientIp`), written at most once a
    // minute. A table of its own: the write touches no row that a call's credential
    // check reads, and moves none of the triggers above.
    "CREATE TABLE access_key_uses (
        access_key_id TEXT PRIMARY KEY REFERENCES access_keys(access_key_id) ON DELETE CASCADE,
        last_used_at INTEGER NOT NULL,
        client_ip TEXT NOT NULL
     );",
];

/// The same migrations for PostgreSQL.
pub const POSTGRES: &[&str] = &[
    // 1
    "CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        email TEXT NOT NULL,
        email_key TEXT NOT NULL UNIQUE,
        first_name TEXT, last_name TEXT, job_title TEXT,
        phone_number TEXT, mobile_number TEXT,
        company_name TEXT, vat_number TEXT,
        city TEXT, zip_code TEXT, state_province TEXT, country TEXT,
        additional_emails TEXT NOT NULL DEFAULT '[]',
        outscale_login_allowed BIGINT NOT NULL DEFAULT 1,
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL
     );
     CREATE TABLE password_history (
        rowid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL
     );
     CREATE INDEX password_history_account ON password_history(account_id, created_at);
     CREATE TABLE access_keys (
        rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        secret_nonce BYTEA NOT NULL,
        secret_sealed BYTEA NOT NULL,
        state TEXT NOT NULL,
        tag TEXT,
        expires_at BIGINT,
        created_at BIGINT NOT NULL,
        modified_at BIGINT NOT NULL
     );
     CREATE INDEX access_keys_account ON access_keys(account_id);
     CREATE TABLE login_failures (
        identity TEXT PRIMARY KEY,
        failures BIGINT NOT NULL,
        locked_until BIGINT NOT NULL
     );",
    // 2
    "CREATE TABLE users (
        user_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        user_name TEXT NOT NULL,
        user_email TEXT,
        path TEXT NOT NULL DEFAULT '/',
        password_hash TEXT,
        created_at BIGINT NOT NULL,
        modified_at BIGINT NOT NULL,
        UNIQUE (account_id, user_name)
     );
     ALTER TABLE access_keys ADD COLUMN user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE;
     ALTER TABLE password_history ADD COLUMN user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE;
     CREATE INDEX access_keys_user ON access_keys(user_id);",
    // 3
    "ALTER TABLE access_keys ADD COLUMN session_id TEXT;
     ALTER TABLE access_keys ADD COLUMN account_controlled BIGINT NOT NULL DEFAULT 0;
     CREATE INDEX access_keys_session ON access_keys(session_id);
     ALTER TABLE login_failures ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
     CREATE INDEX login_failures_updated ON login_failures(updated_at);
     CREATE TABLE server_meta (name TEXT PRIMARY KEY, value BYTEA NOT NULL);",
    // 4
    "CREATE TABLE mfa_devices (
        rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        mfa_device_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        active BIGINT NOT NULL DEFAULT 0,
        pending_until BIGINT,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT,
        totp_nonce BYTEA,
        totp_sealed BYTEA,
        totp_last_step BIGINT,
        credential_id TEXT UNIQUE,
        passkey TEXT,
        registration TEXT
     );
     CREATE INDEX mfa_devices_owner ON mfa_devices(account_id, user_id);
     CREATE TABLE recovery_codes (
        rowid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
        code_hash BYTEA NOT NULL,
        created_at BIGINT NOT NULL
     );
     CREATE INDEX recovery_codes_owner ON recovery_codes(account_id, user_id, code_hash);
     CREATE TABLE webauthn_challenges (
        rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        challenge TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
        state TEXT NOT NULL,
        expires_at BIGINT NOT NULL
     );
     CREATE INDEX webauthn_challenges_owner ON webauthn_challenges(account_id, user_id, expires_at);
     CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges(expires_at);",
    // 5
    "CREATE TABLE session_devices (
        session_id TEXT PRIMARY KEY REFERENCES access_keys(access_key_id) ON DELETE CASCADE,
        browser TEXT,
        os TEXT,
        client_ip TEXT,
        last_active_at BIGINT NOT NULL
     );",
    // 6
    "CREATE TABLE mfa_failures (
        identity TEXT PRIMARY KEY,
        failures BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
     );",
    // 7
    "CREATE TABLE familiar_sources (
        identity TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        last_seen BIGINT NOT NULL,
        PRIMARY KEY (identity, kind, value)
     );
     CREATE INDEX familiar_sources_seen ON familiar_sources(last_seen);",
    // 8
    "ALTER TABLE session_devices ADD COLUMN proved_at BIGINT;",
    // 9: every instance LISTENs on `account_api_revocations` (`engine/pg_watch.rs`);
    // the writing transaction notes it in `account_api.revoked` for its own instance,
    // which reads it with its COMMIT.
    "CREATE TABLE cache_changes (
        what TEXT PRIMARY KEY,
        generation BIGINT NOT NULL
     );
     INSERT INTO cache_changes (what, generation) VALUES ('access_keys', 0), ('accounts', 0);
     CREATE FUNCTION account_api_key_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
        PERFORM pg_notify('account_api_revocations', '');
        PERFORM set_config('account_api.revoked', 'yes', true);
        RETURN NULL;
     END $$;
     CREATE TRIGGER access_key_deleted AFTER DELETE ON access_keys
        FOR EACH ROW EXECUTE FUNCTION account_api_key_revoked();
     CREATE TRIGGER access_key_changed AFTER UPDATE OF state, expires_at, session_id ON access_keys
        FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state
            OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
            OR OLD.session_id IS DISTINCT FROM NEW.session_id)
        EXECUTE FUNCTION account_api_key_revoked();",
    // 10: a write's requirement (`Sql::require`), sent in the same round trip as the
    // statement after it: one that does not hold raises, which aborts the transaction,
    // so nothing sent after it in the pipeline can commit (`engine/pg.rs`).
    "CREATE FUNCTION account_api_require(holds boolean) RETURNS boolean LANGUAGE plpgsql AS $$
     BEGIN
        IF holds IS NOT TRUE THEN
            RAISE EXCEPTION 'a requirement of the write did not hold' USING ERRCODE = 'OSC01';
        END IF;
        RETURN true;
     END $$;",
    // 11: a transaction that revokes a key also tells its own connection, with a notice
    // (`REVOKED`): its COMMIT no longer has to ask `account_api.revoked` (one statement
    // less, parsed at every write: `engine/pg_write.rs`). The setting is still made for
    // instances of an older version, which read it, while a cluster is upgraded.
    "CREATE OR REPLACE FUNCTION account_api_key_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
        PERFORM pg_notify('account_api_revocations', '');
        PERFORM set_config('account_api.revoked', 'yes', true);
        RAISE NOTICE 'an access key was revoked' USING ERRCODE = 'OSC02';
        RETURN NULL;
     END $$;",
    // 12
    "CREATE TABLE access_key_uses (
        access_key_id TEXT PRIMARY KEY REFERENCES access_keys(access_key_id) ON DELETE CASCADE,
        last_used_at BIGINT NOT NULL,
        client_ip TEXT NOT NULL
     );",
];
