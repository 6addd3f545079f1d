//! Preferences kept in `localStorage`: the language and the theme. Nothing secret
//! ever goes there (the session lives in `sessionStorage`).

const LOCALE_KEY: &str = "osc-console.locale";
const THEME_KEY: &str = "osc-console.theme";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn saved_locale() -> Option<String> {
    local_storage()?.get_item(LOCALE_KEY).ok()?
}

pub fn save_locale(locale: &str) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(LOCALE_KEY, locale);
    }
}

/// `Some(true)` for dark, `Some(false)` for light, `None` to follow the system.
pub fn saved_dark_theme() -> Option<bool> {
    match local_storage()?.get_item(THEME_KEY).ok()??.as_str() {
        "dark" => Some(true),
        "light" => Some(false),
        _ => None,
    }
}

pub fn save_dark_theme(dark: bool) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(THEME_KEY, if dark { "dark" } else { "light" });
    }
}

pub fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Applies a chosen theme to `<html data-theme>`, which the style sheet reads;
/// `None` removes it, and the system's preference applies.
pub fn apply_theme(dark: Option<bool>) {
    if let Some(root) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element())
    {
        let _ = match dark {
            Some(dark) => root.set_attribute("data-theme", if dark { "dark" } else { "light" }),
            None => root.remove_attribute("data-theme"),
        };
    }
}
