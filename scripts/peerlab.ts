// The CLI from the TypeScript sources, for development: `npm run peerlab -- <command>` (no build needed).
import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
