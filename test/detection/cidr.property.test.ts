/** The IPv4 reader behind the cidr modifier reads exactly the texts node's isIP calls IPv4 addresses, as the number they write. */
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCidrs, ipv4Number } from '../../shared/transforms/detection/cidr.ts';

/** Texts close to dotted quads: digits and dots, with now and then another character, a leading zero or a fifth part. */
const nearlyAddresses = fc
  .array(fc.constantFrom('0', '1', '2', '5', '9', '25', '255', '256', '01', '.', '.', '.', 'a', ' ', ':', '-'), { maxLength: 12 })
  .map((parts) => parts.join(''));

describe('ipv4Number', () => {
  it('accepts a text exactly when isIP says it is an IPv4 address', () => {
    // Assess
    fc.assert(
      fc.property(fc.oneof(nearlyAddresses, fc.ipV4(), fc.string({ maxLength: 16 })), (text) => {
        expect(ipv4Number(text) >= 0).toBe(isIP(text) === 4);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the number the four parts write', () => {
    // Assess
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (number) => {
        const text = [24, 16, 8, 0].map((shift) => (number >>> shift) & 0xff).join('.');
        expect(ipv4Number(text)).toBe(number);
      }),
    );
  });
});

describe('compileCidrs', () => {
  it('still reads IPv6 addresses, and IPv4 addresses written in IPv6 against IPv4 networks', () => {
    // Prepare
    const inNetworks = compileCidrs([
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '2001:db8::', prefix: 32, family: 'ipv6' },
    ]);

    // Act
    const inside = ['2001:db8::7', '::ffff:10.1.2.3', '2001:db9::7', '::ffff:11.1.2.3'].map(inNetworks);

    // Assess
    expect(inside).toEqual([true, true, false, false]);
  });
});
