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

/**
 * A test for "this text is an IP address inside one of the networks". The networks must have
 * parsed. IPv4 addresses, nearly every event's, are compared as numbers here, which costs far less
 * than BlockList's check; IPv6 addresses go to BlockList.
 */
export function compileCidrs(networks: readonly { address: string; prefix: number; family: 'ipv4' | 'ipv6' }[]): (text: string) => boolean {
  const list = new BlockList();
  for (const network of networks) list.addSubnet(network.address, network.prefix, network.family);
  const ipv4 = networks
    .filter((network) => network.family === 'ipv4')
    .map((network) => {
      const mask = network.prefix === 0 ? 0 : (0xffffffff << (32 - network.prefix)) >>> 0;
      return { base: (ipv4Number(network.address) & mask) >>> 0, mask };
    });
  return (text) => {
    const address = ipv4Number(text);
    if (address >= 0) return ipv4.some(({ base, mask }) => (address & mask) >>> 0 === base);
    return isIP(text) === 6 && list.check(text, 'ipv6');
  };
}

/**
 * A dotted-quad IPv4 address as an unsigned number, or -1 when the text is none: four decimal
 * numbers from 0 to 255 without leading zeros, as node's isIP reads them.
 */
export function ipv4Number(text: string): number {
  if (text.length < 7 || text.length > 15) return -1;
  let address = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let index = 0; index <= text.length; index++) {
    const code = index < text.length ? text.charCodeAt(index) : 46; // a final dot closes the last number
    if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return -1; // a leading zero
      octet = octet * 10 + (code - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (code === 46) {
      if (digits === 0) return -1;
      address = address * 256 + octet;
      octet = 0;
      digits = 0;
      if (++dots > 4) return -1;
    } else return -1;
  }
  return dots === 4 ? address : -1;
}
