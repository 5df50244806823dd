import type { Command } from 'commander';
import { InputError, InterruptedError, LabError } from '../errors.js';
import { prepareRuntime } from '../lab/image.js';
import { lagDriverChoices, selectLagDriver } from '../lab/lag/registry.js';
import { openLab, tearDownAll } from '../lab/open.js';
import type { Lab } from '../lab/lab.js';
import { createRuntime, runtimeKinds } from '../runtime/select.js';
import { labStatus, formatStatus } from '../lab/status.js';
import { startLab } from '../lab/up.js';
import { loadTopology } from '../topology/load.js';
import { oneOf } from './options.js';
import { progressPrinter } from './progress.js';
import { onInterrupt } from './signals.js';

export function registerLab(program: Command): void {
  program
    .command('up')
    .description('bring a topology up as a lab of real routers and wait until it has converged')
    .argument('<topology>', 'topology YAML file')
    .option('--name <name>', 'lab name (default: the topology name)')
    .option('--runtime <runtime>', runtimeKinds.join(' | '), 'docker')
    .option('--lag-driver <driver>', `${lagDriverChoices.join(' | ')} (auto: the first this host can run)`, 'auto')
    .option('--timeout <seconds>', 'how long to wait for convergence', '180')
    .option('--keep', 'leave a lab that did not converge running, for inspection')
    .action(
      async (
        file: string,
        options: { name?: string; runtime: string; lagDriver: string; timeout: string; keep?: boolean },
      ) => {
        const kind = oneOf('--runtime', options.runtime, runtimeKinds);
        const lagChoice = oneOf('--lag-driver', options.lagDriver, lagDriverChoices);
        const timeout = Number(options.timeout);
        if (!Number.isFinite(timeout) || timeout <= 0)
          throw new InputError(`--timeout must be a number of seconds (got "${options.timeout}")`);
        const model = await loadTopology(file);
        const progress = progressPrinter();
        const runtime = createRuntime(kind);
        await prepareRuntime(runtime, [model], { log: progress });
        const lag = await selectLagDriver(lagChoice);
        await using interrupt = onInterrupt(() => new InterruptedError('interrupted; the lab was torn down'));
        const start = performance.now();
        const lab = await startLab(model, {
          ...(options.name ? { name: options.name } : {}),
          runtime,
          lag,
          progress,
          signal: interrupt.signal,
          timeoutMs: timeout * 1000,
          ...(options.keep ? { keep: true } : {}),
        });
        progress('done');
        console.log(
          `lab ${lab.name} converged in ${((performance.now() - start) / 1000).toFixed(1)} s (${kind}, ${lag.kind} LAGs); peerlab down ${lab.name} removes it`,
        );
      },
    );

  program
    .command('down')
    .description('remove a lab and everything it made')
    .argument('[name]', 'lab name')
    .option('--all', 'remove every peerlab resource, including those of crashed runs')
    .action(async (name: string | undefined, options: { all?: boolean }) => {
      if (options.all) {
        const { removed, failed } = await tearDownAll();
        if (removed.length || !failed.length)
          console.log(removed.length ? `removed ${removed.join(', ')}` : 'nothing to remove');
        if (failed.length)
          throw new LabError(
            `could not remove:\n  ${failed.map((f) => `${f.lab} (${f.runtime}): ${f.error.split('\n')[0]}`).join('\n  ')}`,
          );
        return;
      }
      if (!name) throw new InputError('name a lab, or use --all');
      const lab = await openLab(name);
      await lab.down();
      console.log(`removed ${name}`);
    });

  program
    .command('status')
    .description('nodes, LAGs, BFD and BGP of a running lab')
    .argument('[name]', 'lab name (default: the only running lab)')
    .option('--json', 'print the state as JSON')
    .action(async (name: string | undefined, options: { json?: boolean }) => {
      const status = await labStatus(await openLab(name));
      console.log(options.json ? JSON.stringify(status, null, 2) : formatStatus(status));
      if (status.problems.length || status.faults.length) process.exitCode = 1;
    });

  program
    .command('exec')
    .description('run a command on a lab node, e.g. peerlab exec ams-pe1 -- birdc show protocols')
    .argument('<node>', 'node name')
    .argument('<command...>', 'command and arguments (after --)')
    .option('--lab <name>', 'lab name (default: the only running lab)')
    .action(async (node: string, command: string[], options: { lab?: string }) => {
      const lab = await openLab(options.lab);
      if (!lab.model.nodes.some((n) => n.name === node)) {
        throw new InputError(
          `no node "${node}" in lab ${lab.name}; nodes: ${lab.model.nodes.map((n) => n.name).join(', ')}`,
        );
      }
      const result = await lab.exec(node, withDaemonCli(lab, node, command), { allowFailure: true });
      if (result.stdout) console.log(result.stdout);
      if (result.stderr) console.error(result.stderr);
      process.exitCode = result.exitCode;
    });
}

/** `birdc ...` or `vtysh ...` as typed, pointed at the node's own daemon (a netns node's socket is not the default). */
function withDaemonCli(lab: Lab, node: string, command: string[]): string[] {
  const spec = lab.node(node);
  const cli = spec.daemon ? lab.daemon(node).cli : undefined;
  return cli && command[0] === cli.name ? [...cli.command(lab.dirs(node)), ...command.slice(1)] : command;
}
