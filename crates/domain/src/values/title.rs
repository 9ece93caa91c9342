use socdesk_types::FieldError;

/// A ticket title: 1..=255 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketTitle(String);

impl TicketTitle {
    /// Parses a title.
    pub fn parse(field: &str, raw: &str) -> Result<TicketTitle, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if value.chars().count() > 255 {
            return Err(FieldError::new(field, "must be at most 255 characters"));
        }
        if value.chars().any(char::is_control) {
            return Err(FieldError::new(field, "must not contain control characters"));
        }
        Ok(TicketTitle(value.to_owned()))
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
    fn titles_are_trimmed_and_bounded_in_characters() {
        assert_eq!(
            TicketTitle::parse("title", "  Port scan  ").map(TicketTitle::into_inner),
            Ok("Port scan".into())
        );
        assert!(TicketTitle::parse("title", " ").is_err());
        assert!(TicketTitle::parse("title", &"가".repeat(255)).is_ok());
        assert!(TicketTitle::parse("title", &"가".repeat(256)).is_err());
        assert!(TicketTitle::parse("title", "a\u{0}b").is_err());
    }
}
