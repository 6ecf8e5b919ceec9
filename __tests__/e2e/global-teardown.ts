// Jest globalTeardown of the end-to-end suite: the workers' emulators stop (their logs stay for a failed run).
export default async function globalTeardown(): Promise<void> {
  await Promise.all((globalThis.goldenAmiEmulators ?? []).map((emulator) => emulator.stop()));
}
