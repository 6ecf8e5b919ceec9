import type { Document } from "yaml";
import { cdktfStackCommand } from "../../tools/cdktf-cli";
import { Emulator } from "../../tools/emulator/emulator";
import { stackOutputs } from "../../tools/emulator/inspect";
import { PublishedAmi } from "../../tools/emulator/publish-ami";
import { writeScenarioConfig } from "../../tools/emulator/scenario";
import { changedAttributes, expectExit, realChanges, REGION, savedPlan, Scenario, scenarioSteps, startScenario, WORKLOAD_ACCOUNT } from "./helpers";

// Staged promotion and blue/green on the emulator, with the real cdktf CLI, Terraform and provider.
// The emulator has no instance refresh API (StartInstanceRefresh): a refresh starts when apply
// changes a group's launch template version, so those groups are only planned, never applied, with
// the refresh on; the plan shows the refresh settings and the version change it would roll out.
jest.setTimeout(300_000);

let scenario: Scenario;
let emulator: Emulator;
let dir: string;
let outdir: string;
let env: NodeJS.ProcessEnv;
const ami: Record<string, PublishedAmi> = {};

const step = scenarioSteps(() => emulator);

/** The scenario configuration: staging without refresh (applied), production with it (planned), and a blue/green workload. */
const withBlueGreen = (blueGreen: Record<string, unknown>) => (document: Document) => {
  document.setIn(["workloads", 0, "auto_scaling", "instance_refresh", "enabled"], false);
  const workloads = document.get("workloads") as { items: unknown[] };
  workloads.items.push(
    document.createNode({
      name: "web-bg",
      environment: "bluegreen",
      account_id: WORKLOAD_ACCOUNT,
      region: REGION,
      image: "sample",
      publish_ami_parameter: false,
      network: { vpc_id: "vpc-00000000" }, // each workload gets its account's network (writeScenarioConfig)
      auto_scaling: { instance_refresh: { enabled: false } },
      blue_green: blueGreen,
    }),
  );
};

/** Rewrites the scenario's configuration with another blue/green workload (the same networks). */
async function configure(blueGreen: Record<string, unknown>): Promise<void> {
  await writeScenarioConfig(emulator, { dir, edit: withBlueGreen(blueGreen) });
}

const build = (number: number) => scenario.build(number);

const plan = (stack: string) => cdktfStackCommand("plan", stack, outdir, { env });
const deploy = (stack: string) => cdktfStackCommand("deploy", stack, outdir, { env });
const imageOf = async (stack: string) => (await stackOutputs(outdir, stack, env)).ami_id;

beforeAll(async () => {
  scenario = await startScenario({ prefix: "e2e-rollout", instanceRefresh: true, edit: withBlueGreen({}) });
  ({ outdir, env, emulator, dir } = scenario);
});

describe("staged promotion: production runs only what staging has run", () => {
  step("staging and production start on v1", async () => {
    ami.v1 = await build(1);
    expectExit(await deploy("web-staging"), "success");
    expectExit(await deploy("web-production"), "success");
    expect(await imageOf("web-staging")).toBe(ami.v1.imageId);
    expect(await imageOf("web-production")).toBe(ami.v1.imageId);
  });

  step("v2 is published: staging's plan moves to it, production's plan has no changes", async () => {
    ami.v2 = await build(2);
    expect(expectExit(await plan("web-production"), "success")).toContain("No changes.");
    expectExit(await plan("web-staging"), "success");
    const template = realChanges(await savedPlan(outdir, "web-staging", env)).find((c) => c.type === "aws_launch_template");
    expect(template?.change.after?.image_id).toBe(ami.v2.imageId);
  });

  step("staging applies v2; production still runs v1 until promoted, and its plan now shows the promotion", async () => {
    expectExit(await deploy("web-staging"), "success");
    expect(await imageOf("web-staging")).toBe(ami.v2.imageId);
    expect(await imageOf("web-production")).toBe(ami.v1.imageId);
    expectExit(await plan("web-production"), "success");
    const changes = realChanges(await savedPlan(outdir, "web-production", env));
    expect(changes.map((c) => [c.type, c.change.actions])).toEqual([
      ["aws_autoscaling_group", ["update"]],
      ["aws_launch_template", ["update"]],
    ]);
    const template = changes.find((c) => c.type === "aws_launch_template")!;
    expect([template.change.before?.image_id, template.change.after?.image_id]).toEqual([ami.v1.imageId, ami.v2.imageId]);
  });

  step("the production group's plan: launch template version moves, with the instance refresh that would roll it (plan only)", async () => {
    const group = realChanges(await savedPlan(outdir, "web-production", env)).find((c) => c.type === "aws_autoscaling_group")!;
    expect(changedAttributes(group)).toEqual(["launch_template"]);
    expect(group.change.after_unknown?.launch_template).toEqual([{ version: true }]);
    expect(group.change.after?.instance_refresh).toEqual([
      {
        strategy: "Rolling",
        triggers: [],
        preferences: [
          expect.objectContaining({
            min_healthy_percentage: 90,
            checkpoint_percentages: [25, 50, 100],
            checkpoint_delay: "900",
            auto_rollback: false,
            skip_matching: true,
          }),
        ],
      },
    ]);
  });
});

describe("blue/green: each of the four steps is one configuration change and plans only that change", () => {
  const blue = (serves: string[], size = 1) => ({ ami: { source: "pinned", image_id: ami.v1.imageId }, serves, min_size: size, max_size: size });
  const green = (serves: string[]) => ({ ami: { source: "latest" }, serves, min_size: 1, max_size: 1 });

  /** Plans the configuration, checks the changes, applies. */
  async function change(blueGreen: Record<string, unknown>, expected: [string, string[]][]) {
    await configure(blueGreen);
    expectExit(await plan("web-bg"), "success");
    const changes = realChanges(await savedPlan(outdir, "web-bg", env));
    expect(changes.map((c) => [c.type, c.change.actions])).toEqual(expected);
    expectExit(await deploy("web-bg"), "success");
    expect(expectExit(await plan("web-bg"), "success")).toContain("No changes.");
    return changes;
  }

  const groupOf = async (colour: string) => {
    const outputs = await stackOutputs(outdir, "web-bg", env);
    return { ami: outputs[`${colour}_ami_id`], production: outputs.production_target_group_arn, verification: outputs.verification_target_group_arn };
  };

  step("before: blue runs v1 (pinned) behind production", async () => {
    const created = await change({ blue: blue(["production"]) }, [
      ["aws_autoscaling_group", ["create"]],
      ["aws_kms_grant", ["create"]],
      ["aws_launch_template", ["create"]],
      ["aws_lb_target_group", ["create"]],
      ["aws_lb_target_group", ["create"]],
      ["aws_security_group", ["create"]],
    ]);
    expect(created).toHaveLength(6);
    expect((await groupOf("blue")).ami).toBe(ami.v1.imageId);
  });

  step("1. start green on the newest AMI behind verification: green's template and group are created, nothing else", async () => {
    const changes = await change({ blue: blue(["production"]), green: green(["verification"]) }, [
      ["aws_autoscaling_group", ["create"]],
      ["aws_launch_template", ["create"]],
    ]);
    expect(changes.every((c) => c.address.includes("green"))).toBe(true);
    const state = await groupOf("green");
    expect(state.ami).toBe(ami.v2.imageId);
    const [template] = changes.filter((c) => c.type === "aws_launch_template");
    expect(template.change.after?.image_id).toBe(ami.v2.imageId);
  });

  step("2. attach green to production: one in-place update of green's target groups", async () => {
    const [group] = await change({ blue: blue(["production"]), green: green(["verification", "production"]) }, [["aws_autoscaling_group", ["update"]]]);
    expect(group.address).toContain("green");
    expect(changedAttributes(group)).toEqual(["target_group_arns"]);
    const { production, verification } = await groupOf("green");
    expect(group.change.after?.target_group_arns).toEqual(expect.arrayContaining([production, verification]));
  });

  step("3. detach blue from production: one in-place update of blue's target groups (reverse it to roll back)", async () => {
    const [group] = await change({ blue: blue([]), green: green(["verification", "production"]) }, [["aws_autoscaling_group", ["update"]]]);
    expect(group.address).toContain("blue");
    expect(changedAttributes(group)).toEqual(["target_group_arns"]);
    expect(group.change.after?.target_group_arns).toEqual([]);
  });

  step("4. scale blue to zero: one in-place update of blue's size", async () => {
    const [group] = await change({ blue: blue([], 0), green: green(["verification", "production"]) }, [["aws_autoscaling_group", ["update"]]]);
    expect(group.address).toContain("blue");
    expect(changedAttributes(group)).toEqual(["desired_capacity", "max_size", "min_size"]);
    expect(group.change.after).toMatchObject({ min_size: 0, max_size: 0, desired_capacity: 0 });
  });
});
