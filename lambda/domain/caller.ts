/**
 * Who is calling, as the authenticate stage established it, and which models that caller may use. Later stages
 * (resolve, the per-request record) read it; only `lambda/auth/` creates it. The key id or the ARN identifies a
 * caller: a secret never appears here.
 */

import type { Caller } from './request-facts.js';

/** `{type: 'key', id}`, `{type: 'iam', arn}`, or `anonymous` only in open local runs (the demo, `npm start` on loopback without keys). */
export type { Caller };

/** The parts of a model a grant can name: its id, or one of its `tags`. */
export interface GrantableModel {
  readonly id: string;
  readonly tags?: readonly string[];
}

/** What a caller may use. `all` lets the hot paths skip filtering (and reuse the precomputed model list). */
export interface ModelGrants {
  readonly all: boolean;
  allows(model: GrantableModel): boolean;
}

export interface AuthenticatedCaller {
  readonly caller: Caller;
  readonly grants: ModelGrants;
}
