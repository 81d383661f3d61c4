// Tolerant readers for Vtrix task replies. Every field is optional and a field of an
// unexpected type reads as absent (`.catch`), and unknown fields pass through
// (`z.looseObject`): an upstream that adds or reshapes a field never breaks parsing.
// Which fields are *required* is decided by the normalizers, not here.

import { z } from 'zod';
import { readErrorValue, type UpstreamErrorInfo } from './upstream-error-body.ts';

function lenient<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}

const IdValue = z.union([z.string().trim().min(1), z.number().finite().transform(String)]);
const NumberLike = z.union([z.number(), z.string()]);

export const TaskReply = z.looseObject({
  id: lenient(IdValue),
  task_id: lenient(IdValue),
  status: lenient(z.string().trim().min(1)),
  task_status: lenient(z.string().trim().min(1)),
  created_at: lenient(NumberLike),
  progress: lenient(NumberLike),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  usage: lenient(z.looseObject({ cost: z.unknown().optional() }).nullable()),
});
export type TaskReply = z.infer<typeof TaskReply>;

export const ContentItem = z.looseObject({
  type: lenient(z.string()),
  url: lenient(z.string()),
  video_url: z.unknown().optional(),
  duration: lenient(NumberLike),
});
export type ContentItem = z.infer<typeof ContentItem>;

const OutputItem = z.looseObject({ content: lenient(z.array(z.unknown())) });

const Envelope = z.looseObject({
  data: lenient(z.record(z.string(), z.unknown()).nullable()),
  status: lenient(z.looseObject({ code: z.unknown().optional(), message: z.unknown().optional() })),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type Unwrapped = { ok: true; task: TaskReply } | { ok: false; error: UpstreamErrorInfo };

/**
 * Finds the task object in a reply: the reply itself, the `data` of the
 * `{"data": {...}, "status": {"code","message"}}` envelope, or DashScope's `output`
 * (`{"request_id", "output": {"task_id", "task_status"}}`). When none is there,
 * returns whatever error the reply carries.
 */
export function unwrapTask(json: unknown): Unwrapped {
  if (!isRecord(json)) return { ok: false, error: {} };
  const top = TaskReply.parse(json);
  if (top.id !== undefined || top.task_id !== undefined) return { ok: true, task: top };

  // A task's `status` is a string; the envelope's is an object.
  if (typeof json.status !== 'string') {
    const envelope = Envelope.parse(json);
    if (envelope.data) {
      const task = TaskReply.parse(envelope.data);
      if (task.id !== undefined || task.task_id !== undefined) return { ok: true, task };
    }
    if (isRecord(json.output)) {
      const task = TaskReply.parse(json.output);
      if (task.task_id !== undefined || task.id !== undefined) return { ok: true, task };
    }
    const fromEnvelope = envelope.status ? readErrorValue(envelope.status) : {};
    return { ok: false, error: mergeErrors(readErrorValue(json.error), readErrorValue(json), fromEnvelope) };
  }
  return { ok: false, error: mergeErrors(readErrorValue(json.error), readErrorValue(json)) };
}

export function mergeErrors(...infos: UpstreamErrorInfo[]): UpstreamErrorInfo {
  const merged: UpstreamErrorInfo = {};
  for (const info of infos) {
    if (merged.code === undefined && info.code !== undefined) merged.code = info.code;
    if (merged.message === undefined && info.message !== undefined) merged.message = info.message;
  }
  return merged;
}

/** All content items of `output[].content[]`, plus items placed directly in `output[]`. */
export function contentItems(output: unknown): ContentItem[] {
  if (!Array.isArray(output)) return [];
  const items: ContentItem[] = [];
  for (const entry of output) {
    const parsed = OutputItem.safeParse(entry);
    const candidates = parsed.success && parsed.data.content ? parsed.data.content : [entry];
    for (const candidate of candidates) {
      const item = ContentItem.safeParse(candidate);
      if (item.success) items.push(item.data);
    }
  }
  return items;
}

export function idOf(task: TaskReply): string | undefined {
  return task.id ?? task.task_id;
}

export function numberFrom(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*-?\d+(?:\.\d+)?\s*s?\s*$/i.test(value)) return undefined;
  return Number.parseFloat(value);
}
