/** Synthetic observations of a clean run, for the unit tests to break one thing at a time. */
import type { Observations } from './observations.ts';

const sha = (n: number) => n.toString(16).padStart(64, '0');

/** `n` generations: all succeeded (the last `failed` of them failed), each delivered once. */
export function cleanRun(n = 4, failed = 1): Observations {
  const o: Observations = {
    accepted: [],
    idempotent: [],
    generations: [],
    createsByGeneration: {},
    expectedSha256: {},
    objects: [],
    deliveries: [],
    kills: [],
  };
  for (let i = 0; i < n; i++) {
    const id = `gen_${String(i).padStart(3, '0')}`;
    const taskId = `task${i}`;
    const state = i >= n - failed ? 'failed' : 'succeeded';
    o.accepted.push(id);
    o.createsByGeneration[id] = 1;
    o.expectedSha256[taskId] = sha(i + 1);
    const key = `generations/${id}.mp4`;
    if (state === 'succeeded') {
      o.generations.push({
        id,
        state,
        taskId,
        submitIntents: 1,
        output: { key, size: 100, sha256: sha(i + 1) },
      });
      o.objects.push({ key, size: 100, sha256: sha(i + 1) });
    } else {
      o.generations.push({ id, state, taskId, submitIntents: 1 });
    }
    const delivery = {
      webhookId: `msg_${i}_${state}`,
      type: `generation.${state}`,
      generationId: id,
      verified: true,
    };
    o.deliveries.push({ ...delivery, status: 503 }, { ...delivery, status: 204 });
  }
  o.idempotent.push({ key: 'k0', ids: [o.accepted[0]!, o.accepted[0]!] });
  return o;
}
