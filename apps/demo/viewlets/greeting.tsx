import { viewlet } from 'next-viewlet';
import { slowQuery } from '@/lib/db';
import './setup';

const GREETINGS = { en: 'Welcome to the shop', sv: 'Välkommen till butiken', de: 'Willkommen im Laden' } as const;
type Language = keyof typeof GREETINGS;

/** The visitor's first supported language from Accept-Language; always one of a few values, so entries stay bounded. */
export function preferredLanguage(acceptLanguage: string | null): Language {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const code = part.trim().slice(0, 2).toLowerCase();
    if (Object.hasOwn(GREETINGS, code)) return code as Language;
  }
  return 'en';
}

/** Custom vary: one entry per supported language. */
export const greeting = viewlet(
  { name: 'greeting', vary: ({ headers }) => preferredLanguage(headers.get('accept-language')), life: '1d' },
  async (ctx) => {
    await slowQuery();
    const language = (ctx.custom ?? 'en') as Language;
    return (
      <h1 data-viewlet="greeting" data-rendered-at={new Date().toISOString()} data-language={language} lang={language}>
        {GREETINGS[language]}
      </h1>
    );
  },
);
