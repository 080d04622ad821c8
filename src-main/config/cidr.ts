import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** An allow-list entry: one CIDR block (IPv4 or IPv6). */
export const cidr = z.string().refine(
  (value) => {
    try {
      ipaddr.parseCIDR(value);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a CIDR block such as 10.8.0.0/24 or 192.168.1.10/32' },
);
