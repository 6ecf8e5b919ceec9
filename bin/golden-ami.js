#!/usr/bin/env node
// Entry point of `npx golden-ami`: runs the TypeScript CLI through tsx (no build step to forget).
// Output piped into `head` and closed early is not an error of the command.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { register } = require("tsx/cjs/api");
register();
const { goldenAmiProgram } = require("../cli/golden-ami.ts");
const { runProgram } = require("../cli/program.ts");
runProgram(goldenAmiProgram(), process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
