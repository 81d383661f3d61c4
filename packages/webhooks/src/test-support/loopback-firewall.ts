/**
 * Test-only safety net: while installed, every TCP connection this process attempts
 * (net and tls both go through `net.Socket.prototype.connect`) may reach loopback only.
 * The addresses net would dial are recorded; anything else is refused before a packet
 * leaves, so a broken SSRF guard fails its test instead of reaching out.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import net, { type LookupFunction } from 'node:net';

export interface LoopbackFirewall {
  /** `address:port` of every dial net was allowed to make, in order. */
  readonly dialed: string[];
  /** Addresses a connection tried to reach outside loopback (and was refused). */
  readonly violations: string[];
  reset(): void;
  uninstall(): void;
}

const isLoopback = (address: string) => address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address);

type ConnectOptions = { host?: string; port?: number; path?: string; lookup?: LookupFunction };

export function installLoopbackFirewall(): LoopbackFirewall {
  const original = net.Socket.prototype.connect;
  const dialed: string[] = [];
  const violations: string[] = [];

  function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const first = args[0];
    const options = (Array.isArray(first) ? first[0] : first) as ConnectOptions | undefined;
    if (options === undefined || typeof options !== 'object' || options.path) {
      // Numeric/positional forms and IPC are not used by the code under test: refuse them.
      if (options?.path) return Reflect.apply(original, this, args) as net.Socket;
      violations.push(`unsupported connect form ${String(first)}`);
      this.destroy(new Error('loopback firewall: unsupported connect form'));
      return this;
    }
    const host = options.host ?? 'localhost';
    const port = options.port;
    if (net.isIP(host) !== 0) {
      if (!isLoopback(host)) {
        violations.push(host);
        this.destroy(new Error(`loopback firewall refused ${host}`));
        return this;
      }
      dialed.push(`${host}:${port}`);
      return Reflect.apply(original, this, args) as net.Socket;
    }
    const inner: LookupFunction = options.lookup ?? (dnsLookup as unknown as LookupFunction);
    options.lookup = (hostname: string, lookupOptions: LookupOptions, callback) => {
      inner(hostname, lookupOptions, (err, address, family) => {
        if (err) return callback(err, address, family);
        const list: LookupAddress[] =
          typeof address === 'string' ? [{ address, family: family ?? 4 }] : address;
        const outside = list.filter((entry) => !isLoopback(entry.address));
        if (outside.length > 0) {
          violations.push(...outside.map((entry) => entry.address));
          return callback(new Error(`loopback firewall refused ${hostname}`), '', undefined);
        }
        dialed.push(...list.map((entry) => `${entry.address}:${port}`));
        callback(null, address, family);
      });
    };
    return Reflect.apply(original, this, args) as net.Socket;
  }

  net.Socket.prototype.connect = guardedConnect as typeof original;
  return {
    dialed,
    violations,
    reset() {
      dialed.length = 0;
      violations.length = 0;
    },
    uninstall() {
      net.Socket.prototype.connect = original;
    },
  };
}
