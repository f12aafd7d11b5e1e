// Jest reporter: ends every run with one plain line, "N passed, N failed[, N skipped]", that CI tools
// which do not read jest's own summary can count.
'use strict';
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    // jest prints its own summary after every custom reporter: write ours last, when the process exits
    process.once('exit', () => process.stderr.write(line));
  }
}
module.exports = SummaryReporter;
