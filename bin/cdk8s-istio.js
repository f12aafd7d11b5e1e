#!/usr/bin/env node
// cdk8s-istio command line: `cdk8s-istio analyze <files|dirs>` and `cdk8s-istio install -o <dir> ...`
// (see `cdk8s-istio --help`). The command dispatch lives in src/analyzer/cli.ts.
'use strict';
const { main } = require('../lib/src/analyzer/cli.js');

process.exitCode = main(process.argv.slice(2));
