//! A stream rule's condition as the structured editor holds it: one level of tests on fields,
//! all of which (AND) or any of which (OR) must hold, each test optionally negated. Anything
//! deeper is edited as JSON; [`from_condition`] says when a condition does not fit.

use socdesk_types::rules::{Condition, FieldRef, NumberTest, TextTest};

/// How the tests combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// Every test holds (AND).
    All,
    /// At least one test holds (OR).
    Any,
}

/// What a test checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Equals,
    Contains,
    Regex,
    Cidr,
    Gt,
    Gte,
    Lt,
    Lte,
    Exists,
}

impl Op {
    /// Every test, in the editor's order.
    pub const ALL: [Op; 9] =
        [Op::Equals, Op::Contains, Op::Regex, Op::Cidr, Op::Gt, Op::Gte, Op::Lt, Op::Lte, Op::Exists];

    /// The condition's JSON key.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Equals => "equals",
            Op::Contains => "contains",
            Op::Regex => "regex",
            Op::Cidr => "cidr",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Exists => "exists",
        }
    }

    /// Parses a JSON key.
    pub fn parse(raw: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|o| o.as_str() == raw)
    }

    /// How the editor names it.
    pub fn label(self) -> &'static str {
        match self {
            Op::Equals => "equals",
            Op::Contains => "contains",
            Op::Regex => "matches regex",
            Op::Cidr => "in network (CIDR)",
            Op::Gt => ">",
            Op::Gte => "≥",
            Op::Lt => "<",
            Op::Lte => "≤",
            Op::Exists => "exists",
        }
    }

    /// Text tests take `ignore_case`.
    pub fn is_text(self) -> bool {
        matches!(self, Op::Equals | Op::Contains | Op::Regex | Op::Cidr)
    }

    /// Numeric comparisons take a number.
    pub fn is_number(self) -> bool {
        matches!(self, Op::Gt | Op::Gte | Op::Lt | Op::Lte)
    }
}

/// One test as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    /// Keeps a row's inputs when rows above it are removed.
    pub key: u32,
    pub field: String,
    pub op: Op,
    pub value: String,
    pub ignore_case: bool,
    /// The test must not hold.
    pub negate: bool,
}

impl Test {
    /// An empty `equals` test.
    pub fn new(key: u32) -> Self {
        Test {
            key,
            field: String::new(),
            op: Op::Equals,
            value: String::new(),
            ignore_case: false,
            negate: false,
        }
    }
}

fn leaf(c: &Condition) -> Option<(String, Op, String, bool)> {
    let text = |op: Op, t: &TextTest| Some((t.field.clone(), op, t.value.clone(), t.ignore_case));
    let number = |op: Op, t: &NumberTest| Some((t.field.clone(), op, t.value.to_string(), false));
    match c {
        Condition::Equals(t) => text(Op::Equals, t),
        Condition::Contains(t) => text(Op::Contains, t),
        Condition::Regex(t) => text(Op::Regex, t),
        Condition::Cidr(t) => text(Op::Cidr, t),
        Condition::Gt(t) => number(Op::Gt, t),
        Condition::Gte(t) => number(Op::Gte, t),
        Condition::Lt(t) => number(Op::Lt, t),
        Condition::Lte(t) => number(Op::Lte, t),
        Condition::Exists(f) => Some((f.field.clone(), Op::Exists, String::new(), false)),
        Condition::And(_) | Condition::Or(_) | Condition::Not(_) => None,
    }
}

fn test_of(key: u32, c: &Condition) -> Option<Test> {
    let (inner, negate) = match c {
        Condition::Not(inner) => (inner.as_ref(), true),
        other => (other, false),
    };
    let (field, op, value, ignore_case) = leaf(inner)?;
    Some(Test { key, field, op, value, ignore_case, negate })
}

/// The structured form of `c`, or `None` when it nests deeper than one AND/OR of (negated)
/// tests. Keys start at 0.
pub fn from_condition(c: &Condition) -> Option<(Combine, Vec<Test>)> {
    let (combine, items) = match c {
        Condition::And(items) => (Combine::All, items.as_slice()),
        Condition::Or(items) => (Combine::Any, items.as_slice()),
        single => return test_of(0, single).map(|t| (Combine::All, vec![t])),
    };
    let tests = items.iter().enumerate().map(|(i, c)| test_of(i as u32, c)).collect::<Option<Vec<_>>>()?;
    Some((combine, tests))
}

/// The condition the tests make, always an `and`/`or` list (so the server's error paths name
/// `condition.and[i]`), or the rows (0-based) whose value is not a number.
pub fn to_condition(combine: Combine, tests: &[Test]) -> Result<Condition, Vec<(usize, String)>> {
    let mut errors = Vec::new();
    let mut items = Vec::with_capacity(tests.len());
    for (i, t) in tests.iter().enumerate() {
        let field = t.field.trim().to_owned();
        let text = || TextTest { field: field.clone(), value: t.value.clone(), ignore_case: t.ignore_case };
        let number = || match t.value.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Some(NumberTest { field: field.clone(), value: v }),
            _ => None,
        };
        let c = match t.op {
            Op::Equals => Condition::Equals(text()),
            Op::Contains => Condition::Contains(text()),
            Op::Regex => Condition::Regex(text()),
            Op::Cidr => Condition::Cidr(text()),
            Op::Exists => Condition::Exists(FieldRef { field: field.clone() }),
            op => match number() {
                Some(n) => match op {
                    Op::Gt => Condition::Gt(n),
                    Op::Gte => Condition::Gte(n),
                    Op::Lt => Condition::Lt(n),
                    _ => Condition::Lte(n),
                },
                None => {
                    errors.push((i, "must be a number".to_owned()));
                    continue;
                }
            },
        };
        items.push(if t.negate { Condition::Not(Box::new(c)) } else { c });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(match combine {
        Combine::All => Condition::And(items),
        Combine::Any => Condition::Or(items),
    })
}

/// The row a server error path names (`condition.and[2].regex.value` → 2).
pub fn row_of(field: &str) -> Option<usize> {
    let rest = field.strip_prefix("condition.and[").or_else(|| field.strip_prefix("condition.or["))?;
    rest.split(']').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(field: &str, op: Op, value: &str) -> Test {
        Test { field: field.into(), op, value: value.into(), ..Test::new(0) }
    }

    #[test]
    fn tests_become_one_and_or_or_list_and_come_back() {
        let tests = vec![
            Test { ignore_case: true, ..test("action", Op::Equals, "deny") },
            test("src_ip", Op::Cidr, "10.0.0.0/8"),
            Test { negate: true, ..test("bytes", Op::Gte, "1024") },
            test("user", Op::Exists, ""),
            test("url", Op::Regex, "^https?://"),
            test("msg", Op::Contains, "fail"),
        ];
        let c = to_condition(Combine::Any, &tests).unwrap();
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(
            json["or"][0],
            serde_json::json!({"equals": {"field": "action", "value": "deny", "ignore_case": true}})
        );
        assert_eq!(json["or"][2], serde_json::json!({"not": {"gte": {"field": "bytes", "value": 1024.0}}}));
        assert_eq!(json["or"][3], serde_json::json!({"exists": {"field": "user"}}));
        let (combine, back) = from_condition(&c).unwrap();
        assert_eq!(combine, Combine::Any);
        let strip = |t: &[Test]| {
            t.iter().map(|t| (t.field.clone(), t.op, t.negate, t.ignore_case)).collect::<Vec<_>>()
        };
        assert_eq!(strip(&back), strip(&tests));
        assert_eq!(back[2].value, "1024");
    }

    #[test]
    fn a_value_that_is_not_a_number_is_named_by_row() {
        let tests = vec![test("a", Op::Equals, "x"), test("bytes", Op::Lt, "lots")];
        assert_eq!(to_condition(Combine::All, &tests).unwrap_err(), vec![(1, "must be a number".to_owned())]);
    }

    #[test]
    fn a_single_test_fits_and_deeper_nesting_does_not() {
        let single = Condition::Not(Box::new(Condition::Exists(FieldRef { field: "x".into() })));
        let (combine, tests) = from_condition(&single).unwrap();
        assert_eq!((combine, tests.len(), tests[0].negate), (Combine::All, 1, true));
        let nested = Condition::And(vec![Condition::Or(vec![])]);
        assert!(from_condition(&nested).is_none());
        let double_not = Condition::Not(Box::new(Condition::Not(Box::new(Condition::And(vec![])))));
        assert!(from_condition(&double_not).is_none());
    }

    #[test]
    fn error_paths_name_their_row() {
        assert_eq!(row_of("condition.and[2].regex.value"), Some(2));
        assert_eq!(row_of("condition.or[0].not.cidr.value"), Some(0));
        assert_eq!(row_of("condition"), None);
        assert_eq!(row_of("ticket.title"), None);
    }
}
