import { producerFromEnv } from './producer-from-env.ts';

export async function runStatus(argv: string[]): Promise<number> {
  const id = argv[0];
  if (!id) {
    process.stderr.write('usage: reelay status <generation id>\n');
    return 2;
  }
  const producer = producerFromEnv();
  if (!producer) return 2;
  try {
    const status = id.startsWith('gen_')
      ? await producer.getStatus(id)
      : await producer.findByIdempotencyKey(id);
    if (!status) {
      process.stderr.write(`reelay status: no generation ${id}\n`);
      return 1;
    }
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  } finally {
    await producer.close();
  }
}
