import { agrees, counted } from "../../config/wording";
import type { RunInfo } from "../ci/run-info";
import { fenced, inlineCode, isPlaceholder, prose } from "./escape";
import { countsLine, AmiUpdate, Danger, PlannedStack, ResourceSummary, StackSummary } from "./summarize";

/** Finds the comment again on the next push, so it is updated instead of posted anew. */
export const REPORT_MARKER = "<!-- golden-ami-plan-report -->";
/** GitHub refuses comments over 65,536 characters; the posting action adds a marker of its own. */
const GITHUB_COMMENT_LIMIT = 65_536;
const POSTING_HEADROOM = 1_024;
export const DEFAULT_COMMENT_LIMIT = GITHUB_COMMENT_LIMIT - POSTING_HEADROOM;
export const GITLAB_NOTE_LIMIT = 1_000_000;
/** GitHub's job summary takes up to 1 MiB per step: room for the full report. */
export const JOB_SUMMARY_LIMIT = 1_000_000;
/**
 * The smallest limit a comment can keep its shape in: the marker whole (the next push finds the
 * comment by it), a headline and the note that the rest was cut. A smaller one is refused.
 */
export const MIN_COMMENT_LIMIT = 512;

export interface RenderOptions {
  /** Largest comment in UTF-8 bytes, a hard limit. @default 64512 (GitHub's limit less the posting action's marker) */
  readonly limitBytes?: number;
  readonly run?: RunInfo;
}

interface Detail {
  readonly attributes: boolean;
  readonly resources: boolean;
  readonly sections: boolean;
  readonly errorChars: number;
  readonly stackRows: number;
  readonly amiRows: number;
  readonly dangerRows: number;
  readonly leftOut: ReadonlyArray<string>;
}

const ALL = Number.MAX_SAFE_INTEGER;

/**
 * What is given up, in order, until the comment fits. Deletions and replacements are named until
 * the very last: first details, then lists, then table rows, and only then the danger banner's rows.
 */
const DETAIL_LEVELS: ReadonlyArray<Detail> = [
  { attributes: true, resources: true, sections: true, errorChars: 6000, stackRows: ALL, amiRows: ALL, dangerRows: ALL, leftOut: [] },
  { attributes: false, resources: true, sections: true, errorChars: 2000, stackRows: ALL, amiRows: ALL, dangerRows: ALL, leftOut: ["changed attributes"] },
  {
    attributes: false,
    resources: false,
    sections: true,
    errorChars: 600,
    stackRows: ALL,
    amiRows: ALL,
    dangerRows: ALL,
    leftOut: ["changed attributes", "resource lists"],
  },
  ...[300, 100, 30, 10].map((rows) => ({
    attributes: false,
    resources: false,
    sections: false,
    errorChars: 0,
    stackRows: rows,
    amiRows: rows,
    dangerRows: ALL,
    leftOut: ["changed attributes", "resource lists", "error texts", "table rows"],
  })),
  ...[300, 100, 30, 10].map((rows) => ({
    attributes: false,
    resources: false,
    sections: false,
    errorChars: 0,
    stackRows: 10,
    amiRows: 10,
    dangerRows: rows,
    leftOut: ["changed attributes", "resource lists", "error texts", "table rows", "danger list rows"],
  })),
];

/** The comment, never over the limit: detail is left out in order, and as a last resort the text is cut. */
export function renderMarkdown(stacks: ReadonlyArray<StackSummary>, options: RenderOptions = {}): string {
  const limit = options.limitBytes ?? DEFAULT_COMMENT_LIMIT;
  if (limit < MIN_COMMENT_LIMIT) throw new RangeError(`a comment limit of ${limit} bytes is too small; expected at least ${MIN_COMMENT_LIMIT}`);
  let text = "";
  for (const level of DETAIL_LEVELS) {
    text = render(stacks, level, options.run, limit);
    if (bytes(text) <= limit) return text;
  }
  return cutToFit(text, limit);
}

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

type AmiUpdateRow = { readonly stack: string; readonly update: AmiUpdate };

/** The whole comment at one level of detail: one function per section, in reading order. */
function render(stacks: ReadonlyArray<StackSummary>, level: Detail, run: RunInfo | undefined, limit: number): string {
  const planned = stacks.filter((s): s is PlannedStack => s.status === "changed" || s.status === "unchanged");
  const amiUpdates = planned.flatMap((s) => s.amiUpdates.map((update) => ({ stack: s.stack, update })));
  const dangers = planned.flatMap((s) => s.dangers.map((danger) => ({ stack: s.stack, danger })));
  const failed = stacks.filter((s) => s.status === "failed");
  return (
    [
      REPORT_MARKER,
      headline(stacks),
      "",
      ...failedBanner(failed.map((s) => s.stack)),
      ...dangerBanner(dangers, level.dangerRows),
      ...amiLine(amiUpdates),
      ...stepsBack(amiUpdates.map((u) => u.update)),
      ...stackTable(stacks, level),
      ...amiUpdatesSection(amiUpdates, level),
      ...stackSections(stacks, failed, level),
      ...leftOutNote(level, limit),
      ...footer(run),
    ].join("\n") + "\n"
  );
}

function headline(stacks: ReadonlyArray<StackSummary>): string {
  const count = (status: string) => stacks.filter((s) => s.status === status).length;
  const skipped = count("skipped") ? `, ${count("skipped")} unchanged by this change` : "";
  const notPlanned = count("not planned") ? `, ${count("not planned")} not planned` : "";
  return `## Terraform plan: ${count("changed")} changed, ${count("unchanged")} unchanged, ${count("failed")} failed${skipped}${notPlanned}`;
}

function amiLine(updates: ReadonlyArray<AmiUpdateRow>): string[] {
  const n = updates.length;
  return [
    n > 0 ? `**${counted(n, "launch template")} ${agrees(n, "moves", "move")} to a new AMI** (see AMI updates).` : "No launch template changes its AMI.",
    "",
  ];
}

function stackTable(stacks: ReadonlyArray<StackSummary>, level: Detail): string[] {
  return ["| Stack | Status | Plan |", "| --- | --- | --- |", ...capped(stacks.map(tableRow), level.stackRows, "stacks"), ""];
}

function amiUpdatesSection(updates: ReadonlyArray<AmiUpdateRow>, level: Detail): string[] {
  if (updates.length === 0) return [];
  const rows = updates.map(
    ({ stack, update }) =>
      `| ${inlineCode(stack)} | ${code(update.address)} | ${ami(update.from)} | ${ami(update.to)}${update.direction === "older" ? " ⚠️ **older build: a step back**" : ""} |`,
  );
  return ["### AMI updates", "", "| Stack | Launch template | From | To |", "| --- | --- | --- | --- |", ...capped(rows, level.amiRows, "AMI updates"), ""];
}

/** Per stack, resources and outputs; at the levels without sections, still the failed stacks' errors while they fit. */
function stackSections(stacks: ReadonlyArray<StackSummary>, failed: ReadonlyArray<StackSummary>, level: Detail): string[] {
  if (level.sections) return stacks.flatMap((stack) => stackSection(stack, level));
  return level.errorChars > 0 ? failed.flatMap((stack) => stackSection(stack, level)) : [];
}

function leftOutNote(level: Detail, limit: number): string[] {
  if (level.leftOut.length === 0) return [];
  return [
    `_Left out to stay under ${limit.toLocaleString("en-US")} bytes: ${level.leftOut.join(", ")}. The full report is in the job summary and the run's artifacts._`,
    "",
  ];
}

function footer(run: RunInfo | undefined): string[] {
  if (!run?.url && !run?.commit) return [];
  return [`---`, [run.url && `[CI run](${run.url})`, run.commit && `commit ${inlineCode(run.commit.slice(0, 12))}`].filter(Boolean).join(" · ")];
}

function failedBanner(stacks: ReadonlyArray<string>): string[] {
  if (stacks.length === 0) return [];
  const shown = stacks.slice(0, 50).map((s) => inlineCode(s));
  const more = stacks.length > shown.length ? `, … and ${stacks.length - shown.length} more` : "";
  return [`> [!CAUTION]`, `> **${counted(stacks.length, "stack")} failed to plan:** ${shown.join(", ")}${more}. Their changes are unknown.`, ""];
}

/** Every deletion and replacement, named, with Terraform's reason: the banner is cut last. */
function dangerBanner(dangers: ReadonlyArray<{ stack: string; danger: Danger }>, rows: number): string[] {
  if (dangers.length === 0) return [];
  const deletes = dangers.filter((d) => d.danger.action === "delete").length;
  const replaces = dangers.length - deletes;
  const what = [deletes > 0 && `${deletes} destroyed`, replaces > 0 && `${replaces} replaced`].filter(Boolean).join(", ");
  const items = dangers.map(
    ({ stack, danger }) =>
      `> - ${inlineCode(stack)}: ${code(danger.address)} **${danger.action === "delete" ? "destroyed" : "replaced"}**${danger.reason ? `: ${prose(danger.reason)}` : ""}`,
  );
  const n = dangers.length;
  return [
    "> [!WARNING]",
    `> **${counted(n, "resource")} will be destroyed or replaced** (${what}):`,
    ">",
    ...capped(items, rows, "deletions and replacements", "> "),
    "",
  ];
}

/** A move to an older build is called out: it usually means the running AMI was deregistered. */
function stepsBack(updates: ReadonlyArray<AmiUpdate>): string[] {
  const older = updates.filter((u) => u.direction === "older").length;
  return older > 0 ? [`⚠️ **${counted(older, "launch template")} ${agrees(older, "steps", "step")} back to an older AMI build** (see AMI updates).`, ""] : [];
}

function capped(rows: ReadonlyArray<string>, max: number, what: string, prefix = ""): string[] {
  if (rows.length <= max) return [...rows];
  return [...rows.slice(0, max), `${prefix}${prefix ? "" : "| "}… and ${rows.length - max} more ${what}${prefix ? "" : " | | |"}`];
}

function tableRow(stack: StackSummary): string {
  const name = inlineCode(stack.stack);
  if (stack.status === "failed") return `| ${name} | ❌ failed | plan failed: changes unknown |`;
  if (stack.status === "not planned") return `| ${name} | not planned | |`;
  if (stack.status === "skipped") return `| ${name} | ⏭️ unchanged by this change | not planned: ${prose(stack.reason)} |`;
  const extra = [
    stack.counts.replace > 0 && `${stack.counts.replace} replaced`,
    stack.counts.move > 0 && `${stack.counts.move} moved`,
    stack.counts.forget > 0 && `${stack.counts.forget} forgotten: left in AWS, no longer managed`,
    stack.outputs.length > 0 && `${counted(stack.outputs.length, "output")} change`,
  ].filter(Boolean);
  const status = stack.status === "changed" ? (stack.dangers.length > 0 ? "🔴 destroys" : "🟡 changes") : "✅ no changes";
  return `| ${name} | ${status} | ${countsLine(stack.counts, stack.outputs.length > 0)}${extra.length ? ` (${extra.join(", ")})` : ""} |`;
}

function ami(side: AmiUpdate["from"]): string {
  return `${code(side.id)}${side.name ? ` ${code(side.name)}` : ""}`;
}

const SYMBOL: Record<string, string> = { create: "+", update: "~", delete: "-", replace: "-/+", read: "<=", "no-op": " ", forget: "." };

function describe(resource: ResourceSummary): string {
  const notes = [
    resource.importing !== undefined && `imported (id ${code(resource.importing)})`,
    resource.previousAddress && `moved from ${code(resource.previousAddress)}`,
    resource.deposed && `deposed object ${code(resource.deposed)}`,
    resource.action === "forget" && "removed from state, not destroyed",
    resource.reason && prose(resource.reason),
  ].filter(Boolean);
  const action = resource.action === "no-op" ? "" : resource.action;
  return `- ${inlineCode(`${SYMBOL[resource.action]} ${resource.address}`)} ${action}${notes.length ? `${action ? ": " : ""}${notes.join("; ")}` : ""}`;
}

function stackSection(stack: StackSummary, level: Detail): string[] {
  if (stack.status === "not planned" || stack.status === "unchanged" || stack.status === "skipped") return [];
  if (stack.status === "failed") return [`### ${prose(stack.stack)}: plan failed`, "", ...fenced(truncate(stack.error.trim(), level.errorChars)), ""];
  const lines = [`### ${prose(stack.stack)}`, "", `\`${countsLine(stack.counts, stack.outputs.length > 0)}\``, ""];
  if (!stack.detailed) lines.push("_This plan uses a JSON format older than 1.0: counts only, no values._", "");
  const list = (title: string, resources: ReadonlyArray<ResourceSummary>, drift = false) => {
    if (resources.length === 0) return;
    if (!level.resources) {
      lines.push(`${title}: ${counted(resources.length, "resource")}.`, "");
      return;
    }
    lines.push(`<details><summary>${title}: ${counted(resources.length, "resource")}</summary>`, "");
    for (const resource of resources) {
      lines.push(drift && resource.action === "delete" ? `- ${inlineCode(resource.address)} deleted outside Terraform` : describe(resource));
      if (level.attributes)
        for (const a of resource.attributes)
          lines.push(`  - ${inlineCode(a.name)}: ${a.before === undefined ? "" : `${code(a.before)} → `}${code(a.after ?? "null")}`);
    }
    lines.push("", "</details>", "");
  };
  list("Changes", stack.resources);
  list("Changed outside Terraform (drift)", stack.drift, true);
  if (stack.outputs.length > 0) {
    if (level.resources && stack.detailed) {
      lines.push(`<details><summary>Outputs: ${stack.outputs.length}</summary>`, "");
      for (const o of stack.outputs)
        lines.push(
          `- ${inlineCode(o.name)} ${o.action}${o.before !== undefined || o.after !== undefined ? `: ${o.before === undefined ? "" : `${code(o.before)} → `}${code(o.after ?? "null")}` : ""}`,
        );
      lines.push("", "</details>", "");
    } else lines.push(`Outputs that change: ${stack.outputs.map((o) => inlineCode(o.name)).join(", ")}.`, "");
  }
  return lines;
}

/** A value from a plan: our placeholders as words, anything else as a code span of at most 120 characters. */
function code(value: string): string {
  return isPlaceholder(value) ? value : inlineCode(value, 120);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/** The last resort: cut at a line boundary and say so; the result is never over the limit. */
function cutToFit(text: string, limit: number): string {
  const note = "\n\n_Cut to fit the comment limit: the full report is in the job summary and the run's artifacts._\n";
  // The limit is at least MIN_COMMENT_LIMIT: the marker on the first line and the note always fit.
  const budget = limit - bytes(note);
  let cut = Buffer.from(text, "utf8")
    .subarray(0, budget)
    .toString("utf8")
    .replace(/\uFFFD+$/, "");
  const lastLine = cut.lastIndexOf("\n");
  if (lastLine > 0) cut = cut.slice(0, lastLine);
  return cut + note;
}
