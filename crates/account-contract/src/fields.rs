//! The editable fields of an account, as data: one list that the server's storage,
//! the validation and the console's edit form all walk.

use crate::types::{Account, UpdateAccountRequest};

/// What kind of value a field holds; it decides validation, input type and autocomplete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Email,
    Phone,
    Text,
}

/// A single-valued, editable field of `Account` (`AdditionalEmails` is the one list, apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountField {
    Email,
    FirstName,
    LastName,
    JobTitle,
    PhoneNumber,
    MobileNumber,
    CompanyName,
    VatNumber,
    City,
    ZipCode,
    StateProvince,
    Country,
}

impl AccountField {
    pub const ALL: [AccountField; 12] = {
        use AccountField::*;
        [
            Email,
            FirstName,
            LastName,
            JobTitle,
            PhoneNumber,
            MobileNumber,
            CompanyName,
            VatNumber,
            City,
            ZipCode,
            StateProvince,
            Country,
        ]
    };

    /// The OAPI parameter name.
    pub const fn name(self) -> &'static str {
        use AccountField::*;
        match self {
            Email => "Email",
            FirstName => "FirstName",
            LastName => "LastName",
            JobTitle => "JobTitle",
            PhoneNumber => "PhoneNumber",
            MobileNumber => "MobileNumber",
            CompanyName => "CompanyName",
            VatNumber => "VatNumber",
            City => "City",
            ZipCode => "ZipCode",
            StateProvince => "StateProvince",
            Country => "Country",
        }
    }

    pub const fn kind(self) -> FieldKind {
        match self {
            AccountField::Email => FieldKind::Email,
            AccountField::PhoneNumber | AccountField::MobileNumber => FieldKind::Phone,
            _ => FieldKind::Text,
        }
    }

    /// The longest value accepted, in characters.
    pub const fn max_chars(self) -> usize {
        use AccountField::*;
        match self {
            Email => crate::validation::EMAIL_MAX_CHARS,
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

    pub fn of_account(self, a: &Account) -> Option<&String> {
        use AccountField::*;
        match self {
            Email => a.email.as_ref(),
            FirstName => a.first_name.as_ref(),
            LastName => a.last_name.as_ref(),
            JobTitle => a.job_title.as_ref(),
            PhoneNumber => a.phone_number.as_ref(),
            MobileNumber => a.mobile_number.as_ref(),
            CompanyName => a.company_name.as_ref(),
            VatNumber => a.vat_number.as_ref(),
            City => a.city.as_ref(),
            ZipCode => a.zip_code.as_ref(),
            StateProvince => a.state_province.as_ref(),
            Country => a.country.as_ref(),
        }
    }

    pub fn of_account_mut(self, a: &mut Account) -> &mut Option<String> {
        use AccountField::*;
        match self {
            Email => &mut a.email,
            FirstName => &mut a.first_name,
            LastName => &mut a.last_name,
            JobTitle => &mut a.job_title,
            PhoneNumber => &mut a.phone_number,
            MobileNumber => &mut a.mobile_number,
            CompanyName => &mut a.company_name,
            VatNumber => &mut a.vat_number,
            City => &mut a.city,
            ZipCode => &mut a.zip_code,
            StateProvince => &mut a.state_province,
            Country => &mut a.country,
        }
    }

    pub fn of_update(self, u: &UpdateAccountRequest) -> Option<&String> {
        use AccountField::*;
        match self {
            Email => u.email.as_ref(),
            FirstName => u.first_name.as_ref(),
            LastName => u.last_name.as_ref(),
            JobTitle => u.job_title.as_ref(),
            PhoneNumber => u.phone_number.as_ref(),
            MobileNumber => u.mobile_number.as_ref(),
            CompanyName => u.company_name.as_ref(),
            VatNumber => u.vat_number.as_ref(),
            City => u.city.as_ref(),
            ZipCode => u.zip_code.as_ref(),
            StateProvince => u.state_province.as_ref(),
            Country => u.country.as_ref(),
        }
    }

    pub fn of_update_mut(self, u: &mut UpdateAccountRequest) -> &mut Option<String> {
        use AccountField::*;
        match self {
            Email => &mut u.email,
            FirstName => &mut u.first_name,
            LastName => &mut u.last_name,
            JobTitle => &mut u.job_title,
            PhoneNumber => &mut u.phone_number,
            MobileNumber => &mut u.mobile_number,
            CompanyName => &mut u.company_name,
            VatNumber => &mut u.vat_number,
            City => &mut u.city,
            ZipCode => &mut u.zip_code,
            StateProvince => &mut u.state_province,
            Country => &mut u.country,
        }
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
