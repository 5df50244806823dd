import type { RenderedConfig } from '../render/render.js';
import type { LabModel } from '../topology/model.js';
import type { RuleResult } from './result.js';
import type { RouterEvidence } from './router-evidence.js';

export interface CheckContext {
  model: LabModel;
  /** Rendered configs of the peer's routers (the ones a partner deploys). */
  peerConfigs: RenderedConfig[];
  /** Rendered config of every router, by node name. */
  configs: Map<string, RenderedConfig>;
  /** What partner routers' own daemons did with their configs, where a sandbox ran them (by router name). */
  evidence: Map<string, RouterEvidence>;
}

export type Check = (ctx: CheckContext) => RuleResult | RuleResult[];
