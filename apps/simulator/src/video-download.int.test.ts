import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator, type SimulatorOptions } from './simulator.ts';
import { createTask, download, pollTask, resultUrl } from './test-client.ts';

let sim: Simulator | undefined;

async function completedTask(options: SimulatorOptions): Promise<{ s: Simulator; id: string; url: string }> {
  sim = await createSimulator({ seed: 3, taskDurationMs: 0, ...options });
  const id = (await createTask(sim.url)).body.id as string;
  const url = resultUrl((await pollTask(sim.url, id)).body);
  return { s: sim, id, url };
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const hasFfprobe = (() => {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('video downloads', () => {
  it('pads to exactly videoBytes with a matching Content-Length and sha256', async () => {
    const videoBytes = 5 * 1024 * 1024 + 3;
    const { s, id, url } = await completedTask({ videoBytes });
    expect(s.expectedSize(id)).toBe(videoBytes);
    const video = await download(url);
    expect(video.headers['content-length']).toBe(String(videoBytes));
    expect(video.size).toBe(videoBytes);
    expect(video.sha256).toBe(await s.expectedSha256(id));
  });

  it('videoContentLength: false streams the same bytes chunked, without Content-Length', async () => {
    const { s, id, url } = await completedTask({ videoBytes: 300_000, videoContentLength: false });
    const video = await download(url);
    expect(video.headers['content-length']).toBeUndefined();
    expect(video.headers['transfer-encoding']).toBe('chunked');
    expect(video.size).toBe(300_000);
    expect(video.sha256).toBe(await s.expectedSha256(id));
    expect(s.stats()).toMatchObject({ downloads: 1, downloadsCut: 0 });
  });

  it('videoOrigin: result URLs point at that origin, with the path and signature of our own', async () => {
    sim = await createSimulator({ seed: 3, taskDurationMs: 0, videoOrigin: 'http://127.0.0.1:9' });
    const id = (await createTask(sim.url)).body.id as string;
    const elsewhere = new URL(resultUrl((await pollTask(sim.url, id)).body));
    expect(elsewhere.origin).toBe('http://127.0.0.1:9');
    // The same path still downloads from the simulator itself (a CDN in front of it).
    const video = await download(`${sim.url}${elsewhere.pathname}${elsewhere.search}`);
    expect(video.size).toBe(sim.expectedSize(id));
    sim.configure({ videoOrigin: undefined });
    expect(new URL(resultUrl((await pollTask(sim.url, id)).body)).origin).toBe(sim.url);
  });

  it('counts a download whose client hangs up before the last byte (downloadsCut)', async () => {
    const { s, url } = await completedTask({ videoBytes: 64 * 1024 * 1024 });
    const req = request(url, (r) => r.once('data', () => req.destroy()));
    req.on('error', () => undefined); // the hang-up is ours
    req.end();
    for (let i = 0; i < 100 && s.stats().downloadsCut === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(s.stats()).toMatchObject({ downloads: 1, downloadsCut: 1 });
  });

  it('keeps a task’s size when videoBytes changes after it was created', async () => {
    const { s, id, url } = await completedTask({ videoBytes: 100_000 });
    s.configure({ videoBytes: 200_000 });
    expect(s.expectedSize(id)).toBe(100_000);
    expect((await download(url)).size).toBe(100_000);
  });

  it('answers HEAD with the size and no body, without counting a download', async () => {
    const { s, id, url } = await completedTask({ videoBytes: 1_000_000 });
    const head = await download(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(s.expectedSize(id)));
    expect(head.size).toBe(0);
    expect(s.stats().downloads).toBe(0);
  });

  it('streams 256 MiB with the right hash', async () => {
    const videoBytes = 256 * 1024 * 1024;
    const { s, id, url } = await completedTask({ videoBytes });
    const video = await download(url);
    expect(video.size).toBe(videoBytes);
    expect(video.sha256).toBe(await s.expectedSha256(id));
  });

  it('holds no copy of a 1 GiB video while the client is not reading', async () => {
    const { s, url } = await completedTask({ videoBytes: 1024 ** 3 });
    const before = process.memoryUsage().arrayBuffers;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(url, (r) => {
        r.pause();
        resolve(r);
      });
      req.on('error', reject);
      req.end();
    });
    for (let i = 0; i < 20; i++) await turn();
    expect(res.headers['content-length']).toBe(String(1024 ** 3));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
    res.destroy();
    await s.close();
    sim = undefined;
  });

  it('close() does not wait for a client that stopped reading a large download', async () => {
    const { s, url } = await completedTask({ videoBytes: 1024 * 1024 * 1024 });
    const aborted = new Promise<string>((resolve) => {
      const req = request(url, (res) => {
        res.pause(); // headers in, body never read: the server is held by backpressure
        res.on('error', () => resolve('aborted'));
        res.on('close', () => resolve('closed'));
        void s.close();
      });
      req.on('error', () => resolve('aborted'));
      req.end();
    });
    await s.close();
    expect(['aborted', 'closed']).toContain(await aborted);
    sim = undefined;
  });

  it.skipIf(!hasFfprobe)(
    'serves a per-task video that ffprobe accepts as H.264 MP4 (skipped when ffprobe is missing)',
    async () => {
      const { url } = await completedTask({ videoBytes: 2 * 1024 * 1024 });
      const video = await download(url, { keep: true });
      const dir = await mkdtemp(join(tmpdir(), 'sim-ffprobe-'));
      try {
        const file = join(dir, 'task.mp4');
        await writeFile(file, video.body ?? Buffer.alloc(0));
        const { stdout, stderr } = await promisify(execFile)('ffprobe', [
          '-v',
          'error',
          '-show_entries',
          'format=format_name,duration:stream=codec_name,width,height',
          '-of',
          'json',
          file,
        ]);
        expect(stderr).toBe('');
        const probe = JSON.parse(stdout) as {
          streams: Record<string, unknown>[];
          format: Record<string, string>;
        };
        expect(probe.streams[0]).toMatchObject({ codec_name: 'h264', width: 160, height: 120 });
        expect(probe.format.format_name).toContain('mp4');
        expect(Number(probe.format.duration)).toBeCloseTo(2, 1);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

if (!hasFfprobe)
  console.warn('[simulator] ffprobe not found: the MP4 validity test is skipped (apt-get install ffmpeg)');
