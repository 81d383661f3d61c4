/** A minimal server-sent-events reader over fetch, for tests over a real socket. */

export type SseMessage =
  | { kind: 'event'; event: string; data: string; id?: string }
  | { kind: 'comment'; text: string };

export type SseStream = {
  status: number;
  headers: Headers;
  /** The next event or comment; undefined when the server closed the stream. */
  next(timeoutMs?: number): Promise<SseMessage | undefined>;
  /** The next `event:` message, skipping comments. */
  nextEvent(timeoutMs?: number): Promise<{ event: string; data: unknown; id?: string } | undefined>;
  close(): Promise<void>;
};

export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  const queue: SseMessage[] = [];
  // One read in flight at a time, kept across timeouts so no chunk is dropped.
  let pending: ReturnType<typeof reader.read> | undefined;

  function parseBlocks(): void {
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n');
      if (lines.every((l) => l.startsWith(':')))
        queue.push({ kind: 'comment', text: lines[0]!.slice(1).trim() });
      else {
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
        queue.push({ kind: 'event', event, data, ...(id === undefined ? {} : { id }) });
      }
      end = buffer.indexOf('\n\n');
    }
  }

  async function next(timeoutMs = 5_000): Promise<SseMessage | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (!queue.length && !ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no server-sent event within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), left);
      });
      pending ??= reader.read();
      const chunk = await Promise.race([pending, timeout]);
      clearTimeout(timer);
      if (chunk === 'timeout') continue;
      pending = undefined;
      if (chunk.done) ended = true;
      else {
        buffer += decoder.decode(chunk.value, { stream: true });
        parseBlocks();
      }
    }
    return queue.shift();
  }

  return {
    status: res.status,
    headers: res.headers,
    next,
    async nextEvent(timeoutMs) {
      for (;;) {
        const m = await next(timeoutMs);
        if (!m) return undefined;
        if (m.kind === 'event')
          return { event: m.event, data: JSON.parse(m.data), ...(m.id === undefined ? {} : { id: m.id }) };
      }
    },
    async close() {
      controller.abort();
      await reader.cancel().catch(() => {});
    },
  };
}
