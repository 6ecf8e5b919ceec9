// Bundles main.ts and its dependencies into dist/main.js, so synth runs one plain JavaScript file:
// no TypeScript compile, no module resolution across node_modules (measured: 0.34 s against 0.92 s
// through tsx, identical output). Skipped when the bundle is newer than every source it is made of,
// as make would. Type-checking is tsc --noEmit's job, in the tests.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "dist", "main.js");
const SOURCES = ["main.ts", "config", "constructs", "stacks", "lib", "package-lock.json"];

function newestChange(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

const upToDate = existsSync(outfile) && statSync(outfile).mtimeMs > Math.max(...SOURCES.map((s) => newestChange(join(root, s))));
if (!upToDate) {
  const { buildSync } = await import("esbuild");
  const [bundle] = buildSync({
    entryPoints: [join(root, "main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    logLevel: "warning",
    write: false,
  }).outputFiles;
  // Written aside, then renamed: a synth running at the same time never reads half a bundle.
  mkdirSync(dirname(outfile), { recursive: true });
  const partial = `${outfile}.${process.pid}.tmp`;
  writeFileSync(partial, bundle.contents);
  renameSync(partial, outfile);
}
