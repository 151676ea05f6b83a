export interface RedisServer {
  port: number;
  url: string;
  pid: number;
  stop(): Promise<void>;
}
export function startRedis(options?: { port?: number; bin?: string }): Promise<RedisServer>;
