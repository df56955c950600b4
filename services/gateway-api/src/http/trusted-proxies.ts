import { isIP } from 'node:net';
import { z } from 'zod';
import { commaList } from '@ensemble/shared';

/**
 * `TRUSTED_PROXIES`: comma-separated addresses or CIDR blocks of the proxies whose
 * `X-Forwarded-For` (and `-Proto`, `-Host`) the gateway believes. Default none: the
 * client address is the peer's, whatever headers it sends, so per-address limits
 * cannot be dodged by sending a new header each time.
 */
export const trustedProxiesSchema = z
  .string()
  .default('')
  .transform((s, ctx) => {
    const list = commaList(s);
    for (const entry of list) {
      if (!isCidr(entry)) {
        ctx.addIssue({
          code: 'custom',
          message: `TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR block (e.g. 172.16.0.0/12, 10.0.0.5, fd00::/8)`,
        });
      }
    }
    return list;
  });

function isCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Fastify's `trustProxy`: only the listed peers (proxy-addr walks X-Forwarded-For from the right). */
export const trustProxyOption = (proxies: readonly string[]): false | string[] =>
  proxies.length === 0 ? false : [...proxies];
