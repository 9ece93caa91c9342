//! The violator's submission window, and how long their link stays readable.
//!
//! Submission is open up to the deadline. If the global option `explanation_token_expiry` is set
//! to N days, it is also open until created + N days, whichever is later: the option extends the
//! window past the deadline and never cuts it short. Every bound is inclusive (a submission at
//! the very instant the window closes is accepted), and a day is 24 hours.

use chrono::{DateTime, TimeDelta, Utc};

/// How many days after the deadline a link stays readable (showing "deadline passed") when no
/// expiry option is set.
pub const READABLE_DAYS_AFTER_DEADLINE: u32 = 30;

/// `t` plus `days` days, saturating at the latest representable instant.
fn plus_days(t: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    TimeDelta::try_days(i64::from(days))
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The last instant a submission is accepted: the deadline, or created + `expiry_days` days
/// when the option is set and that is later.
pub fn submission_closes(
    created: DateTime<Utc>,
    deadline: DateTime<Utc>,
    expiry_days: Option<u32>,
) -> DateTime<Utc> {
    match expiry_days {
        Some(days) => deadline.max(plus_days(created, days)),
        None => deadline,
    }
}

/// Whether the violator may submit at `now`.
pub fn can_submit(
    now: DateTime<Utc>,
    created: DateTime<Utc>,
    deadline: DateTime<Utc>,
    expiry_days: Option<u32>,
) -> bool {
    now <= submission_closes(created, deadline, expiry_days)
}

/// Whether a (current, unrevoked) link still opens the explanation at `now`, read-only once
/// submission has closed. With the expiry option set, the link dies with the submission window;
/// without it, it stays readable for [`READABLE_DAYS_AFTER_DEADLINE`] days after the deadline.
pub fn link_alive(
    now: DateTime<Utc>,
    created: DateTime<Utc>,
    deadline: DateTime<Utc>,
    expiry_days: Option<u32>,
) -> bool {
    let dies = match expiry_days {
        Some(_) => submission_closes(created, deadline, expiry_days),
        None => plus_days(deadline, READABLE_DAYS_AFTER_DEADLINE),
    };
    now <= dies
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;
    use proptest::prelude::*;

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").expect("a test timestamp").and_utc()
    }

    const SECOND: TimeDelta = TimeDelta::seconds(1);

    /// The seed's worked example.
    fn created() -> DateTime<Utc> {
        at("2019-08-21 18:00:00")
    }

    fn deadline() -> DateTime<Utc> {
        at("2019-08-27 23:59:59")
    }

    #[test]
    fn the_seeds_worked_example_is_allowed_after_the_deadline() {
        let now = at("2019-08-28 15:00:00");
        assert!(now > deadline());
        assert_eq!(submission_closes(created(), deadline(), Some(10)), at("2019-08-31 18:00:00"));
        assert!(can_submit(now, created(), deadline(), Some(10)));
        assert!(link_alive(now, created(), deadline(), Some(10)));
        // Without the option the same submission is refused, though the link still opens.
        assert!(!can_submit(now, created(), deadline(), None));
        assert!(link_alive(now, created(), deadline(), None));
    }

    #[test]
    fn without_the_option_submission_closes_at_the_deadline_inclusive() {
        let d = deadline();
        assert_eq!(submission_closes(created(), d, None), d);
        assert!(can_submit(d - SECOND, created(), d, None));
        assert!(can_submit(d, created(), d, None));
        assert!(!can_submit(d + SECOND, created(), d, None));
    }

    #[test]
    fn with_the_option_submission_closes_at_created_plus_expiry_inclusive() {
        let closes = at("2019-08-31 18:00:00");
        assert!(can_submit(closes - SECOND, created(), deadline(), Some(10)));
        assert!(can_submit(closes, created(), deadline(), Some(10)));
        assert!(!can_submit(closes + SECOND, created(), deadline(), Some(10)));
    }

    #[test]
    fn an_expiry_shorter_than_the_deadline_never_cuts_the_window() {
        // created + 3 days = 2019-08-24 18:00:00, before the deadline.
        let d = deadline();
        assert_eq!(submission_closes(created(), d, Some(3)), d);
        assert!(can_submit(at("2019-08-24 18:00:01"), created(), d, Some(3)));
        assert!(can_submit(d, created(), d, Some(3)));
        assert!(!can_submit(d + SECOND, created(), d, Some(3)));
        assert_eq!(submission_closes(created(), d, Some(0)), d);
    }

    #[test]
    fn with_the_option_the_link_dies_with_the_window() {
        let closes = at("2019-08-31 18:00:00");
        assert!(link_alive(closes, created(), deadline(), Some(10)));
        assert!(!link_alive(closes + SECOND, created(), deadline(), Some(10)));
        // A short expiry: the window, and the link, end at the deadline; no readable grace.
        let d = deadline();
        assert!(link_alive(d, created(), d, Some(3)));
        assert!(!link_alive(d + SECOND, created(), d, Some(3)));
    }

    #[test]
    fn without_the_option_the_link_stays_readable_thirty_days_after_the_deadline() {
        let d = deadline();
        let last = at("2019-09-26 23:59:59");
        assert_eq!(last - d, TimeDelta::days(30));
        assert!(link_alive(d + SECOND, created(), d, None));
        assert!(!can_submit(d + SECOND, created(), d, None));
        assert!(link_alive(last - SECOND, created(), d, None));
        assert!(link_alive(last, created(), d, None));
        assert!(!link_alive(last + SECOND, created(), d, None));
    }

    #[test]
    fn an_absurd_expiry_saturates_instead_of_overflowing() {
        assert_eq!(submission_closes(created(), deadline(), Some(u32::MAX)), DateTime::<Utc>::MAX_UTC);
        assert!(can_submit(at("9999-12-31 23:59:59"), created(), deadline(), Some(u32::MAX)));
    }

    proptest! {
        #[test]
        fn the_window_never_closes_before_the_deadline_and_a_submittable_link_is_alive(
            created_s in 0i64..4_000_000_000,
            deadline_after_s in -86_400i64..100_000_000,
            now_offset_s in -86_400i64..200_000_000,
            expiry in proptest::option::of(0u32..400),
        ) {
            let created = DateTime::from_timestamp(created_s, 0).unwrap_or_default();
            let deadline = created + TimeDelta::seconds(deadline_after_s);
            let now = created + TimeDelta::seconds(now_offset_s);
            let closes = submission_closes(created, deadline, expiry);
            prop_assert!(closes >= deadline);
            if let Some(days) = expiry {
                prop_assert!(closes >= created + TimeDelta::days(i64::from(days)));
            }
            prop_assert_eq!(can_submit(now, created, deadline, expiry), now <= closes);
            if can_submit(now, created, deadline, expiry) {
                prop_assert!(link_alive(now, created, deadline, expiry));
            }
        }
    }
}
