import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.ts';
import { checkInvariants } from './invariants.ts';
import type { Observations } from './observations.ts';
import { cleanRun } from './synthetic.ts';

const failing = (o: Observations) =>
  checkInvariants(analyze(o))
    .filter((i) => !i.ok)
    .map((i) => i.name);

describe('checkInvariants', () => {
  it('passes a clean run', () => {
    expect(failing(cleanRun())).toEqual([]);
    expect(checkInvariants(analyze(cleanRun()))).toHaveLength(7);
  });

  it('fails on a lost generation and names it', () => {
    const o = cleanRun();
    o.generations[0]!.state = 'submitting';
    const [lost] = checkInvariants(analyze(o));
    expect(lost).toMatchObject({ name: 'nothing accepted is lost', ok: false });
    expect(lost!.detail).toContain('gen_000');
  });

  it('fails on a sha256 mismatch, and on a missing object', () => {
    const o = cleanRun();
    o.objects[0]!.sha256 = 'bad';
    expect(failing(o)).toEqual([
      'sha256 of object, upstream video and record agree',
      'every succeeded generation has exactly one object with the right bytes',
    ]);
    const p = cleanRun();
    p.objects.pop();
    expect(failing(p)).toEqual(['every succeeded generation has exactly one object with the right bytes']);
  });

  it('fails on a terminal event that was never accepted', () => {
    const o = cleanRun();
    o.deliveries = o.deliveries.filter((d) => d.status !== 204 || d.generationId !== 'gen_003');
    expect(failing(o)).toEqual([
      'every terminal event was delivered (verified 2xx) under exactly one webhook-id',
    ]);
  });

  it('allows duplicate creates up to the kills inside the submit window, not beyond', () => {
    const o = cleanRun();
    o.createsByGeneration.gen_000 = 2;
    expect(failing(o)).toEqual(['duplicate upstream creates only from kills inside the submit window']);
    o.kills.push({ at: 1, worker: 'w1', how: 'sigkill', inWindow: ['gen_000'] });
    expect(failing(o)).toEqual([]);
    // One kill can catch several creates in flight: the bound counts windows, not kills.
    o.createsByGeneration.gen_001 = 2;
    o.kills[0]!.inWindow = ['gen_000', 'gen_001'];
    expect(failing(o)).toEqual([]);
    // The window kill must be the duplicated generation's, not some other one's.
    o.kills[0]!.inWindow = ['gen_001', 'gen_002'];
    expect(failing(o)).toEqual(['duplicate upstream creates only from kills inside the submit window']);
  });

  it('fails on a split idempotency key and on a bad signature', () => {
    const o = cleanRun();
    o.idempotent.push({ key: 'k', ids: ['gen_000', 'gen_001'] });
    o.deliveries.push({ verified: false, status: 401 });
    expect(failing(o)).toEqual([
      'an idempotency key maps to one generation',
      'no webhook fails signature verification',
    ]);
  });
});
