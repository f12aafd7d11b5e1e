export { synthYaml } from './synth';
