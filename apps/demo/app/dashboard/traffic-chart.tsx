'use client';

/**
 * Calls per second by outcome and the render p95 over time, drawn by uPlot on
 * a canvas. uPlot is loaded in the browser only (it measures the DOM), and the
 * plot is made once and then given new data, so a poll does not redraw the page.
 */
import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type ChartSeries, SERIES_COLORS } from './history';
import styles from './dashboard.module.css';

const HEIGHT = 220;

function columns(series: ChartSeries): uPlot.AlignedData {
  const { perSecond } = series;
  return [series.x, perSecond.hit, perSecond.stale, perSecond.miss, perSecond.error, series.p95ms];
}

function options(width: number): uPlot.Options {
  const line = (label: string, stroke: string, scale = 'rate'): uPlot.Series => ({ label, stroke, scale, width: 2, spanGaps: false });
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: true }, rate: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    series: [
      {},
      line('hit/s', SERIES_COLORS.hit),
      line('stale/s', SERIES_COLORS.stale),
      line('miss/s', SERIES_COLORS.miss),
      line('error/s', SERIES_COLORS.error),
      { ...line('render p95 (ms)', SERIES_COLORS.p95, 'ms'), dash: [6, 4] },
    ],
    axes: [{}, { scale: 'rate', label: 'calls/s' }, { scale: 'ms', side: 1, label: 'ms', grid: { show: false } }],
  };
}

export function TrafficChart({ series, label }: { series: ChartSeries; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(series);
  latest.current = series;

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void import('uplot').then(({ default: UPlot }) => {
      const element = box.current;
      if (disposed || !element) return;
      plot.current = new UPlot(options(element.clientWidth), columns(latest.current), element);
      observer = new ResizeObserver(() => plot.current?.setSize({ width: element.clientWidth, height: HEIGHT }));
      observer.observe(element);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(columns(series));
  }, [series]);

  return (
    <figure className={styles.chart} aria-label={label} data-samples={series.x.length}>
      <div ref={box} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}
