'use client';

import { useState, useTransition, type ReactNode } from 'react';
import { loadViewletIsland } from 'next-viewlet/island-action';

/** Sends any name and args to the island action, as an untrusted client could. */
export function IslandPlayground() {
  const [name, setName] = useState('recommendations');
  const [args, setArgs] = useState('["2"]');
  const [result, setResult] = useState<{ node?: ReactNode; error?: string }>({});
  const [pending, startTransition] = useTransition();

  const send = () =>
    startTransition(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(args);
      } catch {
        setResult({ error: 'Args must be JSON, e.g. ["2"].' });
        return;
      }
      const answer = await loadViewletIsland(name, parsed);
      setResult(answer.ok ? { node: answer.node as ReactNode } : { error: `${answer.code}: ${answer.message}` });
    });

  return (
    <section aria-label="Island playground">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <label>
          Viewlet name
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Args (JSON)
          <input value={args} onChange={(e) => setArgs(e.target.value)} />
        </label>
        <button type="submit" disabled={pending}>
          Load island
        </button>
      </form>
      {result.error && (
        <p className="error" role="alert" data-testid="island-error">
          {result.error}
        </p>
      )}
      {result.node && <div data-testid="island-result">{result.node}</div>}
    </section>
  );
}
