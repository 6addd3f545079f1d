//! The account's information, read-only.

use account_contract::{Account, AccountField};
use leptos::prelude::*;

use super::country::{country_names, shown};
use super::labels::{field_label, section_title, Section, SECTIONS};
use crate::components::form::ReadOnlyId;
use crate::components::text::tr;
use crate::components::unset::Unset;
use crate::i18n::*;

#[component]
pub fn AccountDetails(account: Signal<Option<Account>>) -> impl IntoView {
    let i18n = use_i18n();
    let countries = Memo::new(move |_| country_names(i18n.get_locale()));
    let value = move |field: AccountField| {
        let stored = account
            .with(|a| a.as_ref().and_then(|a| field.of_account(a).cloned()).unwrap_or_default());
        match field {
            // In the reader's language (stored in English), or as stored if no country.
            AccountField::Country => countries.with(|names| shown(&stored, names)),
            _ => stored,
        }
    };
    let id_of = move |get: fn(&Account) -> Option<String>| {
        move || account.with(|a| a.as_ref().and_then(get).unwrap_or_default())
    };
    let account_id = id_of(|a| a.account_id.clone());
    let customer_id = id_of(|a| a.customer_id.clone());
    let additional = move || {
        account.with(|a| a.as_ref().and_then(|a| a.additional_emails.clone()).unwrap_or_default())
    };

    let shown = move |value: String| {
        if value.is_empty() {
            view! { <dd class="unset"><Unset /></dd> }.into_any()
        } else {
            view! { <dd>{value}</dd> }.into_any()
        }
    };

    view! {
        <div class="sections">
            <section class="card" aria-labelledby="section-account">
                <h2 id="section-account">{tr!(i18n, section_account)}</h2>
                <dl>
                    <ReadOnlyId label=tr!(i18n, field_account_id) value=Signal::derive(account_id) />
                    <ReadOnlyId label=tr!(i18n, field_customer_id) value=Signal::derive(customer_id) />
                </dl>
            </section>
            {SECTIONS.iter().map(|(section, fields)| {
                let heading_id = format!("section-{}", section_key(*section));
                let labelled_by = heading_id.clone();
                view! {
                    <section class="card" aria-labelledby=labelled_by>
                        <h2 id=heading_id>{move || section_title(i18n, *section)}</h2>
                        <dl>
                            {fields.iter().map(|field| {
                                let field = *field;
                                view! {
                                    <div class="row">
                                        <dt>{move || field_label(i18n, field)}</dt>
                                        {move || shown(value(field))}
                                    </div>
                                    {(field == AccountField::Email).then(|| view! {
                                        <div class="row">
                                            <dt>{tr!(i18n, field_additional_emails)}</dt>
                                            {move || {
                                                let list = additional();
                                                if list.is_empty() {
                                                    view! { <dd class="unset">{tr!(i18n, none_listed)}</dd> }.into_any()
                                                } else {
                                                    view! { <dd><ul class="plain">{list.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul></dd> }.into_any()
                                                }
                                            }}
                                        </div>
                                    })}
                                }
                            }).collect_view()}
                        </dl>
                    </section>
                }
            }).collect_view()}
        </div>
    }
}

pub(super) fn section_key(section: Section) -> &'static str {
    match section {
        Section::Identity => "identity",
        Section::Contact => "contact",
        Section::Company => "company",
        Section::Address => "address",
    }
}
