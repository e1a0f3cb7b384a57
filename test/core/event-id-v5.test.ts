import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { EVENT_ID_NAMESPACE, type EventIdParts, eventId } from '../../shared/core/event-id.ts';

const text = fc.string({ unit: 'binary', maxLength: 40 });
const parts = fc.record<EventIdParts>({
  cluster_id: fc.option(text),
  audit_id: text,
  stage: text,
  start_time: fc.option(text),
  time: fc.option(text),
  verb: fc.option(text),
  request_uri: fc.option(text),
  user_name: fc.option(text),
});

function nameOf(id: EventIdParts): string {
  return [id.cluster_id, id.audit_id, id.stage, id.start_time, id.time, id.verb, id.request_uri, id.user_name].map((part) => part ?? '').join('\u001f');
}

describe('eventId (its own UUIDv5)', () => {
  it('is the uuid package v5 of the joined parts, for any text including non-ASCII', () => {
    fc.assert(
      fc.property(parts, (id) => {
        expect(eventId(id)).toBe(uuidv5(nameOf(id), EVENT_ID_NAMESPACE));
      }),
    );
  });

  it('gives an id to text with a lone surrogate (JSON can carry one), which the uuid package throws on', () => {
    // Prepare
    const id: EventIdParts = { cluster_id: null, audit_id: 'a', stage: 'ResponseComplete', start_time: null, time: null, verb: null, request_uri: null, user_name: 'bob\ud800' };

    // Act
    const result = eventId(id);

    // Assess: the UTF-8 encoder writes the lone surrogate as U+FFFD
    expect(result).toBe(uuidv5(nameOf({ ...id, user_name: 'bob\ufffd' }), EVENT_ID_NAMESPACE));
  });
});
