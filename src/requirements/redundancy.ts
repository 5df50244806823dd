import type { Interconnect } from '../topology/model.js';
import type { Check } from './context.js';
import { citeLine } from './evidence.js';
import { fromFindings, type Status } from './result.js';

function byMetro(ics: Interconnect[]): Map<string, Interconnect[]> {
  const metros = new Map<string, Interconnect[]>();
  for (const ic of ics) metros.set(ic.metro, [...(metros.get(ic.metro) ?? []), ic]);
  return metros;
}

export const localRedundancy: Check = ({ model }) =>
  fromFindings(
    'R-LOCAL-REDUNDANCY',
    [...byMetro(model.interconnects)].map(([metro, ics]) => ({
      status: ics.length >= 2 ? 'pass' : 'fail',
      text: `metro ${metro}: ${ics.length} interconnect(s) (${ics.map((i) => i.id).join(', ')})`,
    })),
  );

export const routerDiversity: Check = ({ model }) => {
  const findings = [...byMetro(model.interconnects)].map(([metro, ics]) => {
    const routers = ics.map((i) => i.peerRouter);
    const shared = routers.filter((r, i) => routers.indexOf(r) !== i);
    return shared.length
      ? {
          status: 'fail' as const,
          text: `metro ${metro}: ${[...new Set(shared)].join(', ')} terminates ${ics
            .filter((i) => shared.includes(i.peerRouter))
            .map((i) => i.id)
            .join(' and ')}`,
        }
      : { status: 'pass' as const, text: `metro ${metro}: ${ics.map((i) => `${i.id} on ${i.peerRouter}`).join(', ')}` };
  });
  if (model.type !== 'ers') {
    const perRouter = new Map<string, string[]>();
    for (const ic of model.interconnects)
      perRouter.set(ic.peerRouter, [...(perRouter.get(ic.peerRouter) ?? []), ic.id]);
    for (const [router, ids] of perRouter)
      if (ids.length > 1) {
        findings.push({
          status: 'fail',
          text: `${router} carries ${ids.length} circuits (${ids.join(', ')}); T-${model.type.toUpperCase()} wants 1:1 routers to circuits`,
        });
      }
  }
  return fromFindings('R-ROUTER-DIVERSITY', findings);
};

/** The documents disagree (MUST in the walkthroughs, recommended in the overviews): report both readings. */
export const geoRedundancy: Check = ({ model }) => {
  const metros = [...byMetro(model.interconnects).keys()];
  const ok = metros.length >= 2;
  const text = `${metros.length} metro(s): ${metros.join(', ')}`;
  const mustFails = model.type === 'ers' ? 'warn' : 'fail';
  return [
    { rule: 'R-GEO-REDUNDANCY', reading: 'MUST: walkthroughs', status: ok ? 'pass' : mustFails, evidence: [text] },
    { rule: 'R-GEO-REDUNDANCY', reading: 'recommended: overviews', status: ok ? 'pass' : 'warn', evidence: [text] },
  ];
};

/**
 * What a router will do toward AS8075 on an interconnect, defaults filled in: a missing local-pref is
 * 100, a missing MED 0, no prepend 0, no weight 0. Twins are compared on these, so `med: 0` on one and
 * nothing on the other is no difference.
 */
function effective(ic: Interconnect): string {
  const p = ic.policy;
  return `local-pref ${p.localPref ?? 100}, MED ${p.med ?? 0}, prepend x${p.prepend ?? 0}, weight ${p.weight ?? 0}`;
}

function tuning(ic: Interconnect): string {
  const p = ic.policy;
  return (
    [
      p.localPref !== undefined && `local-pref ${p.localPref}`,
      p.med !== undefined && `MED ${p.med}`,
      p.prepend && `prepend x${p.prepend}`,
      p.weight !== undefined && `weight ${p.weight}`,
    ]
      .filter(Boolean)
      .join(', ') || 'none'
  );
}

export const activeActive: Check = ({ model, configs }) => {
  const findings: { status: Status; text: string }[] = [...byMetro(model.interconnects)].map(([metro, ics]) => {
    const roles = new Set(ics.map((i) => i.role));
    const tunings = new Set(ics.map(effective));
    const detail = ics.map((i) => `${i.id} ${i.role}, tuning: ${tuning(i)}`).join('; ');
    // A backup that protects nothing in another metro stands beside its local twins: primary/backup.
    const localBackup = ics.some(
      (i) => i.role === 'backup' && !model.interconnects.some((p) => p.id === i.backupOf && p.metro !== metro),
    );
    if (roles.has('backup') && roles.size > 1 && localBackup)
      return { status: 'fail' as const, text: `metro ${metro}: primary/backup between local twins (${detail})` };
    if (tunings.size > 1)
      return {
        status: 'fail' as const,
        text: `metro ${metro}: a local twin is depreferenced (${ics.map((i) => `${i.id}: ${effective(i)}`).join('; ')})`,
      };
    return { status: 'pass' as const, text: `metro ${metro}: equal (${detail})` };
  });
  // A partner's own config sets its own MED, prepends and preferences: only the lab can tell.
  for (const router of model.nodes.filter((n) => n.role === 'peer-router' && n.config))
    findings.push({
      status: 'n/a',
      text: `${router.name} runs its own config (${router.config!.file}): what it sends each twin is decided in the lab`,
    });
  const core = configs.get(model.peer.core);
  const multipath = core && (citeLine(core, (e) => e.multipath) ?? undefined);
  findings.push(
    multipath
      ? { status: 'pass', text: `multipath on ${multipath}` }
      : { status: 'fail', text: `no multipath on ${model.peer.core}` },
  );
  return fromFindings('R-ACTIVE-ACTIVE', findings);
};

export const backupOtherMetro: Check = ({ model }) => {
  const findings = model.interconnects
    .filter((i) => i.role === 'backup')
    .map((backup) => {
      if (backup.backupOf) {
        // The resolver refused a backup-of naming no interconnect (bad input, exit 2).
        const primary = model.interconnects.find((i) => i.id === backup.backupOf)!;
        return primary.metro === backup.metro
          ? { status: 'fail' as const, text: `${backup.id} backs up ${primary.id} in the same metro ${backup.metro}` }
          : {
              status: 'pass' as const,
              text: `${backup.id} (${backup.metro}) backs up ${primary.id} (${primary.metro})`,
            };
      }
      const local = model.interconnects.filter((i) => i.metro === backup.metro && i.role !== 'backup');
      return local.length
        ? {
            status: 'fail' as const,
            text: `${backup.id} is configured as backup next to local ${local.map((i) => `${i.role} ${i.id}`).join(', ')}; a local twin must be redundant`,
          }
        : { status: 'pass' as const, text: `${backup.id}: no primary in metro ${backup.metro}` };
    });
  return fromFindings('R-BACKUP-OTHER-METRO', findings, 'no backup connections');
};
