import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type * as sec from '../../imports/security.istio.io';
import { istioObject } from '../istio-object';
import { IIstiod, isIstiod } from '../istiod/istiod-ref';
import { fail } from '../validation';
import { checkKnownKeys } from '../resource/keys';
import { MESH_WIDE_MTLS_PROPS } from './shapes';

/** Props of {@link MeshWideMtls}. */
export interface MeshWideMtlsProps {
  /** The control plane; the policy goes to its root namespace (`istiod.rootNamespace`). */
  readonly istiod: IIstiod;
  /**
   * Mesh-wide mTLS mode. `PERMISSIVE` is meant for migrations only.
   * @default 'STRICT'
   */
  readonly mode?: 'STRICT' | 'PERMISSIVE';
}

/**
 * The mesh-wide PeerAuthentication: `default` in the root namespace, applying to every workload that
 * has no namespace- or workload-level policy. Render it once per mesh (a {@link ZeroTrustNamespace}
 * already makes its own namespace STRICT).
 */
export class MeshWideMtls extends Construct {
  /** The PeerAuthentication. */
  public readonly peerAuthentication: ApiObject;
  /** The namespace it lives in. */
  public readonly namespace: string;

  public constructor(scope: Construct, id: string, props: MeshWideMtlsProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, MESH_WIDE_MTLS_PROPS);
    if (!props || !isIstiod(props.istiod)) {
      fail(this, 'istiod', props?.istiod === undefined ? undefined : '(not an Istiod)', 'must be the Istiod construct of the mesh');
    }
    const mode = props.mode ?? 'STRICT';
    if (mode !== 'STRICT' && mode !== 'PERMISSIVE') fail(this, 'mode', mode, 'must be "STRICT" or "PERMISSIVE"');
    this.namespace = props.istiod.rootNamespace;
    this.peerAuthentication = istioObject(this, 'peer-authentication', props.istiod.version, 'PeerAuthentication',
      { name: 'default', namespace: this.namespace },
      { mtls: { mode: mode as sec.PeerAuthenticationSpecMtlsMode } });
  }
}
