/**
 * What-if preload for Reelay workers (`run.ts --preload what-if/lean-redact.ts`): the logger without
 * pino's wildcard redact paths (`*["apiKey"]`, `*.*["apiKey"]`, …), which cost ~45 µs per child
 * logger and per line. Measures the proposed logger fix without changing product code; the fix
 * itself would also censor secret-named keys in scrubSecrets, which already walks every log object.
 */
import { REDACT_PATHS } from '@reelay/core';

const kept = REDACT_PATHS.filter((p) => !p.startsWith('*'));
REDACT_PATHS.splice(0, REDACT_PATHS.length, ...kept);
