import { z } from "zod";
import { formatPath, Problem, showValue, zodMessages } from "./problems";
import { parseYaml } from "./yaml-source";

// AWSTOE component documents: https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-use-documents.html
/** AWSTOE action modules (Image Builder user guide, "Action modules supported by AWSTOE"). */
const AWSTOE_ACTIONS = [
  "AppendFile",
  "Assert",
  "CopyFile",
  "CopyFolder",
  "CreateFile",
  "CreateFolder",
  "CreateSymlink",
  "DeleteFile",
  "DeleteFolder",
  "ExecuteBash",
  "ExecuteBinary",
  "ExecuteDocument",
  "ExecutePowerShell",
  "InstallMSI",
  "ListFiles",
  "MoveFile",
  "MoveFolder",
  "ReadFile",
  "Reboot",
  "S3Download",
  "S3Upload",
  "SetFileEncoding",
  "SetFileOwner",
  "SetFilePermissions",
  "SetFolderOwner",
  "SetFolderPermissions",
  "SetRegistry",
  "UninstallMSI",
  "UpdateOS",
  "WebDownload",
] as const;

const commandsInputs = (issue: { code?: string; keys?: string[] }) =>
  issue.code === "unrecognized_keys"
    ? `unknown input ${(issue.keys ?? []).map((k) => JSON.stringify(k)).join(", ")}; expected only commands`
    : issue.code === "invalid_type"
      ? "expected inputs as a map with commands: [...]"
      : undefined;
const commands = z.array(z.string(), { error: "expected a list of commands" }).min(1, { message: "expected at least one command" });

/** Inputs of the actions whose keys we know; the others take a map or a list of maps. */
const KNOWN_INPUTS: Partial<Record<(typeof AWSTOE_ACTIONS)[number], z.ZodType>> = {
  ExecuteBash: z.strictObject({ commands }, { error: commandsInputs }),
  ExecutePowerShell: z.strictObject({ commands, executionPolicy: z.string().optional() }, { error: commandsInputs }),
  UpdateOS: z.strictObject({ include: z.array(z.string()).optional(), exclude: z.array(z.string()).optional() }).optional(),
  Reboot: z.strictObject({ delaySeconds: z.number().int().min(0).optional() }).optional(),
};
const anyInputs = z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))], {
  error: "expected inputs as a map or a list of maps",
});

const StepSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, { message: "expected a step name of letters, digits, - and _" }),
    action: z.enum(AWSTOE_ACTIONS, { error: "expected an AWSTOE action such as ExecuteBash, UpdateOS or CreateFile (names are case-sensitive)" }),
    inputs: z.unknown().optional(),
    onFailure: z.enum(["Abort", "Continue", "Ignore"]).optional(),
    timeoutSeconds: z.number().int().optional(),
    maxAttempts: z.number().int().min(1).optional(),
    if: z.unknown().optional(),
    loop: z.unknown().optional(),
  })
  .superRefine((step, context) => {
    const schema = KNOWN_INPUTS[step.action] ?? anyInputs;
    const result = schema.safeParse(step.inputs, { reportInput: true });
    for (const issue of result.success ? [] : result.error.issues) {
      context.addIssue({ code: "custom", path: ["inputs", ...issue.path], message: issue.message, input: issue.input });
    }
  });

const PhaseSchema = z.looseObject({
  name: z.enum(["build", "validate", "test", "container-host-test"], { message: 'expected phase name "build", "validate" or "test"' }),
  steps: z.array(StepSchema).min(1, { message: "expected at least one step" }),
});

const ComponentDocumentSchema = z.looseObject({
  name: z.string({ error: "expected the component's name" }).min(1, { message: "expected the component's name" }),
  description: z.string().optional(),
  schemaVersion: z.union([z.literal(1.0), z.literal("1.0")], { message: "expected schemaVersion 1.0" }),
  phases: z.array(PhaseSchema).min(1, { message: "expected at least one phase" }),
});

export type ComponentDocument = z.infer<typeof ComponentDocumentSchema>;

/** Parses and checks an AWSTOE document; problems name the file, the phase and the step. */
export function checkComponentDocument(fileName: string, text: string): { document?: ComponentDocument; problems: Problem[] } {
  // The one YAML path every file takes: alias expansion bounded, duplicate keys named with their line.
  const parsed = parseYaml(text);
  if ("problems" in parsed) {
    return {
      problems: parsed.problems.map((problem) => ({
        path: fileName,
        message: `is not valid YAML: ${problem.path === "(yaml)" ? "" : `${problem.path}: `}${problem.message}`,
      })),
    };
  }
  const raw: unknown = parsed.source.value;
  const result = ComponentDocumentSchema.safeParse(raw, { reportInput: true, error: zodMessages });
  if (result.success) {
    const problems = duplicateStepNames(fileName, result.data);
    return problems.length > 0 ? { problems } : { document: result.data, problems };
  }
  return {
    problems: result.error.issues.map((issue) => ({
      path: `${fileName}: ${describeLocation(raw, issue.path)}`,
      message: `got ${showValue(issue.input)}, ${issue.message}`,
    })),
  };
}

function duplicateStepNames(fileName: string, document: ComponentDocument): Problem[] {
  return document.phases.flatMap((phase) => {
    const seen = new Set<string>();
    return phase.steps.flatMap((step) => {
      if (!seen.has(step.name)) return (seen.add(step.name), []);
      return [{ path: `${fileName}: phase "${phase.name}"`, message: `step name "${step.name}" is used twice; AWSTOE needs unique step names within a phase` }];
    });
  });
}

/** `phases[0].steps[1].action` becomes `phases[0].steps[1] (step "InstallJq").action`. */
function describeLocation(raw: unknown, path: ReadonlyArray<PropertyKey>): string {
  const stepIndex = path.indexOf("steps");
  if (stepIndex < 0 || typeof path[stepIndex + 1] !== "number") return formatPath(path) || "(document)";
  const stepPath = path.slice(0, stepIndex + 2);
  const step = stepPath.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key], raw) as { name?: unknown } | undefined;
  const label = typeof step?.name === "string" ? ` (step "${step.name}")` : "";
  return `${formatPath(stepPath)}${label}${path.length > stepPath.length ? "." + formatPath(path.slice(stepPath.length)) : ""}`;
}
