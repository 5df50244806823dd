#!/usr/bin/env node
// The CLI, compiled (npm run build; scripts/setup.sh builds it in a checkout).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
