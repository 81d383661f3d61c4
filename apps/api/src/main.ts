/** Standalone API: `node apps/api/src/main.ts` (or `reelay api`). */
import { runApiProcess } from './run-api-process.ts';

await runApiProcess(process.env);
