//! Second factors bounded for good (issue 19, attacks 4 and 5): wrong codes in a row,
//! at sign-in and at activation, are capped at `MFA_FAILURES_MAX` whatever the time
//! between them; past it only a recovery code or the operator unblocks the identity's
//! apps and security keys. The limit of second factors holds at activation.

use account_contract::{MFA_DEVICES_MAX, MFA_FAILURES_MAX};
use serde_json::{json, Value};

use crate::common::*;
use crate::mfa::{add_app, devices, sign_in_with, start_app, App};

fn recovery_codes(activated: &Value) -> Vec<String> {
    activated["RecoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().into())
        .collect()
}

/// The lockout's locks waited out, as a patient attacker does (4 guesses per lock, a
/// lock of at most 10 minutes): its counters are forgotten, as time would.
fn wait_out_the_lockout(db: &account_api::store::Store) {
    db.write_blocking(|c| c.execute("DELETE FROM login_failures", &[])).unwrap();
}

fn assert_blocked(r: Reply) {
    let r = r.err(401, "1013");
    assert!(r.details()[0].contains("recovery code"), "the way out is said: {:?}", r.details());
}

#[test]
fn app_codes_guessed_slowly_are_capped_for_good_and_a_recovery_code_unblocks() {
    // Patient, the attacker stays within the per-client cap on password checks.
    let server = Server::start_with(&["--demo", "--password-checks-burst", "1000"]);
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let (mut app, activated) = add_app(&c, &key, DEMO_PASSWORD, "Phone");
    let codes = recovery_codes(&activated);
    let db = server.database();
    // The attacker knows the password and guesses the app's code, waiting out each lock.
    for _ in 0..MFA_FAILURES_MAX {
        let r = sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.wrong()}));
        assert!(["1011", "13"].contains(&r.code()), "{}", r.body);
        wait_out_the_lockout(&db);
    }
    // Blocked: the right code is not even checked, and not used up.
    assert_blocked(sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.fresh()})));
    app.last = app.last.map(|l| l - 1);
    assert_blocked(sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.wrong()})));
    // Being blocked locks nobody out: the recovery code signs in and unblocks the app.
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"RecoveryCode": codes[0]})).ok();
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.fresh()})).ok();
    // A right code starts the count again: failures are counted in a row.
    for _ in 0..MFA_FAILURES_MAX - 1 {
        sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.wrong()}));
        wait_out_the_lockout(&db);
    }
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.fresh()})).ok();
}

/// Another key of the identity guesses the activation code of the owner's pending
/// app, in parallel and with dry runs: 600 guesses in a fraction of a second.
#[test]
fn activation_codes_count_toward_the_cap_and_the_operator_unblocks() {
    let server = Server::start();
    let c = server.client();
    let thief = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let owner = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let (mut app, _) = add_app(&c, &owner, DEMO_PASSWORD, "Phone");
    let (id, mut tablet) = start_app(&c, &owner, DEMO_PASSWORD, "Tablet");
    let wrong = tablet.wrong();
    let answers: Vec<String> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..6)
            .map(|_| {
                s.spawn(|| {
                    (0..100)
                        .map(|_| {
                            let body = json!({"MfaDeviceId": id, "Code": wrong, "DryRun": true});
                            c.signed(&thief, "ActivateMfaDevice", body).code().to_owned()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads.into_iter().flat_map(|t| t.join().unwrap()).collect()
    });
    let checked = answers.iter().filter(|a| *a == "4047").count();
    let blocked = answers.iter().filter(|a| *a == "1013").count();
    assert_eq!((checked, blocked), (MFA_FAILURES_MAX as usize, 600 - MFA_FAILURES_MAX as usize));
    // The right code answers nothing more, to the thief or to the owner; the owner's
    // app no longer signs in.
    let right = json!({"MfaDeviceId": id, "Code": tablet.fresh()});
    assert_blocked(c.signed(&thief, "ActivateMfaDevice", right.clone()));
    assert_blocked(c.signed(&owner, "ActivateMfaDevice", right));
    assert_blocked(sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.fresh()})));
    app.last = app.last.map(|l| l - 1);

    let unblock = std::process::Command::new(env!("CARGO_BIN_EXE_account-api"))
        .args(server.storage_args())
        .args(["unblock-second-factors", "--login", DEMO_EMAIL])
        .output()
        .unwrap();
    assert!(unblock.status.success(), "{unblock:?}");
    assert!(String::from_utf8_lossy(&unblock.stdout).contains("Unblocked"), "{unblock:?}");
    sign_in_with(&c, DEMO_EMAIL, DEMO_PASSWORD, json!({"MfaCode": app.fresh()})).ok();
    let body = json!({"MfaDeviceId": id, "Code": tablet.fresh()});
    c.signed(&owner, "ActivateMfaDevice", body).ok();
    assert_eq!(devices(&c, &owner)["MfaDevices"].as_array().unwrap().len(), 2);
}

/// Second factors started while the identity had room, all activated: the limit holds
/// at activation (24 were held).
#[test]
fn activation_holds_the_limit_of_second_factors() {
    let server = Server::start();
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    for i in 0..MFA_DEVICES_MAX - 2 {
        add_app(&c, &key, DEMO_PASSWORD, &format!("App {i}"));
    }
    let pending: Vec<(String, App)> =
        (0..5).map(|i| start_app(&c, &key, DEMO_PASSWORD, &format!("Late {i}"))).collect();
    let answers: Vec<String> = pending
        .into_iter()
        .map(|(id, mut app)| {
            let body = json!({"MfaDeviceId": id, "Code": app.fresh()});
            c.signed(&key, "ActivateMfaDevice", body).code().to_owned()
        })
        .collect();
    assert_eq!(answers, ["", "", "10005", "10005", "10005"]);
    assert_eq!(devices(&c, &key)["MfaDevices"].as_array().unwrap().len(), MFA_DEVICES_MAX);
}
