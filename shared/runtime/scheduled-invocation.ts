import * as z from 'zod';

/**
 * What EventBridge Scheduler sends a kaudit job function: the stack sets the target's input to
 * these context attributes (`<aws.scheduler.scheduled-time>` …), which Scheduler fills in. A
 * manual invocation may send `{}`; anything else is refused, naming what was expected.
 */
const ScheduledInvocationSchema = z.object({
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
  scheduleArn: z.string().optional(),
  executionId: z.string().optional(),
  attemptNumber: z.coerce.number().int().min(1).optional(),
});

type ScheduledInvocation = z.infer<typeof ScheduledInvocationSchema>;

export function parseScheduledInvocation(event: unknown): ScheduledInvocation {
  const parsed = ScheduledInvocationSchema.safeParse(event ?? {});
  if (!parsed.success)
    throw new Error(`not a scheduled invocation: expected {"scheduledTime": ISO-8601, "scheduleArn", "executionId", "attemptNumber"} or {}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
