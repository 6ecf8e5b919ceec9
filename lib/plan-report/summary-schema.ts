// plan-summary.json and manifest.json come from CI jobs (and, on a pull request, from what the pull
// request's code wrote): each is validated before the report reads it, and a bad one fails its stack
// or names its file; it never stops the report for the other stacks.
import { z } from "zod";
import type { StackSummary } from "./summarize";

const action = z.enum(["create", "update", "delete", "replace", "read", "no-op", "forget"]);
const text = z.string();
const count = z.number().int().nonnegative();

const attribute = z.object({ name: text, before: text.optional(), after: text.optional() });
const resource = z.object({
  address: text,
  type: text,
  action,
  attributes: z.array(attribute),
  importing: text.optional(),
  previousAddress: text.optional(),
  deposed: text.optional(),
  reason: text.optional(),
});
const amiRef = z.object({ id: text, name: text.optional() });

const planned = z.object({
  stack: text,
  status: z.enum(["changed", "unchanged"]),
  counts: z.object({ import: count, add: count, change: count, destroy: count, forget: count, replace: count, move: count }),
  resources: z.array(resource),
  drift: z.array(resource),
  amiUpdates: z.array(z.object({ address: text, from: amiRef, to: amiRef, direction: z.enum(["newer", "older", "unknown"]) })),
  outputs: z.array(z.object({ name: text, action, before: text.optional(), after: text.optional() })),
  dangers: z.array(z.object({ address: text, action: z.enum(["delete", "replace"]), reason: text.optional() })),
  detailed: z.boolean(),
});

const StackSummarySchema = z.discriminatedUnion("status", [
  planned,
  z.object({ stack: text, status: z.literal("failed"), error: text }),
  z.object({ stack: text, status: z.literal("not planned") }),
  z.object({ stack: text, status: z.literal("skipped"), reason: text }),
]);

/** `text` as the summary of `stack`, or a reason it is not one (naming the first wrong field). */
export function parseStackSummary(stack: string, text: string): { summary: StackSummary } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = StackSummarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}` };
  }
  if (parsed.data.stack !== stack) return { problem: `it is the summary of "${parsed.data.stack}", not of ${stack}` };
  return { summary: parsed.data as StackSummary };
}

const ManifestSchema = z.object({
  stacks: z.record(z.string(), z.object({ name: z.string().min(1), workingDirectory: z.string().min(1) })),
});

/** The stacks of a cdktf manifest.json; throws naming the file and what is wrong. */
export function parseManifest(file: string, text: string): { name: string; workingDirectory: string }[] {
  if (text.trim() === "") throw new Error(`${file} is empty: synthesize again (npx cdktf synth, or golden-ami plan)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON, truncated? (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is not a cdktf manifest: ${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}`);
  }
  const stacks = Object.entries(parsed.data.stacks);
  const byName = new Map<string, string[]>();
  for (const [key, stack] of stacks) byName.set(stack.name, [...(byName.get(stack.name) ?? []), key]);
  const twice = [...byName].filter(([, keys]) => keys.length > 1);
  if (twice.length > 0) {
    const [name, keys] = twice[0];
    throw new Error(
      `${file} names stack "${name}" twice (entries ${keys.map((k) => JSON.stringify(k)).join(" and ")}); expected each stack once: synthesize again`,
    );
  }
  return stacks.map(([, stack]) => stack);
}
