import { Probe } from '@reelay/contracts';
import type { Probe as P } from '@reelay/contracts';
const p: P = Probe.parse({ a: 'ok' });
console.log(p.a, process.version);
