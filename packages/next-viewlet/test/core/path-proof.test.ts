import { describe, expect, it, vi } from 'vitest';
import { pathProof, verifyPathProof } from '../../src/core/path-proof.ts';

describe('path proof', () => {
  it('verifies only the proof made for that path', () => {
    expect(verifyPathProof('/a', pathProof('/a'))).toBe(true);
    expect(verifyPathProof('/b', pathProof('/a'))).toBe(false);
    expect(verifyPathProof('/a', null)).toBe(false);
    expect(verifyPathProof('/a', '')).toBe(false);
    expect(verifyPathProof('/a', `${pathProof('/a')}x`)).toBe(false);
  });

  it('shares its key with every copy of the module in the process (the proxy bundle and the server bundle)', async () => {
    vi.resetModules();
    const copy = (await import('../../src/core/path-proof.ts?proxy-bundle' as string)) as typeof import('../../src/core/path-proof.ts');
    expect(copy.pathProof('/a')).toBe(pathProof('/a'));
  });

  it('uses a key no one outside the process can know: a fresh process makes different proofs', () => {
    const key = Symbol.for('next-viewlet.path-key');
    const holder = globalThis as { [key]?: Buffer };
    const saved = holder[key];
    const before = pathProof('/a');
    try {
      delete holder[key];
      expect(pathProof('/a')).not.toBe(before);
    } finally {
      holder[key] = saved;
    }
  });
});
