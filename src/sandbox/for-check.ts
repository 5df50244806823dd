import { EnvironmentError } from '../errors.js';
import { defaultSuite, imageTagOf, suiteOf } from '../lab/image.js';
import type { RouterEvidence } from '../requirements/router-evidence.js';
import { createRuntime } from '../runtime/select.js';
import { dockerImages, type ImageEngine } from '../runtime/images.js';
import type { LabModel, LabNode } from '../topology/model.js';
import { hostCodename } from '../util/host.js';
import { runSandbox } from './run.js';

export interface SandboxRuns {
  /** What each partner router's daemon did, by router, where a sandbox ran it. */
  evidence: Map<string, RouterEvidence>;
  /** One line per partner router with its own config: judged in a sandbox, or why only its file was read. */
  notes: string[];
}

/**
 * Run every partner router that brings its own config in a sandbox, where this host can: as root, with the
 * daemon version the topology names, on the host's daemons (netns runtime) when that version is the host's,
 * else in its router image (docker runtime) when the image is there. Elsewhere the rules read the file, and
 * the note says why.
 */
export async function sandboxRouters(
  model: LabModel,
  options: { signal?: AbortSignal; uid?: number; images?: ImageEngine } = {},
): Promise<SandboxRuns> {
  const runs: SandboxRuns = { evidence: new Map(), notes: [] };
  const uid = options.uid ?? process.getuid?.();
  const routers = model.nodes.filter((n) => n.role === 'peer-router' && n.config);
  // Each router's sandbox is a lab of its own: they run side by side.
  const results = await Promise.all(
    routers.map(async (node) => {
      const where =
        uid !== 0 ? { why: 'the sandbox needs root (network namespaces)' } : await runtimeFor(node, options);
      if ('why' in where) return { node, why: where.why };
      const evidence = await runSandbox(model, node.name, {
        runtime: createRuntime(where.runtime),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { node, evidence };
    }),
  );
  for (const r of results) {
    const file = r.node.config!.file;
    if (!r.evidence) {
      runs.notes.push(`${r.node.name}: read from ${file} only: ${r.why}`);
      continue;
    }
    runs.evidence.set(r.node.name, r.evidence);
    runs.notes.push(
      `${r.node.name}: judged from ${r.evidence.daemon} ${r.evidence.version} running ${file} in a sandbox (${(r.evidence.elapsedMs / 1000).toFixed(1)} s)`,
    );
  }
  return runs;
}

/**
 * Where a router's daemon version runs: the host's own daemons when the host is that version's Debian suite,
 * else its router image, which `check` does not build (minutes): it says which command does.
 */
async function runtimeFor(
  node: LabNode,
  options: { images?: ImageEngine },
): Promise<{ runtime: 'netns' | 'docker' } | { why: string }> {
  const suite = suiteOf(node);
  const host = hostCodename();
  if (suite === host) return { runtime: 'netns' };
  const images = options.images ?? dockerImages();
  const needs = [...new Set([suite, defaultSuite])];
  const missing: string[] = [];
  for (const s of needs) {
    const there = await images.exists(imageTagOf(s)).catch((error: unknown) => {
      if (error instanceof EnvironmentError) return undefined;
      throw error;
    });
    if (there === undefined)
      return {
        why: `its daemon version is Debian ${suite}'s, this host is ${host ?? 'not Debian'}, and ${images.name} is not installed`,
      };
    if (!there) missing.push(s);
  }
  if (missing.length)
    return {
      why: `its daemon version is Debian ${suite}'s, this host is ${host ?? 'not Debian'}, and ${images.name} has no router image of ${missing.join(' or ')}: ${missing.map((s) => `peerlab image build --suite ${s}`).join('; ')} builds it`,
    };
  return { runtime: 'docker' };
}
