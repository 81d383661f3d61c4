import { isTerminal, jobIds } from '@reelay/contracts';
import { type PollSchedule, pollDelay, sinceSubmit } from '../poll-schedule.ts';
import type { StageQueues } from '../queues.ts';
import type { RecordCore } from '../record-codec.ts';
import type { StatusStore } from '../status-store.ts';
import { queueEvent } from './delivery.ts';
import type { RecordWriter } from './record-writer.ts';
import { TERMINAL_EVENT } from './transitions.ts';

/**
 * What the lifecycle does after a refused move, and what a stage does when it finds its
 * generation further on than its job: make sure the job the record's state needs exists. Every
 * job id is derived from the generation and step, so adding twice is a no-op.
 */
export function createRepair(deps: {
  store: Pick<StatusStore, 'getCore'>;
  writer: Pick<RecordWriter, 'releaseSlot'>;
  queues: StageQueues;
  schedule: PollSchedule;
  now: () => number;
  random: () => number;
}) {
  const { store, writer, queues, schedule, now, random } = deps;
  const addPoll = (id: string, n: number, delayMs: number) =>
    queues.poll.add('poll', { generationId: id, n }, { jobId: jobIds.poll(id, n), delay: delayMs });
  const addSink = (id: string) => queues.sink.add('sink', { generationId: id }, { jobId: jobIds.sink(id) });

  /**
   * Makes sure the job a generation's state needs exists: a refused move means another run of the
   * same step (a recovered stalled job racing the original) moved the generation on and may have
   * died before adding the next job. Every add uses the step's job id, and the poll counter admits
   * one poll chain, so this never makes work twice. Returns what it did.
   */
  async function repair(id: string, why: string): Promise<string> {
    const record = await store.getCore(id);
    if (!record) {
      // Only an operator's DEL removes a live record: give its upstream slot back.
      await writer.releaseSlot(id);
      return `${why}; no record`;
    }
    switch (record.state) {
      case 'running':
        if (!record.upstream.taskId || record.pollN < 1) return `${why}; nothing to poll yet`;
        await addPoll(
          id,
          record.pollN,
          pollDelay(schedule, record.pollN, sinceSubmit(record, now()), random),
        );
        return `${why}; poll ${record.pollN} ensured`;
      case 'copying':
        await addSink(id);
        return `${why}; sink ensured`;
      case 'succeeded':
      case 'failed':
      case 'canceled':
        await ensureTerminalEvent(record);
        return `${why}; ${record.state}, event ensured`;
      case 'queued':
      case 'submitting':
        return `${why}; still ${record.state}`;
    }
  }

  /**
   * A stage that finds its generation ended makes sure the ending's event is queued: a crash may
   * have come between the move and queueing it. The event's job id makes this a no-op when it was.
   */
  async function ensureTerminalEvent(record: Pick<RecordCore, 'id' | 'wants' | 'state'>): Promise<void> {
    if (isTerminal(record.state))
      await queueEvent(queues, record, TERMINAL_EVENT[record.state as keyof typeof TERMINAL_EVENT]);
  }

  return { addPoll, addSink, repair, ensureTerminalEvent };
}
