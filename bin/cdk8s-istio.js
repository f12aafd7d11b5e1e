#!/usr/bin/env node
// cdk8s-istio command line: `cdk8s-istio analyze <files|dirs>` (see `cdk8s-istio analyze --help`).
'use strict';
const { main } = require('../lib/src/analyzer/cli.js');

process.exitCode = main(process.argv.slice(2));
