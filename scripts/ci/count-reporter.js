// Mocha reporter for CI: the usual spec output, plus the counts written as JSON to the file
// named by RIDECOOP_TEST_COUNTS, so .ci/run can print its own `N passed, N failed` line.
const fs = require("node:fs");
const Mocha = require("mocha");

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const counts = { passed: 0, failed: 0, skipped: 0 };
    runner.on(EVENT_TEST_PASS, () => counts.passed++);
    // A failing hook is reported here too: it counts as a failure.
    runner.on(EVENT_TEST_FAIL, () => counts.failed++);
    runner.on(EVENT_TEST_PENDING, () => counts.skipped++);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.RIDECOOP_TEST_COUNTS;
      if (file) fs.writeFileSync(file, JSON.stringify(counts));
    });
  }
}

module.exports = CountReporter;
