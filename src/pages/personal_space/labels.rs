//! How each account field is labelled, grouped and typed on screen, and how a
//! field error reads.

use account_contract::{AccountField, ErrorCode, ErrorItem, Problem};

use crate::components::problem_text::item_text;
use crate::i18n::*;

/// The sections of the page, with the fields each shows.
pub const SECTIONS: [(Section, &[AccountField]); 4] = {
    use AccountField::*;
    [
        (Section::Identity, &[FirstName, LastName, JobTitle]),
        (Section::Contact, &[Email, PhoneNumber, MobileNumber]),
        (Section::Company, &[CompanyName, VatNumber]),
        (Section::Address, &[City, ZipCode, StateProvince, Country]),
    ]
};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Identity,
    Contact,
    Company,
    Address,
}

pub fn section_title(i18n: leptos_i18n::I18nContext<Locale>, section: Section) -> String {
    match section {
        Section::Identity => t_string!(i18n, section_identity),
        Section::Contact => t_string!(i18n, section_contact),
        Section::Company => t_string!(i18n, section_company),
        Section::Address => t_string!(i18n, section_address),
    }
    .to_string()
}

pub fn field_label(i18n: leptos_i18n::I18nContext<Locale>, field: AccountField) -> String {
    use AccountField::*;
    match field {
        Email => t_string!(i18n, field_email),
        FirstName => t_string!(i18n, field_first_name),
        LastName => t_string!(i18n, field_last_name),
        JobTitle => t_string!(i18n, field_job_title),
        PhoneNumber => t_string!(i18n, field_phone_number),
        MobileNumber => t_string!(i18n, field_mobile_number),
        CompanyName => t_string!(i18n, field_company_name),
        VatNumber => t_string!(i18n, field_vat_number),
        City => t_string!(i18n, field_city),
        ZipCode => t_string!(i18n, field_zip_code),
        StateProvince => t_string!(i18n, field_state_province),
        Country => t_string!(i18n, field_country),
    }
    .to_string()
}

/// The input type and `autocomplete` token of a field.
pub fn input_kind(field: AccountField) -> (&'static str, &'static str) {
    use AccountField::*;
    match field {
        Email => ("email", "email"),
        FirstName => ("text", "given-name"),
        LastName => ("text", "family-name"),
        JobTitle => ("text", "organization-title"),
        PhoneNumber => ("tel", "work tel"),
        MobileNumber => ("tel", "mobile tel"),
        CompanyName => ("text", "organization"),
        VatNumber => ("text", "off"),
        City => ("text", "address-level2"),
        ZipCode => ("text", "postal-code"),
        StateProvince => ("text", "address-level1"),
        Country => ("text", "country-name"),
    }
}

/// The element id of a parameter's input (`AdditionalEmails[2]` → `field-AdditionalEmails-2`).
pub fn input_id(parameter: &str) -> String {
    format!("field-{}", parameter.replace('[', "-").replace(']', ""))
}

/// A field error in the reader's language: from its problem ID when it has one, from
/// its code for the conflicts; the API's own words otherwise. `example`: what the VAT
/// number or postal code looks like in the account's country, for a format error.
pub fn error_text(
    i18n: leptos_i18n::I18nContext<Locale>,
    item: &ErrorItem,
    max_chars: usize,
    example: Option<String>,
) -> String {
    if item.problem().is_none() && item.code == ErrorCode::DuplicateEmail.code() {
        return t_string!(i18n, duplicate_email).to_string();
    }
    match (item.problem(), example) {
        (Some(Problem::VatFormat), Some(example)) => {
            t_string!(i18n, vat_format_example, example).to_string()
        }
        (Some(Problem::PostalCodeFormat), Some(example)) => {
            t_string!(i18n, postal_code_format_example, example).to_string()
        }
        _ => item_text(i18n.get_locale(), item, max_chars),
    }
}
