/**
 * The library's few log lines: warnings (once per cause, so an outage does not
 * flood the log) and a debug trace behind `VIEWLET_DEBUG=1`. Never logs stored
 * values. Messages are data; the `[next-viewlet]` prefix is presentation, added
 * by the logger that prints them.
 */

/** Where log lines go. Pass your own (pino, winston, …) as the handler's `logger` option. */
export interface ViewletLogger {
  debug(message: string, details?: Record<string, unknown>): void;
  warn(message: string): void;
  error(message: string): void;
}

const PREFIX = '[next-viewlet]';

/** The default logger: `console`, each line prefixed with `[next-viewlet]`. */
export const consoleLogger: ViewletLogger = {
  debug: (message, details) => (details ? console.debug(`${PREFIX} ${message}`, details) : console.debug(`${PREFIX} ${message}`)),
  warn: (message) => console.warn(`${PREFIX} ${message}`),
  error: (message) => console.error(`${PREFIX} ${message}`),
};

/** Whether `VIEWLET_DEBUG` is on (`1`, `true`, `yes`, `on`). Read on every call so tests can flip it. */
export function debugEnabled(): boolean {
  const value = process.env.VIEWLET_DEBUG?.trim().toLowerCase();
  return value === '1' || value === 'true' || value === 'yes' || value === 'on';
}

/** A logger with the library's policies: debug lines behind `VIEWLET_DEBUG`, warnings once per cause. */
export interface Log {
  /** A debug line `<scope>: <message>`, only with `VIEWLET_DEBUG` on. */
  debug(scope: string, message: string, details?: Record<string, unknown>): void;
  /** A warning once per `key` until `clearWarning(key)`; repeats go to the debug log. */
  warnOnce(key: string, message: string): void;
  /** Lets the warning for `key` be logged again (e.g. after the store recovered). Returns whether it had been logged. */
  clearWarning(key: string): boolean;
  warn(message: string): void;
  error(message: string): void;
}

const MAX_WARNING_KEYS = 1000;

export function createLog(logger: ViewletLogger = consoleLogger): Log {
  const warned = new Set<string>();
  const log: Log = {
    debug(scope, message, details) {
      if (!debugEnabled()) return;
      logger.debug(`${scope}: ${message}`, details);
    },
    warnOnce(key, message) {
      if (warned.has(key)) {
        log.debug('warn', message);
        return;
      }
      if (warned.size >= MAX_WARNING_KEYS) warned.clear();
      warned.add(key);
      logger.warn(message);
    },
    clearWarning: (key) => warned.delete(key),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
  return log;
}

/** The process-wide log, for code that has no logger of its own. */
export const defaultLog: Log = createLog();

/** `defaultLog.debug`. */
export const debugLog: Log['debug'] = (scope, message, details) => defaultLog.debug(scope, message, details);
/** `defaultLog.warnOnce`. */
export const warnOnce: Log['warnOnce'] = (key, message) => defaultLog.warnOnce(key, message);
/** `defaultLog.clearWarning`. */
export const clearWarning: Log['clearWarning'] = (key) => defaultLog.clearWarning(key);
