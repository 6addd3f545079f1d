//! The password policy as a live checklist, and a strength estimate. The rules
//! come from the contract's policy data; those only the server can check (reuse,
//! zxcvbn) say so.

use account_contract::{PasswordRule, PASSWORD_POLICY};
use leptos::prelude::*;

use crate::components::icons::CheckIcon;
use crate::components::text::text;
use crate::i18n::*;

/// The sentence of a rule ("contenir un chiffre").
pub fn rule_text(i18n: leptos_i18n::I18nContext<Locale>, rule: PasswordRule) -> String {
    let p = PASSWORD_POLICY;
    match rule {
        PasswordRule::Length => t_string!(i18n, rule_length, min = p.min_chars, max = p.max_chars).to_string(),
        PasswordRule::Lowercase => t_string!(i18n, rule_lowercase).to_string(),
        PasswordRule::Uppercase => t_string!(i18n, rule_uppercase).to_string(),
        PasswordRule::Digit => t_string!(i18n, rule_digit).to_string(),
        PasswordRule::Special => t_string!(i18n, rule_special, chars = p.special_chars).to_string(),
        PasswordRule::AllowedCharacters => t_string!(i18n, rule_allowed).to_string(),
        PasswordRule::NotRecentlyUsed => t_string!(i18n, rule_not_recent, n = p.history).to_string(),
        PasswordRule::Strong => t_string!(i18n, rule_strong).to_string(),
    }
}

/// A rough 0–4 estimate from length and variety. zxcvbn's dictionaries are too
/// big for the browser (+600 KB): the server runs the real check on submit.
pub fn estimate_strength(password: &str) -> u8 {
    let len = password.chars().count();
    if len == 0 {
        return 0;
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    let distinct = {
        let mut chars: Vec<char> = password.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        chars.len()
    };
    // Bits from the alphabet in use, discounted for repeated characters.
    let alphabet = [0.0, 26.0, 52.0, 62.0, 94.0][classes];
    let bits = (distinct.min(len) as f64 + len as f64) / 2.0 * f64::log2(alphabet);
    match bits as u32 {
        0..=39 => 0,
        40..=59 => 1,
        60..=79 => 2,
        80..=99 => 3,
        _ => 4,
    }
}

#[component]
pub fn PasswordChecklist(#[prop(into)] id: String, password: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let strength = Memo::new(move |_| password.with(|p| estimate_strength(p)));
    let strength_text = move || match strength.get() {
        0 => t_string!(i18n, strength_0),
        1 => t_string!(i18n, strength_1),
        2 => t_string!(i18n, strength_2),
        3 => t_string!(i18n, strength_3),
        _ => t_string!(i18n, strength_4),
    }
    .to_string();
    view! {
        <div class="checklist" id=id>
            <p class="group-title">{text(i18n, |l| td_string!(l, policy_title))}</p>
            <ul class="plain">
                {PasswordRule::ALL.into_iter().map(|rule| {
                    let state = Memo::new(move |_| password.with(|p| PASSWORD_POLICY.meets(rule, p)));
                    let met = Signal::derive(move || state.get() == Some(true));
                    view! {
                        <li class=move || match state.get() {
                            Some(true) => "rule met",
                            Some(false) => "rule unmet",
                            None => "rule pending",
                        }>
                            <CheckIcon met />
                            <span>{move || rule_text(i18n, rule)}</span>
                            <span class="visually-hidden">
                                {move || match state.get() {
                                    Some(true) => format!(" ({})", t_string!(i18n, rule_met)),
                                    Some(false) => format!(" ({})", t_string!(i18n, rule_unmet)),
                                    None => String::new(),
                                }}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="strength">
                <label for=format!("{}-strength", "new-password")>{text(i18n, |l| td_string!(l, strength_label))}</label>
                <meter id="new-password-strength" min="0" max="4" low="2" high="3" optimum="4"
                    value=move || strength.get().to_string() aria-valuetext=strength_text />
                <span>{strength_text}</span>
                <p class="hint">{text(i18n, |l| td_string!(l, strength_note))}</p>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::estimate_strength;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn longer_and_more_varied_is_stronger() {
        assert_eq!(estimate_strength(""), 0);
        assert!(estimate_strength("aaaaaaaaaaaaaaaaa") < estimate_strength("Blue-Harbour-Lantern-47"));
        assert_eq!(estimate_strength("Blue-Harbour-Lantern-47-Quiet-Meadow"), 4);
    }
}
