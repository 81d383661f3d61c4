import type { Producer } from '@reelay/producer';

/** The part of the producer the API uses: narrow, so a test could hand in less. */
export type ApiProducer = Pick<
  Producer,
  | 'enqueue'
  | 'validate'
  | 'getStatus'
  | 'cancel'
  | 'getTenant'
  | 'setTenant'
  | 'createBatch'
  | 'validateBatch'
  | 'getBatch'
  | 'cancelBatch'
  | 'listBatchGenerations'
  | 'ops'
>;
