// Records each image's recipe version and fingerprint next to the configuration (see config/recipe-lock.ts).
import { displayPath, EXAMPLE_CONFIG, loadConfig } from "../config/load";
import { ConfigError } from "../config/problems";
import { recipeLockPath, updateRecipeLock } from "../config/recipe-lock";

const configPath = process.argv[2] || process.env.AMI_PIPELINE_CONFIG || EXAMPLE_CONFIG;
try {
  const loaded = loadConfig(configPath, { enforceRecipeLock: false });
  const lockFile = recipeLockPath(loaded.configPath);
  const images = loaded.config.images;
  const refused = updateRecipeLock(
    images,
    images.map((image) => loaded.recipeFingerprints.get(image.name) ?? ""),
    lockFile,
  );
  if (refused.length > 0) throw new ConfigError(displayPath(lockFile), refused);
  console.log(`Recorded ${images.map((i) => `${i.name} ${i.version}`).join(", ")} in ${displayPath(lockFile)}`);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
