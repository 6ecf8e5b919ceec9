#!/usr/bin/env node
// Entry point of `npx golden-ami`: runs the TypeScript CLI through tsx (no build step to forget).
// Output piped into `head` and closed early is not an error of the command.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}
// The AWS SDK's 9-line banner on Node < 22 concerns SDK releases after January 2027, not the pinned one;
// the project's supported versions are package.json's engines (npm warns at install). Errors stay one line.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { register } = require("tsx/cjs/api");
register();
const { goldenAmiProgram } = require("../cli/golden-ami.ts");
const { runProgram } = require("../cli/program.ts");
runProgram(goldenAmiProgram(), process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
