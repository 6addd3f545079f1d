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
    translations.generate_i18n_module(out.clone())?;
    const_locales(&out.join("mod.rs"))?;
    Ok(())
}

/// The generated module builds each locale's ICU `Locale` by parsing its tag at run
/// time (`"fr".parse()`), which puts ICU's whole locale parser (extensions and all)
/// into the wasm. The same value built at compile time with ICU's `locale!` macro
/// does not: 3.5 KB brotli less (docs/BENCHMARKS.md).
fn const_locales(module: &std::path::Path) -> Result<(), Box<dyn Error>> {
    let mut code = std::fs::read_to_string(module)?;
    for tag in ["fr", "en"] {
        let parsed = format!("|| \"{tag}\" . parse () . expect (\"Valid locale\")");
        let built = format!("|| l_i18n_crate :: reexports :: icu :: locid :: locale ! (\"{tag}\")");
        if !code.contains(&parsed) && !code.contains(&built) {
            return Err(format!("leptos_i18n's generated code changed: no `{parsed}`").into());
        }
        code = code.replace(&parsed, &built);
    }
    std::fs::write(module, code)?;
    Ok(())
}
