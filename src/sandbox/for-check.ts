import { suiteOf } from '../lab/image.js';
import type { RouterEvidence } from '../requirements/router-evidence.js';
import { createRuntime } from '../runtime/select.js';
import type { LabModel } from '../topology/model.js';
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
 * daemon version the topology names installed (the netns runtime runs the host's daemons). Elsewhere the
 * rules read the file, and the note says so.
 */
export async function sandboxRouters(
  model: LabModel,
  options: { signal?: AbortSignal; uid?: number } = {},
): Promise<SandboxRuns> {
  const runs: SandboxRuns = { evidence: new Map(), notes: [] };
  const host = hostCodename();
  const uid = options.uid ?? process.getuid?.();
  const routers = model.nodes.filter((n) => n.role === 'peer-router' && n.config);
  // Each router's sandbox is a lab of its own: they run side by side.
  const results = await Promise.all(
    routers.map(async (node) => {
      const suite = suiteOf(node);
      const why =
        uid !== 0
          ? 'the sandbox needs root (network namespaces)'
          : suite !== host
            ? `its daemon version is Debian ${suite}'s, this host is ${host ?? 'not Debian'}`
            : undefined;
      if (why) return { node, why };
      const evidence = await runSandbox(model, node.name, {
        runtime: createRuntime('netns'),
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
