/**
 * Everything the run starts registers how to stop it here; `run()` stops them in reverse order,
 * each bounded, on success, on failure and on Ctrl-C alike.
 */
export type Teardown = {
  add(name: string, stop: () => Promise<void> | void): void;
  run(log: (line: string) => void): Promise<void>;
};

const STEP_TIMEOUT_MS = 15_000;

export function createTeardown(): Teardown {
  const steps: Array<{ name: string; stop: () => Promise<void> | void }> = [];
  let running: Promise<void> | undefined;
  return {
    add(name, stop) {
      steps.push({ name, stop });
    },
    run(log) {
      running ??= (async () => {
        for (const step of steps.reverse()) {
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<'late'>((resolve) => {
            timer = setTimeout(() => resolve('late'), STEP_TIMEOUT_MS);
          });
          try {
            const outcome = await Promise.race([Promise.resolve().then(step.stop), late]);
            if (outcome === 'late') log(`teardown: ${step.name} did not stop within ${STEP_TIMEOUT_MS} ms`);
          } catch (e) {
            log(`teardown: stopping ${step.name} failed: ${(e as Error).message}`);
          } finally {
            clearTimeout(timer);
          }
        }
      })();
      return running;
    },
  };
}
