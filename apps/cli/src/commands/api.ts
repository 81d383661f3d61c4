import { runApiProcess } from 'api';

export async function runApi(): Promise<number> {
  await runApiProcess(process.env);
  return -1;
}
