/**
 * Which IP addresses a webhook may never reach. Fail closed: an explicit table of the
 * well-known non-public ranges (so the names are precise and do not depend on ipaddr.js
 * keeping its table), IPv6 forms that embed a blocked IPv4 address, and then anything
 * ipaddr.js does not call global `unicast` (and, for IPv6, anything outside 2000::/3).
 * No I/O here.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

const table = (entries: [string, string][]): [Cidr, string][] =>
  entries.map(([cidr, name]) => [ipaddr.parseCIDR(cidr), name]);

// Checked in order; cloud metadata first so it is named as such.
const BLOCKED_RANGES = table([
  ['169.254.169.254/32', 'cloudMetadata'], // AWS, GCP, Azure, OCI, DigitalOcean …
  ['169.254.170.2/32', 'cloudMetadata'], // AWS ECS task metadata
  ['100.100.100.200/32', 'cloudMetadata'], // Alibaba Cloud
  ['168.63.129.16/32', 'cloudMetadata'], // Azure WireServer (a public address, reachable only inside Azure)
  ['fd00:ec2::254/128', 'cloudMetadata'], // AWS IMDS over IPv6
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrierGradeNat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'linkLocal'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fe80::/10', 'linkLocal'],
  ['fec0::/10', 'siteLocal'],
  ['fc00::/7', 'uniqueLocal'],
  ['ff00::/8', 'multicast'],
  ['2001:db8::/32', 'documentation'],
  ['100::/64', 'discard'],
]);

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

// IPv6 ranges whose low bits (or bits 16–47 for 6to4) carry an IPv4 address that the
// network may deliver to: report the embedded address's range when it is blocked.
const EMBEDDING_V4: { cidr: Cidr; name: string; extract: (parts: number[]) => [number, number] }[] = [
  { cidr: ipaddr.parseCIDR('::ffff:0:0/96'), name: 'ipv4Mapped', extract: (p) => [p[6] ?? 0, p[7] ?? 0] },
  {
    cidr: ipaddr.parseCIDR('::ffff:0:0:0/96'),
    name: 'ipv4Translated',
    extract: (p) => [p[6] ?? 0, p[7] ?? 0],
  },
  { cidr: ipaddr.parseCIDR('64:ff9b::/96'), name: 'nat64', extract: (p) => [p[6] ?? 0, p[7] ?? 0] },
  { cidr: ipaddr.parseCIDR('2002::/16'), name: '6to4', extract: (p) => [p[1] ?? 0, p[2] ?? 0] },
  { cidr: ipaddr.parseCIDR('::/96'), name: 'ipv4Compatible', extract: (p) => [p[6] ?? 0, p[7] ?? 0] },
];

export interface BlockedVerdict {
  blocked: boolean;
  /** The range that blocks it, e.g. `loopback`, `cloudMetadata`, `ipv4Mapped:private`. */
  range?: string;
}

function matches(address: Address, [network, bits]: Cidr): boolean {
  return address.kind() === network.kind() && address.match(network, bits);
}

function parse(ip: string): Address | undefined {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(bare)) return undefined;
  const address = ipaddr.parse(bare);
  // Only dotted-quad IPv4 here: callers pass resolver output or WHATWG-normalised hosts,
  // and the odd forms (127.1, 0x7f.1) would only hide intent.
  if (address.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(bare)) return undefined;
  return address;
}

function verdictFor(address: Address): BlockedVerdict {
  for (const [cidr, name] of BLOCKED_RANGES) {
    if (matches(address, cidr)) return { blocked: true, range: name };
  }
  if (address.kind() === 'ipv4') {
    const range = address.range();
    return range === 'unicast' ? { blocked: false } : { blocked: true, range };
  }
  const v6 = address as ipaddr.IPv6;
  for (const form of EMBEDDING_V4) {
    if (!matches(v6, form.cidr)) continue;
    const [high, low] = form.extract(v6.parts);
    const inner = verdictFor(new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]));
    // A public IPv4 in these forms is still refused below: no resolver hands them out.
    if (inner.blocked) return { blocked: true, range: `${form.name}:${inner.range}` };
  }
  const range = v6.range();
  if (range !== 'unicast') return { blocked: true, range };
  if (!matches(v6, GLOBAL_UNICAST_V6)) return { blocked: true, range: 'notGlobalUnicast' };
  return { blocked: false };
}

/**
 * Whether a webhook may connect to `ip` (IPv4 dotted quad or IPv6, brackets allowed).
 * Anything that does not parse is blocked as `invalid`.
 */
export function isBlockedAddress(ip: string): BlockedVerdict {
  const address = parse(ip.trim());
  if (address === undefined) return { blocked: true, range: 'invalid' };
  return verdictFor(address);
}
