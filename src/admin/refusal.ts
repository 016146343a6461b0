// The rollout model's refusals and the flag store's outages as the contract's errors: 400 naming the
// field, 409 with the reason (and the shadow gate's figures when it was the gate), 503 naming what is down.
import { FlagStoreUnavailableError, RolloutRefusedError } from '../../flags/store.ts';
import { AppError, validationError, type ErrorBody } from '../policy/errors.ts';

/** A 409 whose body also carries the shadow gate's figures when the gate refused. */
export class RolloutConflictError extends AppError {
  readonly figures: Record<string, unknown> | undefined;
  constructor(message: string, figures: Record<string, unknown> | undefined) {
    super('CONFLICT', message);
    this.figures = figures;
  }

  override toBody(): ErrorBody & { error: { figures?: Record<string, unknown> } } {
    const body = super.toBody();
    return this.figures ? { error: { ...body.error, figures: this.figures } } : body;
  }
}

export function asHttpError(err: unknown): unknown {
  if (err instanceof RolloutRefusedError) {
    if (err.status === 400) return validationError(err.field ?? 'body', err.message);
    // The only dependency the model waits on is the shadow gate's figures, kept in Redis.
    if (err.status === 503) return new AppError('REDIS_UNAVAILABLE', err.message);
    return new RolloutConflictError(err.message, err.gate);
  }
  if (err instanceof FlagStoreUnavailableError) return new AppError('DATABASE_UNAVAILABLE', err.message);
  return err;
}
