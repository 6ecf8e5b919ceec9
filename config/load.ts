import { existsSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { z } from "zod";
import { configurationsSharingStem } from "./data-files";
import { checkComponentDocument, ComponentDocument } from "./component-document";
import { BOOTSTRAP_STACK_PREFIX, SHARED_STACK_NAME } from "../conventions/names";
import { ConfigError, formatPath, Problem, showValue, zodMessages } from "./problems";
import { encryptionAndLifecycleProblems } from "./encryption-rules";
import { rolloutProblems } from "./rollout-rules";
import { tagLimitProblems } from "./tag-rules";
import { Channels, channelsPath, readChannels, readRevocations, Revocation, revocationsPath } from "./supply-chain";
import { supplyChainProblems } from "./supply-chain-rules";
import { checkRecipeLock, readableRecipeLock, readRecipeLock, recipeFingerprint, recipeLockPath, recipeVersions } from "./recipe-lock";
import { Config, ConfigSchema } from "./schema";
import { checkTemplateVariables } from "./user-data-template";
import { readTextFile } from "./read-text";
import { parseYaml } from "./yaml-source";

import { COMPONENTS_DIR, EXAMPLE_CONFIG } from "./paths";

export { COMPONENTS_DIR, EXAMPLE_CONFIG };

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
  /** The channels file beside the configuration (image → channel → AMI). */
  readonly channels: Channels;
  /** The revocations file beside the configuration. */
  readonly revocations: ReadonlyArray<Revocation>;
}

export interface LoadOptions {
  readonly componentsDir?: string;
  /** Check recipe versions against the lock file next to the configuration. @default true */
  readonly enforceRecipeLock?: boolean;
  /** Require every channel a workload follows to exist and no pin or channel to be revoked. @default true (promote and revoke repair these) */
  readonly enforceSupplyChain?: boolean;
}

/** The largest configuration file read: hundreds of workloads fit in a small fraction of it. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** Reads, validates and cross-checks a configuration file; throws ConfigError listing every problem. */
export function loadConfig(configPath: string, options: LoadOptions = {}): LoadedConfig {
  const path = resolve(configPath);
  const source = displayPath(path);
  if (!existsSync(path)) throw new ConfigError(source, [{ path: "(file)", message: "does not exist; set AMI_PIPELINE_CONFIG to a configuration file" }]);
  const sharing = configurationsSharingStem(path);
  if (sharing.length > 0) {
    throw new ConfigError(source, [
      {
        path: "(file)",
        message: `shares its data files (${basename(recipeLockPath(path))}, ${basename(channelsPath(path))}, ${basename(revocationsPath(path))}) with ${sharing.join(", ")} beside it; expected one configuration per name: rename or remove one of them`,
      },
    ]);
  }
  const read = readTextFile(path, { path: "(file)", maxBytes: MAX_CONFIG_BYTES, limitReason: "configuration files are capped at 1 MiB" });
  if ("problem" in read) throw new ConfigError(source, [read.problem]);
  const parsed = parseYaml(read.text);
  if ("problems" in parsed) throw new ConfigError(source, parsed.problems);
  try {
    return validateConfig(parsed.source.value, path, options);
  } catch (error) {
    if (!(error instanceof ConfigError) || error.source !== source) throw error;
    // Field paths get the line they come from, for people reading the file.
    throw new ConfigError(
      source,
      error.problems.map((problem) => {
        const line = /^[a-z_]+(\.|\[|$)/.test(problem.path) ? parsed.source.lineOf(parseFieldPath(problem.path)) : undefined;
        return line === undefined ? problem : { ...problem, path: `${problem.path} (line ${line})` };
      }),
    );
  }
}

/** `images[0].distribution.regions` → ["images", 0, "distribution", "regions"]. */
function parseFieldPath(path: string): PropertyKey[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
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
    ...tagLimitProblems(config),
  ];
  const components = readComponents(config, componentsDir, problems);
  const channels = readChannels(channelsPath(configPath), displayPath(channelsPath(configPath)));
  const revocations = readRevocations(revocationsPath(configPath), displayPath(revocationsPath(configPath)));
  problems.push(...channels.problems, ...revocations.problems);
  if (channels.problems.length === 0 && revocations.problems.length === 0 && options.enforceSupplyChain !== false) {
    problems.push(...supplyChainProblems(config, channels.value, revocations.value, displayPath(channelsPath(configPath))));
  }
  const userDataTemplates = readUserDataTemplates(config, dirname(configPath), problems);
  const encryptionKey = (image: Config["images"][number]) =>
    config.ami_encryption.enabled ? `alias/${config.ami_encryption.key_alias}` : (image.distribution.kms_key_arn ?? null);
  const fingerprints = config.images.map((image) => recipeFingerprint(image, (file) => components.get(file)?.text ?? "", encryptionKey(image)));
  const lockFile = recipeLockPath(configPath);
  // Enforced, an unreadable lock is an error; otherwise (the lock command) it is what gets rewritten.
  const lock = options.enforceRecipeLock === false ? (readableRecipeLock(lockFile) ?? {}) : readRecipeLock(lockFile);
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
    channels: channels.value,
    revocations: revocations.value,
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
      w.name === SHARED_STACK_NAME
        ? [{ path: `workloads[${i}].name`, message: `got "${SHARED_STACK_NAME}", which is the shared stack's name; expected another name` }]
        : w.name.startsWith(BOOTSTRAP_STACK_PREFIX)
          ? [
              {
                path: `workloads[${i}].name`,
                message: `got "${w.name}", expected a name that does not start with "${BOOTSTRAP_STACK_PREFIX}" (bootstrap stacks are named so)`,
              },
            ]
          : [],
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

/** Image Builder takes inline component documents of at most 16,000 characters (CreateComponent, data). */
const MAX_COMPONENT_BYTES = 16_000;
/** EC2 user data is limited to 16 KB before base64 encoding. */
const MAX_USER_DATA_TEMPLATE_BYTES = 16 * 1024;

function readComponents(config: Config, componentsDir: string, problems: Problem[]): Map<string, ComponentSource> {
  const components = new Map<string, ComponentSource>();
  const unreadable = new Set<string>();
  config.images.forEach((image, i) => {
    const namesInImage = new Map<string, string>();
    image.components.forEach((ref, c) => {
      const path = `images[${i}].components[${c}].file`;
      if (image.components.findIndex((other) => other.file === ref.file) !== c) {
        problems.push({ path, message: `got ${showValue(ref.file)}, which this image already uses; expected each component once per image` });
        return;
      }
      if (!components.has(ref.file) && !unreadable.has(ref.file)) {
        const text = readNamedFile(join(componentsDir, ref.file), problems, {
          path,
          maxBytes: MAX_COMPONENT_BYTES,
          limitReason: "Image Builder's limit for inline component documents",
          within: componentsDir,
          missing: `got ${showValue(ref.file)}, expected a file in ${displayPath(componentsDir)}/ (it does not exist)`,
        });
        if (text === undefined) {
          unreadable.add(ref.file);
          return;
        }
        const checked = checkComponentDocument(`image-components/${ref.file}`, text);
        problems.push(...checked.problems);
        if (!checked.document) {
          unreadable.add(ref.file);
          return;
        }
        components.set(ref.file, { file: ref.file, text, document: checked.document });
      }
      const document = components.get(ref.file)?.document;
      if (!document) return;
      // Components are named <image>-<document name>: two documents with one name would be one component.
      const other = namesInImage.get(document.name);
      if (other !== undefined) {
        problems.push({
          path,
          message: `got ${showValue(ref.file)}, whose document is named ${showValue(document.name)} like ${other}; expected a distinct name: per image, components are named by it`,
        });
      }
      namesInImage.set(document.name, ref.file);
    });
  });
  return components;
}

/**
 * A file the configuration names, read within its limits: its text, or undefined with the problem
 * pushed (`missing` when it does not exist; prefixed with the value as given, when `given` is).
 */
function readNamedFile(
  file: string,
  problems: Problem[],
  options: Parameters<typeof readTextFile>[1] & { readonly missing: string; readonly given?: string },
): string | undefined {
  if (!existsSync(file)) {
    problems.push({ path: options.path, message: options.missing });
    return undefined;
  }
  const read = readTextFile(file, options);
  if ("problem" in read) {
    problems.push(options.given === undefined ? read.problem : { ...read.problem, message: `got ${showValue(options.given)}: ${read.problem.message}` });
    return undefined;
  }
  return read.text;
}

function readUserDataTemplates(config: Config, configDir: string, problems: Problem[]): Map<string, string> {
  const templates = new Map<string, string>();
  config.workloads.forEach((workload, i) => {
    if (!workload.user_data) return;
    const path = `workloads[${i}].user_data.template`;
    const file = resolve(configDir, workload.user_data.template);
    const text = readNamedFile(file, problems, {
      path,
      maxBytes: MAX_USER_DATA_TEMPLATE_BYTES,
      limitReason: "EC2 user data is limited to 16 KB",
      within: configDir,
      missing: `got ${showValue(workload.user_data.template)}, expected a template file relative to the configuration (${file} does not exist)`,
      given: workload.user_data.template,
    });
    if (text === undefined) return;
    problems.push(...checkTemplateVariables(`workloads[${i}].user_data.variables`, text, workload.user_data.variables, workload.user_data.template));
    templates.set(workload.name, file);
  });
  return templates;
}
