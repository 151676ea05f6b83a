// Copies the request path into a header viewlets can vary by (never trusted from the client).
export { proxy } from 'next-viewlet/proxy';

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
