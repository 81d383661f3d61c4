import { describe, expect, it } from 'vitest';
import { webhookIdFor } from './events.ts';
import { isGenerationId, newGenerationId } from './generation-id.ts';
import { generationIdOfJob, jobIds } from './stages.ts';

describe('ids', () => {
  it('makes distinct, well-formed generation ids that sort by creation time', () => {
    const a = newGenerationId(1_700_000_000_000);
    const b = newGenerationId(1_700_000_000_001);
    expect(isGenerationId(a)).toBe(true);
    expect(a).not.toBe(newGenerationId(1_700_000_000_000));
    expect(a < b).toBe(true);
    expect(isGenerationId('gen_abc')).toBe(false);
  });
  it('derives stage job ids BullMQ accepts (no colon) and maps them back', () => {
    const id = newGenerationId();
    const ids = [
      jobIds.submit(id),
      jobIds.poll(id, 3),
      jobIds.sink(id),
      jobIds.notify(id, 'generation.succeeded'),
    ];
    expect(ids[1]).toBe(`${id}.poll.3`);
    expect(ids[3]).toBe(`${id}.notify.succeeded`);
    for (const j of ids) {
      expect(j).not.toContain(':');
      expect(generationIdOfJob(j)).toBe(id);
    }
  });
  it('gives one stable webhook id per event and a different one per event', () => {
    const id = newGenerationId();
    expect(webhookIdFor(id, 'generation.succeeded')).toBe(webhookIdFor(id, 'generation.succeeded'));
    expect(webhookIdFor(id, 'generation.succeeded')).not.toBe(webhookIdFor(id, 'generation.failed'));
  });
});
