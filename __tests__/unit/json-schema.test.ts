import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { configurationRows } from "../../config/configuration-doc";
import { configJsonSchema, configurationDoc } from "../../config/json-schema";

describe("config/config.schema.json", () => {
  it("is the schema the code validates with (run npx golden-ami schema after changing config/schema.ts)", () => {
    expect(readFileSync(resolve(__dirname, "../../config/config.schema.json"), "utf8")).toBe(configJsonSchema());
  });

  it("refuses unknown keys and requires the organization", () => {
    const schema = JSON.parse(configJsonSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(["organization", "shared", "images"]));
  });

  it("describes every field: editors show it, and docs/configuration.md lists it", () => {
    const rows = configurationRows(JSON.parse(configJsonSchema()));
    expect(rows.length).toBeGreaterThan(130);
    expect(rows.filter((r) => r.description.trim() === "").map((r) => r.path)).toEqual([]);
  });
});

describe("docs/configuration.md", () => {
  it("is the reference generated from the schema (npx golden-ami schema)", () => {
    expect(readFileSync(resolve(__dirname, "../../docs/configuration.md"), "utf8")).toBe(configurationDoc());
  });

  it("gives each field's type, requirement, default and allowed values", () => {
    const doc = configurationDoc();
    expect(doc).toContain(
      '| `workloads[].auto_scaling.launch_template_version` | string |  | `"latest"` | `latest`, `$Latest`, `$Default` | "latest" follows the launch template\'s latest_version',
    );
    expect(doc).toContain("| `workloads[].ami.source` | string | yes |  | `latest`, `pinned`, `environment`, `channel` |");
    expect(doc).toContain("| `images[].tests.timeout_minutes` | integer |  | `720` | 60 to 1440 |");
  });
});
