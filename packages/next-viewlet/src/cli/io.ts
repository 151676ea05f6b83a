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
  /** Where a progress bar is drawn, when it is a terminal. Default: none (plain progress lines). */
  terminal?: NodeJS.WriteStream;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Bad input or configuration: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

export const processIO: CliIO = {
  env: process.env,
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  ...(process.stderr.isTTY && { terminal: process.stderr }),
};
