//! The fields of the edit form, section by section, over a [`Draft`] of the
//! account: one input per account field, and the list of additional emails.

use account_contract::address::{self, PHONE_EXAMPLE};
use account_contract::validation::{ADDITIONAL_EMAILS_MAX, EMAIL_MAX_CHARS};
use account_contract::{Account, AccountField, ErrorItem};
use leptos::prelude::*;

use super::country;
use super::details::section_key;
use super::labels::{error_text, field_label, input_id, input_kind, section_title, SECTIONS};
use crate::components::form::{focus_by_id, FormField};
use crate::components::text::tr;
use crate::i18n::*;

/// An example of what parameter `VatNumber` or `ZipCode` looks like in the account's
/// country, where its format is known (for a hint, and in a format error).
pub fn example_for(account: &Account, parameter: &str) -> Option<String> {
    let field = AccountField::ALL.into_iter().find(|f| f.name() == parameter)?;
    let code = address::country_of(account.country.as_deref()?)?.code;
    address::example_of(code, field)
}

/// The longest value a parameter takes (its field's limit; an email's for the list).
pub fn max_chars_of(parameter: &str) -> usize {
    AccountField::ALL
        .iter()
        .find(|f| f.name() == parameter)
        .map_or(EMAIL_MAX_CHARS, |f| f.max_chars())
}

/// The account being edited and what is wrong with it, by parameter: what the
/// API refused (a field's error goes when it is edited) and what the contract's
/// checks find.
#[derive(Clone, Copy)]
pub struct Draft {
    pub account: RwSignal<Account>,
    pub server_errors: RwSignal<Vec<(String, ErrorItem)>>,
    pub client_errors: Memo<Vec<(String, String)>>,
}

impl Draft {
    /// A parameter's error, in the reader's language: the API's, else the checks'.
    pub fn error_of(self, parameter: String) -> Signal<Option<String>> {
        let i18n = use_i18n();
        Signal::derive(move || {
            let server = self.server_errors.with(|s| {
                s.iter().find(|(p, _)| *p == parameter).map(|(p, item)| {
                    let example = self.account.with(|a| example_for(a, p));
                    error_text(i18n, item, max_chars_of(p), example)
                })
            });
            server.or_else(|| {
                self.client_errors
                    .with(|c| c.iter().find(|(p, _)| *p == parameter).map(|(_, m)| m.clone()))
            })
        })
    }

    /// An example of the VAT number or the postal code in the account's country.
    pub fn example_of(self, field: AccountField) -> Option<String> {
        self.account.with(|a| example_for(a, field.name()))
    }

    /// The API's errors about parameters `matching` go: they were edited.
    fn edited(self, matching: impl Fn(&str) -> bool) {
        self.server_errors.update(|s| s.retain(|(p, _)| !matching(p)));
    }
}

/// The four sections (identity, contact, company, address) and their inputs.
#[component]
pub fn AccountFields(draft: Draft) -> impl IntoView {
    let i18n = use_i18n();
    SECTIONS
        .iter()
        .map(|(section, fields)| {
            let legend_id = format!("edit-{}", section_key(*section));
            let labelled_by = legend_id.clone();
            view! {
                <fieldset aria-labelledby=labelled_by>
                    <legend id=legend_id>{move || section_title(i18n, *section)}</legend>
                    {fields.iter().map(|f| text_field(draft, *f)).collect_view()}
                    {fields.contains(&AccountField::Email).then(|| view! { <AdditionalEmails draft /> })}
                </fieldset>
            }
        })
        .collect_view()
}

fn text_field(draft: Draft, field: AccountField) -> impl IntoView {
    let i18n = use_i18n();
    let (input_type, autocomplete) = input_kind(field);
    let stored = move || draft.account.with(|d| field.of_account(d).cloned().unwrap_or_default());
    // Pays (only) shows and takes names in the reader's language, and stores English ones.
    let countries = (field == AccountField::Country)
        .then(|| Memo::new(move |_| country::country_names(i18n.get_locale())));
    let value = Signal::derive(move || match countries {
        Some(names) => names.with(|names| country::shown(&stored(), names)),
        None => stored(),
    });
    let on_input = Callback::new(move |v: String| {
        let v = match countries {
            Some(names) => names.with_untracked(|names| country::to_store(&v, names)),
            None => v,
        };
        draft.edited(|p| p == field.name());
        draft.account.update(|d| *field.of_account_mut(d) = Some(v));
    });
    let (id, label) = (input_id(field.name()), move || field_label(i18n, field));
    let (error, required, max_chars) =
        (draft.error_of(field.name().to_owned()), !field.may_be_empty(), field.max_chars());
    match (countries, field_hint(i18n, field, draft)) {
        (Some(names), Some(hint)) => view! {
            <FormField id label value on_input error input_type autocomplete required max_chars
                hint list=country::LIST_ID />
            <datalist id=country::LIST_ID>
                {move || names.get().into_iter()
                    .map(|(_, name)| view! { <option value=name></option> }).collect_view()}
            </datalist>
        }.into_any(),
        (_, Some(hint)) => view! { <FormField id label value on_input error input_type autocomplete required max_chars hint /> }.into_any(),
        (_, None) => view! { <FormField id label value on_input error input_type autocomplete required max_chars /> }.into_any(),
    }
}

/// What a field expects, said before anything is typed; `None` for a field that needs
/// no word.
fn field_hint(
    i18n: leptos_i18n::I18nContext<Locale>,
    field: AccountField,
    draft: Draft,
) -> Option<Signal<String>> {
    use AccountField::*;
    let hinted =
        matches!(field, Email | PhoneNumber | MobileNumber | VatNumber | ZipCode | Country);
    hinted.then(|| {
        Signal::derive(move || match field {
            Email => tr!(i18n, email_hint)().to_owned(),
            PhoneNumber | MobileNumber => {
                t_string!(i18n, phone_hint, example = PHONE_EXAMPLE).to_string()
            }
            VatNumber | ZipCode => match draft.example_of(field) {
                Some(example) => t_string!(i18n, format_hint, example).to_string(),
                None => String::new(),
            },
            Country => tr!(i18n, country_hint)().to_owned(),
            _ => String::new(),
        })
    })
}

/// Additional emails: one input each, a button to remove it, one to add one.
#[component]
fn AdditionalEmails(draft: Draft) -> impl IntoView {
    let i18n = use_i18n();
    let account = draft.account;
    let count =
        Memo::new(move |_| account.with(|d| d.additional_emails.as_ref().map_or(0, Vec::len)));
    let add = move |_: leptos::ev::MouseEvent| {
        let index = count.get_untracked();
        account.update(|d| d.additional_emails.get_or_insert_with(Vec::new).push(String::new()));
        focus_by_id(&input_id(&format!("AdditionalEmails[{index}]")));
    };
    let remove = move |index: usize| {
        account.update(|d| {
            if let Some(list) = d.additional_emails.as_mut() {
                list.remove(index);
            }
        });
        // The list moved: its errors no longer point at the right inputs.
        draft.edited(|p| p.starts_with("AdditionalEmails"));
        focus_by_id("add-email");
    };
    let item = move |i: usize| {
        let parameter = format!("AdditionalEmails[{i}]");
        let value = Signal::derive(move || {
            account.with(|d| {
                d.additional_emails.as_ref().and_then(|l| l.get(i).cloned()).unwrap_or_default()
            })
        });
        let on_input = {
            let parameter = parameter.clone();
            Callback::new(move |v: String| {
                draft.edited(|p| p == parameter);
                account.update(|d| {
                    if let Some(slot) = d.additional_emails.as_mut().and_then(|l| l.get_mut(i)) {
                        *slot = v;
                    }
                });
            })
        };
        // Named for the address it removes (its number while it is empty).
        let remove_label = move || {
            let email = value.get();
            match email.trim().is_empty() {
                true => t_string!(i18n, remove_email, n = i + 1).to_string(),
                false => t_string!(i18n, remove_email_named, email).to_string(),
            }
        };
        view! {
            <li class="email-item">
                <FormField id=input_id(&parameter) input_type="email" autocomplete="email"
                    label=move || t_string!(i18n, additional_email_n, n = i + 1).to_string()
                    value on_input error=draft.error_of(parameter.clone()) max_chars=EMAIL_MAX_CHARS />
                <button type="button" class="ghost small" aria-label=remove_label
                    on:click=move |_| remove(i)>
                    {tr!(i18n, remove)}
                </button>
            </li>
        }
    };
    let list_error = draft.error_of("AdditionalEmails".into());
    view! {
        <div class="field-group" role="group" aria-labelledby="additional-emails-title">
            <p class="group-title" id="additional-emails-title">{tr!(i18n, field_additional_emails)}</p>
            <p class="hint">{tr!(i18n, additional_emails_hint)}</p>
            <ul class="plain">{move || (0..count.get()).map(item).collect_view()}</ul>
            <p class="field-error" hidden=move || list_error.with(Option::is_none)>{move || list_error.get()}</p>
            <button type="button" id="add-email" class="ghost"
                disabled=move || { count.get() >= ADDITIONAL_EMAILS_MAX }
                on:click=add>
                {tr!(i18n, add_email)}
            </button>
        </div>
    }
}
