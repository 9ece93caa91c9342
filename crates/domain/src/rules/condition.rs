//! Stream rule conditions compiled once per batch: regexes built, networks parsed, case folded.
//!
//! A missing (or null) field fails every leaf, so `not` of a leaf holds for it. Text is the
//! value as written for strings and its JSON form for numbers and booleans; an array matches when
//! any element does. CIDR tests accept IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) as the
//! IPv4 address they carry.

use std::{borrow::Cow, net::IpAddr};

use ipnet::IpNet;
use regex::{Regex, RegexBuilder};
use serde_json::{Map, Value};
use socdesk_types::{
    FieldError,
    rules::{Condition, NumberTest, TextTest},
};

/// The deepest condition tree.
const MAX_DEPTH: usize = 32;
/// The most leaves in one tree.
const MAX_LEAVES: usize = 500;
/// Compiled size limit of one regex (bytes).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cmp {
    Gt,
    Gte,
    Lt,
    Lte,
}

#[derive(Debug, Clone)]
enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Equals { field: String, value: String, ignore_case: bool },
    Contains { field: String, value: String, ignore_case: bool },
    Regex { field: String, regex: Regex },
    Cidr { field: String, net: IpNet },
    Number { field: String, cmp: Cmp, value: f64 },
    Exists { field: String },
}

/// A condition ready to test records.
#[derive(Debug, Clone)]
pub struct Compiled(Node);

struct Compiler {
    errors: Vec<FieldError>,
    leaves: usize,
}

fn check_field(field: &str, path: &str, errors: &mut Vec<FieldError>) {
    if field.is_empty() || field.chars().count() > 64 {
        errors.push(FieldError::new(format!("{path}.field"), "must be 1 to 64 characters"));
    }
}

/// Parses a network or a single address (as a host network).
pub fn parse_network(raw: &str) -> Option<IpNet> {
    let raw = raw.trim();
    raw.parse::<IpNet>().ok().or_else(|| raw.parse::<IpAddr>().ok().map(IpNet::from))
}

impl Compiler {
    fn text(&mut self, t: &TextTest, path: &str) -> (String, String, bool) {
        check_field(&t.field, path, &mut self.errors);
        let value = if t.ignore_case { t.value.to_lowercase() } else { t.value.clone() };
        (t.field.clone(), value, t.ignore_case)
    }

    fn number(&mut self, t: &NumberTest, cmp: Cmp, path: &str) -> Node {
        check_field(&t.field, path, &mut self.errors);
        if !t.value.is_finite() {
            self.errors.push(FieldError::new(format!("{path}.value"), "must be a finite number"));
        }
        Node::Number { field: t.field.clone(), cmp, value: t.value }
    }

    fn list(&mut self, items: &[Condition], path: &str, depth: usize) -> Vec<Node> {
        items.iter().enumerate().map(|(i, c)| self.node(c, &format!("{path}[{i}]"), depth + 1)).collect()
    }

    fn node(&mut self, c: &Condition, path: &str, depth: usize) -> Node {
        if depth > MAX_DEPTH {
            self.errors
                .push(FieldError::new(path, format!("conditions nest at most {MAX_DEPTH} levels deep")));
            return Node::And(Vec::new());
        }
        if !matches!(c, Condition::And(_) | Condition::Or(_) | Condition::Not(_)) {
            self.leaves += 1;
        }
        match c {
            Condition::And(items) => Node::And(self.list(items, &format!("{path}.and"), depth)),
            Condition::Or(items) => Node::Or(self.list(items, &format!("{path}.or"), depth)),
            Condition::Not(inner) => Node::Not(Box::new(self.node(inner, &format!("{path}.not"), depth + 1))),
            Condition::Equals(t) => {
                let (field, value, ignore_case) = self.text(t, &format!("{path}.equals"));
                Node::Equals { field, value, ignore_case }
            }
            Condition::Contains(t) => {
                let (field, value, ignore_case) = self.text(t, &format!("{path}.contains"));
                Node::Contains { field, value, ignore_case }
            }
            Condition::Regex(t) => {
                let path = format!("{path}.regex");
                check_field(&t.field, &path, &mut self.errors);
                match RegexBuilder::new(&t.value)
                    .case_insensitive(t.ignore_case)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                {
                    Ok(regex) => Node::Regex { field: t.field.clone(), regex },
                    Err(e) => {
                        let reason = e.to_string();
                        let short =
                            reason.lines().last().unwrap_or("invalid").trim().trim_start_matches("error: ");
                        self.errors.push(FieldError::new(
                            format!("{path}.value"),
                            format!("is not a valid regular expression: {short}"),
                        ));
                        Node::And(Vec::new())
                    }
                }
            }
            Condition::Cidr(t) => {
                let path = format!("{path}.cidr");
                check_field(&t.field, &path, &mut self.errors);
                match parse_network(&t.value) {
                    Some(net) => Node::Cidr { field: t.field.clone(), net },
                    None => {
                        self.errors.push(FieldError::new(format!("{path}.value"), "is not an IP network"));
                        Node::And(Vec::new())
                    }
                }
            }
            Condition::Gt(t) => self.number(t, Cmp::Gt, &format!("{path}.gt")),
            Condition::Gte(t) => self.number(t, Cmp::Gte, &format!("{path}.gte")),
            Condition::Lt(t) => self.number(t, Cmp::Lt, &format!("{path}.lt")),
            Condition::Lte(t) => self.number(t, Cmp::Lte, &format!("{path}.lte")),
            Condition::Exists(f) => {
                check_field(&f.field, &format!("{path}.exists"), &mut self.errors);
                Node::Exists { field: f.field.clone() }
            }
        }
    }
}

/// Compiles a condition, reporting every invalid leaf by its path under `path`
/// (`condition.and[1].regex.value`).
pub fn compile(condition: &Condition, path: &str) -> Result<Compiled, Vec<FieldError>> {
    let mut compiler = Compiler { errors: Vec::new(), leaves: 0 };
    let node = compiler.node(condition, path, 0);
    if compiler.leaves > MAX_LEAVES {
        compiler.errors.push(FieldError::new(path, format!("at most {MAX_LEAVES} tests")));
    }
    if compiler.errors.is_empty() { Ok(Compiled(node)) } else { Err(compiler.errors) }
}

/// The distinct field names a condition reads, sorted.
pub fn fields_used(condition: &Condition) -> Vec<String> {
    fn walk(c: &Condition, out: &mut std::collections::BTreeSet<String>) {
        match c {
            Condition::And(items) | Condition::Or(items) => items.iter().for_each(|i| walk(i, out)),
            Condition::Not(inner) => walk(inner, out),
            Condition::Equals(t) | Condition::Contains(t) | Condition::Regex(t) | Condition::Cidr(t) => {
                out.insert(t.field.clone());
            }
            Condition::Gt(t) | Condition::Gte(t) | Condition::Lt(t) | Condition::Lte(t) => {
                out.insert(t.field.clone());
            }
            Condition::Exists(f) => {
                out.insert(f.field.clone());
            }
        }
    }
    let mut out = std::collections::BTreeSet::new();
    walk(condition, &mut out);
    out.into_iter().collect()
}

/// The scalar values of a field: the value itself, or an array's non-null elements.
/// The non-null values of `field`: an array's items, or the one value. Allocates nothing, as
/// it runs for every rule on every ingested record.
fn values<'a>(record: &'a Map<String, Value>, field: &str) -> impl Iterator<Item = &'a Value> {
    let items: &[Value] = match record.get(field) {
        None => &[],
        Some(Value::Array(items)) => items,
        Some(v) => std::slice::from_ref(v),
    };
    items.iter().filter(|v| !v.is_null())
}

fn text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|n| !n.is_nan())
}

fn ip(value: &Value) -> Option<IpAddr> {
    let addr: IpAddr = value.as_str()?.trim().parse().ok()?;
    Some(match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    })
}

fn any_text(
    record: &Map<String, Value>,
    field: &str,
    ignore_case: bool,
    test: impl Fn(&str) -> bool,
) -> bool {
    values(record, field).any(|v| {
        let t = text(v);
        if ignore_case { test(&t.to_lowercase()) } else { test(t.as_ref()) }
    })
}

impl Node {
    fn matches(&self, r: &Map<String, Value>) -> bool {
        match self {
            Node::And(items) => items.iter().all(|n| n.matches(r)),
            Node::Or(items) => items.iter().any(|n| n.matches(r)),
            Node::Not(inner) => !inner.matches(r),
            Node::Equals { field, value, ignore_case } => any_text(r, field, *ignore_case, |t| t == value),
            Node::Contains { field, value, ignore_case } => {
                any_text(r, field, *ignore_case, |t| t.contains(value.as_str()))
            }
            Node::Regex { field, regex } => any_text(r, field, false, |t| regex.is_match(t)),
            Node::Cidr { field, net } => values(r, field).any(|v| ip(v).is_some_and(|a| net.contains(&a))),
            Node::Number { field, cmp, value } => values(r, field).any(|v| {
                number(v).is_some_and(|n| match cmp {
                    Cmp::Gt => n > *value,
                    Cmp::Gte => n >= *value,
                    Cmp::Lt => n < *value,
                    Cmp::Lte => n <= *value,
                })
            }),
            Node::Exists { field } => values(r, field).next().is_some(),
        }
    }
}

impl Compiled {
    /// Whether the record satisfies the condition.
    pub fn matches(&self, record: &Map<String, Value>) -> bool {
        self.0.matches(record)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;
    use socdesk_types::rules::FieldRef;

    use super::*;

    fn t(field: &str, value: &str) -> TextTest {
        TextTest { field: field.into(), value: value.into(), ignore_case: false }
    }

    fn ti(field: &str, value: &str) -> TextTest {
        TextTest { ignore_case: true, ..t(field, value) }
    }

    fn n(field: &str, value: f64) -> NumberTest {
        NumberTest { field: field.into(), value }
    }

    fn rec() -> Map<String, Value> {
        json!({"action": "Deny", "src": "10.1.2.3", "v6": "2001:db8::7", "mapped": "::ffff:192.168.1.9",
            "bytes": 1500, "score": "2.5", "word": "abc", "ok": true, "tags": ["x", "vpn"], "none": null})
        .as_object()
        .cloned()
        .unwrap()
    }

    fn m(c: Condition) -> bool {
        compile(&c, "condition").unwrap().matches(&rec())
    }

    #[test]
    fn each_operator_holds_and_fails() {
        use Condition::*;
        let table: Vec<(Condition, bool)> = vec![
            (Equals(t("action", "Deny")), true),
            (Equals(t("action", "deny")), false),
            (Equals(ti("action", "DENY")), true),
            (Equals(t("bytes", "1500")), true),
            (Equals(t("ok", "true")), true),
            (Contains(t("action", "en")), true),
            (Contains(t("action", "EN")), false),
            (Contains(ti("action", "EN")), true),
            (Regex(t("src", r"^10\.1\.")), true),
            (Regex(t("src", r"^1\.")), false),
            (Regex(ti("action", "^deny$")), true),
            (Cidr(t("src", "10.0.0.0/8")), true),
            (Cidr(t("src", "10.1.2.3")), true),
            (Cidr(t("src", "192.168.0.0/16")), false),
            (Cidr(t("v6", "2001:db8::/32")), true),
            (Cidr(t("v6", "2001:db9::/32")), false),
            (Cidr(t("mapped", "192.168.0.0/16")), true),
            (Cidr(t("word", "10.0.0.0/8")), false),
            (Gt(n("bytes", 1000.0)), true),
            (Gt(n("bytes", 1500.0)), false),
            (Gte(n("bytes", 1500.0)), true),
            (Lt(n("score", 3.0)), true),
            (Lte(n("score", 2.5)), true),
            (Lt(n("word", 3.0)), false),
            (Exists(FieldRef { field: "word".into() }), true),
            (Exists(FieldRef { field: "none".into() }), false),
            (Equals(t("tags", "vpn")), true),
            (Equals(t("missing", "x")), false),
            (Not(Box::new(Equals(t("missing", "x")))), true),
            (Not(Box::new(Gt(n("missing", 1.0)))), true),
            (And(vec![]), true),
            (Or(vec![]), false),
            (
                And(vec![
                    Equals(t("action", "Deny")),
                    Or(vec![Gt(n("bytes", 9e9)), Cidr(t("src", "10.0.0.0/8"))]),
                ]),
                true,
            ),
            (And(vec![Equals(t("action", "Deny")), Not(Box::new(Cidr(t("src", "10.0.0.0/8"))))]), false),
        ];
        for (c, expected) in table {
            assert_eq!(m(c.clone()), expected, "{c:?}");
        }
    }

    #[test]
    fn every_bad_leaf_is_reported_by_path() {
        use Condition::*;
        let c = And(vec![
            Regex(t("user", "(unclosed")),
            Or(vec![Cidr(t("src", "10.0.0.0/33")), Equals(t("", "x"))]),
            Not(Box::new(Gt(n("bytes", f64::INFINITY)))),
        ]);
        let errors = compile(&c, "condition").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "condition.and[0].regex.value",
                "condition.and[1].or[0].cidr.value",
                "condition.and[1].or[1].equals.field",
                "condition.and[2].not.gt.value"
            ]
        );
        assert!(errors[0].message.starts_with("is not a valid regular expression"), "{}", errors[0].message);
    }

    #[test]
    fn depth_leaves_and_regex_size_are_bounded() {
        let mut deep = Condition::Exists(FieldRef { field: "a".into() });
        for _ in 0..40 {
            deep = Condition::Not(Box::new(deep));
        }
        assert!(compile(&deep, "condition").is_err());
        let wide = Condition::Or(vec![Condition::Exists(FieldRef { field: "a".into() }); 501]);
        assert_eq!(compile(&wide, "condition").unwrap_err()[0].field, "condition");
        let huge = Condition::Regex(t("a", "(a{1000}){1000}"));
        assert!(compile(&huge, "condition").is_err());
    }

    #[test]
    fn fields_used_are_distinct_and_sorted() {
        use Condition::*;
        let c = And(vec![
            Equals(t("b", "1")),
            Not(Box::new(Gt(n("a", 1.0)))),
            Exists(FieldRef { field: "b".into() }),
        ]);
        assert_eq!(fields_used(&c), ["a", "b"]);
    }

    proptest! {
        #[test]
        fn arbitrary_records_never_panic(
            entries in prop::collection::btree_map(
                prop_oneof![Just("action".to_owned()), Just("src".to_owned()), Just("bytes".to_owned()), "[a-z]{1,4}"],
                prop_oneof![
                    Just(Value::Null),
                    any::<bool>().prop_map(Value::Bool),
                    any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
                    any::<i64>().prop_map(|i| json!(i)),
                    "\\PC{0,12}".prop_map(Value::String),
                ],
                0..6,
            )
        ) {
            use Condition::*;
            let record: Map<String, Value> = entries.into_iter().collect();
            let c = compile(&Or(vec![
                Equals(ti("action", "deny")),
                Regex(t("src", "^10\\.")),
                Cidr(t("src", "10.0.0.0/8")),
                Gt(n("bytes", 10.0)),
                Not(Box::new(Contains(t("action", "x")))),
            ]), "c").unwrap();
            let _ = c.matches(&record);
        }
    }
}
