import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { SETTINGS } from '../../../shared/core/settings.ts';
import { KauditFunction, type KauditFunctionProps } from './kaudit-function.ts';
import type { LakeStorage } from './lake-storage.ts';

export interface WebhookReceiverProps extends Omit<KauditFunctionProps, 'bundle' | 'description' | 'onFailure' | 'retryAttempts' | 'maxEventAge'> {
  lake: LakeStorage;
  /** Name or complete ARN of the Secrets Manager secret holding the tokens JSON. */
  tokensSecret: string;
  /** The customer managed KMS key that encrypts the secret; unset: the AWS managed key. */
  tokensSecretKeyArn?: string;
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
    const { lake, tokensSecret, tokensSecretKeyArn, environment, ...functionProps } = props;
    this.receiver = new KauditFunction(this, 'Function', {
      ...functionProps,
      bundle: 'webhook',
      description: 'kaudit: audit webhook receiver for self-managed clusters, behind a Function URL',
      // The secret's name, not its value: the function reads the tokens itself, so they are not in
      // its configuration, where lambda:GetFunctionConfiguration (ReadOnlyAccess) would show them.
      environment: { ...environment, [SETTINGS.webhookTokensSecret]: tokensSecret },
    });
    lake.grantObjectCreation(this.receiver.role);
    this.grantTokensRead(tokensSecret, tokensSecretKeyArn);

    // Auth type NONE: kube-apiserver's webhook client authenticates with the bearer token of its
    // kubeconfig and cannot sign requests with SigV4, which AWS_IAM would require. The function
    // answers 401 to a request without a known token before it reads the body, and a token
    // writes only as its own cluster; reserved concurrency bounds what a flood can take.
    this.url = this.receiver.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  }

  /** GetSecretValue on the one secret (and Decrypt through Secrets Manager on its key, if a customer managed one). */
  private grantTokensRead(secret: string, keyArn: string | undefined): void {
    const role = this.receiver.role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn(this, secret)] }));
    if (keyArn) {
      const region = secret.startsWith('arn:') ? Stack.of(this).splitArn(secret, ArnFormat.COLON_RESOURCE_NAME).region : Stack.of(this).region;
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
        }),
      );
    }
  }
}

/**
 * The IAM resource of a secret: a complete ARN as given; for a name, the ARN Secrets Manager gives
 * it, whose last six characters it chose at random when the secret was created.
 */
function secretArn(scope: Construct, secret: string): string {
  if (secret.startsWith('arn:')) return secret;
  return Stack.of(scope).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${secret}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}
