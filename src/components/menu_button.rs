//! A menu button (WAI-ARIA's pattern): opens with click, Enter, Space or ↓ (↑ for
//! the last item); arrows, Home and End move; Escape (wherever the focus is in the
//! button and menu, even before it reaches the first item) and a click outside
//! close it and give the focus back to the button; Tab and choosing an item close it.

use leptos::ev;
use leptos::html::{Button, Div};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// `class` names the widget (its button is `{class}-button`); `button`: what the
/// button shows; `children`: the items (`role="menuitem"`, `tabindex="-1"`).
#[component]
pub fn MenuButton(
    class: &'static str,
    button_id: &'static str,
    menu_id: &'static str,
    #[prop(into)] button: ViewFn,
    children: Children,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let button_ref = NodeRef::<Button>::new();
    let root = NodeRef::<Div>::new();

    let items = move || -> Vec<web_sys::HtmlElement> {
        let Some(root) = root.get_untracked() else { return Vec::new() };
        let Ok(list) = root.query_selector_all("[role=menuitem]") else { return Vec::new() };
        (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
    };
    // Focus after the menu is shown (it is `hidden` until then).
    let focus_item = move |index: isize| {
        request_animation_frame(move || {
            // Escape may have closed the menu before this frame.
            if !open.get_untracked() {
                return;
            }
            let all = items();
            if all.is_empty() {
                return;
            }
            let i = index.rem_euclid(all.len() as isize) as usize;
            let _ = all[i].focus();
        })
    };
    let focused_index = move || {
        let active = document().active_element();
        items().iter().position(|e| Some(e.unchecked_ref::<web_sys::Element>()) == active.as_ref())
    };
    let close = move |give_focus_back: bool| {
        open.set(false);
        if give_focus_back {
            if let Some(b) = button_ref.get_untracked() {
                let _ = b.focus();
            }
        }
    };
    let open_at = move |index: isize| {
        open.set(true);
        focus_item(index);
    };

    let on_button_key = move |e: ev::KeyboardEvent| match e.key().as_str() {
        "ArrowDown" | "Enter" | " " => {
            e.prevent_default();
            open_at(0);
        }
        "ArrowUp" => {
            e.prevent_default();
            open_at(-1);
        }
        _ => {}
    };
    let on_button_click = move |_| {
        if open.get_untracked() {
            close(false);
        } else {
            open_at(0);
        }
    };
    let on_menu_key = move |e: ev::KeyboardEvent| {
        let current = focused_index().map(|i| i as isize).unwrap_or(0);
        match e.key().as_str() {
            "ArrowDown" => focus_item(current + 1),
            "ArrowUp" => focus_item(current - 1),
            "Home" => focus_item(0),
            "End" => focus_item(-1),
            "Tab" => {
                close(false);
                return;
            }
            _ => return,
        }
        e.prevent_default();
    };
    // On the whole widget: a key pressed right after Enter reaches the button, the
    // focus not yet moved into the menu.
    let on_escape = move |e: ev::KeyboardEvent| {
        if e.key() == "Escape" && open.get_untracked() {
            e.prevent_default();
            close(true);
        }
    };
    let _ = window_event_listener(ev::click, move |e| {
        if !open.get_untracked() {
            return;
        }
        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        let inside = root.get_untracked().is_some_and(|r| r.contains(target.as_ref()));
        if !inside {
            close(true);
        }
    });
    // An item chosen: the menu closes first, whatever the item then does.
    let on_item = move |e: ev::MouseEvent| {
        let on_item = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[role=menuitem]").ok().flatten());
        if on_item.is_some() {
            close(false);
        }
    };

    view! {
        <div class=class node_ref=root on:keydown=on_escape>
            <button
                type="button"
                class=format!("{class}-button")
                id=button_id
                node_ref=button_ref
                aria-haspopup="menu"
                aria-controls=menu_id
                aria-expanded=move || open.get().to_string()
                on:click=on_button_click
                on:keydown=on_button_key
            >
                {button.run()}
            </button>
            <div
                class="menu"
                id=menu_id
                role="menu"
                aria-labelledby=button_id
                hidden=move || !open.get()
                on:keydown=on_menu_key
                on:click:capture=on_item
            >
                {children()}
            </div>
        </div>
    }
}
