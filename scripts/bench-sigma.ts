/**
 * `node --import tsx scripts/bench-sigma.ts [--rules DIR | --pack] [--events N] [--repeats N]`: the
 * cost of evaluating a directory of Sigma rules (default: SigmaHQ's Kubernetes audit set beside the
 * checkout), or of kaudit's built-in pack (`--pack`, with the approved-networks rule compiled for the
 * mix's cluster), per canonical event, over the benchmark's realistic EKS audit mix, with and
 * without the rule index, next to the cost of normalizing the same events. A report, not a test:
 * numbers vary by machine and load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { normalizeRecord } from '../shared/normalize/normalize-record.ts';
import type { CanonicalEvent } from '../shared/schema/canonical-event.ts';
import { compileBuiltInPack } from '../shared/transforms/detection/built-in-pack.ts';
import { refusalMessage } from '../shared/transforms/detection/rule-refusal.ts';
import { type CompiledRules, compileRules, matchEvent } from '../shared/transforms/detection/rule-set.ts';
import { sourceRecord } from '../test/helpers/audit-events.ts';
import { auditMixDescription, nextAuditEvent } from './bench/audit-mix.ts';
import { Sequence } from './bench/sequence.ts';
import { median } from './bench/statistics.ts';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values: options } = parseArgs({
  options: {
    rules: { type: 'string', default: path.resolve(REPOSITORY, '../shared/fixtures/sigmahq-kubernetes-audit') },
    pack: { type: 'boolean', default: false },
    events: { type: 'string', default: '20000' },
    repeats: { type: 'string', default: '9' },
  },
});
const eventCount = positiveInteger('--events', options.events);
const repeats = positiveInteger('--repeats', options.repeats);

const sequence = new Sequence(1);
const records = Array.from({ length: eventCount }, () => sourceRecord(nextAuditEvent(sequence, 'eks')));

const { rules, refusals, source } = options.pack ? builtInPack() : ruleDirectory(options.rules);
if (rules.all.length === 0) throw new Error(`no rule of ${source} loads`);
const events = records.map(canonicalEventOf);

/**
 * Median CPU microseconds per event of one pass of `work` over every event, after one pass to warm
 * up. CPU time rather than wall-clock, so that other processes on the host count less.
 */
function microsPerEvent<T>(items: readonly T[], work: (item: T) => unknown): { median: number; min: number; max: number } {
  for (const item of items) work(item);
  const samples: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const start = process.cpuUsage();
    for (const item of items) work(item);
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / items.length);
  }
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

const matching = microsPerEvent(events, (event) => matchEvent(rules, event));
const unindexed = microsPerEvent(events, (event) => rules.all.filter((rule) => rule.matches(event)));
const normalizing = microsPerEvent(records, normalizeRecord);
const perRule = rules.all.map((rule) => ({ rule, cost: microsPerEvent(events, rule.matches).median, fired: events.filter(rule.matches).length }));

const format = (micros: number) => `${micros.toFixed(3)} µs`;
console.log(`rules: ${rules.all.length} loaded, ${refusals.length} refused (${source})`);
for (const refusal of refusals) console.log(`  refused ${refusalMessage(refusal)}`);
console.log(`events: ${eventCount} canonical events of the EKS audit mix (${auditMixDescription()})`);
console.log(`matchEvent (indexed): ${format(matching.median)} of CPU per event (median of ${repeats}; ${format(matching.min)}–${format(matching.max)})`);
console.log(`every rule evaluated, no index: ${format(unindexed.median)} of CPU per event (${format(unindexed.min)}–${format(unindexed.max)})`);
console.log(`normalizing, for scale: ${format(normalizing.median)} of CPU per event; matching adds ${((matching.median / normalizing.median) * 100).toFixed(1)} %`);
console.log('per rule (median CPU µs per event, events fired):');
for (const { rule, cost, fired } of perRule) console.log(`  ${format(cost).padStart(10)}  ${String(fired).padStart(6)}  ${rule.path}`);

function ruleDirectory(directory: string): CompiledRules & { source: string } {
  const files = readdirSync(directory)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort();
  return { ...compileRules(files.map((file) => ({ path: file, text: readFileSync(path.join(directory, file), 'utf8') }))), source: directory };
}

/** The pack as a deployment runs it: the approved-networks rule compiled for the mix's cluster (its events' addresses are private and public). */
function builtInPack(): CompiledRules & { source: string } {
  const cluster = records[0]?.provenance.cluster_name ?? 'bench';
  return {
    rules: compileBuiltInPack({ approvedNetworks: new Map([[cluster, ['10.0.0.0/8', '198.51.100.0/24']]]) }),
    refusals: [],
    source: `the built-in pack, approved networks for cluster ${cluster}`,
  };
}

function canonicalEventOf(record: ReturnType<typeof sourceRecord>): CanonicalEvent {
  const result = normalizeRecord(record);
  if (!result.ok) throw new Error(`the audit mix produced an event the normalizer quarantined: ${result.quarantine.reason}`);
  return result.event;
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer, got ${text}`);
  return value;
}
