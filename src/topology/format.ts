import { formatTable } from '../util/table.js';
import type { LabModel } from './model.js';

/** The resolved lab as tables: nodes with their interfaces, links, BGP sessions. */
export function formatModel(model: LabModel): string {
  const nodes = model.nodes.flatMap((n) => {
    const [first, ...rest] = n.interfaces.map(
      (i) => `${i.name}${i.address ? ` ${i.address}` : ''}${i.bond ? ` (in ${i.bond})` : ''}`,
    );
    const head = [n.name, n.role, n.daemon ?? '-', n.asn ? `AS${n.asn}` : '-', n.routerId ?? '-', first ?? ''];
    return [head, ...rest.map((r) => ['', '', '', '', '', r])];
  });
  const links = model.links.map((l) => [l.id, `${l.a.node}:${l.a.interface}`, `${l.b.node}:${l.b.interface}`]);
  const sessions = model.sessions.map((s) => [
    s.id,
    s.kind,
    `${s.a.node} ${s.a.address} AS${s.a.asn}`,
    `${s.b.node} ${s.b.address} AS${s.b.asn}`,
    s.bfd ? `${s.bfd.intervalMs}ms x${s.bfd.multiplier}` : '-',
  ]);
  return [
    `${model.name} (T-${model.type.toUpperCase()}) from ${model.source}: ${model.nodes.length} nodes, ${model.links.length} links, ${model.sessions.length} BGP sessions`,
    '',
    formatTable(['NODE', 'ROLE', 'DAEMON', 'ASN', 'ROUTER-ID', 'INTERFACES'], nodes),
    '',
    formatTable(['LINK', 'A', 'B'], links),
    '',
    formatTable(['SESSION', 'KIND', 'A', 'B', 'BFD'], sessions),
  ].join('\n');
}
