/**
 * Every public fixture has a role here, and every input fixture goes through the pipeline without
 * losing a record: each one becomes an event, a duplicate, a counted skip or a quarantine record.
 */
import { describe, expect, it } from 'vitest';
import { decodeInput } from '../../shared/sources/input-formats.ts';
import { listFixtures, readFixture, readFixtureText } from './fixtures.ts';
import { expectSoundRun, inputContext, runPipeline } from './pipeline-run.ts';
import { firehoseDataOf, subscriptionPayloadOf } from './spec-fields.ts';

type Role = 'input' | 'expected output' | 'rule tests' | 'detection rules' | 'provenance';

/** What each fixture is for; a fixture matching no rule (or two) fails the first test. */
const ROLES: { role: Role; pattern: RegExp }[] = [
  { role: 'provenance', pattern: /^PROVENANCE\.md$/ },
  { role: 'expected output', pattern: /(-expected\.json|\/sample_event\.json|-config\.yml|\.ocsf|\/ocsf_eks\.json)$/ },
  { role: 'rule tests', pattern: /^panther-analysis\/.+\.tests\.json$/ },
  // SigmaHQ's Kubernetes audit rules, loaded and exercised by sigmahq.test.ts.
  { role: 'detection rules', pattern: /^sigmahq-kubernetes-audit\/.+\.yml$/ },
  {
    role: 'input',
    pattern:
      /^(datadog-serverless-functions|falco-k8s-audit|otel-awsfirehosereceiver-cwlog|sysdig-aks-audit-log|sumologic-documentation)\/|^powertools-lambda-python\/(cloudWatchLogEvent|kinesisStream|kinesisFirehose)\w*\.json$|^elastic-integrations\/.+\.log$|^ocsf-examples\/.+\/eks\.(json|raw)$/,
  },
];

/** Inputs `kaudit ingest` refuses as a whole (exit 2), and why that is right. */
const REFUSED: Record<string, { why: string; message: RegExp }> = {
  // Falco's fuzzing regression FAL-01-003: neither an audit Event nor any envelope.
  'falco-k8s-audit/fal_01_003.json': { why: '{"kind":0} is no format kaudit ingest reads', message: /unrecognised JSON/ },
  // Its records' data are CloudWatch subscription payloads; cloudwatch.test.ts decodes those.
  'powertools-lambda-python/kinesisStreamCloudWatchLogsEvent.json': { why: 'a Kinesis Data Streams event is no format kaudit ingest reads', message: /unrecognised JSON/ },
  // The extraction joined two documented records into an array; aks.test.ts reads them as an Event Hubs body.
  'sumologic-documentation/aks-sumologic-samples.json': { why: 'an array of bare diagnostic records is no format kaudit ingest reads', message: /unrecognised JSON/ },
};

const ALL_FIXTURES = listFixtures();
const rolesOf = (file: string) => ROLES.filter(({ pattern }) => pattern.test(file)).map(({ role }) => role);
const INPUTS = ALL_FIXTURES.filter((file) => rolesOf(file).includes('input'));
const ACCEPTED_INPUTS = INPUTS.filter((file) => !(file in REFUSED));

/**
 * Records an input holds, counted from the documented formats: log events of CloudWatch payloads
 * (a control message is one record), what the data of each Firehose record holds, records of Event
 * Hubs bodies, items of EventLists, else one per JSON document or line.
 */
function countRecords(text: string): number {
  const document = parseOrUndefined(text);
  if (document !== undefined) return recordsIn(document);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .reduce((total, line) => total + recordsIn(parseOrUndefined(line)), 0);
}

function recordsIn(document: unknown): number {
  if (Array.isArray(document)) return document.reduce<number>((total, item) => total + recordsIn(item), 0);
  const fields = (document ?? {}) as Record<string, unknown>;
  const awslogs = fields.awslogs as { data: string } | undefined;
  if (awslogs) return recordsIn(subscriptionPayloadOf(awslogs.data));
  if (fields.messageType === 'CONTROL_MESSAGE') return 1;
  if (typeof fields.messageType === 'string') return (fields.logEvents as unknown[]).length;
  if (typeof fields.deliveryStreamArn === 'string' && Array.isArray(fields.records)) {
    return fields.records.reduce<number>((total, record: { data: string }) => total + countRecords(firehoseDataOf(record.data)), 0);
  }
  if (Array.isArray(fields.records)) return fields.records.length;
  if (fields.kind === 'EventList') return (fields.items as unknown[]).length;
  return 1;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

describe('fixture inventory', () => {
  it.each(ALL_FIXTURES)('%s has exactly one role', (file) => {
    // Act
    const roles = rolesOf(file);

    // Assess
    expect(roles, `${file}: give it a role in inventory.test.ts`).toHaveLength(1);
  });

  it('reads every input fixture, bar the ones refused by design', () => {
    // Assess
    expect(INPUTS.filter((file) => file in REFUSED)).toEqual(Object.keys(REFUSED).sort());
  });
});

describe('every accepted input fixture through the pipeline', () => {
  it.each(ACCEPTED_INPUTS)('%s: every record is an event, a duplicate, a counted skip or quarantined', (file) => {
    // Prepare
    const detected = decodeInput(readFixture(file), inputContext(file));
    if ('error' in detected) throw new Error(`${file}: ${detected.error}`);

    // Act
    const run = runPipeline(detected.batches);

    // Assess
    expectSoundRun(run);
    expect(run.summary.received, 'records the input holds').toBe(countRecords(readFixtureText(file)));
  });
});

describe('input fixtures refused as a whole', () => {
  const refused = Object.entries(REFUSED).map(([file, reason]) => ({ file, ...reason }));
  it.each(refused)('$file is refused: $why', ({ file, message }) => {
    // Act
    const detected = decodeInput(readFixture(file), inputContext(file));

    // Assess
    expect(detected).toEqual({ error: expect.stringMatching(message) });
  });
});
