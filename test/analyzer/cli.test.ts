/** `cdk8s-istio analyze`: files and directories, exit codes, text and JSON output. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { main } from '../../src/analyzer/cli';
import { K8sObject, validateAll } from '../support/schema';
import { dest, gateway, namespace, service, virtualService } from './fixtures';

interface Run {
  code: number;
  out: string;
  err: string;
}

function run(argv: string[], stdin = ''): Run {
  let out = '';
  let err = '';
  const code = main(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, stdin: () => stdin });
  return { code, out, err };
}

function yamlDocs(objs: K8sObject[]): string {
  validateAll(objs);
  return objs.map((o) => stringify(o)).join('---\n');
}

const gatewayYaml = () => yamlDocs([gateway('web', 'shop', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*.example.com'] }])]);
const brokenRouteYaml = () => yamlDocs([virtualService('api', 'shop', { hosts: ['api.example.com'], gateways: ['webx'], http: [{ route: [dest('api.example.com')] }] })]);
const warningRouteYaml = () => yamlDocs([virtualService('blog', 'shop', { hosts: ['blog.example.org'], gateways: ['web'], http: [{ route: [dest('blog.example.org')] }] })]);
const infoYaml = () => yamlDocs([service('reviews', 'shop', { app: 'reviews' }, [{ name: 'web', port: 80 }]), namespace('shop', { 'istio-injection': 'enabled' })]);

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'analyzer-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

describe('cdk8s-istio analyze', () => {
  test('an Error across files (gateway in one, route in another) exits 1 and prints one line per finding', () => {
    const gw = write('a/gateway.yaml', gatewayYaml());
    const route = write('b/route.yml', brokenRouteYaml());
    const r = run(['analyze', gw, route]);
    expect(r.code).toBe(1);
    expect(r.out.trim().split('\n')).toEqual([
      `Error [IST0101] VirtualService shop/api spec.gateways[0]: Referenced gateway not found: "webx" (no Gateway shop/webx). (fix: Correct the reference (namespace/name of an existing Gateway), or create Gateway shop/webx.) [file ${route}]`,
    ]);
    expect(r.err).toMatch(/1 Error, 0 Warning, 0 Info in 2 objects from 2 file\(s\); failing: findings at Error or above\./);
  });

  test('Info and Warning findings print but exit 0 with the default threshold', () => {
    write('gw.yaml', gatewayYaml());
    write('route.yaml', warningRouteYaml());
    write('svc.yaml', infoYaml());
    const r = run(['analyze', dir]);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').map((l) => l.slice(0, l.indexOf(']') + 1))).toEqual(['Warning [IST0132]', 'Info [IST0118]']);
  });

  test('--fail-on Warning and --fail-on info lower the threshold', () => {
    write('gw.yaml', gatewayYaml());
    write('route.yaml', warningRouteYaml());
    expect(run(['analyze', '--fail-on', 'Warning', dir]).code).toBe(1);
    write('route.yaml', '');
    write('svc.yaml', infoYaml());
    expect(run(['analyze', dir]).code).toBe(0);
    expect(run(['analyze', '--fail-on=info', dir]).code).toBe(1);
  });

  test('--output json gives findings and a summary for machines', () => {
    write('gw.yaml', gatewayYaml());
    write('route.yaml', brokenRouteYaml());
    const r = run(['analyze', '-o', 'json', dir]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.summary).toEqual({ Error: 1, Warning: 0, Info: 0, objects: 2, files: 2, groups: 1, failOn: 'Error', failed: true });
    expect(json.findings[0]).toMatchObject({
      code: 'IST0101', name: 'ReferencedResourceNotFound', severity: 'Error',
      object: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: 'shop', name: 'api' },
      field: 'spec.gateways[0]', file: path.join(dir, 'route.yaml'),
    });
    expect(r.err).toBe('');
  });

  test('a clean set exits 0 and says so', () => {
    write('gw.yaml', gatewayYaml());
    const r = run(['analyze', dir]);
    expect(r).toEqual({ code: 0, out: '', err: 'No findings in 1 objects from 1 file(s).\n' });
  });

  test('directories are searched recursively for *.yaml and *.yml only, multi-document files and Lists are expanded', () => {
    write('z/deep/route.yml', brokenRouteYaml());
    write('notes.txt', 'not yaml: [');
    write('list.yaml', stringify({ apiVersion: 'v1', kind: 'List', items: [gateway('web', 'shop', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }])] }));
    write('multi.yaml', `${infoYaml()}---\n# empty document\n`);
    const r = run(['analyze', '-o', 'json', dir]);
    const json = JSON.parse(r.out);
    expect(json.summary.files).toBe(3);
    expect(json.summary.objects).toBe(4);
    expect(json.findings.map((f: { code: string }) => f.code)).toEqual(['IST0101', 'IST0118']);
  });

  test('"-" reads manifests from standard input', () => {
    const r = run(['analyze', '-'], `${gatewayYaml()}---\n${brokenRouteYaml()}`);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Error \[IST0101\] .*\[file <stdin>\]\n$/);
  });

  test('--suppress and --assume-complete are passed to the analyzer', () => {
    write('route.yaml', yamlDocs([virtualService('api', 'shop', { hosts: ['api'], http: [{ route: [dest('api')] }] })]));
    expect(run(['analyze', dir]).code).toBe(0);
    const strict = run(['analyze', '--assume-complete', dir]);
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/Referenced host not found: "api"/);
    expect(run(['analyze', '--assume-complete', '--suppress', 'IST0101,IST0118', dir]).code).toBe(0);
  });

  test('usage errors, unreadable paths and YAML syntax errors exit 2', () => {
    expect(run(['analyze']).code).toBe(2);
    expect(run(['analyze', '--fail-on', 'Fatal', dir])).toMatchObject({ code: 2, err: expect.stringMatching(/--fail-on "Fatal": must be Error, Warning or Info/) });
    expect(run(['analyze', '--output', 'xml', dir]).code).toBe(2);
    expect(run(['analyze', '--bogus', dir])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown option --bogus/) });
    expect(run(['analyze', '--fail-on'])).toMatchObject({ code: 2, err: expect.stringMatching(/--fail-on needs a value/) });
    expect(run(['analyze', path.join(dir, 'missing.yaml')])).toMatchObject({ code: 2, err: expect.stringMatching(/missing\.yaml: no such file or directory/) });
    const bad = write('bad.yaml', 'kind: Service\nmetadata: {name: [\n');
    expect(run(['analyze', bad])).toMatchObject({ code: 2, err: expect.stringContaining('bad.yaml: ') });
  });

  test('help and commands', () => {
    expect(run(['analyze', '--help'])).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage: cdk8s-istio analyze/) });
    expect(run(['--help'])).toMatchObject({ code: 0, out: expect.stringMatching(/analyze <files\|dirs>/) });
    expect(run([])).toMatchObject({ code: 2, err: expect.stringMatching(/^Usage: cdk8s-istio <command>/) });
    expect(run(['lint', dir])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command "lint"/) });
  });
});

describe('bin/cdk8s-istio.js', () => {
  test('dispatches to the compiled cli main with the process arguments and sets the exit code', () => {
    const calls: string[][] = [];
    jest.isolateModules(() => {
      jest.doMock('../../lib/src/analyzer/cli.js', () => ({ main: (argv: string[]) => { calls.push(argv); return 1; } }), { virtual: true });
      const argv = process.argv;
      const exitCode = process.exitCode;
      process.argv = ['node', 'cdk8s-istio', 'analyze', 'dist/'];
      try {
        require('../../bin/cdk8s-istio.js');
        expect(process.exitCode).toBe(1);
      } finally {
        process.argv = argv;
        process.exitCode = exitCode;
      }
    });
    expect(calls).toEqual([['analyze', 'dist/']]);
  });
});

describe('one cluster per kustomization folder', () => {
  // Two GitOps folders (two clusters) holding the same control-plane object, as dist/mlops and dist/pi do.
  const twoClusters = (): void => {
    for (const cluster of ['mlops', 'pi']) {
      write(`dist/${cluster}/10-mesh.yaml`, infoYaml());
      write(`dist/${cluster}/kustomization.yaml`, 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - 10-mesh.yaml\n');
    }
  };

  test('each kustomization folder is analyzed on its own: no duplicates across clusters', () => {
    twoClusters();
    const r = run(['analyze', '--fail-on', 'Warning', '-o', 'json', path.join(dir, 'dist')]);
    const json = JSON.parse(r.out);
    expect(json.findings.map((f: { code: string }) => f.code)).toEqual(['IST0118', 'IST0118']);
    expect(json.summary).toMatchObject({ groups: 2, files: 4, failed: false });
    expect(r.code).toBe(0);
  });

  test('--together analyzes them as one cluster (the duplicates show)', () => {
    twoClusters();
    const r = run(['analyze', '--together', path.join(dir, 'dist')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Error \[CIS0003\] Service shop\/reviews metadata\.name: Service shop\/reviews is defined more than once/);
    expect(r.err).not.toMatch(/groups analyzed separately/);
  });

  test('files outside any kustomization folder form a group of their own', () => {
    twoClusters();
    write('extra/gateway.yaml', gatewayYaml());
    write('extra/route.yaml', brokenRouteYaml());
    const r = run(['analyze', path.join(dir, 'dist'), path.join(dir, 'extra')]);
    expect(r.code).toBe(1);
    expect(r.out.match(/\[IST0101\]/g)).toHaveLength(1);
    expect(r.err).toMatch(/in 3 groups analyzed separately/);
  });
});

test('a cluster folder whose kustomization pulls in sub-folders is one group; kustomizations are not objects', () => {
  const k = (resources: string[]) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;
  write('cluster/kustomization.yaml', k(['istio', 'apps']));
  write('cluster/istio/kustomization.yaml', k(['gateway.yaml']));
  write('cluster/istio/gateway.yaml', gatewayYaml());
  write('cluster/apps/kustomization.yaml', k(['route.yaml']));
  write('cluster/apps/route.yaml', warningRouteYaml());
  for (const extra of [[], ['--together']]) {
    const r = run(['analyze', ...extra, '-o', 'json', path.join(dir, 'cluster')]);
    const json = JSON.parse(r.out);
    // the route finds its Gateway in the sibling folder; no Kustomization objects, so no duplicates
    expect(json.findings.map((f: { code: string }) => f.code)).not.toContain('IST0101');
    expect(json.findings.map((f: { code: string }) => f.code)).not.toContain('CIS0003');
    expect(json.summary).toMatchObject({ groups: 1, objects: 2 });
  }
});
