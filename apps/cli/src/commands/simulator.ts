import { runSimulatorProcess } from 'simulator';

export async function runSimulator(): Promise<number> {
  await runSimulatorProcess(process.env);
  return -1;
}
