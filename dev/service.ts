// What every dev service hands back, and the one error type for a service that could not start.

export interface RunningService {
  /** Environment variables a client needs to reach the service (e.g. KAFKA_BROKERS). */
  env: Record<string, string>;
  /** Stops the service and removes its temporary files. Safe to call twice. */
  stop(): Promise<void>;
}

/** A service a fault test can take away and bring back: same port, same data. */
export interface InterruptibleService extends RunningService {
  /** Stops the server process, keeping its port and data for up(). */
  down(): Promise<void>;
  /** Starts it again on the same port over the same data; resolves once it answers. */
  up(): Promise<void>;
}

export class DevServiceError extends Error {
  constructor(
    readonly service: string,
    reason: string,
  ) {
    super(`${service}: ${reason}`);
    this.name = 'DevServiceError';
  }
}

/** A service that was already running (its env came from the environment): nothing to stop. */
export function externalService(env: Record<string, string>): RunningService {
  return { env, stop: async () => {} };
}
