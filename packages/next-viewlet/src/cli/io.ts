/** What a CLI command needs from the outside world, injectable for tests. */
export interface CliIO {
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Default: the global fetch. */
  fetch?: typeof globalThis.fetch;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const processIO: CliIO = {
  env: process.env,
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
};
