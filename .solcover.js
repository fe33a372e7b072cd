// solidity-coverage: test-only contracts are not measured; json-summary feeds the CI gate
// (scripts/ci/coverage-gate.js).
module.exports = {
  skipFiles: ["mocks/"],
  istanbulReporter: ["html", "text", "json-summary"],
  configureYulOptimizer: true,
};
