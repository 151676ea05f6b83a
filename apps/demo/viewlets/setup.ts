import { configureViewlets } from 'next-viewlet';
import { USERS } from '@/lib/db';
import { SESSION_COOKIE, isSessionId } from '@/lib/session';

export const USER_COOKIE = 'demo-user';

// Who is the visitor? A cookie naming one of the demo users; anything else is
// anonymous, so a forged cookie cannot create entries without bound.
configureViewlets({
  identity: {
    user: (request) => {
      const id = request.cookie(USER_COOKIE);
      return id && Object.hasOwn(USERS, id) ? id : null;
    },
    session: (request) => {
      const id = request.cookie(SESSION_COOKIE);
      return id && isSessionId(id) ? id : null;
    },
  },
});
