/**
 * Preloaded into worker processes (`node --import`): whenever a Redis write the worker sent is
 * answered, the process may SIGKILL itself before the code that sent it sees the answer. The
 * write has happened; whatever the stage meant to do next has not. A kill from outside lands
 * there only by luck (the gap between two writes is about a millisecond); this puts crashes
 * at such steps. CHAOS_CRASH_P applies to every write (BullMQ's included), CHAOS_CRASH_RECORD_P
 * to writes of a generation's status record (the compare-and-set steps of the stages).
 * Test harness only: the worker's code is untouched. Off once CHAOS_CRASH_OFF_FILE exists.
 */
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';

const WRITES = new Set([
  'evalsha',
  'eval',
  'exec',
  'set',
  'del',
  'hset',
  'hdel',
  'zadd',
  'zrem',
  'rpush',
  'xadd',
]);
const anyP = Number(process.env.CHAOS_CRASH_P ?? 0);
const recordP = Number(process.env.CHAOS_CRASH_RECORD_P ?? 0);
const offFile = process.env.CHAOS_CRASH_OFF_FILE ?? '';
let on = (anyP > 0 || recordP > 0) && !existsSync(offFile);

type Command = { name: string; args: unknown[]; promise: Promise<unknown> };

/** evalsha/eval args are [script, numkeys, key1, …]: a status record key is `<prefix>:gen:gen_…`. */
const isRecordWrite = (c: Command) =>
  (c.name === 'evalsha' || c.name === 'eval') && /:gen:gen_/.test(String(c.args[2] ?? ''));

if (on) {
  const check = setInterval(() => {
    on = !existsSync(offFile);
    if (!on) clearInterval(check);
  }, 250);
  check.unref();
  const proto = Redis.prototype as unknown as { sendCommand(command: Command, stream?: unknown): unknown };
  const send = proto.sendCommand;
  proto.sendCommand = function (this: unknown, command: Command, stream?: unknown) {
    const sent = send.call(this, command, stream);
    if (on && WRITES.has(command.name)) {
      const p = isRecordWrite(command) ? Math.max(anyP, recordP) : anyP;
      // Registered before the caller awaits the reply, so this runs first.
      command.promise.then(
        () => {
          if (Math.random() < p) process.kill(process.pid, 'SIGKILL');
        },
        () => {},
      );
    }
    return sent;
  };
}
