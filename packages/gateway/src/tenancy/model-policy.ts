import { GatewayError } from '../core/errors.js';
import type { Tenant } from './key-directory.js';
import { modelAllowed } from './model-patterns.js';

/**
 * Refuses a model the key or its team does not allow (both lists apply when both are set).
 * @throws GatewayError 403 `permission_error`, code `model_not_allowed`, param `model`
 */
export function checkModelAllowed(tenant: Tenant, model: string): void {
  if (modelAllowed(tenant.key.limits.models, model) && modelAllowed(tenant.team?.limits.models, model))
    return;
  throw new GatewayError(403, `This API key is not allowed to use the model '${model}'`, {
    param: 'model',
    code: 'model_not_allowed',
  });
}
