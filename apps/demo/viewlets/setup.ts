import { configureViewlets } from 'next-viewlet';
import { SESSION_COOKIE, USER_COOKIE } from '@/lib/identity';

// Who is the visitor? Signed cookies: the demo's /signin issues the user
// cookie, its proxy the session cookie. A missing, forged, edited or expired
// cookie is anonymous (or no session), so no visitor can claim another's id.
configureViewlets({
  identity: { userCookie: USER_COOKIE, sessionCookie: SESSION_COOKIE },
});
