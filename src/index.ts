/**
 * peerlab as a library: load and check a topology, render its configs, bring a lab up (an
 * AsyncDisposable: `await using lab = await up(...)` tears it down), run scenarios or one fault on it,
 * and write the reports. The CLI is a thin layer over these.
 */
import { prepareRuntime } from './lab/image.js';
import type { Lab } from './lab/lab.js';
import { selectLagDriver } from './lab/lag/registry.js';
import { startLab, type UpOptions } from './lab/up.js';
import { createRuntime } from './runtime/select.js';
import type { RuntimeKind } from './runtime/select.js';
import { loadTopology } from './topology/load.js';
import type { LabModel } from './topology/model.js';

export {
  CommandError,
  EnvironmentError,
  exitCodes,
  InputError,
  InterruptedError,
  LabError,
  PeerlabError,
  UnreadableFileError,
  type SourcePosition,
} from './errors.js';
export { loadTopology } from './topology/load.js';
export type { BgpSession, Interconnect, LabModel, LabNode, Link } from './topology/model.js';
export { checkRequirements, type CheckReport } from './requirements/check.js';
export { formatCheckReport } from './requirements/format.js';
export { renderLab, renderNode, type RenderedConfig } from './render/render.js';
export { validateConfig, type ValidationResult } from './daemons/validate.js';
export { writeRenderedLab } from './render/write.js';
export { daemonDrivers, daemonNames, daemonDriver } from './daemons/registry.js';
export type { DaemonDriver, NodeAccess, NodeDirs } from './daemons/types.js';
export type { RouterIntent } from './daemons/intent.js';
export { lagDrivers, lagDriverChoices, selectLagDriver } from './lab/lag/registry.js';
export type { LagDriver, LagState } from './lab/lag/types.js';
export { createRuntime, runtimeKinds } from './runtime/select.js';
export type { Runtime } from './runtime/types.js';
export type { RuntimeKind } from './runtime/select.js';
export { buildImage, buildImagesFor, imageTag, imageTagOf } from './lab/image.js';
export { Lab } from './lab/lab.js';
export { startLab, type UpOptions } from './lab/up.js';
export { openLab, tearDownAll } from './lab/open.js';
export { labStatus, formatStatus, type LabStatus } from './lab/status.js';
export { loadScenario, type LoadedScenario } from './scenario/load.js';
export type { Scenario, Step, Expectation } from './scenario/model.js';
export { runSuite, runOnLab, newRunReport, finishRun, type SuiteOptions } from './scenario/suite.js';
export { runScenario, labTarget, type ScenarioRecord, type ScenarioTarget } from './scenario/run.js';
export { oneFaultScenario, type OneFaultOptions } from './scenario/one-fault.js';
export { judgeScenario, type ExpectationResult } from './scenario/expectations/index.js';
export type { RunReport, ScenarioReport, Attempt } from './scenario/results.js';
export { writeReports, readRunReport } from './report/write.js';
export { formatFaultRun } from './report/fault.js';

export interface LabOptions extends Partial<Omit<UpOptions, 'runtime' | 'lag'>> {
  /** docker (default) or netns. */
  runtime?: RuntimeKind;
  /** auto (default), kernel or ovs. */
  lagDriver?: string;
}

/**
 * Bring a topology (a file, or a model from `loadTopology`) up as a lab and wait until it has
 * converged. The docker runtime builds the router image first if it is missing. Dispose the lab
 * (`await using`) or call `down()` to remove everything it made.
 */
export async function up(topology: string | LabModel, options: LabOptions = {}): Promise<Lab> {
  const { runtime: kind = 'docker', lagDriver = 'auto', ...rest } = options;
  const model = typeof topology === 'string' ? await loadTopology(topology) : topology;
  const runtime = createRuntime(kind);
  await prepareRuntime(runtime, [model], rest.progress ? { log: rest.progress } : {});
  return startLab(model, { ...rest, runtime, lag: await selectLagDriver(lagDriver) });
}
export { certify, type CertifyOptions } from './certify/certify.js';
export type { Certification, CertRow } from './scenario/results.js';
