import { RESILIENCE_VARIABLES } from '../lambda/resilience-environment.js';
import type { DeploySettings } from './deploy-settings.js';

/** The deploy settings of the attempt and watch stages, as the function's environment variables. */
export function resilienceEnvironment(settings: DeploySettings): Record<string, string> {
  return {
    [RESILIENCE_VARIABLES.attemptsPerRoute]: String(settings.retryAttemptsPerRoute),
    [RESILIENCE_VARIABLES.baseDelayMs]: String(settings.retryBaseDelayMs),
    [RESILIENCE_VARIABLES.budgetSeconds]: String(settings.retryBudgetSeconds),
    [RESILIENCE_VARIABLES.cooldownSeconds]: String(settings.routeCooldownSeconds),
    [RESILIENCE_VARIABLES.idleTimeoutSeconds]: String(settings.streamIdleTimeoutSeconds),
  };
}
