import { AmiUpdate, ResourceSummary, StackSummary } from "./summarize";

/** Finds the comment again on the next push, so it is updated instead of posted anew. */
export const REPORT_MARKER = "<!-- golden-ami-plan-report -->";
export const GITHUB_COMMENT_LIMIT = 65_536;
export const GITLAB_NOTE_LIMIT = 1_000_000;

export interface RunInfo {
  /** Link to the CI run. @default - none */
  readonly url?: string;
  readonly commit?: string;
}

export interface RenderOptions {
  /** Largest comment in UTF-8 bytes. @default 65536 (GitHub) */
  readonly limitBytes?: number;
  readonly run?: RunInfo;
}

/** What is left out, in order, until the comment fits; headline, table and AMI updates always stay. */
const DETAIL_LEVELS = [
  { attributes: true, resources: true, leftOut: [] },
  { attributes: false, resources: true, leftOut: ["changed attributes"] },
  { attributes: false, resources: false, leftOut: ["changed attributes", "resource lists"] },
] as const;

export function renderMarkdown(stacks: ReadonlyArray<StackSummary>, options: RenderOptions = {}): string {
  const limit = options.limitBytes ?? GITHUB_COMMENT_LIMIT;
  let text = "";
  for (const level of DETAIL_LEVELS) {
    text = render(stacks, level, options.run, limit);
    if (Buffer.byteLength(text, "utf8") <= limit) return text;
  }
  return text;
}

/** The run's link and commit from GitHub Actions' or GitLab CI's environment. */
export function runInfoFromEnv(env: NodeJS.ProcessEnv = process.env): RunInfo {
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY) {
    return { url: `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`, commit: env.GITHUB_SHA };
  }
  if (env.CI_JOB_URL) return { url: env.CI_JOB_URL, commit: env.CI_COMMIT_SHA };
  return {};
}

function render(stacks: ReadonlyArray<StackSummary>, level: (typeof DETAIL_LEVELS)[number], run: RunInfo | undefined, limit: number): string {
  const count = (status: string) => stacks.filter((s) => s.status === status).length;
  const amiUpdates = stacks.flatMap((s) => (s.status === "changed" ? s.amiUpdates.map((update) => ({ stack: s.stack, update })) : []));
  const lines = [
    REPORT_MARKER,
    `## Terraform plan: ${count("changed")} changed, ${count("unchanged")} unchanged, ${count("failed")} failed${count("not planned") ? `, ${count("not planned")} not planned` : ""}`,
    "",
    amiUpdates.length > 0
      ? `**${amiUpdates.length} launch template${amiUpdates.length === 1 ? "" : "s"} move${amiUpdates.length === 1 ? "s" : ""} to a new AMI** (see AMI updates).`
      : "No launch template changes its AMI.",
    "",
    ...stepsBack(amiUpdates.length ? amiUpdates.map((u) => u.update) : []),
    "| Stack | Status | Add | Change | Destroy | Replace |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...stacks.map(tableRow),
    "",
  ];
  if (amiUpdates.length > 0) {
    lines.push("### AMI updates", "", "| Stack | Launch template | From | To |", "| --- | --- | --- | --- |");
    lines.push(
      ...amiUpdates.map(
        ({ stack, update }) =>
          `| \`${stack}\` | \`${update.address}\` | ${ami(update.from)} | ${ami(update.to)}${update.direction === "older" ? " ⚠️ **older build: a step back**" : ""} |`,
      ),
      "",
    );
  }
  for (const stack of stacks) lines.push(...stackSection(stack, level));
  if (level.leftOut.length > 0)
    lines.push(`_Left out to stay under ${limit.toLocaleString("en-US")} bytes: ${level.leftOut.join(", ")}. The full plans are in the run's artifacts._`, "");
  if (run?.url || run?.commit)
    lines.push(`---`, [run.url && `[CI run](${run.url})`, run.commit && `commit \`${run.commit.slice(0, 12)}\``].filter(Boolean).join(" · "));
  return lines.join("\n") + "\n";
}

/** A move to an older build is called out: it usually means the running AMI was deregistered. */
function stepsBack(updates: ReadonlyArray<AmiUpdate>): string[] {
  const older = updates.filter((u) => u.direction === "older").length;
  return older > 0
    ? [`⚠️ **${older} launch template${older === 1 ? "" : "s"} step${older === 1 ? "s" : ""} back to an older AMI build** (see AMI updates).`, ""]
    : [];
}

function tableRow(stack: StackSummary): string {
  if (stack.status === "failed") return `| \`${stack.stack}\` | ❌ failed | | | | |`;
  if (stack.status === "not planned") return `| \`${stack.stack}\` | not planned | | | | |`;
  const { add, change, destroy, replace } = stack.counts;
  return `| \`${stack.stack}\` | ${stack.status === "changed" ? "🟡 changes" : "✅ no changes"} | ${add} | ${change} | ${destroy} | ${replace} |`;
}

function ami(side: AmiUpdate["from"]): string {
  return `\`${side.id}\`${side.name ? ` ${code(side.name)}` : ""}`;
}

const SYMBOL: Record<string, string> = { create: "+", update: "~", delete: "-", replace: "-/+", read: "<=", "no-op": " " };

function stackSection(stack: StackSummary, level: (typeof DETAIL_LEVELS)[number]): string[] {
  if (stack.status === "not planned" || stack.status === "unchanged") return [];
  if (stack.status === "failed") return [`### ${stack.stack}: plan failed`, "", "```", truncate(stack.error.trim(), 6000), "```", ""];
  const lines = [`### ${stack.stack}`, ""];
  const list = (title: string, resources: ReadonlyArray<ResourceSummary>) => {
    if (resources.length === 0) return;
    if (!level.resources) {
      lines.push(`${title}: ${resources.length} resource${resources.length === 1 ? "" : "s"}.`, "");
      return;
    }
    lines.push(`<details><summary>${title}: ${resources.length} resource${resources.length === 1 ? "" : "s"}</summary>`, "");
    for (const resource of resources) {
      lines.push(`- \`${SYMBOL[resource.action]} ${resource.address}\` ${resource.action}`);
      if (level.attributes)
        for (const a of resource.attributes) lines.push(`  - \`${a.name}\`: ${a.before === undefined ? "" : `${code(a.before)} → `}${code(a.after ?? "null")}`);
    }
    lines.push("", "</details>", "");
  };
  list("Changes", stack.resources);
  list("Changed outside Terraform (drift)", stack.drift);
  return lines;
}

function code(value: string): string {
  return value.startsWith("(") ? value : `\`${truncate(value, 120).replace(/`/g, "ˋ")}\``;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
