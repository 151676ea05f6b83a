/**
 * Lua scripts, as constants with their SHA1 (checked by test/stores/scripts.test.ts
 * against `node:crypto` and against `SCRIPT LOAD` on a real redis-server).
 */

/** Deletes KEYS[1] only if its value is ARGV[1]; returns 1 when it deleted, else 0. */
export const COMPARE_AND_DELETE = {
  script: "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
  sha1: '2e47b373b4dbd63ee966d2eb9fe24ed6a138ad4e',
} as const;

/** Whether a script call failed because the server has not cached the script yet. */
export function isNoScriptError(error: unknown): boolean {
  return error instanceof Error && /NOSCRIPT/i.test(error.message);
}
