/**
 * What a redis-server did, from its own counters: bytes in and out
 * (`INFO stats`), and commands with their server time (`CONFIG RESETSTAT` +
 * `INFO commandstats`), and the commands clients sent (`MONITOR`, which tells
 * them from the calls Lua scripts make inside one EVALSHA: commandstats counts
 * both). The harness's own commands are left out of the counts.
 */
import { createClient } from 'redis';

// Commands the harness itself sends to measure or to inject faults.
const OWN = new Set([
  'info',
  'config|resetstat',
  'config',
  'client|pause',
  'client|unpause',
  'client',
  'ping',
  'hello',
  'select',
  'monitor',
]);

function parseInfo(text) {
  const fields = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1);
  }
  return fields;
}

/** @param {string} url */
export async function redisProbe(url) {
  const client = createClient({ url, socket: { reconnectStrategy: 100 } });
  client.on('error', () => {}); // the outage scenario stops the server on purpose
  await client.connect();
  let own;
  return {
    client,
    /** `{ input, output }`: total bytes the server received and sent. */
    async bytes() {
      const info = parseInfo(await client.info('stats'));
      return { input: Number(info.total_net_input_bytes), output: Number(info.total_net_output_bytes) };
    },
    async resetCommandStats() {
      await client.sendCommand(['CONFIG', 'RESETSTAT']);
    },
    /** `{ calls, usec, byCommand }` since the last reset, without the harness's own commands. */
    async commandStats() {
      const info = parseInfo(await client.info('commandstats'));
      const byCommand = {};
      let calls = 0;
      let usec = 0;
      for (const [key, value] of Object.entries(info)) {
        const name = key.replace(/^cmdstat_/, '');
        if (OWN.has(name)) continue;
        const stat = Object.fromEntries(value.split(',').map((pair) => pair.split('=')));
        byCommand[name] = { calls: Number(stat.calls), usec: Number(stat.usec) };
        calls += Number(stat.calls);
        usec += Number(stat.usec);
      }
      return { calls, usec, byCommand };
    },
    /**
     * Counts what `fn` makes the server do: commands, server time, bytes in and
     * out. The bytes of the measuring itself (its INFO replies) are measured
     * once with nothing in between and subtracted.
     */
    async measure(fn) {
      const raw = async (inner) => {
        await this.resetCommandStats();
        const before = await this.bytes();
        const value = await inner();
        const after = await this.bytes();
        return { value, commands: await this.commandStats(), input: after.input - before.input, output: after.output - before.output };
      };
      own ??= await raw(async () => undefined);
      const { value, commands, input, output } = await raw(fn);
      return { value, commands, bytes: { input: Math.max(0, input - own.input), output: Math.max(0, output - own.output) } };
    },
    /**
     * Counts the commands clients send while `fn` runs (each one a round trip
     * unless pipelined), by command, through a MONITOR connection: calls a Lua
     * script makes inside the server are not client commands and are left out.
     */
    async clientCommands(fn) {
      const monitor = client.duplicate();
      monitor.on('error', () => {});
      await monitor.connect();
      const byCommand = {};
      let calls = 0;
      const marker = `bench-end-${Date.now()}-${Math.random()}`;
      let sawMarker;
      const ended = new Promise((resolve) => {
        sawMarker = resolve;
      });
      await monitor.monitor((line) => {
        if (line.includes(marker)) sawMarker();
        // `1701.2 [0 127.0.0.1:50123] "evalsha" …`; script calls read `[0 lua]`.
        const match = /^\S+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
        if (!match || match[1] === 'lua') return;
        const name = match[2].toLowerCase();
        if (OWN.has(name)) return;
        byCommand[name] = (byCommand[name] ?? 0) + 1;
        calls += 1;
      });
      try {
        const value = await fn();
        // MONITOR lines trail the replies: a PING with a marker, seen on the monitor, is the end.
        await client.sendCommand(['PING', marker]);
        await ended;
        return { value, calls, byCommand };
      } finally {
        monitor.destroy();
      }
    },
    async close() {
      client.destroy();
    },
  };
}
