import type { Metrics } from '@reelay/core';
import { isVtrixError, type VtrixClient } from '@reelay/vtrix';

/** Wraps the upstream client so every call is timed and labelled by its HTTP status or error code. */
export function instrumentVtrix(client: VtrixClient, metrics: Metrics): VtrixClient {
  async function timed<T>(operation: 'create' | 'get', call: () => Promise<T>): Promise<T> {
    const end = metrics.upstreamDuration.startTimer({ operation });
    try {
      const result = await call();
      end({ status: '200' });
      return result;
    } catch (e) {
      end({ status: isVtrixError(e) ? String(e.httpStatus ?? e.code) : 'error' });
      if (isVtrixError(e) && e.alert) metrics.upstreamAlerts.inc({ code: e.code });
      throw e;
    }
  }
  return {
    createTask: (params, opts) => timed('create', () => client.createTask(params, opts)),
    getTask: (id, opts) => timed('get', () => client.getTask(id, opts)),
    close: () => client.close(),
  };
}
