/**
 * The public Standard Webhooks test vectors (https://github.com/standard-webhooks/standard-webhooks),
 * copied into ../fixtures/standard-webhooks-vectors.json.
 */
import { readFileSync } from 'node:fs';

export interface SignatureVector {
  secret: string;
  id: string;
  timestamp: number;
  body: string;
  signature: string;
  keyBelowMinimum?: boolean;
}

const file = new URL('../fixtures/standard-webhooks-vectors.json', import.meta.url);
const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
  v1: SignatureVector[];
  invalidSignaturesForTheFirstVector: string[];
};

export const vectors = parsed.v1;
export const invalidSignaturesForTheFirstVector = parsed.invalidSignaturesForTheFirstVector;

export function vector(index: number): SignatureVector {
  const found = vectors[index];
  if (!found) throw new Error(`no vector #${index}`);
  return found;
}
