import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseDocument } from "yaml";
import { run } from "../../lib/process";
import { signedActions } from "../../tools/access/signers";
import { stackOutputs } from "../../tools/emulator/inspect";
import { expectExit, REGION, Scenario, scenarioSteps, SHARED_ACCOUNT, startScenario } from "./helpers";

// Plans without deploy rights that can still be applied (docs/ci-roles.md, "Plan and apply identities"):
// stacks synthesized with `plan --profiles` name AWS profiles, not roles. The plan job maps them to the
// plan roles and the state reader, the apply job to the deploy roles and the state writer. Proven on
// the emulator by who signed each call: moto hands out one access key per AssumeRole, and
// GetCallerIdentity with that key names the role. The plan job runs as the CI's plan role, which the
// deploy roles do not trust; the apply job as the CI's deploy role.
jest.setTimeout(600_000);

const ROOT = join(__dirname, "..", "..");
const STACK = "web-staging";
const BUCKET = "golden-ami-handover-state";
const role = (name: string) => `arn:aws:iam::${SHARED_ACCOUNT}:role/${name}`;

let scenario: Scenario;
/** The apply job's environment (the CI's deploy role) and the plan job's (its plan role). */
let env: NodeJS.ProcessEnv;
let planEnv: NodeJS.ProcessEnv;

/** The state bucket's reader and writer, made by hand in the shared account as docs/ci-roles.md says. */
async function createStateRoles(): Promise<void> {
  const admin = await scenario.adminOf(SHARED_ACCOUNT);
  await new S3Client(scenario.emulator.clientConfig({ credentials: admin })).send(
    new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }),
  );
  const iam = new IAMClient(scenario.emulator.clientConfig({ credentials: admin }));
  const { plan, deploy } = scenario.emulator.organization.ci_roles;
  for (const [name, trusted] of [
    ["golden-ami-state-reader", [plan, deploy]],
    ["golden-ami-state-writer", [deploy]],
  ] as const) {
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: [...trusted] }, Action: "sts:AssumeRole" }] };
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const access = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:*", Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] }],
    };
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: "state", PolicyDocument: JSON.stringify(access) }));
  }
}

beforeAll(async () => {
  scenario = await startScenario({ prefix: "handover" });
  await createStateRoles();
  // Roles by convention for every stack, and S3 state with a reader and a writer role.
  const document = parseDocument(readFileSync(scenario.configPath, "utf8"));
  document.set("ci_roles", document.createNode({}));
  document.set(
    "state",
    document.createNode({ bucket: BUCKET, region: REGION, role_arn: role("golden-ami-state-writer"), plan_role_arn: role("golden-ami-state-reader") }),
  );
  writeFileSync(scenario.configPath, document.toString());
  // The emulator serves buckets by path, not by virtual host; and the S3 backend's AssumeRole through a
  // profile asks STS at AWS_ENDPOINT_URL_STS, not AWS_ENDPOINT_URL. Only the test knows either.
  const forEmulator = (base: NodeJS.ProcessEnv) => ({
    ...base,
    TF_CLI_ARGS_init: `${base.TF_CLI_ARGS_init ?? ""} -backend-config=use_path_style=true`,
    AWS_ENDPOINT_URL_STS: scenario.emulator.endpoint,
  });
  env = forEmulator(scenario.env);
  planEnv = forEmulator(scenario.planEnv);
  await scenario.build(1);
});
const step = scenarioSteps(() => scenario?.emulator);

/** golden-ami in the plan job (`job: "plan"`, the CI's plan role) or the apply job (the CI's deploy role). */
const goldenAmi = (outdir: string, ...args: string[]) => goldenAmiIn("apply", outdir, ...args);
const goldenAmiIn = (job: "plan" | "apply", outdir: string, ...args: string[]) =>
  run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), ...args, "--outdir", outdir], { cwd: ROOT, env: job === "plan" ? planEnv : env });

/** Who signed the calls a command made: IAM action → the roles (by name) whose credentials signed it; the job's own role is "environment". */
async function signers(command: () => ReturnType<typeof run>): Promise<{ output: string; by: Map<string, Set<string>> }> {
  const { result, requests } = await scenario.emulator.record(command);
  const output = expectExit(result, "success");
  const by = new Map<string, Set<string>>();
  for (const { action, signer } of await signedActions(scenario.emulator, requests)) {
    const who = signer.name.startsWith("golden-ami-ci-") ? "environment" : signer.name;
    if (!by.has(action)) by.set(action, new Set());
    by.get(action)!.add(who);
  }
  return { output, by };
}

/** Every role that signed a call other than sts:AssumeRole (which the environment's credentials sign). */
const rolesUsed = (by: Map<string, Set<string>>) =>
  new Set(
    [...by]
      .filter(([action]) => action !== "sts:AssumeRole")
      .flatMap(([, who]) => [...who])
      .sort(),
  );
const actionsBy = (by: Map<string, Set<string>>, who: string) => [...by].filter(([, signers]) => signers.has(who)).map(([action]) => action);

describe("a plan made under the plan roles is applied under the deploy roles", () => {
  let outdir: string;

  step("plan --profiles: every call is the plan role's or the state reader's, and no state lock is written", async () => {
    outdir = join(scenario.dir, "out-1");
    const { by } = await signers(() => goldenAmiIn("plan", outdir, "plan", "--profiles", STACK));
    expect(rolesUsed(by)).toEqual(new Set(["golden-ami-plan", "golden-ami-state-reader"]));
    expect(by.get("sts:AssumeRole")).toEqual(new Set(["environment"]));
    expect(actionsBy(by, "golden-ami-state-reader").filter((a) => !a.startsWith("s3:") && a !== "sts:GetCallerIdentity")).toEqual([]);
    expect(by.has("s3:PutObject")).toBe(false); // -lock=false: the reader cannot write a lock file
    const stack = JSON.parse(readFileSync(join(outdir, "stacks", STACK, "cdk.tf.json"), "utf8"));
    expect(stack.provider.aws[0]).toMatchObject({ profile: `golden-ami-${STACK}` });
    expect(stack.provider.aws[0].assume_role).toBeUndefined();
    expect(stack.terraform.backend.s3).toMatchObject({ profile: "golden-ami-state" });
  });

  step("the plan job's own role cannot apply it: no deploy role trusts the CI's plan role, and nothing changes", async () => {
    const refused = await goldenAmiIn("plan", outdir, "apply", STACK);
    const output = expectExit(refused, "failure").replace(/\s+/g, " ");
    expect(output).toContain(`assumed-role/golden-ami-ci-plan/`);
    expect(output).toMatch(/is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::\d{12}:role\/golden-ami-(deploy|state-writer)/);
    const s3 = new S3Client(scenario.emulator.clientConfig({ credentials: await scenario.adminOf(SHARED_ACCOUNT) }));
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `golden-ami/${STACK}.tfstate` }))).rejects.toMatchObject({ name: "NotFound" });
  });

  step("apply: the same saved plan, every change by the deploy role and the state written by the state writer", async () => {
    const { by, output } = await signers(() => goldenAmi(outdir, "apply", STACK));
    expect(output).toContain(`applied 1 saved plan(s): ${STACK}`);
    expect(rolesUsed(by)).toEqual(new Set(["golden-ami-deploy", "golden-ami-state-writer"]));
    expect(by.get("ec2:CreateLaunchTemplate")).toEqual(new Set(["golden-ami-deploy"]));
    expect(by.get("autoscaling:CreateAutoScalingGroup")).toEqual(new Set(["golden-ami-deploy"]));
    expect(by.get("s3:PutObject")).toEqual(new Set(["golden-ami-state-writer"]));
    const deployEnv = { ...env, AWS_CONFIG_FILE: join(outdir, "aws-config.deploy") };
    expect(await stackOutputs(outdir, STACK, deployEnv)).toMatchObject({ launch_template_latest_version: 1 });
  });

  step("a saved plan whose state moved since it was made is refused, and nothing changes", async () => {
    await scenario.build(2);
    const first = join(scenario.dir, "out-2");
    expectExit(await goldenAmiIn("plan", first, "plan", "--profiles", STACK), "success");
    const second = join(scenario.dir, "out-3");
    cpSync(first, second, { recursive: true });
    expectExit(await goldenAmi(first, "apply", STACK), "success");
    const deployEnv = { ...env, AWS_CONFIG_FILE: join(first, "aws-config.deploy") };
    const after = await stackOutputs(first, STACK, deployEnv);
    expect(after).toMatchObject({ launch_template_latest_version: 2 });
    const stale = await goldenAmi(second, "apply", STACK);
    expect(expectExit(stale, "failure")).toContain(`the saved plan of ${STACK} is stale`);
    expect(await stackOutputs(first, STACK, deployEnv)).toEqual(after);
  });
});

describe("saved plans kept in the state bucket, not in artifacts (plan --store-plans, apply --stored-plans)", () => {
  const s3 = () => new S3Client(scenario.emulator.clientConfig({ credentials: admin }));
  let admin: Awaited<ReturnType<Scenario["adminOf"]>>;
  beforeAll(async () => {
    admin = await scenario.adminOf(SHARED_ACCOUNT);
  });
  type Manifest = {
    bucket: string;
    plans: { stack: string; key: string; sha256: string; summary: { status: string; resources: { attributes: { after?: string }[] }[] } }[];
  };
  const manifestOf = (outdir: string) => JSON.parse(readFileSync(join(outdir, "saved-plans.json"), "utf8")) as Manifest;
  /** What the apply job receives: the manifest alone, in a directory of its own. */
  const handOver = (manifest: Manifest, name: string) => {
    const dir = join(scenario.dir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "saved-plans.json"), JSON.stringify(manifest));
    return join(dir, "saved-plans.json");
  };
  const versionNow = async (outdir: string) =>
    (await stackOutputs(outdir, STACK, { ...env, AWS_CONFIG_FILE: join(outdir, "aws-config.deploy") })).launch_template_latest_version;
  let stored: Manifest;
  let storedOutdir: string;

  step("plan stores each plan under <prefix>/plans/<stack>/<sha256>.tfplan with SSE-KMS; the manifest holds keys, hashes and summaries", async () => {
    await scenario.build(3);
    storedOutdir = join(scenario.dir, "out-4");
    const { by } = await signers(() => goldenAmiIn("plan", storedOutdir, "plan", "--profiles", "--store-plans", STACK));
    expect(by.get("s3:PutObject")).toEqual(new Set(["golden-ami-state-reader"]));
    stored = manifestOf(storedOutdir);
    const bytes = readFileSync(join(storedOutdir, "stacks", STACK, "plan"));
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(stored.plans).toEqual([expect.objectContaining({ stack: STACK, key: `golden-ami/plans/${STACK}/${sha}.tfplan`, sha256: sha })]);
    expect(stored.plans[0].summary.status).toBe("changed");
    const head = await s3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: stored.plans[0].key }));
    expect(head.ServerSideEncryption).toBe("aws:kms");
    expect(statSync(join(storedOutdir, "saved-plans.json")).size).toBeLessThan(bytes.length);
  });

  step("apply, given the manifest alone: synthesizes, fetches with the state writer, checks, applies under the deploy role", async () => {
    const outdir = join(scenario.dir, "out-5");
    const { by, output } = await signers(() => goldenAmi(outdir, "apply", "--stored-plans", handOver(stored, "job-5"), STACK));
    expect(output).toContain(`applied 1 saved plan(s): ${STACK}`);
    expect(by.get("s3:GetObject")).toEqual(new Set(["golden-ami-state-writer"]));
    expect(by.get("ec2:CreateLaunchTemplateVersion")).toEqual(new Set(["golden-ami-deploy"]));
    expect(await versionNow(outdir)).toBe(3);
  });

  step("a stored plan replaced in the bucket is refused by its hash, and nothing changes", async () => {
    await scenario.build(4);
    const outdir = join(scenario.dir, "out-6");
    expectExit(await goldenAmiIn("plan", outdir, "plan", "--profiles", "--store-plans", STACK), "success");
    stored = manifestOf(outdir);
    const genuine = readFileSync(join(outdir, "stacks", STACK, "plan"));
    await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: stored.plans[0].key, Body: readFileSync(join(storedOutdir, "stacks", STACK, "plan")) }));
    const refused = await goldenAmi(join(scenario.dir, "out-7"), "apply", "--stored-plans", handOver(stored, "job-7"), STACK);
    expect(expectExit(refused, "failure")).toContain(`nothing was applied: ${STACK}: the stored plan s3://${BUCKET}/${stored.plans[0].key} hashes to`);
    expect(await versionNow(join(scenario.dir, "out-5"))).toBe(3);
    await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: stored.plans[0].key, Body: genuine }));
    const back = await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: stored.plans[0].key }));
    expect(Buffer.from(await back.Body!.transformToByteArray()).equals(genuine)).toBe(true);
  });

  step("a manifest whose summary is not what the plan does is refused before anything is applied; the genuine one applies", async () => {
    const forged = JSON.parse(JSON.stringify(stored)) as Manifest;
    const attribute = forged.plans[0].summary.resources.flatMap((r) => r.attributes).find((a) => a.after !== undefined)!;
    attribute.after = `${attribute.after}-not-what-was-planned`;
    const refused = await goldenAmi(join(scenario.dir, "out-8"), "apply", "--stored-plans", handOver(forged, "job-8"), STACK);
    expectExit(refused, "failure");
    expect(refused.stderr).toContain(`nothing was applied:\n  ${STACK}: the stored plan is not the plan that was reported: aws_`);
    expect(refused.stderr).not.toContain("applying the saved plan");
    expect(await versionNow(join(scenario.dir, "out-5"))).toBe(3);
    // No stack named: exactly the manifest's stacks; a plan file lying in another stack's directory is not one of them.
    const leftover = join(scenario.dir, "out-9", "stacks", "web-production", "plan");
    mkdirSync(dirname(leftover), { recursive: true });
    writeFileSync(leftover, "not a plan of this run");
    const applied = await goldenAmi(join(scenario.dir, "out-9"), "apply", "--stored-plans", handOver(stored, "job-9"));
    expect(expectExit(applied, "success")).toContain(`applied 1 saved plan(s): ${STACK}`);
    expect(readFileSync(leftover, "utf8")).toBe("not a plan of this run");
    expect(await versionNow(join(scenario.dir, "out-9"))).toBe(4);
  });
});
