// Prints the slowest test files at the end of a jest run, so the suite's cost stays in view
// (docs/performance.md keeps the full per-file table: npm run bench:suite).
class SlowestFilesReporter {
  constructor(globalConfig, options = {}) {
    this.count = options.count ?? 5;
  }

  onRunComplete(_contexts, results) {
    const files = results.testResults
      .map((file) => ({ path: require("node:path").relative(process.cwd(), file.testFilePath), seconds: (file.perfStats.end - file.perfStats.start) / 1000 }))
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, this.count);
    if (files.length === 0) return;
    const lines = files.map((file) => `  ${file.seconds.toFixed(1).padStart(7)} s  ${file.path}`);
    process.stderr.write(`\nSlowest test files:\n${lines.join("\n")}\n`);
  }
}

module.exports = SlowestFilesReporter;
