// golden-ami lock: records each image's recipe version and fingerprint beside the configuration.
import { Command } from "@commander-js/extra-typings";
import { lstatSync } from "node:fs";
import { ConfigError } from "../config/problems";
import { CONFIG_OPTION_HELP, configPathOf, withExample } from "./program";

export function registerLock(program: Command): void {
  const command = program
    .command("lock")
    .description("record recipe versions after an image changed")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .action((options) => {
      const { displayPath, loadConfig } = require("../config/load") as typeof import("../config/load");
      const { readableRecipeLock, recipeLockPath, updateRecipeLock } = require("../config/recipe-lock") as typeof import("../config/recipe-lock");
      const loaded = loadConfig(configPathOf(options.config), { enforceRecipeLock: false });
      const lockFile = recipeLockPath(loaded.configPath);
      const images = loaded.config.images;
      if (lstatSync(lockFile, { throwIfNoEntry: false })?.isFile() && readableRecipeLock(lockFile) === undefined) {
        console.error(`golden-ami: ${displayPath(lockFile)} could not be read as a lock file; writing it anew (the version history in it is lost)`);
      }
      const refused = updateRecipeLock(
        images,
        images.map((image) => loaded.recipeFingerprints.get(image.name) ?? ""),
        lockFile,
      );
      if (refused.length > 0) throw new ConfigError(displayPath(lockFile), refused);
      console.log(`Recorded ${images.map((i) => `${i.name} ${i.version}`).join(", ")} in ${displayPath(lockFile)}`);
    });
  withExample(command, "npx golden-ami lock --config config/example.yaml");
}
