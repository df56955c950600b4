#!/usr/bin/env node
// The `ensemble` bin: a stable file for npm's bin link, whatever the build state of dist/.
import '../dist/main.js';
