import type { Check } from './context.js';
import { citeLine } from './evidence.js';
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

export const noRateLimit: Check = ({ model }) =>
  fromFindings(
    'R-NO-RATE-LIMIT',
    model.interconnects.map((i) =>
      i.rateLimitMbps
        ? { status: 'fail', text: `${i.id}: policer at ${gbps(i.rateLimitMbps)} on ${i.peerRouter} ${i.lag.interface}` }
        : { status: 'pass', text: `${i.id}: none` },
    ),
  );

export const noStatefulFirewall: Check = ({ model }) =>
  fromFindings(
    'R-NO-STATEFUL-FW',
    model.nodes
      .filter((n) => n.role === 'peer-router')
      .map((n) => ({
        status: n.statefulFirewall ? 'fail' : 'pass',
        text: `${n.name}: ${n.statefulFirewall ? 'declares a stateful firewall' : 'no stateful firewall'}`,
      })),
  );

export const bfd: Check = ({ model, configs }) => {
  const missing = model.type === 'voice' ? 'fail' : 'warn';
  const findings = model.interconnects.map((ic) => {
    if (!ic.bfd)
      return {
        status: missing,
        text: `${ic.id}: no BFD on ${ic.peerRouter}${model.type === 'voice' ? ' (required for T-VOICE)' : ' (recommended)'}`,
      } as const;
    const config = configs.get(ic.peerRouter);
    const line = config && citeLine(config, (e) => e.bfd);
    return {
      status: 'pass',
      text: `${ic.id}: ${ic.bfd.intervalMs} ms x ${ic.bfd.multiplier} = ${ic.bfd.intervalMs * ic.bfd.multiplier} ms detection${line ? ` (${line})` : ''}`,
    } as const;
  });
  const result = fromFindings('R-BFD', [...findings]);
  result.evidence.push(
    'route exchange only after BFD is up: verified in a running lab (FRR 8.4 and BIRD 2.0 have no BFD strict mode)',
  );
  return result;
};
