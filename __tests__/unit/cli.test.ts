// The golden-ami CLI as a user meets it: its exit code and what it prints. The program runs in this
// process (its entry function, streams captured); "the real bin" runs bin/golden-ami.js as npx does.
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../lib/process";
import { CliResult, goldenAmiInProcess } from "../helpers/in-process-cli";

const ROOT = join(__dirname, "..", "..");
const COMMANDS = [
  "plan",
  "apply",
  "report",
  "stacks",
  "lock",
  "schema",
  "orphans",
  "fleet",
  "promote",
  "revoke",
  "access-policy",
  "preflight",
  "branch-head",
  "compare-reviewed",
  "build",
];

function goldenAmi(...args: string[]): Promise<CliResult> {
  return goldenAmiInProcess(args, { env: { ...process.env, FORCE_COLOR: "0" } });
}

describe("the real bin (bin/golden-ami.js, as npx runs it)", () => {
  const bin = (...args: string[]) =>
    run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0" } });

  it("is an executable node script", () => {
    expect(readFileSync(join(ROOT, "bin", "golden-ami.js"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(statSync(join(ROOT, "bin", "golden-ami.js")).mode & 0o111).not.toBe(0);
  });

  it("answers --help on stdout, exit 0, and a wrong option with one line on stderr, exit 2", async () => {
    const help = await bin("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: golden-ami /);
    const wrong = await bin("stacks", "--no-such-option");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim().split("\n")).toEqual(["golden-ami: unknown option '--no-such-option'"]);
    expect(wrong.stdout).toBe("");
  });

  it("a failure of the work is exit 1 with its message and no stack trace", async () => {
    const failed = await bin("lock", "--config", join(ROOT, "package.json"));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^golden-ami: /);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("golden-ami", () => {
  it("--help lists every command, one a line, with a description", async () => {
    const result = await goldenAmi("--help");
    expect(result.code).toBe(0);
    const commands = result.stdout.split("Commands:\n")[1];
    for (const name of COMMANDS) expect(commands).toMatch(new RegExp(`^  ${name} .*\\S{3,}`, "m"));
  });

  it.each(COMMANDS)("%s --help shows usage, options with defaults and an example, exit 0", async (name) => {
    const result = await goldenAmi(name, "--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: golden-ami ${name} `, "m"));
    expect(result.stdout).toContain("Options:");
    expect(result.stdout).toMatch(/^Examples?:\n {2}\$ npx golden-ami /m);
  });

  it.each(COMMANDS)("%s --no-such-option: one line naming it, exit 2, no stack trace", async (name) => {
    const result = await goldenAmi(name, "--no-such-option");
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual(["golden-ami: unknown option '--no-such-option'"]);
    expect(result.stdout).toBe("");
  });

  // The README's promise: a wrong option or value is one line and exit code 2, before any work.
  it.each([
    ["plan", ["--concurrency", "0"], `option '--concurrency <n>' argument '0' is invalid.`],
    ["plan", ["--read-only", "--profiles"], "option '--read-only' cannot be used with option '--profiles'"],
    ["plan", ["--store-plans"], "option '--store-plans' needs '--profiles'"],
    ["apply", ["--outdir", "no-such-dir"], "option '--outdir <dir>' argument 'no-such-dir' is invalid."],
    ["report", ["--limit-bytes", "lots"], `option '--limit-bytes <n>' argument 'lots' is invalid.`],
    ["stacks", ["--role", "nope"], `option '--role <role>' argument 'nope' is invalid.`],
    ["lock", ["--config", "no-such-config.yaml"], `option '--config <file>' argument 'no-such-config.yaml' is invalid. expected a configuration file`],
    ["schema", ["extra"], "too many arguments for 'schema'."],
    ["orphans", ["no-such-stack"], 'unknown workload stack "no-such-stack"'],
    ["fleet", ["--config", "no-such-config.yaml"], `option '--config <file>' argument 'no-such-config.yaml' is invalid.`],
    ["promote", ["--image", "sample", "--from", "staging", "--to", "Production"], `option '--to <channel>' argument 'Production' is invalid.`],
    ["revoke", ["ami-0123456789abcdef0", "--reason", "short"], `option '--reason <text>' argument 'short' is invalid.`],
    [
      "revoke",
      ["ami-0123456789abcdef0", "--reason", "CVE-2026-0001 in openssl", "--image", "nope"],
      `option '--image <name>' argument 'nope' is invalid. expected one of sample`,
    ],
    ["revoke", ["nope", "--reason", "CVE-2026-0001 in openssl"], "command-argument value 'nope' is invalid for argument 'ami-id'."],
    ["access-policy", ["--role", "admin"], "option '--role <role>' argument 'admin' is invalid."],
    ["preflight", ["--config", "no-such-config.yaml"], "option '--config <file>' argument 'no-such-config.yaml' is invalid."],
  ])("%s %j: a wrong value is one line naming it, exit 2", async (name, args, message) => {
    const result = await goldenAmi(name, ...args);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`golden-ami: ${message}`);
    expect(result.code).toBe(2);
  });

  it("starting the program loads no AWS SDK, cdktf, zod or YAML: commands load them when they run", async () => {
    // Every CI step and `golden-ami plan` starts the program; these modules alone took ~0.4 s to load.
    const script = [
      'require("tsx/cjs/api").register();',
      'require("./cli/golden-ami.ts").goldenAmiProgram();',
      "console.log(JSON.stringify(Object.keys(require.cache)));",
    ].join("");
    const result = await run(process.execPath, ["-e", script], { cwd: ROOT });
    expect(result.stderr).toBe("");
    const loaded = (JSON.parse(result.stdout) as string[]).map((file) => file.slice(ROOT.length));
    expect(loaded).toContain("/cli/fleet.ts");
    const heavy = loaded.filter((file) => /\/node_modules\/(@aws-sdk|@smithy|cdktf|@cdktf|constructs|zod|yaml)\//.test(file));
    expect(heavy).toEqual([]);
  });

  it("a bad value is one line naming the option and the value, exit 2", async () => {
    const result = await goldenAmi("report", "--limit-bytes", "lots");
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`golden-ami: option '--limit-bytes <n>' argument 'lots' is invalid. expected a positive integer, got "lots"`);
  });

  it("an unknown stack is a usage error naming it and the known ones, exit 2", async () => {
    const result = await goldenAmi("orphans", "no-such-stack");
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('golden-ami: unknown workload stack "no-such-stack"; workload stacks are web-staging, web-production');
  });

  it("an unknown command is one line, exit 2", async () => {
    const result = await goldenAmi("deploy-everything");
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("golden-ami: unknown command 'deploy-everything'");
  });

  it("stacks --json describes every stack of the example", async () => {
    const result = await goldenAmi("stacks", "--role", "all", "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({ stack: "shared", role: "shared" }),
      expect.objectContaining({ stack: "web-production", role: "workload", environment: "production" }),
      expect.objectContaining({ stack: "web-staging", role: "workload", environment: "staging" }),
    ]);
  });

  it("stacks with a selector that matches nothing is a usage error naming what exists, never an empty list with exit 0", async () => {
    for (const role of ["workload", "all"]) {
      const result = await goldenAmi("stacks", "--role", role, "--environment", "nosuch");
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe("golden-ami: stacks --environment nosuch matches no workload; environments are production, staging");
      expect(result.stdout).toBe("");
    }
    // An empty shard of a non-empty selection is a CI matrix wider than the stacks: fine, and says nothing.
    const shard = await goldenAmi("stacks", "--environment", "staging", "--shard", "2/2");
    expect(shard).toMatchObject({ code: 0, stdout: "\n" });
  });

  it("an invalid configuration is a failure of the work: the problems, exit 1, no stack trace", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cli-config-")), "invalid.yaml");
    writeFileSync(file, "organization:\n  arn: not-an-arn\n");
    const result = await goldenAmi("stacks", "--config", file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid\.yaml: \d+ problems?/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("schema --check passes on the committed schema and fails, exit 1, on a stale one", async () => {
    expect((await goldenAmi("schema", "--check")).code).toBe(0);
    const stale = await goldenAmi("schema", "--check", "--output", join(ROOT, "package.json"));
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("is out of date; run `npx golden-ami schema`");
    const staleDoc = await goldenAmi("schema", "--check", "--doc", join(ROOT, "README.md"));
    expect(staleDoc.code).toBe(1);
    expect(staleDoc.stderr).toContain("README.md is out of date");
  });
});

// npm scripts run with node_modules/.bin on PATH, which holds dependencies' commands, not this
// package's own bin: every script must start with a command that a fresh `npm ci` provides.
describe("package.json scripts", () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const SYSTEM = new Set(["node", "npm", "bash", "sh"]);

  it.each(Object.entries(scripts))("%s starts with a command npm ci provides (%s)", (_, script) => {
    // The first word of each part that is not an environment assignment (NAME=value).
    for (const command of script.split(/&&|\|\|/).map((part) =>
      part
        .trim()
        .split(/\s+/)
        .find((word) => !/^[A-Z_][A-Z0-9_]*=/.test(word))!,
    )) {
      if (!SYSTEM.has(command)) expect(existsSync(join(ROOT, "node_modules", ".bin", command))).toBe(true);
    }
  });

  it.each(Object.entries(scripts).filter(([, script]) => script.includes("bin/golden-ami.js")))("npm run %s -- --help works from the project", async (name) => {
    const result = await run("npm", ["run", "-s", name, "--", "--help"], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0" } });
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^Usage: golden-ami \S+/m);
    expect(result.code).toBe(0);
  });
});
