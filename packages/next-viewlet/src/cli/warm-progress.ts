/**
 * Progress of a warm-up: a cli-progress bar on a terminal, or one plain line
 * per request (not a terminal, or `--json`). Progress always goes to stderr;
 * stdout is kept for the summary.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { CliIO } from './io.ts';

/** One request's outcome. */
export interface PageResult {
  url: string;
  variant: string;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** 2xx or 3xx. */
  ok: boolean;
  seconds: number;
  attempts: number;
  /** Why no response arrived (network error, timeout). */
  error?: string;
}

export interface WarmProgress {
  start(label: string, total: number): void;
  result(result: PageResult): void;
  retry(url: string, variant: string, attempt: number, reason: string): void;
  /** A line outside the per-request ones (a note, a phase). */
  note(text: string): void;
  stop(): void;
}

/** `url (variant)`, the variant left out when there is only the default one. */
export function pageLabel(url: string, variant: string, showVariant: boolean): string {
  return showVariant ? `${url} [${variant}]` : url;
}

function statusText(result: PageResult): string {
  return result.status === 0 ? `ERR ${result.error ?? ''}`.trim() : String(result.status);
}

/** Plain lines: `[3/24] 200 0.42 s https://shop.example/products/1 [alice]`. */
function linesProgress(io: CliIO, showVariant: boolean): WarmProgress {
  let done = 0;
  let total = 0;
  return {
    start(label, count) {
      done = 0;
      total = count;
      io.stderr(`${label}: ${count} request${count === 1 ? '' : 's'}`);
    },
    result(result) {
      done += 1;
      const retried = result.attempts > 1 ? ` (${result.attempts} attempts)` : '';
      io.stderr(
        `[${done}/${total}] ${statusText(result)} ${result.seconds.toFixed(2)} s ${pageLabel(result.url, result.variant, showVariant)}${retried}`,
      );
    },
    retry(url, variant, attempt, reason) {
      io.stderr(`  retrying ${pageLabel(url, variant, showVariant)} after attempt ${attempt}: ${reason}`);
    },
    note: (text) => io.stderr(text),
    stop() {},
  };
}

function barProgress(terminal: NodeJS.WriteStream, showVariant: boolean): WarmProgress {
  const bars = new MultiBar(
    {
      stream: terminal,
      format: '{label} |{bar}| {value}/{total} · {failed} failed · {duration_formatted}',
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  let bar: SingleBar | undefined;
  let failed = 0;
  return {
    start(label, total) {
      failed = 0;
      bar = bars.create(total, 0, { label, failed });
    },
    result(result) {
      if (!result.ok) {
        failed += 1;
        bars.log(`${statusText(result)} ${pageLabel(result.url, result.variant, showVariant)}\n`);
      }
      bar?.increment(1, { failed });
    },
    retry(url, variant, attempt, reason) {
      bars.log(`retrying ${pageLabel(url, variant, showVariant)} after attempt ${attempt}: ${reason}\n`);
    },
    note: (text) => bars.log(`${text}\n`),
    stop() {
      // stop() draws the bars once more but not the lines logged since the last redraw.
      if (bar) bars.update();
      bars.stop();
    },
  };
}

/** The progress output for `io`: a bar on a terminal unless `json`, plain lines otherwise. */
export function createWarmProgress(io: CliIO, options: { json: boolean; showVariant: boolean }): WarmProgress {
  return io.terminal && !options.json ? barProgress(io.terminal, options.showVariant) : linesProgress(io, options.showVariant);
}
