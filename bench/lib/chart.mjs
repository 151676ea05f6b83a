/**
 * The known-tags chart: bytes and Redis time per page view against the number
 * of distinct tags an instance has seen, per store, as SVG (Vega-Lite
 * compiled to Vega, rendered headless in Node).
 */
import { writeFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile } from 'vega-lite';

/** @param {{ store: string, tags: number, bytesPerView: number, redisUsPerView: number }[]} rows @param {string} file */
export async function writeKnownTagsChart(rows, file, { title = 'Cost of one page view as an instance sees more tags' } = {}) {
  const values = rows.flatMap((r) => [
    { store: r.store, tags: r.tags, metric: 'bytes sent + received per view', value: Math.max(1, r.bytesPerView) },
    { store: r.store, tags: r.tags, metric: 'Redis µs per view', value: Math.max(0.1, r.redisUsPerView) },
  ]);
  const panel = (metric) => ({
    title: metric,
    transform: [{ filter: { field: 'metric', equal: metric } }],
    mark: { type: 'line', point: true },
    width: 300,
    height: 220,
    encoding: {
      x: { field: 'tags', type: 'quantitative', scale: { type: 'log' }, title: 'distinct tags seen' },
      y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: metric },
      color: { field: 'store', type: 'nominal' },
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'middle', offset: 12 },
    data: { values },
    hconcat: [panel('bytes sent + received per view'), panel('Redis µs per view')],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  writeFileSync(file, svg);
  return file;
}
