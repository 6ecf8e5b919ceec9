// Jest globalTeardown: removes the private temporary directory of tmpdir-setup.js.
const { rmSync } = require("node:fs");

module.exports = async () => {
  const dir = process.env.GOLDEN_AMI_TESTS_TMPDIR;
  if (dir && process.env.GOLDEN_AMI_KEEP_TMP !== "1") rmSync(dir, { recursive: true, force: true });
};
