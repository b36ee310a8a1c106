/**
 * @module test/helpers/vectors
 * The webhook vectors (`test/vectors.json`, with their source) typed for the tests.
 */
import raw from '../vectors.json' with { type: 'json' };

export interface WebhookVector {
  id: string;
  description: string;
  /** Overrides the file's `secret` for this vector. */
  secret?: string;
  timestamp: number;
  body: string;
  header: string;
}

export const vectors = raw as { source: string; secret: string; vectors: WebhookVector[] };

/** The secret a vector was signed with. */
export function secretOf(vector: WebhookVector): string {
  return vector.secret ?? vectors.secret;
}
