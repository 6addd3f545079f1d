//! Field validation shared by the console (before sending) and the server (always).
//! Every error names its parameter, so the console can show it next to the field.

use crate::address::{
    country_of, example_of, is_international_phone, is_postal_code, is_vat_number, PHONE_EXAMPLE,
};
use crate::error::ApiError;
pub use crate::fields::EMAIL_MAX_CHARS;
use crate::fields::{AccountField, FieldKind};
use crate::problem::Problem;
use crate::types::{Account, UpdateAccountRequest};

/// Most additional emails an account may have.
pub const ADDITIONAL_EMAILS_MAX: usize = 10;
/// Longest access key tag.
pub const TAG_MAX_CHARS: usize = 255;
/// Longest password-like input accepted at all (the policy then says what is valid).
pub const SECRET_INPUT_MAX_CHARS: usize = 1024;
/// Largest request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Checks an address against OAPI's pattern `^.+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+$`,
/// refusing white space and control characters in the local part too, and `/` and `:`:
/// an email is a login, and `ACCOUNT_ID/name` is an EIM user's, `login:password` Basic's.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else { return false };
    let local_ok = !local.is_empty()
        && !local.chars().any(|c| c.is_whitespace() || c.is_control() || c == '/' || c == ':');
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    local_ok && domain_ok
}

/// Checks one value of an account field.
pub fn check_field(field: AccountField, value: &str) -> Result<(), ApiError> {
    let name = field.name();
    let chars = value.chars().count();
    if chars > field.max_chars() {
        return Err(ApiError::invalid(
            name,
            Problem::TooLong,
            format!("must be at most {} characters long.", field.max_chars()),
        ));
    }
    if value.is_empty() {
        return if field.may_be_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(name, Problem::Required, "must not be empty."))
        };
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            name,
            Problem::ControlCharacters,
            "must not contain control characters.",
        ));
    }
    match field.kind() {
        FieldKind::Email if !is_email(value) => {
            Err(ApiError::invalid(name, Problem::NotAnEmail, "is not a valid email address."))
        }
        FieldKind::Phone if !is_international_phone(value) => Err(ApiError::invalid(
            name,
            Problem::NotAPhoneNumber,
            format!("must be in international form, + and the country code ({PHONE_EXAMPLE})."),
        )),
        FieldKind::Country if country_of(value).is_none() => Err(ApiError::invalid(
            name,
            Problem::UnknownCountry,
            "is not a country of ISO 3166-1 (its English name or its code).",
        )),
        _ => Ok(()),
    }
}

/// Checks the list of additional emails; errors name the item (`AdditionalEmails[2]`).
pub fn check_additional_emails(list: &[String]) -> Result<(), ApiError> {
    if list.len() > ADDITIONAL_EMAILS_MAX {
        return Err(ApiError::invalid(
            "AdditionalEmails",
            Problem::TooMany,
            format!("at most {ADDITIONAL_EMAILS_MAX} additional emails."),
        ));
    }
    let mut errors: Option<ApiError> = None;
    for (i, email) in list.iter().enumerate() {
        let name = format!("AdditionalEmails[{i}]");
        let problem = if email.chars().count() > EMAIL_MAX_CHARS {
            Some(ApiError::invalid(
                &name,
                Problem::TooLong,
                format!("must be at most {EMAIL_MAX_CHARS} characters long."),
            ))
        } else if !is_email(email) {
            Some(ApiError::invalid(&name, Problem::NotAnEmail, "is not a valid email address."))
        } else if list[..i].iter().any(|e| e.eq_ignore_ascii_case(email)) {
            Some(ApiError::invalid(&name, Problem::ListedTwice, "is listed twice."))
        } else {
            None
        };
        if let Some(p) = problem {
            errors = Some(match errors {
                Some(e) => e.and(p),
                None => p,
            });
        }
    }
    errors.map_or(Ok(()), Err)
}

/// Checks every field of an update; reports all problems at once.
pub fn check_update_account(update: &UpdateAccountRequest) -> Result<(), ApiError> {
    let mut errors: Option<ApiError> = None;
    let mut push = |e: ApiError| {
        errors = Some(match errors.take() {
            Some(all) => all.and(e),
            None => e,
        })
    };
    for field in AccountField::ALL {
        if let Some(value) = field.of_update(update) {
            if let Err(e) = check_field(field, value) {
                push(e);
            }
        }
    }
    if let Some(list) = &update.additional_emails {
        if let Err(e) = check_additional_emails(list) {
            push(e);
        }
    }
    errors.map_or(Ok(()), Err)
}

/// Checks an update's VAT number and postal code against the country the account will
/// have, where that country's format is known (`current`: the account as it is, for what
/// the update leaves out). Each is checked when it or the country changes, so that a
/// value stored before, or on OUTSCALE's API, holds until one of them is edited.
pub fn check_address(update: &UpdateAccountRequest, current: &Account) -> Result<(), ApiError> {
    let after = |new: &Option<String>, old: &Option<String>| new.clone().or_else(|| old.clone());
    let country = after(&update.country, &current.country).unwrap_or_default();
    let Some(country) = country_of(&country) else { return Ok(()) };
    let mut errors: Option<ApiError> = None;
    let vat = after(&update.vat_number, &current.vat_number).unwrap_or_default();
    let vat_edited = update.vat_number.is_some() || update.country.is_some();
    if vat_edited && !vat.is_empty() && !is_vat_number(country.code, &vat) {
        let like = example_of(country.code, AccountField::VatNumber).unwrap_or_default();
        errors = Some(ApiError::invalid(
            AccountField::VatNumber.name(),
            Problem::VatFormat,
            format!("is not a VAT number of {} (for example {like}).", country.name),
        ));
    }
    let zip = after(&update.zip_code, &current.zip_code).unwrap_or_default();
    let zip_edited = update.zip_code.is_some() || update.country.is_some();
    if zip_edited && !zip.is_empty() && !is_postal_code(country.code, &zip) {
        let like = example_of(country.code, AccountField::ZipCode).unwrap_or_default();
        let e = ApiError::invalid(
            AccountField::ZipCode.name(),
            Problem::PostalCodeFormat,
            format!("is not a postal code of {} (for example {like}).", country.name),
        );
        errors = Some(match errors {
            Some(all) => all.and(e),
            None => e,
        });
    }
    errors.map_or(Ok(()), Err)
}

/// Checks an access key tag.
pub fn check_tag(name: &str, tag: &str) -> Result<(), ApiError> {
    if tag.chars().count() > TAG_MAX_CHARS {
        return Err(ApiError::invalid(
            name,
            Problem::TooLong,
            format!("must be at most {TAG_MAX_CHARS} characters long."),
        ));
    }
    if tag.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            name,
            Problem::ControlCharacters,
            "must not contain control characters.",
        ));
    }
    Ok(())
}

/// Longest EIM user name.
pub const USER_NAME_MAX_CHARS: usize = 64;

/// Checks an EIM user name: 1–64 letters, digits and `+=,.@-_`, as OUTSCALE allows.
pub fn check_user_name(name: &str, value: &str) -> Result<(), ApiError> {
    let ok_chars = value.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@-_".contains(c));
    if value.is_empty() || value.chars().count() > USER_NAME_MAX_CHARS {
        return Err(ApiError::invalid(
            name,
            if value.is_empty() { Problem::Required } else { Problem::TooLong },
            format!("must be 1 to {USER_NAME_MAX_CHARS} characters long."),
        ));
    }
    if !ok_chars {
        return Err(ApiError::invalid(
            name,
            Problem::UserNameCharacters,
            "may contain only letters, digits and + = , . @ - _.",
        ));
    }
    Ok(())
}

/// Checks a second factor's name: 1 to 64 characters after trimming, no control characters.
pub fn check_mfa_device_name(name: &str, value: &str) -> Result<(), ApiError> {
    use crate::mfa::MFA_DEVICE_NAME_MAX_CHARS as MAX;
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::invalid(name, Problem::Required, "is required."));
    }
    if value.chars().count() > MAX {
        return Err(ApiError::invalid(
            name,
            Problem::TooLong,
            format!("must be at most {MAX} characters long."),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            name,
            Problem::ControlCharacters,
            "must not contain control characters.",
        ));
    }
    Ok(())
}

/// Checks an EIM path: starts and ends with `/`, at most 512 characters.
pub fn check_path(name: &str, value: &str) -> Result<(), ApiError> {
    if value.len() > 512
        || !value.starts_with('/')
        || !value.ends_with('/')
        || value.chars().any(char::is_control)
    {
        return Err(ApiError::invalid(
            name,
            Problem::PathShape,
            "must start and end with / (at most 512 characters).",
        ));
    }
    Ok(())
}

/// Checks an email-valued parameter.
pub fn check_email(name: &str, value: &str) -> Result<(), ApiError> {
    if value.chars().count() > EMAIL_MAX_CHARS {
        return Err(ApiError::invalid(
            name,
            Problem::TooLong,
            format!("must be at most {EMAIL_MAX_CHARS} characters long."),
        ));
    }
    if !is_email(value) {
        return Err(ApiError::invalid(name, Problem::NotAnEmail, "is not a valid email address."));
    }
    Ok(())
}

/// A login as typed, in the one form used both to look it up and to count its failed
/// attempts: trimmed; an email in lower case (emails are unique regardless of case).
pub fn normalize_login(login: &str) -> String {
    let login = login.trim();
    match split_user_login(login) {
        Some(_) => login.to_owned(),
        None => login.to_lowercase(),
    }
}

/// Splits an EIM login `ACCOUNT_ID/username`; `None` for an email login.
pub fn split_user_login(login: &str) -> Option<(&str, &str)> {
    let (account, user) = login.split_once('/')?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) && !user.is_empty())
        .then_some((account, user))
}

/// Checks that a secret-like input (password, login) is not absurdly long.
pub fn check_secret_input(name: &str, value: &str) -> Result<(), ApiError> {
    if value.chars().count() > SECRET_INPUT_MAX_CHARS {
        return Err(ApiError::invalid(
            name,
            Problem::TooLong,
            format!("must be at most {SECRET_INPUT_MAX_CHARS} characters long."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_follow_the_oapi_pattern() {
        for ok in ["a@example.com", "jean.dupont+x@sub.example.fr", "a@b-c.d"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "@b.c",
            "a@b.",
            "a@.b",
            "a b@c.d",
            "a@b_c.d",
            "a@b..c",
            "123456789012/a@b.c",
            "a:b@c.d",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn update_reports_every_bad_field() {
        let u = UpdateAccountRequest {
            email: Some("nope".into()),
            zip_code: Some("x".repeat(17)),
            additional_emails: Some(vec![
                "ok@example.com".into(),
                "bad".into(),
                "OK@example.com".into(),
            ]),
            city: Some(String::new()),
            ..Default::default()
        };
        let e = check_update_account(&u).unwrap_err();
        let fields: Vec<_> = e.items.iter().filter_map(|i| i.field()).collect();
        assert_eq!(fields, ["Email", "ZipCode", "AdditionalEmails[1]", "AdditionalEmails[2]"]);
        assert_eq!(e.items[0].code, "4020");
        assert!(check_update_account(&UpdateAccountRequest {
            email: Some(String::new()),
            ..Default::default()
        })
        .is_err());
    }

    #[test]
    fn phones_are_international_with_separators() {
        assert!(check_field(AccountField::PhoneNumber, "+33 (0)1 23-45.67").is_ok());
        assert!(check_field(AccountField::PhoneNumber, "call me").is_err());
        let national = check_field(AccountField::MobileNumber, "06 12 34 56 78").unwrap_err();
        assert_eq!(national.items[0].problem(), Some(Problem::NotAPhoneNumber));
    }

    #[test]
    fn a_country_set_is_one_of_the_list() {
        assert!(check_field(AccountField::Country, "France").is_ok());
        assert!(check_field(AccountField::Country, "").is_ok(), "cleared");
        let e = check_field(AccountField::Country, "Frannce").unwrap_err();
        assert_eq!(e.items[0].problem(), Some(Problem::UnknownCountry));
    }

    #[test]
    fn vat_and_postal_code_follow_the_country_they_will_have() {
        let current = Account {
            country: Some("France".into()),
            vat_number: Some("FR40303265045".into()),
            zip_code: Some("75001".into()),
            ..Default::default()
        };
        let update = |f: fn(&mut UpdateAccountRequest)| {
            let mut u = UpdateAccountRequest::default();
            f(&mut u);
            check_address(&u, &current)
        };
        assert!(update(|u| u.vat_number = Some("FR 12 345678901".into())).is_ok());
        let e = update(|u| u.vat_number = Some("FR123".into())).unwrap_err();
        assert_eq!(e.items[0].field(), Some("VatNumber"));
        assert_eq!(e.items[0].problem(), Some(Problem::VatFormat));
        assert!(e.items[0].details.contains("FR12345678901"), "{}", e.items[0].details);
        let e = update(|u| u.zip_code = Some("7500".into())).unwrap_err();
        assert_eq!(e.items[0].problem(), Some(Problem::PostalCodeFormat));
        // Moving to the Netherlands: both stored values are checked against its formats.
        let e = update(|u| u.country = Some("Netherlands".into())).unwrap_err();
        let fields: Vec<_> = e.items.iter().filter_map(|i| i.field()).collect();
        assert_eq!(fields, ["VatNumber", "ZipCode"]);
        // Unchanged values stored before are not checked; nor any where no format is known.
        let odd = Account { zip_code: Some("7500".into()), ..current.clone() };
        let u = UpdateAccountRequest { city: Some("Paris".into()), ..Default::default() };
        assert!(check_address(&u, &odd).is_ok());
        assert!(update(|u| u.country = Some("United Kingdom".into())).is_ok());
        let unknown = Account { country: Some("Gaule".into()), ..current.clone() };
        let u = UpdateAccountRequest { vat_number: Some("??".into()), ..Default::default() };
        assert!(check_address(&u, &unknown).is_ok(), "a country out of the list: nothing to check");
    }
}
