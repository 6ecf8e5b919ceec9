// Every relative link in the README and docs/ resolves: the file exists and, for #anchors, so does the
// heading (GitHub's slugs: lower case, punctuation dropped, spaces to hyphens).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const DOCS = join(ROOT, "docs");
const files = [
  join(ROOT, "README.md"),
  ...readdirSync(DOCS)
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(DOCS, f)),
];

/** Markdown outside fenced code blocks and inline code. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(file: string): Set<string> {
  const headings = prose(readFileSync(file, "utf8")).match(/^#{1,6} .+$/gm) ?? [];
  return new Set(headings.map((h) => slug(h.replace(/^#+ /, ""))));
}

function links(file: string): { target: string; anchor?: string }[] {
  return [...prose(readFileSync(file, "utf8")).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((href) => !/^[a-z]+:/i.test(href))
    .map((href) => {
      const [path, anchor] = href.split("#");
      return { target: path ? resolve(dirname(file), path) : file, anchor };
    });
}

describe("links in the README and docs/", () => {
  it("finds links to check", () => {
    expect(files.length).toBeGreaterThan(10);
    expect(links(join(ROOT, "README.md")).length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [f.slice(ROOT.length + 1), f]))("%s: every relative link resolves", (_, file) => {
    const broken = links(file).filter(
      ({ target, anchor }) => !existsSync(target) || (anchor !== undefined && statSync(target).isFile() && !anchorsOf(target).has(anchor)),
    );
    expect(broken.map((b) => `${b.target.slice(ROOT.length + 1)}${b.anchor ? `#${b.anchor}` : ""}`)).toEqual([]);
  });

  it("slugs headings as GitHub does", () => {
    expect(slug("CI: reviewed plans, applied as reviewed")).toBe("ci-reviewed-plans-applied-as-reviewed");
    expect(slug("Plan and apply identities (`plan --profiles`)")).toBe("plan-and-apply-identities-plan---profiles");
  });

  it("keeps the README to what a newcomer needs first", () => {
    expect(readFileSync(join(ROOT, "README.md"), "utf8").split("\n").length).toBeLessThanOrEqual(200);
  });
});
