/**
 * The `next-viewlet` command: one sub-command per file, dispatched by name.
 */
import { EXIT, processIO, type CliIO } from './io.ts';
import { revalidateCommand } from './revalidate.ts';
import { warmCommand } from './warm.ts';

type Command = (argv: string[], io: CliIO) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  revalidate: { run: revalidateCommand, summary: 'send a signed revalidation message to a webhook route' },
  warm: { run: warmCommand, summary: 'pre-fill the caches by requesting pages (after a deploy, or on a schedule)' },
};

const USAGE = [
  'Usage: next-viewlet <command> [options]',
  '',
  'Commands:',
  ...Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(12)}${summary}`),
  '',
  'Run next-viewlet <command> --help for its options.',
].join('\n');

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(`next-viewlet: unknown command ${JSON.stringify(name)}.\n\n${USAGE}`);
    return EXIT.usage;
  }
  return command.run(rest, io);
}
