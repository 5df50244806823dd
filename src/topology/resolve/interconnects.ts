import type { Address4 } from 'ip-address';
import { addressAt, hostPart, networkOf, ranges, SubnetPool } from '../addresses.js';
import type { Bfd, Interconnect, NodeInterface } from '../model.js';
import type { InterconnectFile, TopologyFile } from '../schema.js';
import { IFNAMSIZ, type LabBuilder } from './builder.js';

export const defaultBfd: Bfd = { intervalMs: 300, multiplier: 3 };

export function speedMbps(speed: string): number {
  const value = Number.parseInt(speed, 10);
  return speed.endsWith('G') ? value * 1000 : value;
}

/**
 * Every metro's interconnects, in file order: each joins a peer router the file declares to a Microsoft
 * edge router (made on first mention), on a /31 of the interconnect range of the connection type.
 */
export function resolveInterconnects(lab: LabBuilder): void {
  const { file } = lab;
  const icPool =
    file.type === 'ers'
      ? new SubnetPool('peer-provided interconnect', ranges.peerProvided, 31)
      : new SubnetPool('Microsoft-provided interconnect', ranges.microsoftProvided, 31);
  if (Object.keys(file.metros).length === 0) lab.fail('at least one metro is required', ['metros']);
  for (const [metro, metroFile] of Object.entries(file.metros)) {
    if (Object.keys(metroFile.interconnects).length === 0)
      lab.fail('a metro needs at least one interconnect', ['metros', metro, 'interconnects']);
    for (const [name, ic] of Object.entries(metroFile.interconnects)) {
      const path = ['metros', metro, 'interconnects', name];
      bindRouters(lab, metro, ic, path);
      const subnet = lab.taken(() => icPool.take(), path);
      lab.interconnects.push(resolveInterconnect(lab, metro, name, ic, subnet));
    }
  }
  checkBackupOf(lab);
}

/** `backup-of` names an interconnect of the file (metro/name): a typo is bad input, not a rule failure. */
function checkBackupOf(lab: LabBuilder): void {
  const ids = lab.interconnects.map((i) => i.id);
  for (const ic of lab.interconnects)
    if (ic.backupOf && !ids.includes(ic.backupOf))
      lab.fail(`unknown interconnect "${ic.backupOf}"; interconnects: ${ids.join(', ')}`, [
        'metros',
        ic.metro,
        'interconnects',
        ic.name,
        'backup-of',
      ]);
}

/** The interconnect's peer router (declared, and placed in its first metro) and edge router (made once). */
function bindRouters(lab: LabBuilder, metro: string, ic: InterconnectFile, path: string[]): void {
  const { file, nodes } = lab;
  const peerRouter = nodes.get(ic['peer-router']);
  if (peerRouter?.role !== 'peer-router') {
    lab.fail(
      `unknown peer router "${ic['peer-router']}"; peer.routers has: ${Object.keys(file.peer.routers).join(', ')}`,
      [...path, 'peer-router'],
    );
  }
  peerRouter!.metro ??= metro;
  const edgeName = ic['edge-router'];
  if (!nodes.has(edgeName)) {
    lab.claim(edgeName, [...path, 'edge-router']);
    lab.addNode({
      name: edgeName,
      role: 'edge-router',
      side: 'microsoft',
      asn: file.microsoft.asn,
      daemon: file.microsoft.daemon,
      metro,
    });
  } else if (nodes.get(edgeName)!.role !== 'edge-router') {
    lab.fail(`"${edgeName}" is a ${nodes.get(edgeName)!.role}, not a Microsoft edge router`, [...path, 'edge-router']);
  }
}

function resolveInterconnect(
  lab: LabBuilder,
  metro: string,
  name: string,
  ic: InterconnectFile,
  subnet: Address4,
): Interconnect {
  const { file } = lab;
  const lag = resolveLag(lab, metro, name, ic);
  const role = ic.role ?? file.defaults?.role ?? 'redundant';
  if (ic['backup-of'] && role !== 'backup')
    lab.fail('backup-of is only meaningful with role: backup', ['metros', metro, 'interconnects', name, 'backup-of']);
  return {
    id: `${metro}/${name}`,
    metro,
    name,
    peerRouter: ic['peer-router'],
    edgeRouter: ic['edge-router'],
    role,
    ...(ic['backup-of'] ? { backupOf: ic['backup-of'] } : {}),
    lag,
    bfd: resolveBfd(file, ic),
    policy: resolvePolicy(ic),
    ...(ic['rate-limit'] ? { rateLimitMbps: speedMbps(ic['rate-limit']) } : {}),
    subnet: networkOf(subnet),
    // Microsoft takes the first address of the /31, the peer the second.
    edgeAddress: addressAt(subnet, 0n),
    peerAddress: addressAt(subnet, 1n),
  };
}

/** The LAG (`<metro>-<name>`, members `-m1`...): its defaults filled in, a cable for each member. */
function resolveLag(lab: LabBuilder, metro: string, name: string, ic: InterconnectFile): Interconnect['lag'] {
  const bond = `${metro}-${name}`;
  if (`${bond}-m1`.length > IFNAMSIZ) {
    lab.fail(
      `LAG members would be named "${bond}-m1", longer than Linux's ${IFNAMSIZ}-byte interface names: keep metro and interconnect names within ${IFNAMSIZ - 4} bytes together`,
      ['metros', metro, 'interconnects'],
      name,
    );
  }
  const lag = { members: 2, 'member-speed': '10G', lacp: 'active' as const, ...lab.file.defaults?.lag, ...ic.lag };
  const memberLinks = Array.from({ length: lag.members }, (_, i) => {
    const iface = `${bond}-m${i + 1}`;
    const id = `${metro}/${name}/m${i + 1}`;
    lab.links.push({
      id,
      a: { node: ic['peer-router'], interface: iface },
      b: { node: ic['edge-router'], interface: iface },
      interconnect: `${metro}/${name}`,
    });
    return id;
  });
  const memberSpeedMbps = speedMbps(lag['member-speed']);
  return {
    interface: bond,
    members: lag.members,
    memberSpeedMbps,
    bandwidthMbps: memberSpeedMbps * lag.members,
    lacp: lag.lacp,
    memberLinks,
  };
}

/** BFD as the interconnect or the defaults say: off, their timers, or peerlab's default timers. */
function resolveBfd(file: TopologyFile, ic: InterconnectFile): Bfd | null {
  const bfdFile = ic.bfd ?? file.defaults?.bfd;
  return bfdFile === false
    ? null
    : bfdFile
      ? { intervalMs: bfdFile.interval, multiplier: bfdFile.multiplier }
      : defaultBfd;
}

function resolvePolicy(ic: InterconnectFile): Interconnect['policy'] {
  const policy = ic.policy ?? {};
  return {
    ...(policy['local-pref'] !== undefined ? { localPref: policy['local-pref'] } : {}),
    ...(policy.med !== undefined ? { med: policy.med } : {}),
    ...(policy.prepend !== undefined ? { prepend: policy.prepend } : {}),
    ...(policy.weight !== undefined ? { weight: policy.weight } : {}),
  };
}

/** Each interconnect's LAG on both of its routers (the bond, then its members) and the eBGP session over it. */
export function bondInterconnects(lab: LabBuilder): void {
  const { file } = lab;
  for (const ic of lab.interconnects) {
    const ifaces = (bond: string, address: string): NodeInterface[] => [
      { name: bond, kind: 'bond', address },
      ...ic.lag.memberLinks.map((_, i) => ({ name: `${bond}-m${i + 1}`, kind: 'member' as const, bond })),
    ];
    lab.nodes.get(ic.peerRouter)!.interfaces.push(...ifaces(ic.lag.interface, ic.peerAddress));
    lab.nodes.get(ic.edgeRouter)!.interfaces.push(...ifaces(ic.lag.interface, ic.edgeAddress));
    lab.sessions.push({
      id: ic.id,
      kind: 'interconnect',
      interconnect: ic.id,
      a: { node: ic.peerRouter, asn: file.peer.asn, address: hostPart(ic.peerAddress) },
      b: { node: ic.edgeRouter, asn: file.microsoft.asn, address: hostPart(ic.edgeAddress) },
      bfd: ic.bfd ?? (file.type === 'voice' ? defaultBfd : null),
    });
  }
}
