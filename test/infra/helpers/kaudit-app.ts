import { Template } from 'aws-cdk-lib/assertions';
import { createKauditApp } from '../../../infra/aws/app.ts';

/**
 * The kaudit CDK app as `cdk synth` builds it, with context as given by `-c`, but without
 * bundling (the packaging tests build the bundles) and without CloudFormation's built-in schema
 * validation, which `npm run synth` runs and which takes tens of seconds.
 */
export function kauditApp(context: Record<string, string> = {}, outdir?: string): ReturnType<typeof createKauditApp> {
  return createKauditApp({ builtinCloudFormationValidation: false, outdir, context: { 'aws:cdk:bundling-stacks': [], ...context } });
}

/** The synthesized template of the kaudit stack (cdk-nag runs as part of synthesis). */
export function kauditTemplate(context: Record<string, string> = {}): Template {
  return Template.fromStack(kauditApp(context).stack);
}

/** The single resource of a type in a template, with its logical id. */
export function onlyResource(template: Template, type: string): { id: string; properties: Record<string, any> } {
  const resources = Object.entries(template.findResources(type));
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  const [id, resource] = resources[0] as [string, { Properties: Record<string, any> }];
  return { id, properties: resource.Properties };
}

/** The construct id of the scheduled lake jobs, whose resources' logical ids start with it (test/infra/lake-jobs.test.ts covers them). */
const LAKE_JOBS = 'LakeJobs';

/** The single resource of a type outside the scheduled lake jobs: the ingest side's function, log group or queue. */
export function onlyIngestResource(template: Template, type: string): { id: string; properties: Record<string, any> } {
  const resources = Object.entries(template.findResources(type)).filter(([id]) => !id.startsWith(LAKE_JOBS));
  if (resources.length !== 1) throw new Error(`expected one ${type} outside the lake jobs, found ${resources.length}`);
  const [id, resource] = resources[0] as [string, { Properties: Record<string, any> }];
  return { id, properties: resource.Properties };
}

/** The resources of a type outside the scheduled lake jobs, by logical id. */
export function ingestResources(template: Template, type: string, props?: Record<string, unknown>): Record<string, Record<string, any>> {
  return Object.fromEntries(Object.entries(template.findResources(type, props)).filter(([id]) => !id.startsWith(LAKE_JOBS)));
}
