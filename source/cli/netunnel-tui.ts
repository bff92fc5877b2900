#!/usr/bin/env node
/** `netunnel-tui`: the management console. Its own issue builds it; until then it says so. */
import {EXIT_FAILURE} from './cli-support.js';

process.stderr.write('netunnel-tui: the management console is coming soon; use netunnel-server and netunnel-client meanwhile\n');
process.exit(EXIT_FAILURE);
