import { yaml } from '../yaml';

/**
 * Serializes one YAML document deterministically: map keys sorted (whatever order the object was
 * built in, and even with cdk8s's `CDK8S_DISABLE_SORT`), no line folding, and YAML 1.1 quoting
 * (as cdk8s does), so strings such as `on`, `yes` or `0755` stay strings for Kubernetes' YAML reader.
 */
export function toYamlDocument(value: unknown): string {
  return yaml().stringify(value, { lineWidth: 0, version: '1.1', sortMapEntries: true });
}

/**
 * A multi-document YAML file: an optional `#` comment header, then the documents separated by `---`.
 */
export function toYamlFile(docs: readonly unknown[], header: readonly string[] = []): string {
  const head = header.map((l) => (l ? `# ${l}\n` : '#\n')).join('');
  return head + docs.map((d) => `---\n${toYamlDocument(d)}`).join('');
}
