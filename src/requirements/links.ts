import { bfdDetectionMs } from '../daemons/intent.js';
import type { Check } from './context.js';
import { citeLine } from './evidence.js';
import { bfdFinding } from './daemon-findings.js';
import { fromFindings } from './result.js';

const gbps = (mbps: number) => (mbps >= 1000 ? `${mbps / 1000}G` : `${mbps}M`);
const minSpeedMbps = 10_000;

export const equalBandwidth: Check = ({ model }) => {
  const widths = new Set(model.interconnects.map((i) => i.lag.bandwidthMbps));
  const detail = model.interconnects
    .map((i) => `${i.id} ${i.lag.members}x${gbps(i.lag.memberSpeedMbps)}=${gbps(i.lag.bandwidthMbps)}`)
    .join(', ');
  return { rule: 'R-EQUAL-BANDWIDTH', status: widths.size <= 1 ? 'pass' : 'fail', evidence: [detail] };
};

export const minSpeed: Check = ({ model }) =>
  fromFindings(
    'R-MIN-SPEED',
    model.interconnects.map((i) => ({
      status: i.lag.bandwidthMbps >= minSpeedMbps ? 'pass' : 'fail',
      text: `${i.id}: ${i.lag.members} x ${gbps(i.lag.memberSpeedMbps)} = ${gbps(i.lag.bandwidthMbps)}`,
    })),
  );

export const lacp: Check = ({ model }) =>
  fromFindings(
    'R-LACP',
    model.interconnects.map((i) => ({
      status: i.lag.lacp === 'off' ? 'fail' : 'pass',
      text: `${i.id}: ${i.lag.members}-member LAG ${i.lag.interface} on ${i.peerRouter}, LACP ${i.lag.lacp}`,
    })),
  );

/** tc that limits rate: a shaping or policing qdisc, a class of one, or a filter with a policer. */
const limiting = /\b(tbf|htb|hfsc|cbq|cake|police)\b/;

export const noRateLimit: Check = ({ model }) =>
  fromFindings(
    'R-NO-RATE-LIMIT',
    model.interconnects.map((i) => {
      const router = model.nodes.find((n) => n.name === i.peerRouter)!;
      const ifaces = [
        i.lag.interface,
        ...router.interfaces.filter((x) => x.bond === i.lag.interface).map((x) => x.name),
      ];
      const shaping = (router.tc ?? []).filter(
        (argv) => ifaces.includes(argv[argv.indexOf('dev') + 1]!) && limiting.test(argv.join(' ')),
      );
      if (i.rateLimitMbps)
        return {
          status: 'fail',
          text: `${i.id}: policer at ${gbps(i.rateLimitMbps)} on ${i.peerRouter} ${i.lag.interface}`,
        };
      if (shaping.length)
        return {
          status: 'fail',
          text: `${i.id}: ${i.peerRouter} runs tc ${shaping.map((a) => a.join(' ')).join('; tc ')}`,
        };
      return { status: 'pass', text: `${i.id}: none` };
    }),
  );

/** nftables expressions that track connections: a stateful firewall. */
const conntrack =
  /\bct\s+(state|status|mark|direction|original|reply|zone|helper|count|expiration)\b|\bct\s+\w+\s+(set|!=|==)|\blimit\s+rate\b.*\bover\b|\bnotrack\b/;

export const noStatefulFirewall: Check = ({ model }) =>
  fromFindings(
    'R-NO-STATEFUL-FW',
    model.nodes
      .filter((n) => n.role === 'peer-router')
      .map((n) => {
        if (n.statefulFirewall) return { status: 'fail', text: `${n.name}: declares a stateful firewall` };
        const line = n.nftables?.text.split('\n').findIndex((l) => conntrack.test(l.replace(/#.*$/, '')));
        if (line !== undefined && line >= 0)
          return {
            status: 'fail',
            text: `${n.name}: connection tracking at ${n.nftables!.file}:${line + 1} (${n.nftables!.text.split('\n')[line]!.trim()})`,
          };
        return {
          status: 'pass',
          text: `${n.name}: no stateful firewall${n.nftables ? ` (${n.nftables.file} tracks no connections)` : ''}`,
        };
      }),
  );

export const bfd: Check = ({ model, configs, evidence }) => {
  const missing = model.type === 'voice' ? 'fail' : 'warn';
  const findings = model.interconnects.map((ic) => {
    if (!ic.bfd)
      return {
        status: missing,
        text: `${ic.id}: no BFD on ${ic.peerRouter}${model.type === 'voice' ? ' (required for T-VOICE)' : ' (recommended)'}`,
      } as const;
    const ran = evidence.get(ic.peerRouter);
    if (ran) return bfdFinding(model, ic, ran);
    const config = configs.get(ic.peerRouter);
    const line = config && citeLine(config, (e) => e.bfd);
    const own = model.nodes.find((n) => n.name === ic.peerRouter)?.config;
    if (own && !line)
      return {
        status: missing,
        text: `${ic.id}: ${ic.peerRouter}'s own config (${own.file}) configures no BFD${model.type === 'voice' ? ' (required for T-VOICE)' : ' (recommended)'}`,
      } as const;
    return {
      status: 'pass',
      text: `${ic.id}: ${ic.bfd.intervalMs} ms x ${ic.bfd.multiplier} = ${bfdDetectionMs(ic.bfd)} ms detection${line ? ` (${line})` : ''}`,
    } as const;
  });
  const result = fromFindings('R-BFD', [...findings]);
  result.evidence.push(
    "route exchange only after BFD is up: shown by `peerlab certify`, whose emulated edge holds each BFD-protected session's BGP until BFD is up (FRR and BIRD have no BFD strict mode)",
  );
  return result;
};
