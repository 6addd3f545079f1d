//! Where an account is: its country, from ISO 3166-1's list, and the formats of a VAT
//! number and a postal code there, where they are known. The console checks them as one
//! types and the server on every update (`validation::check_address`): one rule, one place.
//!
//! A country is stored by its English name (CLDR's short name, as the browser's
//! `Intl.DisplayNames` gives it); the console shows it in the reader's language. A value
//! that is not a known country (OUTSCALE's API stores any text) is kept as it is, and no
//! format is checked against it.

use crate::fields::AccountField;

/// A country: its ISO 3166-1 alpha-2 code and its English name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// The ISO 3166-1 alpha-2 code (`FR`).
    pub code: &'static str,
    /// The English name, as stored (`France`).
    pub name: &'static str,
}

/// Every ISO 3166-1 country (the 249 codes of tzdata's `iso3166.tab`), with CLDR's English
/// short names (ICU 78), in code order: a line each, the code, a space, the name. One
/// text rather than a table of pairs, whose pointers would weigh twice the names in
/// the console's wasm.
const COUNTRY_LINES: &str = "\
AD Andorra\n\
AE United Arab Emirates\n\
AF Afghanistan\n\
AG Antigua & Barbuda\n\
AI Anguilla\n\
AL Albania\n\
AM Armenia\n\
AO Angola\n\
AQ Antarctica\n\
AR Argentina\n\
AS American Samoa\n\
AT Austria\n\
AU Australia\n\
AW Aruba\n\
AX Åland Islands\n\
AZ Azerbaijan\n\
BA Bosnia & Herzegovina\n\
BB Barbados\n\
BD Bangladesh\n\
BE Belgium\n\
BF Burkina Faso\n\
BG Bulgaria\n\
BH Bahrain\n\
BI Burundi\n\
BJ Benin\n\
BL St. Barthélemy\n\
BM Bermuda\n\
BN Brunei\n\
BO Bolivia\n\
BQ Caribbean Netherlands\n\
BR Brazil\n\
BS Bahamas\n\
BT Bhutan\n\
BV Bouvet Island\n\
BW Botswana\n\
BY Belarus\n\
BZ Belize\n\
CA Canada\n\
CC Cocos (Keeling) Islands\n\
CD Congo - Kinshasa\n\
CF Central African Republic\n\
CG Congo - Brazzaville\n\
CH Switzerland\n\
CI Côte d’Ivoire\n\
CK Cook Islands\n\
CL Chile\n\
CM Cameroon\n\
CN China\n\
CO Colombia\n\
CR Costa Rica\n\
CU Cuba\n\
CV Cape Verde\n\
CW Curaçao\n\
CX Christmas Island\n\
CY Cyprus\n\
CZ Czechia\n\
DE Germany\n\
DJ Djibouti\n\
DK Denmark\n\
DM Dominica\n\
DO Dominican Republic\n\
DZ Algeria\n\
EC Ecuador\n\
EE Estonia\n\
EG Egypt\n\
EH Western Sahara\n\
ER Eritrea\n\
ES Spain\n\
ET Ethiopia\n\
FI Finland\n\
FJ Fiji\n\
FK Falkland Islands\n\
FM Micronesia\n\
FO Faroe Islands\n\
FR France\n\
GA Gabon\n\
GB United Kingdom\n\
GD Grenada\n\
GE Georgia\n\
GF French Guiana\n\
GG Guernsey\n\
GH Ghana\n\
GI Gibraltar\n\
GL Greenland\n\
GM Gambia\n\
GN Guinea\n\
GP Guadeloupe\n\
GQ Equatorial Guinea\n\
GR Greece\n\
GS South Georgia & South Sandwich Islands\n\
GT Guatemala\n\
GU Guam\n\
GW Guinea-Bissau\n\
GY Guyana\n\
HK Hong Kong SAR China\n\
HM Heard & McDonald Islands\n\
HN Honduras\n\
HR Croatia\n\
HT Haiti\n\
HU Hungary\n\
ID Indonesia\n\
IE Ireland\n\
IL Israel\n\
IM Isle of Man\n\
IN India\n\
IO British Indian Ocean Territory\n\
IQ Iraq\n\
IR Iran\n\
IS Iceland\n\
IT Italy\n\
JE Jersey\n\
JM Jamaica\n\
JO Jordan\n\
JP Japan\n\
KE Kenya\n\
KG Kyrgyzstan\n\
KH Cambodia\n\
KI Kiribati\n\
KM Comoros\n\
KN St. Kitts & Nevis\n\
KP North Korea\n\
KR South Korea\n\
KW Kuwait\n\
KY Cayman Islands\n\
KZ Kazakhstan\n\
LA Laos\n\
LB Lebanon\n\
LC St. Lucia\n\
LI Liechtenstein\n\
LK Sri Lanka\n\
LR Liberia\n\
LS Lesotho\n\
LT Lithuania\n\
LU Luxembourg\n\
LV Latvia\n\
LY Libya\n\
MA Morocco\n\
MC Monaco\n\
MD Moldova\n\
ME Montenegro\n\
MF St. Martin\n\
MG Madagascar\n\
MH Marshall Islands\n\
MK North Macedonia\n\
ML Mali\n\
MM Myanmar (Burma)\n\
MN Mongolia\n\
MO Macao SAR China\n\
MP Northern Mariana Islands\n\
MQ Martinique\n\
MR Mauritania\n\
MS Montserrat\n\
MT Malta\n\
MU Mauritius\n\
MV Maldives\n\
MW Malawi\n\
MX Mexico\n\
MY Malaysia\n\
MZ Mozambique\n\
NA Namibia\n\
NC New Caledonia\n\
NE Niger\n\
NF Norfolk Island\n\
NG Nigeria\n\
NI Nicaragua\n\
NL Netherlands\n\
NO Norway\n\
NP Nepal\n\
NR Nauru\n\
NU Niue\n\
NZ New Zealand\n\
OM Oman\n\
PA Panama\n\
PE Peru\n\
PF French Polynesia\n\
PG Papua New Guinea\n\
PH Philippines\n\
PK Pakistan\n\
PL Poland\n\
PM St. Pierre & Miquelon\n\
PN Pitcairn Islands\n\
PR Puerto Rico\n\
PS Palestinian Territories\n\
PT Portugal\n\
PW Palau\n\
PY Paraguay\n\
QA Qatar\n\
RE Réunion\n\
RO Romania\n\
RS Serbia\n\
RU Russia\n\
RW Rwanda\n\
SA Saudi Arabia\n\
SB Solomon Islands\n\
SC Seychelles\n\
SD Sudan\n\
SE Sweden\n\
SG Singapore\n\
SH St. Helena\n\
SI Slovenia\n\
SJ Svalbard & Jan Mayen\n\
SK Slovakia\n\
SL Sierra Leone\n\
SM San Marino\n\
SN Senegal\n\
SO Somalia\n\
SR Suriname\n\
SS South Sudan\n\
ST São Tomé & Príncipe\n\
SV El Salvador\n\
SX Sint Maarten\n\
SY Syria\n\
SZ Eswatini\n\
TC Turks & Caicos Islands\n\
TD Chad\n\
TF French Southern Territories\n\
TG Togo\n\
TH Thailand\n\
TJ Tajikistan\n\
TK Tokelau\n\
TL Timor-Leste\n\
TM Turkmenistan\n\
TN Tunisia\n\
TO Tonga\n\
TR Türkiye\n\
TT Trinidad & Tobago\n\
TV Tuvalu\n\
TW Taiwan\n\
TZ Tanzania\n\
UA Ukraine\n\
UG Uganda\n\
UM U.S. Outlying Islands\n\
US United States\n\
UY Uruguay\n\
UZ Uzbekistan\n\
VA Vatican City\n\
VC St. Vincent & Grenadines\n\
VE Venezuela\n\
VG British Virgin Islands\n\
VI U.S. Virgin Islands\n\
VN Vietnam\n\
VU Vanuatu\n\
WF Wallis & Futuna\n\
WS Samoa\n\
YE Yemen\n\
YT Mayotte\n\
ZA South Africa\n\
ZM Zambia\n\
ZW Zimbabwe";

/// Every ISO 3166-1 country, in code order.
pub fn countries() -> impl Iterator<Item = Country> {
    COUNTRY_LINES.split('\n').map(|line| Country { code: &line[..2], name: &line[3..] })
}

/// The country a stored value names: its English name or its code, ignoring ASCII case
/// and the spaces around it.
pub fn country_of(value: &str) -> Option<Country> {
    let value = value.trim();
    countries().find(|c| c.code.eq_ignore_ascii_case(value) || c.name.eq_ignore_ascii_case(value))
}

/// A format: `9` a digit, `A` a letter, `X` a letter or a digit, anything else itself.
fn matches(format: &str, value: &str) -> bool {
    format.chars().count() == value.chars().count()
        && format.chars().zip(value.chars()).all(|(f, c)| match f {
            '9' => c.is_ascii_digit(),
            'A' => c.is_ascii_alphabetic(),
            'X' => c.is_ascii_alphanumeric(),
            _ => f == c,
        })
}

/// An example of the country's VAT number or postal code (`field`), where its format is
/// known: the hint and the message that ask for one show it (`FR12345678901`).
pub fn example_of(code: &str, field: AccountField) -> Option<String> {
    let formats = match field {
        AccountField::VatNumber => vat_formats(code),
        AccountField::ZipCode => postal_formats(code),
        _ => return None,
    };
    formats.first().map(|f| example(f))
}

/// An example of a format.
fn example(format: &str) -> String {
    let mut digits = "1234567890".chars().cycle();
    format
        .chars()
        .map(|f| match f {
            '9' | 'X' => digits.next().unwrap_or('0'),
            'A' => 'A',
            other => other,
        })
        .collect()
}

/// The VAT number formats of the European Union's countries (VIES), country prefix
/// included (Greece's is `EL`). Elsewhere none is known, and any number is accepted.
pub fn vat_formats(code: &str) -> &'static [&'static str] {
    match code {
        "AT" => &["ATU99999999"],
        "BE" => &["BE0999999999", "BE1999999999"],
        "BG" => &["BG999999999", "BG9999999999"],
        "CY" => &["CY99999999A"],
        "CZ" => &["CZ99999999", "CZ999999999", "CZ9999999999"],
        "DE" => &["DE999999999"],
        "DK" => &["DK99999999"],
        "EE" => &["EE999999999"],
        "ES" => &["ESX9999999X"],
        "FI" => &["FI99999999"],
        "FR" => &["FRXX999999999"],
        "GR" => &["EL999999999"],
        "HR" => &["HR99999999999"],
        "HU" => &["HU99999999"],
        "IE" => &["IE9999999A", "IE9999999AA", "IE9A99999A"],
        "IT" => &["IT99999999999"],
        "LT" => &["LT999999999", "LT999999999999"],
        "LU" => &["LU99999999"],
        "LV" => &["LV99999999999"],
        "MT" => &["MT99999999"],
        "NL" => &["NL999999999B99"],
        "PL" => &["PL9999999999"],
        "PT" => &["PT999999999"],
        "RO" => &[
            "RO99",
            "RO999",
            "RO9999",
            "RO99999",
            "RO999999",
            "RO9999999",
            "RO99999999",
            "RO999999999",
            "RO9999999999",
        ],
        "SE" => &["SE999999999999"],
        "SI" => &["SI99999999"],
        "SK" => &["SK9999999999"],
        _ => &[],
    }
}

/// A VAT number as it is compared: upper case, without spaces, dots or dashes, with the
/// country's prefix (people often leave it out).
fn vat_compared(code: &str, value: &str) -> String {
    let kept: String =
        value.chars().filter(|c| !" .-".contains(*c)).map(|c| c.to_ascii_uppercase()).collect();
    let prefix = if code == "GR" { "EL" } else { code };
    if kept.starts_with(prefix) {
        kept
    } else {
        format!("{prefix}{kept}")
    }
}

/// Whether `value` is a VAT number of the country `code` (always, where no format is known).
pub fn is_vat_number(code: &str, value: &str) -> bool {
    let formats = vat_formats(code);
    formats.is_empty() || formats.iter().any(|f| matches(f, &vat_compared(code, value)))
}

/// Postal code formats, where they are fixed and well known. Elsewhere any code is accepted.
pub fn postal_formats(code: &str) -> &'static [&'static str] {
    match code {
        "FR" | "DE" | "IT" | "ES" | "FI" | "EE" | "HR" | "MC" | "MX" | "MA" | "DZ" => &["99999"],
        "BE" | "AT" | "CH" | "LI" | "DK" | "NO" | "HU" | "BG" | "SI" | "CY" | "AU" | "NZ"
        | "ZA" | "TN" => &["9999"],
        "LU" => &["9999", "L-9999"],
        "US" => &["99999", "99999-9999"],
        "PT" => &["9999-999"],
        "PL" => &["99-999"],
        "CZ" | "SK" | "SE" | "GR" => &["999 99", "99999"],
        "NL" => &["9999 AA", "9999AA"],
        "JP" => &["999-9999", "9999999"],
        "CA" => &["A9A 9A9", "A9A9A9"],
        "BR" => &["99999-999", "99999999"],
        "IN" | "RU" | "CN" | "RO" => &["999999"],
        "LV" => &["LV-9999"],
        "LT" => &["LT-99999", "99999"],
        _ => &[],
    }
}

/// Whether `value` is a postal code of the country `code` (always, where no format is known).
pub fn is_postal_code(code: &str, value: &str) -> bool {
    let formats = postal_formats(code);
    let value = value.trim().to_ascii_uppercase();
    formats.is_empty() || formats.iter().any(|f| matches(f, &value))
}

/// The phone number form asked for, as an example: international, with the country code.
pub const PHONE_EXAMPLE: &str = "+33 1 23 45 67 89";

/// Whether `value` is a phone number in international form: `+`, then 8 to 15 digits
/// (E.164's longest), which spaces, dots, dashes, slashes and brackets may separate.
pub fn is_international_phone(value: &str) -> bool {
    let Some(rest) = value.trim().strip_prefix('+') else { return false };
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    rest.chars().all(|c| c.is_ascii_digit() || " .-/()".contains(c)) && (8..=15).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_found_by_english_name_or_code_and_are_unique() {
        assert_eq!(country_of(" france ").map(|c| c.code), Some("FR"));
        assert_eq!(country_of("de").map(|c| c.name), Some("Germany"));
        assert_eq!(country_of("Côte d’Ivoire").map(|c| c.code), Some("CI"));
        assert_eq!(country_of("Frankreich"), None);
        let mut codes: Vec<_> = countries().map(|c| c.code).collect();
        assert_eq!(codes.len(), 249);
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "in code order, each once");
        codes.dedup();
        assert_eq!(codes.len(), 249);
    }

    #[test]
    fn vat_numbers_follow_their_countrys_format() {
        assert!(is_vat_number("FR", "FR 40 303 265 045"));
        assert!(is_vat_number("FR", "40303265045"), "the prefix may be left out");
        assert!(!is_vat_number("FR", "FR4030326504"));
        assert!(is_vat_number("GR", "EL123456789"));
        assert!(is_vat_number("NL", "nl123456789b01"));
        assert!(!is_vat_number("DE", "DE12345678"));
        assert!(is_vat_number("US", "anything at all"), "no format known: accepted");
        for code in ["AT", "BE", "ES", "IE", "RO", "SE"] {
            for f in vat_formats(code) {
                assert!(is_vat_number(code, &example(f)), "{code}: {f}");
            }
        }
    }

    #[test]
    fn postal_codes_follow_their_countrys_format_where_known() {
        assert!(is_postal_code("FR", "75001"));
        assert!(!is_postal_code("FR", "7500"));
        assert!(!is_postal_code("FR", "75 001"));
        assert!(is_postal_code("NL", "1234 ab"));
        assert!(is_postal_code("CA", "K1A 0B1"));
        assert!(is_postal_code("GB", "SW1A 1AA"), "no format known: accepted");
    }

    #[test]
    fn phones_are_international() {
        assert!(is_international_phone(PHONE_EXAMPLE));
        assert!(is_international_phone("+1 (555) 123-4567"));
        assert!(!is_international_phone("01 23 45 67 89"), "no country code");
        assert!(!is_international_phone("+33 12"), "too short");
        assert!(!is_international_phone("+33 1 23 45 67 89 12 34 56"), "longer than E.164");
        assert!(!is_international_phone("+33 call me"));
    }
}
