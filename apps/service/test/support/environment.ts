/**
 * A service environment of its own for each test file: its database, topics and consumer group, on
 * the run's stack (`inject('stack')`). Without vitest (the reliability runner), use
 * `serviceEnvironment` with the stack's endpoints.
 */
import { inject } from 'vitest';
import { type ServiceEnvironment, serviceEnvironment } from './service-environment.ts';

export { type ServiceEnvironment, serviceEnvironment } from './service-environment.ts';
export { waitFor } from './wait-for.ts';

export const testEnvironment = (uniwareUrl: string, overrides: ServiceEnvironment = {}): ServiceEnvironment =>
  serviceEnvironment(inject('stack'), uniwareUrl, overrides);
