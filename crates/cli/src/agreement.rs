//! Printing an agreement report: a table for people, CSV (one figure per row) for R and
//! pandas, JSON for programs.

use std::io::Write;

use claimdesk_export::agreement::{AgreementReport, Matches, Measure, Value};

/// How `agreement` prints its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Csv,
    Json,
}

pub fn print(
    out: &mut impl Write,
    report: &AgreementReport,
    format: ReportFormat,
) -> std::io::Result<()> {
    match format {
        ReportFormat::Table => table(out, report),
        ReportFormat::Csv => csv(out, report),
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)
        }
    }
}

fn number(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| format!("{v:.3}"))
}

fn table(out: &mut impl Write, r: &AgreementReport) -> std::io::Result<()> {
    writeln!(
        out,
        "Agreement of {} over {} documents coded by at least two of them ({} coded by one only, left out)",
        r.coders.join(", "),
        r.documents,
        r.excluded_documents
    )?;
    let width = r
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    write!(out, "{:<24}{:>10}", "", "overall")?;
    for label in &r.labels {
        write!(out, "  {label:>width$}")?;
    }
    writeln!(out, "  units")?;
    let row = |out: &mut dyn Write, name: &str, m: &Measure| -> std::io::Result<()> {
        write!(out, "{name:<24}{:>10}", number(m.overall.value))?;
        for label in &r.labels {
            let v = m.per_label.get(label).and_then(|v| v.value);
            write!(out, "  {:>width$}", number(v))?;
        }
        writeln!(out, "  {}", m.overall.units)
    };
    row(out, "token α (nominal)", &r.token_alpha)?;
    row(out, "unitizing uα", &r.unitizing_alpha)?;
    if let Some(fleiss) = &r.fleiss_kappa {
        row(out, "Fleiss' κ (tokens)", fleiss)?;
    }
    for p in &r.pairs {
        writeln!(out, "{} – {} ({} documents)", p.a, p.b, p.documents)?;
        row(out, "  Cohen's κ (tokens)", &p.cohen_kappa)?;
        row(out, "  token α", &p.token_alpha)?;
        row(out, "  uα", &p.unitizing_alpha)?;
        let f1 = Measure {
            overall: span_value(&p.exact_match),
            per_label: p
                .exact_match_per_label
                .iter()
                .map(|(l, m)| (l.clone(), span_value(m)))
                .collect(),
        };
        row(out, "  exact-match F1 (spans)", &f1)?;
        writeln!(
            out,
            "  statements F1 {} ({} both, {} only {}, {} only {})",
            number(p.statements.f1),
            p.statements.matches,
            p.statements.only_a,
            p.a,
            p.statements.only_b,
            p.b
        )?;
    }
    writeln!(
        out,
        "statements: α {} on {} statements, F1 {} over all pairs",
        number(r.statements.alpha.value),
        r.statements.alpha.units,
        number(r.statements.matches.f1)
    )?;
    writeln!(out, "per document:")?;
    for d in &r.per_document {
        writeln!(
            out,
            "  #{}\ttoken α {}\tuα {}\tF1 {}\t{}\t{}",
            d.id,
            number(d.token_alpha.value),
            number(d.unitizing_alpha.value),
            number(d.exact_match.f1),
            d.coders.join(","),
            d.title
        )?;
    }
    Ok(())
}

fn span_value(m: &Matches) -> Value {
    Value {
        value: m.f1,
        units: m.matches + m.only_a + m.only_b,
    }
}

/// One figure per row: `measure,label,coder_a,coder_b,document,value,units` (an empty label
/// is the overall figure; empty coders are all coders).
fn csv(out: &mut impl Write, r: &AgreementReport) -> std::io::Result<()> {
    writeln!(out, "measure,label,coder_a,coder_b,document,value,units")?;
    let mut line = |measure: &str,
                    label: &str,
                    a: &str,
                    b: &str,
                    document: Option<i64>,
                    v: Value|
     -> std::io::Result<()> {
        writeln!(
            out,
            "{measure},{},{},{},{},{},{}",
            field(label),
            field(a),
            field(b),
            document.map_or(String::new(), |d| d.to_string()),
            v.value.map_or(String::new(), |v| v.to_string()),
            v.units
        )
    };
    let measure = |line: &mut dyn FnMut(&str, &str, Value) -> std::io::Result<()>,
                   name: &str,
                   m: &Measure|
     -> std::io::Result<()> {
        line(name, "", m.overall)?;
        for (label, v) in &m.per_label {
            line(name, label, *v)?;
        }
        Ok(())
    };
    measure(
        &mut |n, l, v| line(n, l, "", "", None, v),
        "token_alpha",
        &r.token_alpha,
    )?;
    measure(
        &mut |n, l, v| line(n, l, "", "", None, v),
        "unitizing_alpha",
        &r.unitizing_alpha,
    )?;
    if let Some(fleiss) = &r.fleiss_kappa {
        measure(
            &mut |n, l, v| line(n, l, "", "", None, v),
            "fleiss_kappa",
            fleiss,
        )?;
    }
    for p in &r.pairs {
        let mut pair = |n: &str, l: &str, v: Value| line(n, l, &p.a, &p.b, None, v);
        measure(&mut pair, "cohen_kappa", &p.cohen_kappa)?;
        measure(&mut pair, "token_alpha", &p.token_alpha)?;
        measure(&mut pair, "unitizing_alpha", &p.unitizing_alpha)?;
        pair("exact_match_f1", "", span_value(&p.exact_match))?;
        for (label, m) in &p.exact_match_per_label {
            pair("exact_match_f1", label, span_value(m))?;
        }
        pair("statement_f1", "", span_value(&p.statements))?;
    }
    line("statement_alpha", "", "", "", None, r.statements.alpha)?;
    line(
        "statement_f1",
        "",
        "",
        "",
        None,
        span_value(&r.statements.matches),
    )?;
    for d in &r.per_document {
        line("token_alpha", "", "", "", Some(d.id), d.token_alpha)?;
        line("unitizing_alpha", "", "", "", Some(d.id), d.unitizing_alpha)?;
        line(
            "exact_match_f1",
            "",
            "",
            "",
            Some(d.id),
            span_value(&d.exact_match),
        )?;
    }
    Ok(())
}

/// A CSV field, quoted when it needs to be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
