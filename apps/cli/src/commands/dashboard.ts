import { runDashboardProcess } from 'dashboard';

export async function runDashboard(): Promise<number> {
  await runDashboardProcess(process.env);
  return -1;
}
