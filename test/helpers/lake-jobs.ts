/**
 * The scheduled lake jobs as their platforms invoke them: EventBridge Scheduler's input to the
 * Lambda functions (the context attributes the stack templates, filled in), a Lambda context whose
 * remaining time runs down, Azure's Timer object, and the output the handlers write.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Timer } from '@azure/functions';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import { METRIC_NAMESPACE } from '../../shared/runtime/metric-names.ts';

/** What Scheduler sends for the input `{"scheduledTime": "<aws.scheduler.scheduled-time>", …}`. */
export function schedulerInvocation(scheduledTime: string, schedule = 'kaudit-lake-compaction'): Record<string, string> {
  return {
    scheduledTime,
    scheduleArn: `arn:aws:scheduler:eu-west-1:111122223333:schedule/default/${schedule}`,
    executionId: 'd32c5kddcf5bb8c3',
    attemptNumber: '1',
  };
}

/** A Lambda context whose remaining time is given by the test: one value per call, the last repeated. */
export function lambdaContext(remainingMs: readonly number[] = [900_000]): Context {
  let call = 0;
  const getRemainingTimeInMillis = () => remainingMs[Math.min(call++, remainingMs.length - 1)] as number;
  return { awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', functionName: 'kaudit-lake-job', getRemainingTimeInMillis } as unknown as Context;
}

/** The Timer object the Functions host passes a timer-triggered function. */
export function azureTimer(last: string, next: string): Timer {
  return { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last, next, lastUpdated: last } };
}

/** Powertools' logger and metrics for a job, and every line they write (EMF and log lines). */
export function capturedOutput(serviceName: string): { logger: Logger; metrics: Metrics; lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
  }
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName }),
    lines: () =>
      written
        .flatMap((chunk) => chunk.split('\n'))
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
