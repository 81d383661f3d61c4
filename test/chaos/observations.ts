/**
 * What a run observed, as plain data: the input of the pure analysis. Gathered at the end of
 * a run from Redis (status records), s3rver (the objects' bytes), the simulator (creates,
 * expected hashes) and the receiver (every delivery it got).
 */

export type GenerationView = {
  id: string;
  /** The record's state, or 'missing' when there is no record. */
  state: string;
  taskId?: string;
  submitIntents: number;
  output?: { key: string; size: number; sha256: string };
};

/** An object in the bucket, hashed by the suite from its bytes. */
export type ObjectView = { key: string; size: number; sha256: string };

export type DeliveryView = {
  webhookId?: string;
  type?: string;
  /** `data.id` of the body. */
  generationId?: string;
  verified: boolean;
  status: number;
};

export type KillHow = 'sigkill' | 'frozen' | 'crash-point';

export type KillView = {
  /** Ms since the run's start. */
  at: number;
  worker: string;
  /**
   * `sigkill`: from the schedule; `frozen`: from the schedule while Redis writes were paused (so
   * between two of the worker's writes); `crash-point`: the worker killed itself right after a
   * Redis write was answered (see crash-points.ts).
   */
  how: KillHow;
  /**
   * Generations whose create the killed worker had sent (no 4xx/5xx answer) while their submit
   * intent was still open once it was dead: the kill landed in their double-billing window.
   */
  inWindow: string[];
};

export type Observations = {
  /** Distinct generation ids some enqueue call resolved with. */
  accepted: string[];
  /** For each idempotency key, the id every enqueue with it resolved with. */
  idempotent: Array<{ key: string; ids: string[] }>;
  /** Every record under the run's prefix (accepted ones, plus any an ambiguous enqueue left). */
  generations: GenerationView[];
  createsByGeneration: Record<string, number>;
  /** Simulator's sha256 of each task's video, by task id. */
  expectedSha256: Record<string, string>;
  objects: ObjectView[];
  /** Set when the bucket could not be listed: then only the generations' own keys were read. */
  listingError?: string;
  deliveries: DeliveryView[];
  kills: KillView[];
};
