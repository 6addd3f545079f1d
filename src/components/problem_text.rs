//! What a field problem reads like, from its stable ID (`account_contract::Problem`),
//! never from the server's English words: rewording a message cannot break a translation.

use account_contract::validation::ADDITIONAL_EMAILS_MAX;
use account_contract::{ErrorItem, Problem};

use crate::i18n::*;

/// The problem in `locale`; `max_chars` is the field's limit, for "too long".
pub fn problem_text(locale: Locale, problem: Problem, max_chars: usize) -> String {
    match problem {
        Problem::Required => td_string!(locale, error_required).to_string(),
        Problem::TooLong => td_string!(locale, too_long, max = max_chars).to_string(),
        Problem::TooMany => {
            td_string!(locale, too_many_emails, max = ADDITIONAL_EMAILS_MAX).to_string()
        }
        Problem::ListedTwice => td_string!(locale, listed_twice).to_string(),
        Problem::ControlCharacters => td_string!(locale, invalid_chars).to_string(),
        Problem::NotAnEmail => td_string!(locale, invalid_email).to_string(),
        Problem::NotAPhoneNumber => td_string!(locale, invalid_phone).to_string(),
        Problem::UnknownCountry => td_string!(locale, unknown_country).to_string(),
        Problem::VatFormat => td_string!(locale, vat_format).to_string(),
        Problem::PostalCodeFormat => td_string!(locale, postal_code_format).to_string(),
        Problem::UserNameCharacters => td_string!(locale, invalid_user_name).to_string(),
        Problem::PathShape => td_string!(locale, invalid_path).to_string(),
    }
}

/// A field error in `locale`: its problem's text when it has a problem ID, else the
/// API's own words.
pub fn item_text(locale: Locale, item: &ErrorItem, max_chars: usize) -> String {
    match item.problem() {
        Some(problem) => problem_text(locale, problem, max_chars),
        None => item.details.clone(),
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    #[wasm_bindgen_test]
    fn every_problem_reads_in_french_and_in_english() {
        for problem in Problem::ALL {
            let fr = problem_text(Locale::fr, problem, 16);
            let en = problem_text(Locale::en, problem, 16);
            assert!(!fr.is_empty() && !en.is_empty(), "{problem:?}");
            assert_ne!(fr, en, "{problem:?} has no French text of its own");
        }
    }
}
