import type { Clock } from '../../platform/clock.js';
import { isAppError } from '../../platform/errors/app-error.js';
import { toAppError } from '../../platform/http/error-handler.js';
import type { Logger } from '../../platform/logger.js';
import type { ActiveRun } from './active-run.js';
import type { CompanionWrite } from './run-clauses.repository.js';
import type { RunExecutor, RunSettlement } from './runs.contract.js';
import { closingErrorEvent } from './runs.errors.js';
import type { RunEnding, RunOutcomeRow, RunsRepository } from './runs.repository.js';

/** What running an executor on a run needs. */
export interface RunExecutionDeps {
  repository: Pick<RunsRepository, 'insertFinished'>;
  clock: Clock;
  logger: Logger;
  /** Stores a run's final write (runs that end at once share a statement). */
  storeEnding: (ending: RunEnding) => Promise<void>;
  /** Called once the final write is done (or failed), before followers see the last event. */
  onStored: () => void;
  /** Fields added to the closing `error` event (RunSpec.closingEventFields). */
  closingEventFields?: Record<string, unknown> | undefined;
}

/**
 * Runs `executor` on `run` and stores how it ended. Steps: call the executor with the run's
 * context; an outcome is a success (or a pause, a wait), a throw a failure, or a cancel when the
 * run's signal carries RUN_CANCELLED, which gets a closing `error` event; then store the last
 * events, the outcome and the executor's companion writes in one statement; only then show the
 * last event to followers (`release`) and end the log. Never rejects.
 */
export async function executeRun(run: ActiveRun, executor: RunExecutor, deps: RunExecutionDeps): Promise<RunSettlement> {
  const { signal } = run.controller;
  let settlement: RunSettlement;
  let usage: RunOutcomeRow['usage'] = null;
  let companion: CompanionWrite | undefined;
  try {
    const outcome = await executor({
      runId: run.id,
      signal,
      emit: (event, data) => run.emit(event, data),
      emitFinal: (event, data) => run.hold(event, data),
      checkpoint: (write) => run.checkpoint(write),
    });
    usage = outcome.usage ?? null;
    companion = outcome.companion;
    settlement = { status: outcome.status ?? 'succeeded', output: outcome.output, error: null };
  } catch (error) {
    const appError = signal.aborted && isAppError(signal.reason) ? signal.reason : toAppError(error);
    if (appError.category === 'internal') deps.logger.error({ err: error, runId: run.id }, 'run failed');
    settlement = { status: appError.code === 'RUN_CANCELLED' ? 'cancelled' : 'failed', output: null, error: appError };
    run.hold('error', { ...closingErrorEvent(appError), ...deps.closingEventFields });
  }
  try {
    const outcome: RunOutcomeRow = {
      status: settlement.status,
      now: deps.clock.now(),
      output: settlement.output,
      usage,
      error: settlement.error ? { code: settlement.error.code, message: settlement.error.message } : null,
    };
    const events = await run.takeUnwritten();
    if (run.storedWhenDone) await deps.repository.insertFinished(run.record, events, outcome);
    else await deps.storeEnding({ id: run.id, events, outcome, companion });
  } catch (error) {
    deps.logger.error({ err: error, runId: run.id }, 'run outcome not stored');
  }
  deps.onStored();
  run.release();
  await run.end();
  return settlement;
}
