import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BuiltBundle, buildFunctionBundle } from '../../infra/packaging/build-function-bundles.ts';
import { checkBundledRules } from '../../infra/packaging/bundled-rules.ts';
import { bundleOptionsFor, esbuildBuildOptions } from '../../infra/packaging/esbuild-options.ts';
import { AZURE_APP_BUNDLE, discoverFunctionEntries, lambdaEntry, REPO_ROOT } from '../../infra/packaging/function-entries.ts';
import { SETTINGS } from '../../shared/core/settings.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { requestsEvery, storeEvents } from '../detect/lake-builders.ts';
import { sigmaRuleText } from '../detection/detection-builders.ts';
import { auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent } from '../helpers/audit-events.ts';
import { eventsAt, storeBatch } from '../helpers/compaction.ts';
import { readRows, storedKeys, temporaryFileStore } from '../helpers/lake.ts';
import { schedulerInvocation } from '../helpers/lake-jobs.ts';

describe('function entry points', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kaudit-repo-'));
    for (const file of ['functions/zeta/handler.ts', 'functions/alpha/handler.ts', 'functions/azure-only/index.ts', 'functions/azure.ts']) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), 'export {};');
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds one Lambda bundle per functions/<name>/handler.ts, by name, then the one Azure app', () => {
    // Act
    const entries = discoverFunctionEntries(root);

    // Assess
    expect(entries).toEqual([
      { name: 'alpha', platform: 'aws-lambda', entry: join(root, 'functions/alpha/handler.ts') },
      { name: 'zeta', platform: 'aws-lambda', entry: join(root, 'functions/zeta/handler.ts') },
      { name: AZURE_APP_BUNDLE, platform: 'azure-functions', entry: join(root, 'functions/azure.ts') },
    ]);
  });

  it('refuses a Lambda function that has no handler.ts, naming the file it expected', () => {
    // Act
    const lookUp = () => lambdaEntry('azure-only', root);

    // Assess
    expect(lookUp).toThrow('functions/azure-only/handler.ts');
  });

  it('finds the repository’s EKS function', () => {
    // Act
    const entry = lambdaEntry('eks-cloudwatch');

    // Assess
    expect(entry).toBe(join(REPO_ROOT, 'functions/eks-cloudwatch/handler.ts'));
  });
});

describe('deployable bundles', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'kaudit-bundles-'));
  const bundles = new Map<string, BuiltBundle>();
  beforeAll(async () => {
    for (const entry of discoverFunctionEntries()) bundles.set(entry.name, await buildFunctionBundle(entry, outDir));
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes each bundle and its zip, and reports their sizes', () => {
    // Assess
    for (const bundle of bundles.values()) {
      expect(bundle.bytes).toBeGreaterThan(0);
      expect(bundle.zipBytes).toBeGreaterThan(0);
      expect(bundle.zipBytes).toBeLessThan(bundle.bytes);
      expect(existsSync(bundle.zipFile)).toBe(true);
    }
  });

  it('loads every bundle in a plain node process, with no node_modules beside it (as Lambda and the Functions host run it)', () => {
    // Prepare: vitest resolves packages from the repository, which would hide a package the bundle expects to find.
    const load = (file: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', 'await import(process.argv[1])', pathToFileURL(file).href], { encoding: 'utf8', env: { PATH: process.env.PATH } });

    for (const bundle of bundles.values()) {
      // Act
      const result = load(join(bundle.directory, 'index.mjs'));

      // Assess
      expect({ bundle: bundle.name, status: result.status, stderr: result.stderr }).toMatchObject({ bundle: bundle.name, status: 0 });
    }
  });

  it('gives the Lambda bundle a `handler` that stores an EKS batch (handler index.handler)', async () => {
    // Prepare
    const lake = await temporaryFileStore();
    const saved = { store: process.env[SETTINGS.storeUrl], region: process.env[SETTINGS.awsRegion] };
    process.env[SETTINGS.storeUrl] = lake.url;
    process.env[SETTINGS.awsRegion] = 'eu-west-1';
    const bundle = bundles.get('eks-cloudwatch') as BuiltBundle;
    const lambda = (await import(pathToFileURL(join(bundle.directory, 'index.mjs')).href)) as { handler: (event: unknown, context: unknown) => Promise<unknown> };

    try {
      // Act
      const summary = await lambda.handler(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [auditEvent()] })), { awsRequestId: 'test' });

      // Assess
      expect(summary).toMatchObject({ received: 1, written: 1 });
      expect(await readRows(lake.url, 'events/v1/')).toHaveLength(1);
    } finally {
      process.env[SETTINGS.storeUrl] = saved.store;
      process.env[SETTINGS.awsRegion] = saved.region;
      if (saved.store === undefined) delete process.env[SETTINGS.storeUrl];
      if (saved.region === undefined) delete process.env[SETTINGS.awsRegion];
      await lake.cleanup();
    }
  });

  it('makes the Azure app register its Event Hubs function with the host through @azure/functions-core', async () => {
    // Prepare: stand in for the module the Functions host provides to the app at run time.
    const registered: { name: string; bindings: Record<string, { type: string }> }[] = [];
    const hostCore = { setProgrammingModel: () => undefined, log: () => undefined, registerFunction: (metadata: (typeof registered)[number]) => void registered.push(metadata) };
    const moduleLoader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = moduleLoader._load;
    moduleLoader._load = (request, ...rest) => (request === '@azure/functions-core' ? hostCore : load(request, ...rest));
    const bundle = bundles.get(AZURE_APP_BUNDLE) as BuiltBundle;
    const manifest = JSON.parse(readFileSync(join(bundle.directory, 'package.json'), 'utf8')) as { main: string };

    try {
      // Act
      await import(pathToFileURL(join(bundle.directory, manifest.main)).href);
    } finally {
      moduleLoader._load = load;
    }

    // Assess
    const eventHub = registered.find((metadata) => metadata.name === 'kaudit-aks-audit');
    expect(Object.values(eventHub?.bindings ?? {}).map((binding) => binding.type)).toContain('eventHubTrigger');
  });

  it('makes the Azure app register the lake jobs as timer functions scheduled by their settings, without loading DuckDB', async () => {
    // Prepare: the host's module, and a watch on native modules loaded while the app registers its functions.
    const registered: { name: string; bindings: Record<string, { type: string; schedule?: string }> }[] = [];
    const hostCore = { setProgrammingModel: () => undefined, log: () => undefined, registerFunction: (metadata: (typeof registered)[number]) => void registered.push(metadata) };
    const moduleLoader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = moduleLoader._load;
    moduleLoader._load = (request, ...rest) => (request === '@azure/functions-core' ? hostCore : load(request, ...rest));
    const nativeLoads: string[] = [];
    const dlopen = process.dlopen;
    process.dlopen = (module, file, ...rest) => {
      nativeLoads.push(file);
      return dlopen(module, file, ...rest);
    };
    const bundle = bundles.get(AZURE_APP_BUNDLE) as BuiltBundle;

    try {
      // Act: a fresh copy of the module (the test above imported the app already).
      await import(`${pathToFileURL(join(bundle.directory, 'index.mjs')).href}?timers`);
    } finally {
      moduleLoader._load = load;
      process.dlopen = dlopen;
    }

    // Assess
    const timers = registered.flatMap((metadata) =>
      Object.values(metadata.bindings)
        .filter((binding) => binding.type === 'timerTrigger')
        .map((binding) => [metadata.name, binding.schedule]),
    );
    expect(timers).toEqual([
      ['kaudit-lake-compaction', `%${SETTINGS.compactionSchedule}%`],
      ['kaudit-lake-analytics', `%${SETTINGS.analyticsSchedule}%`],
    ]);
    expect(nativeLoads.filter((file) => file.includes('duckdb'))).toEqual([]);
  });

  it('leaves the lake jobs and DuckDB’s JavaScript out of what the Azure app loads at start: chunks reached only by import()', () => {
    // Prepare
    const directory = (bundles.get(AZURE_APP_BUNDLE) as BuiltBundle).directory;
    const staticImports = (file: string) =>
      [...readFileSync(join(directory, file), 'utf8').matchAll(/from\s*"\.\/(?:chunks\/)?([^"]+\.mjs)"/g)].map((match) => `chunks/${match[1]}`);

    // Act: the files the app's entry loads before any function runs.
    const loaded = new Set(['index.mjs']);
    const pending = ['index.mjs'];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      for (const imported of staticImports(file).filter((name) => !loaded.has(name))) {
        loaded.add(imported);
        pending.push(imported);
      }
    }

    // Assess
    const code = [...loaded].map((file) => readFileSync(join(directory, file), 'utf8')).join('\n');
    expect(code).toMatch(/import\("\.\/chunks\/compaction-job-[^"]+\.mjs"\)/);
    expect(code).not.toContain('DuckDBInstance');
  });

  it('keeps the Azure app’s code under 1,000,000 bytes', () => {
    // Assess
    expect((bundles.get(AZURE_APP_BUNDLE) as BuiltBundle).codeBytes).toBeLessThan(1_000_000);
  });

  it('ships DuckDB’s Linux x64 binding with the bundles that use DuckDB, and with no other', () => {
    // Act
    const shipped = Object.fromEntries([...bundles.values()].map((bundle) => [bundle.name, bundle.nativePackages]));

    // Assess
    expect(shipped).toEqual({
      'eks-cloudwatch': [],
      'eks-firehose': [],
      'lake-analytics': ['@duckdb/node-bindings-linux-x64'],
      'lake-compaction': ['@duckdb/node-bindings-linux-x64'],
      webhook: [],
      [AZURE_APP_BUNDLE]: ['@duckdb/node-bindings-linux-x64'],
    });
    for (const name of ['lake-analytics', 'lake-compaction', AZURE_APP_BUNDLE]) {
      expect(existsSync(join((bundles.get(name) as BuiltBundle).directory, 'node_modules/@duckdb/node-bindings-linux-x64/duckdb.node'))).toBe(true);
    }
  });

  describe('the lake jobs’ bundles, run by a plain node process with nothing around them but their own directory', () => {
    let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
    beforeEach(async () => {
      lake = await temporaryFileStore();
    });
    afterEach(() => lake.cleanup());

    /** Invokes the bundle's handler as Lambda would, with Scheduler's input; its result is the last line of output. */
    const invoke = (name: string, env: Record<string, string>) => {
      const script = `const { handler } = await import(process.argv[1]);
        const result = await handler(JSON.parse(process.argv[2]), { awsRequestId: 'packaging-test', getRemainingTimeInMillis: () => 900000 });
        console.log(JSON.stringify(result));`;
      const bundle = bundles.get(name) as BuiltBundle;
      const input = JSON.stringify(schedulerInvocation('2026-11-20T11:15:00Z', name));
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(join(bundle.directory, 'index.mjs')).href, input], {
        cwd: bundle.directory,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...env },
      });
      const lines = result.stdout.trim().split('\n');
      return { status: result.status, stderr: result.stderr, result: result.status === 0 ? JSON.parse(lines[lines.length - 1] as string) : null };
    };

    it('compacts the lake’s closed hours with the DuckDB binding the bundle ships', async () => {
      // Prepare
      await storeBatch(new FileObjectStore(lake.url), 'batch-a', eventsAt('a', ['2026-11-20T09:10:00.000001Z', '2026-11-20T10:20:00.000002Z']));

      // Act
      const run = invoke('lake-compaction', { KAUDIT_STORE_URL: lake.url });

      // Assess
      expect(run).toMatchObject({ status: 0, result: { hoursCompacted: 2, events: 2, pendingHours: 0 } });
      expect(await storedKeys(lake.url, 'compacted/v1/')).toHaveLength(4);
    });

    it('stores the analytics’ findings of the scheduled window', async () => {
      // Prepare
      await storeEvents(
        lake.url,
        requestsEvery('2026-11-20T10:20:00Z', 10, 25, (index, time) => ({ time, user: 'mallory@example.com', verb: 'create', name: `cm-${index}` })),
      );

      // Act
      const run = invoke('lake-analytics', { KAUDIT_STORE_URL: lake.url });

      // Assess
      expect(run).toMatchObject({ status: 0, result: { since: '2026-11-20T10:00:00.000Z', written: run.result?.findings } });
      expect((await readRows(lake.url, 'findings/v1/')).map((finding) => finding.rule_title)).toContain('New Identity Making Many Changes');
    });
  });

  it('leaves @azure/identity and msal-node out of the Azure app, imported only dynamically where the Blob store needs it', () => {
    // Act
    const directory = (bundles.get(AZURE_APP_BUNDLE) as BuiltBundle).directory;
    const code = readdirSync(directory, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.mjs') && !name.startsWith('node_modules'))
      .map((name) => readFileSync(join(directory, name), 'utf8'))
      .join('\n');

    // Assess: a static import of a package that is not there would stop the app from loading at all.
    expect(code).not.toMatch(/msal/i);
    expect(code).toContain('import("@azure/identity")');
    expect(code).not.toMatch(/(?:from|import|require\()\s*["']@azure\/identity["']/);
  });

  it('ships the Azure app with the Event Hubs extension bundle in host.json', () => {
    // Prepare
    const bundle = bundles.get(AZURE_APP_BUNDLE) as BuiltBundle;

    // Act
    const host = JSON.parse(readFileSync(join(bundle.directory, 'host.json'), 'utf8')) as { version: string; extensionBundle: { id: string; version: string } };

    // Assess
    expect(host.version).toBe('2.0');
    expect(host.extensionBundle).toEqual({ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' });
  });
});

describe('the rules the bundles carry', () => {
  it('load, the whole built-in pack with its approved-networks rule', () => {
    // Act
    const check = () => checkBundledRules();

    // Assess
    expect(check).not.toThrow();
  });

  it('stop packaging, naming the rule file and the problem, when one does not load', () => {
    // Prepare
    const directory = mkdtempSync(join(tmpdir(), 'kaudit-bad-rule-'));
    writeFileSync(join(directory, 'bad.yml'), sigmaRuleText({ selection: { 'requestURI|base64offset': 'x' }, condition: 'selection' }));

    try {
      // Act
      const check = () => checkBundledRules(['built-in', 'bad.yml'], directory);

      // Assess
      expect(check).toThrow(/^packaging stopped: a rule the function bundles carry does not load:\nbad\.yml: detection\.selection\.requestURI\|base64offset: /);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('the Blob store in a bundle built as the Azure app is', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'kaudit-blob-probe-'));
  let probe: string;
  beforeAll(async () => {
    // Prepare: a bundle with the Azure app's options that opens a Blob store from the environment and prints the outcome.
    const contents = `
      import { configFromEnv } from './shared/config/read-config.ts';
      import { openObjectStore } from './shared/store/open-store.ts';
      try { await openObjectStore('azblob://auditlake/events', configFromEnv(process.env)); console.log('opened'); }
      catch (error) { console.log(error.message); }`;
    const { entryPoints: _, ...options } = esbuildBuildOptions('azure-functions', 'probe', outDir);
    await build({ ...options, stdin: { contents, resolveDir: REPO_ROOT, sourcefile: 'blob-probe.ts', loader: 'ts' } });
    probe = join(outDir, bundleOptionsFor('azure-functions').outputFile);
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  /** Runs the probe in a plain node process with no node_modules beside it, as the Functions host does. */
  const runProbe = (env: Record<string, string>) => spawnSync(process.execPath, [probe], { cwd: outDir, encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });

  it('opened with the host’s managed identity endpoint, without @azure/identity', () => {
    // Act
    const result = runProbe({ IDENTITY_ENDPOINT: 'http://127.0.0.1:41741/msi/token/', IDENTITY_HEADER: 'secret' });

    // Assess
    expect({ stdout: result.stdout.trim(), stderr: result.stderr }).toEqual({ stdout: 'opened', stderr: '' });
  });

  it('refused without one, saying to enable the managed identity or set AZURE_STORAGE_CONNECTION_STRING', () => {
    // Act
    const result = runProbe({});

    // Assess
    expect(result.stdout.trim()).toBe(
      "Blob storage needs a credential, and this bundle does not carry @azure/identity: enable the function app's managed identity (the host then sets IDENTITY_ENDPOINT and IDENTITY_HEADER), or set AZURE_STORAGE_CONNECTION_STRING",
    );
  });
});
