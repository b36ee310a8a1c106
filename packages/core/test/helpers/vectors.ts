/**
 * @module test/helpers/vectors
 * The public vectors (`vectors.json`, with their source) typed for the tests.
 */
import raw from '../vectors.json' with { type: 'json' };

export interface Vector {
  id: string;
  description: string;
  /** The signature dialect; standard when absent. */
  dialect?: 'standard' | 'legacy';
  signedFields: string[];
  fields: Record<string, string>;
  sign: string;
  canonical?: string;
  body?: string;
  wrongSignWithEmptyKept?: string;
  signWithAmountReformatted?: string;
}

export const vectors = raw as unknown as {
  source: string;
  key: string;
  vectors: [Vector, Vector, Vector, Vector];
};
export default vectors;
