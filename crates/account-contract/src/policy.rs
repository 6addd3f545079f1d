//! The password policy, as data: the console draws its live checklist from it and
//! the server enforces it. Rules that need server-side data (history, the zxcvbn
//! dictionaries, too big for the browser) are marked `server_only`.

/// OUTSCALE's documented password policy.
pub const PASSWORD_POLICY: PasswordPolicy = PasswordPolicy {
    min_chars: 17,
    max_chars: 200,
    special_chars: "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    history: 10,
    min_strength: 4,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// The rules a new password must meet.
pub struct PasswordPolicy {
    /// Fewest characters.
    pub min_chars: usize,
    /// Most characters.
    pub max_chars: usize,
    /// The special characters; with ASCII letters and digits, the only ones allowed.
    pub special_chars: &'static str,
    /// How many previous passwords may not be reused (the current one included).
    pub history: usize,
    /// Lowest zxcvbn score (0–4) accepted: 4 is about 10^10 guesses or more.
    pub min_strength: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
/// One rule of the policy, with a stable ID (`PasswordRule::id`).
pub enum PasswordRule {
    /// Between `min_chars` and `max_chars` characters.
    Length,
    /// At least one lowercase letter.
    Lowercase,
    /// At least one uppercase letter.
    Uppercase,
    /// At least one digit.
    Digit,
    /// At least one special character.
    Special,
    /// Only ASCII letters, digits and the special characters.
    AllowedCharacters,
    /// None of the last `history` passwords.
    NotRecentlyUsed,
    /// A zxcvbn score of at least `min_strength`.
    Strong,
}

impl PasswordRule {
    /// Every rule, in the order the checklist shows them.
    pub const ALL: [PasswordRule; 8] = [
        PasswordRule::Length,
        PasswordRule::Lowercase,
        PasswordRule::Uppercase,
        PasswordRule::Digit,
        PasswordRule::Special,
        PasswordRule::AllowedCharacters,
        PasswordRule::NotRecentlyUsed,
        PasswordRule::Strong,
    ];

    /// A stable name, used in error details and by the console's translations.
    pub const fn id(self) -> &'static str {
        match self {
            PasswordRule::Length => "length",
            PasswordRule::Lowercase => "lowercase",
            PasswordRule::Uppercase => "uppercase",
            PasswordRule::Digit => "digit",
            PasswordRule::Special => "special",
            PasswordRule::AllowedCharacters => "allowed-characters",
            PasswordRule::NotRecentlyUsed => "not-recently-used",
            PasswordRule::Strong => "strong",
        }
    }

    /// Whether only the server can check the rule (it needs the history or zxcvbn).
    pub const fn server_only(self) -> bool {
        matches!(self, PasswordRule::NotRecentlyUsed | PasswordRule::Strong)
    }

    /// The rule of that ID.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }

    /// The English sentence the server puts in `Details` (`"NewPassword: [digit] ..."`).
    pub fn describe(self, p: &PasswordPolicy) -> String {
        let text = match self {
            PasswordRule::Length => {
                format!("must be {} to {} characters long.", p.min_chars, p.max_chars)
            }
            PasswordRule::Lowercase => "must contain a lowercase letter.".into(),
            PasswordRule::Uppercase => "must contain an uppercase letter.".into(),
            PasswordRule::Digit => "must contain a digit.".into(),
            PasswordRule::Special => {
                format!("must contain a special character ({}).", p.special_chars)
            }
            PasswordRule::AllowedCharacters => {
                "may contain only ASCII letters, digits and the special characters.".into()
            }
            PasswordRule::NotRecentlyUsed => {
                format!("must differ from your last {} passwords.", p.history)
            }
            PasswordRule::Strong => {
                "is too easy to guess: avoid common words, names and patterns.".into()
            }
        };
        format!("[{}] {text}", self.id())
    }

    /// The rule named at the start of an error message made by [`PasswordRule::describe`].
    pub fn from_message(message: &str) -> Option<Self> {
        crate::problem::tag_of(message).and_then(Self::from_id)
    }
}

impl PasswordPolicy {
    /// Whether `password` meets `rule`; `None` for the rules only the server can check.
    pub fn meets(&self, rule: PasswordRule, password: &str) -> Option<bool> {
        let has = |f: fn(char) -> bool| password.chars().any(f);
        Some(match rule {
            PasswordRule::Length => {
                (self.min_chars..=self.max_chars).contains(&password.chars().count())
            }
            PasswordRule::Lowercase => has(|c| c.is_ascii_lowercase()),
            PasswordRule::Uppercase => has(|c| c.is_ascii_uppercase()),
            PasswordRule::Digit => has(|c| c.is_ascii_digit()),
            PasswordRule::Special => password.chars().any(|c| self.special_chars.contains(c)),
            PasswordRule::AllowedCharacters => password
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || self.special_chars.contains(c)),
            PasswordRule::NotRecentlyUsed | PasswordRule::Strong => return None,
        })
    }

    /// The rules `password` breaks among those checkable anywhere.
    pub fn local_failures(&self, password: &str) -> Vec<PasswordRule> {
        PasswordRule::ALL.into_iter().filter(|r| self.meets(*r, password) == Some(false)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_length_classes_and_characters() {
        let p = PASSWORD_POLICY;
        assert!(p.local_failures("Correct-Horse-Battery-9").is_empty());
        assert_eq!(p.local_failures("short1A!"), [PasswordRule::Length]);
        assert_eq!(
            p.local_failures("alllowercaseletters"),
            [PasswordRule::Uppercase, PasswordRule::Digit, PasswordRule::Special]
        );
        assert_eq!(
            p.local_failures("Correct-Horse-Battery-9 é"),
            [PasswordRule::AllowedCharacters]
        );
        assert!(p.local_failures(&"aA1!".repeat(51)).contains(&PasswordRule::Length));
    }

    #[test]
    fn messages_name_their_rule() {
        for r in PasswordRule::ALL {
            assert_eq!(PasswordRule::from_message(&r.describe(&PASSWORD_POLICY)), Some(r));
        }
    }
}
