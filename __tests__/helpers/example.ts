import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Testing } from "cdktf";
import { Document, parse, parseDocument } from "yaml";
import { EXAMPLE_CONFIG, LoadedConfig, LoadOptions, validateConfig } from "../../config/load";
import { ConfigError } from "../../config/problems";
import { recipeLockPath } from "../../config/recipe-lock";
import { addStacks, BuildOptions } from "../../stacks";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into raw YAML freely
export type RawConfig = any;

/**
 * The example configuration written into `dir` (config.yaml, its recipe lock and user-data templates),
 * its accounts as they are, after `edit`. Returns the file's path.
 */
export function writeExampleConfig(dir: string, edit: (document: Document) => void = () => {}): string {
  const document = parseDocument(readFileSync(EXAMPLE_CONFIG, "utf8"));
  for (const [i] of (document.get("workloads") as { items: unknown[] }).items.entries()) {
    const template = document.getIn(["workloads", i, "user_data", "template"]) as string | undefined;
    if (template) {
      mkdirSync(dirname(join(dir, template)), { recursive: true });
      copyFileSync(join(dirname(EXAMPLE_CONFIG), template), join(dir, template));
    }
  }
  edit(document);
  const configPath = join(dir, "config.yaml");
  writeFileSync(configPath, document.toString());
  copyFileSync(recipeLockPath(EXAMPLE_CONFIG), recipeLockPath(configPath));
  return configPath;
}

/** The example configuration as plain data, fresh for each call so tests can change it. */
export function exampleRaw(): RawConfig {
  return parse(readFileSync(EXAMPLE_CONFIG, "utf8"));
}

export function load(raw: RawConfig, options: LoadOptions = { enforceRecipeLock: false }): LoadedConfig {
  return validateConfig(raw, EXAMPLE_CONFIG, options);
}

/** The problems validation reports for `raw`, or [] when it is valid. */
export function problemsOf(raw: RawConfig, options?: LoadOptions): { path: string; message: string }[] {
  try {
    load(raw, options);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

/** Synthesized JSON of every stack, by stack name. */
export function synthAll(raw: RawConfig = exampleRaw(), options: BuildOptions = {}): Record<string, string> {
  const app = Testing.app();
  const { shared, workloads } = addStacks(app, load(raw), options);
  return Object.fromEntries([shared, ...workloads].map((stack) => [stack.node.id, Testing.synth(stack)]));
}

/** Every resource of one type in a synthesized stack, as parsed JSON. */
export function resourcesOf(synthesized: string, type: string, kind: "resource" | "data" = "resource"): Record<string, unknown>[] {
  const json = JSON.parse(synthesized) as Record<string, Record<string, Record<string, Record<string, unknown>>> | undefined>;
  return Object.values(json[kind]?.[type] ?? {});
}
