import { EVENT_TYPES, jobIds, type StageName } from '@reelay/contracts';

/** A job that may exist for a generation, with where bull-board shows it. */
export type JobRef = { stage: StageName; jobId: string };

/**
 * The jobs a generation can have: its submit and sink jobs, the current poll (older polls are
 * removed on completion and stale ones are harmless), and one notify job per event. Which of
 * them exist is for the caller to ask the queues.
 */
export function jobRefsFor(record: { id: string; pollN: number }): JobRef[] {
  const refs: JobRef[] = [{ stage: 'submit', jobId: jobIds.submit(record.id) }];
  if (record.pollN > 0) refs.push({ stage: 'poll', jobId: jobIds.poll(record.id, record.pollN) });
  refs.push({ stage: 'sink', jobId: jobIds.sink(record.id) });
  for (const event of EVENT_TYPES) refs.push({ stage: 'notify', jobId: jobIds.notify(record.id, event) });
  return refs;
}

/** `<base>` with one leading slash and no trailing one; the root is the empty string. */
export function normalizeBasePath(basePath: string | undefined): string {
  const trimmed = (basePath ?? '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * bull-board's own URL scheme (its UI builds `/queue/${encodeURIComponent(queue)}` and appends
 * `/${encodeURIComponent(jobId)}`, with `?status=` for a tab): links made here open its pages.
 */
export const boardUrls = {
  home: (base: string) => `${base}/`,
  queue: (base: string, queueName: string, status?: string) =>
    `${base}/queue/${encodeURIComponent(queueName)}${status ? `?status=${encodeURIComponent(status)}` : ''}`,
  job: (base: string, queueName: string, jobId: string) =>
    `${base}/queue/${encodeURIComponent(queueName)}/${encodeURIComponent(jobId)}`,
  find: (base: string, q?: string) => `${base}/find${q ? `?q=${encodeURIComponent(q)}` : ''}`,
  /** The dashboard's tenants page, and where its Pause and Resume forms post. */
  tenants: (base: string) => `${base}/tenants`,
  tenantAction: (base: string, action: 'pause' | 'resume') => `${base}/tenants/${action}`,
  /** The recent batches, one batch's page (`?cursor=` for a later page of members), its JSON, and its retry form. */
  batches: (base: string) => `${base}/batches`,
  batch: (base: string, id: string, cursor?: string) =>
    `${base}/batches/${encodeURIComponent(id)}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
  batchJson: (base: string, id: string) => `${base}/batches/${encodeURIComponent(id)}.json`,
  batchRetryFailed: (base: string, id: string) => `${base}/batches/${encodeURIComponent(id)}/retry-failed`,
  /** The upstream pause page, and where its Pause and Resume forms post. */
  upstream: (base: string) => `${base}/upstream`,
  upstreamAction: (base: string, action: 'pause' | 'resume') => `${base}/upstream/${action}`,
};
