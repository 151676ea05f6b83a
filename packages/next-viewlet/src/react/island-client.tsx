'use client';
/**
 * Browser half of an island: asks the Server Action for the viewlet once
 * mounted, when scrolled into view, or on demand, and shows the fallback until then.
 */
import { useCallback, useEffect, useRef, useState, useTransition, type ReactNode } from 'react';
import { loadViewletIsland } from '../next/island-action.ts';

/** Props handed on by `<ViewletIsland>` (see `ViewletIslandProps` for their meaning). */
export interface IslandClientProps {
  /** The island viewlet's name. */
  name: string;
  /** Its args, as JSON data. */
  args: unknown[];
  /** Shown until the island has loaded. */
  fallback?: ReactNode;
  /** When to load. */
  when: 'mount' | 'visible' | 'manual';
  /** Label of the load button in `'manual'` mode. @default 'Load' */
  loadLabel?: string;
  /** Label of the refresh button shown once loaded. @default no button */
  refreshLabel?: string;
}

export function IslandClient({ name, args, fallback, when, loadLabel = 'Load', refreshLabel }: IslandClientProps): ReactNode {
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
    if (when === 'mount') fetchIsland();
    if (when !== 'visible' || !box.current) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect();
        fetchIsland();
      }
    });
    observer.observe(box.current);
    return () => observer.disconnect();
  }, [when, fetchIsland]);

  return (
    <div ref={box} data-viewlet-island={name} aria-busy={pending}>
      {loaded ? node : fallback}
      {error && (
        <p role="alert" data-island-error="">
          {error}
        </p>
      )}
      {when === 'manual' && !loaded && (
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
