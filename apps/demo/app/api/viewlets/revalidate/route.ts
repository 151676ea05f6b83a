/**
 * The signed revalidation webhook for a CMS or a job. Unset secret → every
 * request is refused with 503 (fail closed). See docs/webhooks.md.
 */
import { createRevalidationHandler } from 'next-viewlet/webhook';
// Registers every viewlet, so a message can name one ({"viewlets":[{"name":"product-teaser","args":["1"]}]}).
import '@/viewlets';

export const POST = createRevalidationHandler({
  secrets: [process.env.VIEWLET_WEBHOOK_SECRET],
});
