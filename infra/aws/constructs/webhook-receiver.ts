import { SecretValue } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { SETTINGS } from '../../../shared/runtime/settings.ts';
import { KauditFunction, type KauditFunctionProps } from './kaudit-function.ts';
import type { LakeStorage } from './lake-storage.ts';

export interface WebhookReceiverProps extends Omit<KauditFunctionProps, 'bundle' | 'description' | 'onFailure' | 'retryAttempts' | 'maxEventAge'> {
  lake: LakeStorage;
  /** Name or ARN of the Secrets Manager secret holding the tokens JSON (SPEC §6). */
  tokensSecret: string;
  /** The secret version (VersionId) to read; unset: the current version at the last stack update that changed the reference. */
  tokensSecretVersion?: string;
}

/**
 * The audit webhook backend for self-managed clusters: kube-apiserver POSTs `EventList` batches
 * to a Lambda Function URL, and the `webhook` function stores them in the lake as the bearer
 * token's cluster.
 */
export class WebhookReceiver extends Construct {
  readonly receiver: KauditFunction;
  readonly url: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: WebhookReceiverProps) {
    super(scope, id);
    const { lake, tokensSecret, tokensSecretVersion, environment, ...functionProps } = props;
    this.receiver = new KauditFunction(this, 'Function', {
      ...functionProps,
      bundle: 'webhook',
      description: 'kaudit: audit webhook receiver for self-managed clusters, behind a Function URL',
      environment: { ...environment, [SETTINGS.webhookTokens]: tokensReference(tokensSecret, tokensSecretVersion) },
    });
    lake.grantObjectCreation(this.receiver.role);

    // Auth type NONE: kube-apiserver's webhook client authenticates with the bearer token of its
    // kubeconfig and cannot sign requests with SigV4, which AWS_IAM would require. The function
    // answers 401 to a request without a known token before it reads the body, and a token
    // writes only as its own cluster.
    this.url = this.receiver.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  }
}

/**
 * A CloudFormation dynamic reference (`{{resolve:secretsmanager:…}}`), which the webhook reads as
 * the tokens JSON itself. CloudFormation resolves it with the deploying identity, so the tokens
 * are in neither the template nor cdk.out, and the function's role needs no access to the secret.
 */
function tokensReference(secret: string, versionId: string | undefined): string {
  // Unwrapping is what puts the reference, never the value, into the template.
  return SecretValue.secretsManager(secret, { versionId }).unsafeUnwrap();
}
