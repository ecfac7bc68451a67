//! The JUnit XML report of a run, for CI: each step a test case, its sentence the failure's
//! message. quick-junit writes the format Jenkins, GitLab and GitHub read and leaves out the
//! control characters; [`xml_text`] also leaves out U+FFFE and U+FFFF, which XML 1.0 forbids
//! too and quick-junit lets through (a step's name or the file's can hold any).

use quick_junit::{NonSuccessKind, Report as JUnit, TestCase, TestCaseStatus, TestSuite};

use super::run::Report;

/// `text` without the characters XML 1.0 forbids: the C0 controls but tab, line feed and
/// carriage return, and U+FFFE and U+FFFF. (A Rust string holds no lone surrogate.)
pub fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
        })
        .collect()
}

/// The report of `report`, a run of the scenario named `name`.
pub fn junit(name: &str, report: &Report) -> Result<String, quick_junit::SerializeError> {
    let mut suite = TestSuite::new(xml_text(name));
    suite.set_time(report.took);
    for outcome in &report.outcomes {
        let status = if outcome.passed() {
            TestCaseStatus::success()
        } else {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(xml_text(&outcome.sentence()));
            status
        };
        let mut case = TestCase::new(xml_text(&outcome.name), status);
        case.set_classname("sinch-ticket.scenario");
        case.set_time(outcome.took);
        suite.add_test_case(case);
    }
    let mut junit = JUnit::new("sinch-ticket scenario");
    junit.set_time(report.took);
    junit.add_test_suite(suite);
    junit.to_string()
}
