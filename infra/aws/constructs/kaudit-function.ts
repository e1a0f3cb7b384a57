import { join } from 'node:path';
import { Duration, Size, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundleOptionsFor, DUCKDB_NATIVE_PACKAGES } from '../../packaging/esbuild-options.ts';
import { lambdaEntry, REPO_ROOT } from '../../packaging/function-entries.ts';

/**
 * `NodejsFunction` bundling from the shared esbuild options, so CDK builds what
 * `npm run package` builds. Local esbuild, never Docker.
 */
export function lambdaBundling(withDuckDb = false): nodejs.BundlingOptions {
  const options = bundleOptionsFor('aws-lambda');
  return {
    ...(withDuckDb ? { commandHooks: duckDbBindingCopy() } : {}),
    target: options.target,
    format: nodejs.OutputFormat.ESM,
    minify: options.minify,
    keepNames: options.keepNames,
    sourceMap: options.sourcemap,
    mainFields: options.mainFields,
    banner: options.banner,
    externalModules: options.external,
    forceDockerBundling: false,
  };
}

/**
 * Copies DuckDB's native binding into the bundle after esbuild, as `npm run package` does: esbuild
 * leaves its require() external (infra/packaging/esbuild-options.ts).
 */
function duckDbBindingCopy(): nodejs.ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) =>
      DUCKDB_NATIVE_PACKAGES.flatMap((name) => [
        `mkdir -p "${join(outputDir, 'node_modules', name)}"`,
        `cp -R "${join(REPO_ROOT, 'node_modules', name)}/." "${join(outputDir, 'node_modules', name)}"`,
      ]),
  };
}

export interface KauditFunctionProps {
  /** The function's directory under `functions/` (its `handler.ts` is the entry point). */
  bundle: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  reservedConcurrency?: number;
  logRetentionDays: number;
  environment: Record<string, string>;
  /**
   * The function uses DuckDB (the scheduled lake jobs): it runs on x86_64, the one Linux build of
   * DuckDB's native binding in this registry, which its bundle ships; the rest run on arm64.
   */
  duckDb?: boolean;
  /** /tmp size (unset: Lambda's default); the lake jobs stage objects and spill DuckDB there. */
  ephemeralStorageMb?: number;
  /** Async invocation: retries, event age and on-failure destination. */
  onFailure?: lambda.IDestination;
  retryAttempts?: number;
  maxEventAge?: Duration;
}

/**
 * A kaudit Lambda function: Node 22 on arm64 (x86_64 with DuckDB), its own log group, and a role that can write to
 * that log group only; callers grant the rest.
 */
export class KauditFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: KauditFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: retentionOf(props.logRetentionDays) });
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: props.description });
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: lambdaEntry(props.bundle),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: lambdaBundling(props.duckDb),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: props.duckDb ? lambda.Architecture.X86_64 : lambda.Architecture.ARM_64,
      ephemeralStorageSize: props.ephemeralStorageMb === undefined ? undefined : Size.mebibytes(props.ephemeralStorageMb),
      description: props.description,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: props.environment,
      role: this.role,
      logGroup: this.logGroup,
      onFailure: props.onFailure,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'kaudit targets Node 22 on both clouds (Lambda nodejs22.x, Azure Functions node 22) with one esbuild target (infra/packaging/esbuild-options.ts); moving to a newer runtime is a deliberate change of both.',
    });
  }
}

/** The CloudWatch Logs retention closest to `days` from above (the API accepts fixed values only). */
function retentionOf(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays)
    .filter((value): value is logs.RetentionDays => typeof value === 'number' && value > 0)
    .sort((a, b) => a - b);
  return allowed.find((value) => value >= days) ?? logs.RetentionDays.INFINITE;
}
