/** The emulator end-to-end suite: real cdktf CLI, Terraform and AWS provider against moto. */
module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testMatch: ["<rootDir>/__tests__/emulator/**/*.test.ts", "<rootDir>/__tests__/e2e/**/*.test.ts"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup-jest.ts"],
  // One emulator per worker, started once (global-setup.ts); each file resets its worker's emulator.
  globalSetup: "<rootDir>/__tests__/e2e/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/e2e/global-teardown.ts",
  maxWorkers: 2,
  modulePathIgnorePatterns: ["<rootDir>/.cache/"],
  reporters: ["default", "<rootDir>/__tests__/slowest-files-reporter.js"],
};
