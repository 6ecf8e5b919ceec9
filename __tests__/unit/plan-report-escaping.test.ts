// Every string in a stack summary can come from what a pull request changed (configuration, component
// documents, a shard's summary file): hostile strings in every field must not add markup, close a
// fence, a table cell or a <details>, mention anyone, or reorder text. A property test over every field.
import fc from "fast-check";
import { GITLAB_NOTE_LIMIT, renderMarkdown, REPORT_MARKER } from "../../lib/plan-report/markdown";
import { inlineCode, prose } from "../../lib/plan-report/escape";
import type { PlannedStack, StackSummary } from "../../lib/plan-report/summarize";

const HOSTILE = [
  "(@octocat <!-- </details>",
  "@team please approve",
  "@org/admins",
  "~~~~~",
  "~~~~\n~~~~~~~~~\n````",
  "a | b | c",
  "`code` ``x``",
  "[click](https://evil.example) ![img](https://evil.example/x.png)",
  "<img src=x onerror=alert(1)>",
  "</summary></details><details open>",
  "x\u202eevil\u202c",
  "\u2066hidden\u2069 \u200f",
  "line\nbreak\r\n| --- |",
  "**bold** _it_ ~~strike~~",
  "&lt;script&gt; &amp;",
  "(sensitive)x",
  "\\|\\`",
];

const hostile = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 60 }), fc.stringMatching(/^[@`|~<>()[\]\n\u202e!*_]{1,20}$/));

const action = fc.constantFrom("create", "update", "delete", "replace", "forget", "no-op" as const);
const resource = fc.record({
  address: hostile,
  type: hostile,
  action,
  attributes: fc.array(fc.record({ name: hostile, before: fc.option(hostile, { nil: undefined }), after: fc.option(hostile, { nil: undefined }) }), {
    maxLength: 3,
  }),
  importing: fc.option(hostile, { nil: undefined }),
  previousAddress: fc.option(hostile, { nil: undefined }),
  deposed: fc.option(hostile, { nil: undefined }),
  reason: fc.option(hostile, { nil: undefined }),
});
const planned: fc.Arbitrary<PlannedStack> = fc.record({
  stack: hostile,
  status: fc.constant("changed" as const),
  counts: fc.constant({ import: 0, add: 1, change: 1, destroy: 1, forget: 0, replace: 0, move: 0 }),
  resources: fc.array(resource, { maxLength: 4 }),
  drift: fc.array(resource, { maxLength: 2 }),
  amiUpdates: fc.array(
    fc.record({
      address: hostile,
      from: fc.record({ id: hostile, name: fc.option(hostile, { nil: undefined }) }),
      to: fc.record({ id: hostile, name: fc.option(hostile, { nil: undefined }) }),
      direction: fc.constantFrom("newer", "older", "unknown" as const),
    }),
    { maxLength: 2 },
  ),
  outputs: fc.array(fc.record({ name: hostile, action, before: fc.option(hostile, { nil: undefined }), after: fc.option(hostile, { nil: undefined }) }), {
    maxLength: 2,
  }),
  dangers: fc.array(fc.record({ address: hostile, action: fc.constantFrom("delete", "replace" as const), reason: fc.option(hostile, { nil: undefined }) }), {
    maxLength: 2,
  }),
  detailed: fc.constant(true),
});
const summary: fc.Arbitrary<StackSummary> = fc.oneof(
  planned,
  fc.record({ stack: hostile, status: fc.constant("failed" as const), error: fc.array(hostile, { maxLength: 8 }).map((lines) => lines.join("\n")) }),
  fc.record({ stack: hostile, status: fc.constant("skipped" as const), reason: hostile }),
);

/** The lines outside fenced blocks, as GitHub reads fences; every fence opened must close. */
function outsideFences(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    if (fence) {
      if (new RegExp(`^${fence[0]}{${fence.length},}\\s*$`).test(line)) fence = undefined;
      continue;
    }
    const open = /^(~{3,}|`{3,})/.exec(line);
    if (open) {
      fence = open[1];
      continue;
    }
    lines.push(line);
  }
  expect(fence).toBeUndefined();
  return lines;
}

/** The text outside fenced blocks and code spans: where Markdown and HTML are live. */
function liveText(markdown: string): string {
  // Code spans as GitHub reads them: a backtick run closes at the next run of the same length.
  return outsideFences(markdown)
    .map((line) => line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, ""))
    .join("\n");
}

describe("the plan comment under hostile values in every field", () => {
  it("property: no live mention, HTML, link or direction control; fences and <details> balanced; table rows keep their cells", () => {
    fc.assert(
      fc.property(fc.array(summary, { minLength: 1, maxLength: 6 }), (stacks) => {
        const markdown = renderMarkdown(stacks, { limitBytes: GITLAB_NOTE_LIMIT });
        expect(markdown).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
        expect(markdown.startsWith(REPORT_MARKER)).toBe(true);
        const live = liveText(markdown);
        expect(live.split("<!--")).toHaveLength(2); // the marker only
        expect(live.split("<details>").length).toBe(live.split("</details>").length);
        expect(live.replace(REPORT_MARKER, "")).not.toMatch(/(^|[^\\])@\w/m);
        expect(live.replace(REPORT_MARKER, "")).not.toMatch(/<(?!\/?(details|summary)>)/);
        expect(live).not.toMatch(/(^|[^\\])\]\(/);
        for (const row of outsideFences(markdown).filter((line) => line.startsWith("| "))) {
          const cells = row.replace(/\\\|/g, "").split("|").length - 2;
          expect([3, 4]).toContain(cells);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a failed stack's error with tilde lines keeps its fence: the whole error stays inside", () => {
    const error = "Error: boom\n~~~~~\n~~~~~~~~~~\nafter the fences";
    const markdown = renderMarkdown([{ stack: "web", status: "failed", error }]);
    const open = /^(~{4,})text$/m.exec(markdown)!;
    expect(open[1].length).toBe(11);
    expect(markdown).toContain(`${open[1]}text\n${error}\n${open[1]}\n`);
  });

  it("an AMI name or import id beginning with a parenthesis is still a code span", () => {
    expect(inlineCode("(@octocat <!-- </details>")).toBe("`(@octocat <!-- </details>`");
    const stack: PlannedStack = {
      stack: "web",
      status: "changed",
      counts: { import: 1, add: 0, change: 1, destroy: 0, forget: 0, replace: 0, move: 0 },
      resources: [{ address: "aws_launch_template.web", type: "aws_launch_template", action: "update", attributes: [], importing: "(@octocat <!--" }],
      drift: [],
      amiUpdates: [{ address: "aws_launch_template.web", from: { id: "ami-1", name: "(@octocat <!-- </details>" }, to: { id: "ami-2" }, direction: "unknown" }],
      outputs: [],
      dangers: [],
      detailed: true,
    };
    const markdown = renderMarkdown([stack]);
    expect(markdown).toContain("| `ami-1` `(@octocat <!-- </details>` | `ami-2` |");
    expect(markdown).toContain("imported (id `(@octocat <!--`)");
  });

  it("prose: mentions broken, markup escaped, direction controls shown", () => {
    expect(prose("@team [x](y) <b> a\u202eb")).toBe("@\u200bteam \\[x\\](y) &lt;b&gt; a\\\\u202eb"); // renders as a\u202eb
  });
});
