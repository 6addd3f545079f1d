//! Reading JSON: the browser's `JSON.parse`, then serde over the JavaScript value
//! (serde-wasm-bindgen). serde_json's reader is not in the wasm: its parser, float
//! reader and error messages, and a second way of reading every struct (from a JSON
//! array) that no answer uses, cost more than the calls into JavaScript
//! (docs/BENCHMARKS.md, Console size). Writing JSON stays with serde_json.

use js_sys::{Reflect, JSON};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// Why a text was not read: the browser's words for bad JSON, serde's for a bad shape.
pub fn read<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = JSON::parse(text).map_err(|e| describe(&e))?;
    options_as_text(&value);
    serde_wasm_bindgen::from_value(value).map_err(|e| describe(&JsValue::from(e)))
}

/// WebAuthn's options go to the browser as the JSON text the API wrote
/// (`account_contract::PublicKeyJson`): where an answer has them (`PublicKeyOptions`,
/// or an error's `SecondFactors.PublicKeyOptions`), the parsed object is put back as text.
fn options_as_text(answer: &JsValue) {
    let key = JsValue::from_str("PublicKeyOptions");
    let second_factors = Reflect::get(answer, &JsValue::from_str("SecondFactors"));
    for holder in [Ok(answer.clone()), second_factors].into_iter().flatten() {
        let Ok(options) = Reflect::get(&holder, &key) else { continue };
        if options.is_object() {
            if let Ok(text) = JSON::stringify(&options) {
                let _ = Reflect::set(&holder, &key, &text);
            }
        }
    }
}

fn describe(error: &JsValue) -> String {
    js_sys::Error::from(error.clone()).message().into()
}

#[cfg(test)]
mod tests {
    use account_contract::{CreateMfaChallengeResponse, ErrorBody, MfaDeviceType};
    use wasm_bindgen_test::*;

    use super::read;

    const OPTIONS: &str = r#"{"challenge":"q0aZ","timeout":60000,"allowCredentials":[{"type":"public-key","id":"AQI"}]}"#;

    #[wasm_bindgen_test]
    fn webauthn_options_come_through_as_the_text_the_api_wrote() {
        let answer = format!(
            r#"{{"MfaDeviceTypes":["WEBAUTHN"],"PublicKeyOptions":{OPTIONS},"ResponseContext":{{"RequestId":"r"}}}}"#
        );
        let read: CreateMfaChallengeResponse = read(&answer).unwrap();
        assert_eq!(read.mfa_device_types, vec![MfaDeviceType::Webauthn]);
        assert_eq!(read.public_key_options.unwrap().get(), OPTIONS);
    }

    #[wasm_bindgen_test]
    fn an_errors_second_factors_keep_their_webauthn_options() {
        let answer = format!(
            r#"{{"Errors":[{{"Code":"1010","Type":"MfaRequired","Details":""}}],"SecondFactors":{{"MfaDeviceTypes":["TOTP","WEBAUTHN"],"PublicKeyOptions":{OPTIONS}}},"ResponseContext":{{"RequestId":"r"}}}}"#
        );
        let read: ErrorBody = read(&answer).unwrap();
        let factors = read.second_factors.unwrap();
        assert_eq!(factors.mfa_device_types.len(), 2);
        assert_eq!(factors.public_key_options.unwrap().get(), OPTIONS);
    }

    #[wasm_bindgen_test]
    fn bad_json_and_a_wrong_shape_are_refused_with_a_reason() {
        let bad = read::<ErrorBody>("{\"Errors\": [").unwrap_err();
        assert!(!bad.is_empty());
        let shape = read::<ErrorBody>(r#"{"Errors":"none","ResponseContext":{}}"#).unwrap_err();
        assert!(!shape.is_empty());
        // A struct is read from an object only, not from an array of its fields.
        assert!(read::<ErrorBody>(r#"[[], null, {"RequestId":"r"}]"#).is_err());
    }
}
