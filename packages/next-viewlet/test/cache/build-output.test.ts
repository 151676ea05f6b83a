import { afterEach, describe, expect, it } from 'vitest';
import { buildOutput, readBuildId } from '../../src/cache/build-output.ts';
import { BUILT_HTML, BUILT_TAGS, type BuildFixture, buildFixture } from '../support/build-fixture.ts';
import { binary, PAGE_KEY, pageGet, ROUTE_KEY, routeGet } from '../support/incremental-values.ts';

describe('build output', () => {
  let fixture: BuildFixture | undefined;
  afterEach(() => fixture?.remove());

  it('reads the build id next to the server directory, and none while building', () => {
    fixture = buildFixture('abc123');
    expect(readBuildId(fixture.serverDistDir)).toBe('abc123');
    expect(readBuildId('/nonexistent/.next/server')).toBeUndefined();
    expect(readBuildId(undefined)).toBeUndefined();
  });

  it('reads a prerendered page under the runtime key its .meta names, with its lifetime and modification time', async () => {
    fixture = buildFixture();
    fixture.touch(1_700_000_000_000);
    const entry = await buildOutput(fixture.serverDistDir).read(PAGE_KEY, {
      kind: 'APP_PAGE',
      isFallback: false,
      isRoutePPREnabled: false,
    });
    expect(entry?.lastModified).toBe(1_700_000_000_000);
    expect(entry?.cacheControl).toEqual({ revalidate: 2_592_000, expire: 31_536_000 });
    expect(entry?.value).toMatchObject({ kind: 'APP_PAGE', html: BUILT_HTML, status: 200, rscData: binary(256) });
    const value = entry?.value as { headers: Record<string, string>; segmentData: Map<string, Buffer> };
    expect(value.headers['x-next-cache-tags']).toBe(BUILT_TAGS);
    expect([...value.segmentData.keys()]).toEqual(['/_tree', '/__PAGE__']);
  });

  it('reads a route handler response', async () => {
    fixture = buildFixture();
    const entry = await buildOutput(fixture.serverDistDir).read(ROUTE_KEY, routeGet);
    expect(entry?.value).toMatchObject({ kind: 'APP_ROUTE', body: Buffer.from('{"built":true}'), status: 200 });
    expect(entry?.cacheControl).toEqual({ revalidate: 3600, expire: 86_400 });
  });

  it('reads nothing for another key, a fallback lookup, or a path outside the build', async () => {
    fixture = buildFixture();
    const output = buildOutput(fixture.serverDistDir);
    expect(await output.read(PAGE_KEY.replace('c6377dd9', 'deadbeef'), pageGet)).toBeUndefined();
    expect(await output.read(PAGE_KEY, { ...pageGet, isFallback: true })).toBeUndefined();
    expect(await output.read('/route-cache/APP_PAGE/x/$/../../../../etc/passwd', pageGet)).toBeUndefined();
    expect(await output.read('/index', pageGet)).toBeUndefined();
    expect(await output.read(PAGE_KEY, { kind: 'PAGES' })).toBeUndefined();
  });
});
