import { join } from "node:path";
import { runOrThrow } from "../../lib/process";
import { cdktfStackCommand } from "../../tools/cdktf-cli";
import { stackOutputs } from "../../tools/emulator/inspect";
import { PublishedAmi } from "../../tools/emulator/publish-ami";
import { nodeBinDir, SUPPORTED_NODE_MAJORS, withNodeFirst } from "../../tools/node-lts";
import { expectExit, launchTemplateState, realChanges, savedPlan, Scenario, scenarioSteps, startScenario } from "./helpers";

// The mission's own commands, `cdktf apply` and `cdktf plan`, on the Node.js LTS versions users run.
// cdktf-cli 0.21 loads a native pseudo-terminal module for every Terraform command; the one it ships
// is built for Node 20 and 22 only (NODE_MODULE_VERSION 115/127), so on Node 24 it crashed. The
// project overrides it with a Node-API build (ABI-stable), which this file proves on each version.
// GOLDEN_AMI_NODE_MAJORS picks the versions (default: the newest supported; CI's matrix runs both).
jest.setTimeout(600_000);

const STACK = "web-staging";
const ROOT = join(__dirname, "..", "..");
const majors = (process.env.GOLDEN_AMI_NODE_MAJORS ?? String(SUPPORTED_NODE_MAJORS[0])).split(",").map(Number);

describe.each(majors)("on Node.js %i", (major) => {
  let scenario: Scenario;
  let env: NodeJS.ProcessEnv;
  const published: Record<string, PublishedAmi> = {};

  beforeAll(async () => {
    const binDir = await nodeBinDir(major);
    scenario = await startScenario({ prefix: `node${major}` });
    env = withNodeFirst(scenario.env, binDir);
  });
  const step = scenarioSteps(() => scenario?.emulator);
  const cdktf = (command: "plan" | "deploy") => cdktfStackCommand(command, STACK, scenario.outdir, { env });

  step("the cdktf CLI and golden-ami run on this version", async () => {
    expect((await runOrThrow("node", ["--version"], { env })).stdout).toMatch(new RegExp(`^v${major}\\.`));
    const stacks = await runOrThrow("node", [join(ROOT, "bin", "golden-ami.js"), "stacks"], { cwd: ROOT, env });
    expect(stacks.stdout.split(/\s+/)).toContain(STACK);
  });

  step("cdktf apply creates launch template version 1 on the first AMI", async () => {
    published.v1 = await scenario.build(1);
    expectExit(await cdktf("deploy"), "success");
    const outputs = await stackOutputs(scenario.outdir, STACK, env);
    expect(outputs).toMatchObject({ ami_id: published.v1.imageId, launch_template_latest_version: 1 });
  });

  step("cdktf plan shows the next AMI as an in-place update of the launch template's image_id", async () => {
    published.v2 = await scenario.build(2);
    const output = expectExit(await cdktf("plan"), "success");
    expect(output).toContain("will be updated in-place");
    expect(output).toMatch(/Plan: 0 to add, \d+ to change, 0 to destroy/);
    const template = realChanges(await savedPlan(scenario.outdir, STACK, env)).find((c) => c.type === "aws_launch_template");
    expect(template?.change.actions).toEqual(["update"]);
    expect([template?.change.before?.image_id, template?.change.after?.image_id]).toEqual([published.v1.imageId, published.v2.imageId]);
  });

  step("cdktf apply bumps the launch template to version 2 on that AMI", async () => {
    expectExit(await cdktf("deploy"), "success");
    const outputs = await stackOutputs(scenario.outdir, STACK, env);
    const template = await launchTemplateState(scenario.ec2, outputs.launch_template_id as string);
    expect(template).toMatchObject({ latest: 2, default: 2 });
    expect(template.imageOf(2)).toBe(published.v2.imageId);
  });
});
