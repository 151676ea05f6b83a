/** What a CLI command needs from the outside world, injectable for tests. */
export interface CliIO {
  /** The environment (secrets and the default URL are read from it). */
  env: Readonly<Record<string, string | undefined>>;
  /** Writes one line of output. */
  stdout(text: string): void;
  /** Writes one line of diagnostics. */
  stderr(text: string): void;
  /** `fetch` for the webhook request. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const processIO: CliIO = {
  env: process.env,
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
};
