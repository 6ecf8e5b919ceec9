// The golden-ami CLI as a user meets it: a real process, its exit code and what it prints.
import { join } from "node:path";
import { run, RunResult } from "../../lib/process";

const ROOT = join(__dirname, "..", "..");
const COMMANDS = ["plan", "apply", "report", "stacks", "lock", "schema", "orphans", "fleet", "promote", "revoke"];

function goldenAmi(...args: string[]): Promise<RunResult> {
  return run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0" } });
}

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

  it("an invalid configuration is a failure of the work: the problems, exit 1, no stack trace", async () => {
    const result = await goldenAmi("stacks", "--config", join(ROOT, "no-such-config.yaml"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no-such-config.yaml: 1 problem");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("schema --check passes on the committed schema and fails, exit 1, on a stale one", async () => {
    expect((await goldenAmi("schema", "--check")).code).toBe(0);
    const stale = await goldenAmi("schema", "--check", "--output", join(ROOT, "package.json"));
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("is out of date; run `npx golden-ami schema`");
  });
});
