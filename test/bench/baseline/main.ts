/**
 * A baseline worker process: `BASELINE_OPTIONS` (JSON of BaselineOptions) says what to run,
 * `STATS_PORT` where to serve `/readyz` and `/stats` (event-loop delay since the last read, RSS,
 * time per stage job),
 * the baseline's counterpart of Reelay's `/metrics`. Ends cleanly on SIGTERM.
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type BaselineOptions, startBaseline } from './pipeline.ts';

const opts = JSON.parse(process.env.BASELINE_OPTIONS ?? '{}') as BaselineOptions;
const running = startBaseline(opts);
// The same resolution prom-client uses for Reelay's nodejs_eventloop_lag_* series.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

const server = createServer((req, res) => {
  if (req.url === '/readyz') {
    const ready = running.workers.every((w) => w.isRunning());
    res.writeHead(ready ? 200 : 503).end();
    return;
  }
  if (req.url === '/stats') {
    const body = {
      loopP50Ms: loop.percentile(50) / 1e6,
      loopP99Ms: loop.percentile(99) / 1e6,
      loopMaxMs: loop.max / 1e6,
      rssBytes: process.memoryUsage.rss(),
      stages: running.stageTimes,
    };
    loop.reset();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    return;
  }
  res.writeHead(404).end();
});
server.listen(Number(process.env.STATS_PORT ?? 0), '127.0.0.1');

process.once('SIGTERM', () => {
  void running.close().then(() => {
    server.close();
    process.exit(0);
  });
});
