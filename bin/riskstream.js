#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so a clean `npm ci` is all a user needs.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
