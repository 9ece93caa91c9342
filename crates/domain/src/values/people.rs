//! Value types of employees and departments.

use socdesk_types::FieldError;

/// An employee id, as HR systems and log records (`emp_key`) carry it: 1..=64 ASCII letters,
/// digits, `.`, `_`, `-` and `@`, so it is also a plain URL path segment. Case matters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmployeeId(String);

impl EmployeeId {
    /// Parses an id (surrounding spaces trimmed).
    pub fn parse(field: &str, raw: &str) -> Result<EmployeeId, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if value.len() > 64 {
            return Err(FieldError::new(field, "must be at most 64 characters"));
        }
        if !value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')) {
            return Err(FieldError::new(
                field,
                "may contain only ASCII letters, digits, '.', '_', '-' and '@'",
            ));
        }
        Ok(EmployeeId(value.to_owned()))
    }

    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The owned string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A department name: a [`BoundedName`](super::BoundedName) of at most 100 characters without
/// `/`, which separates the levels of a department path (`Security/SOC`) in the CSV import.
pub struct DepartmentName;

impl DepartmentName {
    /// Parses a name (trimmed).
    pub fn parse(field: &str, raw: &str) -> Result<String, FieldError> {
        let name = super::BoundedName::<100>::parse(field, raw)?.into_inner();
        if name.contains('/') {
            return Err(FieldError::new(field, "must not contain '/' (it separates department levels)"));
        }
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employee_ids_are_trimmed_ascii_words() {
        assert_eq!(EmployeeId::parse("id", " E1001 ").map(|i| i.into_inner()), Ok("E1001".into()));
        assert!(EmployeeId::parse("id", "kim.cs@corp-1_a").is_ok());
        assert!(EmployeeId::parse("id", &"a".repeat(64)).is_ok());
        for bad in ["", "  ", "a b", "a/b", "김철수", "a?b", &"a".repeat(65)] {
            assert!(EmployeeId::parse("id", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn department_names_have_no_slash() {
        assert_eq!(DepartmentName::parse("name", " 보안팀 "), Ok("보안팀".into()));
        assert!(DepartmentName::parse("name", "Security/SOC").is_err());
        assert!(DepartmentName::parse("name", " ").is_err());
    }
}
