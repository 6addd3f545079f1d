//! The editable fields of an account, as data: one list that the server's storage,
//! the validation and the console's edit form all walk.

use crate::types::{Account, UpdateAccountRequest};

/// The longest email address accepted (RFC 5321's path limit).
pub const EMAIL_MAX_CHARS: usize = 254;

/// What kind of value a field holds; it decides validation, input type and autocomplete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// A country of ISO 3166-1.
    Country,
    /// Free text.
    Text,
}

/// Declares `AccountField` from one list of (variant, snake_case field of `Account`
/// and of `UpdateAccountRequest`): names and accessors cannot drift apart.
macro_rules! account_fields {
    ($($variant:ident: $field:ident,)*) => {
        /// A single-valued, editable field of `Account` (`AdditionalEmails` is the one
        /// list, apart).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AccountField {
            $(#[doc = concat!("`", stringify!($variant), "`.")] $variant,)*
        }

        impl AccountField {
            /// Every field, in the order of the OAPI spec.
            pub const ALL: [AccountField; [$(AccountField::$variant,)*].len()] =
                [$(AccountField::$variant,)*];

            /// The OAPI parameter name.
            pub const fn name(self) -> &'static str {
                match self { $(AccountField::$variant => stringify!($variant),)* }
            }

            /// The field's value in an account.
            pub fn of_account(self, a: &Account) -> Option<&String> {
                match self { $(AccountField::$variant => a.$field.as_ref(),)* }
            }

            /// The field's slot in an account.
            pub fn of_account_mut(self, a: &mut Account) -> &mut Option<String> {
                match self { $(AccountField::$variant => &mut a.$field,)* }
            }

            /// The field's value in an update, if it changes.
            pub fn of_update(self, u: &UpdateAccountRequest) -> Option<&String> {
                match self { $(AccountField::$variant => u.$field.as_ref(),)* }
            }

            /// The field's slot in an update.
            pub fn of_update_mut(self, u: &mut UpdateAccountRequest) -> &mut Option<String> {
                match self { $(AccountField::$variant => &mut u.$field,)* }
            }
        }
    };
}

account_fields! {
    Email: email,
    FirstName: first_name,
    LastName: last_name,
    JobTitle: job_title,
    PhoneNumber: phone_number,
    MobileNumber: mobile_number,
    CompanyName: company_name,
    VatNumber: vat_number,
    City: city,
    ZipCode: zip_code,
    StateProvince: state_province,
    Country: country,
}

impl AccountField {
    /// What kind of value the field holds.
    pub const fn kind(self) -> FieldKind {
        match self {
            AccountField::Email => FieldKind::Email,
            AccountField::PhoneNumber | AccountField::MobileNumber => FieldKind::Phone,
            AccountField::Country => FieldKind::Country,
            _ => FieldKind::Text,
        }
    }

    /// The longest value accepted, in characters.
    pub const fn max_chars(self) -> usize {
        use AccountField::*;
        match self {
            Email => EMAIL_MAX_CHARS,
            PhoneNumber | MobileNumber => 32,
            ZipCode => 16,
            VatNumber => 32,
            _ => 128,
        }
    }

    /// Whether the value may be the empty string (clearing the field).
    pub const fn may_be_empty(self) -> bool {
        !matches!(self, AccountField::Email)
    }
}

impl UpdateAccountRequest {
    /// The update that turns `before` into `after`: only what changed, as a form
    /// that diffs against the original sends it.
    pub fn diff(before: &Account, after: &Account) -> Self {
        let mut update = UpdateAccountRequest::default();
        for field in AccountField::ALL {
            let old = field.of_account(before).map(String::as_str).unwrap_or("");
            let new = field.of_account(after).map(String::as_str).unwrap_or("");
            if old != new {
                *field.of_update_mut(&mut update) = Some(new.to_owned());
            }
        }
        let old_emails = before.additional_emails.as_deref().unwrap_or(&[]);
        let new_emails = after.additional_emails.as_deref().unwrap_or(&[]);
        if old_emails != new_emails {
            update.additional_emails = Some(new_emails.to_vec());
        }
        update
    }

    /// Whether the update changes nothing.
    pub fn is_empty(&self) -> bool {
        AccountField::ALL.iter().all(|f| f.of_update(self).is_none())
            && self.additional_emails.is_none()
    }

    /// `account` with this update applied, as the server stores it.
    pub fn apply_to(&self, account: &mut Account) {
        for field in AccountField::ALL {
            if let Some(v) = field.of_update(self) {
                *field.of_account_mut(account) = Some(v.clone());
            }
        }
        if let Some(list) = &self.additional_emails {
            account.additional_emails = Some(list.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_sends_only_what_changed() {
        let before = Account {
            email: Some("a@example.com".into()),
            city: Some("Paris".into()),
            ..Default::default()
        };
        let mut after = before.clone();
        after.city = Some("Lyon".into());
        after.additional_emails = Some(vec!["b@example.com".into()]);
        let u = UpdateAccountRequest::diff(&before, &after);
        assert_eq!(u.city.as_deref(), Some("Lyon"));
        assert_eq!(u.email, None);
        assert_eq!(u.additional_emails, Some(vec!["b@example.com".to_string()]));
        assert!(UpdateAccountRequest::diff(&before, &before).is_empty());
        let mut applied = before.clone();
        u.apply_to(&mut applied);
        assert_eq!(applied, after);
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = AccountField::ALL.iter().map(|f| f.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), AccountField::ALL.len());
    }
}
