// golden-ami schema: the configuration's JSON Schema, for editors (config/config.schema.json), and the
// configuration reference generated from it (docs/configuration.md).
import { Command, Option } from "@commander-js/extra-typings";
import { readFileSync, writeFileSync } from "node:fs";
import { CONFIGURATION_DOC, SCHEMA_FILE } from "../config/paths";
import { agrees } from "../config/wording";
import { GoldenAmiError } from "../conventions/errors";
import { withExample } from "./program";
import { library } from "./library";

function current(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return ""; // a missing file is simply out of date
  }
}

export function registerSchema(program: Command): void {
  const command = program
    .command("schema")
    .description("write or check the configuration's JSON Schema and the reference generated from it (docs/configuration.md)")
    .addOption(new Option("--output <file>", "where to write the schema; - for stdout (then no reference)").default(SCHEMA_FILE, "config/config.schema.json"))
    .addOption(new Option("--doc <file>", "where to write the configuration reference").default(CONFIGURATION_DOC, "docs/configuration.md"))
    .option("--check", "write nothing; exit 1 when either file differs from what the schema gives")
    .action((options) => {
      const { configJsonSchema, configurationDoc } = library.jsonSchema();
      const outputs = [
        { file: options.output, text: configJsonSchema() },
        { file: options.doc, text: configurationDoc() },
      ];
      if (options.check) {
        const stale = outputs.filter((o) => current(o.file) !== o.text).map((o) => o.file);
        if (stale.length > 0)
          throw new GoldenAmiError(`${stale.join(" and ")} ${agrees(stale.length, "is", "are")} out of date; run \`npx golden-ami schema\``);
        return;
      }
      if (options.output === "-") return void process.stdout.write(outputs[0].text);
      for (const { file, text } of outputs) {
        writeFileSync(file, text);
        console.log(`Wrote ${file}`);
      }
    });
  withExample(command, "npx golden-ami schema", "npx golden-ami schema --check");
}
