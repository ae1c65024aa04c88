#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli.ts into dist/ by `npm ci` (prepare) or `npm run build`.
import { main } from '../dist/src/cli.js';

await main(process.argv.slice(2));
