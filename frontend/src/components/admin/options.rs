//! The global options form's draft: what was typed, checked and turned into a `PUT
//! /api/settings` body holding only the options that changed.

use socdesk_types::{
    FieldError,
    mail::Language,
    settings::{GlobalOptions, GlobalOptionsPatch},
};

/// The form's values as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionsDraft {
    pub separation_of_duties: bool,
    /// Days, or empty for off.
    pub token_expiry: String,
    pub reminder_days: String,
    pub default_language: Language,
    pub allow_private_network_targets: bool,
}

impl OptionsDraft {
    /// The draft of the options as they are.
    pub fn of(o: &GlobalOptions) -> Self {
        OptionsDraft {
            separation_of_duties: o.separation_of_duties,
            token_expiry: o.explanation_token_expiry.map(|d| d.to_string()).unwrap_or_default(),
            reminder_days: o.explanation_reminder_days.to_string(),
            default_language: o.default_language,
            allow_private_network_targets: o.allow_private_network_targets,
        }
    }

    /// The body that changes what differs from `before`, or the fields that are not numbers.
    /// Ranges are the server's to check (its message names the field).
    pub fn patch(&self, before: &GlobalOptions) -> Result<GlobalOptionsPatch, Vec<FieldError>> {
        let mut errors = Vec::new();
        let expiry = match self.token_expiry.trim() {
            "" => None,
            t => match t.parse::<u32>() {
                Ok(days) => Some(days),
                Err(_) => {
                    errors.push(FieldError::new(
                        "explanation_token_expiry",
                        "must be a whole number of days, or empty to turn it off",
                    ));
                    None
                }
            },
        };
        let reminder = match self.reminder_days.trim().parse::<u32>() {
            Ok(days) => days,
            Err(_) => {
                errors.push(FieldError::new(
                    "explanation_reminder_days",
                    "must be a whole number of days (0 turns reminders off)",
                ));
                before.explanation_reminder_days
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(GlobalOptionsPatch {
            separation_of_duties: (self.separation_of_duties != before.separation_of_duties)
                .then_some(self.separation_of_duties),
            explanation_token_expiry: (expiry != before.explanation_token_expiry).then_some(expiry),
            explanation_reminder_days: (reminder != before.explanation_reminder_days).then_some(reminder),
            default_language: (self.default_language != before.default_language)
                .then_some(self.default_language),
            allow_private_network_targets: (self.allow_private_network_targets
                != before.allow_private_network_targets)
                .then_some(self.allow_private_network_targets),
        })
    }
}

/// Whether a patch changes nothing.
pub fn is_empty_patch(p: &GlobalOptionsPatch) -> bool {
    p.separation_of_duties.is_none()
        && p.explanation_token_expiry.is_none()
        && p.explanation_reminder_days.is_none()
        && p.default_language.is_none()
        && p.allow_private_network_targets.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> GlobalOptions {
        GlobalOptions {
            separation_of_duties: true,
            explanation_token_expiry: None,
            explanation_reminder_days: 1,
            default_language: Language::En,
            allow_private_network_targets: false,
        }
    }

    #[test]
    fn only_changed_options_are_sent() {
        let o = options();
        assert!(is_empty_patch(&OptionsDraft::of(&o).patch(&o).unwrap()));
        let mut d = OptionsDraft::of(&o);
        d.token_expiry = " 10 ".into();
        d.default_language = Language::Ko;
        let p = d.patch(&o).unwrap();
        assert_eq!(p.explanation_token_expiry, Some(Some(10)));
        assert_eq!(p.default_language, Some(Language::Ko));
        assert_eq!(p.separation_of_duties, None);
        assert_eq!(p.explanation_reminder_days, None);
    }

    #[test]
    fn an_emptied_expiry_turns_it_off() {
        let o = GlobalOptions { explanation_token_expiry: Some(10), ..options() };
        let mut d = OptionsDraft::of(&o);
        assert_eq!(d.token_expiry, "10");
        d.token_expiry = String::new();
        assert_eq!(d.patch(&o).unwrap().explanation_token_expiry, Some(None));
    }

    #[test]
    fn words_where_numbers_belong_are_named() {
        let o = options();
        let mut d = OptionsDraft::of(&o);
        d.token_expiry = "ten".into();
        d.reminder_days = "-1".into();
        let fields: Vec<_> = d.patch(&o).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["explanation_token_expiry", "explanation_reminder_days"]);
    }
}
