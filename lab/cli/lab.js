#!/usr/bin/env node
// The `lab` bin on plain Node: registers tsx's loader so the TypeScript entry runs as it is.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
