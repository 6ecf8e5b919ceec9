import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run, RunResult } from "../../lib/process";
import { iamActions } from "../../tools/access/iam-actions";
import { RecordedRequest } from "../../tools/emulator/emulator";
import { expectExit, Scenario, scenarioSteps, startScenario } from "./helpers";

// The access contract, recorded: every AWS operation the real Terraform provider calls for each stack
// kind and phase, as the emulator's request recorder sees it, compared with the reviewed file
// docs/access/recorded.json. A call that appears (a new resource, a provider upgrade) fails here until
// it is reviewed and the file regenerated: `npm run access:record`. The unit suite evaluates the file
// (access-contract.test.ts). What the emulator cannot produce is listed in docs/access/unrecordable.json.
jest.setTimeout(600_000);

const ROOT = join(__dirname, "..", "..");
const FILE = join(ROOT, "docs", "access", "recorded.json");
const UPDATE = process.env.GOLDEN_AMI_ACCESS_UPDATE === "1";

type Recording = Record<string, Record<string, string[]>>;
const recorded: Recording = {};

let scenario: Scenario;
beforeAll(async () => {
  scenario = await startScenario({ prefix: "access" });
});
const step = scenarioSteps(() => scenario?.emulator);

const goldenAmi = (...args: string[]) =>
  run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), ...args, "--outdir", scenario.outdir], { cwd: ROOT, env: scenario.env });
const terraform = (stack: string, ...args: string[]) => run("terraform", args, { cwd: join(scenario.outdir, "stacks", stack), env: scenario.env });

/** Runs the commands of one phase, each expected to succeed, and records the IAM actions they caused. */
async function phase(kind: string, name: string, ...commands: Array<() => Promise<RunResult>>) {
  const { requests } = await scenario.emulator.record(async () => {
    for (const command of commands) expectExit(await command(), "success");
  });
  (recorded[kind] ??= {})[name] = iamActions(requests as RecordedRequest[]);
}

const readOnlyPlan = (stack: string) => () => goldenAmi("plan", "--read-only", stack);
const planAndApply = (stack: string) => [
  () => goldenAmi("plan", stack),
  () => run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "apply", stack, "--outdir", scenario.outdir], { cwd: ROOT, env: scenario.env }),
];

const STAGING = "workload: rolling group, KMS grant, latest AMI (web-staging)";
const PRODUCTION = "workload: follows another environment's AMI through SSM (web-production)";

describe("the AWS calls of each stack kind and phase, recorded against the emulator", () => {
  step("a workload stack with a rolling group and a grant on the shared key", async () => {
    await scenario.publish(1);
    await phase(STAGING, "plan, read-only, before it exists", readOnlyPlan("web-staging"));
    await phase(STAGING, "apply: create", ...planAndApply("web-staging"));
    await phase(STAGING, "plan, read-only, nothing to change", readOnlyPlan("web-staging"));
    await scenario.publish(2);
    await phase(STAGING, "apply: update to a new AMI", ...planAndApply("web-staging"));
  });

  step("a workload stack that follows another environment", async () => {
    await phase(PRODUCTION, "plan, read-only, before it exists", readOnlyPlan("web-production"));
    await phase(PRODUCTION, "apply: create", ...planAndApply("web-production"));
    await phase(PRODUCTION, "plan, read-only, nothing to change", readOnlyPlan("web-production"));
    await phase(PRODUCTION, "destroy", () => terraform("web-production", "destroy", "-auto-approve", "-input=false", "-no-color"));
  });

  step("destroying the rolling workload (the grant is retired, not revoked)", async () => {
    await phase(STAGING, "destroy", () => terraform("web-staging", "destroy", "-auto-approve", "-input=false", "-no-color"));
    expect(recorded[STAGING].destroy).toContain("kms:RetireGrant");
    expect(recorded[STAGING].destroy).not.toContain("kms:RevokeGrant");
  });

  step("match the reviewed recording (npm run access:record regenerates it)", async () => {
    if (UPDATE) {
      writeFileSync(FILE, JSON.stringify(recorded, null, 2) + "\n");
      return;
    }
    const reviewed = JSON.parse(readFileSync(FILE, "utf8")) as Recording;
    const differences: string[] = [];
    for (const [kind, phases] of Object.entries(recorded)) {
      for (const [name, actions] of Object.entries(phases)) {
        const known = reviewed[kind]?.[name] ?? [];
        const added = actions.filter((a) => !known.includes(a));
        const gone = known.filter((a) => !actions.includes(a));
        if (added.length) differences.push(`${kind}, ${name}: new ${added.join(", ")}`);
        if (gone.length) differences.push(`${kind}, ${name}: no longer called ${gone.join(", ")}`);
      }
    }
    if (differences.length > 0) {
      throw new Error(`the AWS calls differ from ${FILE}; review them, then run \`npm run access:record\`:\n  ${differences.join("\n  ")}`);
    }
  });
});
