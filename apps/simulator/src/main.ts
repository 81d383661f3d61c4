/** Standalone simulator: `node apps/simulator/src/main.ts` (or `reelay simulator`). */
import { runSimulatorProcess } from './run-simulator-process.ts';

await runSimulatorProcess(process.env);
