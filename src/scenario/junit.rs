//! The JUnit XML report of a run, for CI: each step a test case, its sentence the failure's
//! message. quick-junit writes the format Jenkins, GitLab and GitHub read, and leaves out the
//! characters XML 1.0 forbids (a server's answer can hold any).

use quick_junit::{NonSuccessKind, Report as JUnit, TestCase, TestCaseStatus, TestSuite};

use super::run::Report;

/// The report of `report`, a run of the scenario named `name`.
pub fn junit(name: &str, report: &Report) -> Result<String, quick_junit::SerializeError> {
    let mut suite = TestSuite::new(name);
    suite.set_time(report.took);
    for outcome in &report.outcomes {
        let status = if outcome.passed() {
            TestCaseStatus::success()
        } else {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(outcome.sentence());
            status
        };
        let mut case = TestCase::new(outcome.name.as_str(), status);
        case.set_classname("sinch-ticket.scenario");
        case.set_time(outcome.took);
        suite.add_test_case(case);
    }
    let mut junit = JUnit::new("sinch-ticket scenario");
    junit.set_time(report.took);
    junit.add_test_suite(suite);
    junit.to_string()
}
