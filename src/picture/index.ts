export * from './model';
export { buildMeshGraph } from './build';
export { toDot } from './dot';
export type { DotOptions } from './dot';
export { toMermaid, meshMarkdownFromGraph } from './mermaid';
export type { MeshMarkdownOptions } from './mermaid';
export { dotToSvg, meshMarkdown, renderMeshPicture } from './render';
export type { MeshPicture, MeshPictureOptions } from './render';
