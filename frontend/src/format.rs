//! How times and durations read on screen: `yyyy-MM-dd HH:mm:ss` in the reader's time zone,
//! and the value format of `<input type="datetime-local">`.

use chrono::{DateTime, Utc};
use wasm_bindgen::JsValue;

fn js_date(t: DateTime<Utc>) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(t.timestamp_millis() as f64))
}

/// `yyyy-MM-dd HH:mm:ss` in the browser's time zone.
pub fn datetime(t: DateTime<Utc>) -> String {
    let d = js_date(t);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// [`datetime`], or a dash for none.
pub fn datetime_or_dash(t: Option<DateTime<Utc>>) -> String {
    t.map(datetime).unwrap_or_else(|| "—".into())
}

/// The value of a `datetime-local` input showing `t` (`yyyy-MM-ddTHH:mm`, local time).
pub fn to_local_input(t: DateTime<Utc>) -> String {
    let d = js_date(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// The instant a `datetime-local` value names in the browser's time zone; `None` when empty
/// or malformed.
pub fn from_local_input(value: &str) -> Option<DateTime<Utc>> {
    if value.trim().is_empty() {
        return None;
    }
    // Without an offset, the date-time form is read as local time.
    let millis = js_sys::Date::new(&JsValue::from_str(value)).get_time();
    if millis.is_nan() {
        return None;
    }
    DateTime::from_timestamp_millis(millis as i64)
}

/// A duration in seconds as `2d 3h`, `3h 20m`, `5m 10s` or `40s`.
pub fn duration(secs: i64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

/// A byte count as `12 KB` or `3.4 MB`.
pub fn size(bytes: i64) -> String {
    let b = bytes as f64;
    if b >= 1_048_576.0 {
        format!("{:.1} MB", b / 1_048_576.0)
    } else if b >= 1024.0 {
        format!("{:.0} KB", (b / 1024.0).ceil())
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_their_two_largest_units() {
        assert_eq!(duration(40), "40s");
        assert_eq!(duration(310), "5m 10s");
        assert_eq!(duration(12_000), "3h 20m");
        assert_eq!(duration(2 * 86_400 + 3 * 3600 + 59), "2d 3h");
    }

    #[test]
    fn sizes_pick_their_unit() {
        assert_eq!(size(900), "900 B");
        assert_eq!(size(12 * 1024), "12 KB");
        assert_eq!(size(3_565_158), "3.4 MB");
    }
}
