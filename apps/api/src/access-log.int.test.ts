import { createLogger } from '@reelay/core';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, createFixture, type Fixture } from './test-fixtures.ts';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('access log', () => {
  it('logs one line per request: method, route template, status, time and tenant; never the raw path', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    fx = createFixture({ logger });
    const id = 'gen_01hzzzzzzzzzzzzzzzzzzzzzzz';
    const res = await fx.app.inject({
      method: 'GET',
      url: `/v1/generations/${id}?secret=abc`,
      headers: AUTH,
    });
    expect(res.statusCode).toBe(404);
    const access = lines.filter((l) => l.msg === 'request served');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      method: 'GET',
      route: '/v1/generations/:id',
      status: 404,
      tenant: 'default',
      ms: expect.any(Number),
    });
    const raw = JSON.stringify(lines);
    expect(raw).not.toContain(id);
    expect(raw).not.toContain('secret=abc');
    expect(raw).not.toContain('"req":{}');
  });
});
