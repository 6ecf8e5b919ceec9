#!/usr/bin/env node
// Entry point of `npx golden-ami`: runs the TypeScript CLI through tsx (no build step to forget).
const { register } = require("tsx/cjs/api");
register();
const { goldenAmiProgram } = require("../cli/golden-ami.ts");
const { runProgram } = require("../cli/program.ts");
runProgram(goldenAmiProgram(), process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
