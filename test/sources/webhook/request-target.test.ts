import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestPath } from '../../../shared/sources/webhook/request-target.ts';

describe('requestPath', () => {
  it.each([
    ['/audit', '/audit'],
    ['/audit/prod?since=1#x', '/audit/prod'],
    ['/', '/'],
    ['/?', '/'],
    ['//[', '//['],
    ['//user@[/x', '//user@[/x'],
    ['/%zz%00', '/%zz%00'],
    ['http://kaudit.example/audit?x', '/audit'],
    ['HTTPS://kaudit.example:99999/healthz', '/healthz'],
    ['http://[', '/'],
    ['http://%zz', '/'],
    ['http://a:99999/', '/'],
    ['http://a?b/c', '/'],
    ['*', '/'],
    ['kaudit.example:443', '/'],
    ['', '/'],
    ['/caf\u00e9 \u001b[31m', '/caf%C3%A9%20%1B[31m'],
    ['/\ud800', '/%EF%BF%BD'],
  ])('takes the path of %j as %j', (target, path) => {
    // Act
    const result = requestPath(target);

    // Assess
    expect(result).toBe(path);
  });

  it('is total: any text gives a path of printable ASCII starting with /', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string({ unit: 'binary' }).map((text) => `http://${text}`),
          fc.string().map((text) => `/${text}`),
        ),
        (target) => {
          expect(requestPath(target)).toMatch(/^\/[\x21-\x7e]*$/);
        },
      ),
    );
  });
});
