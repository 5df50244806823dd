import type { RenderedConfig } from '../render/render.js';
import type { LabModel } from '../topology/model.js';
import type { RuleResult } from './result.js';

export interface CheckContext {
  model: LabModel;
  /** Rendered configs of the peer's routers (the ones a partner deploys). */
  peerConfigs: RenderedConfig[];
  /** Rendered config of every router, by node name. */
  configs: Map<string, RenderedConfig>;
}

export type Check = (ctx: CheckContext) => RuleResult | RuleResult[];
