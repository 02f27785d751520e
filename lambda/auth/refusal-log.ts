/**
 * Logs each refused key or principal document once per distinct bad value (and again if it goes bad again after
 * a fix), naming where it is and why, never its value. A log per request would drown the reason.
 */
import type { RefusedCallerDocument } from './admit-caller-documents.js';

export interface RefusalLogger {
  error(message: string, details: Record<string, unknown>): void;
}

export class RefusalReporter {
  private reported = new Map<string, string>();

  constructor(private readonly log: RefusalLogger) {}

  report(refused: readonly RefusedCallerDocument[]): void {
    const current = new Map<string, string>();
    for (const refusal of refused) {
      current.set(refusal.source, refusal.signature);
      if (this.reported.get(refusal.source) === refusal.signature) continue;
      this.log.error(`${refusal.kind === 'keys' ? 'Key' : 'Principal'} document refused`, {
        document: refusal.source,
        reasons: refusal.reasons,
        serving: refusal.kind === 'keys' ? 'nothing: requests with this key get 401 until the document is fixed' : 'nothing: this principal grants no model until the document is fixed',
      });
    }
    this.reported = current;
  }
}
