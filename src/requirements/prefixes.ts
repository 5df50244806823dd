import { Address4 } from 'ip-address';
import { overlaps, parsePrefix } from '../topology/addresses.js';
import { classifyAsn, isPrivateAsn } from '../topology/asn.js';
import type { Check } from './context.js';
import { citeLine } from './evidence.js';
import { fromFindings, type RuleResult } from './result.js';

export const asnPublic: Check = ({ model }) => {
  const asn = model.peer.asn;
  const kind = classifyAsn(asn);
  if (kind === 'public') return { rule: 'R-ASN-PUBLIC', status: 'pass', evidence: [`AS${asn} is public`] };
  if (kind === 'documentation') {
    return model.lab
      ? {
          rule: 'R-ASN-PUBLIC',
          status: 'warn',
          evidence: [`AS${asn} is a documentation ASN (RFC 5398): accepted in lab mode only`],
        }
      : {
          rule: 'R-ASN-PUBLIC',
          status: 'fail',
          evidence: [`AS${asn} is a documentation ASN and the topology is not in lab mode`],
        };
  }
  return { rule: 'R-ASN-PUBLIC', status: 'fail', evidence: [`AS${asn} is ${kind}`] };
};

const notPublic = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '0.0.0.0/8',
  '224.0.0.0/3',
].map((p) => new Address4(p));
const documentation = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '198.18.0.0/15'].map(
  (p) => new Address4(p),
);

export const ownIpv4: Check = ({ model }) =>
  fromFindings(
    'R-OWN-IPV4',
    model.peer.prefixes.map(({ prefix }) => {
      const parsed = parsePrefix(prefix);
      if (notPublic.some((r) => overlaps(r, parsed)))
        return { status: 'fail', text: `${prefix} is not publicly routable` };
      if (documentation.some((r) => overlaps(r, parsed))) {
        return {
          status: model.lab ? 'warn' : 'fail',
          text: `${prefix} is a documentation range${model.lab ? ' (lab mode)' : ''}`,
        };
      }
      return { status: 'pass', text: `${prefix} public IPv4 (ownership declared)` };
    }),
  );

export const prefixClass: Check = ({ model }) =>
  fromFindings(
    'R-PREFIX-CLASS',
    model.peer.prefixes.map((p) =>
      p.trafficClass
        ? { status: 'pass', text: `${p.prefix}: ${p.trafficClass}` }
        : { status: 'fail', text: `${p.prefix}: no class declared` },
    ),
  );

export const community: Check = ({ model, peerConfigs }) => {
  if (model.type === 'ers')
    return { rule: 'R-COMMUNITY', status: 'n/a', evidence: ['T-ERS registers origin ASNs, not communities'] };
  const findings = model.peer.prefixes
    .filter((p) => p.registered)
    .map((p) =>
      p.communities.includes('8075:8007')
        ? { status: 'pass' as const, text: `${p.prefix} tagged 8075:8007` }
        : {
            status: 'fail' as const,
            text: `${p.prefix} is registered but announced without 8075:8007${p.communities.length ? ` (has ${p.communities.join(' ')})` : ''}`,
          },
    );
  if (findings.some((f) => f.status === 'pass')) {
    for (const config of peerConfigs) {
      const line = citeLine(config, (e) => e.community('8075:8007'));
      findings.push(
        line
          ? { status: 'pass', text: `tagging at ${line}` }
          : { status: 'fail', text: `${config.node} does not tag 8075:8007` },
      );
    }
  }
  return fromFindings('R-COMMUNITY', findings, 'no registered prefixes');
};

export const originAsnRegistered: Check = ({ model }) => {
  if (model.type !== 'ers')
    return {
      rule: 'R-ORIGIN-ASN-REGISTERED',
      status: 'n/a',
      evidence: [`T-${model.type.toUpperCase()} registers prefixes, not origin ASNs`],
    };
  const registered = model.peer.registeredOriginAsns;
  const duplicates = registered.filter((a, i) => registered.indexOf(a) !== i);
  const findings = [
    ...[...new Set(duplicates)].map((asn) => ({
      status: 'fail' as const,
      text: `AS${asn} is registered more than once (a duplicate registration is refused)`,
    })),
    ...model.peer.prefixes.map((p) =>
      registered.includes(p.originAsn)
        ? { status: 'pass' as const, text: `${p.prefix} originated by registered AS${p.originAsn}` }
        : { status: 'fail' as const, text: `${p.prefix} originated by AS${p.originAsn}, which is not registered` },
    ),
  ];
  return fromFindings('R-ORIGIN-ASN-REGISTERED', findings);
};

const fullPath = (asn: number, path: number[]) => [asn, ...path];

export const noPrivateAsnInPath: Check = ({ model }) =>
  fromFindings(
    'R-NO-PRIVATE-ASN-IN-PATH',
    model.peer.prefixes.map((p) => {
      const path = fullPath(model.peer.asn, p.asPath);
      const bad = path.filter(isPrivateAsn);
      return bad.length
        ? { status: 'fail', text: `${p.prefix} path ${path.join(' ')} has private AS${bad.join(', AS')}` }
        : { status: 'pass', text: `${p.prefix} path ${path.join(' ')}` };
    }),
  );

/** The documents disagree on whether registration accepts prefixes longer than /24: report both readings. */
export const asPathSmallPrefix: Check = ({ model }): RuleResult[] => {
  const longer = model.peer.prefixes.filter((p) => parsePrefix(p.prefix).subnetMask > 24);
  if (longer.length === 0) {
    const evidence = ['no prefix longer than /24'];
    return [
      { rule: 'R-ASPATH-SMALL-PREFIX', reading: '/25+ accepted if path < 4', status: 'pass', evidence },
      { rule: 'R-ASPATH-SMALL-PREFIX', reading: '/24 or shorter only', status: 'pass', evidence },
    ];
  }
  const accepted = fromFindings(
    'R-ASPATH-SMALL-PREFIX',
    longer.map((p) => {
      const path = fullPath(model.peer.asn, p.asPath);
      return path.length >= 4
        ? { status: 'fail', text: `${p.prefix} path ${path.join(' ')} has ${path.length} ASNs (must be fewer than 4)` }
        : { status: 'pass', text: `${p.prefix} path ${path.join(' ')} has ${path.length} ASNs` };
    }),
  );
  const registration = fromFindings(
    'R-ASPATH-SMALL-PREFIX',
    longer.map((p) => ({
      status: p.registered ? 'warn' : 'pass',
      text: p.registered
        ? `${p.prefix} is registered but longer than /24: registration may refuse it`
        : `${p.prefix} is not registered`,
    })),
  );
  return [
    { ...accepted, reading: '/25+ accepted if path < 4' },
    { ...registration, reading: '/24 or shorter only' },
  ];
};

/** Microsoft announces about 280 prefixes, growing 10-15%: 400-500 is the documented safe setting. */
export const maxPrefix: Check = ({ model, peerConfigs }) => {
  const limit = model.peer.maxPrefix;
  const status = limit < 325 ? 'fail' : limit < 400 ? 'warn' : 'pass';
  const announced = model.microsoft.servicePrefixes.length;
  const evidence = [
    `limit ${limit} toward AS8075; the emulated edge announces ${announced}; below 325 fails, 400-500 is the documented setting`,
  ];
  for (const config of peerConfigs) {
    const line = citeLine(config, (e) => e.maxPrefix(limit));
    evidence.push(line ? `configured at ${line}` : `${config.node}: no max-prefix configured`);
  }
  return {
    rule: 'R-MAX-PREFIX',
    status: peerConfigs.every((c) => citeLine(c, (e) => e.maxPrefix())) ? status : 'fail',
    evidence,
  };
};
