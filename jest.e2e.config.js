/** The emulator end-to-end suite: real cdktf CLI, Terraform and AWS provider against moto. */
module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testMatch: ["<rootDir>/__tests__/e2e/**/*.test.ts"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup-jest.ts"],
  // One emulator, steps that build on each other: never in parallel.
  maxWorkers: 1,
  modulePathIgnorePatterns: ["<rootDir>/.cache/"],
};
