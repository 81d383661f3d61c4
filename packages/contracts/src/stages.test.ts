import { describe, expect, it } from 'vitest';
import { parseStageJob, STAGE_JOBS, STAGES } from './stages.ts';
import { isReelayValidationError } from './validation-error.ts';

const id = 'gen_01hzzzzzzzzzzzzzzzzzzzzzzz';

describe('the job catalogue', () => {
  it('has a schema for every stage', () => {
    expect(Object.keys(STAGE_JOBS)).toEqual([...STAGES]);
  });

  it('passes well-formed jobs through', () => {
    expect(parseStageJob('poll', { generationId: id, n: 2 })).toEqual({ generationId: id, n: 2 });
    expect(parseStageJob('notify', { generationId: id, event: 'generation.failed' })).toEqual({
      generationId: id,
      event: 'generation.failed',
    });
  });

  it('refuses a malformed job naming every field and rule', () => {
    const e = (() => {
      try {
        parseStageJob('poll', { generationId: 'x', n: 0, extra: true });
      } catch (err) {
        return err;
      }
    })();
    expect(isReelayValidationError(e)).toBe(true);
    expect((e as Error).message).toMatch(/^invalid poll job: /);
    const issues = (e as { issues: Array<{ path: string; rule: string }> }).issues;
    expect(issues.map((i) => [i.path, i.rule])).toEqual([
      ['generationId', 'invalid_format'],
      ['n', 'too_small'],
      ['extra', 'unknown_field'],
    ]);
    expect(() => parseStageJob('notify', { generationId: id, event: 'generation.forged' })).toThrow(/event/);
    expect(() => parseStageJob('submit', null)).toThrow(/invalid submit job/);
    expect(() => parseStageJob('notify', { batchId: 'bat_x', event: 'batch.completed', round: 0 })).toThrow(
      /round/,
    );
  });

  it("takes a finished batch's job in the notify queue", () => {
    const job = { batchId: 'bat_01hzzzzzzzzzzzzzzzzzzzzzzz', event: 'batch.completed', round: 2 };
    expect(parseStageJob('notify', job)).toEqual(job);
  });
});
