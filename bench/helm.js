'use strict';
/**
 * `helm template` of the install the benchmark's default-install scenario builds (Istio 1.30.3: the base,
 * istiod and gateway charts), for the side-by-side comparison in bench/line.js.
 *
 * Helm is built from the Go module proxy (bench/helm/go.mod: helm.sh/helm/v3, built the way Helm's release
 * Makefile builds it: CGO off, `-w -s`, the Kubernetes version of its client-go) into .tmp/bench/helm, and
 * rebuilt when go.mod or go.sum is newer. The charts are Istio's own, read from the istio.io/istio module
 * that test/conformance/istio-1.30 pins, in the Go module cache; nothing of Helm or Istio is copied here.
 */
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { REPO } = require('./common');

const HELM_MODULE = path.join(__dirname, 'helm');
const HELM_BIN = path.join(REPO, '.tmp', 'bench', 'helm');
const ISTIO_MODULE = path.join(REPO, 'test', 'conformance', 'istio-1.30');
/** The release the charts are rendered as (the hub and tag the published charts carry). */
const ISTIO_TAG = '1.30.3';

function go(args, cwd) {
  return execFileSync('go', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CGO_ENABLED: '0' } });
}

/** The helm binary, built if missing or older than its go.mod/go.sum. Returns { bin, version }. */
function helmBinary() {
  const stamp = Math.max(...['go.mod', 'go.sum'].map((f) => fs.statSync(path.join(HELM_MODULE, f)).mtimeMs));
  const version = go(['list', '-m', '-f', '{{.Version}}', 'helm.sh/helm/v3'], HELM_MODULE).trim();
  if (!fs.existsSync(HELM_BIN) || fs.statSync(HELM_BIN).mtimeMs < stamp) {
    const clientGo = go(['list', '-m', '-f', '{{.Version}}', 'k8s.io/client-go'], HELM_MODULE).trim(); // v0.35.1
    const [, minor] = clientGo.replace(/^v/, '').split('.');
    const ldflags = ['-w', '-s', `-X helm.sh/helm/v3/internal/version.version=${version}`,
      '-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1', `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${minor}`,
      '-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1', `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${minor}`].join(' ');
    fs.mkdirSync(path.dirname(HELM_BIN), { recursive: true });
    go(['build', '-trimpath', '-ldflags', ldflags, '-o', HELM_BIN, 'helm.sh/helm/v3/cmd/helm'], HELM_MODULE);
  }
  return { bin: HELM_BIN, version };
}

/** Istio's charts folder (manifests/charts) of the istio.io/istio module test/conformance/istio-1.30 requires. */
function istioCharts() {
  const info = JSON.parse(go(['mod', 'download', '-json', 'istio.io/istio'], ISTIO_MODULE));
  if (!info.Dir) throw new Error(`go mod download istio.io/istio: ${info.Error || 'no folder'}`);
  return { dir: path.join(info.Dir, 'manifests', 'charts'), version: info.Version };
}

/**
 * The `helm template` commands of the default install, one per chart as a user runs them (release names
 * and namespaces of Istio's install guide and of the library's defaults: istio-system for base and istiod,
 * istio-ingress for the gateway).
 */
function helmCommands() {
  const helm = helmBinary();
  const charts = istioCharts();
  const set = ['--set', 'global.hub=docker.io/istio', '--set', `global.tag=${ISTIO_TAG}`];
  const cmd = (release, chart, ns) => ({ name: `${release} (${chart})`, args: ['template', release, path.join(charts.dir, chart), '-n', ns, ...set] });
  return {
    helm,
    charts,
    commands: [
      cmd('istio-base', 'base', 'istio-system'),
      cmd('istiod', 'istio-control/istio-discovery', 'istio-system'),
      cmd('istio-ingressgateway', 'gateway', 'istio-ingress'),
    ],
  };
}

module.exports = { helmCommands, ISTIO_TAG };
