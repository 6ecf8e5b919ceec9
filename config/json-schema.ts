import { z } from "zod";
import { ConfigSchema } from "./schema";

/** The configuration's JSON Schema as written to config/config.schema.json (input side: defaults optional). */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(ConfigSchema, { io: "input", target: "draft-2020-12" });
  return JSON.stringify({ ...schema, title: "Golden AMI pipeline configuration" }, null, 2) + "\n";
}
