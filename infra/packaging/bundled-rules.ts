import { BUILT_IN_RULES_NAME, loadConfiguredRules } from '../../shared/pipeline/detection-rules.ts';
import { REPO_ROOT } from './function-entries.ts';

/** A cluster with approved networks, so that the pack's approved-networks rule is compiled too. */
const PROBE_NETWORKS = JSON.stringify({ 'packaging-check': ['10.0.0.0/8'] });

/**
 * Loads the rules the bundles carry (the built-in pack, every rule of it, the approved-networks
 * rule included) as a function would, so that a rule that does not load stops `npm run package`,
 * naming its file and the problem, instead of a function's start. The functions take the
 * deployment's own rules from KAUDIT_RULES (CDK checks them at synthesis; on Azure, `kaudit rules
 * check`), not from the bundle.
 */
export function checkBundledRules(paths: readonly string[] = [BUILT_IN_RULES_NAME], baseDir: string = REPO_ROOT): void {
  try {
    loadConfiguredRules({ paths, approvedNetworks: PROBE_NETWORKS, baseDir });
  } catch (error) {
    throw new Error(`packaging stopped: a rule the function bundles carry does not load:\n${(error as Error).message}`);
  }
}
