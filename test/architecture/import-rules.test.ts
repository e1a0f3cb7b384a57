/**
 * The import rules of docs/architecture.md (layers that only point down, peers that never import
 * each other, no cycles), as .dependency-cruiser.cjs states them, hold for the whole repository.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseOptions } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/packaging/function-entries.ts';

/** `<rule>: <from> → <to>` for every import that breaks a rule, over `folders` of `baseDir`. */
async function violations(baseDir: string, folders: readonly string[], options: ICruiseOptions): Promise<string[]> {
  const result = await cruise([...folders], { ...options, baseDir, validate: true, outputType: 'json' }, {}, { tsConfig: extractTSConfig(path.join(REPO_ROOT, 'tsconfig.json')) });
  const output =
    typeof result.output === 'string' ? (JSON.parse(result.output) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } }) : result.output;
  return output.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`).sort();
}

async function ruleOptions(): Promise<ICruiseOptions> {
  return extractDepcruiseOptions(path.join(REPO_ROOT, '.dependency-cruiser.cjs'));
}

/** A throwaway tree of modules, each importing the ones listed, to cruise with the repository's rules. */
async function withTree(modules: Record<string, readonly string[]>, check: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'kaudit-import-rules-'));
  try {
    for (const [file, imports] of Object.entries(modules)) {
      await mkdir(path.join(root, path.dirname(file)), { recursive: true });
      const lines = imports.map((target) => `import '${path.relative(path.dirname(file), target).replace(/^(?!\.)/, './')}';`);
      await writeFile(path.join(root, file), `${lines.join('\n')}\nexport {};\n`);
    }
    await check(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe('the import rules', () => {
  it('hold for every module of shared/, functions/, infra/, scripts/, bin/ and test/', async () => {
    // Act
    const found = await violations(REPO_ROOT, ['shared', 'functions', 'infra', 'scripts', 'bin', 'test'], await ruleOptions());

    // Assess
    expect(found).toEqual([]);
  });

  it('name an import that points up a layer, between peers, into an edge, in a cycle, or from a folder with no layer', async () => {
    // Prepare
    const tree = {
      'shared/core/low.ts': ['shared/pipeline/high.ts'],
      'shared/pipeline/high.ts': [],
      'shared/core/ping.ts': ['shared/core/pong.ts'],
      'shared/core/pong.ts': ['shared/core/ping.ts'],
      'shared/transforms/redaction/redactor.ts': ['shared/transforms/policy/policy.ts'],
      'shared/transforms/policy/policy.ts': [],
      'shared/sources/eventhub/messages.ts': ['shared/sources/cloudwatch/payload.ts'],
      'shared/sources/firehose/record.ts': ['shared/sources/cloudwatch/payload.ts'],
      'shared/sources/cloudwatch/payload.ts': [],
      'shared/store/store.ts': ['test/helpers/lake.ts'],
      'test/helpers/lake.ts': [],
      'shared/misc/helper.ts': ['shared/core/low.ts'],
    };

    await withTree(tree, async (root) => {
      // Act
      const found = await violations(root, ['shared', 'test'], { ...(await ruleOptions()), tsConfig: undefined });

      // Assess
      expect(found).toEqual([
        'layer-core: shared/core/low.ts → shared/pipeline/high.ts',
        'layer-sources-eventhub: shared/sources/eventhub/messages.ts → shared/sources/cloudwatch/payload.ts',
        'layer-transforms-redaction: shared/transforms/redaction/redactor.ts → shared/transforms/policy/policy.ts',
        'no-circular: shared/core/ping.ts → shared/core/pong.ts',
        'not-in-a-layer: shared/misc/helper.ts → shared/core/low.ts',
        'shared-imports-no-edge: shared/store/store.ts → test/helpers/lake.ts',
      ]);
    });
  });
});
