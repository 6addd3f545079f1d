//! Component tests in a real browser (wasm-bindgen-test in headless Chromium):
//! each mounts one widget, drives it, and reads the DOM.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::components::form::{on_submit, FormField, PasswordInput, SubmitButton};
use crate::components::loaded::{Load, Loaded};
use crate::components::password_checklist::PasswordChecklist;
use crate::i18n::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> web_sys::HtmlElement {
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    leptos::mount::mount_to(root.clone(), view).forget();
    root
}

fn count(root: &web_sys::HtmlElement, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn input(root: &web_sys::HtmlElement, selector: &str) -> web_sys::HtmlInputElement {
    root.query_selector(selector).unwrap().expect(selector).unchecked_into()
}

#[wasm_bindgen_test]
async fn the_checklist_follows_the_password_as_it_is_typed() {
    let password = RwSignal::new(String::new());
    let root = mount(
        move || view! { <I18nContextProvider><PasswordChecklist id="rules" password /></I18nContextProvider> },
    );
    leptos::task::tick().await;
    assert_eq!(count(&root, ".rule.met"), 1, "the empty password only uses allowed characters");
    password.set("Blue-Harbour-Lantern-47".into());
    leptos::task::tick().await;
    assert_eq!(count(&root, ".rule.met"), 6);
    assert_eq!(count(&root, ".rule.pending"), 2, "reuse and strength are checked by the server");
    password.set("Blue-Harbour-Lantern-é".into());
    leptos::task::tick().await;
    assert_eq!(count(&root, ".rule.unmet"), 2, "no digit, a character out of the policy");
    let meter = root.query_selector("meter").unwrap().unwrap();
    assert!(meter.get_attribute("aria-valuetext").is_some_and(|t| !t.is_empty()));
}

#[wasm_bindgen_test]
async fn a_field_error_is_tied_to_its_input() {
    let error = RwSignal::new(None::<String>);
    let value = RwSignal::new("a@b".to_string());
    let root = mount(move || {
        view! {
            <FormField id="email" label="Adresse e-mail" value=value on_input=Callback::new(move |v| value.set(v))
                error=error input_type="email" autocomplete="email" />
        }
    });
    leptos::task::tick().await;
    let field = input(&root, "#email");
    assert_eq!(field.value(), "a@b");
    assert_eq!(field.get_attribute("aria-invalid"), None);
    error.set(Some("Adresse e-mail invalide.".into()));
    leptos::task::tick().await;
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(field.get_attribute("aria-describedby").as_deref(), Some("email-error"));
    let message = root.query_selector("#email-error").unwrap().unwrap();
    assert_eq!(message.text_content().as_deref(), Some("Adresse e-mail invalide."));
    assert!(!message.has_attribute("hidden"));
    let label = root.query_selector("label[for=email]").unwrap().unwrap();
    assert_eq!(label.text_content().as_deref(), Some("Adresse e-mail"));
}

#[wasm_bindgen_test]
async fn a_hint_describes_its_input_before_the_error() {
    let error = RwSignal::new(None::<String>);
    let root = mount(move || {
        view! {
            <FormField id="login" label="Identifiant" value="" on_input=Callback::new(|_| ())
                error=error hint=|| "Votre adresse" />
        }
    });
    leptos::task::tick().await;
    let field = input(&root, "#login");
    assert_eq!(field.get_attribute("aria-describedby").as_deref(), Some("login-hint"));
    error.set(Some("Obligatoire.".into()));
    leptos::task::tick().await;
    assert_eq!(field.get_attribute("aria-describedby").as_deref(), Some("login-hint login-error"));
    let hint = root.query_selector("#login-hint").unwrap().unwrap();
    assert_eq!(hint.text_content().as_deref(), Some("Votre adresse"));
}

#[wasm_bindgen_test]
async fn the_submit_button_says_it_is_working_and_keeps_the_focus() {
    let pending = RwSignal::new(false);
    let root = mount(move || {
        view! {
            <I18nContextProvider>
                <SubmitButton label="Sauvegarder" pending_label="Enregistrement…" pending />
            </I18nContextProvider>
        }
    });
    leptos::task::tick().await;
    let button: web_sys::HtmlElement =
        root.query_selector("button").unwrap().unwrap().unchecked_into();
    assert_eq!(button.get_attribute("type").as_deref(), Some("submit"));
    assert_eq!(button.text_content().as_deref(), Some("Sauvegarder"));
    assert_eq!(button.get_attribute("aria-busy"), None);
    button.focus().unwrap();
    pending.set(true);
    leptos::task::tick().await;
    assert_eq!(button.text_content().as_deref(), Some("Enregistrement…"));
    assert_eq!(button.get_attribute("aria-busy").as_deref(), Some("true"));
    assert_eq!(button.get_attribute("aria-disabled").as_deref(), Some("true"));
    // Not `disabled`: the focus stays on the button while the call runs.
    assert!(!button.has_attribute("disabled"));
    assert_eq!(document().active_element(), Some(button.clone().into()));
    pending.set(false);
    leptos::task::tick().await;
    assert_eq!(button.text_content().as_deref(), Some("Sauvegarder"));
    assert_eq!(button.get_attribute("aria-disabled"), None);
}

#[wasm_bindgen_test]
async fn show_and_hide_is_a_labelled_toggle() {
    let value = RwSignal::new("secret".to_string());
    let root = mount(move || {
        view! {
            <I18nContextProvider>
                <PasswordInput id="pw" label="Mot de passe" value error=Signal::derive(|| None::<String>) autocomplete="current-password" />
            </I18nContextProvider>
        }
    });
    leptos::task::tick().await;
    assert_eq!(input(&root, "#pw").type_(), "password");
    let toggle: web_sys::HtmlElement =
        root.query_selector("button.reveal").unwrap().unwrap().unchecked_into();
    assert_eq!(toggle.get_attribute("aria-pressed").as_deref(), Some("false"));
    assert_eq!(toggle.get_attribute("aria-controls").as_deref(), Some("pw"));
    assert!(toggle.get_attribute("aria-label").is_some_and(|l| l.contains("Mot de passe")));
    toggle.click();
    leptos::task::tick().await;
    assert_eq!(input(&root, "#pw").type_(), "text");
    assert_eq!(toggle.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert_eq!(input(&root, "#pw").value(), "secret", "nothing typed is lost");
}

#[wasm_bindgen_test]
async fn a_loaded_part_says_it_loads_then_fails_with_a_retry_then_shows() {
    let load = RwSignal::new(Load::Loading);
    let retried = RwSignal::new(0);
    let root = mount(move || {
        view! {
            <I18nContextProvider>
                <Loaded load on_retry=Callback::new(move |()| retried.update(|n| *n += 1))>
                    <p id="the-data">"Les données"</p>
                </Loaded>
            </I18nContextProvider>
        }
    });
    leptos::task::tick().await;
    assert_eq!(count(&root, "[aria-busy=true]"), 1);
    load.set(Load::Failed);
    leptos::task::tick().await;
    assert_eq!(count(&root, "[role=alert]"), 1);
    let retry: web_sys::HtmlElement =
        root.query_selector("[role=alert] button").unwrap().unwrap().unchecked_into();
    retry.click();
    assert_eq!(retried.get_untracked(), 1);
    load.set(Load::Ready);
    leptos::task::tick().await;
    assert_eq!(count(&root, "#the-data"), 1);
    assert_eq!(count(&root, "[role=alert], [aria-busy=true]"), 0);
}

#[wasm_bindgen_test]
async fn a_form_sends_nothing_more_while_its_call_is_pending() {
    let pending = RwSignal::new(false);
    let sent = RwSignal::new(0);
    let root = mount(move || {
        let submit = on_submit(pending, move || sent.update(|n| *n += 1));
        view! { <form on:submit=submit><button type="submit">"Envoyer"</button></form> }
    });
    leptos::task::tick().await;
    let button: web_sys::HtmlElement =
        root.query_selector("button").unwrap().unwrap().unchecked_into();
    button.click();
    assert_eq!(sent.get_untracked(), 1, "sent, and the page did not go anywhere");
    pending.set(true);
    button.click();
    assert_eq!(sent.get_untracked(), 1, "a second submit while pending sends nothing");
}

#[wasm_bindgen_test]
fn a_sign_in_goes_on_only_to_the_consoles_own_pages() {
    use crate::pages::sign_in::next_path;
    let next = |raw: &str, user| next_path(Some(raw.into()), user);
    assert_eq!(next("/authentication-settings", false), "/authentication-settings");
    assert_eq!(next("/personal-space", false), "/personal-space");
    assert_eq!(next("/access-keys", false), "/access-keys");
    assert_eq!(next("/access-keys", true), "/access-keys", "an EIM user's keys too");
    assert_eq!(next_path(None, false), "/personal-space");
    assert_eq!(next("/personal-space", true), "/authentication-settings", "not an EIM user's page");
    // What a browser takes for another origin, or what is not one of our pages.
    for raw in [
        "/\\evil.example",
        "/\t/evil.example",
        "//evil.example",
        "https://evil.example/personal-space",
        "/personal-space\\..\\/evil.example",
        "/personal-space/../sign-in",
        "/sign-in",
        "/sign-in?next=//evil.example",
        "/nowhere",
        "",
        "/",
    ] {
        assert_eq!(next(raw, false), "/personal-space", "{raw:?} is refused");
    }
}
