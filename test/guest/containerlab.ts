// Inside the QEMU guest (test/guest/docker.sh): what `containerlab deploy` and `destroy` do with a file
// `peerlab export containerlab` wrote, done as test/attach.e2e.test.ts does it on the host.
//
//   node --import tsx test/guest/containerlab.ts deploy DIR FILE    prints the lab's name
//   node --import tsx test/guest/containerlab.ts destroy LAB
import { labNamePattern } from '../../src/runtime/identity.js';
import { deployLikeContainerlab, destroyLikeContainerlab } from '../helpers/containerlab.js';

const [command, ...args] = process.argv.slice(2);
if (command === 'deploy' && args.length === 2) console.log(await deployLikeContainerlab(args[0]!, args[1]!));
else if (command === 'destroy' && args.length === 1 && labNamePattern.test(args[0]!))
  await destroyLikeContainerlab(args[0]!);
else {
  console.error('usage: containerlab.ts deploy DIR FILE | destroy LAB');
  process.exit(2);
}
