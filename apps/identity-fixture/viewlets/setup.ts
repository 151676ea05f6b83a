import { configureViewlets } from 'next-viewlet';
import { USER_COOKIE } from '@/lib/identity';

configureViewlets({ identity: { userCookie: USER_COOKIE } });
