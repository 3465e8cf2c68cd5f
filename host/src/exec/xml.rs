//! A small XML tree for responses: element names without namespace
//! prefixes (botocore strips `{namespace}`), attributes as written, and the
//! text of leaf elements with entities resolved. Depth and size are bounded
//! so a hostile body cannot exhaust the stack or memory.

use quick_xml::Reader;
use quick_xml::events::Event;

/// Deepest nesting accepted; AWS responses stay far below it.
const MAX_DEPTH: usize = 256;

/// One element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    /// The local name (`Bucket`, not `s3:Bucket`).
    pub name: String,
    /// Attributes as written (`xsi:type`).
    pub attributes: Vec<(String, String)>,
    /// Child elements in order.
    pub children: Vec<Node>,
    /// The element's text (empty for elements with children).
    pub text: String,
}

impl Node {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
}

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    match name.rsplit_once(':') {
        Some((_, l)) => l.to_owned(),
        None => name.into_owned(),
    }
}

/// Parses `body` into its root element.
pub fn parse(body: &[u8]) -> Result<Node, String> {
    let mut reader = Reader::from_reader(body);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("invalid XML at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(_) | Event::Empty(_) if stack.len() >= MAX_DEPTH => {
                return Err(format!("XML nested deeper than {MAX_DEPTH} elements"));
            }
            Event::Start(e) => {
                stack.push(element(&e)?);
            }
            Event::Empty(e) => {
                let node = element(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None if root.is_none() => root = Some(node),
                    None => return Err("XML has more than one root element".to_owned()),
                }
            }
            Event::End(_) => {
                let Some(mut node) = stack.pop() else {
                    return Err("XML closes an element it never opened".to_owned());
                };
                if !node.children.is_empty() {
                    node.text.clear();
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None if root.is_none() => root = Some(node),
                    None => return Err("XML has more than one root element".to_owned()),
                }
            }
            Event::Text(t) => {
                if let Some(node) = stack.last_mut() {
                    let text = t.unescape().map_err(|e| format!("invalid XML text: {e}"))?;
                    node.text.push_str(&text);
                }
            }
            Event::CData(t) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err(format!(
            "XML ends inside `<{}>`",
            stack[stack.len() - 1].name
        ));
    }
    root.ok_or_else(|| "the body has no XML element".to_owned())
}

fn element(e: &quick_xml::events::BytesStart<'_>) -> Result<Node, String> {
    let mut node = Node {
        name: local(e.name().as_ref()),
        ..Node::default()
    };
    for attribute in e.attributes() {
        let attribute = attribute.map_err(|e| format!("invalid XML attribute: {e}"))?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let value = attribute
            .unescape_value()
            .map_err(|e| format!("invalid XML attribute: {e}"))?
            .into_owned();
        node.attributes.push((key, value));
    }
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_text_and_attributes() {
        let root = parse(
            br#"<?xml version="1.0"?><R xmlns="urn:x"><a:B xmlns:a="urn:a">x &amp; y</a:B><C t="1"/><D><![CDATA[<z>]]></D></R>"#,
        )
        .unwrap();
        assert_eq!(root.name, "R");
        assert_eq!(root.child("B").unwrap().text, "x & y");
        assert_eq!(
            root.child("C").unwrap().attributes,
            vec![("t".to_owned(), "1".to_owned())]
        );
        assert_eq!(root.child("D").unwrap().text, "<z>");
    }

    #[test]
    fn refuses_broken_and_deep_xml() {
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"<a>").is_err());
        assert!(parse(b"").is_err());
        let deep = "<a>".repeat(1000) + &"</a>".repeat(1000);
        assert!(parse(deep.as_bytes()).unwrap_err().contains("deeper"));
    }
}
