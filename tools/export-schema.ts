// Writes config/config.schema.json, the JSON Schema editors use to check configuration files.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { configJsonSchema } from "../config/json-schema";

const target = resolve(__dirname, "..", "config", "config.schema.json");
writeFileSync(target, configJsonSchema());
console.log(`Wrote ${target}`);
