'use client';
/**
 * Browser half of an island: asks the Server Action for the viewlet once
 * mounted, when scrolled into view, or on demand, and shows the fallback until then.
 */
import { useCallback, useEffect, useRef, useState, useTransition, type ReactNode } from 'react';
import { loadViewletIsland } from '../next/island-action.ts';

export interface IslandClientProps {
  name: string;
  args: unknown[];
  fallback?: ReactNode;
  load: 'mount' | 'visible' | 'manual';
  loadLabel?: string;
  refreshLabel?: string;
}

export function IslandClient({ name, args, fallback, load, loadLabel = 'Load', refreshLabel }: IslandClientProps): ReactNode {
  const [node, setNode] = useState<ReactNode>(null);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [pending, startTransition] = useTransition();
  const box = useRef<HTMLDivElement>(null);
  const argsKey = JSON.stringify(args);

  const fetchIsland = useCallback(() => {
    startTransition(async () => {
      try {
        const result = await loadViewletIsland(name, JSON.parse(argsKey));
        if (result.ok) {
          setNode(result.node as ReactNode);
          setError(null);
          setLoaded(true);
        } else {
          setError(result.message);
        }
      } catch {
        setError(`island "${name}" could not be loaded.`);
      }
    });
  }, [name, argsKey]);

  useEffect(() => {
    if (load === 'mount') fetchIsland();
    if (load !== 'visible' || !box.current) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect();
        fetchIsland();
      }
    });
    observer.observe(box.current);
    return () => observer.disconnect();
  }, [load, fetchIsland]);

  return (
    <div ref={box} data-viewlet-island={name} aria-busy={pending}>
      {loaded ? node : fallback}
      {error && (
        <p role="alert" data-island-error="">
          {error}
        </p>
      )}
      {load === 'manual' && !loaded && (
        <button type="button" onClick={fetchIsland} disabled={pending}>
          {loadLabel}
        </button>
      )}
      {refreshLabel && loaded && (
        <button type="button" onClick={fetchIsland} disabled={pending}>
          {refreshLabel}
        </button>
      )}
    </div>
  );
}
