//! ReadAccounts, UpdateAccount and CheckAuthentication.

use crate::common::*;
use serde_json::json;

#[test]
fn read_accounts_shows_every_field_of_the_demo_account() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let body = c.signed(&key, "ReadAccounts", json!({})).ok();
    let accounts = body["Accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1);
    let a = &accounts[0];
    assert_eq!(a["Email"], DEMO_EMAIL);
    assert_eq!(a["City"], "Saint-Cloud");
    assert_eq!(a["AdditionalEmails"], json!(["factures@example.com"]));
    assert_eq!(a["AccountId"].as_str().unwrap().len(), 12);
    assert_eq!(a["CustomerId"].as_str().unwrap().len(), 8);
    assert_eq!(a["OutscaleLoginAllowed"], true);
    assert!(a.get("VatNumber").is_none(), "absent fields are left out: {a}");
}

#[test]
fn update_account_changes_only_the_fields_sent() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let before = c.account(&key);
    let body =
        c.signed(&key, "UpdateAccount", json!({"City": "Lyon", "VatNumber": "FR40303265045"})).ok();
    let after = &body["Account"];
    assert_eq!(after["City"], "Lyon");
    assert_eq!(after["VatNumber"], "FR40303265045");
    for untouched in [
        "Email",
        "FirstName",
        "LastName",
        "CompanyName",
        "ZipCode",
        "AdditionalEmails",
        "AccountId",
    ] {
        assert_eq!(after[untouched], before[untouched], "{untouched}");
    }
    assert_eq!(&c.account(&key), after, "ReadAccounts shows what UpdateAccount returned");
}

#[test]
fn additional_emails_replace_the_list_and_an_empty_list_clears_it() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let list = json!(["a@example.com", "b@example.com"]);
    let body = c.signed(&key, "UpdateAccount", json!({ "AdditionalEmails": list })).ok();
    assert_eq!(body["Account"]["AdditionalEmails"], list);
    let body = c.signed(&key, "UpdateAccount", json!({"AdditionalEmails": []})).ok();
    assert_eq!(body["Account"]["AdditionalEmails"], json!([]));
}

#[test]
fn account_and_customer_ids_can_never_change() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let before = c.account(&key);
    for field in ["AccountId", "CustomerId", "OutscaleLoginAllowed"] {
        let r = c.signed(&key, "UpdateAccount", json!({ field: "123" })).err(400, "3001");
        assert!(r.details()[0].starts_with(&format!("{field}: ")), "{:?}", r.details());
    }
    assert_eq!(c.account(&key), before);
}

#[test]
fn invalid_values_are_refused_field_by_field_and_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let before = c.account(&key);
    let r = c
        .signed(&key, "UpdateAccount", json!({"Email": "not-an-email", "City": "Lyon", "AdditionalEmails": ["x@y.z", "bad"], "ZipCode": "1".repeat(17)}))
        .err(400, "4020");
    assert_eq!(r.codes(), ["4020", "4106", "4020"]);
    let fields: Vec<String> =
        r.details().iter().map(|d| d.split(": ").next().unwrap().to_owned()).collect();
    assert_eq!(fields, ["Email", "ZipCode", "AdditionalEmails[1]"]);
    // Each names its problem by a stable ID, which the console translates.
    let problems: Vec<String> = r
        .details()
        .iter()
        .map(|d| d.split(": [").nth(1).unwrap().split(']').next().unwrap().to_owned())
        .collect();
    assert_eq!(problems, ["not-an-email", "too-long", "not-an-email"]);
    c.signed(&key, "UpdateAccount", json!({"FirstName": "x".repeat(129)})).err(400, "4106");
    c.signed(&key, "UpdateAccount", json!({"Email": ""})).err(400, "4106");
    c.signed(&key, "UpdateAccount", json!({"PhoneNumber": "call me"})).err(400, "4047");
    c.signed(&key, "UpdateAccount", json!({"City": "a\u{0}b"})).err(400, "4047");
    let too_many: Vec<String> = (0..11).map(|i| format!("n{i}@example.com")).collect();
    c.signed(&key, "UpdateAccount", json!({ "AdditionalEmails": too_many })).err(400, "4106");
    assert_eq!(c.account(&key), before, "a refused update changes nothing");
}

#[test]
fn phones_countries_vat_numbers_and_postal_codes_follow_the_contracts_rules() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let before = c.account(&key);
    assert_eq!(before["Country"], "France");
    let problem = |r: &Reply| {
        r.details()[0].split(": [").nth(1).unwrap().split(']').next().unwrap().to_owned()
    };
    // A phone in national form: the international one is asked for.
    let r =
        c.signed(&key, "UpdateAccount", json!({"MobileNumber": "06 12 34 56 78"})).err(400, "4047");
    assert_eq!(problem(&r), "not-a-phone-number");
    let r = c.signed(&key, "UpdateAccount", json!({"Country": "Frankreich"})).err(400, "4047");
    assert_eq!(problem(&r), "unknown-country");
    // Against the stored country (France), with the update's own country first.
    let r = c.signed(&key, "UpdateAccount", json!({"VatNumber": "FR123"})).err(400, "4047");
    assert_eq!(problem(&r), "vat-format");
    assert!(r.details()[0].starts_with("VatNumber: "), "{:?}", r.details());
    let r = c.signed(&key, "UpdateAccount", json!({"ZipCode": "9221"})).err(400, "4047");
    assert_eq!(problem(&r), "postal-code-format");
    assert_eq!(c.account(&key), before, "a refused update changes nothing");
    let moved = json!({"Country": "Germany", "VatNumber": "DE123456789", "ZipCode": "10115"});
    let after = c.signed(&key, "UpdateAccount", moved).ok();
    assert_eq!(after["Account"]["Country"], "Germany");
    // A country without a known format accepts any number.
    c.signed(
        &key,
        "UpdateAccount",
        json!({"Country": "United Kingdom", "VatNumber": "GB 123 4567 89", "ZipCode": "SW1A 1AA"}),
    )
    .ok();
}

#[test]
fn an_email_used_by_another_account_is_a_conflict() {
    let server = Server::start();
    let out = server.create_account("other@example.com", "Another-Strong-Passw0rd!");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let r = c.signed(&key, "UpdateAccount", json!({"Email": "Other@Example.com"})).err(409, "9007");
    assert!(r.details()[0].starts_with("Email: "));
    // A dry run does not tell whether an address has an account (issue 19, attack 3).
    c.signed(&key, "UpdateAccount", json!({"Email": "Other@Example.com", "DryRun": true})).ok();
    // The other account is a real one: it signs in and sees only itself.
    let other = c.sign_in("other@example.com", "Another-Strong-Passw0rd!");
    assert_eq!(c.account(&other)["Email"], "other@example.com");
    // Changing one's own email to a new address works, and it becomes the login.
    c.signed(&key, "UpdateAccount", json!({"Email": "jean@example.com"})).ok();
    c.sign_in("jean@example.com", DEMO_PASSWORD);
    c.basic("CreateAccessKey", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1");
}

#[test]
fn create_account_refuses_weak_passwords_and_taken_emails() {
    let server = Server::start();
    let weak = server.create_account("weak@example.com", "short");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("[length]"));
    let taken = server.create_account(DEMO_EMAIL, "Another-Strong-Passw0rd!");
    assert!(!taken.status.success());
    assert!(String::from_utf8_lossy(&taken.stderr).contains("9007"));
}

#[test]
fn dry_run_checks_everything_and_changes_nothing() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let before = c.account(&key);
    let body = c.signed(&key, "UpdateAccount", json!({"City": "Lyon", "DryRun": true})).ok();
    assert!(body.get("Account").is_none());
    c.signed(&key, "UpdateAccount", json!({"Email": "bad", "DryRun": true})).err(400, "4020");
    assert_eq!(c.account(&key), before);
    let body = c.signed(&key, "ReadAccounts", json!({"DryRun": true})).ok();
    assert!(body.get("Accounts").is_none());
}

#[test]
fn check_authentication_checks_an_email_password_pair() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    c.signed(&key, "CheckAuthentication", json!({"Login": DEMO_EMAIL, "Password": DEMO_PASSWORD}))
        .ok();
    c.signed(&key, "CheckAuthentication", json!({"Login": DEMO_EMAIL, "Password": "wrong"}))
        .err(401, "1");
    c.signed(&key, "CheckAuthentication", json!({"Login": DEMO_EMAIL})).err(400, "7000");
    // It is not a sign-in call: Basic is refused.
    c.basic(
        "CheckAuthentication",
        DEMO_EMAIL,
        DEMO_PASSWORD,
        json!({"Login": DEMO_EMAIL, "Password": DEMO_PASSWORD}),
    )
    .err(401, "9");
}

/// Sixteen clients update one account at once, five times each: every update lands
/// (on PostgreSQL they conflict, and the conflicting ones run again), each answer shows
/// the account as its own update left it, and the account ends as one of them left it.
#[test]
fn parallel_updates_of_one_account_all_land_and_each_answers_its_own() {
    let server = Server::start();
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let cities: Vec<String> = std::thread::scope(|s| {
        let writers: Vec<_> = (0..16)
            .map(|i| {
                let (c, key) = (&c, &key);
                s.spawn(move || {
                    (0..5)
                        .map(|round| {
                            let city = format!("Ville {i}-{round}");
                            let body = c.signed(key, "UpdateAccount", json!({"City": city})).ok();
                            assert_eq!(body["Account"]["City"], city.as_str(), "{body}");
                            city
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        writers.into_iter().flat_map(|w| w.join().expect("writer")).collect()
    });
    let last = c.account(&key)["City"].as_str().unwrap().to_owned();
    assert!(cities.contains(&last), "{last} is none of the updates");
}
