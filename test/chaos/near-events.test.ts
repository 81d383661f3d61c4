import { describe, expect, it } from 'vitest';
import { type ChaosMoments, chaosNear } from './near-events.ts';

describe('chaosNear', () => {
  it('lists the chaos around an instant, nearest first', () => {
    const chaos: ChaosMoments = {
      kills: [
        { at: 1_000, worker: 'w1', how: 'frozen', inWindow: [] },
        { at: 9_000, worker: 'w2', how: 'sigkill', inWindow: [] },
      ],
      redisRestarts: [{ at: 2_000, downMs: 90 }],
      s3Outages: [{ at: 2_500, ms: 10_000 }],
    };
    expect(chaosNear(1_990, chaos)).toEqual([
      'redis SIGKILL 10 ms after',
      'S3 away 510 ms after',
      'kill w1 (frozen) 990 ms before',
    ]);
    expect(chaosNear(20_000, chaos)).toEqual([]);
  });
});
