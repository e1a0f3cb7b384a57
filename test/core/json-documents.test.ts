import { describe, expect, it } from 'vitest';
import { splitJsonDocuments } from '../../shared/core/json-documents.ts';

describe('splitJsonDocuments', () => {
  it('splits documents separated by newlines', () => {
    // Prepare
    const text = '{"a":1}\n{"b":2}\n';

    // Act
    const split = splitJsonDocuments(text);

    // Assess
    expect(split).toEqual({ documents: ['{"a":1}', '{"b":2}'], rest: null });
  });

  it('splits documents written back to back with nothing between them', () => {
    // Prepare
    const text = '{"a":{"n":[1,2]}}{"b":2}[3]';

    // Act
    const split = splitJsonDocuments(text);

    // Assess
    expect(split.documents).toEqual(['{"a":{"n":[1,2]}}', '{"b":2}', '[3]']);
  });

  it('does not split at brackets or escaped quotes inside strings', () => {
    // Prepare
    const first = JSON.stringify({ message: 'a "}{" b \\", [ }' });
    const text = `${first}${JSON.stringify({ message: '\\\\' })}`;

    // Act
    const split = splitJsonDocuments(text);

    // Assess
    expect(split.documents.map((document) => JSON.parse(document))).toEqual([{ message: 'a "}{" b \\", [ }' }, { message: '\\\\' }]);
  });

  it('returns the complete documents and names what follows that is not a document', () => {
    // Prepare
    const text = '{"a":1}\nnot json\n{"b":2}';

    // Act
    const split = splitJsonDocuments(text);

    // Assess
    expect(split.documents).toEqual(['{"a":1}']);
    expect(split.rest).toEqual({ at: 8, text: 'not json\n{"b":2}', problem: 'expected "{" or "[" at character 8' });
  });

  it('reports a last document cut short', () => {
    // Prepare
    const text = '{"a":1}{"b":"unterminated';

    // Act
    const split = splitJsonDocuments(text);

    // Assess
    expect(split.documents).toEqual(['{"a":1}']);
    expect(split.rest?.problem).toBe('document starting at character 7 is not complete');
  });

  it('finds no documents in blank text', () => {
    // Act
    const split = splitJsonDocuments(' \n\t');

    // Assess
    expect(split).toEqual({ documents: [], rest: null });
  });
});
