//! [`Report`]: the collector rule code pushes violations into, with the checks every resource
//! shares (a required string of bounded length).

use super::{Severity, Violation};

/// Violations found so far while checking one request, in the order they were found.
#[derive(Debug, Default)]
pub(crate) struct Report(Vec<Violation>);

impl Report {
    /// Records a violation of `rule` at `field` with an English and a Chinese message.
    pub(crate) fn push(&mut self, severity: Severity, field: &str, rule: &'static str, en: String, zh: String) {
        self.0.push(Violation {
            field: field.to_owned(),
            rule,
            severity,
            message: en,
            message_zh: zh,
        });
    }

    /// Records a MUST-rule violation.
    pub(crate) fn err(&mut self, field: &str, rule: &'static str, en: impl Into<String>, zh: impl Into<String>) {
        self.push(Severity::Error, field, rule, en.into(), zh.into());
    }

    /// Records a SHOULD-rule warning.
    pub(crate) fn warn(&mut self, field: &str, rule: &'static str, en: impl Into<String>, zh: impl Into<String>) {
        self.push(Severity::Warning, field, rule, en.into(), zh.into());
    }

    /// Required string of 1..=max chars (characters, not bytes).
    pub(crate) fn required(&mut self, field: &str, rule: &'static str, value: &str, max: usize) {
        let n = value.chars().count();
        if n == 0 {
            self.err(field, rule, "is required and must not be empty", "必填，不能为空");
        } else if n > max {
            self.err(
                field,
                rule,
                format!("must be at most {max} characters, got {n}"),
                format!("长度不能超过{max}个字符，当前{n}个"),
            );
        }
    }

    /// Every violation recorded, in order.
    pub(crate) fn finish(self) -> Vec<Violation> {
        self.0
    }
}

/// A value quoted in a message, cut as every echoed value is ([`crate::error::echo`]).
pub(crate) fn quoted(value: &str) -> String {
    format!("{:?}", crate::error::echo(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_reports_empty_and_too_long_but_counts_characters() {
        let mut r = Report::default();
        r.required("a", "R-1", "", 3);
        r.required("b", "R-2", "代金券", 3);
        r.required("c", "R-3", "abcd", 3);
        let v = r.finish();
        let fields: Vec<(&str, &str)> = v.iter().map(|v| (v.field.as_str(), v.rule)).collect();
        assert_eq!(fields, [("a", "R-1"), ("c", "R-3")]);
        assert!(v.iter().all(|v| v.severity == Severity::Error));
    }
}
