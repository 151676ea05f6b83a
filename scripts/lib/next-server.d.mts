export interface NextServer {
  baseURL: string;
  port: number;
  pid: number;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}
export function freePort(): Promise<number>;
export function startNext(options: {
  appDir: string;
  env?: Record<string, string>;
  port?: number;
  readyPath?: string;
  timeoutMs?: number;
}): Promise<NextServer>;
