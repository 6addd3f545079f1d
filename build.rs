//! Generates the translation module from `locales/{fr,en}.json` (leptos_i18n).

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    // Set by scripts/build-console (the release build): the signed-in pages in a module of their own
    // (src/signed_in/).
    println!("cargo::rustc-check-cfg=cfg(console_split)");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("i18n");
    // French first: it is the default, and English the other locale.
    // interpolate_display: texts with values also as plain strings (attributes, confirm()).
    let options = ParseOptions::default().interpolate_display(true);
    let translations =
        TranslationsInfos::parse(Config::new("fr")?.add_locale("en")?.parse_options(options))?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out)?;
    Ok(())
}
