import { DockerRuntime } from './src/runtime/docker.js';
import { tearDownLab } from './src/lab/down.js';
await tearDownLab(process.argv[2]!, new DockerRuntime());
