import { z } from "zod";
import { configurationMarkdown } from "./configuration-doc";
import { environmentMarkdown } from "./environment";
import { ConfigSchema } from "./schema";

/** The configuration's JSON Schema as written to config/config.schema.json (input side: defaults optional). */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(ConfigSchema, { io: "input", target: "draft-2020-12" });
  return JSON.stringify({ ...schema, title: "Golden AMI pipeline configuration" }, null, 2) + "\n";
}

/** docs/configuration.md: every field of that schema, with its type, default, allowed values and description. */
export function configurationDoc(): string {
  return `${configurationMarkdown(JSON.parse(configJsonSchema()))}\n${environmentMarkdown()}`;
}
