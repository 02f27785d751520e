import { generateApiKey, type NewApiKey } from '../../lambda/auth/api-key.js';
import type { KeyDocument } from '../../lambda/auth/caller-documents.js';

/** A fresh key and its document (grants `*` unless given). */
export function keyWithDocument(overrides: Partial<KeyDocument> = {}, name = 'test-app'): { key: NewApiKey; document: KeyDocument } {
  const key = generateApiKey();
  return {
    key,
    document: { id: key.keyId, name, hash: key.hash, grants: ['*'], created_at: '2026-11-01T00:00:00Z', ...overrides },
  };
}
