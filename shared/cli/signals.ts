/** Aborts on the first SIGINT or SIGTERM: how a long-running command (serve, ui) learns to stop. */
export function untilTerminated(): AbortSignal {
  const controller = new AbortController();
  const abort = () => {
    process.off('SIGINT', abort).off('SIGTERM', abort);
    controller.abort();
  };
  process.on('SIGINT', abort).on('SIGTERM', abort);
  return controller.signal;
}
