//! `GET /readme`: the project's README, built into the binary and rendered to HTML once, with
//! the heading anchors GitHub gives (so the README's own `#section` links work offline too).

use std::sync::LazyLock;

use axum::http::StatusCode;
use axum::response::Response;
use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

const README: &str = include_str!("../../../../README.md");

static PAGE: LazyLock<String> = LazyLock::new(|| {
    let mut body = String::new();
    html::push_html(&mut body, with_anchors(Parser::new_ext(README, Options::ENABLE_TABLES)).into_iter());
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Cognate: README</title><style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}\
         code,pre{{font:14px ui-monospace,monospace;background:#f2f4f6}}pre{{padding:.75rem;overflow-x:auto}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #d5dbe1;padding:.2rem .4rem;vertical-align:top}}</style></head>\
         <body><p><a href=\"/\">&larr; this server</a></p>\n{body}</body></html>"
    )
});

/// The handler of `GET /readme`.
pub async fn page() -> Response {
    super::html_response(StatusCode::OK, PAGE.clone())
}

/// Gives every heading an `id`: its text as GitHub turns it into an anchor.
fn with_anchors<'a>(parser: Parser<'a>) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    let mut heading: Option<(HeadingLevel, Vec<Event<'a>>)> = None;
    for event in parser {
        match (event, &mut heading) {
            (Event::Start(Tag::Heading { level, .. }), None) => heading = Some((level, Vec::new())),
            (Event::End(TagEnd::Heading(_)), Some(_)) => {
                let Some((level, inner)) = heading.take() else { continue };
                let text: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let mut inner_html = String::new();
                html::push_html(&mut inner_html, inner.into_iter());
                events.push(Event::Html(format!("<{level} id=\"{}\">{inner_html}</{level}>\n", slug(&text)).into()));
            }
            (event, Some((_, inner))) => inner.push(event),
            (event, None) => events.push(event),
        }
    }
    events
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens.
fn slug(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_match_githubs() {
        assert_eq!(slug("Several instances on PostgreSQL"), "several-instances-on-postgresql");
        assert_eq!(slug("cognate-verify (Rust library, crates/verify)"), "cognate-verify-rust-library-cratesverify");
        assert_eq!(slug("Quick start"), "quick-start");
    }

    #[test]
    fn every_internal_link_of_the_readme_has_its_heading() {
        let ids: Vec<String> = PAGE
            .match_indices(" id=\"")
            .map(|(i, _)| PAGE[i + 5..].split('"').next().unwrap_or_default().to_owned())
            .collect();
        for (i, _) in README.match_indices("](#") {
            let target = README[i + 3..].split(')').next().unwrap_or_default();
            assert!(ids.iter().any(|id| id == target), "the README links to #{target}, which no heading has");
        }
        for section in ["quick-start", "configuration", "verifying-tokens", "compatibility", "performance"] {
            assert!(ids.iter().any(|id| id == section), "the landing page links to #{section}");
        }
    }
}
