//! AWS's input validation: every member constraint of the published service model (required,
//! length, pattern, enum, range) checked before a handler runs, and answered in AWS's words.
//!
//! The constraints are generated (`model.rs`, by `scripts/gen-validation-model.py`); this module
//! walks a request body against them. The message is AWS's: "N validation error(s) detected: "
//! then each violation as "Value '<value>' at '<member.path>' failed to satisfy constraint: <rule>",
//! joined by "; ". Where AWS's own order is not documented, the choices follow real answers:
//! members in the reverse of the model's order (SignUp lists `password` before `username`), a
//! member's rules as maximum, minimum, pattern, enum; sensitive values (passwords, usernames,
//! client ids, auth parameters) are not repeated (`Value at 'password'`); a list or map whose
//! elements break their rules is reported once, at the list, with all of the element's rules
//! (`Member must satisfy constraint: [...]`, `Map value must satisfy constraint: [...]`).

mod model;

use std::fmt::Write as _;
use std::sync::OnceLock;

use cognate_proto::Action;
use regex::Regex;
use serde_json::Value;

pub use model::SOURCE;

/// A member of a structure.
pub struct Member {
    /// Its name in the JSON body (`UserPoolId`).
    pub json: &'static str,
    /// Its name in AWS's messages (`userPoolId`).
    pub path: &'static str,
    /// Index of its shape in `model::SHAPES`.
    pub shape: u16,
    /// Whether it must be present.
    pub required: bool,
}

/// The rules of a string.
pub struct Text {
    pub min: Option<u32>,
    pub max: Option<u32>,
    /// Index in `model::PATTERNS`.
    pub pattern: Option<usize>,
    /// The enum's values (empty when it is not an enum).
    pub values: &'static [&'static str],
    pub sensitive: bool,
}

/// A pattern of the model.
pub struct Pattern {
    /// As the model writes it (Java), and as AWS's messages quote it.
    pub java: &'static str,
    /// As `regex` reads it, anchored at both ends.
    pub rust: &'static str,
    /// The same pattern as a table, when it is one character class repeated.
    pub table: Option<CharTable>,
}

/// A repeated character class as a table: checked a byte at a time, without the regex engine
/// (a GetUser token is a thousand characters of `[A-Za-z0-9-_=.]+`).
pub struct CharTable {
    /// Whether each byte may appear: the class's ASCII characters, and every byte of a non-ASCII
    /// character when the class is a negated ASCII one.
    bytes: [bool; 256],
    /// Whether the empty value matches (`*` rather than `+`).
    empty: bool,
}

impl CharTable {
    /// The table of a class: bit `b` of `ascii` says whether ASCII character `b` is in it,
    /// `non_ascii` whether every non-ASCII character is (or none is).
    pub const fn new(ascii: [u64; 2], non_ascii: bool, empty: bool) -> Self {
        let mut bytes = [non_ascii; 256];
        let mut b = 0;
        while b < 128 {
            bytes[b] = (ascii[b / 64] >> (b % 64)) & 1 == 1;
            b += 1;
        }
        CharTable { bytes, empty }
    }

    fn matches(&self, s: &str) -> bool {
        (self.empty || !s.is_empty()) && s.bytes().all(|b| self.bytes[usize::from(b)])
    }
}

/// A shape of the service model, with the constraints AWS checks.
pub enum Shape {
    Structure { members: &'static [Member], sensitive: bool },
    String(Text),
    Number { min: Option<i64>, max: Option<i64> },
    Blob { min: Option<u32>, max: Option<u32> },
    List { member: u16, min: Option<u32>, max: Option<u32>, sensitive: bool },
    Map { key: u16, value: u16, min: Option<u32>, max: Option<u32>, sensitive: bool },
    Unconstrained,
}

/// Checks a request body against the action's input shape; `Err` carries AWS's message.
/// A value of the wrong JSON type is left alone: deserialising it reports a SerializationException.
pub fn check(action: Action, body: &Value) -> Result<(), String> {
    let Some(input) = model::input(action) else { return Ok(()) };
    let mut errors = Vec::new();
    walk(input, body, "", &mut errors);
    if errors.is_empty() {
        return Ok(());
    }
    let count = errors.len();
    let noun = if count == 1 { "error" } else { "errors" };
    Err(format!("{count} validation {noun} detected: {}", errors.join("; ")))
}

fn shape(index: u16) -> &'static Shape {
    &model::SHAPES[usize::from(index)]
}

fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}.{child}")
    }
}

fn violation(shown: Option<&Value>, path: &str, rule: &str) -> String {
    match shown {
        Some(value) => format!("Value '{}' at '{path}' failed to satisfy constraint: {rule}", java_text(value)),
        None => format!("Value at '{path}' failed to satisfy constraint: {rule}"),
    }
}

/// Walks `value` as `index`'s shape; `path` is where it sits.
fn walk(index: u16, value: &Value, path: &str, errors: &mut Vec<String>) {
    match (shape(index), value) {
        (Shape::Structure { members, .. }, Value::Object(object)) => {
            for member in members.iter().rev() {
                match object.get(member.json) {
                    None | Some(Value::Null) => {
                        if member.required {
                            errors.push(format!(
                                "Value null at '{}' failed to satisfy constraint: Member must not be null",
                                join(path, member.path)
                            ));
                        }
                    }
                    Some(child) => walk(member.shape, child, &join(path, member.path), errors),
                }
            }
        }
        (Shape::String(text), Value::String(s)) => {
            let shown = (!text.sensitive).then_some(value);
            for rule in text_violations(text, s) {
                errors.push(violation(shown, path, &rule));
            }
        }
        (Shape::Number { min, max }, Value::Number(n)) => {
            if let Some(n) = n.as_i64() {
                for rule in number_violations(*min, *max, n) {
                    errors.push(violation(Some(value), path, &rule));
                }
            }
        }
        (Shape::Blob { min, max }, Value::String(s)) => {
            let shown = Some(value);
            for rule in length_violations(*min, *max, base64_len(s)) {
                errors.push(violation(shown, path, &rule));
            }
        }
        (Shape::List { member, min, max, sensitive }, Value::Array(items)) => {
            let shown = (!sensitive && !is_sensitive(*member)).then_some(value);
            for rule in length_violations(*min, *max, items.len()) {
                errors.push(violation(shown, path, &rule));
            }
            if matches!(shape(*member), Shape::Structure { .. }) {
                for (i, item) in items.iter().enumerate() {
                    walk(*member, item, &format!("{path}.{}.member", i + 1), errors);
                }
            } else if items.iter().any(|item| scalar_breaks(*member, item)) {
                let rules = scalar_rules(*member).join(", ");
                errors.push(violation(shown, path, &format!("Member must satisfy constraint: [{rules}]")));
            }
        }
        (Shape::Map { key, value: value_shape, min, max, sensitive }, Value::Object(entries)) => {
            let shown = (!sensitive && !is_sensitive(*key) && !is_sensitive(*value_shape)).then_some(value);
            for rule in length_violations(*min, *max, entries.len()) {
                errors.push(violation(shown, path, &rule));
            }
            if entries.keys().any(|k| text_breaks(*key, k)) {
                let rules = scalar_rules(*key).join(", ");
                errors.push(violation(shown, path, &format!("Map keys must satisfy constraint: [{rules}]")));
            }
            if entries.values().any(|v| scalar_breaks(*value_shape, v)) {
                let rules = scalar_rules(*value_shape).join(", ");
                errors.push(violation(shown, path, &format!("Map value must satisfy constraint: [{rules}]")));
            }
        }
        // Unconstrained shapes, and values of the wrong JSON type.
        _ => {}
    }
}

fn is_sensitive(index: u16) -> bool {
    match shape(index) {
        Shape::String(text) => text.sensitive,
        Shape::Structure { sensitive, .. } | Shape::List { sensitive, .. } | Shape::Map { sensitive, .. } => *sensitive,
        _ => false,
    }
}

/// Whether a map key breaks one of its shape's rules.
fn text_breaks(index: u16, s: &str) -> bool {
    matches!(shape(index), Shape::String(text) if !text_violations(text, s).is_empty())
}

/// Whether a list element or map value of a scalar shape breaks one of its rules.
fn scalar_breaks(index: u16, value: &Value) -> bool {
    match (shape(index), value) {
        (Shape::String(_), Value::String(s)) => text_breaks(index, s),
        (Shape::Number { min, max }, Value::Number(n)) => {
            n.as_i64().is_some_and(|n| !number_violations(*min, *max, n).is_empty())
        }
        _ => false,
    }
}

/// Every rule of a scalar shape, as AWS lists them for a list's elements.
fn scalar_rules(index: u16) -> Vec<String> {
    match shape(index) {
        Shape::String(text) => {
            let mut rules = Vec::new();
            if let Some(max) = text.max {
                rules.push(format!("Member must have length less than or equal to {max}"));
            }
            if let Some(min) = text.min {
                rules.push(format!("Member must have length greater than or equal to {min}"));
            }
            if let Some(pattern) = text.pattern {
                rules.push(pattern_rule(pattern));
            }
            if !text.values.is_empty() {
                rules.push(enum_rule(text.values));
            }
            rules
        }
        Shape::Number { min, max } => {
            let mut rules = Vec::new();
            if let Some(max) = max {
                rules.push(format!("Member must have value less than or equal to {max}"));
            }
            if let Some(min) = min {
                rules.push(format!("Member must have value greater than or equal to {min}"));
            }
            rules
        }
        _ => Vec::new(),
    }
}

fn pattern_rule(pattern: usize) -> String {
    format!("Member must satisfy regular expression pattern: {}", model::PATTERNS[pattern].java)
}

fn enum_rule(values: &[&str]) -> String {
    format!("Member must satisfy enum value set: [{}]", values.join(", "))
}

/// The rules a string breaks. Lengths are Java's: UTF-16 code units.
fn text_violations(text: &Text, s: &str) -> Vec<String> {
    let mut rules = length_violations(text.min, text.max, java_length(s));
    if let Some(pattern) = text.pattern {
        if !pattern_matches(pattern, s) {
            rules.push(pattern_rule(pattern));
        }
    }
    if !text.values.is_empty() && !text.values.contains(&s) {
        rules.push(enum_rule(text.values));
    }
    rules
}

fn length_violations(min: Option<u32>, max: Option<u32>, length: usize) -> Vec<String> {
    let mut rules = Vec::new();
    if let Some(max) = max.filter(|max| length > *max as usize) {
        rules.push(format!("Member must have length less than or equal to {max}"));
    }
    if let Some(min) = min.filter(|min| length < *min as usize) {
        rules.push(format!("Member must have length greater than or equal to {min}"));
    }
    rules
}

fn number_violations(min: Option<i64>, max: Option<i64>, n: i64) -> Vec<String> {
    let mut rules = Vec::new();
    if let Some(max) = max.filter(|max| n > *max) {
        rules.push(format!("Member must have value less than or equal to {max}"));
    }
    if let Some(min) = min.filter(|min| n < *min) {
        rules.push(format!("Member must have value greater than or equal to {min}"));
    }
    rules
}

fn java_length(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// The number of bytes a base64 text decodes to.
fn base64_len(s: &str) -> usize {
    let padding = s.bytes().rev().take_while(|b| *b == b'=').count();
    (s.len() / 4 * 3 + (s.len() % 4).saturating_sub(1)).saturating_sub(padding)
}

/// A value as Java prints it in AWS's messages: strings bare, lists `[a, b]`, maps `{k=v}`.
fn java_text(value: &Value) -> String {
    fn write(out: &mut String, value: &Value) {
        match value {
            Value::String(s) => out.push_str(s),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write(out, item);
                }
                out.push(']');
            }
            Value::Object(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(k);
                    out.push('=');
                    write(out, v);
                }
                out.push('}');
            }
            other => {
                let _ = write!(out, "{other}");
            }
        }
    }
    let mut out = String::new();
    write(&mut out, value);
    out
}

/// Whether `s` matches the pattern: by its table when it has one, else by the regular expression.
fn pattern_matches(pattern: usize, s: &str) -> bool {
    match &model::PATTERNS[pattern].table {
        Some(table) => table.matches(s),
        None => regex(pattern).is_none_or(|re| re.is_match(s)),
    }
}

/// The compiled pattern, made on first use (every one compiles: `tests::every_pattern_compiles`).
fn regex(pattern: usize) -> Option<&'static Regex> {
    static COMPILED: [OnceLock<Option<Regex>>; model::PATTERNS.len()] =
        [const { OnceLock::new() }; model::PATTERNS.len()];
    COMPILED[pattern].get_or_init(|| Regex::new(model::PATTERNS[pattern].rust).ok()).as_ref()
}

#[cfg(test)]
mod tests;
