import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadAwsDeploymentConfig } from './config.ts';
import { KauditStack } from './kaudit-stack.ts';

/** The CDK app: the kaudit stack, configured from context, checked by cdk-nag's AWS Solutions pack. */
export function createKauditApp(props: AppProps = {}): { app: App; stack: KauditStack } {
  const app = new App(props);
  const config = loadAwsDeploymentConfig((key) => app.node.tryGetContext(key));
  const stack = new KauditStack(app, 'Kaudit', {
    config,
    description: 'kaudit: Kubernetes audit events from EKS into an S3 lake queried with Athena',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
