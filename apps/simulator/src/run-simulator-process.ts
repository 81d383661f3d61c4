/**
 * The standalone simulator process: settings from SIM_* variables (see env.ts); a bad one
 * exits 1 naming every bad variable. Logs one JSON line when up; SIGTERM/SIGINT close it.
 */
import { parseSimulatorEnv } from './env.ts';
import { createSimulator } from './simulator.ts';

export async function runSimulatorProcess(
  environment: Record<string, string | undefined> = process.env,
): Promise<void> {
  const env = parseSimulatorEnv(environment);
  if (!env.ok) {
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', msg: 'invalid simulator environment', errors: env.errors })}\n`,
    );
    process.exit(1);
  }
  const { port, host, seed, config } = env.value;
  const fail = (msg: string, error: unknown): never => {
    const detail = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${JSON.stringify({ level: 'fatal', msg, error: detail })}\n`);
    process.exit(1);
  };
  const simulator = await createSimulator({
    ...config,
    port,
    host,
    ...(seed === undefined ? {} : { seed }),
  }).catch((error: unknown) => fail('simulator failed to start', error));
  process.stdout.write(
    `${JSON.stringify({ level: 'info', msg: 'simulator listening', url: simulator.url, seed: simulator.seed })}\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    simulator.close().then(() => {
      process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'simulator stopped', signal })}\n`);
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
