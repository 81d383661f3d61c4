import { type DestinationStream, type Logger, pino } from 'pino';
import { CENSOR, SECRET_KEYS, scrubSecrets, scrubString } from './redact.ts';

export type { Logger } from 'pino';

/**
 * pino's own redaction, for top-level fields only: a path that starts with a wildcard makes pino
 * run its redactor over every field of every line and every child's bindings (~45 µs each).
 * Secret-named keys deeper down are censored by `scrubSecrets` (any depth it walks, any case),
 * which the log and bindings formatters below run on everything.
 */
export const REDACT_PATHS = [
  ...SECRET_KEYS.map((k) => (/^\w+$/.test(k) ? k : `["${k}"]`)),
  'req.headers.authorization',
  'headers.authorization',
];

export function createLogger(
  opts: { level?: string; name?: string; base?: Record<string, unknown> } = {},
  destination?: DestinationStream,
): Logger {
  const logger = pino(
    {
      level: opts.level ?? 'info',
      name: opts.name,
      base: opts.base ?? { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      formatters: {
        log: (obj) => scrubSecrets(obj) as Record<string, unknown>,
        bindings: (bindings) => scrubSecrets(bindings) as Record<string, unknown>,
      },
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
  // pino applies the bindings formatter to the root's bindings only, and a child is made with
  // Object.create(parent): set on the root, this scrubs the bindings of every descendant.
  const child = logger.child;
  logger.child = function scrubbedChild(this: Logger, bindings, options) {
    return child.call(this, scrubSecrets(bindings) as typeof bindings, options);
  } as typeof child;
  return logger;
}
