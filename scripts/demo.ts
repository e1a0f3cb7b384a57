/**
 * `npm start`: ingests the sample EKS and AKS payloads in samples/ into the store
 * ($KAUDIT_STORE_URL, else the embedded default file://./kaudit-data) through the same pipeline
 * the cloud functions run, then queries both clouds side by side.
 * Running it again shows idempotency: every event is then a duplicate, nothing is stored twice.
 */
import path from 'node:path';
import { processIo } from '../shared/cli/cli-io.ts';
import { runCli } from '../shared/cli/program.ts';

const samples = (name: string) => path.join(import.meta.dirname, '..', 'samples', name);
const io = processIo();

const QUERIES: [title: string, sql: string][] = [
  [
    'EKS and AKS events side by side',
    `SELECT strftime(CAST(time AS TIMESTAMP), '%H:%M:%S') AS time, platform, cluster_name AS cluster,
            coalesce(cloud_session_name, user_name) AS "user", user_type,
            verb, coalesce(object_resource || coalesce('/' || object_subresource, ''), request_uri) AS resource,
            object_namespace AS namespace, outcome, CASE WHEN is_truncated THEN 'truncated' ELSE '' END AS note
     FROM events ORDER BY time`,
  ],
  [
    'Forbidden requests by user, across both clouds',
    `SELECT coalesce(cloud_session_name, user_name) AS "user", platform, cluster_name AS cluster, count(*) AS forbidden,
            string_agg(DISTINCT verb || ' ' || object_resource, ', ') AS attempted
     FROM events WHERE authz_decision = 'forbid' OR response_code = 403
     GROUP BY ALL ORDER BY forbidden DESC, "user"`,
  ],
];

async function main(): Promise<number> {
  io.stdout.write('Ingesting samples/ (EKS CloudWatch subscription events, an AKS Event Hubs batch)\n  ');
  const ingested = await runCli(
    ['ingest', '--region', 'eu-west-1', samples('eks-cloudwatch-subscription-event.json'), samples('eks-cloudwatch-authenticator-event.json'), samples('aks-eventhub-batch.json')],
    io,
  );
  if (ingested > 1) return ingested;
  for (const [title, sql] of QUERIES) {
    io.stdout.write(`\n${title}:\n`);
    const code = await runCli(['query', sql], io);
    if (code !== 0) return code;
  }
  io.stdout.write('\nTry: npx kaudit query "SELECT * FROM events LIMIT 5" --format json\n');
  return 0;
}

process.exitCode = await main();
