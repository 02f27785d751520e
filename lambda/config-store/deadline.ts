/**
 * Deadlines that survive a Lambda freeze. Lambda freezes an environment between invocations; the monotonic clock
 * keeps running meanwhile, so on thaw every timer that came due is overdue, and Node runs due timers before it
 * reads the sockets. A plain `setTimeout` deadline therefore fires first on thaw and fails a read whose answer is
 * already waiting in the socket buffer. Here a timer that fires much later than it was asked to is taken for a
 * pause, not for a slow answer, and the deadline is granted again in running time.
 */
import { performance } from 'node:perf_hooks';

/** Milliseconds on a clock that never goes back; injectable so tests can simulate a freeze. */
export type MonotonicClock = () => number;

export const monotonicNow: MonotonicClock = () => performance.now();

/**
 * A timer this much later than due means the process did not run (a freeze, a suspended laptop, a long blocked
 * event loop), so the time passed is not evidence about the work.
 */
export const PAUSE_TOLERANCE_MS = 250;

/** The error of a deadline that passed while the process was running. `name` is `TimeoutError`. */
export class DeadlineError extends Error {
  constructor(readonly ms: number, what: string) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Settles as `work` does, or rejects with a {@link DeadlineError} once `ms` of running time have passed; a late
 * result is dropped. After a pause the work gets `ms` again, counted from the thaw.
 *
 * @example
 * const value = await withDeadline(ssm.get(name), 1000, 'SSM');
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string, clock: MonotonicClock = monotonicNow): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      const due = clock() + ms;
      timer = setTimeout(() => {
        if (clock() - due > PAUSE_TOLERANCE_MS) arm();
        else reject(new DeadlineError(ms, what));
      }, ms);
      timer.unref?.();
    };
    arm();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
