/**
 * Scripted faults: tests queue them, and each authenticated request consumes the first one that matches. This is
 * how the gateway's retries, idle timeouts and cut-stream handling get exercised against real sockets.
 */
import type { Fault } from './types.js';

/** How a fault bends an answer that is otherwise produced normally. */
export interface DeliveryControl {
  pacingMs: number;
  cutAfterEvents?: number;
  stallAfterEvents?: number;
  failAfterEvents?: number;
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

export class FaultQueue {
  #queue: QueuedFault[] = [];

  inject(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`Fault.times must be a positive integer, got ${times}`);
    for (const key of ['cutAfterEvents', 'stallAfterEvents', 'failAfterEvents', 'delayMs'] as const) {
      const value = fault[key];
      if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
        throw new RangeError(`Fault.${key} must be a non-negative number, got ${value}`);
      }
    }
    // Copy so a test mutating its object afterwards cannot change a queued fault.
    this.#queue.push({ fault: { ...fault }, remaining: times });
  }

  clear(): void {
    this.#queue = [];
  }

  /** Returns and consumes the first fault matching this request, if any. */
  take(path: string, model: string | undefined): Fault | undefined {
    const index = this.#queue.findIndex(({ fault }) => matches(fault, path, model));
    const entry = index >= 0 ? this.#queue[index] : undefined;
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.#queue.splice(index, 1);
    return entry.fault;
  }
}

function matches(fault: Fault, path: string, model: string | undefined): boolean {
  if (fault.model !== undefined && fault.model !== model) return false;
  if (fault.path === undefined) return true;
  if (typeof fault.path === 'string') return fault.path === path;
  fault.path.lastIndex = 0; // a /g or /y pattern keeps state between test() calls
  return fault.path.test(path);
}

/** The delivery a request gets: the simulator's pacing, plus any cut or stall its fault asks for. */
export function deliveryFor(pacingMs: number, fault: Fault | undefined): DeliveryControl {
  const control: DeliveryControl = { pacingMs };
  if (fault?.cutAfterEvents !== undefined) control.cutAfterEvents = fault.cutAfterEvents;
  if (fault?.stallAfterEvents !== undefined) control.stallAfterEvents = fault.stallAfterEvents;
  if (fault?.failAfterEvents !== undefined) control.failAfterEvents = fault.failAfterEvents;
  return control;
}
