/**
 * Why a text is not JSON, said without quoting it: V8's messages quote the input around the error,
 * which may be an unquoted secret, and those messages used to reach quarantine details.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeJsonError } from '../../shared/core/partial-json.ts';

const SECRET = 'Pw-7f3c91d2e8a4b6';
/** A Secret written by hand with its value unquoted: the parse error falls on the value. */
const UNQUOTED = `{"kind":"Secret","data":{"password": ${SECRET}}}`;

/** Every stretch of four characters of the secret: V8 quotes about ten characters around the error. */
function stretchesOf(secret: string): string[] {
  return Array.from({ length: secret.length - 3 }, (_, at) => secret.slice(at, at + 4));
}

describe('describeJsonError', () => {
  it.each([
    [UNQUOTED, `unexpected a letter at character 37: expected a JSON value (object, array, string, number, true, false or null)`],
    ['{"kind":"Event" "auditID":"a"}', "unexpected '\"' at character 16: expected ',' or '}' after a property value"],
    ['{kind:"Event"}', `unexpected a letter at character 1: expected a property name in double quotes or '}'`],
    ['{"kind" "Event"}', "unexpected '\"' at character 8: expected ':' after a property name"],
    ['[1 2]', "unexpected a digit at character 3: expected ',' or ']' after an array item"],
    ['{"a":"x\\qy"}', 'unexpected a character at character 7: expected a valid escape sequence after a backslash'],
    ['{"a":"x\ty"}', 'unexpected whitespace at character 7: expected no control characters inside a string (escape them)'],
    ['{"a":1}{"b":2}', "unexpected '{' at character 7 after the end of the JSON value"],
    ['{"kind":"Event","auditID":"a', 'the text ends at character 28 before the JSON value is complete'],
    ['   ', 'no JSON value: the text is empty'],
  ])('describes %j as %j', (text, description) => {
    // Act
    const described = describeJsonError(text);

    // Assess
    expect(described).toBe(description);
  });

  it('names no character of the input but JSON punctuation, whatever the input', () => {
    fc.assert(
      // Before the secret: any text, or JSON cut short, so that the parse reaches the secret and fails on it.
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json().map((json) => json.slice(0, -1)),
        ),
        fc.string(),
        (before, after) => {
          // Prepare
          const text = `${before}${SECRET}${after}`;

          // Act
          const described = describeJsonError(text);

          // Assess
          expect(stretchesOf(SECRET).filter((stretch) => described.includes(stretch))).toEqual([]);
          expect(described.replace(/'[{}[\]:,"]'/g, '')).not.toMatch(/'/);
        },
      ),
    );
  });
});
