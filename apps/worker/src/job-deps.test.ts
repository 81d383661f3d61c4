import { Writable } from 'node:stream';
import { createLogger } from '@reelay/core';
import { describe, expect, it } from 'vitest';
import type { StageDeps } from './deps.ts';
import { jobDeps } from './job-deps.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger({ level: 'info' }, stream), lines };
}

const job = { data: { generationId: 'gen_1' }, id: 'gen_1.poll.3', attemptsMade: 1 };

describe('jobDeps', () => {
  it("tags every line with the job's generation, stage, job id and attempt", () => {
    const { log, lines } = capture();
    const deps = jobDeps({ log } as StageDeps, 'poll', job);
    deps.log.info('one');
    deps.log.warn({ n: 3 }, 'two');
    expect(lines).toHaveLength(2);
    for (const line of lines)
      expect(JSON.parse(line)).toMatchObject({
        generationId: 'gen_1',
        stage: 'poll',
        jobId: 'gen_1.poll.3',
        attempt: 2,
      });
  });

  it('makes the child logger only when the job logs, and once', () => {
    const { log } = capture();
    let children = 0;
    const counting = Object.create(log, {
      child: {
        value: (...args: Parameters<typeof log.child>) => {
          children++;
          return log.child(...args);
        },
      },
    });
    const deps = jobDeps({ log: counting, maxInFlight: 7 } as StageDeps, 'poll', job);
    expect(deps.maxInFlight).toBe(7);
    expect(children).toBe(0);
    deps.log.info('a');
    deps.log.info('b');
    expect(children).toBe(1);
  });
});
