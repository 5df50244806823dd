import { z } from 'zod';
import { daemonNames } from '../daemons/registry.js';
import { serviceCapacity } from './addresses.js';

/** What a topology file says. Resolution into a lab model happens in resolve.ts. */

const name = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must start with a lowercase letter and use only a-z, 0-9 and "-"');
/** 32-bit unsigned, as BGP carries it (local-pref, MED, max-prefix counts). */
const u32 = z.number().int().min(0).max(4294967295);
/** ASN 0 is reserved (RFC 7607): FRR and BIRD refuse it. Other reserved values are R-ASN-PUBLIC's to judge. */
const asn = z.number().int().min(1).max(4294967295);
const daemon = z.enum(daemonNames);
const speed = z.string().regex(/^[1-9][0-9]*(M|G)$/, 'must be a speed such as "10G" or "100G" (M or G)');
const ipv4Prefix = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be an IPv4 prefix such as "203.0.113.0/25"');
const community = z
  .string()
  .regex(/^\d{1,5}:\d{1,5}$/, 'must be a community such as "8075:8007"')
  .refine((c) => c.split(':').every((half) => Number(half) <= 65535), {
    message: 'must be two 16-bit values, such as "8075:8007" (each 0-65535)',
  });

export const connectionTypes = ['direct', 'voice', 'ers'] as const;
export const roles = ['redundant', 'primary', 'backup'] as const;
export const trafficClasses = ['voice', 'video', 'data', 'mixed', 'infrastructure'] as const;

export const lagSchema = z.strictObject({
  members: z.number().int().min(1).max(8).default(2),
  'member-speed': speed.default('10G'),
  lacp: z.enum(['active', 'passive', 'off']).default('active'),
});

export const bfdSchema = z.union([
  z.literal(false),
  z.strictObject({
    interval: z.number().int().min(10).max(60000).default(300).describe('ms, transmit and receive'),
    // FRR takes a detect multiplier of 2-255.
    multiplier: z.number().int().min(2).max(255).default(3),
  }),
]);

const policySchema = z
  .strictObject({
    'local-pref': u32.optional(),
    med: u32.optional(),
    prepend: z.number().int().min(0).max(10).optional(),
    // FRR's neighbor weight is 0-65535.
    weight: z.number().int().min(0).max(65535).optional(),
  })
  .describe('peer-side tuning toward this interconnect; anything set here depreferences it (R-ACTIVE-ACTIVE)');

const interconnectSchema = z.strictObject({
  'peer-router': name.describe('a key of peer.routers'),
  'edge-router': name.describe('the Microsoft edge router (created if not listed under microsoft.routers)'),
  role: z.enum(roles).optional(),
  'backup-of': z.string().optional().describe('metro/interconnect this backup protects'),
  lag: lagSchema.partial().optional(),
  bfd: bfdSchema.optional(),
  policy: policySchema.optional(),
  'rate-limit': speed.optional().describe('a policer on the peer interface (breaks R-NO-RATE-LIMIT)'),
});

const metroSchema = z.strictObject({
  interconnects: z.record(name, interconnectSchema),
  'peak-traffic': speed
    .optional()
    .describe(
      'the expected peak traffic exchanged with AS8075 in this metro: R-UTILIZATION reports each LAG against the 40% line, in normal operation and after each single failure',
    ),
});

/** A Linux interface name: at most 15 characters, no slash, space or colon. */
const ifname = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/, 'must be a Linux interface name (1-15 of A-Z a-z 0-9 _ . -)');

const routerSchema = z.strictObject({
  daemon: daemon.default('frr'),
  interfaces: z
    .record(ifname, ifname)
    .optional()
    .describe(
      "the partner's own interface names: { bond1: fra-ic1, ens1f0: fra-ic1-m1 } (theirs: the lab's). Their config, ruleset and tc commands keep their names; the lab runs them with its own",
    ),
  version: z
    .string()
    .optional()
    .describe(
      "the daemon's version, as the partner runs it (frr: 8.4, 10.3; bird: 2.0, 2.17, 3.1); default the oldest",
    ),
  asn: asn
    .optional()
    .describe('the ASN this router is configured with, when it differs from peer.asn (a misconfiguration)'),
  'stateful-firewall': z.boolean().default(false),
  nftables: z
    .string()
    .min(1)
    .optional()
    .describe("the router's own nftables ruleset file, applied in its namespace before its daemons start"),
  tc: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'traffic control the router runs, as tc arguments ("qdisc add dev fra-ic1 root tbf ..."), applied before its daemons start',
    ),
  config: z
    .string()
    .min(1)
    .optional()
    .describe(
      "the router's own daemon config (frr.conf or bird.conf), relative to this file: the lab runs it instead of a rendered one, after checking it against the router's contract",
    ),
});

const prefixSchema = z.strictObject({
  prefix: ipv4Prefix,
  class: z.enum(trafficClasses).optional(),
  registered: z.boolean().default(true),
  communities: z.array(community).optional(),
  'as-path': z.array(asn).default([]).describe('ASNs behind the peer, the origin last'),
});

const peerHostSchema = z.strictObject({
  prefix: ipv4Prefix.describe('one of peer.prefixes; the host gets an address in it'),
});

export const topologySchema = z.strictObject({
  // The lab takes the topology's name by default, and lab names prefix container and namespace names.
  name: name.max(31, 'must be at most 31 characters (the lab takes it, and it prefixes container and namespace names)'),
  type: z.enum(connectionTypes),
  lab: z.boolean().default(true).describe('documentation ASNs and addresses are accepted (and flagged)'),
  defaults: z
    .strictObject({
      lag: lagSchema.partial().optional(),
      bfd: bfdSchema.optional(),
      role: z.enum(roles).optional(),
    })
    .optional(),
  peer: z.strictObject({
    name: z.string().optional(),
    asn,
    'max-prefix': z.number().int().min(1).max(4294967295).default(500).describe('limit toward AS8075'),
    'registered-origin-asns': z.array(asn).optional().describe('T-ERS: customer origin ASNs'),
    core: z.strictObject({ daemon: daemon.optional() }).optional(),
    routers: z.record(
      name,
      routerSchema.nullable().transform((r) => r ?? routerSchema.parse({})),
    ),
    prefixes: z.array(prefixSchema).min(1),
    customers: z
      .array(z.strictObject({ asn, prefixes: z.array(ipv4Prefix).min(1) }))
      .default([])
      .describe(
        "the partner's customers (their ASN and prefixes): check's sandbox gives a partner router their routes, to see which it passes to AS8075 and how",
      ),
    hosts: z.record(name, peerHostSchema).default({}),
  }),
  microsoft: z
    .strictObject({
      asn: asn.default(8075),
      daemon: daemon.default('frr'),
      'service-prefixes': z.number().int().min(1).max(serviceCapacity).default(280),
      hosts: z.array(name).default([]).describe('service endpoints, one service prefix each'),
    })
    .default({ asn: 8075, daemon: 'frr', 'service-prefixes': 280, hosts: [] }),
  metros: z.record(name, metroSchema),
  transit: z
    .strictObject({
      asn,
      daemon: daemon.default('frr'),
    })
    .optional()
    .describe('the internet path both sides reach; the fallback when peering fails'),
});

export type TopologyFile = z.infer<typeof topologySchema>;
export type InterconnectFile = z.infer<typeof interconnectSchema>;
export type ConnectionType = (typeof connectionTypes)[number];
export type Role = (typeof roles)[number];
export type TrafficClass = (typeof trafficClasses)[number];
export type Daemon = z.infer<typeof daemon>;
