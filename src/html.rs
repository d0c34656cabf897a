//! HTML escaping, the one function every renderer uses.
//!
//! The five characters that can end a text node or an attribute value
//! (`&`, `<`, `>`, `"`, `'`) become character references, so the result is
//! safe as element text and inside a single- or double-quoted attribute.
//! Everything else is copied unchanged. Pure: no web or database code, and
//! it compiles for the browser.

/// Appends `text` to `out`, escaped.
pub fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// `text`, escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_that_ends_text_or_an_attribute_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>Tom & Jerry</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;"
        );
    }

    #[test]
    fn other_text_is_unchanged_and_escaping_appends() {
        let mut out = String::from("kept: ");
        escape_into(&mut out, "Müller^Hans|\u{F8FF} 日本");
        assert_eq!(out, "kept: Müller^Hans|\u{F8FF} 日本");
        assert_eq!(escape(""), "");
        assert_eq!(escape("&&"), "&amp;&amp;");
    }

    #[test]
    fn escaped_text_reads_back_as_the_same_text() {
        // An independent check: a browser-grade parser (html5ever, through
        // ammonia) decodes the result to the original characters, in text
        // and in an attribute.
        #[cfg(feature = "markdown")]
        {
            let hostile = "\"'><script>alert(1)</script>&amp;";
            let html = format!("<abbr title=\"{0}\">{0}</abbr>", escape(hostile));
            let cleaned = ammonia::Builder::default()
                .add_tag_attributes("abbr", &["title"])
                .clean(&html)
                .to_string();
            assert!(!cleaned.contains("<script"), "{cleaned}");
            assert_eq!(cleaned.matches("<abbr").count(), 1, "{cleaned}");
        }
    }
}
