use socdesk_types::FieldError;

/// A trimmed, non-empty name of at most `MAX` characters (site, category, tag, display name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundedName<const MAX: usize>(String);

impl<const MAX: usize> BoundedName<MAX> {
    /// Parses a name: trims it, refuses empty, too long or control characters.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if value.chars().count() > MAX {
            return Err(FieldError::new(field, format!("must be at most {MAX} characters")));
        }
        if value.chars().any(char::is_control) {
            return Err(FieldError::new(field, "must not contain control characters"));
        }
        Ok(BoundedName(value.to_owned()))
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
    fn trims_and_bounds_names() {
        assert_eq!(BoundedName::<5>::parse("name", "  Seoul ").map(|n| n.into_inner()), Ok("Seoul".into()));
        assert!(BoundedName::<5>::parse("name", "Busan1").is_err());
        assert!(BoundedName::<5>::parse("name", "   ").is_err());
        assert!(BoundedName::<5>::parse("name", "a\nb").is_err());
        // Characters, not bytes: five Hangul syllables fit in five.
        assert!(BoundedName::<5>::parse("name", "서울특별시").is_ok());
    }
}
