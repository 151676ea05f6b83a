// The `archive` cache kind's handler (next.config.ts lists it under stores). Next gives a
// handler no kind and loads one module per path, so a kind with a store of its own has a
// module of its own; its store is VIEWLET_ARCHIVE_STORE_URL, else the default kind's.
import { createCacheHandler } from 'next-viewlet/cache-handler';

export default createCacheHandler({ kind: 'archive' });
