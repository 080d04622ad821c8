import { isIP } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** The addresses the platform is told: an IP address each, or null (never a word like "Not Connected"). */
export interface MachineAddresses {
  /** The first LAN address (IPv4 preferred). */
  readonly local: string | null;
  /** The VPN address (Tailscale, WireGuard, OpenVPN tunnel), when the machine is on one. */
  readonly vpn: string | null;
}

/** Interfaces a VPN client creates: tailscale0, wg0, tun0, zt… (ZeroTier). */
const VPN_INTERFACE = /^(tailscale|wg|tun|zt|utun)/i;

/** Tailscale hands out 100.64.0.0/10 (carrier-grade NAT space), whatever the interface is called. */
function isTailscaleAddress(address: string): boolean {
  const [a, b] = address.split('.').map(Number);
  return a === 100 && b !== undefined && b >= 64 && b <= 127;
}

/** Reads the machine's addresses from its network interfaces (injectable for tests). */
export function machineAddresses(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): MachineAddresses {
  let local: string | null = null;
  let localV6: string | null = null;
  let vpn: string | null = null;
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal || isIP(info.address) === 0) continue;
      if (info.family === 'IPv6' && info.address.toLowerCase().startsWith('fe80')) continue; // link-local
      const tunnel = VPN_INTERFACE.test(name) || (info.family === 'IPv4' && isTailscaleAddress(info.address));
      if (tunnel) {
        if (vpn === null || (info.family === 'IPv4' && isIP(vpn) === 6)) vpn = info.address;
      } else if (info.family === 'IPv4') local ??= info.address;
      else localV6 ??= info.address;
    }
  }
  return { local: local ?? localV6, vpn };
}
