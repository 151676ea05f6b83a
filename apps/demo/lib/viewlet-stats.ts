import { createStatsHandler } from 'next-viewlet/stats';
import '@/viewlets';

/** The stats endpoint (/api/viewlets/stats): next-viewlet's metrics behind the VIEWLET_STATS_TOKEN bearer token. */
export const viewletStatsHandler = createStatsHandler({ token: process.env.VIEWLET_STATS_TOKEN });
