use socdesk_types::FieldError;

/// The key of a saved preference: 1..=64 of `a-z`, `0-9`, `.`, `_`, `-` (e.g. `tickets.columns`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferenceKey(String);

impl PreferenceKey {
    /// Parses a key.
    pub fn parse(field: &str, raw: &str) -> Result<PreferenceKey, FieldError> {
        let ok = !raw.is_empty()
            && raw.len() <= 64
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if ok {
            Ok(PreferenceKey(raw.to_owned()))
        } else {
            Err(FieldError::new(field, "must be 1 to 64 characters of a-z, 0-9, '.', '_' and '-'"))
        }
    }

    /// The key as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_lower_case_dotted_words() {
        assert!(PreferenceKey::parse("key", "tickets.columns").is_ok());
        assert!(PreferenceKey::parse("key", "").is_err());
        assert!(PreferenceKey::parse("key", "Tickets").is_err());
        assert!(PreferenceKey::parse("key", "a/b").is_err());
        assert!(PreferenceKey::parse("key", &"a".repeat(65)).is_err());
    }
}
