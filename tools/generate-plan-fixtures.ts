// npm run fixtures:plans — regenerates __tests__/fixtures/plans from real Terraform plans: AWS resources
// against the emulator, and Terraform's built-in terraform_data for moves, forgets, imports' cousins,
// deposed objects, sensitive values and errored plans. Each plan's own "Plan: …" line is kept beside
// it (expected-counts.json), so the report's counts are checked against Terraform's.
import { CreateSecurityGroupCommand, CreateTagsCommand, DeleteSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { withEmulator } from "./emulator/emulator";
import { prepareScenario } from "./emulator/prepare";
import { createNetwork, writeScenarioConfig } from "./emulator/scenario";
import { planStack } from "../lib/plan-stacks";
import { runOrThrow } from "../lib/process";
import { terraformEnv } from "../lib/terraform-env";
import { STACK_FILES } from "../conventions/names";

const FIXTURES = resolve(__dirname, "../__tests__/fixtures/plans");
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

/** Terraform's own summary line of a saved plan, as `terraform show` prints it. */
async function countsLineOf(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await runOrThrow("terraform", ["show", "-no-color", "plan"], { cwd: dir, env });
  const line = stdout.split("\n").find((l) => /^(Plan: |No changes\.|Changes to Outputs:)/.test(l));
  if (!line) throw new Error(`no summary line in:\n${stdout}`);
  return line.trim();
}

const expectedCounts: Record<string, string> = {};

async function main(): Promise<void> {
  mkdirSync(FIXTURES, { recursive: true });
  await builtinFixtures();
  await withEmulator({ region: "ap-northeast-1", log: console.log }, async (emulator) => {
    // The generic plans: one account, as its administrator.
    const admin = await emulator.adminOf("444455556666");
    const ec2 = new EC2Client(emulator.clientConfig({ credentials: admin }));
    const network = await createNetwork(ec2);
    const env = terraformEnv(emulator.env(admin));
    const save = async (name: string, dir: string) => {
      const plan = JSON.parse(readFileSync(join(dir, STACK_FILES.planJson), "utf8"));
      writeFileSync(join(FIXTURES, `${name}.json`), JSON.stringify(plan) + "\n");
      expectedCounts[name] = await countsLineOf(dir, env);
      console.log(`wrote ${name}.json`);
    };

    const dir = mkdtempSync(join(tmpdir(), "fixtures-"));
    const write = (options: Parameters<typeof genericConfig>[1] = {}) =>
      writeFileSync(join(dir, "main.tf.json"), JSON.stringify(genericConfig(network.vpcId, options), null, 2));
    const plan = async (name: string) => {
      if (!(await planStack(dir, env, { showAlways: true })).ok) throw new Error(readFileSync(join(dir, STACK_FILES.planError), "utf8"));
      await save(name, dir);
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
    // Deleted outside Terraform: drift that is a deletion.
    await apply();
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: SecurityGroups[0].GroupId! }));
    write({ withSecret: false });
    await plan("drift-deleted");
    // An import block brings the security group back under management.
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: "fixture-imported", Description: "imported", VpcId: network.vpcId }));
    const imported = mkdtempSync(join(tmpdir(), "fixtures-import-"));
    writeFileSync(
      join(imported, "main.tf.json"),
      JSON.stringify({
        terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
        provider: { aws: { region: "ap-northeast-1" } },
        import: [{ to: "aws_security_group.imported", id: GroupId }],
        resource: { aws_security_group: { imported: { name: "fixture-imported", description: "imported", vpc_id: network.vpcId } } },
      }),
    );
    if (!(await planStack(imported, env, { showAlways: true })).ok) throw new Error(readFileSync(join(imported, STACK_FILES.planError), "utf8"));
    await save("import", imported);

    // The project's own workload stack: no AMI yet (an errored plan), then a new AMI.
    const scenario = mkdtempSync(join(tmpdir(), "fixtures-workload-"));
    const configPath = await writeScenarioConfig(emulator, { dir: scenario, instanceRefresh: false });
    const prepared = await prepareScenario(emulator, scenario, configPath);
    const workloadEnv = prepared.env;
    const stackDir = join(prepared.outdir, "stacks", "web-staging");
    if ((await planStack(stackDir, workloadEnv)).ok) throw new Error("the plan without any AMI should have failed");
    copyFileSync(join(stackDir, STACK_FILES.planError), join(FIXTURES, "errored.txt"));
    await prepared.build(1);
    await runOrThrow("terraform", ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd: stackDir, env: workloadEnv });
    await prepared.build(2);
    if (!(await planStack(stackDir, workloadEnv, { showAlways: true })).ok) throw new Error(readFileSync(join(stackDir, STACK_FILES.planError), "utf8"));
    await save("ami-update", stackDir);
  });
  writeFileSync(join(FIXTURES, "expected-counts.json"), JSON.stringify(expectedCounts, null, 2) + "\n");
}

/** Plans of Terraform's built-in terraform_data: no provider, every kind of change the JSON has. */
async function builtinFixtures(): Promise<void> {
  const env = terraformEnv();
  const dir = mkdtempSync(join(tmpdir(), "fixtures-builtin-"));
  const write = (config: unknown) => writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config, null, 2));
  const terraform = (...args: string[]) => runOrThrow("terraform", [...args, "-input=false", "-no-color"], { cwd: dir, env });
  const save = async (name: string) => {
    const { stdout } = await runOrThrow("terraform", ["show", "-json", "plan"], { cwd: dir, env });
    writeFileSync(join(FIXTURES, `${name}.json`), stdout.trim() + "\n");
    expectedCounts[name] = await countsLineOf(dir, env);
    console.log(`wrote ${name}.json`);
  };
  const secret = (value: string) => ({ secret: { type: "string", sensitive: true, default: value } });
  write({
    variable: secret(FIXTURE_SECRET),
    resource: { terraform_data: { a: { input: "one" }, b: { input: "${var.secret}" }, c: { input: ["kept"] }, list: { input: ["${var.secret}", "public"] } } },
    output: { plain: { value: "p1" }, hidden: { value: "${var.secret}", sensitive: true } },
  });
  await terraform("init");
  await terraform("apply", "-auto-approve");
  // A move, a forget (removed block), a secret that changes, a list that stops being sensitive, outputs.
  write({
    variable: secret("another-secret-never-print-me"),
    resource: { terraform_data: { a2: { input: "one" }, b: { input: "${var.secret}" }, list: { input: ["no-longer-secret", "public"] } } },
    moved: [{ from: "terraform_data.a", to: "terraform_data.a2" }],
    removed: [{ from: "terraform_data.c", lifecycle: { destroy: false } }],
    output: { plain: { value: "p2" }, hidden: { value: "${var.secret}", sensitive: true } },
  });
  await terraform("plan", "-out=plan");
  await save("refactor");
  // Only an output changes.
  write({
    variable: secret(FIXTURE_SECRET),
    resource: { terraform_data: { a: { input: "one" }, b: { input: "${var.secret}" }, c: { input: ["kept"] }, list: { input: ["${var.secret}", "public"] } } },
    output: { plain: { value: "p3" }, hidden: { value: "${var.secret}", sensitive: true } },
  });
  await terraform("plan", "-out=plan");
  await save("outputs-only");
  // A failed postcondition: Terraform writes the plan, marked errored.
  write({
    variable: secret(FIXTURE_SECRET),
    resource: {
      terraform_data: {
        a: { input: "one" },
        b: { input: "${var.secret}" },
        c: { input: ["kept"] },
        list: { input: ["${var.secret}", "public"] },
        broken: {
          input: "new",
          lifecycle: [{ postcondition: [{ condition: '${self.input == "never"}', error_message: "the fixture's postcondition fails" }] }],
        },
      },
    },
    output: { plain: { value: "p1" }, hidden: { value: "${var.secret}", sensitive: true } },
  });
  const errored = await runOrThrow("sh", ["-c", "terraform plan -input=false -no-color -out=plan 2>&1; true"], { cwd: dir, env });
  if (!errored.stdout.includes("postcondition")) throw new Error(`expected a failed postcondition:\n${errored.stdout}`);
  const { stdout } = await runOrThrow("terraform", ["show", "-json", "plan"], { cwd: dir, env });
  writeFileSync(join(FIXTURES, "errored.json"), stdout.trim() + "\n");
  // A deposed object (what an interrupted create-before-destroy leaves), put into the state as
  // Terraform itself records one; then a real plan destroys it.
  const state = JSON.parse((await runOrThrow("terraform", ["state", "pull"], { cwd: dir, env })).stdout) as {
    serial: number;
    resources: { name: string; instances: Record<string, unknown>[] }[];
  };
  const a = state.resources.find((r) => r.name === "a")!;
  a.instances.push({ ...a.instances[0], deposed: "00000001" });
  state.serial += 1;
  writeFileSync(join(dir, "deposed.tfstate"), JSON.stringify(state));
  await runOrThrow("terraform", ["state", "push", "deposed.tfstate"], { cwd: dir, env });
  write({
    variable: secret(FIXTURE_SECRET),
    resource: { terraform_data: { a: { input: "one" }, b: { input: "${var.secret}" }, c: { input: ["kept"] }, list: { input: ["${var.secret}", "public"] } } },
    output: { plain: { value: "p1" }, hidden: { value: "${var.secret}", sensitive: true } },
  });
  await terraform("plan", "-out=plan");
  await save("deposed");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
