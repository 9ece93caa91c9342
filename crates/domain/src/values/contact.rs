use socdesk_types::FieldError;

/// An email address: one `@` with something on both sides and a dot in the domain, no spaces
/// or control characters, at most 254 characters. Deliverability is the mail server's business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses an address (trimmed).
    pub fn parse(field: &str, raw: &str) -> Result<Email, FieldError> {
        let value = raw.trim();
        let bad = || FieldError::new(field, "must be an email address like name@example.com");
        if value.chars().count() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = value.split_once('@').ok_or_else(bad)?;
        if local.is_empty() || domain.is_empty() || domain.contains('@') || !domain.contains('.') {
            return Err(bad());
        }
        if domain.starts_with('.') || domain.ends_with('.') {
            return Err(bad());
        }
        Ok(Email(value.to_owned()))
    }

    /// The owned string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Optional free text of at most `MAX` characters where an empty string means "none".
pub struct OptionalText<const MAX: usize>;

impl<const MAX: usize> OptionalText<MAX> {
    /// `None` for empty (after trimming), else the trimmed text if it fits and has no control
    /// characters.
    pub fn parse(field: &str, raw: &str) -> Result<Option<String>, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Ok(None);
        }
        if value.chars().count() > MAX {
            return Err(FieldError::new(field, format!("must be at most {MAX} characters")));
        }
        if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(FieldError::new(field, "must not contain control characters"));
        }
        Ok(Some(value.to_owned()))
    }
}

/// A badge colour, `#rrggbb` (stored lower-case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Color(String);

impl Color {
    /// The colour of a tag created without one.
    pub const DEFAULT: &'static str = "#6b7280";

    /// Parses `#rrggbb`.
    pub fn parse(field: &str, raw: &str) -> Result<Color, FieldError> {
        let value = raw.trim();
        let hex =
            value.strip_prefix('#').filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()));
        match hex {
            Some(_) => Ok(Color(value.to_ascii_lowercase())),
            None => Err(FieldError::new(field, "must be a colour like #1f6feb")),
        }
    }

    /// The owned string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_accepts_plain_addresses_only() {
        assert!(Email::parse("email", "soc@example.com").is_ok());
        for bad in [
            "",
            "socexample.com",
            "@example.com",
            "soc@",
            "soc@localhost",
            "a b@x.io",
            "a@b@c.io",
            "a@x.io\r\nBcc: y@z.io",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn optional_text_treats_blank_as_none() {
        assert_eq!(OptionalText::<5>::parse("phone", "  "), Ok(None));
        assert_eq!(OptionalText::<5>::parse("phone", " 123 "), Ok(Some("123".into())));
        assert!(OptionalText::<5>::parse("phone", "123456").is_err());
    }

    #[test]
    fn color_is_hash_and_six_hex_digits() {
        assert_eq!(Color::parse("color", "#1F6FEB").map(|c| c.into_inner()), Ok("#1f6feb".into()));
        for bad in ["1f6feb", "#1f6fe", "#1f6febb", "#ggg000", "red"] {
            assert!(Color::parse("color", bad).is_err(), "{bad:?} accepted");
        }
    }
}
