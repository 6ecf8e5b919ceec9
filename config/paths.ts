// Where the project keeps its own files. Loads nothing else, so the CLI can name them in --help cheaply.
// Relative to a folder one level below the project: config/ as source, dist/ when bundled.
import { resolve } from "node:path";

/** Where the project keeps its component documents. */
export const COMPONENTS_DIR = resolve(__dirname, "..", "image-components");
/** The configuration used when neither --config nor AMI_PIPELINE_CONFIG names one. */
export const EXAMPLE_CONFIG = resolve(__dirname, "..", "config", "example.yaml");
/** The configuration's JSON Schema, for editors (`golden-ami schema` writes and checks it). */
export const SCHEMA_FILE = resolve(__dirname, "..", "config", "config.schema.json");

/** The configuration reference generated from the schema (config/configuration-doc.ts). */
export const CONFIGURATION_DOC = resolve(__dirname, "..", "docs", "configuration.md");
/** The reviewed access contract: recorded AWS calls and the calls the emulator cannot produce. */
export const ACCESS_RECORDED_FILE = resolve(__dirname, "..", "docs", "access", "recorded.json");
export const ACCESS_UNRECORDABLE_FILE = resolve(__dirname, "..", "docs", "access", "unrecordable.json");
