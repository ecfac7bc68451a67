//! Wording that more than one command prints: said once here, so that `trigger`, `replay`
//! and the others say a thing the same way.

use crate::sinch::callback::TriggerVerdict;

/// The verdict for people: the summary, then each problem and note on its own line.
pub fn verdict_text(verdict: &TriggerVerdict) -> String {
    let mut text = verdict.summary.clone();
    for problem in &verdict.problems {
        text.push_str(&format!("\n  - {problem}"));
    }
    for note in &verdict.notes {
        text.push_str(&format!("\n  note: {note}"));
    }
    text
}
