//! The encoding characters declared in MSH-1 and MSH-2.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The separators and escape character of one message.
///
/// A value of this type is always valid: the field, component, repetition,
/// escape and subcomponent characters (and the optional truncation
/// character) are distinct, and none is a letter, a digit, whitespace or a
/// control character.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "DelimiterChars", into = "DelimiterChars")]
pub struct Delimiters {
    field: char,
    component: char,
    repetition: char,
    escape: char,
    subcomponent: char,
    truncation: Option<char>,
}

/// The plain form of [`Delimiters`] used for (de)serialisation.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct DelimiterChars {
    field: char,
    component: char,
    repetition: char,
    escape: char,
    subcomponent: char,
    #[serde(default)]
    truncation: Option<char>,
}

impl From<Delimiters> for DelimiterChars {
    fn from(d: Delimiters) -> Self {
        DelimiterChars {
            field: d.field,
            component: d.component,
            repetition: d.repetition,
            escape: d.escape,
            subcomponent: d.subcomponent,
            truncation: d.truncation,
        }
    }
}

impl TryFrom<DelimiterChars> for Delimiters {
    type Error = DelimiterError;

    fn try_from(c: DelimiterChars) -> Result<Self, Self::Error> {
        let d = Delimiters::new(c.field, c.component, c.repetition, c.escape, c.subcomponent)?;
        match c.truncation {
            Some(t) => d.with_truncation(t),
            None => Ok(d),
        }
    }
}

/// Why a set of encoding characters is not allowed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DelimiterError {
    /// The character is a letter, a digit, whitespace or a control character.
    Invalid(char),
    /// The character is used for two different purposes.
    Duplicate(char),
    /// MSH-2 holds fewer than four characters (the number it holds).
    Missing(usize),
    /// MSH-2 holds more than five characters (the first extra one).
    TooMany(char),
}

impl fmt::Display for DelimiterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DelimiterError::Invalid(c) => write!(
                f,
                "{} cannot be an encoding character: letters, digits, whitespace and control characters are not allowed",
                describe_char(*c)
            ),
            DelimiterError::Duplicate(c) => write!(
                f,
                "{} is used for more than one encoding character",
                describe_char(*c)
            ),
            DelimiterError::Missing(n) => write!(
                f,
                "MSH-2 must hold four encoding characters (component, repetition, escape, subcomponent) but holds {n}"
            ),
            DelimiterError::TooMany(c) => write!(
                f,
                "MSH-2 holds more than five encoding characters (the extra one is {})",
                describe_char(*c)
            ),
        }
    }
}

impl std::error::Error for DelimiterError {}

/// Shows a character in backticks, or by its code point when it is invisible.
pub(crate) fn describe_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

/// Whether `c` may serve as a separator or escape character.
pub fn is_legal_delimiter(c: char) -> bool {
    !(c.is_alphanumeric() || c.is_whitespace() || c.is_control())
}

impl Default for Delimiters {
    /// The usual `|^~\&`.
    fn default() -> Self {
        Delimiters {
            field: '|',
            component: '^',
            repetition: '~',
            escape: '\\',
            subcomponent: '&',
            truncation: None,
        }
    }
}

impl Delimiters {
    /// Checks and combines the five encoding characters, in MSH order
    /// (field separator, then MSH-2: component, repetition, escape,
    /// subcomponent).
    pub fn new(
        field: char,
        component: char,
        repetition: char,
        escape: char,
        subcomponent: char,
    ) -> Result<Self, DelimiterError> {
        let chars = [field, component, repetition, escape, subcomponent];
        for (i, &c) in chars.iter().enumerate() {
            if !is_legal_delimiter(c) {
                return Err(DelimiterError::Invalid(c));
            }
            if chars.iter().take(i).any(|&p| p == c) {
                return Err(DelimiterError::Duplicate(c));
            }
        }
        Ok(Delimiters {
            field,
            component,
            repetition,
            escape,
            subcomponent,
            truncation: None,
        })
    }

    /// Adds the truncation character of HL7 v2.7 and later (usually `#`).
    pub fn with_truncation(self, truncation: char) -> Result<Self, DelimiterError> {
        if !is_legal_delimiter(truncation) {
            return Err(DelimiterError::Invalid(truncation));
        }
        if self.base_chars().contains(&truncation) {
            return Err(DelimiterError::Duplicate(truncation));
        }
        Ok(Delimiters {
            truncation: Some(truncation),
            ..self
        })
    }

    /// Removes the truncation character.
    pub fn without_truncation(self) -> Self {
        Delimiters {
            truncation: None,
            ..self
        }
    }

    /// Reads the delimiters from MSH-1 (the field separator) and the text of
    /// MSH-2 (four or five characters).
    pub fn from_msh(field: char, encoding: &str) -> Result<Self, DelimiterError> {
        let mut chars = encoding.chars();
        let (Some(c), Some(r), Some(e), Some(s)) =
            (chars.next(), chars.next(), chars.next(), chars.next())
        else {
            return Err(DelimiterError::Missing(encoding.chars().count()));
        };
        let d = Delimiters::new(field, c, r, e, s)?;
        match (chars.next(), chars.next()) {
            (None, _) => Ok(d),
            (Some(t), None) => d.with_truncation(t),
            (Some(_), Some(extra)) => Err(DelimiterError::TooMany(extra)),
        }
    }

    /// The field separator (MSH-1), usually `|`.
    pub fn field(&self) -> char {
        self.field
    }

    /// The component separator, usually `^`.
    pub fn component(&self) -> char {
        self.component
    }

    /// The repetition separator, usually `~`.
    pub fn repetition(&self) -> char {
        self.repetition
    }

    /// The escape character, usually `\`.
    pub fn escape(&self) -> char {
        self.escape
    }

    /// The subcomponent separator, usually `&`.
    pub fn subcomponent(&self) -> char {
        self.subcomponent
    }

    /// The truncation character (v2.7+), usually `#` when present.
    pub fn truncation(&self) -> Option<char> {
        self.truncation
    }

    /// The text of MSH-2: component, repetition, escape and subcomponent
    /// characters, then the truncation character if there is one.
    pub fn encoding_characters(&self) -> String {
        let mut s = String::with_capacity(5);
        s.push(self.component);
        s.push(self.repetition);
        s.push(self.escape);
        s.push(self.subcomponent);
        if let Some(t) = self.truncation {
            s.push(t);
        }
        s
    }

    /// Whether `c` is one of this message's separators, its escape
    /// character or its truncation character.
    pub fn is_special(&self, c: char) -> bool {
        self.base_chars().contains(&c) || self.truncation == Some(c)
    }

    fn base_chars(&self) -> [char; 5] {
        [
            self.field,
            self.component,
            self.repetition,
            self.escape,
            self.subcomponent,
        ]
    }
}

impl fmt::Display for Delimiters {
    /// MSH-1 followed by MSH-2, e.g. `|^~\&`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.field, self.encoding_characters())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_usual_set() {
        let d = Delimiters::default();
        assert_eq!(d.to_string(), "|^~\\&");
        assert_eq!(d.encoding_characters(), "^~\\&");
        assert_eq!(d.truncation(), None);
    }

    #[test]
    fn new_accepts_any_legal_choice() {
        let d = Delimiters::new('#', '$', '*', '@', '%').expect("legal");
        assert_eq!(d.field(), '#');
        assert_eq!(d.component(), '$');
        assert_eq!(d.repetition(), '*');
        assert_eq!(d.escape(), '@');
        assert_eq!(d.subcomponent(), '%');
        assert_eq!(d.to_string(), "#$*@%");
        let d = Delimiters::new('¦', '^', '~', '\\', '&').expect("non-ASCII is legal");
        assert_eq!(d.field(), '¦');
    }

    #[test]
    fn new_rejects_duplicates() {
        assert_eq!(
            Delimiters::new('|', '^', '^', '\\', '&'),
            Err(DelimiterError::Duplicate('^'))
        );
        assert_eq!(
            Delimiters::default().with_truncation('|'),
            Err(DelimiterError::Duplicate('|'))
        );
    }

    #[test]
    fn new_rejects_alphanumerics_whitespace_and_controls() {
        for bad in ['a', 'Z', '7', ' ', '\r', '\n', '\t', '\u{0b}', 'é'] {
            assert_eq!(
                Delimiters::new('|', bad, '~', '\\', '&'),
                Err(DelimiterError::Invalid(bad)),
                "{bad:?}"
            );
        }
        assert_eq!(
            Delimiters::default().with_truncation('x'),
            Err(DelimiterError::Invalid('x'))
        );
    }

    #[test]
    fn from_msh_reads_four_or_five_characters() {
        let d = Delimiters::from_msh('|', "^~\\&#").expect("v2.7 set");
        assert_eq!(d.truncation(), Some('#'));
        assert_eq!(d.encoding_characters(), "^~\\&#");
        assert_eq!(
            Delimiters::from_msh('|', "^~\\"),
            Err(DelimiterError::Missing(3))
        );
        assert_eq!(
            Delimiters::from_msh('|', "^~\\&#!"),
            Err(DelimiterError::TooMany('!'))
        );
    }

    #[test]
    fn is_special_covers_all_six() {
        let d = Delimiters::default().with_truncation('#').expect("legal");
        for c in ['|', '^', '~', '\\', '&', '#'] {
            assert!(d.is_special(c));
        }
        assert!(!d.is_special('.'));
        assert!(!d.without_truncation().is_special('#'));
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let d = Delimiters::new('#', '$', '*', '@', '%').expect("legal");
        let json = serde_json::to_string(&d).expect("serialise");
        let back: Delimiters = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, d);
        let bad =
            r#"{"field":"|","component":"|","repetition":"~","escape":"\\","subcomponent":"&"}"#;
        assert!(serde_json::from_str::<Delimiters>(bad).is_err());
    }

    #[test]
    fn errors_read_well() {
        assert_eq!(
            DelimiterError::Duplicate('^').to_string(),
            "`^` is used for more than one encoding character"
        );
        assert!(DelimiterError::Invalid('\r').to_string().contains("U+000D"));
    }
}
