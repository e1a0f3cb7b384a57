/**
 * The `cidr` modifier: IPv4 and IPv6 networks, checked with node's BlockList (which also matches
 * an IPv4-mapped IPv6 address, `::ffff:10.1.2.3`, against IPv4 networks).
 */
import { BlockList, isIP } from 'node:net';

/** A network as written in a rule (`10.0.0.0/8`, `2001:db8::/32`; a bare address is a single host), or why it is none. */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | { error: string } {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0 || address.includes('%')) return { error: `"${text}" is not an IPv4 or IPv6 network (expected ADDRESS/PREFIX, e.g. 10.0.0.0/8)` };
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const maximum = version === 4 ? 32 : 128;
  if (slash < 0) return { address, prefix: maximum, family };
  const prefixText = text.slice(slash + 1);
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > maximum) return { error: `"${text}": the prefix length must be a whole number from 0 to ${maximum}` };
  return { address, prefix, family };
}

/** A test for "this text is an IP address inside one of the networks". The networks must have parsed. */
export function compileCidrs(networks: readonly { address: string; prefix: number; family: 'ipv4' | 'ipv6' }[]): (text: string) => boolean {
  const list = new BlockList();
  for (const network of networks) list.addSubnet(network.address, network.prefix, network.family);
  return (text) => {
    const version = isIP(text);
    return version !== 0 && list.check(text, version === 4 ? 'ipv4' : 'ipv6');
  };
}
