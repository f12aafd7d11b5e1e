/**
 * The keys of the picture options, checked at run time by `checkKnownKeys` (an unknown key is an error naming its path
 * and the closest valid key, instead of vanishing); the compiler keeps each shape equal to its interface.
 *
 * @internal
 */
import type { Shape } from '../resource/keys';
import type { DotOptions } from './dot';
import type { MeshMarkdownOptions } from './mermaid';
import type { MeshGraphOptions } from './model';
import type { MeshPictureOptions } from './render';

export const MESH_GRAPH_OPTIONS: Shape<MeshGraphOptions> = { domainSuffix: true, rootNamespace: true };
export const MESH_PICTURE_OPTIONS: Shape<MeshPictureOptions> = { ...MESH_GRAPH_OPTIONS, title: true, maxSvgNodes: true };
export const DOT_OPTIONS: Shape<DotOptions> = { title: true };
export const MESH_MARKDOWN_OPTIONS: Shape<MeshMarkdownOptions> = { title: true };

/** The graph part of picture options (the keys {@link MESH_GRAPH_OPTIONS} lists). */
export function graphOptions(options: MeshPictureOptions): MeshGraphOptions {
  const given = options as Record<string, unknown>;
  return Object.fromEntries(Object.keys(MESH_GRAPH_OPTIONS).filter((k) => given[k] !== undefined).map((k) => [k, given[k]]));
}
