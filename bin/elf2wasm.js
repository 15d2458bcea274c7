#!/usr/bin/env node
import { cliEntry } from '../dist/cli.js';

await cliEntry();
