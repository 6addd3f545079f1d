//! The password policy as a live checklist, and a strength estimate. The rules
//! come from the contract's policy data; those only the server can check (reuse,
//! zxcvbn) say so.

use account_contract::{PasswordRule, PASSWORD_POLICY};
use leptos::prelude::*;

use crate::components::icons::CheckIcon;
use crate::components::text::tr;
use crate::i18n::*;

/// The sentence of a rule ("contenir un chiffre").
pub fn rule_text(i18n: leptos_i18n::I18nContext<Locale>, rule: PasswordRule) -> String {
    let p = PASSWORD_POLICY;
    match rule {
        PasswordRule::Length => {
            t_string!(i18n, rule_length, min = p.min_chars, max = p.max_chars).to_string()
        }
        PasswordRule::Lowercase => t_string!(i18n, rule_lowercase).to_string(),
        PasswordRule::Uppercase => t_string!(i18n, rule_uppercase).to_string(),
        PasswordRule::Digit => t_string!(i18n, rule_digit).to_string(),
        PasswordRule::Special => t_string!(i18n, rule_special, chars = p.special_chars).to_string(),
        PasswordRule::AllowedCharacters => t_string!(i18n, rule_allowed).to_string(),
        PasswordRule::NotRecentlyUsed => {
            t_string!(i18n, rule_not_recent, n = p.history).to_string()
        }
        PasswordRule::Strong => t_string!(i18n, rule_strong).to_string(),
    }
}

/// Words that guessers try first (with their digits-for-letters variants).
const COMMON_WORDS: [&str; 12] = [
    "password",
    "motdepasse",
    "azerty",
    "qwerty",
    "admin",
    "welcome",
    "bienvenue",
    "outscale",
    "cockpit",
    "letmein",
    "iloveyou",
    "soleil",
];

/// A rough, cautious 0–4 estimate. zxcvbn's dictionaries are too big for the browser
/// (+600 KB) and the server refuses anything below its score 4 (about 10^10 guesses),
/// so what a guesser tries first counts for almost nothing here: a common word, a run
/// of one character, a sequence (123456789, abcdef) each weigh one character.
pub fn estimate_strength(password: &str) -> u8 {
    let lower: Vec<char> = password.chars().map(|c| c.to_ascii_lowercase()).collect();
    let len = lower.len();
    if len == 0 {
        return 0;
    }
    // A character that repeats the previous one or steps by one from it adds nothing.
    let mut weak: Vec<bool> = (0..len)
        .map(|i| {
            i > 0
                && lower[i].is_ascii_alphanumeric()
                && lower[i - 1].is_ascii_alphanumeric()
                && (lower[i] as i32 - lower[i - 1] as i32).abs() <= 1
        })
        .collect();
    // Nor does a common word past its first letter, written with digits or not.
    let plain: String = lower
        .iter()
        .map(|c| match c {
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            // One byte per character, so that byte offsets are character offsets.
            c if c.is_ascii() => *c,
            _ => ' ',
        })
        .collect();
    for word in COMMON_WORDS {
        for (at, _) in plain.match_indices(word) {
            weak[at + 1..at + word.len()].fill(true);
        }
    }
    let effective = weak.iter().filter(|w| !**w).count();
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    // Distinct characters, as a set of ASCII codes (a sort would cost the wasm 1.5 KB).
    let distinct = password
        .chars()
        .filter(char::is_ascii)
        .fold(0u128, |set, c| set | 1 << c as u32)
        .count_ones() as usize;
    // Bits from the alphabet in use, discounted for repeated characters.
    let alphabet = [0.0, 26.0, 52.0, 62.0, 94.0][classes];
    let bits = (distinct.min(effective) + effective) as f64 / 2.0 * f64::log2(alphabet);
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
    let strength_text = move || {
        match strength.get() {
            0 => t_string!(i18n, strength_0),
            1 => t_string!(i18n, strength_1),
            2 => t_string!(i18n, strength_2),
            3 => t_string!(i18n, strength_3),
            _ => t_string!(i18n, strength_4),
        }
        .to_string()
    };
    view! {
        <div class="checklist" id=id>
            <p class="group-title">{tr!(i18n, policy_title)}</p>
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
                <label for=format!("{}-strength", "new-password")>{tr!(i18n, strength_label)}</label>
                <meter id="new-password-strength" min="0" max="4" low="2" high="3" optimum="4"
                    value=move || strength.get().to_string() aria-valuetext=strength_text />
                <span>{strength_text}</span>
                <p class="hint">{tr!(i18n, strength_note)}</p>
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
        assert!(
            estimate_strength("aaaaaaaaaaaaaaaaa") < estimate_strength("Blue-Harbour-Lantern-47")
        );
        assert_eq!(estimate_strength("Blue-Harbour-Lantern-47-Quiet-Meadow"), 4);
        assert_eq!(estimate_strength("Green-Valley-Compass-82"), 4);
    }

    #[wasm_bindgen_test]
    fn what_the_server_refuses_is_never_strong() {
        // zxcvbn scores them 3 at most: the server refuses them.
        for weak in [
            "Password123456789!",
            "Aaaaaaaaaaaaaaaaaaaa1!",
            "P@ssw0rd!P@ssw0rd1",
            "Azerty-Azerty-2026",
            "Abcdefghijklmnop1!",
        ] {
            assert!(estimate_strength(weak) <= 1, "{weak}: {}", estimate_strength(weak));
        }
    }
}
