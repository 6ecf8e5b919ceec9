/** Unit and terraform-validate suites; the emulator end-to-end suite has its own config (jest.e2e.config.js). */
const transform = { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] };

const setupFilesAfterEnv = ["<rootDir>/__tests__/setup-jest.ts"];

module.exports = {
  testEnvironment: "node",
  transform,
  // One private temporary directory per run, removed at the end (GOLDEN_AMI_KEEP_TMP=1 keeps it).
  modulePathIgnorePatterns: ["<rootDir>/.cache/"],
  reporters: ["default", "<rootDir>/__tests__/slowest-files-reporter.js"],
  // Both cores: jest's default (cores - 1) is one worker on a 2-core runner.
  maxWorkers: 2,
  globalSetup: "<rootDir>/__tests__/tmpdir-setup.js",
  globalTeardown: "<rootDir>/__tests__/tmpdir-teardown.js",
  projects: [
    { displayName: "unit", testEnvironment: "node", transform, setupFilesAfterEnv, testMatch: ["<rootDir>/__tests__/unit/**/*.test.ts"] },
    { displayName: "validate", testEnvironment: "node", transform, setupFilesAfterEnv, testMatch: ["<rootDir>/__tests__/validate/**/*.test.ts"] },
  ],
};
