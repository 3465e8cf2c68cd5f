//! The first paragraph of a model's HTML documentation, as plain text.

/// Longest text kept, in bytes.
const MAX_LEN: usize = 800;

/// The first paragraph of `html`, tags removed, entities decoded, white
/// space folded, cut at [`MAX_LEN`] bytes on a word boundary.
pub fn first_paragraph(html: &str) -> String {
    let html = html.trim_start();
    let body = match html.strip_prefix("<p>") {
        Some(rest) => rest.split("</p>").next().unwrap_or(rest),
        None => html.split("</p>").next().unwrap_or(html),
    };
    let mut text = String::with_capacity(body.len());
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let folded = folded.replace(" ,", ",").replace(" .", ".");
    if folded.len() <= MAX_LEN {
        return folded;
    }
    let mut cut = MAX_LEN;
    while !folded.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = folded[..cut].rfind(' ').unwrap_or(cut);
    format!("{}...", &folded[..cut])
}

/// The first sentence of `html`'s first paragraph: what a parameter list
/// needs, at a fraction of the size.
pub fn first_sentence(html: &str) -> String {
    let paragraph = first_paragraph(html);
    let bytes = paragraph.as_bytes();
    for (i, window) in bytes.windows(3).enumerate() {
        if window[0] == b'.' && window[1] == b' ' && window[2].is_ascii_uppercase() {
            let before = &paragraph[..i];
            if !(before.ends_with("e.g") || before.ends_with("i.e") || before.ends_with("etc")) {
                return paragraph[..=i].to_owned();
            }
        }
    }
    paragraph
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sentence_stops_at_the_first_full_stop() {
        assert_eq!(
            first_sentence("<p>The bucket name. For example, e.g. Amazon S3 buckets. More.</p>"),
            "The bucket name."
        );
        assert_eq!(first_sentence("<p>One sentence</p>"), "One sentence");
    }

    #[test]
    fn first_paragraph_as_text() {
        assert_eq!(
            first_paragraph(
                "<p>Returns <i>some</i> or all (up to 1,000) of the objects &amp; more.</p> <p>Second.</p>"
            ),
            "Returns some or all (up to 1,000) of the objects & more."
        );
        assert_eq!(first_paragraph("Plain text"), "Plain text");
        assert_eq!(first_paragraph(""), "");
        let long = format!("<p>{}</p>", "word ".repeat(400));
        assert!(first_paragraph(&long).len() <= MAX_LEN + 3);
    }
}
