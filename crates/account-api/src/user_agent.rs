//! What a sign-in's User-Agent says: the browser and the operating
//! system, named as people know them ("Firefox", "Chrome" on "Android"), with
//! ua-parser's rules (`data/uap-regexes.json`, see `scripts/update-ua-regexes`).

use std::sync::OnceLock;

use ua_parser::{os, user_agent};

/// Longest User-Agent kept for reading: real ones are a few hundred bytes.
pub const USER_AGENT_MAX_BYTES: usize = 512;

/// The browser and operating system a User-Agent names, when it tells. (Not to be
/// confused with a second factor, which the wire calls an "MFA device".)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserAgent {
    pub browser: Option<String>,
    pub os: Option<String>,
}

struct Rules {
    browsers: user_agent::Extractor<'static>,
    systems: os::Extractor<'static>,
}

#[derive(serde::Deserialize)]
struct RuleFile {
    user_agent_parsers: Vec<user_agent::Parser<'static>>,
    os_parsers: Vec<os::Parser<'static>>,
}

/// The rules, compiled once, on the first sign-in (about a hundred milliseconds).
fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        let file: RuleFile = serde_json::from_str(include_str!("../data/uap-regexes.json"))
            .expect("data/uap-regexes.json is ua-parser's rule set");
        Rules {
            browsers: user_agent::Builder::new()
                .push_all(file.user_agent_parsers)
                .expect("ua-parser's browser rules parse")
                .build()
                .expect("ua-parser's browser rules compile"),
            systems: os::Builder::new()
                .push_all(file.os_parsers)
                .expect("ua-parser's system rules parse")
                .build()
                .expect("ua-parser's system rules compile"),
        }
    })
}

impl UserAgent {
    /// Reads a User-Agent header (`None` when the client sent none).
    pub fn of(user_agent: Option<&str>) -> Self {
        let Some(ua) = user_agent.map(str::trim).filter(|ua| !ua.is_empty()) else {
            return Self::default();
        };
        let ua = truncate(ua, USER_AGENT_MAX_BYTES);
        let rules = rules();
        Self {
            browser: rules.browsers.extract(ua).and_then(|v| browser_name(&v.family)),
            os: rules.systems.extract(ua).and_then(|v| os_name(&v.os)),
        }
    }
}

/// The browser as its users call it: "Chrome Mobile" is Chrome, "Mobile Safari" Safari.
fn browser_name(family: &str) -> Option<String> {
    let name = family
        .strip_suffix(" Mobile iOS")
        .or_else(|| family.strip_suffix(" Mobile WebView"))
        .or_else(|| family.strip_suffix(" Mobile"))
        .or_else(|| family.strip_prefix("Mobile "))
        .unwrap_or(family);
    known(name)
}

fn os_name(family: &str) -> Option<String> {
    match family {
        "Mac OS X" => Some("macOS".to_owned()),
        other => known(other),
    }
}

/// ua-parser says "Other" when no rule matched.
fn known(name: &str) -> Option<String> {
    (!name.is_empty() && name != "Other").then(|| name.to_owned())
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(ua: &str) -> (Option<String>, Option<String>) {
        let d = UserAgent::of(Some(ua));
        (d.browser, d.os)
    }

    fn named(browser: &str, os: &str) -> (Option<String>, Option<String>) {
        (Some(browser.to_owned()), Some(os.to_owned()))
    }

    #[test]
    fn reads_the_browsers_people_use() {
        assert_eq!(
            read("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"),
            named("Firefox", "Linux")
        );
        assert_eq!(
            read("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"),
            named("Chrome", "Android")
        );
        assert_eq!(
            read("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"),
            named("Safari", "iOS")
        );
        assert_eq!(
            read("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"),
            named("Safari", "macOS")
        );
        assert_eq!(
            read("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"),
            named("Edge", "Windows")
        );
    }

    #[test]
    fn says_nothing_it_does_not_know() {
        assert_eq!(UserAgent::of(None), UserAgent::default());
        assert_eq!(UserAgent::of(Some("  ")), UserAgent::default());
        assert_eq!(read("curl/8.5.0").1, None);
        // A long header is cut, not refused.
        let long = format!("Mozilla/5.0 (X11; Linux x86_64) {}", "é".repeat(600));
        assert_eq!(read(&long).1.as_deref(), Some("Linux"));
    }
}
