import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { machineAddresses } from './network-address';

const nic = (address: string, family: 'IPv4' | 'IPv6' = 'IPv4', internal = false): NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;

describe('machineAddresses', () => {
  it('the LAN address and the VPN address, each an IP address or null', () => {
    expect(
      machineAddresses({
        lo: [nic('127.0.0.1', 'IPv4', true)],
        eth0: [nic('fe80::1', 'IPv6'), nic('192.168.1.20')],
        tailscale0: [nic('fd7a:115c:a1e0::1', 'IPv6'), nic('100.101.102.103')],
      }),
    ).toEqual({ local: '192.168.1.20', vpn: '100.101.102.103' });
  });

  it('no VPN is null, never a word; a Tailscale address counts as VPN on any interface', () => {
    expect(machineAddresses({ wlan0: [nic('10.0.0.5')] })).toEqual({ local: '10.0.0.5', vpn: null });
    expect(machineAddresses({ eth0: [nic('100.64.0.9')], eth1: [nic('10.1.1.1')] })).toEqual({
      local: '10.1.1.1',
      vpn: '100.64.0.9',
    });
    expect(machineAddresses({ lo: [nic('127.0.0.1', 'IPv4', true)] })).toEqual({ local: null, vpn: null });
  });
});
