import { describe, expect, it } from 'vitest';
import { isBlockedAddress } from './blocked-address.ts';

describe('isBlockedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.0.1', 'linkLocal'],
    ['169.254.169.254', 'cloudMetadata'],
    ['169.254.170.2', 'cloudMetadata'],
    ['100.100.100.200', 'cloudMetadata'],
    ['168.63.129.16', 'cloudMetadata'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['febf:ffff::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'cloudMetadata'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['fec0::1', 'siteLocal'],
    ['100::1', 'discard'],
    ['::ffff:127.0.0.1', 'ipv4Mapped:loopback'],
    ['::ffff:7f00:1', 'ipv4Mapped:loopback'],
    ['::ffff:10.1.2.3', 'ipv4Mapped:private'],
    ['::ffff:169.254.169.254', 'ipv4Mapped:cloudMetadata'],
    ['::ffff:0:10.0.0.1', 'ipv4Translated:private'],
    ['64:ff9b::10.0.0.1', 'nat64:private'],
    ['64:ff9b::a9fe:a9fe', 'nat64:cloudMetadata'],
    ['2002:7f00:1::', '6to4:loopback'],
    ['2002:c0a8:101::1', '6to4:private'],
    ['::7f00:1', 'ipv4Compatible:loopback'],
    // ipaddr.js reads a dotted quad after a bare :: as IPv4-mapped; blocked either way.
    ['::127.0.0.1', 'ipv4Mapped:loopback'],
  ])('blocks %s as %s', (ip, range) => {
    expect(isBlockedAddress(ip)).toEqual({ blocked: true, range });
  });

  it.each([
    ['::ffff:8.8.8.8', 'ipv4Mapped'],
    ['64:ff9b::808:808', 'rfc6052'],
    ['2002:808:808::1', '6to4'],
    ['2001::1', 'teredo'],
    ['2001:2::1', 'benchmarking'],
    ['3fff::1', 'reserved'],
    ['5f00::1', 'segmentRouting'],
    ['::808:808', 'notGlobalUnicast'],
    ['4000::1', 'notGlobalUnicast'],
  ])('blocks %s, which only embeds or tunnels, as %s', (ip, range) => {
    expect(isBlockedAddress(ip)).toEqual({ blocked: true, range });
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001::200e',
  ])('allows public unicast %s', (ip) => {
    expect(isBlockedAddress(ip)).toEqual({ blocked: false });
  });

  it.each(['', 'localhost', 'example.com', '127.1', '2130706433', '0x7f.0.0.1', '1.2.3.4.5', '[::1', '::g'])(
    'fails closed on %j',
    (ip) => {
      expect(isBlockedAddress(ip)).toEqual({ blocked: true, range: 'invalid' });
    },
  );
});
