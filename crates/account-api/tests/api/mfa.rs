//! Multi-factor authentication: enrolment, sign-in with a second factor, recovery
//! codes, the lockout, removal, EIM users, WebAuthn options. TOTP codes are computed
//! here from the secret the API answers (RFC 6238, written again for the test).

use std::time::Duration;

use crate::common::*;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};

/// An authenticator app: the codes of a secret, each used once, as a person would.
pub struct App {
    pub secret: Vec<u8>,
    /// The last time step whose code was used: the next one must be later.
    pub last: Option<i64>,
}

pub fn now_step() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp()) / 30
}

pub fn code_at(secret: &[u8], step: i64) -> String {
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret).unwrap();
    mac.update(&(step as u64).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = (h[19] & 0x0f) as usize;
    let n = u32::from_be_bytes([h[o], h[o + 1], h[o + 2], h[o + 3]]) & 0x7fff_ffff;
    format!("{:06}", n % 1_000_000)
}

impl App {
    pub fn new(base32: &str) -> Self {
        Self { secret: data_encoding::BASE32_NOPAD.decode(base32.as_bytes()).unwrap(), last: None }
    }

    /// A code not used yet: of the current step, or the next one (the server takes one
    /// step either side), waiting for the clock when both are used.
    pub fn fresh(&mut self) -> String {
        let mut step = now_step().max(self.last.map_or(i64::MIN, |l| l + 1));
        while step > now_step() + 1 {
            std::thread::sleep(Duration::from_millis(500));
            step = now_step().max(self.last.map_or(i64::MIN, |l| l + 1));
        }
        self.last = Some(step);
        code_at(&self.secret, step)
    }

    /// The code most recently used (a replay).
    fn used(&self) -> String {
        code_at(&self.secret, self.last.expect("a code was used"))
    }

    /// A code that is wrong now.
    pub fn wrong(&self) -> String {
        let near: Vec<String> = (-2..=2).map(|d| code_at(&self.secret, now_step() + d)).collect();
        (0..).map(|i| format!("{:06}", (i * 7919) % 1_000_000)).find(|c| !near.contains(c)).unwrap()
    }
}

/// Starts adding an authenticator app to the identity of `key`: answers the pending
/// factor's ID and its app.
pub fn start_app(c: &Client, key: &Key, password: &str, name: &str) -> (String, App) {
    let r = c
        .signed(
            key,
            "CreateMfaDevice",
            json!({"CurrentPassword": password, "Type": "TOTP", "Name": name}),
        )
        .ok();
    (r["MfaDeviceId"].as_str().unwrap().to_owned(), App::new(r["Totp"]["Secret"].as_str().unwrap()))
}

/// Adds an authenticator app to the identity of `key`; answers its app and what
/// ActivateMfaDevice answered.
pub fn add_app(c: &Client, key: &Key, password: &str, name: &str) -> (App, Value) {
    let (id, mut app) = start_app(c, key, password, name);
    let activated =
        c.signed(key, "ActivateMfaDevice", json!({"MfaDeviceId": id, "Code": app.fresh()})).ok();
    (app, activated)
}

pub fn devices(c: &Client, key: &Key) -> Value {
    c.signed(key, "ReadMfaDevices", json!({})).ok()
}

/// Signs in with email/password and `factor` (`{"MfaCode": …}` and so on).
pub fn sign_in_with(c: &Client, login: &str, password: &str, factor: Value) -> Reply {
    let mut body = json!({"ExpirationDate": "2099-01-01", "Tag": "console"});
    body.as_object_mut().unwrap().extend(factor.as_object().unwrap().clone());
    c.basic("CreateAccessKey", login, password, body)
}

fn key_count(c: &Client, key: &Key) -> usize {
    c.signed(key, "ReadAccessKeys", json!({})).ok()["AccessKeys"].as_array().unwrap().len()
}

#[test]
fn enrolment_needs_the_password_and_a_valid_first_code() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let create = |password: &str| {
        c.signed(
            &key,
            "CreateMfaDevice",
            json!({"CurrentPassword": password, "Type": "TOTP", "Name": " Phone "}),
        )
    };
    let r = create("wrong").err(400, "4048");
    assert_eq!(r.details(), ["CurrentPassword: is incorrect."]);
    let r = c
        .signed(
            &key,
            "CreateMfaDevice",
            json!({"CurrentPassword": DEMO_PASSWORD, "Type": "TOTP", "Name": ""}),
        )
        .err(400, "4106");
    assert!(r.details()[0].starts_with("Name: [required]"), "{:?}", r.details());

    let r = create(DEMO_PASSWORD).ok();
    let id = r["MfaDeviceId"].as_str().unwrap().to_owned();
    let secret = r["Totp"]["Secret"].as_str().unwrap();
    assert_eq!(secret.len(), 32, "20 bytes in base32 without padding");
    assert_eq!(
        r["Totp"]["OtpAuthUri"],
        format!("otpauth://totp/OUTSCALE:demo%40example.com?secret={secret}&issuer=OUTSCALE&algorithm=SHA1&digits=6&period=30")
    );
    let rows: Vec<&str> =
        r["Totp"]["QrCode"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(rows.len() >= 21 && rows.iter().all(|row| row.len() == rows.len()));
    assert!(r["PublicKeyOptions"].is_null());
    let mut app = App::new(secret);

    // Nothing is active until a valid code is entered.
    let r = c
        .signed(&key, "ActivateMfaDevice", json!({"MfaDeviceId": id, "Code": app.wrong()}))
        .err(400, "4047");
    assert_eq!(r.details(), ["Code: is incorrect: enter the 6-digit code the app shows now."]);
    c.signed(&key, "ActivateMfaDevice", json!({"MfaDeviceId": id})).err(400, "7000");
    let listed = devices(&c, &key);
    assert_eq!(listed["MfaDevices"], json!([]));
    assert_eq!(listed["RecoveryCodesLeft"], 0);
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();

    let r =
        c.signed(&key, "ActivateMfaDevice", json!({"MfaDeviceId": id, "Code": app.fresh()})).ok();
    assert_eq!(r["MfaDevice"]["MfaDeviceId"], id);
    assert_eq!(r["MfaDevice"]["Name"], "Phone");
    assert_eq!(r["MfaDevice"]["Type"], "TOTP");
    let codes: Vec<&str> =
        r["RecoveryCodes"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|code| code.len() == 11 && code.as_bytes()[5] == b'-'));
    let listed = devices(&c, &key);
    assert_eq!(listed["MfaDevices"][0]["MfaDeviceId"], id);
    assert!(listed["MfaDevices"][0]["LastUsedDate"].is_null());
    assert_eq!(listed["RecoveryCodesLeft"], 10);
    // Activated once: the same ID again is no pending device.
    let r = c
        .signed(&key, "ActivateMfaDevice", json!({"MfaDeviceId": id, "Code": app.fresh()}))
        .err(400, "4047");
    assert!(r.details()[0].starts_with("MfaDeviceId: "));

    // A second factor: listed after the first, and no new recovery codes.
    let (_, second) = add_app(&c, &key, DEMO_PASSWORD, "Tablet");
    assert!(second["RecoveryCodes"].is_null());
    let listed = devices(&c, &key);
    let names: Vec<&str> = listed["MfaDevices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Phone", "Tablet"]);
    assert_eq!(devices(&c, &key)["RecoveryCodesLeft"], 10);
}

/// How many WebAuthn challenges are stored.
fn challenges_stored(server: &Server) -> i64 {
    use account_api::store::{Database, Store};
    let store = Store::open(&Database::parse(&server.db), 1).unwrap();
    store.read_blocking(|c| c.value("SELECT COUNT(*) FROM webauthn_challenges", &[])).unwrap()
}

/// A sign-in with an authenticator app is two calls and two argon2 hashes before its
/// key exists: the first answers which factors the identity has, the second carries
/// the password again and a code.
#[test]
fn sign_in_with_an_authenticator_app_is_two_calls_two_hashes_and_a_code_works_once() {
    let server = Server::start();
    let c = server.client();
    let before = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let (mut app, _) = add_app(&c, &before, DEMO_PASSWORD, "Phone");
    let keys = key_count(&c, &before);

    let hashes = server.password_hashes();
    let r = sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1010");
    assert_eq!(r.details(), ["A second factor is required."]);
    assert_eq!(r.body["SecondFactors"], json!({"MfaDeviceTypes": ["TOTP"]}));
    let first_step = server.password_hashes() - hashes;
    assert_eq!(key_count(&c, &before), keys, "no key was created");
    assert_eq!(challenges_stored(&server), 0, "no security key, no challenge");
    // A wrong password is still the password's error.
    sign_in_with(&c, DEMO_EMAIL, "wrong", json!({"MfaCode": app.wrong()})).err(401, "1");

    let challenge = c.basic("CreateMfaChallenge", DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
    assert_eq!(challenge["MfaDeviceTypes"], json!(["TOTP"]));
    assert!(challenge["PublicKeyOptions"].is_null());
    assert_eq!(challenges_stored(&server), 0, "CreateMfaChallenge stores none either");

    let hashes = server.password_hashes();
    let signed_in =
        key_of(&sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.fresh()})).ok());
    assert_eq!(first_step + server.password_hashes() - hashes, 2, "one hash per step");
    c.signed(&signed_in, "ReadAccounts", json!({})).ok();
    assert_eq!(key_count(&c, &before), keys + 1);
    assert!(devices(&c, &before)["MfaDevices"][0]["LastUsedDate"].is_string());

    // The same code again: refused, however soon.
    let r = sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.used()}))
        .err(401, "1011");
    assert_eq!(r.details(), ["MfaCode: is incorrect or already used."]);
    let r = sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.wrong()}))
        .err(401, "1011");
    assert_eq!(r.details(), ["MfaCode: is incorrect or already used."]);
    assert_eq!(key_count(&c, &before), keys + 1);

    // Email/password opens no other call; signed calls are as before.
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1010");
    c.basic("DeleteAccessKey", DEMO_EMAIL, DEMO_PASSWORD, json!({"AccessKeyId": before.id}))
        .err(401, "1010");
    c.signed(&before, "ReadAccounts", json!({})).ok();
    // One factor at a time; a malformed sign-in is told so.
    sign_in_with(
        &c,
        DEMO_EMAIL,
        DEMO_PASSWORD,
        json!({"MfaCode": app.wrong(), "RecoveryCode": "aaaaa-aaaaa"}),
    )
    .err(400, "3001");
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": 123456})).err(400, "4108");
}

#[test]
fn a_recovery_code_works_once_and_new_ones_void_the_old() {
    let server = Server::start();
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let (_, activated) = add_app(&c, &key, DEMO_PASSWORD, "Phone");
    let codes: Vec<String> = activated["RecoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();

    // Typed in capitals, with a space instead of the dash: the same code.
    let typed = codes[0].to_uppercase().replace('-', " ");
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"RecoveryCode": typed})).ok();
    let r = sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"RecoveryCode": codes[0]}))
        .err(401, "1011");
    assert_eq!(r.details(), ["RecoveryCode: is incorrect or already used."]);
    assert_eq!(devices(&c, &key)["RecoveryCodesLeft"], 9);

    c.signed(&key, "CreateRecoveryCodes", json!({"CurrentPassword": "wrong"})).err(400, "4048");
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"RecoveryCode": codes[1]})).ok();
    let fresh =
        c.signed(&key, "CreateRecoveryCodes", json!({"CurrentPassword": DEMO_PASSWORD})).ok();
    let fresh: Vec<String> = fresh["RecoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fresh.len(), 10);
    assert_eq!(devices(&c, &key)["RecoveryCodesLeft"], 10);
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"RecoveryCode": codes[2]})).err(401, "1011");
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"RecoveryCode": fresh[9]})).ok();

    // Stored sealed and hashed: the database shows neither the codes nor the app's secret.
    let r = c
        .signed(
            &key,
            "CreateMfaDevice",
            json!({"CurrentPassword": DEMO_PASSWORD, "Type": "TOTP", "Name": "Spare"}),
        )
        .ok();
    let secret = r["Totp"]["Secret"].as_str().unwrap().to_owned();
    let stored = server.stored_bytes();
    for bytes in [&stored] {
        for text in fresh
            .iter()
            .map(|c| c.replace('-', ""))
            .chain(fresh.iter().cloned())
            .chain([secret.clone()])
        {
            assert!(
                !bytes.windows(text.len()).any(|w| w == text.as_bytes()),
                "{text} is in the database"
            );
        }
    }
}

#[test]
fn wrong_codes_lock_out_after_four_and_a_right_password_does_not_clear_failures() {
    let server = Server::start();
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let (mut app, _) = add_app(&c, &key, DEMO_PASSWORD, "Phone");
    for _ in 0..3 {
        sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.wrong()}))
            .err(401, "1011");
    }
    let r =
        sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.wrong()})).err(401, "13");
    assert!(r.headers.get("retry-after").is_some());
    let locked_at = std::time::Instant::now();
    // Locked: even the right code is refused, and not used up.
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.fresh()})).err(401, "13");
    app.last = app.last.map(|l| l - 1);
    std::thread::sleep(
        Duration::from_secs(LOCK_UNIT).saturating_sub(locked_at.elapsed())
            + Duration::from_millis(300),
    );
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.fresh()})).ok();

    // The right code cleared the count; now three wrong passwords, then the right
    // password alone (no factor), or a challenge: neither clears the three.
    for _ in 0..3 {
        sign_in_with(&c, DEMO_EMAIL, "wrong", json!({})).err(401, "1");
    }
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1010");
    c.basic("CreateMfaChallenge", DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.wrong()})).err(401, "13");
}

#[test]
fn parallel_wrong_codes_get_no_more_than_the_allowed_attempts() {
    let server = Server::start();
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let (app, _) = add_app(&c, &key, DEMO_PASSWORD, "Phone");
    let wrong = app.wrong();
    let codes: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..12)
            .map(|_| {
                let (c, wrong) = (server.client(), wrong.clone());
                s.spawn(move || {
                    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": wrong}))
                        .code()
                        .to_owned()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let checked = codes.iter().filter(|c| *c == "1011").count();
    let locked = codes.iter().filter(|c| *c == "13").count();
    assert_eq!((checked, locked), (3, 9), "{codes:?}");
}

#[test]
fn removal_needs_the_password_and_the_last_one_turns_mfa_off() {
    let server = Server::start();
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let (_, first) = add_app(&c, &key, DEMO_PASSWORD, "Phone");
    let (_, second) = add_app(&c, &key, DEMO_PASSWORD, "Tablet");
    let (first, second) =
        (first["MfaDevice"]["MfaDeviceId"].clone(), second["MfaDevice"]["MfaDeviceId"].clone());

    let r = c
        .signed(&key, "DeleteMfaDevice", json!({"CurrentPassword": "wrong", "MfaDeviceId": first}))
        .err(400, "4048");
    assert_eq!(r.details(), ["CurrentPassword: is incorrect."]);
    assert_eq!(devices(&c, &key)["MfaDevices"].as_array().unwrap().len(), 2, "nothing removed");
    let r = c
        .signed(&key, "DeleteMfaDevice", json!({"CurrentPassword": DEMO_PASSWORD, "MfaDeviceId": "mfa-000000000000000000000000"}))
        .err(400, "4047");
    assert_eq!(
        r.details(),
        ["MfaDeviceId: no second factor \"mfa-000000000000000000000000\" for this identity."]
    );
    let dry = c
        .signed(
            &key,
            "DeleteMfaDevice",
            json!({"CurrentPassword": DEMO_PASSWORD, "MfaDeviceId": first, "DryRun": true}),
        )
        .ok();
    assert_eq!(dry["MfaEnabled"], true);
    assert_eq!(
        devices(&c, &key)["MfaDevices"].as_array().unwrap().len(),
        2,
        "a dry run removes nothing"
    );

    let r = c
        .signed(
            &key,
            "DeleteMfaDevice",
            json!({"CurrentPassword": DEMO_PASSWORD, "MfaDeviceId": first}),
        )
        .ok();
    assert_eq!(r["MfaEnabled"], true);
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1010");
    let r = c
        .signed(
            &key,
            "DeleteMfaDevice",
            json!({"CurrentPassword": DEMO_PASSWORD, "MfaDeviceId": second}),
        )
        .ok();
    assert_eq!(r["MfaEnabled"], false);
    let listed = devices(&c, &key);
    assert_eq!(
        (listed["MfaDevices"].clone(), listed["RecoveryCodesLeft"].clone()),
        (json!([]), json!(0))
    );
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
    let r = c
        .signed(&key, "CreateRecoveryCodes", json!({"CurrentPassword": DEMO_PASSWORD}))
        .err(409, "9002");
    assert!(r.details()[0].contains("off"), "{:?}", r.details());
}

#[test]
fn eim_users_enrol_for_themselves_and_nobody_touches_another_identitys_factors() {
    let server = Server::start();
    let c = server.client();
    let (login, user_key) = server.demo_user.clone().expect("the demo user");
    // No password yet: nothing to sign in with, so no second factor either.
    let r = c
        .signed(
            &user_key,
            "CreateMfaDevice",
            json!({"CurrentPassword": "", "Type": "TOTP", "Name": "Phone"}),
        )
        .err(400, "4047");
    assert!(
        r.details()[0].starts_with("CurrentPassword: this identity has no password yet"),
        "{:?}",
        r.details()
    );
    c.signed(&user_key, "UpdatePassword", json!({"NewPassword": NEW_PASSWORD})).ok();

    let (mut app, activated) = add_app(&c, &user_key, NEW_PASSWORD, "Phone");
    assert_eq!(activated["RecoveryCodes"].as_array().unwrap().len(), 10);
    let user_device = activated["MfaDevice"]["MfaDeviceId"].clone();
    sign_in_with(&c, &login, NEW_PASSWORD, json!({})).err(401, "1010");
    let user_session =
        key_of(&sign_in_with(&c, &login, NEW_PASSWORD, json!({"MfaCode": app.fresh()})).ok());
    assert_eq!(devices(&c, &user_session)["MfaDevices"][0]["MfaDeviceId"], user_device);

    // The account is not affected, and sees none of the user's factors.
    let account_key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    assert_eq!(devices(&c, &account_key)["MfaDevices"], json!([]));
    let r = c
        .signed(
            &account_key,
            "DeleteMfaDevice",
            json!({"CurrentPassword": DEMO_PASSWORD, "MfaDeviceId": user_device}),
        )
        .err(400, "4047");
    assert!(r.details()[0].starts_with("MfaDeviceId: "));
    // A pending factor of the account cannot be activated by the user.
    let pending = c
        .signed(
            &account_key,
            "CreateMfaDevice",
            json!({"CurrentPassword": DEMO_PASSWORD, "Type": "TOTP", "Name": "Phone"}),
        )
        .ok();
    let mut account_app = App::new(pending["Totp"]["Secret"].as_str().unwrap());
    let r = c
        .signed(
            &user_key,
            "ActivateMfaDevice",
            json!({"MfaDeviceId": pending["MfaDeviceId"], "Code": account_app.fresh()}),
        )
        .err(400, "4047");
    assert!(r.details()[0].starts_with("MfaDeviceId: "));
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
    assert_eq!(devices(&c, &user_key)["MfaDevices"][0]["MfaDeviceId"], user_device);
}

#[test]
fn security_key_options_are_webauthn_json_and_a_bogus_credential_activates_nothing() {
    let server = Server::start();
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let r = c
        .signed(
            &key,
            "CreateMfaDevice",
            json!({"CurrentPassword": DEMO_PASSWORD, "Type": "WEBAUTHN", "Name": "Blue key"}),
        )
        .ok();
    assert!(r["Totp"].is_null());
    let options = &r["PublicKeyOptions"];
    assert_eq!(options["rp"]["id"], "localhost");
    assert_eq!(options["rp"]["name"], "OUTSCALE");
    assert_eq!(options["user"]["name"], DEMO_EMAIL);
    let b64url = |v: &Value| {
        let s = v.as_str().unwrap_or_default();
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    assert!(b64url(&options["challenge"]), "{options}");
    assert!(b64url(&options["user"]["id"]), "{options}");
    assert_eq!(options["excludeCredentials"], json!([]));
    assert!(options["pubKeyCredParams"].as_array().is_some_and(|p| !p.is_empty()));
    // The same identity, the same user handle.
    let again = c
        .signed(
            &key,
            "CreateMfaDevice",
            json!({"CurrentPassword": DEMO_PASSWORD, "Type": "WEBAUTHN", "Name": "Red key"}),
        )
        .ok();
    assert_eq!(again["PublicKeyOptions"]["user"]["id"], options["user"]["id"]);
    assert_ne!(again["PublicKeyOptions"]["challenge"], options["challenge"]);

    let id = r["MfaDeviceId"].clone();
    let bogus = json!({"id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": {"clientDataJSON": "e30", "attestationObject": "oA"}, "clientExtensionResults": {}});
    let r = c
        .signed(&key, "ActivateMfaDevice", json!({"MfaDeviceId": id, "Credential": bogus}))
        .err(400, "4047");
    assert!(r.details()[0].starts_with("Credential: was not accepted"), "{:?}", r.details());
    let r = c
        .signed(&key, "ActivateMfaDevice", json!({"MfaDeviceId": id, "Credential": {"nothing": 1}}))
        .err(400, "4047");
    assert!(
        r.details()[0].starts_with("Credential: is not a WebAuthn registration"),
        "{:?}",
        r.details()
    );
    c.signed(&key, "ActivateMfaDevice", json!({"MfaDeviceId": id})).err(400, "7000");
    assert_eq!(devices(&c, &key)["MfaDevices"], json!([]));
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
    // A WebAuthn assertion with no challenge behind it fails the sign-in of an MFA identity.
    add_app(&c, &key, DEMO_PASSWORD, "Phone");
    let assertion = json!({"id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"}, "clientExtensionResults": {}});
    let r = sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"WebAuthnCredential": assertion}))
        .err(401, "1011");
    assert_eq!(r.details(), ["WebAuthnCredential: is incorrect or already used."]);
}

/// A software security key (ES256, "none" attestation), as a browser would hand its
/// answers over: `PublicKeyCredential.toJSON()`.
struct SoftKey {
    key: crypto_glue::ecdsa_p256::EcdsaP256PrivateKey,
    id: Vec<u8>,
    counter: u32,
}

const ORIGIN: &str = "http://localhost:8080";

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

/// A CBOR byte string's header (lengths under 65536).
fn cbor_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    match bytes.len() {
        n if n < 24 => out.push(0x40 | n as u8),
        n if n < 256 => out.extend([0x58, n as u8]),
        n => out.extend([0x59, (n >> 8) as u8, n as u8]),
    }
    out.extend(bytes);
}

impl SoftKey {
    fn new() -> Self {
        let mut id = vec![0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut id);
        Self { key: crypto_glue::ecdsa_p256::new_key(), id, counter: 0 }
    }

    fn client_data(kind: &str, challenge: &Value) -> Vec<u8> {
        json!({"type": kind, "challenge": challenge, "origin": ORIGIN, "crossOrigin": false})
            .to_string()
            .into_bytes()
    }

    /// `navigator.credentials.create()`: user present and verified, attested data.
    fn register(&self, options: &Value) -> Value {
        use crypto_glue::traits::ToSec1Point;
        let point = self.key.public_key().to_sec1_point(false);
        let mut cose = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21];
        cbor_bytes(&mut cose, point.x().unwrap());
        cose.push(0x22);
        cbor_bytes(&mut cose, point.y().unwrap());
        let mut auth_data = sha256(options["rp"]["id"].as_str().unwrap().as_bytes());
        auth_data.push(0x45); // UP, UV, AT
        auth_data.extend(0u32.to_be_bytes());
        auth_data.extend([0u8; 16]); // AAGUID
        auth_data.extend((self.id.len() as u16).to_be_bytes());
        auth_data.extend(&self.id);
        auth_data.extend(cose);
        let mut attestation = vec![0xa3, 0x63];
        attestation.extend(b"fmt");
        attestation.push(0x64);
        attestation.extend(b"none");
        attestation.push(0x67);
        attestation.extend(b"attStmt");
        attestation.extend([0xa0, 0x68]);
        attestation.extend(b"authData");
        cbor_bytes(&mut attestation, &auth_data);
        json!({
            "id": b64url(&self.id), "rawId": b64url(&self.id), "type": "public-key",
            "authenticatorAttachment": "cross-platform",
            "response": {
                "clientDataJSON": b64url(&Self::client_data("webauthn.create", &options["challenge"])),
                "attestationObject": b64url(&attestation),
                "transports": ["usb"],
            },
            "clientExtensionResults": {},
        })
    }

    /// `navigator.credentials.get()` with the signature counter at `counter`.
    fn assert(&mut self, options: &Value, counter: u32) -> Value {
        use crypto_glue::ecdsa_p256::{EcdsaP256Signature, EcdsaP256SigningKey};
        use crypto_glue::traits::Signer;
        self.counter = counter;
        let mut auth_data = sha256(options["rpId"].as_str().unwrap().as_bytes());
        auth_data.push(0x05); // UP, UV
        auth_data.extend(counter.to_be_bytes());
        let client_data = Self::client_data("webauthn.get", &options["challenge"]);
        let mut signed = auth_data.clone();
        signed.extend(sha256(&client_data));
        let signature: EcdsaP256Signature =
            EcdsaP256SigningKey::from(&self.key).try_sign(&signed).unwrap();
        json!({
            "id": b64url(&self.id), "rawId": b64url(&self.id), "type": "public-key",
            "response": {
                "clientDataJSON": b64url(&client_data),
                "authenticatorData": b64url(&auth_data),
                "signature": b64url(signature.to_der().as_bytes()),
                "userHandle": null,
            },
            "clientExtensionResults": {},
        })
    }
}

#[test]
fn a_security_key_registers_and_signs_in_once_per_challenge_with_a_growing_counter() {
    let server = Server::start();
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let mut soft = SoftKey::new();
    let create = || {
        c.signed(
            &key,
            "CreateMfaDevice",
            json!({"CurrentPassword": DEMO_PASSWORD, "Type": "WEBAUTHN", "Name": "Blue key"}),
        )
        .ok()
    };
    let r = create();
    let activated = c
        .signed(&key, "ActivateMfaDevice", json!({"MfaDeviceId": r["MfaDeviceId"], "Credential": soft.register(&r["PublicKeyOptions"])}))
        .ok();
    assert_eq!(activated["MfaDevice"]["Type"], "WEBAUTHN");
    assert_eq!(activated["RecoveryCodes"].as_array().unwrap().len(), 10);
    // A registration answers its own challenge only.
    let other = create();
    let r = c
        .signed(&key, "ActivateMfaDevice", json!({"MfaDeviceId": other["MfaDeviceId"], "Credential": soft.register(&r["PublicKeyOptions"])}))
        .err(400, "4047");
    assert!(r.details()[0].starts_with("Credential: was not accepted"));
    assert_eq!(other["PublicKeyOptions"]["excludeCredentials"][0]["id"], b64url(&soft.id));

    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1010");
    let challenge =
        |c: &Client| c.basic("CreateMfaChallenge", DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
    let first = challenge(&c);
    assert_eq!(first["MfaDeviceTypes"], json!(["WEBAUTHN"]));
    let options = first["PublicKeyOptions"].clone();
    assert_eq!(options["rpId"], "localhost");
    assert_eq!(options["allowCredentials"][0]["id"], b64url(&soft.id));
    let assertion = soft.assert(&options, 1);
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"WebAuthnCredential": assertion})).ok();
    assert!(devices(&c, &key)["MfaDevices"][0]["LastUsedDate"].is_string());
    // The same assertion again: its challenge is used up.
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"WebAuthnCredential": assertion}))
        .err(401, "1011");
    // A counter that did not grow (a cloned key) is refused; one that grew signs in.
    let stale = soft.assert(&challenge(&c)["PublicKeyOptions"], 1);
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"WebAuthnCredential": stale}))
        .err(401, "1011");
    let next = soft.assert(&challenge(&c)["PublicKeyOptions"], 2);
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"WebAuthnCredential": next})).ok();
    // Another identity's challenge does not serve.
    let (login, user_key) = server.demo_user.clone().unwrap();
    c.signed(&user_key, "UpdatePassword", json!({"NewPassword": NEW_PASSWORD})).ok();
    let (mut app, _) = add_app(&c, &user_key, NEW_PASSWORD, "Phone");
    let user_challenge = c.basic("CreateMfaChallenge", &login, NEW_PASSWORD, json!({})).ok();
    assert_eq!(user_challenge["MfaDeviceTypes"], json!(["TOTP"]));
    let mut for_user = soft.assert(&options, 3);
    for_user["response"]["clientDataJSON"] = json!(b64url(&SoftKey::client_data(
        "webauthn.get",
        &challenge(&c)["PublicKeyOptions"]["challenge"]
    )));
    sign_in_with(&c, &login, NEW_PASSWORD, json!({"WebAuthnCredential": for_user}))
        .err(401, "1011");
    sign_in_with(&c, &login, NEW_PASSWORD, json!({"MfaCode": app.fresh()})).ok();
}

/// The SecondFactors extension of a `1010` answer.
fn second_factors(r: &Reply) -> Value {
    r.body["SecondFactors"].clone()
}

#[test]
fn password_only_sign_in_makes_one_hash_in_one_call() {
    let server = Server::start();
    let c = server.client();
    let before = server.password_hashes();
    c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    assert_eq!(server.password_hashes() - before, 1);
}

#[test]
fn with_a_security_key_the_first_answer_carries_its_challenge_which_signs_in() {
    let server = Server::start();
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let mut soft = SoftKey::new();
    let body = json!({"CurrentPassword": DEMO_PASSWORD, "Type": "WEBAUTHN", "Name": "Blue key"});
    let r = c.signed(&key, "CreateMfaDevice", body).ok();
    let activate = json!({"MfaDeviceId": r["MfaDeviceId"], "Credential": soft.register(&r["PublicKeyOptions"])});
    c.signed(&key, "ActivateMfaDevice", activate).ok();
    // A dry run of CreateMfaChallenge starts no ceremony.
    let dry = c.basic("CreateMfaChallenge", DEMO_EMAIL, DEMO_PASSWORD, json!({"DryRun": true}));
    assert!(dry.ok()["PublicKeyOptions"].is_null());
    assert_eq!(challenges_stored(&server), 0);

    let before = server.password_hashes();
    let first = sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1010");
    let offered = second_factors(&first);
    assert_eq!(offered["MfaDeviceTypes"], json!(["WEBAUTHN"]));
    let options = &offered["PublicKeyOptions"];
    assert_eq!(options["allowCredentials"][0]["id"], b64url(&soft.id));
    assert_eq!(challenges_stored(&server), 1, "the answer's own challenge");
    let assertion = soft.assert(options, 1);
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"WebAuthnCredential": assertion})).ok();
    assert_eq!(server.password_hashes() - before, 2, "one hash per step");
    assert_eq!(challenges_stored(&server), 0, "used up");
    // The challenge answered one sign-in.
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"WebAuthnCredential": assertion}))
        .err(401, "1011");
}

/// With MFA, a source becomes familiar (its own lockout counter, issue 19) only once a
/// sign-in from it proves the second factor too: the right password alone is not enough.
#[test]
fn only_a_sign_in_with_its_second_factor_makes_a_source_familiar() {
    let server = Server::start_with(&["--demo", "--trusted-proxy", "127.0.0.0/8"]);
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let (_, activated) = add_app(&c, &key, DEMO_PASSWORD, "Phone");
    let codes: Vec<&str> = activated["RecoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let at = |address: &str, password: &str, factor: serde_json::Value| {
        let mut body = json!({"ExpirationDate": "2099-01-01", "Tag": "console"});
        body.as_object_mut().unwrap().extend(factor.as_object().unwrap().clone());
        let from = [("x-forwarded-for", address.to_owned())];
        c.basic_and("CreateAccessKey", DEMO_EMAIL, password, body, &from)
    };
    at("192.0.2.1", DEMO_PASSWORD, json!({})).err(401, "1010");
    at("198.51.100.1", DEMO_PASSWORD, json!({"RecoveryCode": codes[0]})).ok();
    for _ in 0..3 {
        at("203.0.113.9", "wrong", json!({})).err(401, "1");
    }
    at("203.0.113.9", "wrong", json!({})).err(401, "13");
    at("192.0.2.1", DEMO_PASSWORD, json!({"RecoveryCode": codes[1]})).err(401, "13");
    at("198.51.100.1", DEMO_PASSWORD, json!({"RecoveryCode": codes[1]})).ok();
}

/// Recent re-authentication with MFA on (issue 19, attack 6): a session whose sign-in
/// proof lapsed proves the password and a second factor again before it removes a
/// factor; the password alone hears which factors it can go on with (`1010`).
#[test]
fn a_session_proves_a_second_factor_again_before_removing_one() {
    let server = Server::start_with(&["--demo", "--reauthentication-secs", "3"]);
    let c = server.client();
    let admin = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let (mut app, activated) = add_app(&c, &admin, DEMO_PASSWORD, "Phone");
    let device = activated["MfaDevice"]["MfaDeviceId"].as_str().unwrap().to_owned();
    let session =
        key_of(&sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.fresh()})).ok());
    std::thread::sleep(Duration::from_millis(3050));

    let remove = json!({"CurrentPassword": DEMO_PASSWORD, "MfaDeviceId": device});
    c.signed(&session, "DeleteMfaDevice", remove.clone()).err(401, "1012");
    let proof = |factor: serde_json::Value| {
        let mut body = json!({"Password": DEMO_PASSWORD});
        body.as_object_mut().unwrap().extend(factor.as_object().unwrap().clone());
        c.signed(&session, "CreateReauthentication", body)
    };
    let r = proof(json!({})).err(401, "1010");
    assert_eq!(r.body["SecondFactors"]["MfaDeviceTypes"], json!(["TOTP"]));
    proof(json!({"MfaCode": app.wrong()})).err(401, "1011");
    c.signed(&session, "DeleteMfaDevice", remove.clone()).err(401, "1012");
    proof(json!({"MfaCode": app.fresh()})).ok();
    let r = c.signed(&session, "DeleteMfaDevice", remove).ok();
    assert_eq!(r["MfaEnabled"], false);
}
