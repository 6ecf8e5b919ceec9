// Scenarios prepared once per test run: what prepareScenario made (networks, every account
// bootstrapped, the shared stack applied) is kept as an emulator snapshot with the Terraform states it
// wrote, and a later scenario with the same files restores it instead of applying it all again.
//
// The files are written with placeholder network ids (PlaceholderNetworks), so a scenario's key is
// its configuration as the test wrote it, never ids the emulator happened to draw; once the key has
// decided between restoring and preparing, the placeholders become the networks of the world in use.
// A different file is a different key: a miss, never a wrong hit. The cache lives for one run (the
// code does not change within it) in a directory the suite's global setup makes; any emulator of the
// run can restore any of its snapshots.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { Emulator } from "./emulator";
import { EmulatedNetwork, NetworkPlacement, networkOf, rememberNetwork } from "./scenario";

/** A network of an account and region. */
export interface PlacedNetwork {
  readonly accountId: string;
  readonly region: string;
  readonly network: EmulatedNetwork;
}

/** What a prepared scenario left besides the emulator's state, relative to its directory. */
export interface CachedScenario {
  readonly states: ReadonlyArray<{ readonly path: string; readonly content: string }>;
  readonly bootstrapped: ReadonlyArray<string>;
  readonly networks: ReadonlyArray<PlacedNetwork>;
}

/** Directories a scenario's key ignores: what synth and init make. */
const GENERATED = new Set(["out", ".terraform"]);

function filesOf(dir: string, root = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return GENERATED.has(name) ? [] : filesOf(path, root);
      return [relative(root, path)];
    });
}

const hex = (n: number) => n.toString(16).padStart(12, "0");

/**
 * Network ids that stand in for an account's and region's network until the scenario knows which
 * world it runs in; valid-looking (17 hex digits), so the configuration validates with them.
 */
export class PlaceholderNetworks {
  private readonly placed = new Map<string, PlacedNetwork>();

  readonly place: NetworkPlacement = (accountId, region) => {
    const key = `${accountId}/${region}`;
    if (!this.placed.has(key)) {
      const n = this.placed.size;
      const network = { vpcId: `vpc-0ca5e${hex(n)}`, subnetIds: [`subnet-0ca5e${hex(2 * n)}`, `subnet-0ca5e${hex(2 * n + 1)}`] };
      this.placed.set(key, { accountId, region, network });
    }
    return Promise.resolve(this.placed.get(key)!.network);
  };

  /** Real networks for every placeholder, made now, one after another. */
  async realize(emulator: Emulator): Promise<PlacedNetwork[]> {
    const real: PlacedNetwork[] = [];
    for (const { accountId, region } of this.placed.values()) real.push({ accountId, region, network: await networkOf(emulator, accountId, region) });
    return real;
  }

  /** Replaces the placeholders in every file of `dir` with `networks`' ids (by account and region). */
  substitute(dir: string, networks: ReadonlyArray<PlacedNetwork>): void {
    const ids = new Map<string, string>();
    for (const { accountId, region, network } of this.placed.values()) {
      const real = networks.find((n) => n.accountId === accountId && n.region === region)?.network;
      if (!real) throw new Error(`no network of ${accountId} in ${region} to put in place of ${network.vpcId}`);
      ids.set(network.vpcId, real.vpcId);
      network.subnetIds.forEach((id, i) => ids.set(id, real.subnetIds[i]));
    }
    for (const file of filesOf(dir)) {
      const text = readFileSync(join(dir, file), "utf8");
      const replaced = text.replace(/(?:vpc|subnet)-0ca5e[0-9a-f]{12}/g, (id) => ids.get(id) ?? id);
      if (replaced !== text) writeFileSync(join(dir, file), replaced);
    }
  }
}

export class ScenarioCache {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** The cache of this run, when the suite made one (GOLDEN_AMI_SCENARIO_CACHE). */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): ScenarioCache | undefined {
    return env.GOLDEN_AMI_SCENARIO_CACHE ? new ScenarioCache(env.GOLDEN_AMI_SCENARIO_CACHE) : undefined;
  }

  /** The key of a scenario about to be prepared in `scenarioDir` (its files, placeholders and all) the way `variant` names. */
  keyOf(scenarioDir: string, variant: string): string {
    const hash = createHash("sha256").update(variant);
    for (const file of filesOf(scenarioDir)) hash.update(`\0${file}\0`).update(readFileSync(join(scenarioDir, file)));
    return hash.digest("hex").slice(0, 32);
  }

  /** Restores a scenario prepared before under `key` into `emulator` and `scenarioDir`; undefined when there is none. */
  async restore(key: string, emulator: Emulator, scenarioDir: string): Promise<CachedScenario | undefined> {
    const manifest = join(this.dir, `${key}.json`);
    if (!existsSync(manifest)) return undefined;
    const cached = JSON.parse(readFileSync(manifest, "utf8")) as CachedScenario;
    await emulator.restore(join(this.dir, `${key}.pickle`));
    for (const state of cached.states) {
      mkdirSync(dirname(join(scenarioDir, state.path)), { recursive: true });
      writeFileSync(join(scenarioDir, state.path), state.content);
    }
    // Later networkOf calls of the scenario find the restored networks rather than making others.
    for (const { accountId, region, network } of cached.networks) rememberNetwork(emulator, accountId, region, network);
    return cached;
  }

  /** Keeps what prepareScenario made in `scenarioDir` and `emulator` under `key`. */
  async store(key: string, emulator: Emulator, scenarioDir: string, prepared: Omit<CachedScenario, "states">): Promise<void> {
    await emulator.snapshot(join(this.dir, `${key}.pickle`));
    const states = filesOf(scenarioDir)
      .filter((file) => file.endsWith(".tfstate"))
      .map((path) => ({ path, content: readFileSync(join(scenarioDir, path), "utf8") }));
    // The manifest last, renamed into place: a reader sees a whole entry or none.
    const manifest = join(this.dir, `${key}.json`);
    const partial = `${manifest}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify({ states, ...prepared } satisfies CachedScenario));
    renameSync(partial, manifest);
  }
}
