import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { clabernetesTopology, containerlabExport } from '../lab/export/containerlab.js';
import { lagDriver, lagDriverKinds } from '../lab/lag/registry.js';
import { oneOf, outputFolder } from './options.js';
import { loadTopology } from '../topology/load.js';
import { when } from '../util/fs-errors.js';

/** An output folder that is new or empty: an export never mixes with older files. */
async function emptyFolder(out: string): Promise<void> {
  await outputFolder('--out', out);
  // outputFolder has refused a file already: what exists here is a folder.
  const info = await stat(out).catch(when(['ENOENT', 'ENOTDIR'], undefined));
  if (info && (await readdir(out)).length) throw new InputError(`--out ${out} is not empty; name a new folder`);
}

export function registerExport(program: Command): void {
  const exportCommand = program.command('export').description('write a lab for another engine to deploy');
  exportCommand
    .command('containerlab')
    .description(
      'write <lab>.clab.yml (kind linux nodes, the router image, binds, labels, kernel bonds before the daemons) and every node file, plus the clabernetes Topology',
    )
    .argument('<topology>', 'topology YAML file')
    .requiredOption('--out <dir>', 'a new or empty folder')
    .option('--lag-driver <driver>', `how the nodes make their LAGs: ${lagDriverKinds.join(' | ')}`, 'kernel')
    .action(async (file: string, options: { out: string; lagDriver: string }) => {
      const lag = lagDriver(oneOf('--lag-driver', options.lagDriver, lagDriverKinds));
      const model = await loadTopology(file);
      await emptyFolder(options.out);
      const files = containerlabExport(model, lag);
      files.push(clabernetesTopology(model, files[0]!.text));
      for (const f of files) {
        const path = join(options.out, f.path);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, f.text, { mode: f.mode ?? 0o644 });
      }
      console.log(`wrote ${files.length} files to ${options.out}`);
      console.log(`deploy: cd ${options.out} && containerlab deploy -t ${files[0]!.path}`);
    });
}
