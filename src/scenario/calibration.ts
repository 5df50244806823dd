/**
 * A lab measures itself before it judges: how much probe traffic it carries without queueing (its
 * forwarding headroom), and how long a LAG member's carrier loss takes to reach the LAG driver and the
 * routers (its carrier chain). Probe rates and carrier-relative bounds come from these figures, so a
 * verdict does not depend on how busy the host is.
 */
export interface LabCalibration {
  /** RTT p99 (worst flow) a rate must stay under, with nothing lost, to count as carried. */
  targetRttMs: number;
  /** Each rate tried, in the order tried. */
  steps: HeadroomStep[];
  /** Highest total probe rate (packets per second in the lab) that met the target; 0 when none did. */
  ceilingPps: number;
  /** The highest rate tried met the target: the real ceiling is higher than `ceilingPps`. */
  ceilingAtLeast: boolean;
  carrier: CarrierChain | { error: string };
  /** How long the self-test took, ms. */
  tookMs: number;
}

export interface HeadroomStep {
  ratePerFlow: number;
  flows: number;
  pps: number;
  /** RTT p99 of the worst flow, ms; null when no echo came back. */
  rttP99Ms: number | null;
  lost: number;
  ok: boolean;
}

/**
 * From carrier loss on one member of a LAG of two or more (a member-down, reverted at once): the bundle,
 * its BFD and its BGP stay up, so measuring changes nothing a scenario sees (a lag-down here would count
 * as an error in BGP daemons' back-off, BIRD's error wait time among them, and lengthen later restores).
 */
export interface CarrierChain {
  interconnect: string;
  member: string;
  /**
   * Until the LAG driver disabled the member, as the router's own LAG shows it (the middle of the two
   * timeline samples around the change), ms. The same driver path takes a LAG's L3 interface down when its
   * last member goes, so this is the carrier a router's session sees, before the router's own reaction.
   */
  lagMs: number | null;
  /** The timeline's sampling interval: the figure is known to within about this. */
  samplingMs: number;
  /** Probe traffic in the lab while it was measured (half the ceiling: what scenarios run at), pps. */
  underPps?: number;
}
