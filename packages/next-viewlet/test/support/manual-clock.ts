/** A clock that moves only when told: for modules that take `now()`. */
export interface ManualClock {
  now(): number;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
}

export function manualClock(start = 1_700_000_000_000): ManualClock {
  let time = start;
  return {
    now: () => time,
    advance(ms) {
      time += ms;
    },
  };
}

/** A promise and the functions that settle it, for ordering events in a test by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
