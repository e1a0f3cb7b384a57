import { provenanceOf } from '../../core/decoded-batch.ts';
import type { Provenance } from '../../schema/canonical-event.ts';

/** Where an EKS log stream is read from, and when. */
export interface EksStreamContext {
  /** The AWS region the log group is in: needed for the cluster ARN. */
  region: string | null;
  ingestTime: string;
  sourceType?: Extract<Provenance['source_type'], 'cloudwatch_subscription' | 'cloudwatch_api' | 'firehose'>;
}

/** EKS's control-plane log group, `/aws/eks/<cluster>/cluster`. */
const EKS_LOG_GROUP = /^\/aws\/eks\/([^/]+)\/cluster$/;
/** A log group given as its ARN, as the CloudWatch Logs API and some forwarders name it: region, account, name. */
const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(?::\*)?$/;

/** Provenance shared by every event of one EKS log stream. */
export function eksStreamProvenance(logGroup: string, logStream: string, owner: string | null, context: EksStreamContext): Provenance {
  const arn = LOG_GROUP_ARN.exec(logGroup);
  const clusterName = EKS_LOG_GROUP.exec(arn?.[3] ?? logGroup)?.[1] ?? null;
  // The ARN's region is the cluster's own; the function's region only stands in for it.
  const region = arn?.[1] ?? context.region;
  const account = owner ?? arn?.[2] ?? null;
  return provenanceOf({
    platform: 'eks',
    cloud_provider: 'aws',
    cloud_account_id: account,
    cloud_region: region,
    cluster_name: clusterName,
    cluster_id: clusterName && region && account ? `arn:aws:eks:${region}:${account}:cluster/${clusterName}` : null,
    source_type: context.sourceType ?? 'cloudwatch_subscription',
    source_stream: `${logGroup}/${logStream}`,
    source_category: streamPrefix(logStream),
    ingest_time: context.ingestTime,
  });
}

/** `kube-apiserver-audit` of `kube-apiserver-audit-0123abcd…`: the stream name without its instance id. */
function streamPrefix(logStream: string): string {
  return /^(.+?)-[0-9a-f]{8,}$/.exec(logStream)?.[1] ?? logStream;
}
