/**
 * Process-wide settings: the kill switch, the identity resolver and the error
 * hook. Kept on `globalThis` so every copy of this module (Next may load one
 * per layer) sees the same values.
 */
import { ViewletError } from './errors.ts';

/** What the identity resolver may read of the incoming request. */
export interface RequestSnapshot {
  /** Value of a request cookie, or undefined. */
  cookie(name: string): string | undefined;
  /** Request headers (read-only). */
  headers: Headers;
}

/** Finds the user (or session) id of a request: a string, or `null`/`undefined`/`''` for none. Anything else is `E_INVALID_IDENTITY`. */
export type IdentityFn = (request: RequestSnapshot) => string | null | undefined | Promise<string | null | undefined>;

export interface IdentityOptions {
  /** Cookie holding the user id. Ignored when `user` is given. Use a signed cookie, or `user`. @default none */
  userCookie?: string;
  /** Resolves the user id; `null` means anonymous (all anonymous visitors share one entry). @default none */
  user?: IdentityFn;
  /** Cookie holding the session id. Ignored when `session` is given. @default none */
  sessionCookie?: string;
  /** Resolves the session id; `null` means no session (one shared entry). @default none */
  session?: IdentityFn;
}

export interface ViewletSettings {
  /**
   * Master switch. `false` renders every viewlet on every request, bypassing the cache.
   * @default true, unless the environment variable `VIEWLET_CACHE` is `off` (or `0`, `false`, `disabled`)
   */
  enabled?: boolean;
  /**
   * How to find the user and the session of a request (for `vary: 'user' | 'session' | 'user+path'`).
   * Merged into what earlier calls set. @default none: such viewlets fail with `E_NO_IDENTITY`
   */
  identity?: IdentityOptions;
  /**
   * Called once for every viewlet failure, after it has been logged, with the error (a `ViewletError`
   * keeps its `code`) and the viewlet's name. An exception it throws is ignored. @default none
   */
  onError?: (error: unknown, viewletName: string) => void;
  /** Set to `false` to silence the one-line failure log (use `onError` instead). @default true */
  logErrors?: boolean;
}

const KEY = Symbol.for('next-viewlet.settings');
type Holder = { [KEY]?: ViewletSettings };

function store(): ViewletSettings {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= {});
}

/** Merges `settings` into the process-wide settings. Call it in a module your pages import. */
export function configureViewlets(settings: ViewletSettings): void {
  if (settings === null || typeof settings !== 'object') {
    throw new ViewletError('E_INVALID_SETTINGS', 'configureViewlets() takes an object of settings.');
  }
  const current = store();
  for (const key of ['enabled', 'logErrors'] as const) {
    if (settings[key] !== undefined && typeof settings[key] !== 'boolean') {
      throw new ViewletError('E_INVALID_SETTINGS', `${key} must be true or false, got ${JSON.stringify(settings[key])}.`);
    }
  }
  if (settings.onError !== undefined && typeof settings.onError !== 'function') {
    throw new ViewletError('E_INVALID_SETTINGS', 'onError must be a function (error, viewletName) => void.');
  }
  if (settings.identity !== undefined && (settings.identity === null || typeof settings.identity !== 'object')) {
    throw new ViewletError('E_INVALID_SETTINGS', 'identity must be an object: { user?, userCookie?, session?, sessionCookie? }.');
  }
  if (settings.identity) {
    for (const key of ['user', 'session'] as const) {
      const fn = settings.identity[key];
      if (fn !== undefined && typeof fn !== 'function') {
        throw new ViewletError('E_INVALID_SETTINGS', `identity.${key} must be a function (request) => string | null.`);
      }
    }
  }
  Object.assign(current, settings, { identity: { ...current.identity, ...settings.identity } });
}

export function getSettings(): Readonly<ViewletSettings> {
  return store();
}

/** Whether viewlet caching is on right now (settings first, then `VIEWLET_CACHE`). */
export function cachingEnabled(): boolean {
  const { enabled } = store();
  if (enabled !== undefined) return enabled;
  const env = process.env.VIEWLET_CACHE?.trim().toLowerCase();
  return !(env === 'off' || env === '0' || env === 'false' || env === 'disabled');
}

/** Test helper: forget all settings. */
export function resetSettings(): void {
  delete (globalThis as Holder)[KEY];
}
