// Channels and revocations: validated files beside the configuration, and the lookups they produce.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { stringify } from "yaml";
import { EXAMPLE_CONFIG, loadConfig } from "../../config/load";
import { ConfigError } from "../../config/problems";
import { recipeLockPath } from "../../config/recipe-lock";
import { channelsPath, endMarker, revocationsPath } from "../../config/supply-chain";

/** Entries as the end marker counts them: revocations, or image × channel pairs (a wrong shape counts 0). */
const entries = (value: unknown): number =>
  Array.isArray(value)
    ? value.length
    : Object.values((value ?? {}) as Record<string, unknown>).reduce<number>((n, ofImage) => n + Object.keys(ofImage ?? {}).length, 0);
import { amiNameRegex } from "../../conventions/ami-names";
import { addStacks } from "../../stacks";
import { exampleRaw, RawConfig, resourcesOf } from "../helpers/example";

const V1 = "ami-0aaaaaaaaaaaaaaa1";
const V2 = "ami-0bbbbbbbbbbbbbbb2";
const BUILD_1 = "sample_v1_2026-11-20T00-00-00.000Z";
const BUILD_2 = "sample_v2_2026-11-21T00-00-00.000Z";
const nameOf = (amiId: string) => (amiId === V1 ? BUILD_1 : BUILD_2);
const REASON = "CVE-2026-0001: vulnerable openssl";
const channel = (amiId: string) => ({
  ami_id: amiId,
  ami_name: nameOf(amiId),
  promoted_from: "staging",
  promoted_at: "2026-11-21T00:00:00Z",
});

function scenario(raw: RawConfig, files: { channels?: unknown; revocations?: unknown }): string {
  const dir = mkdtempSync(join(tmpdir(), "supply-"));
  mkdirSync(join(dir, "cloud-init"));
  copyFileSync(join(EXAMPLE_CONFIG, "..", "cloud-init", "web.yaml.tftpl"), join(dir, "cloud-init", "web.yaml.tftpl"));
  const configPath = join(dir, "config.yaml");
  writeFileSync(configPath, stringify(raw));
  writeFileSync(recipeLockPath(configPath), readFileSync(recipeLockPath(EXAMPLE_CONFIG)));
  // Written as the CLI writes them (with the end marker) but unvalidated: tests give wrong entries too.
  if (files.channels !== undefined) writeFileSync(channelsPath(configPath), stringify(files.channels) + endMarker(entries(files.channels)));
  if (files.revocations !== undefined) writeFileSync(revocationsPath(configPath), stringify(files.revocations) + endMarker(entries(files.revocations)));
  return configPath;
}

function problems(configPath: string) {
  try {
    loadConfig(configPath);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
}

function synth(configPath: string) {
  const app = Testing.app();
  const { workloads } = addStacks(app, loadConfig(configPath));
  return Object.fromEntries(workloads.map((w) => [w.node.id, Testing.synth(w)]));
}

const followsChannel = () => {
  const raw = exampleRaw();
  raw.workloads[1].ami = { source: "channel", channel: "production" };
  return raw;
};

describe("channels", () => {
  it("a workload following a channel looks up that build in its own region by exact name, owned by the shared account, not deprecated, without SSM", () => {
    const stacks = synth(scenario(followsChannel(), { channels: { sample: { production: channel(V1) } } }));
    const production = stacks["web-production"];
    const [ids] = resourcesOf(production, "aws_ami_ids", "data");
    expect(ids).toMatchObject({ owners: ["111122223333"], include_deprecated: false });
    // By name, not by the id it was promoted with: another region's copy of the build has another id.
    expect(ids.filter).toEqual([
      { name: "name", values: [BUILD_1] },
      { name: "state", values: ["available"] },
    ]);
    expect(JSON.stringify(ids)).not.toContain(V1);
    expect(resourcesOf(production, "aws_ssm_parameter", "data")).toEqual([]);
    expect(JSON.stringify(ids.lifecycle)).toContain(`of channel production, promoted from staging at 2026-11-21T00:00:00Z`);
  });

  it("a channel that does not exist is a named problem before Terraform runs", () => {
    expect(problems(scenario(followsChannel(), { channels: { sample: { canary: channel(V1) } } }))).toEqual([
      expect.stringMatching(
        /^workloads\[1\]\.ami\.channel \(line \d+\): got "production", but .*config\.channels\.yaml has no channel production for image sample \(it has canary\)/,
      ),
    ]);
  });

  it("a channel entry's ami_name must be a build name of its image: it is what every region's lookup filters on", () => {
    const hostile = 'sample_v4_${file("/etc/passwd")}_%{ if true }x%{ endif }';
    const found = problems(scenario(followsChannel(), { channels: { sample: { production: { ...channel(V1), ami_name: hostile } } } }));
    expect(found).toEqual([
      `channels.sample.production.ami_name: got ${JSON.stringify(hostile)}, expected an AMI name of image sample (${amiNameRegex("sample")})`,
    ]);
  });

  it("the channels file is validated, with the line of each problem", () => {
    const bad = { sample: { production: { ...channel("ami-nope"), promoted_at: "yesterday" } } };
    const found = problems(scenario(followsChannel(), { channels: bad }));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/config\.channels\.yaml: sample\.production\.ami_id \(line \d+\): got "ami-nope", expected an AMI id/),
        expect.stringMatching(/sample\.production\.promoted_at \(line \d+\): got "yesterday", expected an ISO 8601 time/),
      ]),
    );
  });
});

describe("revocations", () => {
  const revocation = (amiId: string) => [{ ami_id: amiId, ami_name: nameOf(amiId), image: "sample", reason: REASON, revoked_at: "2026-11-22T00:00:00Z" }];

  it("latest lookups skip every copy of a revoked build in their region, keeping the newest-first order, and fail only when all are revoked", () => {
    const staging = synth(scenario(exampleRaw(), { revocations: revocation(V2) }))["web-staging"];
    const locals = JSON.parse(staging).locals as Record<string, unknown>;
    const [eligible] = Object.entries(locals).filter(([k]) => k.includes("Eligible"));
    // This region's copies of the revoked builds, found by name (deprecated ones too), are left out.
    const copies = resourcesOf(staging, "aws_ami_ids", "data").find((d) => JSON.stringify(d.filter).includes(BUILD_2))!;
    expect(copies).toMatchObject({ owners: ["111122223333"], include_deprecated: true, filter: [{ name: "name", values: [BUILD_2] }] });
    expect(eligible[1]).toMatch(/^\$\{\[for id in data\.aws_ami_ids\.\S+\.ids : id if !contains\(data\.aws_ami_ids\.\S*RevokedCopies\S*\.ids, id\)\]\}$/);
    expect(Object.values(locals)).toContainEqual({ [BUILD_2]: REASON });
    const [ami] = resourcesOf(staging, "aws_ami", "data");
    expect(JSON.stringify(ami.lifecycle)).toContain("is revoked");
  });

  it("a pinned or channel AMI that is revoked fails that stack's plan with the reason; other stacks still synthesize", () => {
    const raw = exampleRaw();
    raw.workloads[1].ami = { source: "pinned", image_id: V2 };
    expect(problems(scenario(raw, { revocations: revocation(V2) }))).toEqual([]);
    const pinned = synth(scenario(raw, { revocations: revocation(V2) }))["web-production"];
    expect(JSON.stringify(resourcesOf(pinned, "aws_ami", "data")[0].lifecycle)).toContain(`(${V2} (pinned in the configuration)) is revoked:`);
    // Known before the plan: the lookup's precondition fails with the revocation, before a deprecated
    // or disabled AMI could make it fail as merely "not available".
    const [pinnedIds] = resourcesOf(pinned, "aws_ami_ids", "data");
    expect((pinnedIds.lifecycle as { precondition: { condition: string; error_message: string }[] }).precondition).toEqual([
      {
        condition: expect.stringMatching(new RegExp(`^\\$\\{!contains\\(keys\\(local\\.\\S+\\), "${BUILD_2}"\\)\\}$`)),
        error_message: `The AMI ${V2} (pinned in the configuration) is revoked: build ${BUILD_2}: ${REASON}. Promote or pin another AMI of the image (golden-ami promote, or ami.image_id), then plan again.`,
      },
    ]);
    const channelled = synth(scenario(followsChannel(), { channels: { sample: { production: channel(V2) } }, revocations: revocation(V2) }))["web-production"];
    const [ami] = resourcesOf(channelled, "aws_ami", "data");
    expect(JSON.stringify(ami.lifecycle)).toContain(`of channel production, promoted from staging at 2026-11-21T00:00:00Z) is revoked:`);
    expect(Object.values(JSON.parse(channelled).locals)).toContainEqual({ [BUILD_2]: REASON });
  });

  it("an AMI followed from another environment (known only at plan time) fails the plan with the reason", () => {
    const production = synth(scenario(exampleRaw(), { revocations: revocation(V2) }))["web-production"];
    const [ami] = resourcesOf(production, "aws_ami", "data");
    const postcondition = (ami.lifecycle as { postcondition: { condition: string; error_message: string }[] }).postcondition[0];
    // By name: the id staging's SSM parameter holds is this region's copy of a revoked build.
    expect(postcondition.condition).toMatch(/^\$\{!contains\(keys\(local\.\S+\), self\.name\)\}$/);
    expect(postcondition.error_message).toMatch(
      /^The AMI \$\{self\.id\} \(that staging runs \(SSM parameter \/golden-ami\/sample\/staging\)\) is revoked: build \$\{self\.name\}: \$\{lookup\(local\.\S+, self\.name, ""\)\}\./,
    );
  });

  it("reasons are data: escaped before they reach Terraform", () => {
    const revocations = [{ ...revocation(V2)[0], reason: 'bad ${file("/etc/passwd")} build' }];
    const staging = synth(scenario(exampleRaw(), { revocations }))["web-staging"];
    expect(staging).toContain('bad $${file(\\"/etc/passwd\\")} build');
  });

  it("the revocations file requires a reason worth reading", () => {
    const found = problems(scenario(exampleRaw(), { revocations: [{ ...revocation(V2)[0], reason: "bad" }] }));
    expect(found).toEqual([
      expect.stringMatching(/config\.revocations\.yaml: \[0\]\.reason \(line \d+\): got "bad", expected a reason of at least 10 characters/),
    ]);
  });

  it("a revocation names its build by the image's AMI name", () => {
    const withoutName: Record<string, unknown> = { ...revocation(V2)[0] };
    delete withoutName.ami_name;
    expect(problems(scenario(exampleRaw(), { revocations: [withoutName] }))).toEqual([
      expect.stringMatching(
        /config\.revocations\.yaml: \[0\]\.ami_name \(line \d+\): got nothing, expected the revoked build's AMI name, the same in every region/,
      ),
    ]);
    expect(problems(scenario(exampleRaw(), { revocations: [{ ...revocation(V2)[0], ami_name: "other_v2_2026-11-21T00-00-00.000Z" }] }))).toEqual([
      `revocations[0].ami_name: got "other_v2_2026-11-21T00-00-00.000Z", expected an AMI name of image sample (${amiNameRegex("sample")})`,
    ]);
  });
});
