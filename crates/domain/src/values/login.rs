use socdesk_types::FieldError;

/// An account's login: 1..=64 characters of letters, digits, `.`, `_`, `-` and `@`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login(String);

impl Login {
    /// Parses a login (surrounding spaces trimmed).
    pub fn parse(field: &str, raw: &str) -> Result<Login, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if value.chars().count() > 64 {
            return Err(FieldError::new(field, "must be at most 64 characters"));
        }
        if !value.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')) {
            return Err(FieldError::new(field, "may contain only letters, digits, '.', '_', '-' and '@'"));
        }
        Ok(Login(value.to_owned()))
    }

    /// The login as a string.
    pub fn as_str(&self) -> &str {
        &self.0
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
    fn accepts_common_logins_and_trims() {
        assert_eq!(
            Login::parse("login", " jane.doe@corp ").map(|l| l.into_inner()),
            Ok("jane.doe@corp".into())
        );
        assert!(Login::parse("login", "analyst_01").is_ok());
    }

    #[test]
    fn refuses_empty_long_and_odd_characters() {
        assert_eq!(Login::parse("login", "  ").map_err(|e| e.message), Err("must not be empty".into()));
        assert!(Login::parse("login", &"a".repeat(65)).is_err());
        assert!(Login::parse("login", &"a".repeat(64)).is_ok());
        assert!(Login::parse("login", "a b").is_err());
        assert!(Login::parse("login", "a<b").is_err());
    }
}
