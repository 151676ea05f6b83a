export { proxy } from 'next-viewlet/proxy';

// Exactly the pages with path-varied viewlets (Next adds the basePath). /outside/ is left out on purpose.
export const config = {
  matcher: ['/', '/p/:id', '/admin'],
};
