// golden-ami schema: the configuration's JSON Schema, for editors (config/config.schema.json).
import { Command, Option } from "@commander-js/extra-typings";
import { readFileSync, writeFileSync } from "node:fs";
import { SCHEMA_FILE } from "../config/paths";
import { CommandFailed, withExample } from "./program";

export function registerSchema(program: Command): void {
  const command = program
    .command("schema")
    .description("write or check the configuration's JSON Schema")
    .addOption(new Option("--output <file>", "where to write it; - for stdout").default(SCHEMA_FILE, "config/config.schema.json"))
    .option("--check", "write nothing; exit 1 when the file differs from the schema")
    .action((options) => {
      const { configJsonSchema } = require("../config/json-schema") as typeof import("../config/json-schema");
      const schema = configJsonSchema();
      if (options.check) {
        let current = "";
        try {
          current = readFileSync(options.output, "utf8");
        } catch {
          // a missing file is simply out of date
        }
        if (current !== schema) throw new CommandFailed(`${options.output} is out of date; run \`npx golden-ami schema\``);
        return;
      }
      if (options.output === "-") process.stdout.write(schema);
      else {
        writeFileSync(options.output, schema);
        console.log(`Wrote ${options.output}`);
      }
    });
  withExample(command, "npx golden-ami schema", "npx golden-ami schema --check");
}
