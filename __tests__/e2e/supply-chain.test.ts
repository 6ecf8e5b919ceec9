import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { run, RunResult } from "../../lib/process";
import { stackOutputs } from "../../tools/emulator/inspect";
import { PublishedAmi } from "../../tools/emulator/publish-ami";
import { EmulatedNetwork } from "../../tools/emulator/scenario";
import { REGION, savedPlan, Scenario, startScenario, WORKLOAD_ACCOUNT } from "./helpers";

// Promotion channels and revocation, end to end on the emulator: promote → plan → apply, and
// revoke → plan, in two regions: the image distributes to a second region, where each build's copy has
// its own id and the same name, and a production workload there follows the same channel. The AMIs
// are the shared account's, seen by the workload account through their launch permission to the
// organization; staging and production share the example's workload account (production starts by
// following staging through SSM, which is read in one account only).
jest.setTimeout(900_000);

const ROOT = join(__dirname, "..", "..");
const SECOND_REGION = "eu-west-1";
let scenario: Scenario;
let env: NodeJS.ProcessEnv;
let outdir: string;
let configPath: string;
const amis: PublishedAmi[] = [];
let build: (number: number) => Promise<PublishedAmi>;

const goldenAmi = (...args: string[]) => run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), ...args], { cwd: ROOT, env });
const expectOk = (result: RunResult) => {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
};
async function planAndApply(stack: string): Promise<void> {
  expectOk(await goldenAmi("plan", stack, "--outdir", outdir));
  expectOk(await goldenAmi("apply", stack, "--outdir", outdir));
}

/** Adds web-production-eu in the second region, on its own network there, following `ami`. */
function addSecondRegionWorkload(network: EmulatedNetwork, ami: Record<string, string>) {
  const document = parseDocument(readFileSync(configPath, "utf8"));
  const production = (document.getIn(["workloads", 1]) as { toJSON(): Record<string, unknown> }).toJSON();
  const workload = {
    ...production,
    name: "web-production-eu",
    region: SECOND_REGION,
    ami,
    network: { ...(production.network as object), vpc_id: network.vpcId },
    auto_scaling: { ...(production.auto_scaling as object), subnet_ids: network.subnetIds },
  };
  (document.get("workloads") as { add(value: unknown): void }).add(document.createNode(workload));
  writeFileSync(configPath, document.toString());
}

beforeAll(async () => {
  scenario = await startScenario({
    prefix: "supply",
    edit: (document) => document.setIn(["images", 0, "distribution", "regions"], document.createNode([REGION, SECOND_REGION])),
  });
  ({ outdir, env, configPath } = scenario);
  build = async (number) => {
    const ami = await scenario.build(number);
    amis[number] = ami;
    return ami;
  };
  await build(1);
});

describe("promotion channels", () => {
  it("refuses to promote what the source does not run yet", async () => {
    const refused = await goldenAmi("promote", "--image", "sample", "--from", "staging", "--to", "production", "--soak-hours", "0");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("promotion refused: web-staging (staging) has no state yet");
  });

  it("promotes what staging runs into the production channel, as a file change", async () => {
    await planAndApply("web-staging");
    const promoted = expectOk(await goldenAmi("promote", "--image", "sample", "--from", "staging", "--to", "production", "--soak-hours", "0", "--json"));
    expect(JSON.parse(promoted.stdout)).toMatchObject({ ami_id: amis[1].imageId, ami_name: amis[1].name, promoted_from: "staging" });
    const channels = readFileSync(configPath.replace(/\.yaml$/, ".channels.yaml"), "utf8");
    expect(channels).toContain(`ami_id: ${amis[1].imageId}`);
    // Production now follows the channel: its account needs no access to staging's SSM parameter.
    const document = parseDocument(readFileSync(configPath, "utf8"));
    document.setIn(["workloads", 1, "ami"], document.createNode({ source: "channel", channel: "production" }));
    writeFileSync(configPath, document.toString());
    await planAndApply("web-production");
    expect(await stackOutputs(outdir, "web-production", env)).toMatchObject({ ami_id: amis[1].imageId });
  });

  it("a workload in another region follows the same channel onto that region's copy of the build", async () => {
    expect(amis[1].copies[SECOND_REGION]).toMatch(/^ami-/);
    expect(amis[1].copies[SECOND_REGION]).not.toBe(amis[1].imageId);
    addSecondRegionWorkload(await scenario.networkOf(WORKLOAD_ACCOUNT, SECOND_REGION), { source: "channel", channel: "production" });
    await planAndApply("web-production-eu");
    expect(await stackOutputs(outdir, "web-production-eu", env)).toMatchObject({ ami_id: amis[1].copies[SECOND_REGION], ami_name: amis[1].name });
    // Both regions run one build: promote compares builds, not ids, and promotes from production.
    const promoted = expectOk(await goldenAmi("promote", "--image", "sample", "--from", "production", "--to", "stable", "--soak-hours", "0", "--json"));
    expect(JSON.parse(promoted.stdout)).toMatchObject({ ami_name: amis[1].name, promoted_from: "production" });
  });

  it("refuses an AMI that has not soaked long enough, then promotes it, and production plans the move", async () => {
    await build(2);
    await planAndApply("web-staging");
    const early = await goldenAmi("promote", "--image", "sample", "--from", "staging", "--to", "production", "--soak-hours", "24");
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/environment staging has run ami-[0-9a-f]+ for 0\.\d h, less than the soak time of 24 h/);
    expectOk(await goldenAmi("promote", "--image", "sample", "--from", "staging", "--to", "production", "--soak-hours", "0"));
    expectOk(await goldenAmi("plan", "web-production", "--outdir", outdir));
    const report = expectOk(await goldenAmi("report", "--outdir", outdir));
    expect(report.stdout).toContain(`\`${amis[1].imageId}\` \`${amis[1].name}\` | \`${amis[2].imageId}\``);
    expectOk(await goldenAmi("apply", "web-production", "--outdir", outdir));
    expect(await stackOutputs(outdir, "web-production", env)).toMatchObject({ ami_id: amis[2].imageId });
    await planAndApply("web-production-eu");
    expect(await stackOutputs(outdir, "web-production-eu", env)).toMatchObject({ ami_id: amis[2].copies[SECOND_REGION] });
  });
});

describe("revocation", () => {
  it("records the build's revocation in Git from any region's copy, finding the image from the AMI's name", async () => {
    // The second region's id: revoke finds it there, and records the build by name.
    const revoked = expectOk(await goldenAmi("revoke", amis[2].copies[SECOND_REGION], "--reason", "CVE-2026-0001: vulnerable openssl in build 2"));
    expect(revoked.stderr).toContain(`recorded build ${amis[2].name} (sample) as revoked`);
    expect(revoked.stderr).toContain("web-production follows channel production, which serves it");
    expect(revoked.stderr).toContain("web-production-eu follows channel production, which serves it");
    const file = readFileSync(configPath.replace(/\.yaml$/, ".revocations.yaml"), "utf8");
    expect(file).toContain(`ami_name: ${amis[2].name}`);
    expect(file).toContain("image: sample");
  });

  it("latest lookups skip it: staging's plan steps back to the newest AMI not revoked", async () => {
    expectOk(await goldenAmi("plan", "web-staging", "--outdir", outdir));
    const report = expectOk(await goldenAmi("report", "--outdir", outdir));
    expect(report.stdout).toContain(`\`${amis[2].imageId}\``);
    expect(report.stdout).toMatch(new RegExp(`\`${amis[1].imageId}\` \`${amis[1].name}\` ⚠️ \\*\\*older build: a step back\\*\\*`));
  });

  it("a channel serving it fails that stack's plan with the channel, the AMI and the reason", async () => {
    const planned = await goldenAmi("plan", "web-production", "--outdir", outdir);
    expect(planned.code).toBe(1);
    const error = readFileSync(join(outdir, "stacks", "web-production", "plan-error.txt"), "utf8").replace(/\s+/g, " ");
    // Known before the plan reads anything: the revocation speaks first, before "not available".
    expect(error).toContain(`The AMI ${amis[2].name} of channel production, promoted from staging at`);
    expect(error).toContain(`is revoked: build ${amis[2].name}: CVE-2026-0001: vulnerable openssl in build 2`);
  });

  it("the channel fails the second region's plan too: the revocation names the build, whatever the region's id", async () => {
    const planned = await goldenAmi("plan", "web-production-eu", "--outdir", outdir);
    expect(planned.code).toBe(1);
    const error = readFileSync(join(outdir, "stacks", "web-production-eu", "plan-error.txt"), "utf8").replace(/\s+/g, " ");
    expect(error).toContain(`The AMI ${amis[2].name} of channel production`);
    expect(error).toContain(`is revoked: build ${amis[2].name}: CVE-2026-0001`);
  });

  it("a latest lookup in the second region skips the revoked build's copy there", async () => {
    const document = parseDocument(readFileSync(configPath, "utf8"));
    document.setIn(["workloads", 2, "ami"], document.createNode({ source: "latest" }));
    writeFileSync(configPath, document.toString());
    await planAndApply("web-production-eu");
    expect(await stackOutputs(outdir, "web-production-eu", env)).toMatchObject({ ami_id: amis[1].copies[SECOND_REGION] });
  });

  it("golden-ami fleet flags the workloads still running it", async () => {
    const fleet = expectOk(await goldenAmi("fleet", "--json"));
    const rows = JSON.parse(fleet.stdout) as { workload: string; revoked?: string }[];
    expect(rows.find((r) => r.workload === "web-staging")?.revoked).toBe("CVE-2026-0001: vulnerable openssl in build 2");
    expect(rows.find((r) => r.workload === "web-production")?.revoked).toBe("CVE-2026-0001: vulnerable openssl in build 2");
  });
});

describe("retiring a workload", () => {
  it("retired: true makes a plan that destroys everything the stack created; applied, fleet names it for removal", async () => {
    const document = parseDocument(readFileSync(configPath, "utf8"));
    document.setIn(["workloads", 2, "retired"], true);
    writeFileSync(configPath, document.toString());
    expectOk(await goldenAmi("plan", "web-production-eu", "--outdir", outdir));
    const changes = (await savedPlan(outdir, "web-production-eu", env)).resource_changes ?? [];
    const managed = changes.filter((c) => !c.address.startsWith("data."));
    expect(managed.map((c) => c.type)).toEqual(expect.arrayContaining(["aws_launch_template", "aws_autoscaling_group", "aws_kms_grant"]));
    expect(managed.every((c) => c.change.actions.join() === "delete")).toBe(true);
    expectOk(await goldenAmi("apply", "web-production-eu", "--outdir", outdir));
    const rows = JSON.parse(expectOk(await goldenAmi("fleet", "--json")).stdout) as { workload: string; note?: string }[];
    expect(rows.find((r) => r.workload === "web-production-eu")?.note).toMatch(/^retired and destroyed: remove its entry/);
  });
});
