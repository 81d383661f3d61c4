import { type DestinationStream, type Logger, pino } from 'pino';
import { scrubSecrets, scrubString } from './redact.ts';

export type { Logger } from 'pino';

/** Field names that hold secrets wherever they appear (two levels deep). */
const SECRET_KEYS = [
  'apiKey',
  'authorization',
  'Authorization',
  'secret',
  'secrets',
  'signingSecrets',
  'password',
  'webhook-signature',
  'x-api-key',
  'cookie',
];
export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [/^\w+$/.test(k) ? k : `["${k}"]`, `*["${k}"]`, `*.*["${k}"]`]),
  'req.headers.authorization',
  'headers.authorization',
];

export function createLogger(
  opts: { level?: string; name?: string; base?: Record<string, unknown> } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      name: opts.name,
      base: opts.base ?? { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { log: (obj) => scrubSecrets(obj) as Record<string, unknown> },
      hooks: {
        // Messages are free text and may carry a URL with a signature in it.
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubString(a) : a)) as Parameters<
            typeof method
          >;
          return method.apply(this, scrubbed);
        },
      },
      // The log formatter has usually made errors plain already (scrubSecrets knows Errors).
      serializers: { err: (e: unknown) => scrubSecrets(e) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
