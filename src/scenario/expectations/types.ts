import type { z } from 'zod';
import type { LabModel } from '../../topology/model.js';
import type { PathTarget, Step } from '../step.js';
import type { ScenarioRecord } from '../record.js';

/**
 * pass and fail are what the network did; inconclusive is a lab that could not measure it (queued or lost
 * probe packets by itself, or an instrument too slow to tell apart what the bound must tell apart).
 */
export type VerdictStatus = 'pass' | 'fail' | 'inconclusive';

/** A judged expectation, as reports show it. */
export interface ExpectationResult {
  id: string;
  kind: string;
  covers: string[];
  verdict: VerdictStatus;
  /** verdict === 'pass' (kept for readers of older run.json files). */
  pass: boolean;
  /** Why the lab could not measure it (verdict inconclusive). */
  inconclusive?: string;
  /** The bound, as a person reads it. */
  expected: string;
  /** What was measured against it. */
  measured: string;
  /** Per flow, router or path figures behind `measured`. */
  details: string[];
}

/**
 * What a kind's judge returns: pass or not, or (not passing) why the lab could not tell. `lateReaction`: the
 * routers themselves reacted late on this host (a daemon's own reason says so), which also explains the
 * run's probe-based failures.
 */
export type Verdict = Omit<ExpectationResult, 'id' | 'kind' | 'covers' | 'verdict'> & { lateReaction?: string };

/**
 * What binding an expectation can ask of its scenario and topology. Every lookup fails as an
 * InputError at the position of `path` in the scenario file, naming what exists.
 */
export interface BindContext {
  model: LabModel;
  steps: Step[];
  fail(message: string, path: PropertyKey[]): never;
  /** A mark step of that name exists. */
  markNamed(name: string, path: PropertyKey[]): void;
  /** A router (not a host) of that name exists. */
  router(node: string, path: PropertyKey[]): void;
  /** A host of that name exists. */
  host(name: string, path: PropertyKey[]): void;
  /** The neighbor address `node` has for a session named by interconnect id or by address. */
  session(node: string, name: string, path: PropertyKey[]): { address: string; label: string };
  /** The LAG of `node` on an interconnect. */
  lag(node: string, name: string, path: PropertyKey[]): { iface: string; label: string };
  /** An interconnect, `metro:<name>` or `transit`, as the interfaces whose counters show traffic there. */
  pathTarget(name: string, path: PropertyKey[]): PathTarget;
  metros(): string;
}

/**
 * One kind of expectation: what a scenario file may say (`schema`), how it binds to the topology and
 * steps before anything runs (`bind`), and how it is judged on what a run measured (`judge`). A kind
 * is one file in this folder, registered in `index.ts`.
 */
export interface ExpectationKind<K extends string, S extends z.ZodType, B> {
  kind: K;
  schema: S;
  bind(file: z.output<S>, path: PropertyKey[], ctx: BindContext): B;
  judge(body: B, record: ScenarioRecord): Verdict;
  /**
   * Judged on probe traffic (loss, paths, outages): a failure on a lab whose own baseline lost or queued
   * probe packets is the lab's, not the network's, and reads as inconclusive.
   */
  probeBased?: boolean;
  /**
   * Judged on when and how often the control plane changed (detection times, session drops): a failure on a
   * lab that queued probe packets for a second or more during the faults (its CPU starved) is the lab's.
   */
  timingBased?: boolean;
}

export const ms = (n: number) => `${Math.round(n)} ms`;
/**
 * A figure seen between probe packets (loss, an outage) is known to one probe interval: over its bound by
 * no more than that (and half a millisecond of rounding) is within the probe's resolution.
 */
export const resolutionSlackMs = (rate: number) => 1000 / rate + 0.5;
export const flowName = (f: ScenarioRecord['flows'][number]) => `${f.plan.from}->${f.plan.to}:${f.plan.srcPort}`;
