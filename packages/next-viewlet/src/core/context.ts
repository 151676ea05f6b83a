import type { ViewletContext } from './define.ts';
import type { VaryValues } from './vary.ts';

/** The context a render function receives: the name plus exactly the vary facts resolved for it. */
export function contextFor(name: string, vary: VaryValues): ViewletContext {
  return Object.freeze({ name, ...vary });
}
