//! Placeholder until the importer lands.

use crate::{FormatError, ImportedDocument};

pub fn parse(_bytes: &[u8], _name: &str) -> Result<ImportedDocument, FormatError> {
    Err(FormatError::malformed("html", "not supported yet"))
}

#[cfg(test)]
mod experiment {
    #[test]
    fn timing() {
        for n in [1000usize, 10_000, 100_000] {
            let html = format!(
                "<html><body>{}text{}</body></html>",
                "<div>".repeat(n),
                "</div>".repeat(n)
            );
            let t = std::time::Instant::now();
            let doc = dom_query::Document::from(html.as_str());
            eprintln!("n={n} parse {:?}", t.elapsed());
            let t = std::time::Instant::now();
            let s = doc.formatted_text();
            eprintln!("n={n} formatted {:?} {}", t.elapsed(), s.len());
            let t = std::time::Instant::now();
            drop(doc);
            eprintln!("n={n} drop {:?}", t.elapsed());
            if n <= 10_000 {
                let t = std::time::Instant::now();
                let r = dom_smoothie::Readability::new(html.as_str(), None, None)
                    .unwrap()
                    .parse();
                eprintln!(
                    "n={n} readability {:?} {:?}",
                    t.elapsed(),
                    r.map(|a| a.text_content.len())
                );
            }
        }
    }
}
