import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

/** Debian's chromium, with the flags this machine's closed network needs. */
export function chromiumLaunchOptions(): LaunchOptions {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}; install Debian's chromium (npm test does) or set CHROMIUM_PATH.`);
  }
  return {
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  };
}
