import type { StateChange, StatusStore } from '@reelay/core';
import type { Redis } from 'ioredis';

export type StateListener = (change: StateChange) => void;

export type StateHub = {
  /**
   * Calls `listener` for each state change of generation `id` until the returned function is
   * called; for a batch id (`bat_…`), for each state change of any of its members. `resubscribed` is called after a Redis reconnect once the subscription is back: a
   * change published while the connection was down was missed, so re-read what you follow.
   */
  listen(id: string, listener: StateListener, resubscribed?: () => void): Promise<() => void>;
  /** Listeners registered now, over all generations (for tests and metrics). */
  listenerCount(): number;
  close(): Promise<void>;
};

/**
 * One Redis subscription shared by every SSE client, fanned out in process by generation id
 * (and by batch id, for a batch's events stream).
 * The connection is opened on the first `listen` (an API with no SSE clients holds none) and
 * kept until `close`; ioredis re-subscribes by itself after a reconnect. While subscribed no change
 * is lost (the record writer publishes in the script that writes), so listeners need no polling;
 * after a reconnect the hub tells them (`resubscribed`) once a PING sent behind ioredis's own
 * re-SUBSCRIBE has answered, i.e. once every later change is sure to arrive.
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
  const resyncs = new Set<() => void>();
  let connection: Redis | undefined;
  let subscription: Promise<() => Promise<void>> | undefined;
  let subscribedOnce = false;
  let closed = false;

  // ioredis emits 'ready' on the next tick after queueing its re-SUBSCRIBE, so this PING goes
  // out behind it and answers only once the channel is subscribed again.
  const onReady = () => {
    if (!subscribedOnce || closed || !connection) return;
    connection.ping().then(
      () => {
        for (const resync of [...resyncs]) {
          try {
            resync();
          } catch (e) {
            opts.onListenerError?.(e);
          }
        }
      },
      // The connection dropped again: its next 'ready' tries again.
      () => {},
    );
  };

  function dispatch(change: StateChange): void {
    notify(byId.get(change.id), change);
    // A member's change also goes to those following its batch (ids never collide: gen_ / bat_).
    if (change.batchId) notify(byId.get(change.batchId), change);
  }

  function notify(listeners: Set<StateListener> | undefined, change: StateChange): void {
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
      if (!connection) {
        connection = opts.connect();
        connection.on('ready', onReady);
      }
      subscription = opts.store.subscribe(connection, dispatch);
      subscription.then(
        () => {
          subscribedOnce = true;
        },
        () => {},
      );
      // A failed subscribe is retried by the next listener rather than cached.
      subscription.catch(() => {
        subscription = undefined;
      });
    }
    return subscription;
  }

  return {
    async listen(id, listener, resubscribed) {
      if (closed) throw new Error('state hub is closed');
      const set = byId.get(id) ?? new Set<StateListener>();
      byId.set(id, set);
      set.add(listener);
      // A fresh function per call, so two listens with one callback are removed one by one.
      const resync = resubscribed ? () => resubscribed() : undefined;
      if (resync) resyncs.add(resync);
      const off = () => {
        if (resync) resyncs.delete(resync);
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
      resyncs.clear();
      connection?.off('ready', onReady);
      const unsubscribe = await subscription?.catch(() => undefined);
      await unsubscribe?.().catch(() => {});
      if (opts.closeConnection && connection) await connection.quit().catch(() => {});
    },
  };
}
