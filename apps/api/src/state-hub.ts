import type { StateChange, StatusStore } from '@reelay/core';
import type { Redis } from 'ioredis';

export type StateListener = (change: StateChange) => void;

export type StateHub = {
  /** Calls `listener` for each state change of generation `id` until the returned function is called. */
  listen(id: string, listener: StateListener): Promise<() => void>;
  /** Listeners registered now, over all generations (for tests and metrics). */
  listenerCount(): number;
  close(): Promise<void>;
};

/**
 * One Redis subscription shared by every SSE client, fanned out in process by generation id.
 * The connection is opened on the first `listen` (an API with no SSE clients holds none) and
 * kept until `close`; ioredis re-subscribes by itself after a reconnect.
 */
export function createStateHub(opts: {
  store: Pick<StatusStore, 'subscribe'>;
  /** Returns the connection to subscribe on; called at most once per successful subscription. */
  connect: () => Redis;
  /** Quit that connection on `close` (when the hub opened it). */
  closeConnection: boolean;
  onListenerError?: (error: unknown) => void;
}): StateHub {
  const byId = new Map<string, Set<StateListener>>();
  let connection: Redis | undefined;
  let subscription: Promise<() => Promise<void>> | undefined;
  let closed = false;

  function dispatch(change: StateChange): void {
    const listeners = byId.get(change.id);
    if (!listeners) return;
    for (const listener of [...listeners]) {
      try {
        listener(change);
      } catch (e) {
        opts.onListenerError?.(e);
      }
    }
  }

  function subscribed(): Promise<unknown> {
    if (!subscription) {
      connection ??= opts.connect();
      subscription = opts.store.subscribe(connection, dispatch);
      // A failed subscribe is retried by the next listener rather than cached.
      subscription.catch(() => {
        subscription = undefined;
      });
    }
    return subscription;
  }

  return {
    async listen(id, listener) {
      if (closed) throw new Error('state hub is closed');
      const set = byId.get(id) ?? new Set<StateListener>();
      byId.set(id, set);
      set.add(listener);
      const off = () => {
        set.delete(listener);
        if (!set.size && byId.get(id) === set) byId.delete(id);
      };
      try {
        await subscribed();
      } catch (e) {
        off();
        throw e;
      }
      return off;
    },
    listenerCount() {
      let n = 0;
      for (const set of byId.values()) n += set.size;
      return n;
    },
    async close() {
      if (closed) return;
      closed = true;
      byId.clear();
      const unsubscribe = await subscription?.catch(() => undefined);
      await unsubscribe?.().catch(() => {});
      if (opts.closeConnection && connection) await connection.quit().catch(() => {});
    },
  };
}
