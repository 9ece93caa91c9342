//! The log search query language: `AND`, `OR`, `NOT`, parentheses, `"phrases"`, bare words,
//! `field:value` (case-insensitive, `*` wildcard) and `field:10.0.0.0/8`. Juxtaposed terms mean
//! AND; NOT binds tighter than AND, AND tighter than OR.
//!
//! A hand-written tokenizer and recursive-descent parser; errors carry the 1-based character
//! column of the mistake. Input length and nesting depth are bounded so no input can exhaust the
//! stack.

use std::{fmt, net::IpAddr};

use ipnet::IpNet;
use serde_json::{Map, Value};

/// The longest query, in characters.
pub const MAX_CHARS: usize = 4_000;
/// The deepest nesting of parentheses and NOTs.
const MAX_DEPTH: usize = 64;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    /// A word anywhere in the record (lower-cased).
    Word(String),
    /// A phrase anywhere in the record (lower-cased).
    Phrase(String),
    /// A field test.
    Field {
        name: String,
        value: FieldValue,
    },
}

/// What `field:` is compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// Text (lower-cased; `*` matches any run of characters).
    Text(String),
    /// An IP network (a single address is a /32 or /128).
    Network(IpNet),
}

/// A malformed query: what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based character column.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (column {})", self.message, self.column)
    }
}

impl std::error::Error for ParseError {}

fn error<T>(column: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError { column, message: message.into() })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    And,
    Or,
    Not,
    Open,
    Close,
    Word(String),
    Phrase(String),
    Field(String, String, bool),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    column: usize,
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '(' | ')' | '"')
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Reads a quoted string starting after the opening quote at `chars[*i - 1]`.
fn quoted(chars: &[char], i: &mut usize, open_col: usize) -> Result<String, ParseError> {
    let mut out = String::new();
    while *i < chars.len() {
        let c = chars[*i];
        *i += 1;
        match c {
            '"' => return Ok(out),
            '\\' if *i < chars.len() => {
                out.push(chars[*i]);
                *i += 1;
            }
            other => out.push(other),
        }
    }
    error(open_col, format!("unclosed quote starting at column {open_col}"))
}

fn tokenize(input: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = match c {
            '(' => {
                i += 1;
                Tok::Open
            }
            ')' => {
                i += 1;
                Tok::Close
            }
            '"' => {
                i += 1;
                Tok::Phrase(quoted(&chars, &mut i, column)?)
            }
            _ => {
                let start = i;
                while i < chars.len() && is_word_char(chars[i]) && chars[i] != ':' {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if i < chars.len() && chars[i] == ':' {
                    if !is_field_name(&word) {
                        return error(column, format!("\"{word}\" is not a field name"));
                    }
                    i += 1;
                    if i < chars.len() && chars[i] == '"' {
                        let open = i + 1;
                        i += 1;
                        Tok::Field(word, quoted(&chars, &mut i, open)?, true)
                    } else {
                        let vstart = i;
                        while i < chars.len() && is_word_char(chars[i]) {
                            i += 1;
                        }
                        if vstart == i {
                            return error(i + 1, format!("empty value after \"{word}:\""));
                        }
                        Tok::Field(word, chars[vstart..i].iter().collect(), false)
                    }
                } else {
                    match word.as_str() {
                        w if w.eq_ignore_ascii_case("and") => Tok::And,
                        w if w.eq_ignore_ascii_case("or") => Tok::Or,
                        w if w.eq_ignore_ascii_case("not") => Tok::Not,
                        _ => Tok::Word(word),
                    }
                }
            }
        };
        tokens.push(Token { tok, column });
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    end_column: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn column(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end_column, |t| t.column)
    }

    fn or(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let mut terms = vec![self.and(depth)?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            terms.push(self.operand_after("OR", depth, Self::and)?);
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { Expr::Or(terms) })
    }

    fn and(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let mut terms = vec![self.unary(depth)?];
        loop {
            match self.peek() {
                Some(Tok::And) => {
                    self.pos += 1;
                    terms.push(self.operand_after("AND", depth, Self::unary)?);
                }
                Some(Tok::Or | Tok::Close) | None => break,
                Some(_) => terms.push(self.unary(depth)?),
            }
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { Expr::And(terms) })
    }

    fn operand_after(
        &mut self,
        op: &str,
        depth: usize,
        next: fn(&mut Self, usize) -> Result<Expr, ParseError>,
    ) -> Result<Expr, ParseError> {
        match self.peek() {
            None | Some(Tok::Close | Tok::And | Tok::Or) => {
                error(self.column(), format!("expected a term after {op}"))
            }
            Some(_) => next(self, depth),
        }
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, ParseError> {
        if depth >= MAX_DEPTH {
            return error(self.column(), format!("nested more than {MAX_DEPTH} levels deep"));
        }
        let column = self.column();
        let Some(tok) = self.peek().cloned() else { return error(column, "expected a term") };
        self.pos += 1;
        match tok {
            Tok::Not => Ok(Expr::Not(Box::new(self.operand_after("NOT", depth + 1, Self::unary)?))),
            Tok::Open => {
                if self.peek() == Some(&Tok::Close) {
                    return error(self.column(), "empty parentheses");
                }
                let inner = self.or(depth + 1)?;
                if self.peek() != Some(&Tok::Close) {
                    return error(column, format!("missing \")\" for \"(\" at column {column}"));
                }
                self.pos += 1;
                Ok(inner)
            }
            Tok::Close => error(column, format!("unmatched \")\" at column {column}")),
            Tok::And | Tok::Or => error(
                column,
                format!("expected a term before {}", if tok == Tok::And { "AND" } else { "OR" }),
            ),
            Tok::Word(w) => Ok(Expr::Word(w.to_lowercase())),
            Tok::Phrase(p) => Ok(Expr::Phrase(p.to_lowercase())),
            Tok::Field(name, value, was_quoted) => {
                Ok(Expr::Field { name, value: field_value(&value, was_quoted) })
            }
        }
    }
}

fn field_value(raw: &str, was_quoted: bool) -> FieldValue {
    if !was_quoted {
        if let Ok(net) = raw.parse::<IpNet>() {
            return FieldValue::Network(net);
        }
        if let Ok(ip) = raw.parse::<IpAddr>() {
            return FieldValue::Network(IpNet::from(ip));
        }
    }
    FieldValue::Text(raw.to_lowercase())
}

/// Parses a query expression.
pub fn parse(input: &str) -> Result<Expr, ParseError> {
    let count = input.chars().count();
    if count > MAX_CHARS {
        return error(MAX_CHARS + 1, format!("the query is longer than {MAX_CHARS} characters"));
    }
    let tokens = tokenize(input)?;
    if tokens.is_empty() {
        return error(1, "empty query");
    }
    let mut parser = Parser { tokens, pos: 0, end_column: count + 1 };
    let expr = parser.or(0)?;
    if let Some(t) = parser.tokens.get(parser.pos) {
        return error(t.column, format!("unmatched \")\" at column {}", t.column));
    }
    Ok(expr)
}

/// Literal keywords combined with AND (or OR when `any`); `None` when there are none.
pub fn keywords(words: &str, any: bool) -> Option<Expr> {
    let mut terms: Vec<Expr> = words.split_whitespace().map(|w| Expr::Word(w.to_lowercase())).collect();
    match terms.len() {
        0 => None,
        1 => terms.pop(),
        _ if any => Some(Expr::Or(terms)),
        _ => Some(Expr::And(terms)),
    }
}

fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s.chars().any(|c| !is_word_char(c) || c == ':' || c == '\\')
        || ["and", "or", "not"].iter().any(|k| s.eq_ignore_ascii_case(k))
}

fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    f.write_str("\"")
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, items: &[Expr], op: &str| -> fmt::Result {
            f.write_str("(")?;
            for (i, e) in items.iter().enumerate() {
                if i > 0 {
                    write!(f, " {op} ")?;
                }
                write!(f, "{e}")?;
            }
            f.write_str(")")
        };
        match self {
            Expr::And(items) => join(f, items, "AND"),
            Expr::Or(items) => join(f, items, "OR"),
            Expr::Not(inner) => write!(f, "NOT {inner}"),
            Expr::Word(w) if needs_quotes(w) => write_quoted(f, w),
            Expr::Word(w) => f.write_str(w),
            Expr::Phrase(p) => write_quoted(f, p),
            Expr::Field { name, value: FieldValue::Network(net) } => write!(f, "{name}:{net}"),
            Expr::Field { name, value: FieldValue::Text(t) } => {
                write!(f, "{name}:")?;
                let looks_like_ip = t.parse::<IpNet>().is_ok() || t.parse::<IpAddr>().is_ok();
                if needs_quotes(t) || looks_like_ip { write_quoted(f, t) } else { f.write_str(t) }
            }
        }
    }
}

/// A record as queries see it.
pub struct RecordView<'a> {
    /// The whole record (`_id`, `_time` and `emp_key` included).
    pub fields: &'a Map<String, Value>,
    /// [`searchable_text`] of it.
    pub text: &'a str,
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The lower-cased text keywords are searched in: every value, one per line.
pub fn searchable_text(fields: &Map<String, Value>) -> String {
    let mut out = String::new();
    for value in fields.values() {
        if let Some(t) = scalar_text(value) {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&t.to_lowercase());
        }
    }
    out
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

fn lookup<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields.get(name).or_else(|| fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

fn value_matches(value: &Value, test: &FieldValue) -> bool {
    if let Value::Array(items) = value {
        return items.iter().any(|v| value_matches(v, test));
    }
    let Some(text) = scalar_text(value) else { return false };
    match test {
        FieldValue::Text(t) => glob(t, &text.to_lowercase()),
        FieldValue::Network(net) => text.trim().parse::<IpAddr>().is_ok_and(|ip| net.contains(&ip)),
    }
}

impl Expr {
    /// Whether the record matches.
    pub fn matches(&self, record: &RecordView<'_>) -> bool {
        match self {
            Expr::And(items) => items.iter().all(|e| e.matches(record)),
            Expr::Or(items) => items.iter().any(|e| e.matches(record)),
            Expr::Not(inner) => !inner.matches(record),
            Expr::Word(w) | Expr::Phrase(w) => record.text.contains(w.as_str()),
            Expr::Field { name, value } => {
                lookup(record.fields, name).is_some_and(|v| value_matches(v, value))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn word(w: &str) -> Expr {
        Expr::Word(w.into())
    }

    fn field(name: &str, value: &str) -> Expr {
        Expr::Field { name: name.into(), value: FieldValue::Text(value.into()) }
    }

    fn net(name: &str, value: &str) -> Expr {
        Expr::Field { name: name.into(), value: FieldValue::Network(value.parse().unwrap()) }
    }

    #[test]
    fn precedence_is_not_then_and_then_or() {
        assert_eq!(
            parse("a OR b AND NOT c").unwrap(),
            Expr::Or(vec![word("a"), Expr::And(vec![word("b"), Expr::Not(Box::new(word("c")))])])
        );
        assert_eq!(parse("a b").unwrap(), Expr::And(vec![word("a"), word("b")]));
        assert_eq!(
            parse("(a or b) and not (c)").unwrap(),
            Expr::And(vec![Expr::Or(vec![word("a"), word("b")]), Expr::Not(Box::new(word("c")))])
        );
        assert_eq!(parse("((a))").unwrap(), word("a"));
    }

    #[test]
    fn terms_phrases_and_fields() {
        assert_eq!(parse(r#""Bob \"the\" Smith""#).unwrap(), Expr::Phrase("bob \"the\" smith".into()));
        assert_eq!(parse("Action:DENY").unwrap(), field("Action", "deny"));
        assert_eq!(parse(r#"user:"bob smith""#).unwrap(), field("user", "bob smith"));
        assert_eq!(parse("src:10.0.0.0/8").unwrap(), net("src", "10.0.0.0/8"));
        assert_eq!(parse("src:10.0.0.1").unwrap(), net("src", "10.0.0.1/32"));
        assert_eq!(parse("src:2001:db8::/32").unwrap(), net("src", "2001:db8::/32"));
        assert_eq!(parse("_id:abc-1").unwrap(), field("_id", "abc-1"));
    }

    #[test]
    fn errors_point_at_the_column() {
        let cases = [
            ("", 1, "empty query"),
            ("   ", 1, "empty query"),
            ("action:deny AND", 16, "expected a term after AND"),
            ("a OR", 5, "expected a term after OR"),
            ("NOT", 4, "expected a term after NOT"),
            ("AND a", 1, "expected a term before AND"),
            ("a AND OR b", 7, "expected a term after AND"),
            ("x \"abc", 3, "unclosed quote starting at column 3"),
            ("a b)", 4, "unmatched \")\" at column 4"),
            ("(a b", 1, "missing \")\" for \"(\" at column 1"),
            ("a ()", 4, "empty parentheses"),
            ("src: x", 5, "empty value after \"src:\""),
            ("a:\"b", 3, "unclosed quote"),
            ("é ü ) b", 5, "unmatched"),
        ];
        for (input, column, message) in cases {
            let e = parse(input).unwrap_err();
            assert_eq!(e.column, column, "{input:?}: {e}");
            assert!(e.message.contains(message), "{input:?}: {e}");
        }
        assert!(parse("a:b:c").is_ok(), "a value may hold colons (IPv6)");
        assert!(parse(&"(".repeat(100)).unwrap_err().message.contains("nested"));
        assert!(parse(&"NOT ".repeat(100)).unwrap_err().message.contains("nested"));
        assert!(parse(&"a ".repeat(3000)).unwrap_err().message.contains("longer"));
    }

    fn record() -> Map<String, Value> {
        json!({"_id": "r1", "action": "DENY", "src_ip": "10.1.2.3", "dst": "2001:db8::5", "user": "Bob Smith",
            "port": 22, "tags": ["a", "vpn"], "nothing": null})
        .as_object()
        .cloned()
        .unwrap()
    }

    fn check(q: &str) -> bool {
        let fields = record();
        let text = searchable_text(&fields);
        parse(q).unwrap().matches(&RecordView { fields: &fields, text: &text })
    }

    #[test]
    fn matching() {
        assert!(check("deny"));
        assert!(check("\"bob smith\""));
        assert!(!check("\"smith bob\""));
        assert!(check("action:deny AND src_ip:10.0.0.0/8"));
        assert!(!check("src_ip:192.168.0.0/16"));
        assert!(check("dst:2001:db8::/32"));
        assert!(check("src_ip:10.1.2.3"));
        assert!(check("user:bob*"));
        assert!(check("user:*smith"));
        assert!(check("user:b*s*h"));
        assert!(!check("user:bob"));
        assert!(check("USER:\"bob smith\""), "field names fall back to any case");
        assert!(check("port:22"));
        assert!(check("tags:vpn"));
        assert!(!check("nothing:*"));
        assert!(!check("missing:x"));
        assert!(check("NOT missing:x"));
        assert!(check("(allow OR deny) NOT vpn2"));
    }

    #[test]
    fn keywords_are_literal() {
        assert_eq!(keywords("  ", false), None);
        assert_eq!(keywords("Deny", true), Some(word("deny")));
        assert_eq!(keywords("a AND", false), Some(Expr::And(vec![word("a"), word("and")])));
        assert_eq!(keywords("a b", true), Some(Expr::Or(vec![word("a"), word("b")])));
    }

    #[test]
    fn display_round_trips() {
        for q in
            ["a OR b AND NOT c", "user:\"bob smith\" src:10.0.0.0/8", "\"and\" x:\"or\"", "x:\"10.0.0.1\""]
        {
            let e = parse(q).unwrap();
            assert_eq!(parse(&e.to_string()).unwrap(), e, "{q} → {e}");
        }
    }

    fn flatten(e: Expr) -> Expr {
        match e {
            Expr::And(items) => {
                let mut out = Vec::new();
                for i in items.into_iter().map(flatten) {
                    match i {
                        Expr::And(inner) => out.extend(inner),
                        other => out.push(other),
                    }
                }
                if out.len() == 1 { out.remove(0) } else { Expr::And(out) }
            }
            Expr::Or(items) => {
                let mut out = Vec::new();
                for i in items.into_iter().map(flatten) {
                    match i {
                        Expr::Or(inner) => out.extend(inner),
                        other => out.push(other),
                    }
                }
                if out.len() == 1 { out.remove(0) } else { Expr::Or(out) }
            }
            Expr::Not(inner) => Expr::Not(Box::new(flatten(*inner))),
            other => other,
        }
    }

    fn arb_expr() -> impl Strategy<Value = Expr> {
        let text = "[a-z0-9 _\"\\\\:.*-]{1,8}";
        let leaf = prop_oneof![
            "[a-z0-9_.*-]{1,8}"
                .prop_filter("operators print quoted", |w| !["and", "or", "not"].contains(&w.as_str()))
                .prop_map(Expr::Word),
            text.prop_map(Expr::Phrase),
            ("[a-z_][a-z0-9_.-]{0,6}", text)
                .prop_map(|(n, v)| Expr::Field { name: n, value: FieldValue::Text(v) }),
            ("[a-z]{1,5}", 0u8..=255, 0u8..=32).prop_map(|(n, o, p)| Expr::Field {
                name: n,
                value: FieldValue::Network(format!("{o}.0.0.0/{p}").parse::<IpNet>().unwrap().trunc()),
            }),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
                prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::Or),
                inner.prop_map(|e| Expr::Not(Box::new(e))),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn syntax_soup_never_panics(s in "[a-zA-Z0-9:\"()\\\\ ./*_é-]{0,60}") {
            if let Err(e) = parse(&s) {
                prop_assert!(e.column >= 1 && e.column <= s.chars().count() + 1, "{s:?}: {e}");
            }
        }

        #[test]
        fn any_text_never_panics(s in "\\PC*") {
            if let Err(e) = parse(&s) {
                prop_assert!(e.column >= 1 && e.column <= s.chars().count() + 1);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn printed_expressions_parse_back(e in arb_expr()) {
            let printed = e.to_string();
            let parsed = parse(&printed).map_err(|err| TestCaseError::fail(format!("{printed}: {err}")))?;
            prop_assert_eq!(flatten(parsed), flatten(e.clone()), "{}", printed);
            let fields = record();
            let text = searchable_text(&fields);
            let _ = e.matches(&RecordView { fields: &fields, text: &text });
        }
    }
}
