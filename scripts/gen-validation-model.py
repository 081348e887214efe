#!/usr/bin/env python3
"""Writes crates/http/src/validation/model.rs: the member constraints of every Cognito user-pools
action's input, taken from the published service model that botocore ships
(botocore/data/cognito-idp/2016-04-18/service-2.json.gz).

Run it again after changing the botocore pin in e2e/requirements.txt:

    python3 scripts/gen-validation-model.py

The generated file records the botocore version and the model's uid. Java regular expressions
(the model's dialect, as AWS's servers apply them to the whole value) are rewritten for Rust's
`regex`: `\\w` and `\\s` keep Java's ASCII meaning, `.` keeps Java's line terminators, and the one
look-behind in the model is spelled without one.
"""

import gzip
import json
import re
import sys
from pathlib import Path

import botocore

ROOT = Path(__file__).resolve().parent.parent
MODEL = Path(botocore.__file__).parent / "data" / "cognito-idp" / "2016-04-18" / "service-2.json.gz"
OUT = ROOT / "crates" / "http" / "src" / "validation" / "model.rs"

# Where AWS's message lists an enum's values in an order other than the published model's, and a
# real answer shows it, that order is kept (the source is named).
ENUM_ORDER = {
    # awsdocs/aws-cloudformation-user-guide#517: "... enum value set: [implicit, client_credentials, code]"
    "OAuthFlowType": ["implicit", "client_credentials", "code"],
}

# Constraints the published model gives but Cognito's servers do not apply, with the evidence.
RELAXED = {
    # CreateUserPoolDomain takes a custom domain (auth.example.com, with CustomDomainConfig) in the
    # same member; the published pattern and length describe prefix domains only (Cognito's
    # developer guide, "Using your own domain for managed login").
    "DomainType": ("pattern", "max"),
}

# Java look-behinds, which Rust's regex does not have, spelled without them (same language).
REWRITES = {
    "^[0-9A-Za-z\\.\\-_]*(?<!\\.)$": "^(?:[0-9A-Za-z\\.\\-_]*[0-9A-Za-z\\-_])?$",
}

JAVA_WORD = "0-9A-Za-z_"
JAVA_SPACE = "\\t\\n\\x0B\\x0C\\r "
JAVA_DOT = "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]"


def rust_regex(java):
    """The Java pattern as a Rust `regex` that matches the whole value, as Java's `matches()`."""
    if java in REWRITES:
        return REWRITES[java]
    out, i, in_class, dotall = [], 0, False, java.startswith("(?s)")
    while i < len(java):
        c = java[i]
        if c == "\\":
            e = java[i + 1]
            if e == "w":
                out.append(JAVA_WORD if in_class else f"[{JAVA_WORD}]")
            elif e == "s":
                out.append(JAVA_SPACE if in_class else f"[{JAVA_SPACE}]")
            elif e == "S":
                if in_class:
                    # Only `[\S]` alone can be written as a negated class.
                    if java[i - 1] != "[" or java[i + 2] != "]":
                        sys.exit(f"cannot rewrite \\S inside a class in {java!r}")
                    out[-1] = "[^"
                    out.append(JAVA_SPACE)
                else:
                    out.append(f"[^{JAVA_SPACE}]")
            elif e in "WdD" or e.isalpha() and e not in "pPxtnr":
                sys.exit(f"unhandled escape \\{e} in {java!r}")
            else:
                out.append(java[i : i + 2])
            i += 2
            continue
        if c == "(" and java[i : i + 4] in ("(?<!", "(?<="):
            sys.exit(f"look-behind in {java!r}: add it to REWRITES")
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        elif c == "." and not in_class and not dotall:
            out.append(JAVA_DOT)
            i += 1
            continue
        out.append(c)
        i += 1
    return f"^(?:{''.join(out)})$"


def simple_class(java):
    """For a pattern that is one character class repeated (`[...]+` or `[...]*`, most of the
    model's), the class as a table: the ASCII characters it takes, whether it takes every non-ASCII
    character (a negated ASCII class) or none, and whether it takes the empty value. The server
    then checks these with a table look-up per byte instead of the regular expression. None for
    any other pattern, and for classes with Unicode properties (those stay with `regex`)."""
    found = re.fullmatch(r"\[([^\]]*)\]([+*])", java)
    if not found or "\\p" in found.group(1):
        return None
    cls = rust_regex(java)[len("^(?:"):-len("+)$")]
    ascii_set = [b for b in range(128) if re.fullmatch(cls, chr(b))]
    takes_non_ascii = re.fullmatch(cls, "\u00e9") is not None
    if takes_non_ascii != (re.fullmatch(cls, "\u4e2d") is not None):
        return None
    low = sum(1 << b for b in ascii_set if b < 64)
    high = sum(1 << (b - 64) for b in ascii_set if b >= 64)
    return low, high, takes_non_ascii, found.group(2) == "*"


def enum_values(name, shape):
    return ENUM_ORDER.get(name, shape["enum"])


def rust_str(s):
    return json.dumps(s, ensure_ascii=False)


def lower_camel(name):
    return name[:1].lower() + name[1:]


def main():
    model = json.load(gzip.open(MODEL))
    shapes, operations = model["shapes"], model["operations"]

    order, index = [], {}

    def visit(name):
        if name in index:
            return index[name]
        index[name] = len(order)
        order.append(name)
        shape = shapes[name]
        if shape["type"] == "structure":
            for member in shape["members"].values():
                visit(member["shape"])
        elif shape["type"] == "list":
            visit(shape["member"]["shape"])
        elif shape["type"] == "map":
            visit(shape["key"]["shape"])
            visit(shape["value"]["shape"])
        return index[name]

    inputs = {}
    for op_name in sorted(operations):
        op = operations[op_name]
        inputs[op_name] = visit(op["input"]["shape"]) if "input" in op else None

    patterns = []

    def pattern_id(java):
        if java not in patterns:
            patterns.append(java)
        return patterns.index(java)

    def opt(v):
        return "None" if v is None else f"Some({v})"

    lines = []
    for name in order:
        s = {k: v for k, v in shapes[name].items() if k not in RELAXED.get(name, ())}
        t = s["type"]
        sensitive = "true" if s.get("sensitive") else "false"
        if t == "structure":
            members = []
            for member_name, member in s["members"].items():
                required = "true" if member_name in s.get("required", []) else "false"
                members.append(
                    f"Member {{ json: {rust_str(member_name)}, path: {rust_str(lower_camel(member_name))}, "
                    f"shape: {index[member['shape']]}, required: {required} }}"
                )
            body = ", ".join(members)
            lines.append(f"    // {name}\n    Shape::Structure {{ members: &[{body}], sensitive: {sensitive} }},")
        elif t == "string":
            values = ", ".join(rust_str(v) for v in enum_values(name, s)) if "enum" in s else ""
            pattern = opt(pattern_id(s["pattern"]) if "pattern" in s else None)
            lines.append(
                f"    // {name}\n    Shape::String(Text {{ min: {opt(s.get('min'))}, max: {opt(s.get('max'))}, "
                f"pattern: {pattern}, values: &[{values}], sensitive: {sensitive} }}),"
            )
        elif t in ("integer", "long"):
            lines.append(f"    // {name}\n    Shape::Number {{ min: {opt(s.get('min'))}, max: {opt(s.get('max'))} }},")
        elif t == "blob":
            lines.append(f"    // {name}\n    Shape::Blob {{ min: {opt(s.get('min'))}, max: {opt(s.get('max'))} }},")
        elif t == "list":
            lines.append(
                f"    // {name}\n    Shape::List {{ member: {index[s['member']['shape']]}, min: {opt(s.get('min'))}, "
                f"max: {opt(s.get('max'))}, sensitive: {sensitive} }},"
            )
        elif t == "map":
            lines.append(
                f"    // {name}\n    Shape::Map {{ key: {index[s['key']['shape']]}, value: {index[s['value']['shape']]}, "
                f"min: {opt(s.get('min'))}, max: {opt(s.get('max'))}, sensitive: {sensitive} }},"
            )
        elif t in ("boolean", "timestamp"):
            lines.append(f"    // {name}\n    Shape::Unconstrained,")
        else:
            sys.exit(f"shape {name} has a type this generator does not know: {t}")

    action_arms = "\n".join(
        f"        Action::{op} => {opt(i)}," for op, i in inputs.items()
    )
    def pattern_line(java):
        simple = simple_class(java)
        table = "None"
        if simple:
            low, high, non_ascii, empty = simple
            table = f"Some(CharTable::new([{low:#x}, {high:#x}], {str(non_ascii).lower()}, {str(empty).lower()}))"
        return f"    Pattern {{ java: {rust_str(java)}, rust: {rust_str(rust_regex(java))}, table: {table} }},"

    pattern_lines = "\n".join(pattern_line(java) for java in patterns)

    text = f"""//! GENERATED by scripts/gen-validation-model.py from botocore {botocore.__version__}'s
//! `{model['metadata']['uid']}` service model: do not edit; run the script again.
//!
//! Every shape an action's input reaches, with the constraints AWS's servers check.

use cognate_proto::Action;

use super::{{CharTable, Member, Pattern, Shape, Text}};

/// The model this file was made from.
pub const SOURCE: &str = "botocore {botocore.__version__}, {model['metadata']['uid']}";

/// Each pattern as the model writes it (Java, quoted in AWS's messages), as `regex` reads it, and,
/// for one repeated character class, as a table.
pub static PATTERNS: [Pattern; {len(patterns)}] = [
{pattern_lines}
];

/// The shapes, referred to by index.
pub static SHAPES: [Shape; {len(order)}] = [
{chr(10).join(lines)}
];

/// The input shape of each action (`None` for an action without input).
pub const fn input(action: Action) -> Option<u16> {{
    match action {{
{action_arms}
    }}
}}
"""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(order)} shapes, {len(patterns)} patterns, {len(inputs)} actions")


if __name__ == "__main__":
    main()
