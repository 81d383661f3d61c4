/**
 * Test-only helpers for the integration suites: a minimal Vtrix caller and a streaming
 * downloader that hashes as it reads (never holding a large video in memory).
 */
import { createHash } from 'node:crypto';
import { type IncomingHttpHeaders, request } from 'node:http';

export const validCreateBody = {
  model: 'wan27_i2v',
  input: [
    {
      params: {
        input: { prompt: 'a cat', media: [{ type: 'first_frame', url: 'https://example.com/cat.png' }] },
        parameters: { duration: 5, resolution: '720P' },
      },
    },
  ],
};

export interface JsonReply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function callApi(
  baseUrl: string,
  path: string,
  init: { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string> } = {},
): Promise<JsonReply> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? 'test-key'}`;
  const res = await fetch(baseUrl + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

export const createTask = (baseUrl: string, generationId?: string) =>
  callApi(baseUrl, '/model/v1/generation', {
    body: validCreateBody,
    headers: generationId ? { 'x-reelay-generation-id': generationId } : {},
  });

export const pollTask = (baseUrl: string, id: string) => callApi(baseUrl, `/model/v1/generation/task/${id}`);

export function resultUrl(body: Record<string, unknown>): string {
  const output = body.output as { content: { url: string }[] }[] | undefined;
  const url = output?.[0]?.content[0]?.url;
  if (!url) throw new Error(`no result URL in ${JSON.stringify(body)}`);
  return url;
}

export interface Download {
  status: number;
  headers: IncomingHttpHeaders;
  size: number;
  sha256: string;
  /** Kept only for non-200 replies and when asked. */
  body: Buffer | undefined;
}

export function download(
  url: string,
  options: { method?: string; keep?: boolean; onChunk?: (chunk: Buffer) => void } = {},
): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET' }, (res) => {
      const hash = createHash('sha256');
      const kept: Buffer[] = [];
      let size = 0;
      const keep = options.keep || res.statusCode !== 200;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
        if (keep) kept.push(chunk);
        options.onChunk?.(chunk);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          size,
          sha256: hash.digest('hex'),
          body: keep ? Buffer.concat(kept) : undefined,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
