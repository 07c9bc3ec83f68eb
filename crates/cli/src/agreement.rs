//! Printing an agreement report: a table for people, CSV (one figure per row) for R and
//! pandas, JSON for programs.

use std::io::Write;

use claimdesk_export::agreement::{span_value, write_csv, AgreementReport, Measure};

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
        ReportFormat::Csv => write_csv(out, report),
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
