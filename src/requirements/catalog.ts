/** The partner requirements of ../shared/spec/requirements.md. S: static, D: dynamic, C: contractual. */
export const rules = {
  'R-ASN-PUBLIC': { title: 'the peer uses its own public ASN', kind: 'S' },
  'R-LOCAL-REDUNDANCY': { title: 'at least two interconnects in every metro', kind: 'S,D' },
  'R-ROUTER-DIVERSITY': { title: 'local interconnects terminate on different peer routers', kind: 'S' },
  'R-GEO-REDUNDANCY': { title: 'interconnects in at least two metros', kind: 'S,D' },
  'R-ACTIVE-ACTIVE': { title: 'active-active BGP, no session depreferenced against its local twin', kind: 'S,D' },
  'R-BACKUP-OTHER-METRO': { title: 'a backup is never in the same metro as its primary', kind: 'S' },
  'R-EQUAL-BANDWIDTH': { title: 'primary, backup and redundant connections have equal bandwidth', kind: 'S' },
  'R-MIN-SPEED': { title: 'every interconnect is at least 10 Gbps', kind: 'S' },
  'R-LACP': { title: 'interconnects are LAG bundles and the peer speaks LACP', kind: 'S,D' },
  'R-NO-RATE-LIMIT': { title: 'no policer or shaper on the peering connection', kind: 'S,D' },
  'R-NO-STATEFUL-FW': { title: 'the peering does not terminate on a stateful firewall', kind: 'S,D' },
  'R-OWN-IPV4': { title: 'the peer advertises its own publicly routable IPv4 space', kind: 'S' },
  'R-PREFIX-CLASS': { title: 'every advertised subnet declares its traffic class', kind: 'S' },
  'R-COMMUNITY': { title: 'registered prefixes carry community 8075:8007', kind: 'S,D' },
  'R-ORIGIN-ASN-REGISTERED': { title: 'every origin ASN is registered, once (T-ERS)', kind: 'S' },
  'R-BFD': { title: 'BGP sessions run with BFD (required for T-VOICE)', kind: 'S,D' },
  'R-NO-PRIVATE-ASN-IN-PATH': { title: 'no private ASN in the AS path', kind: 'S,D' },
  'R-ASPATH-SMALL-PREFIX': { title: 'prefixes longer than /24 have fewer than 4 ASNs in the path', kind: 'S,D' },
  'R-MAX-PREFIX': { title: "max-prefix toward AS8075 tolerates Microsoft's announcement", kind: 'S,D' },
  'R-NO-READVERTISE': { title: 'Microsoft does not re-advertise peer prefixes to the internet', kind: 'D' },
  'R-UTILIZATION': { title: 'augmentation begins at 40% LAG utilization', kind: 'D' },
  'R-BACKUP-NONE-INTERNET': { title: 'with no backup location, traffic fails over to the internet', kind: 'D' },
} as const;

export type RuleId = keyof typeof rules;
export const ruleIds = Object.keys(rules) as RuleId[];

/** The failure behaviours the spec asks to verify (E-*), which scenarios cover. */
export const expectations = {
  'E-LAG-MEMBER': 'one LAG member fails: the LAG, BFD and BGP stay up',
  'E-ACTIVE-ACTIVE': 'one interconnect of a metro fails: traffic continues over its local twin',
  'E-SILENT': 'a gray failure: BFD detects it, BGP withdraws, traffic moves',
  'E-ROUTER': 'a peer router or its BGP daemon dies: traffic moves to the local twin',
  'E-GEO': 'a whole metro fails: traffic moves to the other metro',
  'E-INTERNET': 'every Peering Service interconnect fails: traffic falls back to the internet',
  'E-RESTORE': 'the failure is repaired: sessions and the optimized path come back, no second outage',
  'E-POLICY': 'a prefix that breaks the rules is not accepted by the Microsoft edge',
} as const;

export const connectionTypeIds = ['T-DIRECT', 'T-VOICE', 'T-ERS'] as const;

/** Every ID of the spec: rules, expectations, connection types. */
export const specIds: string[] = [...ruleIds, ...Object.keys(expectations), ...connectionTypeIds];
