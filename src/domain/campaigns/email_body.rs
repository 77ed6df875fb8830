//! The text and HTML parts of a campaign email, built in pieces from the filled step body:
//! the body is cut into plain text and the http(s) URLs found in it (by the `linkify`
//! crate, which stops a URL before trailing punctuation), then each piece is written on its
//! own. Text is HTML-escaped; each URL occurrence becomes its own anchor with its own
//! tracking token. Nothing is ever replaced inside already-built HTML, so a URL that begins
//! another one cannot nest anchors or send a click to the wrong link.

use linkify::{LinkFinder, LinkKind};

/// One tracked occurrence of a URL: the token in `/t/c/{token}` and the URL it leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedLink {
    pub token: String,
    pub url: String,
}

/// The parts of an email: `text` (plain text, each URL replaced by its tracked URL),
/// `html` (escaped text with `<br>` line breaks, each URL an anchor to its tracked URL that
/// shows the original URL) and the links to store, in order of appearance.
#[derive(Debug)]
pub struct EmailBody {
    pub text: String,
    pub html: String,
    pub links: Vec<TrackedLink>,
}

/// Builds both parts from `body` (plain text with placeholders already filled).
/// `base_url` is the app's public URL without a trailing slash; `new_token` makes one
/// unguessable token per URL occurrence. Only `http` and `https` URLs are tracked; other
/// text (including `mailto:` addresses) is kept as written. An `&amp;` inside a URL (copied
/// from HTML source) stands for `&` (HTML Living Standard, named character references).
pub fn build(body: &str, base_url: &str, mut new_token: impl FnMut() -> String) -> EmailBody {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]);
    let (mut text, mut html, mut links) = (String::new(), String::new(), Vec::new());
    for span in finder.spans(body) {
        let piece = span.as_str();
        let trackable = span.kind().is_some() && is_http(piece);
        if !trackable {
            text.push_str(piece);
            html.push_str(&escape_html(piece).replace('\n', "<br>\n"));
            continue;
        }
        let url = piece.replace("&amp;", "&");
        let token = new_token();
        let tracked = format!("{base_url}/t/c/{token}");
        text.push_str(&tracked);
        html.push_str(&format!(
            "<a href=\"{}\">{}</a>",
            escape_html(&tracked),
            escape_html(&url)
        ));
        links.push(TrackedLink { token, url });
    }
    EmailBody { text, html, links }
}

fn is_http(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Escapes the five characters that are special in HTML text and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A stored URL as an HTTP `Location` value: every byte outside printable ASCII, and the
/// ASCII characters that may not appear unescaped in a URL (space, `"`, `<`, `>`, `\`, `^`,
/// `` ` ``, `{`, `|`, `}`), percent-encoded as UTF-8 (RFC 3986 §2.1, RFC 3987 §3.1); all
/// else, including `%`, `?`, `&` and the `#fragment`, is kept as it is.
pub fn location(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        let keep = byte.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&byte);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("tok{n}")
        }
    }

    #[test]
    fn a_url_that_begins_another_gets_its_own_anchor() {
        let body = "Shop: https://shop.example.test and https://shop.example.test/p?a=1&b=2.";
        let parts = build(body, "https://app.test", numbered());
        assert_eq!(
            parts.links,
            [
                TrackedLink {
                    token: "tok1".into(),
                    url: "https://shop.example.test".into()
                },
                TrackedLink {
                    token: "tok2".into(),
                    url: "https://shop.example.test/p?a=1&b=2".into()
                },
            ]
        );
        assert_eq!(
            parts.html,
            "Shop: <a href=\"https://app.test/t/c/tok1\">https://shop.example.test</a> and \
             <a href=\"https://app.test/t/c/tok2\">https://shop.example.test/p?a=1&amp;b=2</a>."
        );
        assert_eq!(
            parts.text,
            "Shop: https://app.test/t/c/tok1 and https://app.test/t/c/tok2."
        );
    }

    #[test]
    fn text_is_escaped_and_mailto_kept() {
        let body = "<b>Hi</b> & \"bye\"\nmailto:ann@x.example https://x.example/a?q=1&amp;r=2";
        let parts = build(body, "https://app.test", numbered());
        assert_eq!(parts.links[0].url, "https://x.example/a?q=1&r=2");
        assert!(parts.html.starts_with(
            "&lt;b&gt;Hi&lt;/b&gt; &amp; &quot;bye&quot;<br>\nmailto:ann@x.example <a href"
        ));
        assert!(parts.text.contains("mailto:ann@x.example"));
        assert_eq!(parts.links.len(), 1);
    }

    #[test]
    fn locations_are_ascii_with_fragments_kept() {
        assert_eq!(
            location("https://shop.example.test/café/ü?x=ä#top"),
            "https://shop.example.test/caf%C3%A9/%C3%BC?x=%C3%A4#top"
        );
        assert_eq!(
            location("https://x.example/a b?c=%20&d=1"),
            "https://x.example/a%20b?c=%20&d=1"
        );
    }
}
