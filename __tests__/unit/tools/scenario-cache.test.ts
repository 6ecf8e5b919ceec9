// The end-to-end suite's scenario cache (tools/emulator/scenario-cache.ts), the parts that need no
// emulator: the key is the files as written, placeholders and all; placeholders become the networks.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PlaceholderNetworks, ScenarioCache } from "../../../tools/emulator/scenario-cache";

const scenarioDir = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), "scenario-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
};

describe("ScenarioCache.keyOf", () => {
  const cache = new ScenarioCache(mkdtempSync(join(tmpdir(), "cache-")));

  it("is the same for the same files in another directory, and differs with any byte, file name or variant", () => {
    const files = { "config.yaml": "images: []\n", "cloud-init/web.yaml.tftpl": "#cloud-config\n" };
    const key = cache.keyOf(scenarioDir(files), "shared applied");
    expect(cache.keyOf(scenarioDir(files), "shared applied")).toBe(key);
    expect(cache.keyOf(scenarioDir({ ...files, "config.yaml": "images: [] \n" }), "shared applied")).not.toBe(key);
    expect(cache.keyOf(scenarioDir({ "config.yml": files["config.yaml"], "cloud-init/web.yaml.tftpl": "#cloud-config\n" }), "shared applied")).not.toBe(key);
    expect(cache.keyOf(scenarioDir(files), "shared synthesized")).not.toBe(key);
  });

  it("ignores what synth and init make (out/, .terraform/)", () => {
    const files = { "config.yaml": "x: 1\n" };
    expect(cache.keyOf(scenarioDir({ ...files, "out/stacks/shared/cdk.tf.json": "{}", "bootstrap/.terraform/x": "y" }), "v")).toBe(
      cache.keyOf(scenarioDir(files), "v"),
    );
  });
});

describe("PlaceholderNetworks", () => {
  it("stands in one valid-looking network per account and region, and puts the real ids in their place", async () => {
    const placeholders = new PlaceholderNetworks();
    const a = await placeholders.place("111122223333", "ap-northeast-1");
    const b = await placeholders.place("444455556666", "ap-northeast-1");
    expect(await placeholders.place("111122223333", "ap-northeast-1")).toBe(a);
    for (const id of [a.vpcId, b.vpcId]) expect(id).toMatch(/^vpc-[0-9a-f]{17}$/);
    for (const id of [...a.subnetIds, ...b.subnetIds]) expect(id).toMatch(/^subnet-[0-9a-f]{17}$/);
    expect(new Set([a.vpcId, b.vpcId, ...a.subnetIds, ...b.subnetIds]).size).toBe(6);

    const dir = scenarioDir({ "config.yaml": `shared: ${a.vpcId} ${a.subnetIds[0]}\nweb: ${b.vpcId} [${b.subnetIds.join(", ")}]\n` });
    placeholders.substitute(dir, [
      { accountId: "444455556666", region: "ap-northeast-1", network: { vpcId: "vpc-0b", subnetIds: ["subnet-0b1", "subnet-0b2"] } },
      { accountId: "111122223333", region: "ap-northeast-1", network: { vpcId: "vpc-0a", subnetIds: ["subnet-0a1", "subnet-0a2"] } },
    ]);
    expect(readFileSync(join(dir, "config.yaml"), "utf8")).toBe("shared: vpc-0a subnet-0a1\nweb: vpc-0b [subnet-0b1, subnet-0b2]\n");
  });

  it("refuses to substitute without a network for every placeholder", async () => {
    const placeholders = new PlaceholderNetworks();
    await placeholders.place("111122223333", "eu-west-1");
    expect(() => placeholders.substitute(scenarioDir({ "config.yaml": "" }), [])).toThrow("no network of 111122223333 in eu-west-1");
  });
});
