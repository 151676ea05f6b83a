/**
 * Results: each scenario returns `{ tables, targets, notes, data }`; this
 * module prints them, writes bench/results/latest.md and latest.json, and
 * formats the numbers the same way everywhere.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ratio = (value, base) => (Number.isFinite(value / base) ? `${(value / base).toFixed(2)}×` : 'n/a');
export const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
export const kb = (bytes) =>
  Number.isFinite(bytes) ? (bytes >= 10_240 ? `${(bytes / 1024).toFixed(0)} KB` : `${Math.round(bytes)} B`) : 'n/a';
export const mb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : 'n/a');

/** A markdown table. */
export function table({ title, columns, rows }) {
  const cell = (value) => String(value ?? '').replaceAll('|', '\\|');
  const lines = [`| ${columns.map(cell).join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return `${title ? `**${title}**\n\n` : ''}${lines.join('\n')}`;
}

/** One scenario as markdown. */
export function scenarioMarkdown(result) {
  const load = result.loadAverage ? ` · load average ${result.loadAverage.join(' → ')}` : '';
  const when = result.date ? ` · ${result.date.slice(0, 16).replace('T', ' ')} UTC` : '';
  const parts = [
    `## ${result.title}`,
    '',
    `\`${result.command}\`${when}${result.seconds ? ` · ${result.seconds.toFixed(0)} s` : ''}${load}`,
  ];
  if (result.skipped) return [...parts, '', `skipped: ${result.skipped}`].join('\n');
  if (result.measures) parts.push('', result.measures);
  for (const t of result.tables ?? []) parts.push('', table(t));
  if (result.targets?.length) {
    parts.push(
      '',
      table({
        title: 'Targets',
        columns: ['target', 'measured', 'met'],
        rows: result.targets.map((t) => [t.target, t.measured, t.met ? 'yes' : 'no']),
      }),
    );
  }
  for (const note of result.notes ?? []) parts.push('', `- ${note}`);
  for (const failure of result.failures ?? []) parts.push('', `**CHECK FAILED**: ${failure}`);
  return parts.join('\n');
}

export function environment() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadAverage: os.loadavg().map((n) => Number(n.toFixed(2))),
    totalMemoryMB: Math.round(os.totalmem() / 1024 / 1024),
  };
}

/** Writes latest.md and latest.json in `dir`. */
export function writeResults(dir, { command, quick, results, env, charts = [] }) {
  mkdirSync(dir, { recursive: true });
  const header = [
    `# Benchmark results${quick ? ' (quick: harness check, sizes too small to read)' : ''}`,
    `Last run ${env.date} · \`${command}\` · node ${env.node} · ${env.cpus} × ${env.cpuModel} · load average before the run ${env.loadAverage.join(', ')}`,
    'Each scenario says when it ran. Side by side on a shared machine: read the ratios, not the absolute times.',
    ...charts.map((chart) => `![${chart.title}](${path.basename(chart.file)})`),
  ];
  const md = [...header, ...results.map(scenarioMarkdown)].join('\n\n');
  writeFileSync(path.join(dir, 'latest.md'), `${md}\n`);
  writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify({ command, quick, env, results }, null, 2)}\n`);
  return md;
}
