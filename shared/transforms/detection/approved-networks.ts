/**
 * The networks each cluster may be changed from (seed 003's indication of attack: "changes to the
 * production cluster only from the organization's approved IP addresses"), as the deployment sets
 * them: KAUDIT_APPROVED_NETWORKS = `{"<cluster name>": ["10.0.0.0/8", "198.51.100.0/24", …], …}`.
 * The cluster name is the events' cluster_name (EKS: from the log group; AKS: the resource's name;
 * self-managed: as configured). Every problem is reported naming the setting and the entry.
 */
import { SETTINGS } from '../../core/settings.ts';
import { parseCidr } from './cidr.ts';

const APPROVED_NETWORKS_SETTING = SETTINGS.approvedNetworks;

/** Each configured cluster's approved networks (IPv4 or IPv6 CIDRs, or single addresses), by cluster name. */
export type ApprovedNetworks = ReadonlyMap<string, readonly string[]>;

export const NO_APPROVED_NETWORKS: ApprovedNetworks = new Map();

const EXPECTED = `expected a JSON object mapping each cluster name to a list of networks, e.g. {"prod-eu": ["10.20.0.0/16", "198.51.100.0/24"]}`;

/** The setting's value, or none when unset or blank. Throws an Error listing every problem. */
export function parseApprovedNetworks(setting: string | null | undefined): ApprovedNetworks {
  if (setting === null || setting === undefined || setting.trim() === '') return NO_APPROVED_NETWORKS;
  let value: unknown;
  try {
    value = JSON.parse(setting);
  } catch {
    // The parser's message quotes the text; the setting is not secret, but no setting's text is quoted.
    throw new Error(`${APPROVED_NETWORKS_SETTING} is not valid JSON: ${EXPECTED}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${APPROVED_NETWORKS_SETTING}: ${EXPECTED}`);
  const problems: string[] = [];
  const networks = new Map<string, readonly string[]>();
  const seen = new Map<string, string>();
  for (const [cluster, list] of Object.entries(value)) {
    const where = `cluster ${JSON.stringify(cluster)}`;
    if (cluster.trim() === '') problems.push('a cluster name is empty');
    const sameName = seen.get(cluster.toLowerCase());
    if (sameName !== undefined) problems.push(`${where} is also given as ${JSON.stringify(sameName)}: rules compare cluster names ignoring case`);
    seen.set(cluster.toLowerCase(), cluster);
    if (!Array.isArray(list) || list.length === 0) {
      problems.push(`${where}: expected a non-empty list of networks (a cluster with nothing approved would fire on every change; leave it out to not check it)`);
      continue;
    }
    for (const network of list) {
      if (typeof network !== 'string') problems.push(`${where}: ${JSON.stringify(network)} is not a network: expected text such as "10.0.0.0/8"`);
      else {
        const parsed = parseCidr(network);
        if ('error' in parsed) problems.push(`${where}: ${parsed.error}`);
      }
    }
    networks.set(cluster, list as string[]);
  }
  if (problems.length > 0) throw new Error(`${APPROVED_NETWORKS_SETTING}: ${problems.join('; ')}`);
  return networks;
}
