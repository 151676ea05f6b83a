/** Request header the viewlet proxy sets to the request's path (always overwritten, never trusted from clients). */
export const VIEWLET_PATH_HEADER = 'x-viewlet-path';
