/**
 * Gateway TLS checks: the Secret a server's `credentialName` names (IST0101 when missing, IST0161 when it holds
 * no valid current certificate) and certificates shared by several Gateways (IST0138).
 */
import { X509Certificate } from 'crypto';
import { Entry, Json, MeshModel, Reporter, arr, rec, ref, str, strMap } from '../model';

/** The value of a Secret key, decoded (`data` is base64, `stringData` plain); undefined when absent. */
function secretValue(secret: Entry, key: string): string | undefined {
  const plain = str(rec(secret.obj.stringData)?.[key]);
  if (plain !== undefined) return plain;
  const b64 = str(rec(secret.obj.data)?.[key]);
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf-8');
}

/** Why a gateway credential Secret is not usable (as istiod reads it), or undefined when it is. */
export function credentialProblem(secret: Entry, now: Date): string | undefined {
  const pairs: Array<[string, string]> = [['cert', 'key'], ['tls.crt', 'tls.key']];
  const pair = pairs.find(([c, k]) => (secretValue(secret, c) ?? '') !== '' && (secretValue(secret, k) ?? '') !== '');
  if (!pair) return `it has neither cert/key nor tls.crt/tls.key (with values)`;
  const pem = secretValue(secret, pair[0])!;
  const block = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem);
  if (!block) return `${pair[0]} holds no PEM certificate`;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(block[0]);
  } catch (e) {
    return `${pair[0]} does not parse as a certificate (${(e as Error).message})`;
  }
  if (now > new Date(cert.validTo) || now < new Date(cert.validFrom)) return `its certificate is valid from ${cert.validFrom} to ${cert.validTo}`;
  return undefined;
}

function tlsOf(server: unknown): Json | undefined {
  return rec(rec(server)?.tls);
}

export function checkGatewayTls(m: MeshModel, r: Reporter): void {
  const secrets = new Map<string, Entry>();
  for (const s of m.k8s('Secret')) if (s.group === '') secrets.set(`${s.ns}/${s.name}`, s);
  const now = new Date();
  const gateways = m.istio('Gateway').filter((g) => g.group === 'networking.istio.io');
  for (const gw of gateways) {
    const selector = strMap(gw.spec.selector);
    // istiod reads the credential in the namespace of the gateway pods
    const pod = Object.keys(selector).length > 0 ? m.select(selector, undefined)[0] : undefined;
    if (!pod) continue; // the selector itself is reported (IST0101)
    arr(gw.spec.servers).forEach((server, i) => {
      const cn = str(tlsOf(server)?.credentialName);
      if (!cn) return;
      const key = cn.includes('/') ? cn : `${pod.ns}/${cn}`;
      const secret = secrets.get(key);
      const field = `spec.servers[${i}].tls.credentialName`;
      if (!secret) {
        if (m.assumeComplete) {
          r.report('IST0101', gw, field, `Referenced credentialName not found: "${cn}" (no Secret ${key}, in the namespace of the gateway pods).`,
            `Create Secret ${key} with the certificate and key (tls.crt/tls.key), or correct credentialName.`, 'gateway.SecretAnalyzer');
        }
        return;
      }
      const problem = credentialProblem(secret, now);
      if (problem) {
        r.report('IST0161', gw, field, `The credential referenced by the Gateway ${gw.name} in namespace ${pod.ns} is invalid: Secret ${ref(secret)}: ${problem}.`);
      }
    });
  }

  // IST0138: two Gateways of the same pods serving the same certificate.
  for (const gw of gateways) {
    const sel = strMap(gw.spec.selector);
    for (const other of gateways) {
      if (other === gw) continue;
      const osel = strMap(other.spec.selector);
      // the other Gateway's selector includes every label of this one's (Istio's subset test)
      if (!Object.keys(sel).every((k) => osel[k] === sel[k])) continue;
      // one finding per pair of Gateways, however many of their servers share the certificate
      const shared = arr(gw.spec.servers).some((a) => arr(other.spec.servers).some((b) => {
        const [ta, tb] = [tlsOf(a), tlsOf(b)];
        return ta !== undefined && tb !== undefined && sameCertificate(ta, tb);
      }));
      if (shared) {
        r.report('IST0138', gw, 'spec.servers',
          `Duplicate certificate in multiple gateways ${ref(gw)}, ${ref(other)}: clients re-using HTTP/2 connections may get 404.`,
          'Give each Gateway its own certificate, or merge the Gateways into one.');
      }
    }
  }
}

function sameCertificate(a: Json, b: Json): boolean {
  const [ca, cb] = [str(a.credentialName) ?? '', str(b.credentialName) ?? ''];
  if (ca && cb) return ca === cb;
  if (ca || cb) return false;
  const [sa, sb] = [str(a.serverCertificate) ?? '', str(b.serverCertificate) ?? ''];
  const [ka, kb] = [str(a.privateKey) ?? '', str(b.privateKey) ?? ''];
  return sa !== '' && sa === sb && ka !== '' && ka === kb;
}
