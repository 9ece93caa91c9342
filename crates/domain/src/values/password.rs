use socdesk_types::FieldError;

/// A new password: 12..=1024 characters (long enough to resist guessing, short enough to hash).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// The shortest password accepted.
    pub const MIN_CHARS: usize = 12;

    /// Parses a new password (not trimmed: spaces are characters too).
    pub fn parse(field: &str, raw: &str) -> Result<Password, FieldError> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(FieldError::new(field, format!("must be at least {} characters", Self::MIN_CHARS)));
        }
        if n > 1024 {
            return Err(FieldError::new(field, "must be at most 1024 characters"));
        }
        Ok(Password(raw.to_owned()))
    }

    /// The password's text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforces_length_bounds_and_hides_itself_in_debug() {
        assert!(Password::parse("password", "short").is_err());
        assert!(Password::parse("password", &"x".repeat(12)).is_ok());
        assert!(Password::parse("password", &"x".repeat(1025)).is_err());
        let p = Password::parse("password", "correct horse battery").ok();
        assert_eq!(format!("{p:?}"), "Some(Password(***))");
    }
}
