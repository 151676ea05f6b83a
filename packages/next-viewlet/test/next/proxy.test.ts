import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyPathProof } from '../../src/core/path-proof.ts';
import { proxy, VIEWLET_PATH_HEADER, VIEWLET_PATH_PROOF_HEADER, viewletRequestHeaders } from '../../src/next/proxy.ts';

afterEach(() => vi.unstubAllEnvs());

const forged = { [VIEWLET_PATH_HEADER]: '/admin', [VIEWLET_PATH_PROOF_HEADER]: 'x'.repeat(43) };

describe('viewlet proxy', () => {
  it('overwrites a client-sent path and proof with the normalised path and a proof that verifies', () => {
    const headers = viewletRequestHeaders(new Request('http://shop.test/products/%31/?q=1', { headers: forged }));
    expect(headers.get(VIEWLET_PATH_HEADER)).toBe('/products/1');
    expect(verifyPathProof('/products/1', headers.get(VIEWLET_PATH_PROOF_HEADER))).toBe(true);
  });

  it('strips the basePath a NextRequest knows, and the one withViewlets() passed on for a plain Request', () => {
    const next = new NextRequest('http://shop.test/shop/p/1', { nextConfig: { basePath: '/shop' } });
    expect(viewletRequestHeaders(next).get(VIEWLET_PATH_HEADER)).toBe('/p/1');
    vi.stubEnv('VIEWLET_BASE_PATH', '/shop');
    vi.stubEnv('VIEWLET_TRAILING_SLASH', '1');
    expect(viewletRequestHeaders(new Request('http://shop.test/shop/p/1')).get(VIEWLET_PATH_HEADER)).toBe('/p/1/');
  });

  it('sets no path at all for a path past the bounds, dropping what the client sent', () => {
    const headers = viewletRequestHeaders(new Request(`http://shop.test/${'a/'.repeat(100)}`, { headers: forged }));
    expect(headers.has(VIEWLET_PATH_HEADER)).toBe(false);
    expect(headers.has(VIEWLET_PATH_PROOF_HEADER)).toBe(false);
  });

  it('passes the headers on to the page through the request-override headers Next consumes', () => {
    const response = proxy(new NextRequest('http://shop.test/p/2', { headers: forged }));
    expect(response.headers.get('x-middleware-request-x-viewlet-path')).toBe('/p/2');
    const header = response.headers.get(`x-middleware-request-${VIEWLET_PATH_PROOF_HEADER}`);
    expect(verifyPathProof('/p/2', header)).toBe(true);
  });
});
