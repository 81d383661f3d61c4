/** Memory and CPU of a process from /proc (Linux), read from outside so any child can be measured. */
import { readFile } from 'node:fs/promises';

export type ProcMemory = { rssBytes: number; hwmBytes: number };

/** VmRSS and VmHWM (peak RSS since start) of `pid`; undefined once the process is gone. */
export async function readProcMemory(pid: number): Promise<ProcMemory | undefined> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  return parseProcStatus(text);
}

export function parseProcStatus(text: string): ProcMemory {
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  };
  return { rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM') };
}

/** User + system CPU time of `pid` in ms (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 10 ms). */
export async function readProcCpuMs(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!text) return Number.NaN;
  // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Samples VmRSS of `pid` every `everyMs` until stopped: the peak and the last value. */
export function sampleRss(pid: number, everyMs = 100) {
  let peak = 0;
  let last = 0;
  const timer = setInterval(() => {
    void readProcMemory(pid).then((m) => {
      if (!m) return;
      last = m.rssBytes;
      peak = Math.max(peak, m.rssBytes);
    });
  }, everyMs);
  return {
    stop(): { peakBytes: number; lastBytes: number } {
      clearInterval(timer);
      return { peakBytes: peak, lastBytes: last };
    },
  };
}
