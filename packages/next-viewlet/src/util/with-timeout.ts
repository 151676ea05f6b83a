/**
 * The one deadline helper: settles like `work`, or rejects with `onTimeout()`
 * after `ms`. A late rejection of `work` is observed by `Promise.race`, so it
 * never becomes unhandled; the timer never keeps the process alive.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => unknown): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref?.();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
