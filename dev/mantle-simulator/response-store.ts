/**
 * Stored Responses API objects of one simulator. One simulator serves one region, so this store is what makes
 * "stored responses stay in the region that served them" observable: another simulator (region) answers 404
 * for the same id.
 */

export type ResponseObject = Record<string, unknown> & { id: string; status: string };

/** Statuses from which a background response can still be cancelled. */
const CANCELLABLE = new Set(['queued', 'in_progress']);

export class ResponseStore {
  readonly #responses = new Map<string, ResponseObject>();
  readonly #timers = new Map<string, Set<NodeJS.Timeout>>();

  /** Stores a copy, so later changes to the caller's object do not leak in. */
  save(response: ResponseObject): void {
    this.#responses.set(response.id, structuredClone(response));
  }

  get(id: string): ResponseObject | undefined {
    const stored = this.#responses.get(id);
    return stored ? structuredClone(stored) : undefined;
  }

  delete(id: string): boolean {
    this.#clearTimers(id);
    return this.#responses.delete(id);
  }

  /** Merges `patch` into a stored response; a no-op if it was deleted meanwhile. */
  update(id: string, patch: Record<string, unknown>): void {
    const stored = this.#responses.get(id);
    if (stored) this.#responses.set(id, { ...stored, ...structuredClone(patch), id });
  }

  /**
   * Runs `step` after `ms` unless the response is cancelled, deleted or the store closed first. Timers are
   * unref'd so a forgotten simulator never keeps a test process alive.
   */
  schedule(id: string, ms: number, step: () => void): void {
    const timers = this.#timers.get(id) ?? new Set<NodeJS.Timeout>();
    this.#timers.set(id, timers);
    const timer = setTimeout(() => {
      timers.delete(timer);
      step();
    }, ms);
    timer.unref();
    timers.add(timer);
  }

  /**
   * Cancels a queued or in-progress response. Returns the response afterwards, or `undefined` when it is
   * unknown; throws nothing, so the caller decides how to word a refusal.
   */
  cancel(id: string): { response: ResponseObject; cancelled: boolean } | undefined {
    const stored = this.#responses.get(id);
    if (!stored) return undefined;
    if (!CANCELLABLE.has(stored.status)) return { response: structuredClone(stored), cancelled: false };
    this.#clearTimers(id);
    this.update(id, { status: 'cancelled' });
    return { response: this.get(id) ?? stored, cancelled: true };
  }

  close(): void {
    for (const id of [...this.#timers.keys()]) this.#clearTimers(id);
  }

  #clearTimers(id: string): void {
    for (const timer of this.#timers.get(id) ?? []) clearTimeout(timer);
    this.#timers.delete(id);
  }
}
