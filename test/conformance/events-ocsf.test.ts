/**
 * The `events_ocsf` view against OCSF's published EKS mappings (ocsf/examples): the raw EKS event,
 * stored and read back through the view, is the API Activity event each mapping publishes, for every
 * attribute kaudit and the mapping both carry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LakeQuery } from '../../shared/query/lake-query.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { temporaryFileStore } from '../helpers/lake.ts';
import { readFixtureJsonAllowingTrailingCommas } from './fixtures.ts';
import { runFixture } from './pipeline-run.ts';

type Ocsf = Record<string, unknown> & {
  actor: { user: Record<string, unknown>; session: Record<string, unknown> };
  api: { operation: string; request: { uid: string }; response: { code: number }; version: string };
  resources: { name: string; type: string }[];
  start_time_dt: string;
};

const SAMPLES = [
  { mapping: 'bloblang v1.2.0', raw: 'ocsf-examples/bloblang-AWS-eks-v1.2.0/eks.json', ocsf: 'ocsf-examples/bloblang-AWS-eks-v1.2.0/ocsf_eks.json' },
  { mapping: 'markdown v1.1.0', raw: 'ocsf-examples/markdown-AWS-v1.1.0-EKS-Audit-Logs/eks.raw', ocsf: 'ocsf-examples/markdown-AWS-v1.1.0-EKS-Audit-Logs/eks.ocsf' },
  { mapping: 'markdown v1.5.0', raw: 'ocsf-examples/markdown-AWS-v1.1.0-EKS-Audit-Logs/eks.raw', ocsf: 'ocsf-examples/markdown-AWS-v1.5.0-EKS-Audit-Logs/eks.ocsf' },
] as const;

describe.each(SAMPLES)('events_ocsf against the OCSF $mapping mapping', ({ raw, ocsf: ocsfFile }) => {
  const expected = readFixtureJsonAllowingTrailingCommas<Ocsf>(ocsfFile);
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let row: Record<string, unknown>;

  beforeAll(async () => {
    lake = await temporaryFileStore();
    await new LakeEventStore(new FileObjectStore(lake.url)).writeEvents('ocsf-fixture', runFixture(raw).events);
    const query = await LakeQuery.open(lake.root);
    const rows = (await query.run('SELECT * FROM events_ocsf').finally(() => query.close())).rows;
    expect(rows).toHaveLength(1);
    row = rows[0] as Record<string, unknown>;
  });
  afterAll(() => lake.cleanup());

  it('is an API Activity event of the activity the mapping gives the verb', () => {
    // Assess
    expect(row).toMatchObject({ class_uid: 6003, category_uid: 6, class_name: 'API Activity' });
    for (const attribute of ['activity_id', 'activity_name', 'type_uid', 'type_name', 'severity_id', 'message'] as const) {
      if (attribute in expected) expect(row[attribute], attribute).toEqual(expected[attribute]);
    }
  });

  it('names the actor the mapping names: user, uid, groups and the AWS session', () => {
    // Assess
    expect(row.actor).toMatchObject({
      user: { name: expected.actor.user.name, uid: expected.actor.user.uid, groups: expected.actor.user.groups },
      session: expected.actor.session,
    });
  });

  it('records the operation, request, response, source and target the mapping records', () => {
    // Assess
    expect(row.api).toMatchObject({
      operation: expected.api.operation,
      request: { uid: expected.api.request.uid },
      response: { code: expected.api.response.code },
      version: expected.api.version,
    });
    expect(row.src_endpoint).toEqual(expected.src_endpoint);
    expect(row.http_request).toMatchObject(expected.http_request as Record<string, unknown>);
    expect(row.resources).toMatchObject([{ name: expected.resources[0]?.name, type: expected.resources[0]?.type }]);
  });

  it('dates the event as the mapping does', () => {
    // Assess
    expect(Date.parse(row.start_time_dt as string)).toBe(Date.parse(/Z$|[+-]\d\d:\d\d$/.test(expected.start_time_dt) ? expected.start_time_dt : `${expected.start_time_dt}Z`));
  });
});
