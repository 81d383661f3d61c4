import { describe, expect, it } from 'vitest';
import { packageOf } from './profile-summary.ts';
import { keyGroup } from './support/key-groups.ts';
import { parseProcStatus } from './support/proc-stats.ts';
import { infoField, parseCommandStats, systemCalls, topCommands, total } from './support/redis-stats.ts';
import { promValue } from './support/workers.ts';

describe('redis INFO', () => {
  const info = [
    '# Commandstats',
    'cmdstat_evalsha:calls=120,usec=900,usec_per_call=7.50,rejected_calls=0,failed_calls=0',
    'cmdstat_hget:calls=300,usec=100,usec_per_call=0.33,rejected_calls=0,failed_calls=0',
    'cmdstat_config|resetstat:calls=1,usec=140,usec_per_call=140.00,rejected_calls=0,failed_calls=0',
    'cmdstat_info:calls=2,usec=40,usec_per_call=20.00,rejected_calls=0,failed_calls=0',
    '',
  ].join('\r\n');
  it("counts calls per command, leaving out the observer's own", () => {
    const stats = systemCalls(parseCommandStats(info));
    expect(stats).toEqual({ evalsha: 120, hget: 300 });
    expect(total(stats)).toBe(420);
    expect(topCommands(stats, 1)).toEqual([['hget', 300]]);
  });
  it('reads one field', () => {
    expect(infoField('# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n', 'used_memory')).toBe(
      '1048576',
    );
  });
});

describe('keyGroup', () => {
  it('names keys by shape, ids replaced', () => {
    expect(keyGroup('b-1:gen:gen_01m8607ddwhke9vy2qr399de8t', 'b-1')).toBe('gen:<id>');
    expect(keyGroup('b-1:gen:gen_01m8607ddwhke9vy2qr399de8t:dlv', 'b-1')).toBe('gen:<id>:dlv');
    expect(keyGroup('b-1:poll:gen_01m8607ddwhke9vy2qr399de8t.poll.3', 'b-1')).toBe('poll:<job>');
    expect(keyGroup('b-1:poll:1234', 'b-1')).toBe('poll:<job>');
    expect(keyGroup('b-1:poll:delayed', 'b-1')).toBe('poll:delayed');
    expect(keyGroup('b-1:idem:order-42', 'b-1')).toBe('idem:<key>');
  });
});

describe('process statistics', () => {
  it('reads VmRSS and VmHWM in bytes', () => {
    expect(parseProcStatus('Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n')).toEqual({
      rssBytes: 102_400 * 1024,
      hwmBytes: 204_800 * 1024,
    });
  });
  it('reads a Prometheus sample, labelled or not', () => {
    const text =
      '# HELP x\nreelay_process_nodejs_eventloop_lag_p99_seconds 0.0123\nreelay_jobs_total{stage="poll"} 5\n';
    expect(promValue(text, 'reelay_process_nodejs_eventloop_lag_p99_seconds')).toBe(0.0123);
    expect(promValue(text, 'reelay_jobs_total')).toBe(5);
    expect(promValue(text, 'reelay_jobs_total{stage="poll"}')).toBe(5);
    expect(promValue(text, 'reelay_jobs_total{stage="sink"}')).toBeNaN();
    expect(promValue(text, 'missing')).toBeNaN();
  });
  it('attributes profile frames to packages', () => {
    expect(
      packageOf('file:///w/node_modules/.pnpm/bullmq@6.7.0_x/node_modules/bullmq/dist/esm/classes/job.js'),
    ).toBe('bullmq');
    expect(
      packageOf('file:///w/node_modules/.pnpm/@smithy+core@3/node_modules/@smithy/core/dist/index.js'),
    ).toBe('@smithy/core');
    expect(packageOf('file:///w/apps/worker/src/s3-copy.ts')).toBe('apps/worker');
    expect(packageOf('node:internal/streams/writable')).toBe('node (built-in)');
    expect(packageOf('')).toBe('(native / idle / gc)');
  });
});
