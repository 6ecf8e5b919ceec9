// golden-ami lock: records each image's recipe version and fingerprint beside the configuration.
import { Command } from "@commander-js/extra-typings";
import { ConfigError } from "../config/problems";
import { CONFIG_OPTION_HELP, configPathOf, withExample } from "./program";
import { library } from "./library";

export function registerLock(program: Command): void {
  const command = program
    .command("lock")
    .description("record recipe versions after an image changed")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .option(
      "--reset-history",
      "write the lock anew when it cannot be read (empty, truncated, not JSON), dropping its record of earlier versions; restoring it from Git is better",
    )
    .action(async (options) => {
      const { displayPath, loadConfig } = library.configuration();
      const { recipeLockPath, updateRecipeLock } = library.recipeLock();
      const { withDataFileLock } = library.dataFiles();
      const configPath = configPathOf(options.config);
      // Under the data-file lock: two lock runs (or a lock beside a promote) never interleave read and write.
      await withDataFileLock(configPath, async () => {
        const loaded = loadConfig(configPath, { enforceRecipeLock: false });
        const lockFile = recipeLockPath(loaded.configPath);
        const images = loaded.config.images;
        let resetting = false;
        const refused = updateRecipeLock(
          images,
          images.map((image) => loaded.recipeFingerprints.get(image.name) ?? ""),
          lockFile,
          { resetHistory: options.resetHistory === true, onReset: () => (resetting = true) },
        );
        if (refused.length > 0) throw new ConfigError(displayPath(lockFile), refused);
        if (resetting)
          console.error(`golden-ami: ${displayPath(lockFile)} could not be read; wrote it anew (--reset-history: earlier versions are no longer recorded)`);
        console.log(`Recorded ${images.map((i) => `${i.name} ${i.version}`).join(", ")} in ${displayPath(lockFile)}`);
      });
    });
  withExample(command, "npx golden-ami lock --config config/example.yaml", "npx golden-ami lock --config config/example.yaml --reset-history");
}
