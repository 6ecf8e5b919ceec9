import { readFileSync, writeFileSync } from "node:fs";
import { Document, parseDocument } from "yaml";
import { channelsPath, writeChannels } from "../../config/supply-chain";
import { join } from "node:path";
import { run, RunResult } from "../../lib/process";
import { synthesize } from "../../lib/synth";
import { actionsBySigner, signedActions } from "../../tools/access/signers";
import type { PublishedAmi } from "../../tools/emulator/publish-ami";
import { expectExit, Scenario, scenarioSteps, SHARED_ACCOUNT, startScenario, WORKLOAD_ACCOUNT } from "./helpers";

// The access contract, recorded: every AWS operation the real Terraform provider calls for each stack
// kind and phase, as the emulator's request recorder sees it, compared with the reviewed file
// docs/access/recorded.json. A call that appears (a new resource, a provider upgrade) fails here until
// it is reviewed and the file regenerated: `npm run access:record`. The unit suite evaluates the file
// (access-contract.test.ts). What the emulator cannot produce is listed in docs/access/unrecordable.json.
// The shared stack is applied here for the first time (Image Builder included), and `golden-ami build`
// is recorded as a kind of its own: the shared deploy role runs it.
// Every stack runs in its own account through its per-account roles: docs/access/signers.json records
// which identity in which account signed each call, and every call of a stack must be its own
// account's role's (the CI's role only assumes it).
jest.setTimeout(600_000);

const ROOT = join(__dirname, "..", "..");
const FILE = join(ROOT, "docs", "access", "recorded.json");
const SIGNERS_FILE = join(ROOT, "docs", "access", "signers.json");
const UPDATE = process.env.GOLDEN_AMI_ACCESS_UPDATE === "1";

type Recording = Record<string, Record<string, string[]>>;
const recorded: Recording = {};
const signers: Record<string, Record<string, Record<string, string[]>>> = {};
/** The roles a stack's providers assume: what the contract is about. */
const STACK_ROLE = /^golden-ami-(plan|deploy) in /;

let scenario: Scenario;
beforeAll(async () => {
  scenario = await startScenario({ prefix: "access", sharedStack: "synthesized" });
});
const step = scenarioSteps(() => scenario?.emulator);

const goldenAmi = (...args: string[]) =>
  run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), ...args, "--outdir", scenario.outdir], { cwd: ROOT, env: scenario.env });
/** Terraform itself in a stack, synthesized first for deploys (the last `plan --read-only` left plan-role providers there). */
const terraform = async (stack: string, ...args: string[]) => {
  const synth = await synthesize({ outdir: scenario.outdir, env: scenario.env });
  if (synth.code !== 0) return synth;
  return run("terraform", args, { cwd: join(scenario.outdir, "stacks", stack), env: scenario.env });
};

/**
 * Runs the commands of one phase, each expected to succeed, and records the IAM actions they caused:
 * those of the stack's own roles for the contract, and every signer's, by account.
 */
async function phase(kind: string, account: string, name: string, ...commands: Array<() => Promise<RunResult>>) {
  const { requests } = await scenario.emulator.record(async () => {
    for (const command of commands) expectExit(await command(), "success");
  });
  const bySigner = actionsBySigner(await signedActions(scenario.emulator, requests));
  (signers[kind] ??= {})[name] = bySigner;
  (recorded[kind] ??= {})[name] = [...new Set(Object.entries(bySigner).flatMap(([signer, actions]) => (STACK_ROLE.test(signer) ? actions : [])))].sort();
  // Every call of the stack is made by its own account's role of the phase's purpose (a read-only
  // plan's by the plan role, anything else by the deploy role); the CI's own role only assumes them.
  const role = name.includes("read-only") ? "golden-ami-plan" : "golden-ami-deploy";
  for (const [signer, actions] of Object.entries(bySigner)) {
    if (STACK_ROLE.test(signer)) expect(`${kind}, ${name}: ${signer}`).toBe(`${kind}, ${name}: ${role} in ${account}`);
    else expect(`${signer}: ${actions.join(", ")}`).toMatch(/^golden-ami-ci-(plan|deploy) in \d{12}: sts:AssumeRole$/);
  }
}

const readOnlyPlan = (stack: string) => () => goldenAmi("plan", "--read-only", stack);
const planAndApply = (stack: string) => [
  () => goldenAmi("plan", stack),
  () => run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "apply", stack, "--outdir", scenario.outdir], { cwd: ROOT, env: scenario.env }),
];

const STAGING = "workload: rolling group, KMS grant, latest AMI (web-staging)";
const PRODUCTION = "workload: follows another environment's AMI through SSM (web-production)";
const SHARED = "shared: Image Builder pipeline, AMI key, notifications, IAM, build security group";
const BUILD = "shared: golden-ami build (the image's pipeline, followed to its AMIs)";
const BLUE_GREEN = "workload: blue/green groups behind target groups, one colour on a channel, one pinned (web-bg)";
const published: PublishedAmi[] = [];
const goldenAmiBuild = () =>
  run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "build", "sample", "--wait", "--json"], { cwd: ROOT, env: scenario.env });

/** Edits the scenario's configuration in place. */
function editConfig(edit: (document: Document) => void): void {
  const document = parseDocument(readFileSync(scenario.configPath, "utf8"));
  edit(document);
  writeFileSync(scenario.configPath, document.toString());
}

/** Adds web-bg in the workload account: blue follows the production channel (serving build 2), green pins build 1's id. */
async function addBlueGreenWorkload() {
  const network = await scenario.networkOf(WORKLOAD_ACCOUNT);
  writeChannels(channelsPath(scenario.configPath), {
    sample: { production: { ami_id: published[2].imageId, ami_name: published[2].name, promoted_from: "staging", promoted_at: "2026-01-01T00:00:00Z" } },
  });
  const document = parseDocument(readFileSync(scenario.configPath, "utf8"));
  (document.get("workloads") as { add(value: unknown): void }).add(
    document.createNode({
      name: "web-bg",
      environment: "bluegreen",
      account_id: WORKLOAD_ACCOUNT,
      region: document.getIn(["shared", "region"]),
      image: "sample",
      publish_ami_parameter: false,
      network: { vpc_id: network.vpcId },
      auto_scaling: { subnet_ids: network.subnetIds, instance_refresh: { enabled: false } },
      blue_green: {
        blue: { ami: { source: "channel", channel: "production" }, serves: ["production"], min_size: 1, max_size: 1 },
        green: { ami: { source: "pinned", image_id: published[1].imageId }, serves: ["verification"], min_size: 1, max_size: 1 },
      },
    }),
  );
  writeFileSync(scenario.configPath, document.toString());
}

describe("the AWS calls of each stack kind and phase, recorded against the emulator", () => {
  step("the shared stack: planned before it exists, applied (Image Builder, the AMI key, IAM, notifications), planned again", async () => {
    await phase(SHARED, SHARED_ACCOUNT, "plan, read-only, before it exists", readOnlyPlan("shared"));
    await phase(SHARED, SHARED_ACCOUNT, "apply: create", ...planAndApply("shared"));
    await phase(SHARED, SHARED_ACCOUNT, "plan, read-only, after an apply", readOnlyPlan("shared"));
    // What changes in place, as a platform team changes it: build instances, schedule, AMI tags, lifecycle counts, default tags.
    editConfig((document) => {
      document.setIn(["images", 0, "instance_types"], document.createNode(["t3.medium"]));
      document.setIn(["images", 0, "schedule", "cron"], "cron(0 4 ? * MON *)");
      document.setIn(["images", 0, "distribution", "ami_tags", "Team"], "platform");
      document.setIn(["images", 0, "lifecycle", "deprecate_beyond_newest"], 4);
      document.setIn(["tags", "CostCenter"], "1234");
    });
    await phase(SHARED, SHARED_ACCOUNT, "apply: update in place", ...planAndApply("shared"));
    expect(recorded[SHARED]["apply: update in place"]).toEqual(
      expect.arrayContaining([
        "imagebuilder:UpdateImagePipeline",
        "imagebuilder:UpdateInfrastructureConfiguration",
        "imagebuilder:UpdateDistributionConfiguration",
        "imagebuilder:UpdateLifecyclePolicy",
        "imagebuilder:TagResource",
      ]),
    );
    expect(recorded[SHARED]["apply: create"]).toEqual(
      expect.arrayContaining([
        "imagebuilder:CreateImagePipeline",
        "imagebuilder:CreateLifecyclePolicy",
        "kms:CreateKey",
        "sns:CreateTopic",
        "iam:CreateRole",
        "events:PutRule",
      ]),
    );
  });

  step("golden-ami build: the pipeline started and followed to its AMIs, with the shared deploy role", async () => {
    await phase(BUILD, SHARED_ACCOUNT, "build --wait", goldenAmiBuild);
    expect(recorded[BUILD]["build --wait"]).toEqual([
      "imagebuilder:GetImage",
      "imagebuilder:GetImagePipeline",
      "imagebuilder:ListImagePipelineImages",
      "imagebuilder:StartImagePipelineExecution",
    ]);
  });

  step("a workload stack with a rolling group and a grant on the shared key", async () => {
    published[1] = await scenario.build(2);
    await phase(STAGING, WORKLOAD_ACCOUNT, "plan, read-only, before it exists", readOnlyPlan("web-staging"));
    await phase(STAGING, WORKLOAD_ACCOUNT, "apply: create", ...planAndApply("web-staging"));
    await phase(STAGING, WORKLOAD_ACCOUNT, "plan, read-only, nothing to change", readOnlyPlan("web-staging"));
    published[2] = await scenario.build(3);
    await phase(STAGING, WORKLOAD_ACCOUNT, "apply: update to a new AMI", ...planAndApply("web-staging"));
  });

  step("a workload stack that follows another environment", async () => {
    await phase(PRODUCTION, WORKLOAD_ACCOUNT, "plan, read-only, before it exists", readOnlyPlan("web-production"));
    await phase(PRODUCTION, WORKLOAD_ACCOUNT, "apply: create", ...planAndApply("web-production"));
    await phase(PRODUCTION, WORKLOAD_ACCOUNT, "plan, read-only, nothing to change", readOnlyPlan("web-production"));
    await phase(PRODUCTION, WORKLOAD_ACCOUNT, "destroy", () => terraform("web-production", "destroy", "-auto-approve", "-input=false", "-no-color"));
  });

  step("a blue/green workload, its colours on a channel and on a pinned AMI", async () => {
    await addBlueGreenWorkload();
    await phase(BLUE_GREEN, WORKLOAD_ACCOUNT, "plan, read-only, before it exists", readOnlyPlan("web-bg"));
    await phase(BLUE_GREEN, WORKLOAD_ACCOUNT, "apply: create", ...planAndApply("web-bg"));
    await phase(BLUE_GREEN, WORKLOAD_ACCOUNT, "plan, read-only, nothing to change", readOnlyPlan("web-bg"));
    await phase(BLUE_GREEN, WORKLOAD_ACCOUNT, "destroy", () => terraform("web-bg", "destroy", "-auto-approve", "-input=false", "-no-color"));
    expect(recorded[BLUE_GREEN]["apply: create"]).toEqual(expect.arrayContaining(["elasticloadbalancing:CreateTargetGroup"]));
  });

  step("destroying the rolling workload (the grant is retired, not revoked)", async () => {
    await phase(STAGING, WORKLOAD_ACCOUNT, "destroy", () => terraform("web-staging", "destroy", "-auto-approve", "-input=false", "-no-color"));
    expect(recorded[STAGING].destroy).toContain("kms:RetireGrant");
    expect(recorded[STAGING].destroy).not.toContain("kms:RevokeGrant");
  });

  step("destroying the shared stack (the AMI key last, scheduled for deletion)", async () => {
    await phase(SHARED, SHARED_ACCOUNT, "destroy", () => terraform("shared", "destroy", "-auto-approve", "-input=false", "-no-color"));
  });

  step("match the reviewed recording (npm run access:record regenerates it)", async () => {
    if (UPDATE) {
      writeFileSync(FILE, JSON.stringify(recorded, null, 2) + "\n");
      writeFileSync(SIGNERS_FILE, JSON.stringify(signers, null, 2) + "\n");
      // As the linter wants them, so a fresh recording can be committed as it is.
      await run(join(ROOT, "node_modules", ".bin", "prettier"), ["--write", FILE, SIGNERS_FILE], { cwd: ROOT });
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
    const reviewedSigners = JSON.parse(readFileSync(SIGNERS_FILE, "utf8")) as typeof signers;
    for (const [kind, phases] of Object.entries(signers)) {
      for (const [name, bySigner] of Object.entries(phases)) {
        const known = reviewedSigners[kind]?.[name] ?? {};
        for (const signer of new Set([...Object.keys(bySigner), ...Object.keys(known)])) {
          if (JSON.stringify(bySigner[signer] ?? []) !== JSON.stringify(known[signer] ?? [])) {
            differences.push(
              `${kind}, ${name}: ${signer} called ${(bySigner[signer] ?? []).join(", ") || "nothing"} (reviewed: ${(known[signer] ?? []).join(", ") || "nothing"})`,
            );
          }
        }
      }
    }
    if (differences.length > 0) {
      throw new Error(`the AWS calls differ from ${FILE} or ${SIGNERS_FILE}; review them, then run \`npm run access:record\`:\n  ${differences.join("\n  ")}`);
    }
  });
});
