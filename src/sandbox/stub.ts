import type { Bfd, LabModel, SessionKind } from '../topology/model.js';
import type { WitnessRoute } from '../requirements/router-evidence.js';

/** One session of the partner router's contract, as the stub holds it. */
export interface StubSession {
  /** BIRD protocol name, and the table that keeps what the stub received on it. */
  protocol: string;
  table: string;
  kind: SessionKind;
  /** The interconnect (T-*) or the neighbour the session stood for in the lab. */
  stands: string;
  stubInterface: string;
  stubAddress: string;
  routerAddress: string;
  localAs: number;
  remoteAs: number;
  bfd: Bfd | null;
}

/**
 * The stub's BIRD config: one BGP protocol per session of the partner router, each with a table of its own
 * (what the stub received on it, kept whole: `import all`). Edges are AS8075: they announce the lab's
 * service prefixes and run BFD as the interconnect says; the core announces the witness routes with their
 * AS paths; the transit announces nothing and keeps what it is sent.
 */
export function renderStub({
  model,
  sessions,
  witnesses,
}: {
  model: LabModel;
  sessions: StubSession[];
  witnesses: WitnessRoute[];
}): string {
  const lines = [
    `# peerlab sandbox stub: every neighbour of one partner router of ${model.name}`,
    `router id ${sessions[0]?.stubAddress ?? '192.0.2.254'};`,
    ...sessions.map((s) => `ipv4 table ${s.table};`),
    'protocol device { }',
  ];
  const bfd = sessions.filter((s) => s.bfd);
  if (bfd.length)
    lines.push(
      'protocol bfd {',
      ...bfd.map(
        (s) =>
          `  interface "${s.stubInterface}" { interval ${s.bfd!.intervalMs} ms; multiplier ${s.bfd!.multiplier}; };`,
      ),
      '}',
    );
  for (const s of sessions) {
    const announce =
      s.kind === 'interconnect' ? services(s, model) : s.kind === 'ibgp' ? witnessRoutes(s, witnesses) : [];
    lines.push(...announce, ...protocol(s, announce.length > 0));
  }
  return `${lines.join('\n')}\n`;
}

const source = (s: StubSession) => `${s.protocol}_routes`;

function services(s: StubSession, model: LabModel): string[] {
  return [
    `protocol static ${source(s)} {`,
    `  ipv4 { table ${s.table}; };`,
    ...model.microsoft.servicePrefixes.map((p) => `  route ${p} blackhole;`),
    '}',
  ];
}

function witnessRoutes(s: StubSession, witnesses: WitnessRoute[]): string[] {
  return [
    `protocol static ${source(s)} {`,
    `  ipv4 { table ${s.table}; };`,
    ...witnesses.map(
      (w) =>
        `  route ${w.prefix} blackhole { bgp_path = +empty+; ${[...w.asPath]
          .reverse()
          .map((asn) => `bgp_path.prepend(${asn}); `)
          .join('')}};`,
    ),
    '}',
  ];
}

function protocol(s: StubSession, announces: boolean): string[] {
  return [
    `protocol bgp ${s.protocol} {`,
    `  description "${s.stands}";`,
    `  local ${s.stubAddress} as ${s.localAs};`,
    `  neighbor ${s.routerAddress} as ${s.remoteAs};`,
    '  direct;',
    // Edges start once the core has given the router its routes (sandbox/run.ts enables them): their first
    // update then holds everything, with no advertisement interval to wait out.
    ...(s.kind === 'interconnect' ? ['  disabled;'] : []),
    ...(s.bfd ? ['  bfd on;'] : []),
    // BIRD waits 5 s before its first connect by default; the router's daemon may come up after the stub.
    '  connect delay time 1;',
    '  connect retry time 1;',
    '  error wait time 1, 5;',
    `  ipv4 { table ${s.table}; import all; export ${announces ? `where proto = "${source(s)}"` : 'none'};${s.kind === 'ibgp' ? ' next hop self;' : ''} };`,
    '}',
  ];
}
