import { renderLab } from '../render/render.js';
import type { LabModel } from '../topology/model.js';
import { ruleIds } from './catalog.js';
import type { Check, CheckContext } from './context.js';
import { backupNoneInternet, noReadvertise, utilization } from './dynamic.js';
import { bfd, equalBandwidth, lacp, minSpeed, noRateLimit, noStatefulFirewall } from './links.js';
import {
  asnPublic,
  asPathSmallPrefix,
  community,
  maxPrefix,
  noPrivateAsnInPath,
  originAsnRegistered,
  ownIpv4,
  prefixClass,
} from './prefixes.js';
import { activeActive, backupOtherMetro, geoRedundancy, localRedundancy, routerDiversity } from './redundancy.js';
import { worst, type RuleResult, type Status } from './result.js';
import type { RouterEvidence } from './router-evidence.js';

const checks: Check[] = [
  asnPublic,
  localRedundancy,
  routerDiversity,
  geoRedundancy,
  activeActive,
  backupOtherMetro,
  equalBandwidth,
  minSpeed,
  lacp,
  noRateLimit,
  noStatefulFirewall,
  ownIpv4,
  prefixClass,
  community,
  originAsnRegistered,
  bfd,
  noPrivateAsnInPath,
  asPathSmallPrefix,
  maxPrefix,
  noReadvertise,
  utilization,
  backupNoneInternet,
];

export interface CheckReport {
  topology: string;
  source: string;
  type: LabModel['type'];
  status: Status;
  results: RuleResult[];
}

/**
 * Evaluate every requirement on the resolved model and the rendered peer configs, in the spec's order; a
 * partner router's own config is judged from what its daemon did with it where `evidence` has it.
 */
export function checkRequirements(model: LabModel, evidence = new Map<string, RouterEvidence>()): CheckReport {
  const rendered = renderLab(model);
  const peerRouters = new Set(model.nodes.filter((n) => n.role === 'peer-router').map((n) => n.name));
  const ctx: CheckContext = {
    model,
    configs: new Map(rendered.map((c) => [c.node, c])),
    peerConfigs: rendered.filter((c) => peerRouters.has(c.node)),
    evidence,
  };
  const results = checks.flatMap((check) => check(ctx));
  results.sort((a, b) => ruleIds.indexOf(a.rule) - ruleIds.indexOf(b.rule));
  return {
    topology: model.name,
    source: model.source,
    type: model.type,
    status: worst(results.map((r) => r.status)),
    results,
  };
}
