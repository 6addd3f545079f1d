//! What is wrong with a value, as data: each problem has a stable ID that the server
//! puts in the error's `Details` (`"Email: [not-an-email] is not a valid email
//! address."`) and the console translates. The English text may change; the IDs may not.

use crate::error::{ApiError, ErrorCode, ErrorItem};

/// A problem with one parameter's value, found by `validation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Problem {
    /// The value is empty and the field needs one.
    Required,
    /// The value is longer than the field allows.
    TooLong,
    /// The list has more items than allowed.
    TooMany,
    /// The list holds the same item twice.
    ListedTwice,
    /// The value contains control characters.
    ControlCharacters,
    /// The value is not an email address.
    NotAnEmail,
    /// The value is not a phone number in international form (`+33 1 23 45 67 89`).
    NotAPhoneNumber,
    /// A country that is not in ISO 3166-1's list (`address::countries`).
    UnknownCountry,
    /// A VAT number that does not follow its country's format (`address::vat_formats`).
    VatFormat,
    /// A postal code that does not follow its country's format (`address::postal_formats`).
    PostalCodeFormat,
    /// An EIM user name with characters other than letters, digits and `+=,.@-_`.
    UserNameCharacters,
    /// An EIM path that does not start and end with `/`.
    PathShape,
}

impl Problem {
    /// Every problem, so tests (and the console's translations) can walk them.
    pub const ALL: [Problem; 12] = [
        Problem::Required,
        Problem::TooLong,
        Problem::TooMany,
        Problem::ListedTwice,
        Problem::ControlCharacters,
        Problem::NotAnEmail,
        Problem::NotAPhoneNumber,
        Problem::UnknownCountry,
        Problem::VatFormat,
        Problem::PostalCodeFormat,
        Problem::UserNameCharacters,
        Problem::PathShape,
    ];

    /// The stable ID carried in `Details`.
    pub const fn id(self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TooLong => "too-long",
            Problem::TooMany => "too-many",
            Problem::ListedTwice => "listed-twice",
            Problem::ControlCharacters => "control-characters",
            Problem::NotAnEmail => "not-an-email",
            Problem::NotAPhoneNumber => "not-a-phone-number",
            Problem::UnknownCountry => "unknown-country",
            Problem::VatFormat => "vat-format",
            Problem::PostalCodeFormat => "postal-code-format",
            Problem::UserNameCharacters => "user-name-characters",
            Problem::PathShape => "path-shape",
        }
    }

    /// The OAPI error code the problem is reported with.
    pub const fn code(self) -> ErrorCode {
        match self {
            Problem::Required | Problem::TooLong | Problem::TooMany => ErrorCode::InvalidLength,
            Problem::NotAnEmail => ErrorCode::InvalidEmail,
            Problem::ListedTwice
            | Problem::ControlCharacters
            | Problem::NotAPhoneNumber
            | Problem::UnknownCountry
            | Problem::VatFormat
            | Problem::PostalCodeFormat
            | Problem::UserNameCharacters
            | Problem::PathShape => ErrorCode::InvalidParameterValue,
        }
    }

    /// The problem of that ID.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }
}

/// The ID at the start of a message (`"[too-long] must be..."` → `too-long`): a
/// [`Problem`]'s or a [`crate::PasswordRule`]'s.
pub fn tag_of(message: &str) -> Option<&str> {
    Some(message.strip_prefix('[')?.split_once(']')?.0)
}

impl ApiError {
    /// A problem with one parameter: its code, and `Details` as `"Name: [id] text"`.
    pub fn invalid(field: &str, problem: Problem, text: impl AsRef<str>) -> Self {
        Self::field(problem.code(), field, format!("[{}] {}", problem.id(), text.as_ref()))
    }
}

impl ErrorItem {
    /// The problem this error reports, when it names one.
    pub fn problem(&self) -> Option<Problem> {
        tag_of(self.message()).and_then(Problem::from_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip_through_an_error() {
        for p in Problem::ALL {
            let e = ApiError::invalid("AdditionalEmails[3]", p, "some words");
            let item = &e.items[0];
            assert_eq!(item.problem(), Some(p), "{}", item.details);
            assert_eq!(item.field(), Some("AdditionalEmails[3]"));
            assert_eq!(item.code, p.code().code());
            assert_eq!(Problem::from_id(p.id()), Some(p));
        }
        let mut ids: Vec<_> = Problem::ALL.iter().map(|p| p.id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), Problem::ALL.len());
        let plain = ApiError::field(ErrorCode::InvalidParameterValue, "Email", "taken");
        assert_eq!(plain.items[0].problem(), None);
    }
}
