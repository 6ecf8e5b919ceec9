import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { configJsonSchema } from "../../config/json-schema";

describe("config/config.schema.json", () => {
  it("is the schema the code validates with (run npm run schema after changing config/schema.ts)", () => {
    expect(readFileSync(resolve(__dirname, "../../config/config.schema.json"), "utf8")).toBe(configJsonSchema());
  });

  it("refuses unknown keys and requires the organization", () => {
    const schema = JSON.parse(configJsonSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(["organization", "shared", "images"]));
  });
});
