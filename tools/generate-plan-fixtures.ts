// npm run fixtures:plans — regenerates __tests__/fixtures/plans from real Terraform plans against the emulator.
import { CreateTagsCommand, DescribeSecurityGroupsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig } from "../config/load";
import { withEmulator } from "./emulator/emulator";
import { publishAmi } from "./emulator/publish-ami";
import { createNetwork, writeScenarioConfig } from "./emulator/scenario";
import { applySharedAmiKey } from "./emulator/shared-key";
import { planStack } from "../lib/plan-stacks";
import { runOrThrow } from "../lib/process";
import { synthesize } from "../lib/synth";
import { terraformEnv } from "../lib/terraform-env";
import { PLAN_ERROR, PLAN_JSON } from "../lib/plan-report/read-plans";

const FIXTURES = resolve(__dirname, "../../__tests__/fixtures/plans");
export const FIXTURE_SECRET = "hunter2-never-print-me";

/** A small configuration of its own: a security group and a secret, enough for every kind of change. */
function genericConfig(vpcId: string, options: { name?: string; secret?: string; withSecret?: boolean } = {}) {
  return {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: { aws: { region: "ap-northeast-1" } },
    variable: { db_password: { type: "string", sensitive: true, default: options.secret ?? FIXTURE_SECRET } },
    resource: {
      aws_security_group: { app: { name: options.name ?? "fixture-app", description: "plan report fixture", vpc_id: vpcId, tags: { Team: "platform" } } },
      ...(options.withSecret === false
        ? {}
        : { aws_ssm_parameter: { db_password: { name: "/fixture/db-password", type: "SecureString", value: "${var.db_password}" } } }),
    },
  };
}

async function main(): Promise<void> {
  mkdirSync(FIXTURES, { recursive: true });
  await withEmulator({ accountId: "111122223333", region: "ap-northeast-1", log: console.log }, async (emulator) => {
    const ec2 = new EC2Client(emulator.clientConfig());
    const network = await createNetwork(ec2);
    const env = terraformEnv(emulator.env());
    const save = (name: string, dir: string) => {
      const plan = JSON.parse(readFileSync(join(dir, PLAN_JSON), "utf8"));
      writeFileSync(join(FIXTURES, `${name}.json`), JSON.stringify(plan) + "\n");
      console.log(`wrote ${name}.json`);
    };

    const dir = mkdtempSync(join(tmpdir(), "fixtures-"));
    const write = (options: Parameters<typeof genericConfig>[1] = {}) =>
      writeFileSync(join(dir, "main.tf.json"), JSON.stringify(genericConfig(network.vpcId, options), null, 2));
    const plan = async (name: string) => {
      if (!(await planStack(dir, env))) throw new Error(readFileSync(join(dir, PLAN_ERROR), "utf8"));
      save(name, dir);
    };
    const apply = () => runOrThrow("terraform", ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd: dir, env });

    write();
    await plan("first-deploy");
    await apply();
    await plan("no-changes");
    write({ secret: "another-secret-never-print-me" });
    await plan("sensitive");
    write();
    const { SecurityGroups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: ["fixture-app"] }] }));
    await ec2.send(new CreateTagsCommand({ Resources: [SecurityGroups[0].GroupId!], Tags: [{ Key: "Team", Value: "changed-by-hand" }] }));
    await plan("drift");
    await apply();
    write({ name: "fixture-app-renamed" });
    await plan("replace");
    write({ withSecret: false });
    await plan("destroy");

    // The project's own workload stack: no AMI yet (an errored plan), then a new AMI.
    const scenario = mkdtempSync(join(tmpdir(), "fixtures-workload-"));
    const configPath = writeScenarioConfig({ dir: scenario, network, instanceRefresh: false });
    const outdir = join(scenario, "out");
    const workloadEnv = { ...env, AMI_PIPELINE_CONFIG: configPath, AMI_PIPELINE_STATE_DIR: scenario };
    await synthesize({ outdir, env: workloadEnv });
    await applySharedAmiKey(outdir, workloadEnv);
    const stackDir = join(outdir, "stacks", "web-staging");
    if (await planStack(stackDir, workloadEnv)) throw new Error("the plan without any AMI should have failed");
    copyFileSync(join(stackDir, PLAN_ERROR), join(FIXTURES, "errored.txt"));
    const { config } = loadConfig(configPath);
    await publishAmi(ec2, config, config.images[0], { buildVersion: 1 });
    await runOrThrow("terraform", ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd: stackDir, env: workloadEnv });
    await new Promise((r) => setTimeout(r, 1100));
    await publishAmi(ec2, config, config.images[0], { buildVersion: 2 });
    if (!(await planStack(stackDir, workloadEnv))) throw new Error(readFileSync(join(stackDir, PLAN_ERROR), "utf8"));
    save("ami-update", stackDir);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
