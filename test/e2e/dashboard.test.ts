import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@reelay/core';
import { createDashboard } from 'dashboard';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

const CHROMIUM = '/usr/bin/chromium';
const USER = 'ops';
const PASSWORD = `pw-${randomUUID()}`;
/** Set to a directory to keep screenshots of the find page and the board (never committed). */
const SCREENSHOTS = process.env.REELAY_SCREENSHOT_DIR;
const UI_TIMEOUT = 15_000;

let stack: Stack;
let dashboard: FastifyInstance;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: the dashboard browser test needs Debian's chromium (apt-get install chromium)`,
    );
  // One sink attempt: S3 being down fails the generation at once, resumably.
  stack = await startStack({ env: { SINK_ATTEMPTS: '1', RETRY_BACKOFF_MS: '50' } });
  dashboard = createDashboard({
    producer: stack.producer,
    auth: { kind: 'basic', user: USER, password: PASSWORD },
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  await dashboard.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(dashboard.server.address() as { port: number }).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await stack?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    httpCredentials: { username: USER, password: PASSWORD },
    viewport: { width: 1280, height: 900 },
  });
  // Loopback only: bull-board's page asks for web fonts from a CDN, which is refused here.
  await context.route('**/*', (route) =>
    new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort(),
  );
  return context.newPage();
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

describe('the dashboard in a browser', () => {
  it('refuses requests without credentials or with a wrong password', async () => {
    for (const headers of [
      {},
      { authorization: `Basic ${Buffer.from(`${USER}:wrong`).toString('base64')}` },
    ]) {
      for (const path of ['/', '/find', '/api/queues']) {
        const res = await fetch(`${base}${path}`, { headers });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Basic realm="reelay"');
      }
    }
  });

  it('an operator finds a generation failed at the sink, retries its sink job, and it succeeds', async () => {
    await stack.s3.pause();
    const { id } = await stack.producer.enqueue(simpleRequest('a cat waits for S3'));
    const failed = await stack.waitForState(id, 'failed');
    expect(failed.error).toMatchObject({ stage: 'sink', resumable: true });
    const sinkJobId = `${id}.sink`;
    // The generation fails inside the job, just before the job itself moves to the failed set.
    await until(async () => (await stack.producer.ops.queues.sink.getJobState(sinkJobId)) === 'failed');

    const page = await newPage();
    try {
      // From the board, through its menu link, to the find page.
      await page.goto(`${base}/`);
      await page.getByText('sink', { exact: true }).first().waitFor({ timeout: UI_TIMEOUT });
      await page.locator('header button[aria-haspopup="menu"]').last().click();
      await page.getByText('Find a generation', { exact: true }).click();
      await page.waitForURL(`${base}/find`, { timeout: UI_TIMEOUT });

      await page.getByRole('searchbox').fill(id);
      await page.getByRole('button', { name: 'Find' }).click();
      await page.waitForURL((url) => url.searchParams.get('q') === id, { timeout: UI_TIMEOUT });
      expect(await page.locator('#state').textContent()).toBe('failed');
      expect(await page.locator('#error-stage').textContent()).toBe('sink');
      expect(await page.locator('#error-message').textContent()).toContain('upload failed');
      expect(await page.locator('tr[data-stage="sink"]').textContent()).toContain('failed');
      await screenshot(page, 'find-failed');

      await page.locator('tr[data-stage="sink"] a.job-link').click();
      await page.waitForURL(`${base}/queue/sink/${sinkJobId}`, { timeout: UI_TIMEOUT });
      await page.getByText(sinkJobId, { exact: true }).waitFor({ timeout: UI_TIMEOUT });
      await page.getByText('upload failed', { exact: false }).first().waitFor({ timeout: UI_TIMEOUT });
      await screenshot(page, 'board-failed-sink-job');

      await stack.s3.resume();
      // bull-board's job actions are icon buttons named by a tooltip; a failed job's first is Retry.
      const retry = page.locator('ul[class*="jobActions"] button').first();
      await retry.hover();
      await page.getByText('Retry', { exact: true }).waitFor({ timeout: UI_TIMEOUT });
      await retry.click();
      const dialog = page.getByRole('alertdialog');
      await dialog
        .getByText('Are you sure that you want to retry this job?')
        .waitFor({ timeout: UI_TIMEOUT });
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/api/queues/sink/${sinkJobId}/retry`), {
          timeout: UI_TIMEOUT,
        }),
        dialog.getByRole('button', { name: 'Confirm' }).click(),
      ]);
      expect(answer.status()).toBe(204);

      const done = await stack.waitForState(id, 'succeeded');
      expect(done.output?.key).toBe(`generations/${id}.mp4`);
      const deliveries = await stack.receiver.waitFor((ds) =>
        ds.some((d) => d.verified && d.type === 'generation.succeeded' && webhookFor(d.body) === id),
      );
      expect(
        deliveries.filter((d) => d.type === 'generation.succeeded' && webhookFor(d.body) === id)[0]?.status,
      ).toBe(204);

      await page.goto(`${base}/find?q=${id}`);
      expect(await page.locator('#state').textContent()).toBe('succeeded');
      expect(await page.locator('#output').textContent()).toContain(`generations/${id}.mp4`);
      await screenshot(page, 'find-succeeded');
      await page.goto(`${base}/queue/sink?status=completed`);
      await page.getByText(sinkJobId, { exact: true }).waitFor({ timeout: UI_TIMEOUT });
      await screenshot(page, 'board-sink-completed');
    } finally {
      await page.context().close();
    }
  });
});

function webhookFor(body: unknown): string | undefined {
  return (body as { data?: { id?: string } } | undefined)?.data?.id;
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
