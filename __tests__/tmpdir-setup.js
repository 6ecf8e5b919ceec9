// Jest globalSetup (unit and validate suites): every temporary directory the tests make, theirs and
// cdktf's (Testing.synth writes to a new cdktf.outdir.* each time), goes into one private directory
// that tmpdir-teardown.js removes, so repeated runs leave nothing behind in the system's temp folder.
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = async () => {
  const dir = mkdtempSync(join(tmpdir(), "golden-ami-tests-"));
  process.env.GOLDEN_AMI_TESTS_TMPDIR = dir;
  // Read by os.tmpdir() in the test workers and in every process the tests start.
  process.env.TMPDIR = dir;
};
