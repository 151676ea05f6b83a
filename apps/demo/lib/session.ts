export const SESSION_COOKIE = 'demo-session';

/** Session ids the demo proxy issues: 32 hex chars. Anything else is no session. */
export function isSessionId(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value);
}
