import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { checkComponentDocument, ComponentDocument } from "./component-document";
import { ConfigError, formatPath, Problem, showValue, zodMessages } from "./problems";
import { encryptionAndLifecycleProblems } from "./encryption-rules";
import { rolloutProblems } from "./rollout-rules";
import { checkRecipeLock, readRecipeLock, recipeFingerprint, recipeLockPath, recipeVersions } from "./recipe-lock";
import { Config, ConfigSchema } from "./schema";
import { checkTemplateVariables } from "./user-data-template";

// Relative to a folder one level below the project: config/ as source, dist/ when bundled.
/** Where the project keeps its component documents. */
export const COMPONENTS_DIR = resolve(__dirname, "..", "image-components");
export const EXAMPLE_CONFIG = resolve(__dirname, "..", "config", "example.yaml");

export interface ComponentSource {
  readonly file: string;
  readonly text: string;
  readonly document: ComponentDocument;
}

/** A configuration that passed every check, with the documents it names already read. */
export interface LoadedConfig {
  readonly config: Config;
  readonly configPath: string;
  readonly components: ReadonlyMap<string, ComponentSource>;
  /** Absolute path of each workload's user-data template, by workload name. */
  readonly userDataTemplates: ReadonlyMap<string, string>;
  /** Recipe fingerprint of each image, by image name (see recipe-lock.ts). */
  readonly recipeFingerprints: ReadonlyMap<string, string>;
  /** Recipe versions of each image, newest first: the current one and those recorded before it. */
  readonly recipeVersions: ReadonlyMap<string, ReadonlyArray<string>>;
}

export interface LoadOptions {
  readonly componentsDir?: string;
  /** Check recipe versions against the lock file next to the configuration. @default true */
  readonly enforceRecipeLock?: boolean;
}

/** Reads, validates and cross-checks a configuration file; throws ConfigError listing every problem. */
export function loadConfig(configPath: string, options: LoadOptions = {}): LoadedConfig {
  const path = resolve(configPath);
  const source = displayPath(path);
  if (!existsSync(path)) throw new ConfigError(source, [{ path: "(file)", message: "does not exist; set AMI_PIPELINE_CONFIG to a configuration file" }]);
  const yaml = parseDocument(readFileSync(path, "utf8"), { prettyErrors: true });
  if (yaml.errors.length > 0)
    throw new ConfigError(
      source,
      yaml.errors.map((e) => ({ path: "(yaml)", message: e.message })),
    );
  return validateConfig(yaml.toJS(), path, options);
}

/** Validates an already-parsed configuration whose relative paths resolve against `configPath`. */
export function validateConfig(raw: unknown, configPath: string, options: LoadOptions = {}): LoadedConfig {
  const source = displayPath(configPath);
  const parsed = ConfigSchema.safeParse(raw, { reportInput: true, error: zodMessages });
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.map(schemaProblem));
  const config = parsed.data;
  const componentsDir = options.componentsDir ?? COMPONENTS_DIR;

  const problems: Problem[] = [
    ...uniqueNames(config),
    ...publicLaunchPermissions(config),
    ...unknownImages(config),
    ...rolloutProblems(config),
    ...encryptionAndLifecycleProblems(config),
  ];
  const components = readComponents(config, componentsDir, problems);
  const userDataTemplates = readUserDataTemplates(config, dirname(configPath), problems);
  const encryptionKey = (image: Config["images"][number]) =>
    config.ami_encryption.enabled ? `alias/${config.ami_encryption.key_alias}` : (image.distribution.kms_key_arn ?? null);
  const fingerprints = config.images.map((image) => recipeFingerprint(image, (file) => components.get(file)?.text ?? "", encryptionKey(image)));
  const lockFile = recipeLockPath(configPath);
  const lock = readRecipeLock(lockFile);
  if (problems.length === 0 && options.enforceRecipeLock !== false) {
    problems.push(...checkRecipeLock(config.images, fingerprints, lock, displayPath(lockFile)));
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return {
    config,
    configPath,
    components,
    userDataTemplates,
    recipeFingerprints: new Map(config.images.map((image, i) => [image.name, fingerprints[i]])),
    recipeVersions: new Map(config.images.map((image) => [image.name, recipeVersions(image, lock)])),
  };
}

/** Relative to the working directory when inside it, absolute otherwise. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}

function schemaProblem(issue: z.core.$ZodIssue): Problem {
  const found = issue.code === "unrecognized_keys" ? "" : `got ${showValue(issue.input)}, `;
  return { path: formatPath(issue.path) || "(root)", message: `${found}${issue.message}` };
}

/** A problem for every entry whose name an earlier entry already uses. */
function repeatedNames(entries: ReadonlyArray<{ name: string }>, field: string, expected: string): Problem[] {
  return entries.flatMap((entry, i) =>
    entries.findIndex((other) => other.name === entry.name) === i
      ? []
      : [{ path: `${field}[${i}].name`, message: `got ${showValue(entry.name)}, ${expected}` }],
  );
}

function uniqueNames(config: Config): Problem[] {
  return [
    ...repeatedNames(config.images, "images", "expected a unique image name (it is used twice)"),
    ...repeatedNames(config.workloads, "workloads", "expected a unique workload name (it names a stack; it is used twice)"),
    ...config.workloads.flatMap((w, i) =>
      w.name === "shared" ? [{ path: `workloads[${i}].name`, message: 'got "shared", which is the shared stack\'s name; expected another name' }] : [],
    ),
  ];
}

function publicLaunchPermissions(config: Config): Problem[] {
  return config.images.flatMap((image, i) =>
    image.distribution.launch_permissions.user_groups.map((group, g) => ({
      path: `images[${i}].distribution.launch_permissions.user_groups[${g}]`,
      message:
        group === "all"
          ? 'got "all", which would make every AMI of this image public; AMIs are shared only with the organization, OU ARNs or account ids'
          : `got ${showValue(group)}, expected no user groups (the only EC2 launch group, "all", makes AMIs public)`,
    })),
  );
}

function unknownImages(config: Config): Problem[] {
  const known = config.images.map((image) => image.name);
  return config.workloads.flatMap((workload, i) =>
    known.includes(workload.image)
      ? []
      : [
          {
            path: `workloads[${i}].image`,
            message: `got ${showValue(workload.image)}, expected one of the configured images: ${known.map((n) => `"${n}"`).join(", ")}`,
          },
        ],
  );
}

function readComponents(config: Config, componentsDir: string, problems: Problem[]): Map<string, ComponentSource> {
  const components = new Map<string, ComponentSource>();
  config.images.forEach((image, i) =>
    image.components.forEach((ref, c) => {
      if (components.has(ref.file)) return;
      const file = join(componentsDir, ref.file);
      if (!existsSync(file)) {
        problems.push({
          path: `images[${i}].components[${c}].file`,
          message: `got ${showValue(ref.file)}, expected a file in ${displayPath(componentsDir)}/ (it does not exist)`,
        });
        return;
      }
      const text = readFileSync(file, "utf8");
      const checked = checkComponentDocument(`image-components/${ref.file}`, text);
      problems.push(...checked.problems);
      if (checked.document) components.set(ref.file, { file: ref.file, text, document: checked.document });
    }),
  );
  return components;
}

function readUserDataTemplates(config: Config, configDir: string, problems: Problem[]): Map<string, string> {
  const templates = new Map<string, string>();
  config.workloads.forEach((workload, i) => {
    if (!workload.user_data) return;
    const file = resolve(configDir, workload.user_data.template);
    if (!existsSync(file)) {
      problems.push({
        path: `workloads[${i}].user_data.template`,
        message: `got ${showValue(workload.user_data.template)}, expected a template file relative to the configuration (${file} does not exist)`,
      });
      return;
    }
    problems.push(
      ...checkTemplateVariables(`workloads[${i}].user_data.variables`, readFileSync(file, "utf8"), workload.user_data.variables, workload.user_data.template),
    );
    templates.set(workload.name, file);
  });
  return templates;
}
