// The reviewed provider lock file: committed once at the project root, copied into every synthesized
// stack, and used read-only by `terraform init`, so every init verifies the provider package against
// the checksums reviewed here (the registry's zh: for every platform, h1: for the offline mirror's)
// instead of trusting whatever it finds and recording it afresh.
import { copyFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { STACK_FILES } from "../conventions/names";

/** Terraform's name for the lock file, in a stack directory and at the project root. */
export const LOCK_FILE_NAME = STACK_FILES.providerLock;

export const PROVIDER_LOCK = resolve(__dirname, "..", LOCK_FILE_NAME);

/** Copies the reviewed lock into each synthesized stack directory. */
export function installProviderLock(stackDirs: ReadonlyArray<string>, lock: string = PROVIDER_LOCK): void {
  for (const dir of stackDirs) copyFileSync(lock, join(dir, LOCK_FILE_NAME));
}
