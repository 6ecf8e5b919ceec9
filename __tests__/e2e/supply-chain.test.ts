import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { run, RunResult } from "../../lib/process";
import { Emulator } from "../../tools/emulator/emulator";
import { stackOutputs } from "../../tools/emulator/inspect";
import { PublishedAmi } from "../../tools/emulator/publish-ami";
import { startScenario } from "./helpers";

// Promotion channels and revocation, end to end on the emulator: promote → plan → apply, and
// revoke → plan. The emulator answers as one account, so production "in another account" is the
// same account here; the cross-account parts (owner filter, no SSM read) are pinned by unit tests.
jest.setTimeout(900_000);

const ROOT = join(__dirname, "..", "..");
let emulator: Emulator;
let env: NodeJS.ProcessEnv;
let outdir: string;
let configPath: string;
const amis: PublishedAmi[] = [];
let publish: (build: number) => Promise<PublishedAmi>;

const goldenAmi = (...args: string[]) => run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), ...args], { cwd: ROOT, env });
const expectOk = (result: RunResult) => {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
};
async function planAndApply(stack: string): Promise<void> {
  expectOk(await goldenAmi("plan", stack, "--outdir", outdir));
  expectOk(await goldenAmi("apply", stack, "--outdir", outdir));
}

beforeAll(async () => {
  const scenario = await startScenario({ prefix: "supply" });
  ({ emulator, outdir, env, configPath } = scenario);
  publish = async (build) => {
    const ami = await scenario.publish(build);
    amis[build] = ami;
    return ami;
  };
  await publish(1);
});

afterAll(async () => {
  await emulator?.stop();
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

  it("refuses an AMI that has not soaked long enough, then promotes it, and production plans the move", async () => {
    await publish(2);
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
  });
});

describe("revocation", () => {
  it("records the revocation in Git, finding the image from the AMI's name", async () => {
    const revoked = expectOk(await goldenAmi("revoke", amis[2].imageId, "--reason", "CVE-2026-0001: vulnerable openssl in build 2"));
    expect(revoked.stderr).toContain("recorded");
    expect(revoked.stderr).toContain("web-production follows channel production, which serves it");
    const file = readFileSync(configPath.replace(/\.yaml$/, ".revocations.yaml"), "utf8");
    expect(file).toContain(`ami_id: ${amis[2].imageId}`);
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
    expect(error).toContain(`(${amis[2].imageId} (${amis[2].name}) of channel production, promoted from staging at`);
    expect(error).toContain("is revoked: CVE-2026-0001: vulnerable openssl in build 2");
  });

  it("golden-ami fleet flags the workloads still running it", async () => {
    const fleet = expectOk(await goldenAmi("fleet", "--json"));
    const rows = JSON.parse(fleet.stdout) as { workload: string; revoked?: string }[];
    expect(rows.find((r) => r.workload === "web-staging")?.revoked).toBe("CVE-2026-0001: vulnerable openssl in build 2");
    expect(rows.find((r) => r.workload === "web-production")?.revoked).toBe("CVE-2026-0001: vulnerable openssl in build 2");
  });
});
